//go:build duckdb_arrow

package pushdown_test

import (
	"strings"
	"testing"

	"github.com/plumb-data/plumb/internal/dbtest"
	"github.com/plumb-data/plumb/pushdown"
	"github.com/plumb-data/plumb/source"
)

func TestModeSet(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want pushdown.Mode
		ok   bool
	}{{"on", pushdown.On, true}, {"TRUE", pushdown.On, true}, {"off", pushdown.Off, true}, {"auto", pushdown.Auto, true}, {"sometimes", 0, false}} {
		var m pushdown.Mode
		err := m.Set(tc.in)
		if (err == nil) != tc.ok || tc.ok && m != tc.want {
			t.Errorf("Set(%q): got %v, %v; want %v, ok %v", tc.in, m, err, tc.want, tc.ok)
		}
	}
}

// TestPrepare: files are never pushed down; a database table is when
// asked, or when the catalog's estimate reaches the threshold.
func TestPrepare(t *testing.T) {
	t.Parallel()
	file, err := source.Parse("../testdata/customers.csv")
	if err != nil {
		t.Fatal(err)
	}
	if p, err := pushdown.Prepare(t.Context(), file, pushdown.Options{Mode: pushdown.On}); err != nil || p.Push {
		t.Errorf("a file: got %+v, %v; want no pushdown", p, err)
	}
	db := dbtest.Postgres(t)
	db.Exec(t, "CREATE TABLE t AS SELECT generate_series(1, 600) AS n", "ANALYZE t")
	src, err := source.Parse(db.Table("t"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		opts   pushdown.Options
		push   bool
		reason string
	}{
		{pushdown.Options{}, false, "on this host"},
		{pushdown.Options{Threshold: 600}, false, "on this host"},
		{pushdown.Options{Remote: true}, false, "under 1,000,000"},
		{pushdown.Options{Threshold: 600, Remote: true}, true, "estimates 600 rows, at least 600"},
		{pushdown.Options{Mode: pushdown.On}, true, "--pushdown"},
		{pushdown.Options{Mode: pushdown.Off, Threshold: 1}, false, "off"},
	} {
		p, err := pushdown.Prepare(t.Context(), src, tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		if p.Push != tc.push || !strings.Contains(p.Reason, tc.reason) {
			t.Errorf("%+v: got push %v (%s), want %v (%s)", tc.opts, p.Push, p.Reason, tc.push, tc.reason)
		}
	}
}
