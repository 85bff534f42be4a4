package dedupe

import (
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/xrash/smetrics"
)

// Level is how a field compares between two records.
type Level uint8

// Comparison levels of a field between two records, most similar first.
// LevelNull (either side empty) carries no evidence either way.
const (
	LevelNull Level = iota
	LevelExact
	LevelClose
	LevelFar
	numLevels
)

var levelNames = [numLevels]string{"null", "exact", "close", "far"}

// String names the level in reports: null, exact, close or far.
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
	exactCloseFar = []Level{LevelExact, LevelClose, LevelFar}
	exactFar      = []Level{LevelExact, LevelFar}
)

// comparators holds every Comparator's comparator.
var comparators = map[Comparator]comparator{
	CompareExact: {exactFar, func(a, b string) (float64, Level) { return 0, LevelFar }},
	CompareJaroWinkler: {exactCloseFar, func(a, b string) (float64, Level) {
		s := smetrics.JaroWinkler(a, b, 0.7, 4)
		return s, level(s >= 0.9)
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

// pattern packs the levels of up to 32 fields, two bits each.
type pattern uint64

func (p pattern) level(f int) Level { return Level(p>>(2*f)) & 3 }

func (p pattern) with(f int, l Level) pattern { return p | pattern(l)<<(2*f) }

// soundexCode is the SQL function soundex(s) blocking rules may use (DuckDB
// has none): the American Soundex code of s, NULL for an empty s.
func soundexCode(s string) (string, bool) {
	if s == "" {
		return "", false
	}
	return smetrics.Soundex(s), true
}
