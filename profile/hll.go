//go:build duckdb_arrow

package profile

import (
	"cmp"
	"context"
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/source"
	"github.com/zeebo/xxh3"
)

// approxDistinct estimates every column's distinct values over every row
// (hllDistinct), and sets each column's uniqueness from it. It returns
// what hllDistinct found reading every row: each column's missing values
// (null, empty, blank or a sentinel), which keyCandidates needs where the
// profile was of a sample, and which of the columns res's sample says
// could be keys hold no value twice (the others do). Those are told by
// hash in Go, in the same pass, while their hashes fit in budget bytes
// (0: 1 GiB); the rest are left to keyCandidates' query.
func approxDistinct(ctx context.Context, db *engine.DB, rel string, cols []source.Column, res *Result, sentinels sentinelSet, rows, budget int64) (*everyRow, error) {
	// Judged on the sample's exact counts, before the estimates below
	// replace them.
	possible := make([]bool, len(cols))
	for i, c := range res.Columns {
		possible[i] = maybeKey(c, res.Rows)
	}
	sc, err := hllDistinct(ctx, db, rel, cols, sentinels, hashKeys(possible, rows, budget), rows)
	if err != nil {
		return nil, err
	}
	estimated(res, sc, possible)
	return sc, nil
}

// approxInPass is approxDistinct and the profile of a share of the rows
// in one pass over rel (hllBatch): the columns are profiled from the
// values of the sampled rows as the pass keeps them, not from a sample
// table and a GROUP BY a column. The columns whose hashes are kept are
// those whose first rows hold no value twice.
//
// The pass keeps the sampled values and those hashes in Go, each within
// half of opts.MemoryBudget (0: 1 GiB). When the sample would not fit,
// it returns false, having done nothing: a sample table, which DuckDB
// can spill, is the way then.
func approxInPass(ctx context.Context, db *engine.DB, rel string, cols []source.Column, res *Result, opts Options, sentinels sentinelSet, rows int64, share float64) (*everyRow, bool, error) {
	likely, err := likelyKeys(ctx, db, rel, cols)
	if err != nil {
		return nil, false, err
	}
	width, err := db.TextWidth(ctx, rel, columnIdents(cols))
	if err != nil {
		return nil, false, err
	}
	half := opts.MemoryBudget / 2
	if opts.MemoryBudget <= 0 {
		half = 1 << 29
	}
	fits := half
	if opts.passBytes > 0 {
		fits = opts.passBytes
	}
	if share*float64(rows)*(float64(len(cols))*sampleCellBytes+width) > float64(fits) {
		return nil, false, nil
	}
	opts.progress("reading every row")
	sc, got, err := hllBatch(ctx, db, rel, cols, sentinels, hashKeys(likely, rows, half), rows, &inPass{share: share})
	if err != nil {
		return nil, false, err
	}
	res.Rows = got.rows
	opts.progress("profiling the sample")
	res.Columns = profileCounted(cols, got, opts, sentinels)
	possible := make([]bool, len(cols))
	for i, c := range res.Columns {
		possible[i] = maybeKey(c, res.Rows)
		if !likely[i] {
			// A missing or repeated value among the first rows: no
			// key, and nothing for keyCandidates to check.
			sc.unique[i] = false
		}
	}
	estimated(res, sc, possible)
	return sc, true, nil
}

// sampleCellBytes is what a sampled value costs hllBatch beside its text:
// its hash and string header (24 bytes) and its allocation's overhead.
const sampleCellBytes = 40

// hashKeys marks, of the columns possible marks, those whose every hash
// (8 bytes a row of rows) fits in budget (0: 1 GiB), in order.
func hashKeys(possible []bool, rows, budget int64) []bool {
	if budget <= 0 {
		budget = 1 << 30
	}
	keys := make([]bool, len(possible))
	for i, p := range possible {
		if p && budget >= 8*rows {
			keys[i], budget = true, budget-8*rows
		}
	}
	return keys
}

// likelyKeys marks the columns whose first 10,000 rows hold a value in
// each and none twice.
func likelyKeys(ctx context.Context, db *engine.DB, rel string, cols []source.Column) ([]bool, error) {
	aggs := make([]string, len(cols))
	for i, c := range cols {
		aggs[i] = "count(DISTINCT CAST(" + engine.Ident(c.Name) + " AS VARCHAR)) = count(*)"
	}
	return aggregates[bool](ctx, db, "(SELECT * FROM "+rel+" LIMIT 10000)", aggs)
}

// estimated sets res's distinct counts and uniqueness from what reading
// every row found, and keeps sc's verdict of uniqueness only for the
// columns possible marks (whose sample could be of a key). A column
// found to hold no value twice has as many distinct values as values,
// exactly; the others' counts are estimates.
func estimated(res *Result, sc *everyRow, possible []bool) {
	for i, p := range possible {
		if !p {
			sc.unique[i] = false
		}
	}
	res.SourceRows = sc.rows
	for i := range res.Columns {
		c := &res.Columns[i]
		if sc.unique[i] {
			// No two values share a hash, so no two are equal.
			exactlyDistinct(c, sc.nonNull[i])
			continue
		}
		c.Distinct, c.DistinctApprox = min(sc.distinct[i], sc.nonNull[i]), true
		setMethod(c, Method{Metric: MetricDistinct, Method: MethodHyperLogLog, Error: hllRelativeError})
		c.Uniqueness = share(c.Distinct, sc.nonNull[i])
	}
}

// exactlyDistinct sets c's distinct count, exactly, for a column of
// nonNull values found all different.
func exactlyDistinct(c *Column, nonNull int64) {
	c.Distinct, c.DistinctApprox, c.Uniqueness = nonNull, false, share(nonNull, nonNull)
	setMethod(c, Method{Metric: MetricDistinct, Method: MethodExact})
}

// maybeKey reports whether a column profiled over rows rows (all of them,
// or a sample) could be a key of every row: a value in each row, none
// twice. A sample's missing or repeated value is one of every row's.
func maybeKey(c Column, rows int64) bool {
	return rows > 0 && c.Nulls.Count+c.Empty.Count+c.Whitespace.Count+c.Sentinels.Count == 0 && c.Distinct == rows
}

// hllPrecision is log2 of the registers of hllDistinct's HyperLogLog:
// 2^14 registers, a standard error of about 0.8%.
const hllPrecision = 14

// hllRegisters are a HyperLogLog's registers for each of a query's
// columns.
type hllRegisters [][1 << hllPrecision]uint8

// everyRow is what hllDistinct finds reading every row, by column.
type everyRow struct {
	rows     int64
	nonNull  []int64
	missing  []int64 // null, empty, blank or a sentinel, as the profile has them
	distinct []int64 // estimated
	// unique holds, for each column whose hashes were kept, whether no
	// two of its values share one (a collision could only hide a key, at
	// odds of about one in 10^6 at 5,000,000 rows).
	unique map[int]bool
}

// hllDistinct reads every row of rel once and estimates each column's
// distinct non-null values with a HyperLogLog of a 64-bit hash of the
// value as text (register: the hash's top bits; its value: the place of
// the first 1 in the rest). It also counts the rows, and each column's
// non-null and missing values. DuckDB's own approx_count_distinct was
// found 15-35% off on a 5,000,000-row extract; this is within about 1%.
// Each DuckDB thread fills registers of its own, merged at the end. Of
// the columns keys marks, it also keeps every value's hash, to tell
// whether the column holds any value twice.
// Columns are read maxBatch at a time, so that a wide table's rows and
// registers (16 KB a column a thread) never need holding all at once:
// 10,000 columns in one query overran a 2 GB limit.
func hllDistinct(ctx context.Context, db *engine.DB, rel string, cols []source.Column, sentinels sentinelSet, keys []bool, rows int64) (*everyRow, error) {
	res := &everyRow{nonNull: make([]int64, len(cols)), missing: make([]int64, len(cols)), distinct: make([]int64, len(cols)),
		unique: map[int]bool{}}
	for start := 0; start < len(cols); start += maxBatch {
		end := min(start+maxBatch, len(cols))
		part, _, err := hllBatch(ctx, db, rel, cols[start:end], sentinels, keys[start:end], rows, nil)
		if err != nil {
			return nil, err
		}
		res.rows = part.rows
		for c, u := range part.unique {
			res.unique[start+c] = u
		}
		copy(res.nonNull[start:end], part.nonNull)
		copy(res.missing[start:end], part.missing)
		copy(res.distinct[start:end], part.distinct)
	}
	return res, nil
}

// counted is a sample's values of each column, as hllBatch's pass met
// them; each yields them counted, as a column's GROUP BY would hand them
// over.
type counted struct {
	rows   int64      // rows in the sample
	nulls  []int64    // by column
	values [][]hashed // by column, every value not null, in no order
}

// hashed is a value with its hash.
type hashed struct {
	h uint64
	v string
}

// each calls fn with each of a column's values and its count, once a
// value. It sorts vals by hash and counts the runs, telling apart by
// their text the values of a run that share a hash: in about half the
// time of counting them in a map as they come, whose every look-up lands
// somewhere new in memory.
func each(vals []hashed, fn func(v string, n int64)) {
	slices.SortFunc(vals, func(x, y hashed) int { return cmp.Compare(x.h, y.h) })
	for i := 0; i < len(vals); {
		j, same := i+1, true
		for j < len(vals) && vals[j].h == vals[i].h {
			same = same && vals[j].v == vals[i].v
			j++
		}
		run := vals[i:j]
		i = j
		if same {
			fn(run[0].v, int64(len(run)))
			continue
		}
		slices.SortFunc(run, func(x, y hashed) int { return strings.Compare(x.v, y.v) })
		for k := 0; k < len(run); {
			l := k + 1
			for l < len(run) && run[l].v == run[k].v {
				l++
			}
			fn(run[k].v, int64(l-k))
			k = l
		}
	}
}

// inPass is a sample taken in hllBatch's pass: a share of the rows, by
// a hash of their values in the columns read (rows of equal values are
// all in or all out).
type inPass struct {
	share float64 // over 0, under 1
}

// dupSlots is the size of the table of recent hashes a column whose
// hashes are kept is checked against: a value seen twice close together
// shows at once that the column is no key, and its hashes are dropped.
// (An empty slot reads as hash 0: a value hashing to 0 could only hide
// a key, at odds of one in 2^64.)
const dupSlots = 1 << 12

// hllBatch is hllDistinct for columns read in one query. With sample
// set, the same pass also keeps the values of the sampled rows, which
// each counts: a sample's GROUP BYs, without a sample table or a second
// read.
func hllBatch(ctx context.Context, db *engine.DB, rel string, cols []source.Column, sentinels sentinelSet, keys []bool, rowsHint int64, sample *inPass) (*everyRow, *counted, error) {
	list := make([]string, len(cols))
	for i, c := range cols {
		list[i] = "CAST(" + engine.Ident(c.Name) + " AS VARCHAR)"
	}
	threads, err := db.Threads(ctx)
	if err != nil {
		return nil, nil, err
	}
	// dropped marks the columns of keys found to hold a missing value or
	// a value twice: no key, their hashes no longer kept.
	dropped := make([]atomic.Bool, len(cols))
	type part struct {
		regs             hllRegisters
		nonNull, missing []int64
		hashes           [][]uint64 // of the columns keys marks
		recent           [][]uint64 // of the columns keys marks, dupSlots each
		row              []uint64   // with sample, each row's hash in the chunk
		// the sample's rows, and each column's nulls and values in it
		rows   int64
		nulls  []int64
		values [][]hashed
	}
	var below uint64
	if sample != nil {
		below = uint64(math.Ldexp(sample.share, 64))
	}
	parts := pool[*part]{make: func() *part {
		p := &part{regs: make(hllRegisters, len(cols)), nonNull: make([]int64, len(cols)), missing: make([]int64, len(cols)),
			hashes: make([][]uint64, len(cols)), recent: make([][]uint64, len(cols))}
		for c, k := range keys {
			if k {
				p.recent[c] = make([]uint64, dupSlots)
			}
		}
		if sample != nil {
			// Sized for this part's share of the sample.
			size := int(float64(rowsHint)*sample.share*1.1) / max(threads, 1)
			p.nulls, p.values = make([]int64, len(cols)), make([][]hashed, len(cols))
			for c := range p.values {
				p.values[c] = make([]hashed, 0, size)
			}
		}
		return p
	}}
	rows, err := db.Stream(ctx, "SELECT "+strings.Join(list, ", ")+" FROM "+rel, func(ch *engine.Chunk) error {
		p := parts.take()
		defer parts.give(p)
		n := ch.Len()
		if sample != nil {
			p.row = slices.Grow(p.row[:0], n)[:n]
			clear(p.row)
		}
		for c := range cols {
			regs := &p.regs[c]
			keep := keys[c] && !dropped[c].Load()
			for r := range n {
				v, ok := ch.String(c, r)
				if !ok {
					p.missing[c]++
					if sample != nil {
						p.row[r] = mixRow(p.row[r], nullHash)
					}
					continue
				}
				p.nonNull[c]++
				if sentinels.missing(v) {
					p.missing[c]++
				}
				h := xxh3.HashString(v)
				i, rank := h>>(64-hllPrecision), uint8(bits.LeadingZeros64(h<<hllPrecision|1<<(hllPrecision-1))+1)
				regs[i] = max(regs[i], rank)
				if sample != nil {
					p.row[r] = mixRow(p.row[r], h)
				}
				if keep {
					if slot := &p.recent[c][h%dupSlots]; *slot == h {
						keep = false
					} else {
						*slot = h
						if p.hashes[c] == nil {
							// About this part's share of the rows: grown
							// from empty, the slice is copied as it doubles.
							p.hashes[c] = make([]uint64, 0, rowsHint/int64(max(threads, 1))+int64(n))
						}
						p.hashes[c] = append(p.hashes[c], h)
					}
				}
			}
			if keys[c] && (!keep || p.missing[c] > 0) {
				dropped[c].Store(true)
				p.hashes[c] = nil
			}
		}
		if sample == nil {
			return nil
		}
		for r, h := range p.row {
			if h >= below {
				continue
			}
			p.rows++
			for c := range p.values {
				v, ok := ch.String(c, r)
				if !ok {
					p.nulls[c]++
					continue
				}
				p.values[c] = append(p.values[c], hashed{xxh3.HashString(v), strings.Clone(v)})
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	res := &everyRow{rows: rows, nonNull: make([]int64, len(cols)), missing: make([]int64, len(cols)), distinct: make([]int64, len(cols)),
		unique: map[int]bool{}}
	unique, sorted := make([]bool, len(cols)), make([]bool, len(cols))
	var sorts []func()
	for c := range cols {
		var regs [1 << hllPrecision]uint8
		for _, p := range parts.all {
			res.nonNull[c] += p.nonNull[c]
			res.missing[c] += p.missing[c]
			for i, r := range p.regs[c] {
				regs[i] = max(regs[i], r)
			}
		}
		res.distinct[c] = hllEstimate(regs[:])
		if !keys[c] {
			continue
		}
		var hs [][]uint64
		for _, p := range parts.all {
			hs = append(hs, p.hashes[c])
			p.hashes[c] = nil
		}
		switch {
		case dropped[c].Load() || res.missing[c] > 0:
			res.unique[c] = false
		case share(res.distinct[c], res.nonNull[c]) >= nearKey:
			// Only a column that may hold as many distinct values as
			// rows needs its hashes sorted to tell; the others are
			// left unknown, as keyCandidates leaves them. The columns
			// are told at once: a column's last step, a walk in merged
			// order, runs on one goroutine.
			sorted[c] = true
			sorts = append(sorts, func() { unique[c] = allDifferent(hs) })
		}
	}
	var wg sync.WaitGroup
	for _, f := range sorts {
		wg.Go(f)
	}
	wg.Wait()
	for c, s := range sorted {
		if s {
			res.unique[c] = unique[c]
		}
	}
	if sample == nil {
		return res, nil, nil
	}
	got := &counted{nulls: make([]int64, len(cols)), values: make([][]hashed, len(cols))}
	for _, p := range parts.all {
		got.rows += p.rows
		for c, vals := range p.values {
			got.nulls[c] += p.nulls[c]
			got.values[c] = append(got.values[c], vals...)
		}
		p.values = nil
	}
	return res, got, nil
}

// nullHash stands for NULL in a row's hash.
const nullHash = 0x9e3779b97f4a7c15

// mixRow adds a value's hash h to the hash of the row's values before it.
func mixRow(row, h uint64) uint64 {
	row = (row ^ h) * 0xbf58476d1ce4e5b9
	return row ^ row>>31
}

// allDifferent reports whether no hash occurs twice in runs together. It
// sorts each run in place (at once, one goroutine a run) and walks them
// in merged order, so that the hashes are never copied.
func allDifferent(runs [][]uint64) bool {
	var wg sync.WaitGroup
	for _, r := range runs {
		wg.Go(func() { slices.Sort(r) })
	}
	wg.Wait()
	at := make([]int, len(runs))
	first, last := true, uint64(0)
	for {
		next := -1
		for i, r := range runs {
			if at[i] < len(r) && (next < 0 || r[at[i]] < runs[next][at[next]]) {
				next = i
			}
		}
		if next < 0 {
			return true
		}
		h := runs[next][at[next]]
		if !first && h == last {
			return false
		}
		first, last = false, h
		at[next]++
	}
}

// hllEstimate is the HyperLogLog estimate from its registers, by linear
// counting while it is small (Flajolet et al., with a 64-bit hash, which
// needs no large-range correction).
func hllEstimate(regs []uint8) int64 {
	m := float64(len(regs))
	var z float64
	zeros := 0
	for _, r := range regs {
		z += math.Ldexp(1, -int(r))
		if r == 0 {
			zeros++
		}
	}
	e := 0.7213 / (1 + 1.079/m) * m * m / z
	if e <= 2.5*m && zeros > 0 {
		e = m * math.Log(m/float64(zeros))
	}
	return int64(math.Round(e))
}
