package rules

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Bound is a limit: a number, or a date or timestamp written as text.
type Bound struct {
	Number float64
	Text   string // set for dates and timestamps
}

// String writes the bound as the rules file would.
func (b Bound) String() string {
	if b.Text != "" {
		return b.Text
	}
	return strconv.FormatFloat(b.Number, 'f', -1, 64)
}

// literal writes a numeric bound as a SQL literal.
func (b *Bound) literal() string { return strconv.FormatFloat(b.Number, 'f', -1, 64) }

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
