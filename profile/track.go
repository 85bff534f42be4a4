package profile

import (
	"math/bits"
	"slices"
	"strings"

	"github.com/zeebo/xxh3"
)

// keyFilter is a Bloom filter over the keys of a map that takes no more:
// a key it has never seen is, nearly always, told apart without touching
// the map, whose look-ups miss the cache once it holds many keys. Both
// bits of a key are in one word, so a test reads memory once.
type keyFilter struct {
	words []uint64
	mask  uint64
}

func newKeyFilter(keys int) *keyFilter {
	n := max(16, 1<<bits.Len(uint(keys/3))) // ~20 bits a key: about 1% false hits
	return &keyFilter{words: make([]uint64, n), mask: uint64(n - 1)}
}

func (f *keyFilter) bits(h uint64) (uint64, uint64) {
	return h & f.mask, 1<<(h>>52&63) | 1<<(h>>58)
}

func (f *keyFilter) add(h uint64) {
	w, b := f.bits(h)
	f.words[w] |= b
}

func (f *keyFilter) mayHave(h uint64) bool {
	w, b := f.bits(h)
	return f.words[w]&b == b
}

// counts counts keys, at most maxTracked of them; keys past those are
// counted together as other. Keys are looked up by a 64-bit hash, which
// spares comparing them (two keys of one hash, a chance of about one in
// 10^9 at the most keys kept, would be counted as one), in a table of
// its own: hash and count side by side, so that a look-up in a table too
// big for the cache misses it once, where a Go map misses it twice.
type counts struct {
	slots  []countSlot // open addressing, linear probing; h == 0 is empty
	keys   []string    // in the order first seen
	hashes []uint64
	other  int64
	filter *keyFilter // once full
}

type countSlot struct {
	h uint64
	n int64
}

func newCounts() counts { return counts{slots: make([]countSlot, 16)} }

// slot returns the slot of hash h: its own, or the empty one it would
// take.
func (c *counts) slot(h uint64) *countSlot {
	mask := uint64(len(c.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		if s := &c.slots[i]; s.h == h || s.h == 0 {
			return s
		}
	}
}

// hashKey is a key's hash, never 0 (which marks an empty slot).
func hashKey(h uint64) uint64 {
	if h == 0 {
		return 0x9e3779b97f4a7c15
	}
	return h
}

// addBytes counts a key held in a scratch buffer: it allocates only for a
// new key.
func (c *counts) addBytes(k []byte, n int64) {
	h := hashKey(xxh3.Hash(k))
	if c.filter != nil && !c.filter.mayHave(h) {
		c.other += n
		return
	}
	if s := c.slot(h); s.h != 0 {
		s.n += n
		return
	}
	c.addNew(h, string(k), n)
}

func (c *counts) add(k string, n int64) {
	h := hashKey(xxh3.HashString(k))
	if s := c.slot(h); s.h != 0 {
		s.n += n
		return
	}
	c.addNew(h, k, n)
}

func (c *counts) addNew(h uint64, k string, n int64) {
	if len(c.keys) >= maxTracked {
		c.other += n
		return
	}
	if 2*(len(c.keys)+1) > len(c.slots) {
		old := c.slots
		c.slots = make([]countSlot, 2*len(old))
		for _, s := range old {
			if s.h != 0 {
				*c.slot(s.h) = s
			}
		}
	}
	*c.slot(h) = countSlot{h, n}
	c.keys = append(c.keys, k)
	c.hashes = append(c.hashes, h)
	if len(c.keys) == maxTracked {
		c.filter = newKeyFilter(maxTracked)
		for _, h := range c.hashes {
			c.filter.add(h)
		}
	}
}

// count is the count of the i-th key.
func (c *counts) count(i int) int64 { return c.slot(c.hashes[i]).n }

// into adds the counts to a map bounded as addBounded bounds it, keys in order
// (so that which keys fit does not depend on the order they came in),
// other last.
func (c *counts) into(m map[string]int64) {
	for _, i := range c.sorted() {
		addBounded(m, c.keys[i], c.count(i))
	}
	if c.other > 0 {
		addBounded(m, otherKey, c.other)
	}
}

// sorted returns the indexes of the keys in key order.
func (c *counts) sorted() []int {
	idx := make([]int, len(c.keys))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return strings.Compare(c.keys[a], c.keys[b]) })
	return idx
}

// merge adds o's counts.
func (c *counts) merge(o *counts) {
	for _, i := range o.sorted() {
		c.add(o.keys[i], o.count(i))
	}
	c.other += o.other
}

// other is the key of what is past the keys tracked.
const otherKey = "(other)"

// addBounded adds n to key k of m, a map of at most maxTracked keys: a
// key past those is counted under otherKey.
func addBounded(m map[string]int64, k string, n int64) {
	if len(m) < maxTracked {
		m[k] += n
		return
	}
	if _, ok := m[k]; ok {
		m[k] += n
		return
	}
	m[otherKey] += n
}

// blocks is an append-only list kept in blocks, so that growing it to
// millions of items (a column's distinct numbers) never copies what it
// holds.
type blocks[T any] struct {
	full [][]T
	cur  []T
	n    int
}

const maxBlock = 1 << 13

// nextSize is the size of the block add makes next when the current
// one is full.
func (b *blocks[T]) nextSize() int {
	if b.cur == nil {
		return 64
	}
	return min(2*cap(b.cur), maxBlock)
}

func (b *blocks[T]) add(v T) {
	if len(b.cur) == cap(b.cur) {
		size := b.nextSize()
		if b.cur != nil {
			b.full = append(b.full, b.cur)
		}
		b.cur = make([]T, 0, size)
	}
	b.cur = append(b.cur, v)
	b.n++
}

// merge takes o's items.
func (b *blocks[T]) merge(o *blocks[T]) {
	b.full = append(b.full, o.full...)
	if len(o.cur) > 0 {
		b.full = append(b.full, o.cur)
	}
	b.n += o.n
}

// each calls fn with every item, in the order added.
func (b *blocks[T]) each(fn func(T)) {
	for _, f := range b.full {
		for _, v := range f {
			fn(v)
		}
	}
	for _, v := range b.cur {
		fn(v)
	}
}

// all returns the items in one slice.
func (b *blocks[T]) all() []T {
	out := make([]T, 0, b.n)
	for _, f := range b.full {
		out = append(out, f...)
	}
	return append(out, b.cur...)
}

// hashCounts are values known by their hash, with their counts; a value
// counted once (most values of a column of distinct values) is kept by
// its hash alone, in half the memory.
type hashCounts struct {
	once blocks[uint64]
	more blocks[hashCount]
}

// hashCount is a value known by its hash, and its count.
type hashCount struct {
	h uint64
	n int64
}

func (c *hashCounts) add(h uint64, n int64) {
	if n == 1 {
		c.once.add(h)
		return
	}
	c.more.add(hashCount{h, n})
}

func (c *hashCounts) len() int { return c.once.n + c.more.n }

// each calls fn with every hash and its count.
func (c *hashCounts) each(fn func(h uint64, n int64)) {
	c.once.each(func(h uint64) { fn(h, 1) })
	c.more.each(func(hc hashCount) { fn(hc.h, hc.n) })
}
