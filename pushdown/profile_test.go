//go:build duckdb_arrow

package pushdown_test

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/plumb-data/plumb/internal/enginetest"
	"github.com/plumb-data/plumb/profile"
	"github.com/plumb-data/plumb/pushdown"
	"github.com/plumb-data/plumb/result"
	"github.com/plumb-data/plumb/source"
)

// TestProfileDifferential profiles one table locally and pushed down:
// read whole (the table is smaller than the sample), every field must
// agree but the means and standard deviations, summed in another order
// (result.ComputedApprox); from a sample of 25 rows, every metric the
// result says was computed in the database must still agree.
func TestProfileDifferential(t *testing.T) {
	t.Parallel()
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			t.Parallel()
			spec := table(t, srv, srv.open(t), 600)
			local := profileLocal(t, spec)
			whole := profilePushed(t, spec, pushdown.Options{Mode: pushdown.On})
			if whole.Pushdown == nil || whole.Pushdown.Sampled != "" || whole.Pushdown.SampleRows != 600 {
				t.Fatalf("pushdown: got %+v, want every row read", whole.Pushdown)
			}
			whole.Pushdown = nil
			same(t, "whole", local, whole)

			sampled := profilePushed(t, spec, pushdown.Options{Mode: pushdown.On, SampleRows: 25})
			if sampled.Pushdown.Sampled == "" {
				t.Fatalf("pushdown with a sample of 25: got %+v, want a sample", sampled.Pushdown)
			}
			pushedOnly(t, local, sampled)
		})
	}
}

func profileLocal(t *testing.T, spec string) *result.Profile {
	t.Helper()
	db := enginetest.Open(t)
	src, err := source.Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := db.Load(t.Context(), src, profile.LoadOptions(profile.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	res, err := profile.Run(t.Context(), db, tbl, profile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func profilePushed(t *testing.T, spec string, opts pushdown.Options) *result.Profile {
	t.Helper()
	db := enginetest.Open(t)
	src, err := source.Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := pushdown.Prepare(t.Context(), src, opts)
	if err != nil {
		t.Fatal(err)
	}
	res, err := pushdown.Profile(t.Context(), db, plan, profile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// same compares two profiles field by field, means and standard
// deviations to their last kept digit.
func same(t *testing.T, what string, want, got *result.Profile) {
	t.Helper()
	for k := range got.Columns {
		g, w := got.Columns[k].Numeric, want.Columns[k].Numeric
		if g != nil && w != nil {
			if math.Abs(g.Mean-w.Mean) <= 1.5e-6 {
				g.Mean = w.Mean
			}
			if math.Abs(g.Stddev-w.Stddev) <= 1.5e-6 {
				g.Stddev = w.Stddev
			}
		}
	}
	diff(t, what, want, got)
}

func diff(t *testing.T, what string, want, got any) {
	t.Helper()
	wj, _ := json.MarshalIndent(want, "", " ")
	gj, _ := json.MarshalIndent(got, "", " ")
	if string(wj) == string(gj) {
		return
	}
	wl, gl := strings.Split(string(wj), "\n"), strings.Split(string(gj), "\n")
	for i := range max(len(wl), len(gl)) {
		var a, b string
		if i < len(wl) {
			a = wl[i]
		}
		if i < len(gl) {
			b = gl[i]
		}
		if a != b {
			lo := max(0, i-8)
			t.Fatalf("%s: differs at line %d:\nlocal:\n%s\npushed down:\n%s", what, i+1,
				strings.Join(wl[lo:min(len(wl), i+3)], "\n"), strings.Join(gl[lo:min(len(gl), i+3)], "\n"))
		}
	}
}

// pushedOnly compares the metrics got says the database computed.
func pushedOnly(t *testing.T, want, got *result.Profile) {
	t.Helper()
	inDB := func(metric, col string) bool {
		for _, m := range got.Pushdown.Metrics {
			if m.Metric == metric && (m.Computed == result.ComputedDatabase || m.Computed == result.ComputedApprox) &&
				(len(m.Columns) == 0 || slices.Contains(m.Columns, col)) {
				return true
			}
		}
		return false
	}
	if got.Rows != want.Rows {
		t.Errorf("rows: got %d, want %d", got.Rows, want.Rows)
	}
	if inDB("key_candidates", "") {
		diff(t, "key candidates", want.KeyCandidates, got.KeyCandidates)
	}
	if inDB("duplicate_rows", "") && got.DuplicateRows != want.DuplicateRows {
		t.Errorf("duplicate rows: got %d, want %d", got.DuplicateRows, want.DuplicateRows)
	}
	checked := 0
	for k, g := range got.Columns {
		w := want.Columns[k]
		pick := func(metric string, a, b any) {
			if inDB(metric, g.Name) {
				checked++
				diff(t, g.Name+" "+metric, a, b)
			}
		}
		pick("rows", w.Rows, g.Rows)
		pick("nulls", w.Nulls, g.Nulls)
		pick("empty", w.Empty, g.Empty)
		pick("whitespace_only", w.Whitespace, g.Whitespace)
		pick("sentinels", w.Sentinels, g.Sentinels)
		pick("valid", w.Valid, g.Valid)
		pick("distinct", w.Distinct, g.Distinct)
		pick("uniqueness", w.Uniqueness, g.Uniqueness)
		pick("duplicate_values", w.DuplicateValues, g.DuplicateValues)
		pick("min_text", w.MinText, g.MinText)
		pick("max_text", w.MaxText, g.MaxText)
		pick("length", w.Length, g.Length)
		pick("top_values", w.Top, g.Top)
		pick("patterns", w.Patterns, g.Patterns)
		pick("compact_patterns", w.CompactPatterns, g.CompactPatterns)
		if inDB("numeric", g.Name) && w.Numeric != nil && g.Numeric != nil {
			wn, gn := *w.Numeric, *g.Numeric
			if math.Abs(gn.Mean-wn.Mean) <= 1.5e-6 && math.Abs(gn.Stddev-wn.Stddev) <= 1.5e-6 {
				gn.Mean, gn.Stddev = wn.Mean, wn.Stddev
			}
			if !inDB("quantiles", g.Name) {
				gn.Quantiles = wn.Quantiles
			}
			checked++
			diff(t, g.Name+" numeric", wn, gn)
		}
	}
	if checked < 50 {
		t.Errorf("only %d metrics computed in the database were compared", checked)
	}
}
