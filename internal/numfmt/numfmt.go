// Package numfmt writes numbers for people.
package numfmt

import (
	"strconv"
	"strings"
)

// Int writes n with thousands separators: 1234567 is "1,234,567".
func Int(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Count writes n and a noun in the right number, with thousands
// separators: Count(1, "row") is "1 row", Count(5955, "row") "5,955
// rows". The plural adds an s.
func Count(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return Int(n) + " " + noun + "s"
}
