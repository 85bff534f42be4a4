package dbsource

import (
	"slices"
	"strings"
	"testing"
)

func TestCheckClauses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, stmt string
		want       []string
	}{
		{"column", "CREATE TABLE t (a numeric CHECK (a >= 0), b text)", []string{"CHECK (a >= 0)"}},
		{"table and named", "CREATE TABLE t (a int, b int, CONSTRAINT pos check(a > 0 AND (b < 10 OR b IS NULL)))",
			[]string{"CHECK (a > 0 AND (b < 10 OR b IS NULL))"}},
		{"strings and names", `CREATE TABLE "check" (x text CHECK (x <> 'CHECK (no)' AND x <> ')'), "a check" int)`,
			[]string{`CHECK (x <> 'CHECK (no)' AND x <> ')')`}},
		{"comments", "CREATE TABLE t (a int -- check (a)\n /* CHECK (b) */, c int CHECK(c IN (1, 2)))", []string{"CHECK (c IN (1, 2))"}},
		{"word inside a name", "CREATE TABLE t (rechecked int, check_at int)", nil},
		{"cut short", "CREATE TABLE t (a int CHECK (a > (0)", nil},
		{"two", "CREATE TABLE t (a int CHECK (a > 0), b int CHECK (b > a))", []string{"CHECK (a > 0)", "CHECK (b > a)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := checkClauses(tc.stmt); !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// FuzzCheckClauses: any statement is read without a panic, and every
// clause found is in the statement, starts with CHECK and has balanced
// parentheses.
func FuzzCheckClauses(f *testing.F) {
	f.Add("CREATE TABLE t (a int CHECK (a > 0))")
	f.Add(`CREATE TABLE t ("a" int check ((a)), [b] text CHECK (b <> ']'))`)
	f.Fuzz(func(t *testing.T, stmt string) {
		for _, c := range checkClauses(stmt) {
			if !strings.HasPrefix(c, "CHECK ") || !strings.HasSuffix(c, ")") {
				t.Fatalf("clause %q", c)
			}
			if !strings.Contains(stmt, c[len("CHECK "):]) {
				t.Fatalf("clause %q is not in %q", c, stmt)
			}
		}
	})
}
