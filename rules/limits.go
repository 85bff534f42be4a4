package rules

import (
	"errors"
	"fmt"
	"math"
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

// MarshalText writes the bound as the rules file would.
func (b Bound) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// Threshold is a tolerated number of failures: a count, or a share of the
// rows a check applies to.
type Threshold struct {
	Count int64
	Share float64 // 0 to 1; used when IsShare
	// IsShare: the threshold is Share, not Count.
	IsShare bool
}

// String writes the threshold as the rules file would: 10 or 5%.
func (t Threshold) String() string {
	if t.IsShare {
		return strconv.FormatFloat(math.Round(t.Share*100*1e6)/1e6, 'f', -1, 64) + "%"
	}
	return strconv.FormatInt(t.Count, 10)
}

// MarshalText writes the threshold as the rules file would.
func (t Threshold) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText reads a threshold as the rules file gives it: 10 or 5%.
func (t *Threshold) UnmarshalText(text []byte) error {
	th, err := ParseThreshold(string(text))
	if err != nil {
		return err
	}
	*t = th
	return nil
}

// Allows reports whether failed of rows failing is within the threshold.
func (t Threshold) Allows(failed, rows int64) bool {
	if !t.IsShare {
		return failed <= t.Count
	}
	if rows == 0 {
		return true
	}
	// A little slack for shares written with a few decimals.
	return float64(failed)/float64(rows) <= t.Share+1e-12
}

// ParseThreshold reads a count like "10" or a share like "5%".
func ParseThreshold(s string) (Threshold, error) {
	s = strings.TrimSpace(s)
	if p, ok := strings.CutSuffix(s, "%"); ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || f < 0 || f > 100 || math.IsNaN(f) {
			return Threshold{}, fmt.Errorf("%q: want a share between 0%% and 100%%", s)
		}
		return Threshold{Share: f / 100, IsShare: true}, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return Threshold{}, fmt.Errorf("%q: want a count like 10 or a share like 5%%", s)
	}
	return Threshold{Count: n}, nil
}

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
