package profile

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/zeebo/xxh3"
)

// variants are the spellings of one value that differ only by case.
type variants struct {
	n             int
	rows          int64
	first, second string          // the two smallest spellings
	counts        []spellingCount // the rows of each spelling, once there are two
}

type spellingCount struct {
	spelling string
	rows     int64
}

// deviating is how many rows spell the value otherwise than its most
// common spelling.
func (v *variants) deviating() int64 {
	var most int64
	for _, c := range v.counts {
		most = max(most, c.rows)
	}
	if v.counts == nil {
		return 0
	}
	return v.rows - most
}

// countSpelling counts n rows of spelling t; while there is one spelling,
// rows counts it.
func (v *variants) countSpelling(t string, n int64) {
	if v.counts == nil {
		if t == v.first {
			return
		}
		v.counts = []spellingCount{{v.first, v.rows}}
	}
	for i := range v.counts {
		if v.counts[i].spelling == t {
			v.counts[i].rows += n
			return
		}
	}
	v.counts = append(v.counts, spellingCount{strings.Clone(t), n})
}

// spellings returns the rows of each spelling.
func (v *variants) spellings() []spellingCount {
	if v.counts == nil {
		return []spellingCount{{v.first, v.rows}}
	}
	return v.counts
}

// spell counts a spelling of the value. The same trimmed value can come
// twice (" x" and "x "); that is one spelling, whose second arrival adds
// rows only (n only needs to tell one spelling from more).
func (v *variants) spell(t string, n int64) {
	v.countSpelling(t, n)
	v.rows += n
	if t == v.first || t == v.second {
		return
	}
	v.n++
	switch {
	case t < v.first:
		v.first, v.second = strings.Clone(t), v.first
	case t != v.first && (v.second == "" || t < v.second):
		v.second = strings.Clone(t)
	}
}

// variant notes a value's lower-cased spelling, to find values that
// differ only by case. A value that lower-casing leaves as it is (most
// values of most columns: emails, UUIDs, codes) is only remembered by a
// hash of itself and its count; finish looks those up among the
// lower-cased spellings of the values that do change.
//
// What is remembered is charged to the budget. When it runs out (or,
// without a budget, once maxTracked lower-cased values are kept), the
// column keeps a sample of its
// lower-cased values instead: those whose hash has its top lowerShift
// bits clear, half as many at each step (sampleLower). Every spelling of
// a value has the hash of the lower-cased value, so a value is kept with
// all its spellings or not at all, and finish scales what the sample
// finds by 2^lowerShift.
func (a *accumulator) variant(t string, ascii, upper bool, n int64) {
	var lw string
	var h uint64
	if ascii && !upper {
		a.addLowerOnly(xxh3.HashString(t), n)
		return
	}
	if ascii {
		i := 0
		for i < len(t) && (t[i] < 'A' || t[i] > 'Z') {
			i++
		}
		if i == len(t) {
			a.addLowerOnly(xxh3.HashString(t), n)
			return
		}
		b := append(a.lowerBuf[:0], t[:i]...)
		for ; i < len(t); i++ {
			c := t[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
		}
		a.lowerBuf = b
		h = xxh3.Hash(b)
		if !a.lowerKept(h) {
			return
		}
		if v, ok := a.lower[string(b)]; ok {
			v.spell(t, n)
			return
		}
		lw = string(b)
	} else {
		if lowerAlready(t) {
			a.addLowerOnly(xxh3.HashString(t), n)
			return
		}
		// strings.ToLower(t), into a buffer: a value seen before in
		// another spelling costs no allocation.
		b := a.lowerBuf[:0]
		for _, r := range t {
			b = utf8.AppendRune(b, unicode.ToLower(r))
		}
		a.lowerBuf = b
		h = xxh3.Hash(b)
		if !a.lowerKept(h) {
			return
		}
		if v, ok := a.lower[string(b)]; ok {
			v.spell(t, n)
			return
		}
		lw = string(b)
	}
	a.addLower(lw, h, &variants{n: 1, rows: n, first: strings.Clone(t)})
}

// lowerEntryBytes and lowerOnlyBytes are what the budget is charged for a
// lower-cased value kept with its spellings (the key, a spelling, the map
// entry and the variants), and for a value known by its hash.
const lowerOnlyBytes = 16

func lowerEntryBytes(k string) int64 { return 2*int64(len(k)) + 112 }

// addLower keeps the spellings v of lower-cased value k, of hash h, if
// the sample and the budget take it.
func (a *accumulator) addLower(k string, h uint64, v *variants) {
	if len(a.lower) >= maxTracked && (a.mem == nil || a.mem.budget == nil) {
		// Without a budget, maxTracked values bound the memory.
		a.sampleLower()
	}
	if a.keepLower(h, lowerEntryBytes(k)) {
		a.lower[k] = v
	}
}

// addLowerOnly keeps a value that lower-casing leaves as it is, of hash
// h, if the sample and the budget take it.
func (a *accumulator) addLowerOnly(h uint64, n int64) {
	if a.keepLower(h, lowerOnlyBytes) {
		a.lowerOnly.add(h, n)
	}
}

// lowerKept reports whether the sample of lower-cased values takes the
// one of hash h.
func (a *accumulator) lowerKept(h uint64) bool { return h>>(64-a.lowerShift) == 0 }

// keepLower reports whether a lower-cased value of hash h, taking bytes,
// is kept: it is in the sample, and the budget has room for it, the
// sample made smaller until it has.
func (a *accumulator) keepLower(h uint64, bytes int64) bool {
	for a.lowerKept(h) {
		if a.mem.take(bytes) {
			a.lowerHeld += bytes
			return true
		}
		if !a.sketchValues() {
			a.sampleLower()
		}
	}
	return false
}

// sketchValues moves the column's parsed values that are kept exactly
// into sketches, to make room for its lower-cased values (quantiles lose
// less by it than case variants by a sample); it reports whether it
// freed any.
func (a *accumulator) sketchValues() bool {
	freed := false
	for _, v := range []*values{&a.nums, &a.times, &a.dayMonth.md, &a.dayMonth.dm, &a.ymd.times} {
		if v.held > 0 {
			v.toSketch()
			freed = true
		}
	}
	return freed
}

// sampleLower halves the sample of lower-cased values: it drops those
// whose hash has the next bit set, and gives back their memory.
func (a *accumulator) sampleLower() {
	a.lowerShift++
	var freed int64
	for k := range a.lower {
		if !a.lowerKept(xxh3.HashString(k)) {
			delete(a.lower, k)
			freed += lowerEntryBytes(k)
		}
	}
	if a.lowerOnly.len() > 0 {
		old := a.lowerOnly
		a.lowerOnly = hashCounts{}
		old.each(func(h uint64, n int64) {
			if a.lowerKept(h) {
				a.lowerOnly.add(h, n)
			} else {
				freed += lowerOnlyBytes
			}
		})
	}
	a.lowerHeld -= freed
	a.mem.give(freed)
}

// releaseLower gives back the memory of the lower-cased values.
func (a *accumulator) releaseLower() {
	a.lower, a.lowerOnly = nil, hashCounts{}
	a.mem.give(a.lowerHeld)
	a.lowerHeld = 0
}

// caseVariants counts the rows of values spelled otherwise than their
// most common spelling as a finding, with the two smallest spellings of
// the values as its examples. Of a sample of the values, it returns the
// standard error of the count it estimates (Horvitz-Thompson: each value
// counted 2^lowerShift times).
func (a *accumulator) caseVariants() (stderr float64) {
	a.lowerSpellings()
	var sq float64
	for _, v := range a.lower {
		if v.n > 1 {
			d := v.deviating()
			a.finding("case_variants", v.first+" / "+v.second, d<<a.lowerShift)
			sq += float64(d) * float64(d)
		}
	}
	if a.lowerShift == 0 {
		return 0
	}
	p := math.Ldexp(1, -int(a.lowerShift))
	return math.Sqrt(sq * (1 - p) / (p * p))
}

// lowerAlready reports whether strings.ToLower(t) == t, without
// allocating.
func lowerAlready(t string) bool {
	for _, r := range t {
		if r == utf8.RuneError || unicode.ToLower(r) != r {
			return false // ToLower rewrites invalid UTF-8 too
		}
	}
	return true
}

// lowerSpellings adds the values that lower-casing leaves as they are to
// the spellings of the lower-cased values that match them.
func (a *accumulator) lowerSpellings() {
	if len(a.lower) == 0 || a.lowerOnly.len() == 0 {
		return
	}
	keys := make(map[uint64]string, len(a.lower))
	for k := range a.lower {
		keys[xxh3.HashString(k)] = k
	}
	a.lowerOnly.each(func(h uint64, n int64) {
		if k, ok := keys[h]; ok {
			a.lower[k].spell(k, n)
		}
	})
}
