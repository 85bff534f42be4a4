package dedupe

import (
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/xrash/smetrics"
)

// Level is how a field compares between two records.
type Level uint8

// Comparison levels of a field between two records. LevelNull (either
// side empty) carries no evidence either way. A comparator's levels, most
// similar first, are exact, then swapped (only for a field with
// swap_with), close, loose (only Jaro-Winkler), far.
const (
	LevelNull Level = iota
	LevelExact
	LevelClose
	LevelFar
	// LevelLoose is a second, weaker close: Jaro-Winkler 0.88 to 0.92.
	LevelLoose
	// LevelSwapped is a field that equals the other record's swap_with
	// field, and that field this one: first and last name swapped.
	LevelSwapped
	numLevels
)

var levelNames = [numLevels]string{"null", "exact", "close", "far", "loose", "swapped"}

// String names the level in reports: null, exact, swapped, close, loose
// or far.
func (l Level) String() string { return levelNames[l] }

// comparator is what a Comparator does: the one place that says which
// levels it can produce and how it sorts a pair into them. Training, the
// result and so the reports take a field's levels from here.
type comparator struct {
	// levels are the levels compare may return, most similar first;
	// LevelNull, for a pair with an empty side, is possible for all.
	levels []Level
	// compare returns the similarity in [0, 1] of two different,
	// non-empty normalized values and its level.
	compare func(a, b string) (float64, Level)
}

var (
	exactCloseFar      = []Level{LevelExact, LevelClose, LevelFar}
	exactCloseLooseFar = []Level{LevelExact, LevelClose, LevelLoose, LevelFar}
	exactFar           = []Level{LevelExact, LevelFar}
)

// comparators holds every Comparator's comparator.
var comparators = map[Comparator]comparator{
	CompareExact: {exactFar, func(a, b string) (float64, Level) { return 0, LevelFar }},
	// Jaro-Winkler has two close levels, as splink's name comparisons
	// do: 0.92 and over is close, 0.88 to 0.92 loose.
	CompareJaroWinkler: {exactCloseLooseFar, func(a, b string) (float64, Level) {
		s := smetrics.JaroWinkler(a, b, 0.7, 4)
		switch {
		case s >= 0.92:
			return s, LevelClose
		case s >= 0.88:
			return s, LevelLoose
		}
		return s, LevelFar
	}},
	CompareJaro: {exactCloseFar, func(a, b string) (float64, Level) {
		s := smetrics.Jaro(a, b)
		return s, level(s >= 0.88)
	}},
	CompareLevenshtein: {exactCloseFar, func(a, b string) (float64, Level) {
		d := smetrics.WagnerFischer(a, b, 1, 1, 1)
		n := max(utf8.RuneCountInString(a), utf8.RuneCountInString(b))
		return 1 - float64(d)/float64(n), level(d <= 2 && d < n)
	}},
	CompareSoundex: {exactCloseFar, func(a, b string) (float64, Level) {
		if smetrics.Soundex(a) == smetrics.Soundex(b) {
			return 0.9, LevelClose
		}
		return 0, LevelFar
	}},
	CompareNumeric: {exactCloseFar, compareNumbers},
	CompareDate:    {exactCloseFar, compareDates},
}

// levelsOf is the levels a comparator can produce besides null, most
// similar first.
func levelsOf(c Comparator) []Level { return comparators[c].levels }

// fieldLevels is the levels a field can produce besides null, most
// similar first: its comparator's, and swapped after exact when it has a
// swap_with.
func fieldLevels(f Field) []Level {
	ls := levelsOf(f.Compare)
	if f.SwapWith == "" {
		return ls
	}
	return append([]Level{ls[0], LevelSwapped}, ls[1:]...)
}

// compareSwap is compare for a field with a swap_with partner: x and y
// are the field's values, xs and ys the partner's. A pair whose values
// are not equal but cross (x = ys and xs = y) is swapped.
func compareSwap(kind Comparator, x, y, xs, ys string) (float64, Level) {
	sim, l := compare(kind, x, y)
	if l != LevelExact && l != LevelNull && x == ys && xs == y {
		return sim, LevelSwapped
	}
	return sim, l
}

// compare returns the similarity of two normalized values in [0, 1] and
// its level for the given comparison.
func compare(kind Comparator, a, b string) (float64, Level) {
	if a == "" || b == "" {
		return 0, LevelNull
	}
	if a == b {
		return 1, LevelExact
	}
	if c, ok := comparators[kind]; ok {
		return c.compare(a, b)
	}
	return 0, LevelFar
}

func compareNumbers(a, b string) (float64, Level) {
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	if errA != nil || errB != nil {
		return 0, LevelFar
	}
	if x == y {
		return 1, LevelExact
	}
	rel := math.Abs(x-y) / math.Max(math.Abs(x), math.Abs(y))
	return math.Max(0, 1-rel), level(rel <= 0.01)
}

// compareDates finds a typo'd digit, or day and month swapped, close.
func compareDates(a, b string) (float64, Level) {
	d := smetrics.WagnerFischer(a, b, 1, 1, 1)
	return 1 - float64(d)/float64(max(len(a), len(b))), level(d <= 1 || daySwapped(a, b))
}

func level(close bool) Level {
	if close {
		return LevelClose
	}
	return LevelFar
}

// pattern packs the levels of up to maxFields fields, levelBits each.
type pattern uint64

const (
	levelBits = 3
	levelMask = 1<<levelBits - 1
	// maxFields is the most fields a pattern holds.
	maxFields = 64 / levelBits
)

func (p pattern) level(f int) Level { return Level(p>>(levelBits*f)) & levelMask }

func (p pattern) with(f int, l Level) pattern { return p | pattern(l)<<(levelBits*f) }

// without is p with field f's level set to null.
func (p pattern) without(f int) pattern { return p &^ (levelMask << (levelBits * f)) }

// soundexCode is the SQL function soundex(s) blocking rules may use (DuckDB
// has none): the American Soundex code of s, NULL for an empty s.
func soundexCode(s string) (string, bool) {
	if s == "" {
		return "", false
	}
	return smetrics.Soundex(s), true
}
