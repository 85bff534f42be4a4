//go:build duckdb_arrow

package suggest

import (
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
