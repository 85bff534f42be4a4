package rules

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Bound is a limit: a number, or a date or timestamp written as text.
type Bound struct {
	Number float64
	Text   string // set for dates and timestamps
	// exact is the number as the rules file wrote it, to the last digit
	// (9223372036854775807 is no float64); nil means Number.
	exact *big.Rat
}

// numberRE is how a rules file writes a number: decimal digits, an
// optional fraction and exponent.
var numberRE = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// parseNumber reads a numeric bound exactly; false when s is no finite
// number.
func parseNumber(s string) (*Bound, bool) {
	if !numberRE.MatchString(s) {
		return nil, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil { // out of float64's range
		return nil, false
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, false
	}
	return &Bound{Number: f, exact: r}, true
}

// rat is the bound's number, exactly.
func (b *Bound) rat() *big.Rat {
	if b.exact != nil {
		return b.exact
	}
	return new(big.Rat).SetFloat64(b.Number)
}

// isWhole reports whether a numeric bound is a whole number, not below 0.
func (b *Bound) isWhole() bool { r := b.rat(); return r.IsInt() && r.Sign() >= 0 }

// String writes the bound as the rules file would, numbers in full
// (1e6 as 1000000, 9223372036854775807 to the last digit); a number of
// more than 40 digits in exponent form.
func (b Bound) String() string {
	if b.Text != "" {
		return b.Text
	}
	if b.exact != nil {
		if s, ok := decimalText(b.exact); ok {
			return s
		}
	}
	if a := math.Abs(b.Number); a == 0 || (a >= 1e-6 && a < 1e21) {
		return strconv.FormatFloat(b.Number, 'f', -1, 64)
	}
	return strconv.FormatFloat(b.Number, 'g', -1, 64)
}

// decimalText writes r in decimal digits, when that takes at most 40.
func decimalText(r *big.Rat) (string, bool) {
	scaled := new(big.Rat).Set(r)
	ten := big.NewRat(10, 1)
	for k := 0; k <= 40; k++ {
		if scaled.IsInt() {
			s := r.FloatString(k)
			digits := len(strings.TrimPrefix(s, "-")) - strings.Count(s, ".")
			return s, digits <= 40
		}
		scaled.Mul(scaled, ten)
	}
	return "", false
}

// literal writes a numeric bound as a SQL literal: DuckDB reads digits
// as an integer (HUGEINT when they need it), a fraction as a DECIMAL and
// an exponent as a DOUBLE, and compares each with a column in a type
// that holds both.
func (b *Bound) literal() string { return b.String() }

// MarshalText writes the bound as the rules file would.
func (b Bound) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// ParseDuration reads an age like 36h, 2d, 1d12h, 90m or 1w: Go's
// durations with days (24h) and weeks added.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("empty duration")
	}
	m := durationRE.FindAllStringSubmatch(s, -1)
	if m == nil || strings.Join(wholeMatches(m), "") != s {
		return 0, fmt.Errorf("%q: want a duration like 36h, 2d, 1d12h or 90m", s)
	}
	var d time.Duration
	for _, p := range m {
		f, _ := strconv.ParseFloat(p[1], 64)
		unit := map[string]time.Duration{"w": 7 * 24 * time.Hour, "d": 24 * time.Hour, "h": time.Hour,
			"m": time.Minute, "s": time.Second}[p[2]]
		d += time.Duration(f * float64(unit))
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q: want a positive duration", s)
	}
	return d, nil
}

var durationRE = regexp.MustCompile(`(\d+(?:\.\d+)?)([wdhms])`)

func wholeMatches(m [][]string) []string {
	out := make([]string, len(m))
	for i, p := range m {
		out[i] = p[0]
	}
	return out
}
