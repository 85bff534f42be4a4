//go:build duckdb_arrow

package dbdiff

import (
	"context"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/reconcile"
)

// merge reads both sides in key order, a segment of about PageRows keys
// at a time (cut at real keys of the larger side, so that a key's rows
// are never split), compares each segment pair with reconcile and adds
// up the results: memory holds one segment, not the tables. Rows with a
// NULL key part are read last, as a segment of their own.
func (r *run) merge(ctx context.Context) (*reconcile.Result, error) {
	cutter := r.sides[0]
	if r.sides[1].rows > cutter.rows {
		cutter = r.sides[1]
	}
	var segs []segment
	if cutter.rows-cutter.nullKeys > 0 {
		r.progress("merge: cutting into segments")
		cuts, _, err := cutter.cuts(ctxFor(ctx, cutter), segment{}, r.opts.pageRows())
		if err != nil {
			return nil, err
		}
		segs = subSegments(segment{}, cuts)
	} else {
		segs = []segment{{}}
	}
	nulls := r.sides[0].nullKeys+r.sides[1].nullKeys > 0
	var acc *reconcile.Result
	samples := r.opts.Reconcile.Samples
	if samples == 0 {
		samples = 5
	}
	total := len(segs)
	if nulls {
		total++
	}
	for i := 0; i < total; i++ {
		r.progress("merge: segment " + itoa(int64(i+1)) + " of " + itoa(int64(total)))
		var one []segment
		onlyNulls := i == len(segs)
		if !onlyNulls {
			one = []segment{segs[i]}
		}
		res, err := r.compareOne(ctx, one, onlyNulls, i == 0)
		if err != nil {
			return nil, err
		}
		r.plan.Segments++
		if !res.LoadedEqual {
			r.plan.Unequal++
		}
		r.plan.Fetched++
		acc = add(acc, res, samples)
		r.dropTables(ctx)
	}
	shares(acc)
	r.finish()
	return acc, nil
}

// compareOne reads one segment (or the NULL keys) on both sides and
// compares them.
func (r *run) compareOne(ctx context.Context, segs []segment, nulls, withRejects bool) (*reconcile.Result, error) {
	var tables [2]*engine.Table
	err := r.both(ctx, func(ctx context.Context, s *side) error {
		t, err := r.fetchSegments(ctx, s, segs, nulls)
		if err == nil && withRejects && s.local != nil {
			t.RowsRejected, t.RejectsTable = s.local.RowsRejected, s.local.RejectsTable
		}
		tables[s.idx] = t
		return err
	})
	if err != nil {
		return nil, err
	}
	return reconcile.Run(ctx, r.db, tables[0], tables[1], r.opts.Reconcile)
}

// add adds a segment's result to the results so far: counts summed,
// samples kept in key order up to the limit.
func add(acc, res *reconcile.Result, samples int) *reconcile.Result {
	if acc == nil {
		return res
	}
	acc.Equal = acc.Equal && res.Equal
	acc.LoadedEqual = acc.LoadedEqual && res.LoadedEqual
	acc.SourceRows += res.SourceRows
	acc.TargetRows += res.TargetRows
	acc.SourceRejected += res.SourceRejected
	acc.TargetRejected += res.TargetRejected
	acc.Matched += res.Matched
	acc.OnlyInSource += res.OnlyInSource
	acc.OnlyInTarget += res.OnlyInTarget
	acc.Changed += res.Changed
	acc.Unchanged += res.Unchanged
	acc.DuplicateKeys.SourceKeys += res.DuplicateKeys.SourceKeys
	acc.DuplicateKeys.SourceRows += res.DuplicateKeys.SourceRows
	acc.DuplicateKeys.TargetKeys += res.DuplicateKeys.TargetKeys
	acc.DuplicateKeys.TargetRows += res.DuplicateKeys.TargetRows
	acc.NullKeys.Source += res.NullKeys.Source
	acc.NullKeys.Target += res.NullKeys.Target
	for i := range acc.Columns {
		if i >= len(res.Columns) {
			break
		}
		a, b := &acc.Columns[i], res.Columns[i]
		a.Mismatches += b.Mismatches
		a.AsText += b.AsText
		if b.MaxAbsDelta != nil && (a.MaxAbsDelta == nil || *b.MaxAbsDelta > *a.MaxAbsDelta) {
			v := *b.MaxAbsDelta
			a.MaxAbsDelta = &v
		}
		a.Samples = keep(a.Samples, b.Samples, samples)
	}
	acc.OnlyInSourceSamples = keep(acc.OnlyInSourceSamples, res.OnlyInSourceSamples, samples)
	acc.OnlyInTargetSamples = keep(acc.OnlyInTargetSamples, res.OnlyInTargetSamples, samples)
	acc.DuplicateSamples = keep(acc.DuplicateSamples, res.DuplicateSamples, samples)
	acc.SourceRejectedSamples = keep(acc.SourceRejectedSamples, res.SourceRejectedSamples, samples)
	acc.TargetRejectedSamples = keep(acc.TargetRejectedSamples, res.TargetRejectedSamples, samples)
	return acc
}

func keep[T any](have, more []T, limit int) []T {
	for _, x := range more {
		if len(have) >= limit {
			break
		}
		have = append(have, x)
	}
	return have
}
