//go:build duckdb_arrow

package dedupe

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/internal/enginetest"
)

// TestPairsFormats: the pairs file follows its name's format. CSV is flat,
// its numbers written as Go writes them ("1", not "1.0"); Parquet and
// NDJSON hold the same pairs with a nested list of fields; and nothing
// but the named files is left in the directory.
func TestPairsFormats(t *testing.T) {
	t.Parallel()
	db, tbl, cfg := setup(t)
	dir := t.TempDir()
	paths := map[string]string{}
	var links int64
	for _, name := range []string{"pairs.csv", "pairs.parquet", "pairs.ndjson"} {
		paths[name] = filepath.Join(dir, name)
		res, err := Run(t.Context(), db, tbl, cfg, Options{PairsPath: paths[name], Now: fixedClock()})
		if err != nil {
			t.Fatal(err)
		}
		links = res.Links
	}
	recs := enginetest.ReadCSV(t, paths["pairs.csv"])
	head := []string{"a", "b", "weight", "probability"}
	for _, f := range cfg.Fields {
		for _, c := range pairFieldColumns {
			head = append(head, f.Column+"_"+c)
		}
	}
	if !slices.Equal(recs[0], head) {
		t.Errorf("pairs.csv header: got %q, want %q", recs[0], head)
	}
	weights := map[string]string{}
	for _, rec := range recs[1:] {
		weights[rec[0]+"|"+rec[1]] = rec[2]
		for i, v := range rec {
			if i < 2 || (i >= 4 && (i-4)%5 < 2) {
				continue // ids and values
			}
			if (i-4)%5 == 3 {
				if !slices.Contains(levelNames[:], v) {
					t.Errorf("pairs.csv column %s: level %q", head[i], v)
				}
				continue
			}
			if f, err := strconv.ParseFloat(v, 64); err != nil || ftoa(f) != v {
				t.Errorf("pairs.csv column %s: %q, want a number as Go writes it", head[i], v)
			}
		}
	}
	if int64(len(recs)-1) != links {
		t.Errorf("pairs.csv: %d pairs, want %d", len(recs)-1, links)
	}
	pq, js := "read_parquet("+engine.Literal(paths["pairs.parquet"])+")", "read_json("+engine.Literal(paths["pairs.ndjson"])+")"
	var n, differ int64
	q := "SELECT (SELECT count(*) FROM " + js + "), (SELECT count(*) FROM (SELECT a, b, weight, probability, fields FROM " + pq +
		" EXCEPT SELECT a, b, weight, probability, fields FROM " + js + "))"
	if err := db.QueryRowContext(t.Context(), q).Scan(&n, &differ); err != nil {
		t.Fatal(err)
	}
	if n != links || differ != 0 {
		t.Errorf("pairs.ndjson: %d pairs, %d unlike pairs.parquet's, want %d and 0", n, differ, links)
	}
	rows, err := db.QueryContext(t.Context(), "SELECT a, b, weight FROM "+pq)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var a, b string
		var w float64
		if err := rows.Scan(&a, &b, &w); err != nil {
			t.Fatal(err)
		}
		if got := weights[a+"|"+b]; got != ftoa(w) {
			t.Errorf("pair %s, %s: weight %s in pairs.csv, %v in pairs.parquet", a, b, got, w)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != len(paths) {
		t.Errorf("%s holds %v, want only the three pairs files", dir, entries)
	}
}
