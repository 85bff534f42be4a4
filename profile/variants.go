package profile

import (
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
func (a *accumulator) variant(t string, ascii, upper bool, n int64) {
	var lw string
	if ascii && !upper {
		a.lowerOnly.add(xxh3.HashString(t), n)
		return
	}
	if ascii {
		i := 0
		for i < len(t) && (t[i] < 'A' || t[i] > 'Z') {
			i++
		}
		if i == len(t) {
			a.lowerOnly.add(xxh3.HashString(t), n)
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
		if a.lowerFilter != nil && !a.lowerFilter.mayHave(xxh3.Hash(b)) {
			return
		}
		if v, ok := a.lower[string(b)]; ok {
			v.spell(t, n)
			return
		}
		lw = string(b)
	} else {
		if lowerAlready(t) {
			a.lowerOnly.add(xxh3.HashString(t), n)
			return
		}
		lw = strings.ToLower(t)
		if a.lowerFilter != nil && !a.lowerFilter.mayHave(xxh3.HashString(lw)) {
			return
		}
		if v, ok := a.lower[lw]; ok {
			v.spell(t, n)
			return
		}
	}
	if len(a.lower) >= maxTracked {
		return
	}
	a.lower[strings.Clone(lw)] = &variants{n: 1, rows: n, first: strings.Clone(t)}
	if len(a.lower) == maxTracked {
		a.lowerFilter = newKeyFilter(maxTracked)
		for k := range a.lower {
			a.lowerFilter.add(xxh3.HashString(k))
		}
	}
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
