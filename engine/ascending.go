//go:build duckdb_arrow

package engine

import (
	"encoding/binary"
	"sort"
)

// ascBlock is how many values of an ascending sequence share one
// absolute value: a lookup decodes at most this many deltas.
const ascBlock = 128

// ascending is a non-decreasing sequence of int64, such as the ends of a
// file's records, kept as varint deltas: one or two bytes a value where
// a []int64 takes eight (and twice that while it grows), so that the
// account of a 100-million-record file stays in tens of megabytes.
type ascending struct {
	n      int
	last   int64
	heads  []int64 // the first value of each block
	starts []int   // where each block's deltas start in deltas
	deltas []byte  // each value after a block's first, less the one before
}

// add appends v, which must not be less than the last value added.
func (a *ascending) add(v int64) {
	if a.n%ascBlock == 0 {
		a.heads = append(a.heads, v)
		a.starts = append(a.starts, len(a.deltas))
	} else {
		a.deltas = binary.AppendUvarint(a.deltas, uint64(v-a.last))
	}
	a.last = v
	a.n++
}

// len is the number of values added.
func (a *ascending) len() int { return a.n }

// at returns the i-th value (0-based).
func (a *ascending) at(i int) int64 {
	b := i / ascBlock
	v, p := a.heads[b], a.starts[b]
	for range i % ascBlock {
		d, k := binary.Uvarint(a.deltas[p:])
		v, p = v+int64(d), p+k
	}
	return v
}

// search returns the index of the first value greater than x, or len()
// when there is none, as sort.Search would over the values.
func (a *ascending) search(x int64) int {
	b := sort.Search(len(a.heads), func(k int) bool { return a.heads[k] > x })
	if b == 0 {
		return 0
	}
	b-- // the block whose values start at or before x
	v, p := a.heads[b], a.starts[b]
	i, end := b*ascBlock, min((b+1)*ascBlock, a.n)
	for i++; i < end; i++ {
		d, k := binary.Uvarint(a.deltas[p:])
		v, p = v+int64(d), p+k
		if v > x {
			return i
		}
	}
	return end
}
