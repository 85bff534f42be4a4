//go:build duckdb_arrow

package reconcile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plumb-data/plumb/internal/enginetest"
)

// TestDiffsFileFormats writes the diffs of each mode in each format and
// checks that exactly the file asked for is left, with a row per
// difference.
func TestDiffsFileFormats(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	src, tgt := load(t, db, "diff/source.csv", false), load(t, db, "diff/target.csv", false)
	for _, tt := range []struct {
		name     string
		opts     Options
		file     string
		wantRows int64
	}{
		{name: "keyed csv", opts: Options{Keys: keys("id")}, file: "diffs.csv", wantRows: 9},
		{name: "keyed ndjson", opts: Options{Keys: keys("id")}, file: "diffs.ndjson", wantRows: 9},
		{name: "keyless parquet", opts: Options{Columns: []string{"name"}, Trim: ColumnSet{All: true}}, file: "diffs.parquet", wantRows: 6},
		{name: "keyless jsonl", opts: Options{Columns: []string{"name"}, Trim: ColumnSet{All: true}}, file: "diffs.jsonl", wantRows: 6},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.opts.DiffsPath = filepath.Join(dir, tt.file)
			diff(t, db, src, tgt, tt.opts)
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 || entries[0].Name() != tt.file {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Fatalf("got files %v, want only %s", names, tt.file)
			}
			var n int64
			reader := map[string]string{".csv": "read_csv", ".ndjson": "read_json", ".jsonl": "read_json", ".parquet": "read_parquet"}[filepath.Ext(tt.file)]
			q := "SELECT count(*) FROM " + reader + "('" + strings.ReplaceAll(tt.opts.DiffsPath, "'", "''") + "')"
			if err := db.QueryRowContext(t.Context(), q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != tt.wantRows {
				t.Errorf("got %d rows, want %d", n, tt.wantRows)
			}
		})
	}
}
