//go:build duckdb_arrow

package suggest

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/plumb-data/plumb/internal/enginetest"
	"github.com/plumb-data/plumb/profile"
	"github.com/plumb-data/plumb/rules"
)

// TestRoundTrip: the suggested rules, read back, pass on the data
// they came from, and they catch a change.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"customers.csv", "dedupe/people.csv", "diff/source.csv"} {
		t.Run(name, func(t *testing.T) {
			// A session of its own: Run confines the session it checks in.
			db := enginetest.Open(t)
			tbl := enginetest.Load(t, db, enginetest.Fixture(name), true)
			p, err := profile.Run(t.Context(), db, tbl, profile.Options{Top: 25})
			if err != nil {
				t.Fatal(err)
			}
			s, err := Run(t.Context(), db, tbl, p)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			if err := s.WriteYAML(&b); err != nil {
				t.Fatal(err)
			}
			r, err := rules.Parse([]byte(b.String()))
			if err != nil {
				t.Fatalf("suggested rules do not parse: %v\n%s", err, b.String())
			}
			if len(r.Checks) < 5 {
				t.Errorf("got %d checks, want a useful number\n%s", len(r.Checks), b.String())
			}
			res, err := rules.Run(t.Context(), db, tbl, r, rules.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range res.Checks {
				if c.Status != rules.StatusPass {
					t.Errorf("%s: got %s (%d of %d failing, %s) on the data it was suggested from", c.Name, c.Status, c.Failed, c.Rows, c.Detail)
				}
			}
		})
	}
}

// TestEvidence: the evidence of each suggested check agrees with the
// check (missing markers fail it, and the figures say so), constants are
// called constants, codes with leading zeros get no numeric range, and
// blank values keep a column from not_null (issue 16, item 11).
func TestEvidence(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(11, 11))
	var b strings.Builder
	b.WriteString("id,phone,flag,code,remark,qty\n")
	for i := range 400 {
		phone := fmt.Sprintf("(%03d) %03d-%04d", 200+rng.IntN(700), rng.IntN(1000), rng.IntN(10000))
		if i%25 == 0 {
			phone = []string{"N/A", "-", "?"}[i%3]
		}
		code := fmt.Sprint(1000 + rng.IntN(9000))
		if i%40 == 0 {
			code = fmt.Sprintf("%04d", rng.IntN(999))
		}
		remark := []string{"ok", "late", "early"}[rng.IntN(3)]
		if i%50 == 0 {
			remark = "  "
		}
		fmt.Fprintf(&b, "%d,%s,1,%s,%s,%d\n", i, phone, code, remark, rng.IntN(500))
	}
	path := filepath.Join(t.TempDir(), "evidence.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	db := enginetest.Open(t)
	tbl := enginetest.Load(t, db, path, true)
	p, err := profile.Run(t.Context(), db, tbl, profile.Options{Top: 25})
	if err != nil {
		t.Fatal(err)
	}
	s, err := Run(t.Context(), db, tbl, p)
	if err != nil {
		t.Fatal(err)
	}
	find := func(kind rules.Kind, col string) (rules.Check, string, bool) {
		for i, c := range s.Rules.Checks {
			if c.Kind == kind && len(c.Columns) > 0 && c.Columns[0] == col {
				return c, s.Evidence[i], true
			}
		}
		return rules.Check{}, "", false
	}
	tests := []struct {
		name  string
		check func() error
	}{
		{"phone evidence agrees with its failures", func() error {
			_, why, ok := find(rules.Semantic, "phone")
			if !ok {
				return fmt.Errorf("no phone check")
			}
			var good, all, failing int64
			if _, err := fmt.Sscanf(numfmtless(why), "%d of %d non-null values look like phone (its %d sentinel values fail it); ", &good, &all, &failing); err != nil {
				return fmt.Errorf("evidence %q: %v", why, err)
			}
			if !strings.Contains(why, fmt.Sprintf("%d rows", all-good)) || all-good != failing {
				return fmt.Errorf("evidence %q: %d of %d fail, %d sentinels", why, all-good, all, failing)
			}
			return nil
		}},
		{"constant column said to be constant, no range", func() error {
			if _, _, ok := find(rules.Range, "flag"); ok {
				return fmt.Errorf("a range on a constant column")
			}
			if c, why, ok := find(rules.AcceptedValues, "flag"); ok && !strings.Contains(why, "constant") {
				return fmt.Errorf("accepted_values %v with evidence %q", c.Values, why)
			}
			return nil
		}},
		{"codes with leading zeros get no range", func() error {
			if c, why, ok := find(rules.Range, "code"); ok {
				return fmt.Errorf("range %v..%v (%s)", c.Min, c.Max, why)
			}
			return nil
		}},
		{"a quantity gets a range", func() error {
			if _, _, ok := find(rules.Range, "qty"); !ok {
				return fmt.Errorf("no range on qty")
			}
			return nil
		}},
		{"blank values keep a column from not_null", func() error {
			c, _, _ := find(rules.NotNull, "id")
			if slices.Contains(c.Columns, "remark") {
				return fmt.Errorf("not_null on %v", c.Columns)
			}
			if !slices.ContainsFunc(s.Left, func(l string) bool { return strings.HasPrefix(l, "not_null(remark)") }) {
				return fmt.Errorf("left out %q lacks not_null(remark)", s.Left)
			}
			return nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.check(); err != nil {
				t.Error(err)
			}
		})
	}
}

// numfmtless drops thousands separators.
func numfmtless(s string) string { return strings.ReplaceAll(s, ",", "") }
