package profile

import (
	"maps"
	"slices"

	"github.com/zeebo/xxh3"
)

// merge adds b, an accumulator of other distinct values of the same
// column, into a: a column's values are split among accumulators when
// DuckDB hands them over on several threads at once.
func (a *accumulator) merge(b *accumulator) {
	a.rows += b.rows
	a.nulls += b.nulls
	a.empty += b.empty
	a.ws += b.ws
	a.sent += b.sent
	a.valid += b.valid
	a.validDistinct += b.validDistinct
	a.distinct += b.distinct
	a.dupValues += b.dupValues
	if b.hasText {
		if !a.hasText || b.minText < a.minText {
			a.minText = b.minText
		}
		if !a.hasText || b.maxText > a.maxText {
			a.maxText = b.maxText
		}
		a.hasText = true
	}
	a.lenMin, a.lenMax = min(a.lenMin, b.lenMin), max(a.lenMax, b.lenMax)
	a.lenSum += b.lenSum
	for l, n := range b.lengths.short {
		a.lengths.short[l] += n
	}
	for l, n := range b.lengths.long {
		a.lengths.add(l, n)
	}
	for _, m := range []struct{ to, from map[string]int64 }{
		{a.patterns, b.patterns}, {a.compact, b.compact},
	} {
		for _, k := range slices.Sorted(maps.Keys(m.from)) {
			addBounded(m.to, k, m.from[k])
		}
	}
	for _, f := range b.dates {
		a.dates.add(f.format, f.n)
	}
	a.dayMonth.merge(&b.dayMonth)
	a.ymd.merge(&b.ymd)
	for _, f := range b.stamps {
		a.stamps.add(f.format, f.n)
	}
	for i, n := range b.types {
		a.types[i] += n
	}
	for i, n := range b.semantic {
		a.semantic[i] += n
	}
	a.boolSeen |= b.boolSeen
	a.semExamples.merge(b.semExamples)
	for i, n := range b.findings {
		a.findings[i] += n
		for _, e := range b.examples[i] {
			a.examples[i] = keepSmallest(a.examples[i], e, 3)
		}
	}
	for a.lowerShift < b.lowerShift {
		a.sampleLower()
	}
	for _, k := range slices.Sorted(maps.Keys(b.lower)) {
		v := b.lower[k]
		h := xxh3.HashString(k)
		if !a.lowerKept(h) {
			continue
		}
		w, ok := a.lower[k]
		if !ok {
			a.addLower(k, h, v)
			continue
		}
		counts := slices.Clone(w.spellings())
		for _, c := range v.spellings() {
			if i := slices.IndexFunc(counts, func(x spellingCount) bool { return x.spelling == c.spelling }); i >= 0 {
				counts[i].rows += c.rows
			} else {
				counts = append(counts, c)
			}
		}
		w.n, w.counts = len(counts), nil
		if len(counts) > 1 {
			w.counts = counts
		}
		w.rows += v.rows
		spellings := slices.Compact(slices.Sorted(slices.Values([]string{w.first, w.second, v.first, v.second})))
		if spellings[0] == "" {
			spellings = spellings[1:]
		}
		w.first, w.second = spellings[0], ""
		if len(spellings) > 1 {
			w.second = spellings[1]
		}
	}
	b.lowerOnly.each(a.addLowerOnly)
	b.releaseLower()
	a.overflow.merge(&b.overflow)
	a.overflowCompact.merge(&b.overflowCompact)
	for _, sh := range b.shapeOrder {
		key := sh.memoKey()
		h := memoHash([]byte(key), sh.long)
		switch slot := a.shapes.slot(h, []byte(key), sh.long); {
		case slot.sh != nil:
			slot.sh.count += sh.count
		case a.shapes.n < a.maxShapes:
			a.shapes.put(slot, h, sh)
			a.shapeOrder = append(a.shapeOrder, sh)
		default:
			a.overflow.add(sh.patKey, sh.count)
			a.overflowCompact.add(sh.compact, sh.count)
		}
	}
	for _, t := range b.topValues {
		a.offerTop(t.Value, t.Count)
	}
	defer b.mem.close()
	a.nums.merge(&b.nums)
	a.times.merge(&b.times)
	a.numExt.merge(b.numExt)
	a.timeExt.merge(b.timeExt)
	for _, v := range b.invalid {
		a.invalid = keepSmallest(a.invalid, v, 5)
	}
}
