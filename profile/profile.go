//go:build duckdb_arrow

// Package profile describes a dataset column by column, on the text as
// the source system wrote it: nulls, empties, whitespace-only values and
// sentinels; inferred types with conformity and date formats; distinct
// counts; numeric and temporal statistics; lengths; shape patterns; top
// values; semantic types; findings; and, for the dataset, duplicate rows
// and key candidates. With a baseline it also reports drift.
//
// Each column's distinct values are counted in DuckDB and streamed to Go
// with their counts, so value-level work (masks, type and semantic
// checks) runs once per distinct value, weighted by its count. An
// approximate profile of a share of the rows reads every row once
// instead (hllBatch): each value feeds its column's HyperLogLog, and
// the sampled rows' values are counted in Go on the way.
//
// What Go keeps that grows with a column's distinct values (parsed
// numbers and times for quantiles, lower-cased spellings for case
// variants) is charged to Options.MemoryBudget: exact while it fits,
// then a KLL sketch (kll.go) and a hash sample of the values, each
// column's Methods saying which metric was estimated, how, and within
// what error.
//
//	res, err := profile.Run(ctx, db, table, profile.Options{Top: 10})
package profile

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/source"
)

// Options say what to profile. The zero value profiles every column of
// every row with the default sentinels and the top 10 values.
type Options struct {
	// Columns restricts the profile to these columns.
	Columns []string
	// Top is how many top values and patterns to keep; 0 means 10.
	Top int
	// Sample is the rows profiled value by value (ParseSample reads "N"
	// or "P%"); the zero value profiles every row.
	Sample Sample
	// Approx estimates distinct counts (HyperLogLog, over every row)
	// instead of counting them, and for a source of more than
	// ApproxSampleRows rows takes the value-level statistics from a
	// sample of that many rows unless Sample says otherwise. Key
	// candidates and duplicate rows are still checked exactly over
	// every row.
	Approx bool
	// Sentinels are the values that mean "no value"; nil means
	// DefaultSentinels.
	Sentinels []string
	// Baseline, when set, is a previous profile to report drift against;
	// BaselineName names it in the report.
	Baseline     *Result
	BaselineName string
	Thresholds   Thresholds
	// MemoryBudget bounds, in bytes, what the profile holds in Go memory
	// that grows with a column's distinct values: the parsed numbers and
	// times kept for exact quantiles, and the lower-cased spellings kept
	// for case variants. Past it, quantiles come from a KLL sketch and
	// case variants from a sample of the values, and each column's
	// Methods say so. The zero value sets no bound. (Distinct counts,
	// top values, keys and duplicate rows are counted by DuckDB, which
	// spills past its own memory limit.)
	MemoryBudget int64
	// Workers is how many columns are profiled at once; 0 means one per
	// DuckDB thread, each column's queries on one thread, when there are
	// columns enough to keep the threads busy, and otherwise 2 (1 when
	// DuckDB has one thread).
	Workers int
	// Progress, when set, is told what is being done as the work moves
	// on (for a progress line); it may be called from several goroutines.
	Progress func(stage string)

	// passBytes, for tests, replaces half of MemoryBudget as what an
	// approximate profile's sample may take in Go (see approxInPass).
	passBytes int64
}

// LoadOptions say how a source must be loaded for a profile with opts: as
// the source system wrote it (text, for delimited files), and in any
// order (quicker): a sample is chosen by the rows' values, not their
// place (sampled).
func LoadOptions(Options) engine.LoadOptions {
	return engine.LoadOptions{Raw: true, AnyOrder: true}
}

// Run profiles a loaded table.
func Run(ctx context.Context, db *engine.DB, t *engine.Table, opts Options) (*Result, error) {
	if opts.Top <= 0 {
		opts.Top = 10
	}
	sentinels := newSentinelSet(opts.sentinelValues())
	cols, err := pickColumns(t.Columns, opts.Columns)
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", t.Source, err)
	}
	full := engine.Ident(t.Name) // every row, however many are profiled value by value
	res := &Result{Source: t.Source, ColumnCount: len(cols), RowsRejected: t.RowsRejected, KeyCandidates: [][]string{},
		ColumnsSelected: len(opts.Columns) > 0}
	sample := opts.Sample
	if opts.Approx && sample.IsZero() && t.RowsLoaded > ApproxSampleRows {
		// About that many rows: a share is one filter, where an exact
		// count needs the smallest hashes found.
		sample = Sample{Percent: math.Ceil(1e4*ApproxSampleRows/float64(t.RowsLoaded)) / 100}
	}
	var every *everyRow
	rel := full
	inPass := false
	if opts.Approx && sample.Percent > 0 && sample.Percent < 100 && len(cols) <= maxBatch {
		// The sample is counted in the pass that estimates the
		// distinct counts: one read of every row, no sample table.
		if every, inPass, err = approxInPass(ctx, db, full, cols, res, opts, sentinels, t.RowsLoaded, sample.Percent/100); err != nil {
			return nil, fmt.Errorf("profile %s: %w", t.Source, err)
		}
		res.Sampled = sample.String()
		if inPass && res.Rows == 0 && t.RowsLoaded > 0 {
			return nil, fmt.Errorf("profile %s: %w", t.Source, &EmptySampleError{Sample: sample, Rows: t.RowsLoaded})
		}
	}
	if !inPass {
		scratch := db.NewScratch()
		defer scratch.Drop(ctx)
		if rel, res.Sampled, err = sampled(ctx, db, scratch, t, sample); err != nil {
			return nil, err
		}
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+rel).Scan(&res.Rows); err != nil {
			return nil, fmt.Errorf("profile %s: %w", t.Source, err)
		}
		if res.Rows == 0 && t.RowsLoaded > 0 {
			// A profile of no row would pass for a profile of an empty source.
			return nil, fmt.Errorf("profile %s: %w", t.Source, &EmptySampleError{Sample: sample, Rows: t.RowsLoaded})
		}
		res.Columns = make([]Column, len(cols))
		if err := profileColumns(ctx, db, rel, cols, res, opts, sentinels); err != nil {
			return nil, fmt.Errorf("profile %s: %w", t.Source, err)
		}
		if opts.Approx {
			opts.progress("estimating distinct counts")
			if every, err = approxDistinct(ctx, db, full, cols, res, sentinels, t.RowsLoaded, opts.MemoryBudget); err != nil {
				return nil, fmt.Errorf("profile %s: distinct counts: %w", t.Source, err)
			}
		}
	}
	if opts.Approx {
		// Duplicate rows and keys are counted over every row.
		rel = full
	}
	opts.progress("looking for keys and duplicate rows")
	if res.KeyCandidates, err = keyCandidates(ctx, db, rel, res, every); err != nil {
		return nil, fmt.Errorf("profile %s: key candidates: %w", t.Source, err)
	}
	// Rows that differ in a key column are all different rows.
	if !slices.ContainsFunc(res.KeyCandidates, func(k []string) bool { return len(k) == 1 }) {
		if res.DuplicateRows, err = duplicateRows(ctx, db, rel, cols); err != nil {
			return nil, fmt.Errorf("profile %s: duplicate rows: %w", t.Source, err)
		}
	}
	if opts.Baseline != nil {
		res.Drift = Compare(opts.Baseline, res, opts.BaselineName, opts.Thresholds)
	}
	return res, nil
}

// sentinelValues are the values read as "no value": Sentinels, or
// DefaultSentinels when it is nil (an empty list means none).
func (o Options) sentinelValues() []string {
	if o.Sentinels != nil {
		return o.Sentinels
	}
	return DefaultSentinels
}

// pickColumns returns the columns of all that want names (in any case),
// in want's order; no names picks all.
func pickColumns(all []source.Column, want []string) ([]source.Column, error) {
	if len(want) == 0 {
		return all, nil
	}
	var out []source.Column
	for _, w := range want {
		i := slices.IndexFunc(all, func(c source.Column) bool { return strings.EqualFold(c.Name, w) })
		if i < 0 {
			return nil, fmt.Errorf("no column %q", w)
		}
		out = append(out, all[i])
	}
	return out, nil
}

// aggregates runs one row of aggregates over rel and returns them.
func aggregates[T any](ctx context.Context, db *engine.DB, rel string, aggs []string) ([]T, error) {
	vals := make([]T, len(aggs))
	ptrs := make([]any, len(aggs))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	err := db.QueryRowContext(ctx, "SELECT "+strings.Join(aggs, ", ")+" FROM "+rel).Scan(ptrs...)
	return vals, err
}

func (o Options) progress(stage string) {
	if o.Progress != nil {
		o.Progress(stage)
	}
}
