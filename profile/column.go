package profile

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/zeebo/xxh3"
)

// maxTracked bounds the distinct patterns and case variants a column
// keeps in memory; past it, new ones are counted as "(other)".
const maxTracked = 100_000

// acc accumulates one column's profile from its distinct values and
// their counts.
type acc struct {
	name, loadedType string
	top              int
	sentinels        sentinelSet
	rows, nulls      int64
	empty, ws, sent  int64
	valid, distinct  int64
	dupValues        int64
	minText, maxText string
	hasText          bool
	lenMin, lenMax   int
	lenSum           int64
	lengths          lengthCounts
	patterns         map[string]int64
	compact          map[string]int64
	types            [numTypes]int64 // by the place of the type in typeOrder
	dates            formatCounts
	stamps           formatCounts
	semantic         [numSemantic]int64       // by the place of the type in SemanticTypes
	findings         [len(findingNames)]int64 // by the place of the finding in findingNames
	examples         [len(findingNames)][]string
	lower            map[string]*variants // lower-cased value -> its spellings
	lowerFilter      *keyFilter           // the keys of lower, once it takes no more
	lowerOnly        hashCounts           // values lower-casing leaves as they are
	shapes           shapeTable           // mask (for values over 40 characters, compact mask) -> what it says, for the quick path
	shapeOrder       []*shape             // shapes in the order first seen
	memoFilter       *keyFilter           // the keys of shapes, once it takes no more
	overflow         counts               // patterns of values past the shapes remembered
	overflowCompact  counts
	buf, lowerBuf    []byte // scratch for masks and lower-cased values
	compactBuf       []byte
	scratch          shape // the shape of a value past the ones remembered
	longScratch      shape // the whole mask of a value kept by its compact one
	maxShapes        int   // how many shapes to remember: maxTracked
	topValues        []Share
	nums, times      blocks[weighted] // parsed numbers, and Unix seconds, with counts
	numExt, timeExt  extreme
	invalid          []string
}

// typeOrder are the types conformity is reported for, in order.
var typeOrder = []string{TypeBoolean, TypeInteger, TypeDecimal, TypeDate, TypeTimestamp}

// The types, by their place in typeOrder.
const (
	tBoolean = iota
	tInteger
	tDecimal
	tDate
	tTimestamp
	numTypes
)

// variants are the spellings of one value that differ only by case.
type variants struct {
	n             int
	rows          int64
	first, second string // the two smallest spellings
}

// keepSmallest inserts v into the sorted list, keeping the k smallest, so
// that examples do not depend on the order values arrive in.
func keepSmallest(list []string, v string, k int) []string {
	if len(list) >= k && !less(v, list[len(list)-1]) {
		return list
	}
	i, found := slices.BinarySearch(list, v)
	if found || i >= k {
		return list
	}
	list = slices.Insert(list, i, strings.Clone(v))
	if len(list) > k {
		list = list[:k]
	}
	return list
}

type weighted struct {
	v float64
	n int64
}

// extreme tracks the smallest and largest parsed value as written.
type extreme struct {
	lo, hi       float64
	loRaw, hiRaw string
	set          bool
}

func (e *extreme) offer(v float64, raw string) {
	if !e.set || v < e.lo || v == e.lo && raw < e.loRaw {
		e.lo, e.loRaw = v, strings.Clone(raw)
	}
	if !e.set || v > e.hi || v == e.hi && raw < e.hiRaw {
		e.hi, e.hiRaw = v, strings.Clone(raw)
	}
	e.set = true
}

// sentinelSet is the values read as "no value", with the length of the
// longest, which tells most values apart without a look-up.
type sentinelSet struct {
	values  map[string]bool
	longest int // in bytes
}

func newSentinelSet(list []string) sentinelSet {
	s := sentinelSet{values: map[string]bool{}}
	for _, v := range list {
		s.values[v] = true
		s.longest = max(s.longest, len(v))
	}
	return s
}

// has reports whether t, a value trimmed of surrounding space, is a
// sentinel.
func (s sentinelSet) has(t string) bool { return len(t) <= s.longest && s.values[t] }

func newAcc(name, loadedType string, top int, sentinels sentinelSet) *acc {
	a := &acc{name: name, loadedType: loadedType, top: top, sentinels: sentinels, lenMin: math.MaxInt,
		patterns: map[string]int64{}, compact: map[string]int64{},
		lower: map[string]*variants{}, shapes: newShapeTable(),
		overflow: newCounts(), overflowCompact: newCounts()}
	a.maxShapes = maxTracked
	return a
}

// findingNames are the findings, by their place in acc.findings.
var findingNames = [...]string{"non_ascii", "control_characters", "thousands_separator_or_currency", "leading_zeros",
	"leading_or_trailing_whitespace", "mixed_date_formats", "case_variants"}

func (a *acc) finding(name, example string, n int64) {
	i := 0
	for findingNames[i] != name {
		i++
	}
	a.findings[i] += n
	a.examples[i] = keepSmallest(a.examples[i], example, 3)
}

// formatCounts counts values by date or timestamp format: a few formats,
// found faster in a list than in a map.
type formatCounts []formatCount

type formatCount struct {
	format string
	n      int64
}

func (c *formatCounts) add(f string, n int64) {
	for i := range *c {
		if (*c)[i].format == f {
			(*c)[i].n += n
			return
		}
	}
	*c = append(*c, formatCount{f, n})
}

func bump(m map[string]int64, k string, n int64) {
	if _, ok := m[k]; ok || len(m) < maxTracked {
		m[k] += n
		return
	}
	m[otherKey] += n
}

// add takes one distinct value (nil for NULL) and how often it occurs.
func (a *acc) add(v *string, n int64) {
	a.rows += n
	if v == nil {
		a.nulls += n
		return
	}
	s := *v
	a.distinct++
	if n > 1 {
		a.dupValues++
	}
	a.offerTop(s, n)
	if !a.hasText || less(s, a.minText) {
		a.minText = strings.Clone(s)
	}
	if !a.hasText || less(a.maxText, s) {
		a.maxText = strings.Clone(s)
	}
	a.hasText = true
	t := strings.TrimSpace(s)
	switch {
	case s == "":
		a.empty += n
		return
	case t == "":
		a.ws += n
		return
	case a.sentinels.has(t):
		a.sent += n
		return
	}
	a.valid += n
	// The quick path: a value without surrounding whitespace, whose shape
	// has been seen before or can still be remembered.
	if t != s {
		a.addValid(s, t, n)
		return
	}
	buf, ascii, control := maskASCII(a.buf[:0], s)
	l := len(s)
	if !ascii {
		buf = appendMask(buf[:0], s)
		l = utf8.RuneCountInString(s)
		control = hasControl(s)
	}
	a.buf = buf
	// Long values are remembered by their compact shape, which is also
	// their pattern, so that free text does not fill the memory.
	key, long := buf, l > 40
	if long {
		if ascii {
			a.compactBuf = appendCollapsed(a.compactBuf[:0], buf)
		} else {
			a.compactBuf = append(a.compactBuf[:0], collapse(string(buf))...)
		}
		key = a.compactBuf
	}
	var sh *shape
	var slot *shapeSlot
	h := memoHash(key, long)
	if a.memoFilter == nil || a.memoFilter.mayHave(h) {
		slot = a.shapes.slot(h, key, long)
		sh = slot.sh
	}
	switch {
	case sh != nil:
		sh.count += n
	case a.memoFilter == nil:
		sh = a.newShape(string(key), l)
		sh.count = n
		a.shapes.put(slot, h, sh)
		a.shapeOrder = append(a.shapeOrder, sh)
		if a.shapes.n >= a.maxShapes {
			a.memoFilter = newKeyFilter(a.maxShapes)
			for _, sl := range a.shapes.slots {
				if sl.sh != nil {
					a.memoFilter.add(sl.h)
				}
			}
		}
	default:
		// Past the shapes remembered (a column of UUIDs has a shape per
		// value): screened for this value alone, without allocating, and
		// its patterns counted apart, added after the remembered ones.
		sh = a.transient(buf, key, ascii, l, n)
	}
	a.lenMin, a.lenMax = min(a.lenMin, l), max(a.lenMax, l)
	a.lenSum += int64(l) * n
	a.lengths.add(l, n)
	if !ascii {
		a.finding("non_ascii", s, n)
	}
	if control {
		a.finding("control_characters", s, n)
	}
	if sh.formatted && isFormattedNumber(t) {
		a.finding("thousands_separator_or_currency", t, n)
	}
	if sh.digitsOnly && len(t) > 1 && t[0] == '0' && isDigits(t) {
		a.finding("leading_zeros", t, n)
	}
	if sh.letters {
		a.variant(t, ascii, sh.upper, n)
	}
	if sh.semantic {
		ssh := sh
		if sh.long {
			// Kept by its compact mask: the screens need the whole one.
			ssh = &a.longScratch
			*ssh = shape{}
			screen(ssh, buf, l)
		}
		a.addSemantic(semanticOf(t, ssh), n)
	}
	a.typed(t, sh, n)
}

// shapeTable is the memo of shapes by memo key (a mask, or for a value
// over 40 characters a compact mask): open addressing on memoHash, the
// hash beside the shape, so that a look-up that finds its hash compares
// the key once.
type shapeTable struct {
	slots []shapeSlot // sh == nil: empty
	n     int
}

type shapeSlot struct {
	h  uint64
	sh *shape
}

func newShapeTable() shapeTable { return shapeTable{slots: make([]shapeSlot, 16)} }

// memoKey is the key a shape is remembered by.
func (sh *shape) memoKey() string {
	if sh.long {
		return sh.compact
	}
	return sh.mask
}

// slot returns the slot of the shape of key (h its memoHash): its own,
// or the empty one it would take.
func (t *shapeTable) slot(h uint64, key []byte, long bool) *shapeSlot {
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.sh == nil || s.h == h && s.sh.long == long && s.sh.memoKey() == string(key) {
			return s
		}
	}
}

// put fills the empty slot that slot returned for h with sh.
func (t *shapeTable) put(s *shapeSlot, h uint64, sh *shape) {
	*s = shapeSlot{h, sh}
	if t.n++; 2*t.n > len(t.slots) {
		old := t.slots
		t.slots = make([]shapeSlot, 2*len(old))
		mask := uint64(len(t.slots) - 1)
		for _, o := range old {
			if o.sh == nil {
				continue
			}
			i := o.h & mask
			for t.slots[i].sh != nil {
				i = (i + 1) & mask
			}
			t.slots[i] = o
		}
	}
}

// memoHash is the hash of a shape's memo key: its mask, or for a long
// value its compact mask.
func memoHash(key []byte, long bool) uint64 {
	h := xxh3.Hash(key)
	if long {
		h = bits.RotateLeft64(h, 17) ^ 0x9e3779b97f4a7c15
	}
	return h
}

// addValid takes a valid value the quick path does not: one with
// surrounding whitespace, or of a shape past the ones remembered.
func (a *acc) addValid(s, t string, n int64) {
	l := utf8.RuneCountInString(s)
	a.lenMin, a.lenMax = min(a.lenMin, l), max(a.lenMax, l)
	a.lenSum += int64(l) * n
	a.lengths.add(l, n)
	mask := Mask(s)
	compact := collapse(mask)
	if l > 40 {
		bump(a.patterns, compact, n)
	} else {
		bump(a.patterns, mask, n)
	}
	bump(a.compact, compact, n)
	tmask := mask
	if t != s {
		a.finding("leading_or_trailing_whitespace", s, n)
		tmask = Mask(t)
	}
	ascii := isASCII(s)
	if !ascii {
		a.finding("non_ascii", s, n)
	}
	if hasControl(s) {
		a.finding("control_characters", s, n)
	}
	if strings.ContainsAny(tmask, "9") {
		if isFormattedNumber(t) {
			a.finding("thousands_separator_or_currency", t, n)
		}
		if len(t) > 1 && t[0] == '0' && isDigits(t) {
			a.finding("leading_zeros", t, n)
		}
	}
	if strings.ContainsAny(tmask, "Aa") {
		a.variant(t, isASCII(t), true, n)
	}
	a.addSemantic(semanticBits(t, tmask), n)
	a.typed(t, newShape(tmask, utf8.RuneCountInString(t)), n)
}

// newShape works out a shape: of the full mask, or for a value over 40
// characters of its compact mask.
func (a *acc) newShape(key string, runes int) *shape {
	if runes <= 40 {
		return newShape(key, runes)
	}
	return newLongShape(key)
}

// transient screens a value past the shapes remembered and counts its
// patterns; mask is the value's mask, key its memo key (the compact mask
// for long values).
func (a *acc) transient(mask, key []byte, ascii bool, runes int, n int64) *shape {
	sh := &a.scratch
	*sh = shape{transient: true}
	compact := key
	if runes <= 40 {
		if ascii {
			a.compactBuf = appendCollapsed(a.compactBuf[:0], mask)
		} else {
			a.compactBuf = append(a.compactBuf[:0], collapse(string(mask))...)
		}
		compact = a.compactBuf
		screen(sh, mask, runes)
		a.overflowPattern(mask, n)
	} else {
		long := newLongShape(string(key))
		*sh = *long
		sh.transient = true
		a.overflowPattern(key, n)
	}
	a.overflowCompact.addBytes(compact, n)
	return sh
}

// overflowPattern counts the pattern of a value past the shapes
// remembered. When as many shapes are remembered as patterns are kept,
// the remembered shapes fill the patterns kept, so such a pattern can
// only end up as other: it is counted there without a look-up.
func (a *acc) overflowPattern(key []byte, n int64) {
	if a.maxShapes >= maxTracked {
		a.overflow.other += n
		return
	}
	a.overflow.addBytes(key, n)
}

func (a *acc) addSemantic(bits uint16, n int64) {
	for i := 0; bits != 0; bits, i = bits>>1, i+1 {
		if bits&1 != 0 {
			a.semantic[i] += n
		}
	}
}

// typed counts the types a valid value (trimmed) parses as, the tests
// screened by its shape; a value of none is kept as an invalid example.
func (a *acc) typed(t string, sh *shape, n int64) {
	matched := false
	if sh.boolean && len(t) <= 5 && isBoolean(t) {
		a.types[tBoolean] += n
		matched = true
	}
	if sh.numeric {
		if f, integer, ok := parseNumber(t); ok {
			if integer {
				a.types[tInteger] += n
			}
			a.types[tDecimal] += n
			a.nums.add(weighted{f, n})
			a.numExt.offer(f, t)
			matched = true
		}
	}
	dated := false
	if len(sh.dates) > 0 {
		first := ""
		var sec float64
		for _, f := range sh.dates {
			if at, ok := parseLayout(t, f); ok {
				if first == "" {
					first, sec = f, at
				}
				a.dates.add(f, n)
			}
		}
		if first != "" {
			a.types[tDate] += n
			a.types[tTimestamp] += n
			a.addSeconds(sec, t, n)
			matched, dated = true, true
		}
	}
	if !dated && sh.stamp && a.addStamp(t, n) {
		matched = true
	}
	if !matched {
		a.invalid = keepSmallest(a.invalid, t, 5)
	}
}

// shape is what a value's mask alone says about it, worked out once per
// mask: its pattern keys, and which of the tests that need the value
// itself can match at all.
type shape struct {
	mask, patKey, compact string
	count                 int64 // valid values of this shape
	letters, digitsOnly   bool
	formatted             bool     // may be a number with separators or a currency sign
	semantic              bool     // may be of a semantic type
	boolean, numeric      bool     // may be a boolean word; has only number characters
	upper                 bool     // has an upper-case letter (an ASCII value: A to Z)
	at                    bool     // has an @ past the start
	nines                 int      // digits
	phoneish              bool     // only digits and phone punctuation, seven digits or more
	local                 bool     // 999-9999
	ipv4, postal, country bool     // of the mask of an IPv4 address, a postal code, a country code
	dates                 []string // date formats of this shape
	stamp                 bool     // may be a timestamp
	long                  bool     // the shape of values over 40 characters, by compact mask
	transient             bool     // worked out for one value; mask, patKey and compact unset
}

func newShape(mask string, runes int) *shape {
	sh := &shape{mask: mask, patKey: mask}
	if isASCII(mask) {
		sh.compact = string(appendCollapsed(make([]byte, 0, len(mask)), []byte(mask)))
	} else {
		sh.compact = collapse(mask)
	}
	if runes > 40 {
		sh.patKey = sh.compact
	}
	screen(sh, mask, runes)
	return sh
}

// The classes of the bytes of a mask, for screen.
const (
	classOther = iota
	classNine
	classLetter
	classUpper
	classDot
	classSign // - and +
	classNumOther
	classNonASCII
	classCommaDollar
	classAt
	classes
)

var maskClass = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case c == '9':
			t[c] = classNine
		case c == 'A':
			t[c] = classUpper
		case c == 'a':
			t[c] = classLetter
		case c == '.':
			t[c] = classDot
		case c == '-' || c == '+':
			t[c] = classSign
		case c == ' ' || c == '(' || c == ')' || c == '/':
			t[c] = classNumOther
		case c >= utf8.RuneSelf:
			t[c] = classNonASCII
		case c == ',' || c == '$':
			t[c] = classCommaDollar
		case c == '@':
			t[c] = classAt
		}
	}
	return t
}()

// postalMasks are the shapes of the postal codes semantic() knows.
var postalMasks = map[string]bool{"99999": true, "99999-9999": true, "A9A 9A9": true, "A9A9A9": true, "AA9 9AA": true,
	"AA99 9AA": true, "A9 9AA": true, "A99 9AA": true, "A9A 9AA": true, "AA9A 9AA": true, "9999": true}

// screen sets what a mask (of a value of runes characters) allows, in one
// pass over it and without allocating.
func screen[M string | []byte](sh *shape, mask M, runes int) {
	var n [classes]int
	for i := 0; i < len(mask); i++ {
		n[maskClass[mask[i]]]++
	}
	nines, letters, dots := n[classNine], n[classLetter]+n[classUpper], n[classDot]
	nonASCII := n[classNonASCII]
	other := n[classOther] + nonASCII + n[classCommaDollar] + n[classAt]
	numOther := n[classNumOther]
	commaOrDollar := n[classCommaDollar] > 0
	atInside := n[classAt] > 0 && mask[0] != '@' // the first @ is past the start
	phoneOther := letters + other                // what a phone-like mask may not hold: all but digits and " ()-.+/"
	numOther += other                            // what a number may not hold: all but digits, ".-+" and e or E
	digits := nines > 0
	sh.letters = letters > 0
	sh.upper = n[classUpper] > 0
	sh.at = atInside
	sh.nines = nines
	sh.phoneish = phoneOther == 0 && nines >= 7
	sh.local = len(mask) == 8 && string(mask) == "999-9999"
	sh.ipv4 = dots == 3 && nines+dots == len(mask)
	sh.postal = len(mask) >= 4 && len(mask) <= 10 && postalMasks[string(mask)]
	sh.country = len(mask) == 2 && mask[0] == 'A' && mask[1] == 'A'
	sh.digitsOnly = digits && nines == len(mask)
	sh.formatted = digits && (commaOrDollar || nonASCII > 0 && strings.ContainsAny(string(mask), "€£¥"))
	sh.boolean = runes <= 5 && letters == len(mask)
	sh.numeric = numOther == 0 && letters <= 1 // a number has one exponent letter at most
	if len(mask) <= 12 {
		sh.dates = layoutMasks[string(mask)]
	}
	sh.stamp = len(mask) >= 14 && mask[0] == '9' && (mask[2] == '/' || mask[4] == '-')
	sh.semantic = atInside || hasPrefix(mask, "aaaa://") || hasPrefix(mask, "aaaaa://") || hasPrefix(mask, "aaa.") ||
		len(mask) == 36 || sh.ipv4 || sh.phoneish || sh.country || runes <= 5 || sh.postal
}

func hasPrefix[M string | []byte](s M, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if s[i] != prefix[i] {
			return false
		}
	}
	return true
}

// newLongShape works out what the compact mask of a value over 40
// characters says. Runs are collapsed, so the screens are the loose ones
// that hold for any mask with the same characters in the same order:
// such a value is no date, timestamp, boolean, UUID, IPv4 address,
// postal or country code, but may be a number, an email, a URL or a
// phone-like string.
func newLongShape(compact string) *shape {
	sh := &shape{compact: compact, patKey: compact, long: true}
	digits := strings.ContainsAny(compact, "9")
	sh.letters = strings.ContainsAny(compact, "Aa")
	sh.upper = strings.IndexByte(compact, 'A') >= 0
	sh.digitsOnly = digits && strings.Trim(compact, "9") == ""
	sh.formatted = digits && strings.ContainsAny(compact, ",$€£¥")
	sh.numeric = strings.Trim(compact, "9.-+aA") == ""
	sh.semantic = strings.IndexByte(compact, '@') > 0 || strings.HasPrefix(compact, "a:/") || strings.HasPrefix(compact, "a.") ||
		digits && strings.Trim(compact, "9 ()-.+/") == ""
	return sh
}

// appendCollapsed appends an ASCII mask with runs collapsed.
func appendCollapsed(dst, mask []byte) []byte {
	if len(mask) == 0 {
		return dst
	}
	n := len(dst)
	dst = slices.Grow(dst, len(mask))[:n+len(mask)]
	j, prev := n, -1
	for _, c := range mask {
		dst[j] = c
		inc := 0
		if int(c) != prev {
			inc = 1
		}
		j += inc
		prev = int(c)
	}
	return dst[:j]
}

// addStamp counts a value that may be a timestamp.
func (a *acc) addStamp(t string, n int64) bool {
	f, sec, ok := stampOf(t)
	if !ok {
		return false
	}
	a.types[tTimestamp] += n
	a.stamps.add(f, n)
	a.addSeconds(sec, t, n)
	return true
}

func (a *acc) addSeconds(sec float64, raw string, n int64) {
	a.times.add(weighted{sec, n})
	a.timeExt.offer(sec, raw)
}

// variant notes a value's lower-cased spelling, to find values that
// differ only by case. A value that lower-casing leaves as it is (most
// values of most columns: emails, UUIDs, codes) is only remembered by a
// hash of itself and its count; finish looks those up among the
// lower-cased spellings of the values that do change.
func (a *acc) variant(t string, ascii, upper bool, n int64) {
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
func (a *acc) lowerSpellings() {
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

// spell counts a spelling of the value. The same trimmed value can come
// twice (" x" and "x "); that is one spelling, whose second arrival adds
// rows only (n only needs to tell one spelling from more).
func (v *variants) spell(t string, n int64) {
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

// offerTop keeps the top values by count (ties by value).
func (a *acc) offerTop(s string, n int64) {
	better := func(x, y Share) int {
		if c := cmp.Compare(y.Count, x.Count); c != 0 {
			return c
		}
		return strings.Compare(x.Value, y.Value)
	}
	cand := Share{Value: s, Count: n}
	if last := len(a.topValues) - 1; last+1 == a.top {
		if l := a.topValues[last]; n < l.Count || n == l.Count && !less(s, l.Value) {
			return
		}
	}
	cand.Value = strings.Clone(s)
	i, _ := slices.BinarySearchFunc(a.topValues, cand, better)
	a.topValues = slices.Insert(a.topValues, i, cand)
	if len(a.topValues) > a.top {
		a.topValues = a.topValues[:a.top]
	}
}

// less is s < t, quicker when the first bytes differ (as in most
// comparisons of a column's values with the smallest or largest yet).
func less(s, t string) bool {
	if len(s) > 0 && len(t) > 0 && s[0] != t[0] {
		return s[0] < t[0]
	}
	return s < t
}

func share(n, of int64) float64 {
	if of == 0 {
		return 0
	}
	return math.Round(float64(n)/float64(of)*1e6) / 1e6
}

func (a *acc) count(n int64) Count { return Count{Count: n, Share: share(n, a.rows)} }

// shares turns a map into shares of total, largest first, at most k
// (k = 0: all).
func shares(m map[string]int64, total int64, k int, examples map[string][]string) []Share {
	better := func(x, y Share) int {
		if c := cmp.Compare(y.Count, x.Count); c != 0 {
			return c
		}
		return strings.Compare(x.Value, y.Value)
	}
	var out []Share
	if k <= 0 || len(m) <= 4*k {
		out = make([]Share, 0, len(m))
		for v, n := range m {
			out = append(out, Share{Value: v, Count: n})
		}
		slices.SortFunc(out, better)
		if k > 0 && len(out) > k {
			out = out[:k]
		}
	} else {
		// The k best of many (a column's patterns): kept in order as
		// they come, most rejected by one comparison.
		out = make([]Share, 0, k+1)
		for v, n := range m {
			s := Share{Value: v, Count: n}
			if len(out) == k && better(s, out[k-1]) >= 0 {
				continue
			}
			i, _ := slices.BinarySearchFunc(out, s, better)
			out = slices.Insert(out, i, s)
			if len(out) > k {
				out = out[:k]
			}
		}
	}
	for i := range out {
		out[i].Share = share(out[i].Count, total)
		out[i].Examples = examples[out[i].Value]
	}
	return out
}

// finish computes the column's profile.
func (a *acc) finish() Column {
	for _, sh := range a.shapeOrder {
		bump(a.patterns, sh.patKey, sh.count)
		bump(a.compact, sh.compact, sh.count)
	}
	a.overflow.into(a.patterns)
	a.overflowCompact.into(a.compact)
	a.shapeOrder, a.shapes = nil, shapeTable{}
	c := Column{Name: a.name, LoadedType: a.loadedType, Rows: a.rows, Nulls: a.count(a.nulls), Empty: a.count(a.empty),
		Whitespace: a.count(a.ws), Sentinels: a.count(a.sent), Valid: a.count(a.valid),
		Distinct: a.distinct, DuplicateValues: a.dupValues, MinText: a.minText, MaxText: a.maxText,
		Conformity: []Share{}, Patterns: []Share{}, CompactPatterns: []Share{}, Top: []Share{}, Semantic: []Share{}, Findings: []Share{}}
	if nonNull := a.rows - a.nulls; nonNull > 0 {
		c.Uniqueness = share(a.distinct, nonNull)
	}
	for i, t := range typeOrder {
		c.Conformity = append(c.Conformity, Share{Value: t, Count: a.types[i], Share: share(a.types[i], a.valid)})
	}
	c.InferredType = TypeText
	for _, s := range c.Conformity {
		if a.valid > 0 && s.Share >= 0.95 {
			c.InferredType = s.Value
			break
		}
	}
	if c.InferredType == TypeDate || c.InferredType == TypeTimestamp || len(a.dates)+len(a.stamps) > 0 {
		all := map[string]int64{}
		for _, f := range a.dates {
			all[f.format] += f.n
		}
		for _, f := range a.stamps {
			all[f.format] += f.n
		}
		c.DateFormats = shares(all, a.valid, 0, nil)
		if c.InferredType == TypeDate || c.InferredType == TypeTimestamp {
			c.InvalidExamples = a.invalid
		}
		var used int
		for _, f := range c.DateFormats {
			if f.Share >= 0.01 {
				used++
			}
		}
		if used > 1 {
			var minority int64
			for _, f := range c.DateFormats[1:] {
				minority += f.Count
			}
			a.finding("mixed_date_formats", c.DateFormats[0].Value+" / "+c.DateFormats[1].Value, minority)
		}
	}
	if a.valid > 0 {
		c.Length = Length{Min: a.lenMin, Max: a.lenMax, Mean: math.Round(float64(a.lenSum)/float64(a.valid)*100) / 100,
			P50: lengthQuantile(a.lengths, a.valid, 0.5), P95: lengthQuantile(a.lengths, a.valid, 0.95)}
	}
	c.Length.Over = a.lengths.over(TargetLimits)
	for _, o := range c.Length.Over {
		if o.Limit == 255 {
			c.Length.Over255 = o.Count
		}
	}
	if c.InferredType == TypeInteger || c.InferredType == TypeDecimal {
		c.Numeric = numeric(a.nums.all(), a.numExt)
	} else if c.InferredType == TypeDate || c.InferredType == TypeTimestamp {
		c.Numeric = numeric(a.times.all(), a.timeExt)
	}
	c.Patterns = shares(a.patterns, a.valid, a.top, nil)
	c.CompactPatterns = shares(a.compact, a.valid, a.top, nil)
	for _, t := range a.topValues {
		c.Top = append(c.Top, Share{Value: t.Value, Count: t.Count, Share: share(t.Count, a.rows)})
	}
	sem := map[string]int64{}
	for i, n := range a.semantic {
		if n > 0 {
			sem[SemanticTypes[i]] = n
		}
	}
	c.Semantic = shares(sem, a.valid, 0, nil)
	if len(c.Semantic) > 0 && c.Semantic[0].Share >= 0.8 {
		c.SemanticType = c.Semantic[0].Value
	}
	a.lowerSpellings()
	for _, v := range a.lower {
		if v.n > 1 {
			a.finding("case_variants", v.first+" / "+v.second, v.rows)
		}
	}
	findings, examples := map[string]int64{}, map[string][]string{}
	for i, n := range a.findings {
		if n > 0 {
			findings[findingNames[i]], examples[findingNames[i]] = n, a.examples[i]
		}
	}
	c.Findings = shares(findings, a.valid, 0, examples)
	return c
}

func lengthQuantile(m lengthCounts, total int64, q float64) int {
	keys := make([]int, 0, len(m.long))
	for k := range m.long {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	target := int64(math.Ceil(q * float64(total)))
	var run int64
	for k, n := range m.short {
		run += n
		if run >= target && n > 0 {
			return k
		}
	}
	for _, k := range keys {
		run += m.long[k]
		if run >= target {
			return k
		}
	}
	return 0
}

// lengthCounts counts values by length: short lengths in an array,
// others in a map.
type lengthCounts struct {
	short [256]int64
	long  map[int]int64
}

// over counts the values longer than each limit.
func (c *lengthCounts) over(limits []int) []LimitCount {
	out := make([]LimitCount, len(limits))
	for i, lim := range limits {
		out[i].Limit = lim
		for l := lim + 1; l < len(c.short); l++ {
			out[i].Count += c.short[l]
		}
		for l, n := range c.long {
			if l > lim {
				out[i].Count += n
			}
		}
	}
	return out
}

func (c *lengthCounts) add(l int, n int64) {
	if l < len(c.short) {
		c.short[l] += n
		return
	}
	if c.long == nil {
		c.long = map[int]int64{}
	}
	c.long[l] += n
}

var quantiles = []struct {
	name string
	q    float64
}{{"p1", 0.01}, {"p5", 0.05}, {"p25", 0.25}, {"p50", 0.5}, {"p75", 0.75}, {"p95", 0.95}, {"p99", 0.99}}

// numeric computes statistics of weighted values: exact quantiles
// (nearest rank) and an equal-width histogram of at most 20 bins.
func numeric(ws []weighted, ext extreme) *Numeric {
	if len(ws) == 0 {
		return nil
	}
	sortWeighted(ws)
	var n int64
	var sum float64
	for _, w := range ws {
		n += w.n
		sum += w.v * float64(w.n)
	}
	mean := sum / float64(n)
	var sq float64
	for _, w := range ws {
		sq += (w.v - mean) * (w.v - mean) * float64(w.n)
	}
	num := &Numeric{Min: ws[0].v, Max: ws[len(ws)-1].v, Mean: round6(mean), Quantiles: map[string]float64{},
		MinValue: ext.loRaw, MaxValue: ext.hiRaw}
	if n > 1 {
		num.Stddev = round6(math.Sqrt(sq / float64(n-1)))
	}
	i, run := 0, int64(0)
	for _, q := range quantiles {
		target := int64(math.Ceil(q.q * float64(n)))
		for run+ws[i].n < target && i < len(ws)-1 {
			run += ws[i].n
			i++
		}
		num.Quantiles[q.name] = ws[i].v
	}
	bins := 20
	width := (num.Max - num.Min) / float64(bins)
	if width == 0 {
		num.Histogram = []Bin{{Low: num.Min, High: num.Max, Count: n}}
		return num
	}
	num.Histogram = make([]Bin, bins)
	for b := range num.Histogram {
		num.Histogram[b] = Bin{Low: round6(num.Min + float64(b)*width), High: round6(num.Min + float64(b+1)*width)}
	}
	for _, w := range ws {
		b := min(int((w.v-num.Min)/width), bins-1)
		num.Histogram[b].Count += w.n
	}
	return num
}

func round6(f float64) float64 { return math.Round(f*1e6) / 1e6 }

func layoutOf(strftime string) string {
	for _, f := range dateFormats {
		if f.strftime == strftime {
			return f.layout
		}
	}
	for _, f := range timestampFormats {
		if f.strftime == strftime {
			return f.layout
		}
	}
	return time.RFC3339
}

// sortWeighted sorts by value: a radix sort on the bits of the floats,
// which for the millions of distinct numbers of a large column is many
// times quicker than comparing. NaN does not occur (parseDecimal refuses
// it).
func sortWeighted(ws []weighted) {
	if len(ws) < 1<<12 {
		slices.SortFunc(ws, func(x, y weighted) int { return cmp.Compare(x.v, y.v) })
		return
	}
	key := func(f float64) uint64 {
		if f == 0 {
			f = 0 // -0 sorts with 0, as cmp.Compare has it
		}
		b := math.Float64bits(f)
		if b>>63 == 1 {
			return ^b
		}
		return b | 1<<63
	}
	tmp := make([]weighted, len(ws))
	src, dst := ws, tmp
	for shift := uint(0); shift < 64; shift += 8 {
		var counts [256]int
		for _, w := range src {
			counts[key(w.v)>>shift&0xff]++
		}
		if counts[key(src[0].v)>>shift&0xff] == len(src) {
			continue // every key has this byte: nothing to move
		}
		pos := 0
		for i, c := range counts {
			counts[i] = pos
			pos += c
		}
		for _, w := range src {
			b := key(w.v) >> shift & 0xff
			dst[counts[b]] = w
			counts[b]++
		}
		src, dst = dst, src
	}
	if &src[0] != &ws[0] {
		copy(ws, src)
	}
}
