//go:build duckdb_arrow

package reconcile

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/internal/enginetest"
)

func load(t *testing.T, db *engine.DB, path string, raw bool) *engine.Table {
	t.Helper()
	return enginetest.Load(t, db, enginetest.Fixture(path), raw)
}

func diff(t *testing.T, db *engine.DB, a, b *engine.Table, opts Options) *Result {
	t.Helper()
	res, err := Run(t.Context(), db, a, b, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func keys(s string) []Pair {
	p, err := ParsePairs(s)
	if err != nil {
		panic(err)
	}
	return p
}

// checkCounts checks that every row of each side is accounted for.
func checkCounts(t *testing.T, r *Result) {
	t.Helper()
	if r.Mode != "keyed" {
		return
	}
	if got := r.Matched + r.OnlyInSource + r.DuplicateKeys.SourceRows + r.NullKeys.Source; got != r.SourceRows {
		t.Errorf("source: matched %d + only %d + duplicate-key rows %d + null keys %d = %d, want %d rows",
			r.Matched, r.OnlyInSource, r.DuplicateKeys.SourceRows, r.NullKeys.Source, got, r.SourceRows)
	}
	if got := r.Matched + r.OnlyInTarget + r.DuplicateKeys.TargetRows + r.NullKeys.Target; got != r.TargetRows {
		t.Errorf("target: matched %d + only %d + duplicate-key rows %d + null keys %d = %d, want %d rows",
			r.Matched, r.OnlyInTarget, r.DuplicateKeys.TargetRows, r.NullKeys.Target, got, r.TargetRows)
	}
	if r.Changed+r.Unchanged != r.Matched {
		t.Errorf("changed %d + unchanged %d != matched %d", r.Changed, r.Unchanged, r.Matched)
	}
}

func TestDiffWithItselfIsEmpty(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	for _, f := range []string{"customers.csv", "diff/source.csv", "diff/target.csv"} {
		a := load(t, db, f, false)
		for _, opts := range []Options{{Keys: keys("customer_id")}, {}} {
			if f != "customers.csv" && len(opts.Keys) > 0 {
				opts.Keys = keys("id")
			}
			r := diff(t, db, a, a, opts)
			checkCounts(t, r)
			// Duplicate and NULL keys are reported even against itself.
			wantEqual := f == "customers.csv" || r.Mode == "keyless"
			if r.Equal != wantEqual || r.Changed != 0 || r.OnlyInSource != 0 || r.OnlyInTarget != 0 {
				t.Errorf("%s %s vs itself: equal %t, %d changed, %d/%d only; want nothing", f, r.Mode, r.Equal, r.Changed, r.OnlyInSource, r.OnlyInTarget)
			}
		}
	}
}

func TestFormatsOfTheSameDataCompareEqual(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	csvT := load(t, db, "customers.csv", false)
	for _, f := range []string{"customers.parquet", "customers.ndjson", "customers.arrow"} {
		other := load(t, db, f, false)
		for _, opts := range []Options{{Keys: keys("customer_id")}, {}} {
			r := diff(t, db, csvT, other, opts)
			checkCounts(t, r)
			if !r.Equal || r.Matched != 3000 {
				t.Errorf("customers.csv vs %s (%s): equal %t, matched %d; want equal, 3000", f, r.Mode, r.Equal, r.Matched)
			}
		}
	}
}

func TestDiffFindsWhatWasChanged(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	src, tgt := load(t, db, "diff/source.csv", false), load(t, db, "diff/target.csv", false)
	r := diff(t, db, src, tgt, Options{Keys: keys("id")})
	checkCounts(t, r)
	if r.Equal || r.SourceRows != 10 || r.TargetRows != 8 || r.OnlyInSource != 1 || r.OnlyInTarget != 1 || r.Matched != 5 || r.Changed != 5 {
		t.Errorf("got %+v", r)
	}
	if r.DuplicateKeys != (DuplicateKeys{SourceKeys: 1, SourceRows: 3, TargetKeys: 1, TargetRows: 2}) || r.NullKeys != (SidePair{Source: 1}) {
		t.Errorf("duplicate keys %+v, null keys %+v", r.DuplicateKeys, r.NullKeys)
	}
	want := map[string]int64{"name": 1, "email": 1, "amount": 2, "joined": 1, "status": 0}
	for _, c := range r.Columns {
		if c.Mismatches != want[c.Column] {
			t.Errorf("%s: %d mismatches, want %d", c.Column, c.Mismatches, want[c.Column])
		}
	}
	if !slices.Equal(r.TargetOnlyColumns, []string{"region"}) || len(r.SourceOnlyColumns) != 0 {
		t.Errorf("one-side columns: %v, %v", r.SourceOnlyColumns, r.TargetOnlyColumns)
	}
}

func TestDiffMirrors(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	src, tgt := load(t, db, "diff/source.csv", false), load(t, db, "diff/target.csv", false)
	for _, opts := range []Options{{Keys: keys("id")}, {}} {
		ab, ba := diff(t, db, src, tgt, opts), diff(t, db, tgt, src, opts)
		checkCounts(t, ab)
		checkCounts(t, ba)
		if ab.OnlyInSource != ba.OnlyInTarget || ab.OnlyInTarget != ba.OnlyInSource || ab.Changed != ba.Changed || ab.Matched != ba.Matched ||
			ab.SourceRows != ba.TargetRows || ab.DuplicateKeys.SourceKeys != ba.DuplicateKeys.TargetKeys || ab.NullKeys.Source != ba.NullKeys.Target {
			t.Errorf("%s: diff(A, B) does not mirror diff(B, A):\n%+v\n%+v", ab.Mode, ab, ba)
		}
	}
}

func TestTolerancesAndTextOptions(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	src, tgt := load(t, db, "diff/source.csv", false), load(t, db, "diff/target.csv", false)
	mismatches := func(r *Result, col string) int64 {
		for _, c := range r.Columns {
			if c.Column == col {
				return c.Mismatches
			}
		}
		t.Fatalf("no column %s", col)
		return 0
	}
	tests := []struct {
		name string
		opts Options
		col  string
		want int64
	}{
		{"exact", Options{}, "amount", 2},
		{"absolute at the edge is equal", Options{PerColumn: map[string]Tolerance{"amount": {Abs: 0.01}}}, "amount", 0},
		{"absolute below the edge", Options{PerColumn: map[string]Tolerance{"amount": {Abs: 0.009}}}, "amount", 1},
		{"absolute below both", Options{PerColumn: map[string]Tolerance{"amount": {Abs: 0.003}}}, "amount", 2},
		{"relative", Options{PerColumn: map[string]Tolerance{"amount": {Rel: 0.0005}}}, "amount", 0},
		{"relative too tight", Options{PerColumn: map[string]Tolerance{"amount": {Rel: 0.0001}}}, "amount", 1},
		{"default tolerance", Options{Tolerance: Tolerance{Abs: 0.01}}, "amount", 0},
		{"ignore case all", Options{IgnoreCase: ColumnSet{All: true}}, "email", 0},
		{"ignore case other column", Options{IgnoreCase: ColumnSet{Columns: []string{"name"}}}, "email", 1},
		{"trim listed", Options{Trim: ColumnSet{Columns: []string{"name"}}}, "name", 0},
		{"no trim", Options{}, "name", 1},
	}
	for _, tt := range tests {
		tt.opts.Keys = keys("id")
		r := diff(t, db, src, tgt, tt.opts)
		checkCounts(t, r)
		if got := mismatches(r, tt.col); got != tt.want {
			t.Errorf("%s: %s has %d mismatches, want %d", tt.name, tt.col, got, tt.want)
		}
	}
}

func TestMappingSpecWithTransforms(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	f, err := os.Open(filepath.Join("..", "testdata", "diff", "mapping.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mapping, err := ParseMapping(f)
	if err != nil {
		t.Fatal(err)
	}
	src, tgt := load(t, db, "diff/legacy.csv", true), load(t, db, "diff/crm.csv", false)
	r := diff(t, db, src, tgt, Options{Keys: keys("cust_no"), Mapping: mapping, Samples: 5})
	checkCounts(t, r)
	if r.Matched != 3 || r.Changed != 1 || r.OnlyInSource != 1 || r.OnlyInTarget != 1 {
		t.Fatalf("got %+v", r)
	}
	for _, c := range r.Columns {
		want := int64(0)
		if c.Column == "birth_date" {
			want = 1
		}
		if c.Mismatches != want {
			t.Errorf("%s: %d mismatches, want %d", c.Column, c.Mismatches, want)
		}
	}
	if !slices.Equal(r.TargetOnlyColumns, []string{"segment"}) {
		t.Errorf("target-only: %v", r.TargetOnlyColumns)
	}
}

func TestKeylessMultiset(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	src, tgt := load(t, db, "diff/source.csv", false), load(t, db, "diff/target.csv", false)
	r := diff(t, db, src, tgt, Options{Columns: []string{"name"}, Trim: ColumnSet{All: true}})
	// Source names: Alice Bob Carol Dan Eve Eve2 Nobody Gina Hank Ivy;
	// target: Alice Bob Carol Dan Fay Gina Hank Hank.
	if r.OnlyInSource != 4 || r.OnlyInTarget != 2 || r.Matched != 6 {
		t.Errorf("got only %d/%d, matched %d; want 4/2, 6", r.OnlyInSource, r.OnlyInTarget, r.Matched)
	}
	var hank int64
	for _, row := range r.OnlyInTargetSamples {
		if row.Values[0] != nil && *row.Values[0] == "Hank" {
			hank = row.Count
		}
	}
	if hank != 1 {
		t.Errorf("Hank only in target %d times, want 1", hank)
	}
}

func TestAggregate(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	src, tgt := load(t, db, "diff/source.csv", false), load(t, db, "diff/target.csv", false)
	r := diff(t, db, src, tgt, Options{GroupBy: []string{"status"}, Sum: []string{"amount"}})
	if r.Mode != "aggregate" || len(r.Groups) != 3 || r.Changed != 2 || r.Unchanged != 1 || r.Equal {
		t.Fatalf("got %+v", r)
	}
	same := diff(t, db, src, src, Options{GroupBy: []string{"status"}, Sum: []string{"amount"}})
	if !same.Equal {
		t.Errorf("aggregate of a table with itself differs: %+v", same)
	}
}

func TestDiffsFile(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	src, tgt := load(t, db, "diff/source.csv", false), load(t, db, "diff/target.csv", false)
	out := filepath.Join(t.TempDir(), "diffs.csv")
	diff(t, db, src, tgt, Options{Keys: keys("id"), DiffsPath: out})
	recs := enginetest.ReadCSV(t, out)
	var got []string
	for _, r := range recs {
		got = append(got, strings.Join(r[:3], "|"))
	}
	want := []string{"id|status|column", "1|changed|email", "2|changed|amount", "3|changed|name", "4|changed|joined",
		"5|duplicate_key|", "6|only_in_target|", "7|changed|amount", "8|duplicate_key|", "9|only_in_source|"}
	if !slices.Equal(got, want) {
		t.Errorf("diffs file:\ngot  %q\nwant %q", got, want)
	}
}

func TestRunErrors(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	src, tgt := load(t, db, "diff/source.csv", false), load(t, db, "diff/target.csv", false)
	for _, tt := range []struct {
		opts Options
		want string
	}{
		{Options{Keys: keys("nope")}, `source has no column "nope"`},
		{Options{Keys: keys("id=nope")}, `target has no column "nope"`},
		{Options{Keys: keys("id"), Map: keys("name=nope")}, `target has no column "nope"`},
		{Options{Keys: keys("id"), Columns: []string{"region"}}, `column "region" is not compared`},
		{Options{Keys: keys("id"), Where: "nope > 1"}, "nope"},
	} {
		if _, err := Run(t.Context(), db, src, tgt, tt.opts); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: got %v, want an error containing %q", tt.opts, err, tt.want)
		}
	}
}
