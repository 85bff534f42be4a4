//go:build duckdb_arrow

package reconcile

import (
	"testing"

	"github.com/plumb-data/plumb/internal/enginetest"
)

// TestRunLeavesNoScratch checks that every mode drops the tables and
// views it made, whether it succeeds or fails.
func TestRunLeavesNoScratch(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	src, tgt := load(t, db, "diff/source.csv", false), load(t, db, "diff/target.csv", false)
	for _, tt := range []struct {
		name    string
		opts    Options
		wantErr bool
	}{
		{name: "keyed", opts: Options{Keys: keys("id")}},
		{name: "keyless", opts: Options{}},
		{name: "aggregate", opts: Options{GroupBy: []string{"status"}, Sum: []string{"amount"}}},
		{name: "bad where", opts: Options{Keys: keys("id"), Where: "nope > 1"}, wantErr: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Run(t.Context(), db, src, tgt, tt.opts); (err != nil) != tt.wantErr {
				t.Fatalf("got error %v, want one: %t", err, tt.wantErr)
			}
		})
	}
	var left int
	q := "SELECT (SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'plumb_diff%') + (SELECT count(*) FROM duckdb_views() WHERE view_name LIKE 'plumb_diff%')"
	if err := db.QueryRowContext(t.Context(), q).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("got %d scratch relations left, want 0", left)
	}
}
