//go:build duckdb_arrow

package reconcile

import (
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/plumb-data/plumb/internal/enginetest"
)

// TestPartedJoin checks that a keyed diff run in parts (as one too big
// for DuckDB's memory is), or whose parts run out of memory and are split
// in halves, finds exactly what the one join finds: the
// same counts, samples and diffs file, on generated sides with changed,
// missing, duplicated and NULL keys, keys of one or two columns, and key
// columns typed differently on the two sides (BIGINT beside INTEGER
// read from text), whose hash must agree for the pair to meet.
func TestPartedJoin(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	for seed := range uint64(4) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			src, tgt := filepath.Join(dir, "source.csv"), filepath.Join(dir, "target.csv")
			writeSides(t, rand.New(rand.NewPCG(seed, 7)), src, tgt)
			a, b := enginetest.Load(t, db, src, false), enginetest.Load(t, db, tgt, false)
			for _, k := range []string{"id", "id,region"} {
				var want *Result
				var wantDiffs [][]string
				for _, c := range []struct{ parts, splitBelow int }{{1, 0}, {2, 0}, {8, 0}, {1, 4}, {2, 16}} {
					parts := c.parts
					out := filepath.Join(dir, fmt.Sprintf("diffs-%d-%d.csv", parts, c.splitBelow))
					got := diff(t, db, a, b, Options{Keys: keys(k), DiffsPath: out, Samples: 50, parts: parts, splitBelow: c.splitBelow})
					checkCounts(t, got)
					gotDiffs := enginetest.ReadCSV(t, out)
					if c == (struct{ parts, splitBelow int }{1, 0}) {
						want, wantDiffs = got, gotDiffs
						if got.Changed == 0 || got.OnlyInSource == 0 || got.OnlyInTarget == 0 {
							t.Fatalf("keys %s: the sides should differ every way: %+v", k, got)
						}
						continue
					}
					if !reflect.DeepEqual(got, want) {
						t.Errorf("keys %s, %+v:\n%+v\none join:\n%+v", k, c, got, want)
					}
					if !reflect.DeepEqual(gotDiffs, wantDiffs) {
						t.Errorf("keys %s, %+v: diffs file differs from one join's (%d rows against %d)", k, c, len(gotDiffs), len(wantDiffs))
					}
				}
			}
		})
	}
}

// writeSides writes two CSVs of a few thousand rows that differ as a
// diff's sides do: the target drops, adds, duplicates and changes rows.
// The source's ids are written with a decimal point now and then, so that
// the column is read as DOUBLE beside the target's BIGINT.
func writeSides(t *testing.T, rng *rand.Rand, src, tgt string) {
	t.Helper()
	regions := []string{"north", "south", "east", ""}
	var srcRows, tgtRows [][]string
	for id := range 3000 {
		row := []string{fmt.Sprint(id), regions[rng.IntN(len(regions))], fmt.Sprint(rng.IntN(100)), fmt.Sprintf("name %d", rng.IntN(500))}
		s := row
		if rng.IntN(10) == 0 {
			s = append([]string{fmt.Sprintf("%d.0", id)}, row[1:]...)
		}
		switch rng.IntN(20) {
		case 0: // only in source
			srcRows = append(srcRows, s)
			continue
		case 1: // only in target
			tgtRows = append(tgtRows, row)
			continue
		case 2: // a key duplicated in the target
			tgtRows = append(tgtRows, row)
		case 3: // a NULL key
			s = append([]string{""}, row[1:]...)
		}
		srcRows = append(srcRows, s)
		changed := append([]string(nil), row...)
		if rng.IntN(4) == 0 {
			changed[2+rng.IntN(2)] += "x"
		}
		tgtRows = append(tgtRows, changed)
	}
	header := []string{"id", "region", "amount", "name"}
	for path, rows := range map[string][][]string{src: srcRows, tgt: tgtRows} {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		w := csv.NewWriter(f)
		w.Write(header)
		w.WriteAll(rows)
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPartsPastKeys checks a diff asked to run in more parts than it has
// differing keys: every part but the last few is empty, and nothing is
// lost from the counts or the diffs file.
func TestPartsPastKeys(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	src, tgt := load(t, db, "diff/source.csv", false), load(t, db, "diff/target.csv", false)
	dir := t.TempDir()
	var want *Result
	var wantDiffs [][]string
	for _, parts := range []int{1, 16} {
		out := filepath.Join(dir, fmt.Sprintf("diffs-%d.csv", parts))
		got := diff(t, db, src, tgt, Options{Keys: keys("id"), DiffsPath: out, parts: parts})
		gotDiffs := enginetest.ReadCSV(t, out)
		if parts == 1 {
			want, wantDiffs = got, gotDiffs
			continue
		}
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotDiffs, wantDiffs) {
			t.Errorf("%d parts:\n%+v\n%q\none part:\n%+v\n%q", parts, got, gotDiffs, want, wantDiffs)
		}
	}
}

// TestIdenticalNumbersNeverDiffer checks that a value compares equal to
// itself under every tolerance, NaN and the infinities included (whose
// difference is NaN), whether or not the join is narrowed to the rows
// whose hashes differ: a diff must not depend on its memory limit.
func TestIdenticalNumbersNeverDiffer(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	dir := t.TempDir()
	var tables [2]string
	for i, extra := range []string{"", ", (5, 2.0)"} {
		tables[i] = filepath.Join(dir, fmt.Sprintf("side%d.parquet", i))
		q := "COPY (SELECT * FROM (VALUES (1, 'nan'::DOUBLE), (2, 'inf'::DOUBLE), (3, '-inf'::DOUBLE), (4, 1.5)" + extra + ") v(id, x)) TO '" + tables[i] + "'"
		if _, err := db.ExecContext(t.Context(), q); err != nil {
			t.Fatal(err)
		}
	}
	a, b := enginetest.Load(t, db, tables[0], false), enginetest.Load(t, db, tables[1], false)
	for _, tol := range []Tolerance{{}, {Abs: 0.1}, {Rel: 0.01}} {
		for _, parts := range []int{1, 2} {
			r := diff(t, db, a, b, Options{Keys: keys("id"), Tolerance: tol, parts: parts})
			if r.Changed != 0 || r.Matched != 4 || r.OnlyInTarget != 1 {
				t.Errorf("tolerance %v, %d parts: %d changed of %d matched, %d only in target; want 0 of 4, 1", tol, parts, r.Changed, r.Matched, r.OnlyInTarget)
			}
		}
	}
}
