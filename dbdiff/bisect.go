//go:build duckdb_arrow

package dbdiff

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/reconcile"
)

// Segments of the first level and of each split, at most.
const (
	maxTopSegments   = 1024
	maxSplitSegments = 64
	// fetchChunk is how many segments one read of rows selects.
	fetchChunk = 300
)

// bisector is the state of a bisection: the segments whose rows are to
// be read, and the rows of the equal segments, which are not.
type bisector struct {
	r    *run
	leaf int64
	// probe has the first level checksum a sample of its segments first,
	// and give up (errTooDifferent) when many differ: auto's guard
	// against paying for checksums and then reading nearly every row.
	probe     bool
	fetch     []segment
	equalRows int64
}

// bisect compares segment checksums on both sides, splits the segments
// that differ until they hold at most LeafRows rows, reads the rows of
// those (and of NULL keys) and compares them with reconcile, the same
// comparison as pull; the rows of equal segments count as matched and
// unchanged.
func (r *run) bisect(ctx context.Context, probe bool) (*reconcile.Result, error) {
	b := &bisector{r: r, leaf: r.opts.leafRows(), probe: probe}
	counts := [2]int64{r.sides[0].rows - r.sides[0].nullKeys, r.sides[1].rows - r.sides[1].nullKeys}
	if err := b.split(ctx, segment{}, counts, 1); err != nil {
		return nil, err
	}
	res, err := r.compareSegments(ctx, b.fetch, true)
	if err != nil {
		return nil, err
	}
	res.SourceRows += b.equalRows
	res.TargetRows += b.equalRows
	res.Matched += b.equalRows
	res.Unchanged += b.equalRows
	shares(res)
	r.finish()
	return res, nil
}

// split cuts seg into sub-segments at keys of the side with more rows in
// it, compares their counts and checksums, and goes on into those that
// differ (or hide a duplicated key): splitting them again, or, when
// they are small, or when most segments of the level differ (so that
// splitting would cost more than reading), reading them.
func (b *bisector) split(ctx context.Context, seg segment, counts [2]int64, level int) error {
	r := b.r
	n := max(counts[0], counts[1])
	if n == 0 {
		return nil
	}
	if n <= b.leaf {
		b.fetch = append(b.fetch, seg)
		r.plan.Fetched++
		return nil
	}
	r.plan.Levels = max(r.plan.Levels, level)
	cutter := r.sides[0]
	if counts[1] > counts[0] {
		cutter = r.sides[1]
	}
	// Below the first level a segment is cut finely: a range scan costs
	// the same whatever the number of segments it counts, and the rows
	// read shrink with the segments.
	parts := min(max(n/max(b.leaf/16, 1), 2), maxSplitSegments)
	if level == 1 {
		parts = min(max(n/(4*b.leaf), 2), maxTopSegments)
	}
	step := (counts[cutter.idx] + parts - 1) / parts
	r.progress("bisect: cutting level " + itoa(int64(level)))
	cuts, dups, err := cutter.cuts(ctxFor(ctx, cutter), seg, step)
	if err != nil {
		return err
	}
	if len(cuts) <= 1 {
		// One key holds the segment's rows: nothing to split.
		b.fetch = append(b.fetch, seg)
		r.plan.Fetched++
		return nil
	}
	subs := subSegments(seg, cuts)
	if b.probe && level == 1 {
		if err := b.sample(ctx, subs); err != nil {
			return err
		}
	}
	var stats [2][]segStat
	r.progress("bisect: checksums of " + itoa(int64(len(subs))) + " segments, level " + itoa(int64(level)))
	err = r.both(ctx, func(ctx context.Context, s *side) error {
		var err error
		stats[s.idx], err = s.checksums(ctx, seg, cuts, r.fields, r.opts.Policy)
		return err
	})
	if err != nil {
		return err
	}
	r.plan.Segments += len(subs)
	differ := make([]bool, len(subs))
	unequal := 0
	for i := range subs {
		a, c := stats[0][i], stats[1][i]
		if a != c {
			differ[i] = true
			unequal++
		}
	}
	r.plan.Unequal += unequal
	// When most segments differ, splitting costs more than reading them.
	readAll := unequal*3 > len(subs)
	for i, sub := range subs {
		a, c := stats[0][i], stats[1][i]
		if !differ[i] && !dups[i] {
			b.equalRows += a.count
			continue
		}
		sc := [2]int64{a.count, c.count}
		if readAll || max(a.count, c.count) <= b.leaf {
			b.fetch = append(b.fetch, sub)
			r.plan.Fetched++
			continue
		}
		if err := b.split(ctx, sub, sc, level+1); err != nil {
			return err
		}
	}
	return nil
}

// errTooDifferent is bisect giving up to auto, which pulls instead.
var errTooDifferent = errors.New("a sample of segments differs too much for checksums to save reading")

// probeSegments is how many first-level segments auto's probe checks.
const probeSegments = 32

// sample checksums every n-th of subs, a range scan each, and gives up
// when more than a third differ: the rows would nearly all be read after
// a checksum of every one. It costs about probeSegments/len(subs) of a
// checksum pass.
func (b *bisector) sample(ctx context.Context, subs []segment) error {
	r := b.r
	every := max(len(subs)/probeSegments, 1)
	if every < 4 { // too few segments for a sample to save anything
		return nil
	}
	r.progress("bisect: probing " + itoa(int64(len(subs)/every)) + " segments")
	checked, differ := 0, 0
	for i := 0; i < len(subs); i += every {
		var stats [2][]segStat
		err := r.both(ctx, func(ctx context.Context, s *side) error {
			var err error
			stats[s.idx], err = s.checksums(ctx, subs[i], []bound{subs[i].lo}, r.fields, r.opts.Policy)
			return err
		})
		if err != nil {
			return err
		}
		checked++
		if stats[0][0] != stats[1][0] {
			differ++
		}
	}
	r.plan.Segments += checked
	r.plan.Unequal += differ
	if differ*3 > checked {
		return fmt.Errorf("%w: %d of %d sampled segments differ", errTooDifferent, differ, checked)
	}
	return nil
}

// compareSegments reads the rows of segs (and, with nulls, those with a
// NULL key part) from both sides and compares them with reconcile.
// withRejects passes a local side's rows rejected at load to the
// comparison (once).
func (r *run) compareSegments(ctx context.Context, segs []segment, withRejects bool) (*reconcile.Result, error) {
	segs = coalesce(segs)
	nulls := r.sides[0].nullKeys+r.sides[1].nullKeys > 0
	var tables [2]*engine.Table
	r.progress("reading the rows of " + itoa(int64(len(segs))) + " segments")
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

// fetchSegments reads a side's rows of segs, a chunk of segments a
// query, into one table.
func (r *run) fetchSegments(ctx context.Context, s *side, segs []segment, nulls bool) (*engine.Table, error) {
	var conds []string
	for _, seg := range segs {
		conds = append(conds, "("+s.pred(seg)+")")
	}
	if nulls {
		conds = append(conds, s.anyNull())
	}
	if len(conds) == 0 {
		conds = []string{"1 = 0"}
	}
	var parts []*engine.Table
	for start := 0; start < len(conds); start += fetchChunk {
		end := min(start+fetchChunk, len(conds))
		t, err := r.fetchWhere(ctx, s, strings.Join(conds[start:end], " OR "))
		if err != nil {
			return nil, err
		}
		parts = append(parts, t)
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	name := r.db.TempName("plumb_dbdiff_rows")
	var sel []string
	out := &engine.Table{Name: name, Account: parts[0].Account, RejectsTable: parts[0].RejectsTable}
	out.RowsRead, out.RowsLoaded, out.RowsRejected = 0, 0, 0
	for _, p := range parts {
		sel = append(sel, "SELECT * FROM "+engine.Ident(p.Name))
		out.RowsRead += p.RowsRead
		out.RowsLoaded += p.RowsLoaded
		out.RowsRejected += p.RowsRejected
	}
	if _, err := r.db.ExecContext(ctx, "CREATE TABLE "+engine.Ident(name)+" AS "+strings.Join(sel, " UNION ALL ")); err != nil {
		return nil, err
	}
	r.dropLater(name)
	return out, nil
}

// shares recomputes each column's share of mismatches over matched rows.
func shares(res *reconcile.Result) {
	for i := range res.Columns {
		c := &res.Columns[i]
		c.Share = 0
		if res.Matched > 0 {
			c.Share = float64(c.Mismatches) / float64(res.Matched)
		}
	}
}
