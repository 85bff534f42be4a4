//go:build duckdb_arrow

package dedupe

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
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

// TestDedupeTermFrequency: with term_frequency on last_name, dedupe's
// pairs file gives each exact last-name agreement its value's frequency,
// the field's weight is log2(m/frequency), and each pair's weight is the
// prior plus its fields' weights.
func TestDedupeTermFrequency(t *testing.T) {
	t.Parallel()
	db, tbl, cfg := setup(t)
	for i := range cfg.Fields {
		cfg.Fields[i].TermFrequency = cfg.Fields[i].Column == "last_name"
	}
	path := filepath.Join(t.TempDir(), "pairs.csv")
	res, err := Run(t.Context(), db, tbl, cfg, Options{PairsPath: path, Now: fixedClock()})
	if err != nil {
		t.Fatal(err)
	}
	var mExact float64
	for _, f := range res.Model {
		if f.Column == "last_name" {
			if !f.TermFrequency {
				t.Errorf("model of last_name does not say term_frequency: %+v", f)
			}
			mExact = f.Levels[1].M
		}
	}
	recs := enginetest.ReadCSV(t, path)
	col := func(name string) int { return slices.Index(recs[0], name) }
	level, weight, tf := col("last_name_level"), col("last_name_weight"), col("last_name_tf")
	if tf < 0 || col("email_tf") >= 0 {
		t.Fatalf("pairs.csv header: %q, want last_name_tf and no email_tf", recs[0])
	}
	prior := math.Log2(res.Lambda / (1 - res.Lambda))
	exact := 0
	for _, rec := range recs[1:] {
		if rec[level] == "exact" {
			exact++
			f, err := strconv.ParseFloat(rec[tf], 64)
			w, _ := strconv.ParseFloat(rec[weight], 64)
			if err != nil || f <= 0 || math.Abs(w-math.Log2(mExact/f)) > 1e-3 {
				t.Errorf("pair %s, %s: last_name tf %q weight %s, want a frequency and log2(%g/tf)", rec[0], rec[1], rec[tf], rec[weight], mExact)
			}
		} else if rec[tf] != "" {
			t.Errorf("pair %s, %s: last_name %s with tf %q", rec[0], rec[1], rec[level], rec[tf])
		}
		sum := prior
		for i, h := range recs[0] {
			if strings.HasSuffix(h, "_weight") {
				v, _ := strconv.ParseFloat(rec[i], 64)
				sum += v
			}
		}
		if w, _ := strconv.ParseFloat(rec[2], 64); math.Abs(sum-w) > 1e-4 {
			t.Errorf("pair %s, %s: weight %g, prior and fields add up to %g", rec[0], rec[1], w, sum)
		}
	}
	if exact == 0 {
		t.Error("no pair agrees exactly on last_name")
	}
}
