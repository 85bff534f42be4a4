package dedupe

import "strings"

// writtenDate is a date as written: its year and its other two parts in
// the order they were written (month then day in ISO and %Y%m%d; either
// way round in 03/04/1990 or 03.04.1990).
type writtenDate struct {
	year        int
	yearFirst   bool
	first, then int
}

// parseWrittenDate reads a date in any of the layouts people write:
// ISO 1990-03-04, %Y%m%d 19900304, %m/%d/%Y and %d/%m/%Y (padded or not,
// 3/4/1990), %d.%m.%Y 04.03.1990, and the same with -, / or . between
// the parts, the year first or last. Day and month must be 1 to 31.
func parseWrittenDate(s string) (writtenDate, bool) {
	if len(s) == 8 && digits(s) {
		d := writtenDate{year: atoi(s[:4]), yearFirst: true, first: atoi(s[4:6]), then: atoi(s[6:])}
		return d, d.valid()
	}
	sep := strings.IndexAny(s, "-/.")
	if sep < 0 {
		return writtenDate{}, false
	}
	parts := strings.Split(s, s[sep:sep+1])
	if len(parts) != 3 {
		return writtenDate{}, false
	}
	for _, p := range parts {
		if p == "" || len(p) > 4 || !digits(p) {
			return writtenDate{}, false
		}
	}
	var d writtenDate
	switch {
	case len(parts[0]) == 4 && len(parts[1]) <= 2 && len(parts[2]) <= 2:
		d = writtenDate{year: atoi(parts[0]), yearFirst: true, first: atoi(parts[1]), then: atoi(parts[2])}
	case len(parts[2]) == 4 && len(parts[0]) <= 2 && len(parts[1]) <= 2:
		d = writtenDate{year: atoi(parts[2]), first: atoi(parts[0]), then: atoi(parts[1])}
	default:
		return writtenDate{}, false
	}
	return d, d.valid()
}

func (d writtenDate) valid() bool {
	return d.first >= 1 && d.first <= 31 && d.then >= 1 && d.then <= 31 && min(d.first, d.then) <= 12
}

// daySwapped says whether two dates written the same way round (year
// first or year last) differ only by day and month swapped: 1990-03-04
// and 1990-04-03, 03/04/1990 and 4/3/1990, 19900304 and 19900403.
func daySwapped(a, b string) bool {
	x, okA := parseWrittenDate(a)
	y, okB := parseWrittenDate(b)
	return okA && okB && x.yearFirst == y.yearFirst && x.year == y.year &&
		x.first != x.then && x.first == y.then && x.then == y.first
}

func digits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// atoi reads up to 4 ASCII digits.
func atoi(s string) int {
	n := 0
	for i := range len(s) {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
