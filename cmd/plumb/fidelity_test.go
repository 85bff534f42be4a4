//go:build duckdb_arrow

package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fidelityCase is a file of issue 13 and what inspect must say of it.
type fidelityCase struct {
	name    string
	content string
	args    []string
	want    []string // substrings of stdout
}

func runFidelity(t *testing.T, cases []fidelityCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "f.csv")
			if err := os.WriteFile(path, []byte(c.content), 0o644); err != nil {
				t.Fatal(err)
			}
			stdout, stderr, _ := plumb(t, "", append([]string{"inspect", path}, c.args...)...)
			for _, w := range c.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s\nstderr: %s", w, stdout, stderr)
				}
			}
		})
	}
}

// rows returns a header and n rows "i,ri" joined by eol, with row k
// (from 1) replaced by bad[k].
func rows(n int, bad map[int]string, eol string) string {
	var b strings.Builder
	b.WriteString("id,v" + eol)
	for i := 1; i <= n; i++ {
		if s, ok := bad[i]; ok {
			b.WriteString(s + eol)
		} else {
			fmt.Fprintf(&b, "%d,r%d%s", i, i, eol)
		}
	}
	return b.String()
}

// TestInspectAccountsForEveryRecord runs the reproducers of issue 13's
// items 2, 3 and 4, and variants of them.
func TestInspectAccountsForEveryRecord(t *testing.T) {
	t.Parallel()
	cases := []fidelityCase{
		{name: "crlf", content: "a,b\r\n1,x,E1\r\n2,y,E2\r\n3,z\r\n",
			want: []string{"3 read = 1 loaded + 2 rejected", "line 2  TOO MANY COLUMNS", "line 3  TOO MANY COLUMNS"}},
		{name: "blank lines", content: "a,b\n1,x\n\n\n2,y,EXTRA\n3,z\n",
			want: []string{"3 read = 2 loaded + 1 rejected", "line 5  TOO MANY COLUMNS"}},
		{name: "lone broken quote reads best unquoted", content: rows(10_000, map[int]string{5000: `5000,"oops`}, "\n"),
			want: []string{"quote (none)", "10,000 read = 10,000 loaded + 0 rejected"}},
		{name: "unterminated quote mid-file", content: rows(10_000, map[int]string{5000: `5000,"oops`}, "\n"), args: []string{"--quote", `"`},
			want: []string{"10,000 read = 9,999 loaded + 1 rejected", "line 5001"}},
		{name: "unterminated quote mid-file crlf", content: rows(10_000, map[int]string{5000: `5000,"oops`}, "\r\n"), args: []string{"--quote", `"`},
			want: []string{"10,000 read = 9,999 loaded + 1 rejected", "line 5001"}},
		{name: "text keeps the bytes", content: "a,b\n1,Jos\xe9,30\n2,ok\n", args: []string{"--encoding", "utf-8"},
			want: []string{"2 read = 1 loaded + 1 rejected", `1,Jos\\xe9,30`}},
	}
	for k := range 5 {
		n := 200 + 37*k
		bad := map[int]string{n / 3: fmt.Sprintf("%d,x,EXTRA", n/3), n / 2: fmt.Sprintf("%d,x,EXTRA", n/2)}
		cases = append(cases, fidelityCase{name: fmt.Sprintf("crlf variant %d", k), content: rows(n, bad, "\r\n"),
			want: []string{fmt.Sprintf("%d read = %d loaded + 2 rejected", n, n-2),
				fmt.Sprintf("line %d ", n/3+1), fmt.Sprintf("line %d ", n/2+1)}})
	}
	runFidelity(t, cases)
}

// TestInspectDialectOnEvidence runs issue 13 item 1's reproducer with the
// flags a user would try.
func TestInspectDialectOnEvidence(t *testing.T) {
	t.Parallel()
	uq := "id,name,city\n1,\"Smith, John\",Boston\n2,\"Doe, Jane\",NYC\n3,\"Broken,Chicago\n4,\"Lee, Ann\",LA\n"
	want := []string{"quote '\"'", "4 read = 3 loaded + 1 rejected", "line 4 "}
	runFidelity(t, []fidelityCase{
		{name: "sniffed", content: uq, want: want},
		{name: "quote", content: uq, args: []string{"--quote", `"`}, want: want},
		{name: "quote and delimiter", content: uq, args: []string{"--quote", `"`, "--delimiter", ","}, want: want},
		{name: "tabs", content: strings.ReplaceAll(uq, ",", "\t"), want: want},
	})
}

// TestCheckLinesAfterBrokenQuote: the lines plumb check gives for rows
// after a quote that never closes are the rows' own, as the load cut the
// file (the line index uses the load's record splitter). The reproducer
// is issue 13 item 2's file; the variants move the broken quote and the
// failing rows about, in LF and CRLF files.
func TestCheckLinesAfterBrokenQuote(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rules := filepath.Join(dir, "rules.yaml")
	if err := os.WriteFile(rules, []byte("checks:\n  - expression: {sql: \"v <> 'bad'\"}\n    name: not bad\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	type variant struct {
		n, broken int
		failing   []int
		eol       string
	}
	variants := []variant{{n: 10_000, broken: 5000, failing: []int{4999, 5001, 9999}, eol: "\n"}}
	rng := rand.New(rand.NewPCG(13, 2))
	for k := range 6 {
		n := 50 + rng.IntN(400)
		v := variant{n: n, broken: 1 + rng.IntN(n), eol: []string{"\n", "\r\n"}[k%2]}
		for len(v.failing) < 3 {
			if f := 1 + rng.IntN(n); f != v.broken && !slices.Contains(v.failing, f) {
				v.failing = append(v.failing, f)
			}
		}
		slices.Sort(v.failing)
		variants = append(variants, v)
	}
	for k, v := range variants {
		t.Run(fmt.Sprintf("%d rows, broken %d, %q", v.n, v.broken, v.eol), func(t *testing.T) {
			t.Parallel()
			bad := map[int]string{v.broken: fmt.Sprintf(`%d,"oops`, v.broken)}
			var want []int64
			for _, f := range v.failing {
				bad[f] = fmt.Sprintf("%d,bad", f)
				want = append(want, int64(f)+1)
			}
			path := filepath.Join(dir, fmt.Sprintf("f%d.csv", k))
			if err := os.WriteFile(path, []byte(rows(v.n, bad, v.eol)), 0o644); err != nil {
				t.Fatal(err)
			}
			stdout, stderr, _ := plumb(t, "", "check", path, "--rules", rules, "--quote", `"`, "--allow-rejects", "--format", "json")
			got := sampleLines(t, stdout)["not bad"]
			if !slices.Equal(got, want) {
				t.Errorf("sample lines: got %v, want %v\n%s", got, want, stderr)
			}
		})
	}
}

// TestInspectWrittenNamesKeepPriority runs issue 13 item 13's reproducer:
// a generated name never takes a name the header wrote.
func TestInspectWrittenNamesKeepPriority(t *testing.T) {
	t.Parallel()
	runFidelity(t, []fidelityCase{
		{name: "reproducer", content: ",column_1\na,b\n", want: []string{"1  column_1_2  VARCHAR", "2  column_1    VARCHAR",
			`column 1: "" -> column_1_2 (empty header)`}},
		{name: "two generated", content: "column_3,,\na,b,c\n", want: []string{"1  column_3    VARCHAR", "2  column_2    VARCHAR",
			"3  column_3_2  VARCHAR"}},
	})
}
