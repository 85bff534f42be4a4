package profile

import (
	"math"
	"strings"
	"unicode/utf8"
)

// maxTracked bounds the distinct patterns and case variants a column
// keeps in memory; past it, new ones are counted as "(other)".
const maxTracked = 100_000

// accumulator accumulates one column's profile from its distinct values
// and their counts.
type accumulator struct {
	name, loadedType string
	top              int
	sentinels        sentinelSet
	rows, nulls      int64
	empty, ws, sent  int64
	valid, distinct  int64
	validDistinct    int64 // distinct valid values
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
	dayMonth         dayMonth                 // dates that read as %m/%d/%Y and as %d/%m/%Y
	ymd              ymdDates                 // eight digits that read as %Y%m%d
	semantic         [numSemantic]int64       // by the place of the type in SemanticTypes
	semExamples      semanticExamples         // the smallest values of each set of semantic types
	boolSeen         uint8                    // the kinds of boolean-like values seen (boolKind)
	findings         [len(findingNames)]int64 // by the place of the finding in findingNames
	examples         [len(findingNames)][]string
	lower            map[string]*variants // lower-cased value -> its spellings
	lowerShift       uint                 // lower keeps the values whose hash has this many top bits clear (sampleLower)
	lowerHeld        int64                // bytes of lower and lowerOnly taken from mem
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
	nums, times      values  // parsed numbers, and Unix seconds, with counts
	mem              *memory // this accumulator's account with the profile's budget
	numExt, timeExt  extreme
	invalid          []string
}

func newAccumulator(name, loadedType string, top int, sentinels sentinelSet) *accumulator {
	a := &accumulator{name: name, loadedType: loadedType, top: top, sentinels: sentinels, lenMin: math.MaxInt,
		patterns: map[string]int64{}, compact: map[string]int64{},
		lower: map[string]*variants{}, shapes: newShapeTable(),
		overflow: newCounts(), overflowCompact: newCounts()}
	a.maxShapes = maxTracked
	a.mem = &memory{}
	for _, v := range []*values{&a.nums, &a.times, &a.dayMonth.md, &a.dayMonth.dm, &a.ymd.times} {
		v.mem = a.mem
	}
	return a
}

// findingNames are the findings, by their place in accumulator.findings.
var findingNames = [...]string{"non_ascii", "control_characters", "thousands_separator_or_currency", "leading_zeros",
	"leading_or_trailing_whitespace", "mixed_date_formats", "ambiguous_day_month", "case_variants",
	"all_missing", "constant", "high_cardinality", "skewed"}

func (a *accumulator) finding(name, example string, n int64) {
	i := 0
	for findingNames[i] != name {
		i++
	}
	a.findings[i] += n
	if example != "" {
		a.examples[i] = keepSmallest(a.examples[i], example, 3)
	}
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

// add takes one distinct value (nil for NULL) and how often it occurs.
func (a *accumulator) add(v *string, n int64) {
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
	a.validDistinct++
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
	var bits uint16
	if sh.semantic {
		ssh := sh
		if sh.long {
			// Kept by its compact mask: the screens need the whole one.
			ssh = &a.longScratch
			*ssh = shape{}
			screen(ssh, buf, l)
		}
		bits = semanticOf(t, ssh)
	}
	a.addSemantic(t, bits, n)
	a.countTypes(t, sh, n)
}

// addValid takes a valid value the quick path does not: one with
// surrounding whitespace, or of a shape past the ones remembered.
func (a *accumulator) addValid(s, t string, n int64) {
	l := utf8.RuneCountInString(s)
	a.lenMin, a.lenMax = min(a.lenMin, l), max(a.lenMax, l)
	a.lenSum += int64(l) * n
	a.lengths.add(l, n)
	mask := Mask(s)
	compact := collapse(mask)
	if l > 40 {
		addBounded(a.patterns, compact, n)
	} else {
		addBounded(a.patterns, mask, n)
	}
	addBounded(a.compact, compact, n)
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
	a.addSemantic(t, semanticBits(t, tmask), n)
	a.countTypes(t, newShape(tmask, utf8.RuneCountInString(t)), n)
}

// newShape works out a shape: of the full mask, or for a value over 40
// characters of its compact mask.
func (a *accumulator) newShape(key string, runes int) *shape {
	if runes <= 40 {
		return newShape(key, runes)
	}
	return newLongShape(key)
}

// transient screens a value past the shapes remembered and counts its
// patterns; mask is the value's mask, key its memo key (the compact mask
// for long values).
func (a *accumulator) transient(mask, key []byte, ascii bool, runes int, n int64) *shape {
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
func (a *accumulator) overflowPattern(key []byte, n int64) {
	if a.maxShapes >= maxTracked {
		a.overflow.other += n
		return
	}
	a.overflow.addBytes(key, n)
}

// addSemantic counts the semantic types a valid value (trimmed) is of,
// bits as semanticBits has them, and keeps the smallest values of each
// set of types, the examples of the values that are not of a column's
// type.
func (a *accumulator) addSemantic(t string, bits uint16, n int64) {
	if bits&(1<<semBoolean) != 0 {
		a.boolSeen |= boolKind(t)
	}
	for b, i := bits, 0; b != 0; b, i = b>>1, i+1 {
		if b&1 != 0 {
			a.semantic[i] += n
		}
	}
	a.semExamples.add(bits, t)
}

// countTypes counts the types a valid value (trimmed) parses as, the tests
// screened by its shape; a value of none is kept as an invalid example.
func (a *accumulator) countTypes(t string, sh *shape, n int64) {
	matched, number := false, false
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
			matched, number = true, true
		}
	}
	if sh.ymd {
		if sec, ok := parseYMD(t); ok {
			a.ymd.add(t, sec, n)
		} else {
			a.ymd.miss = keepSmallest(a.ymd.miss, t, 5)
		}
	} else if number {
		a.ymd.miss = keepSmallest(a.ymd.miss, t, 5)
	}
	dated := false
	if len(sh.dates) > 0 {
		// At most two formats read one mask: month first and day first.
		var found int
		var format string
		var secs [2]float64
		for _, f := range sh.dates {
			if at, ok := parseLayout(t, f); ok {
				if found == 0 {
					format = f
				}
				secs[found] = at
				found++
			}
		}
		switch found {
		case 1:
			a.dates.add(format, n)
			a.addSeconds(secs[0], t, n)
		case 2:
			a.dayMonth.add(t, secs[0], secs[1], n)
		}
		if found > 0 {
			a.types[tDate] += n
			a.types[tTimestamp] += n
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

// addStamp counts a value that may be a timestamp.
func (a *accumulator) addStamp(t string, n int64) bool {
	f, sec, ok := stampOf(t)
	if !ok {
		return false
	}
	a.types[tTimestamp] += n
	a.stamps.add(f, n)
	a.addSeconds(sec, t, n)
	return true
}

func (a *accumulator) addSeconds(sec float64, raw string, n int64) {
	a.times.add(weighted{sec, n})
	a.timeExt.offer(sec, raw)
}
