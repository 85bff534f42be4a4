package profile

import (
	"strings"
	"time"
)

// dateFormats are the date layouts plumb recognises, with the strftime
// spelling reports use. Day and month may be written with one digit or
// two ("1/28/1997", "01/28/1997"), as DuckDB's strptime reads them; the
// Go layout reads both.
var dateFormats = []struct{ strftime, layout string }{
	{"%Y-%m-%d", "2006-1-2"},
	{"%m/%d/%Y", "1/2/2006"},
	{"%d/%m/%Y", "2/1/2006"},
	{"%d.%m.%Y", "2.1.2006"},
	{"%Y/%m/%d", "2006/1/2"},
	{"%d-%b-%Y", "2-Jan-2006"},
	{"%b %d, %Y", "Jan 2, 2006"},
}

// ymdFormat is the date format written as eight digits, "19970128": a
// column of such values reads as integers too, and is taken as dates
// only when nearly all its values are valid dates (see finish).
const ymdFormat = "%Y%m%d"

var timestampFormats = []struct{ strftime, layout string }{
	{"%Y-%m-%d %H:%M:%S", "2006-01-02 15:04:05"},
	{"%Y-%m-%dT%H:%M:%S", "2006-01-02T15:04:05"},
	{"%Y-%m-%d %H:%M:%S.%f", "2006-01-02 15:04:05.999999999"},
	{"%Y-%m-%dT%H:%M:%S%z", time.RFC3339Nano},
	{"%Y-%m-%d %H:%M", "2006-01-02 15:04"},
	{"%m/%d/%Y %H:%M:%S", "1/2/2006 15:04:05"},
	{"%m/%d/%Y %H:%M", "1/2/2006 15:04"},
}

// layoutMasks maps the masks of date values to the formats that may
// read them, so that only values of such a shape are parsed: each layout
// has a mask for every way of writing its day and month (one digit or
// two).
var layoutMasks = func() map[string][]string {
	m := map[string][]string{}
	for _, f := range dateFormats {
		for _, mask := range layoutMaskVariants(f.layout) {
			m[mask] = append(m[mask], f.strftime)
		}
	}
	return m
}()

// layoutMaskVariants returns the masks of the values a Go layout reads:
// 2006 is four digits, Jan three letters, 1 and 2 (month and day) one
// digit or two.
func layoutMaskVariants(layout string) []string {
	out := []string{""}
	for i := 0; i < len(layout); {
		var alts []string
		switch {
		case strings.HasPrefix(layout[i:], "2006"):
			alts, i = []string{"9999"}, i+4
		case strings.HasPrefix(layout[i:], "Jan"):
			alts, i = []string{"Aaa"}, i+3
		case layout[i] == '1' || layout[i] == '2':
			alts, i = []string{"9", "99"}, i+1
		default:
			alts, i = []string{layout[i : i+1]}, i+1
		}
		var next []string
		for _, o := range out {
			for _, a := range alts {
				next = append(next, o+a)
			}
		}
		out = next
	}
	return out
}

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

func timestampFormat(v string) string {
	if len(v) < 13 || v[0] < '0' || v[0] > '9' || (v[1] != '/' && v[2] != '/' && v[4] != '-') {
		return ""
	}
	for _, f := range timestampFormats {
		if _, err := time.Parse(f.layout, v); err == nil {
			return f.strftime
		}
	}
	return ""
}

// parseLayout parses v in a date format (strftime spelling) and returns
// its Unix seconds; padded ISO dates take a quick path that agrees with
// time.Parse.
func parseLayout(v, strftime string) (float64, bool) {
	if strftime == "%Y-%m-%d" && len(v) == 10 {
		if v[4] != '-' || v[7] != '-' {
			return 0, false
		}
		y, ok1 := parseDigits(v[0:4])
		m, ok2 := parseDigits(v[5:7])
		d, ok3 := parseDigits(v[8:10])
		if !ok1 || !ok2 || !ok3 || !validDate(y, m, d) {
			return 0, false
		}
		return float64(time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Unix()), true
	}
	t, err := time.Parse(layoutOf(strftime), v)
	if err != nil {
		return 0, false
	}
	return float64(t.Unix()), true
}

// stampOf returns the timestamp format v is written in and its Unix
// seconds, as timestampFormat and time.Parse would; "YYYY-MM-DD
// HH:MM:SS" takes a quick path.
func stampOf(v string) (string, float64, bool) {
	if len(v) == 19 && v[4] == '-' && v[7] == '-' && v[10] == ' ' && v[13] == ':' && v[16] == ':' {
		y, ok1 := parseDigits(v[0:4])
		mo, ok2 := parseDigits(v[5:7])
		d, ok3 := parseDigits(v[8:10])
		h, ok4 := parseDigits(v[11:13])
		mi, ok5 := parseDigits(v[14:16])
		s, ok6 := parseDigits(v[17:19])
		if ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && validDate(y, mo, d) && h < 24 && mi < 60 && s < 60 {
			return "%Y-%m-%d %H:%M:%S", float64(time.Date(y, time.Month(mo), d, h, mi, s, 0, time.UTC).Unix()), true
		}
	}
	f := timestampFormat(v)
	if f == "" {
		return "", 0, false
	}
	t, err := time.Parse(layoutOf(f), v)
	if err != nil {
		return "", 0, false
	}
	return f, float64(t.Unix()), true
}

// parseYMD parses eight digits as a date written %Y%m%d and returns its
// Unix seconds; the year must not start with 0.
func parseYMD(v string) (float64, bool) {
	if len(v) != 8 || v[0] == '0' {
		return 0, false
	}
	y, ok1 := parseDigits(v[0:4])
	m, ok2 := parseDigits(v[4:6])
	d, ok3 := parseDigits(v[6:8])
	if !ok1 || !ok2 || !ok3 || !validDate(y, m, d) {
		return 0, false
	}
	return float64(time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Unix()), true
}

// parseDigits reads a number written in ASCII digits.
func parseDigits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func validDate(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// dayMonth holds the dates that read both as %m/%d/%Y and as %d/%m/%Y
// ("03/04/1990", no part above 12): which they are is settled per
// column, by the dates that read one way only (see resolveDayMonth).
type dayMonth struct {
	n            int64
	md, dm       values // Unix seconds read month first, and day first
	mdExt, dmExt extreme
	examples     []string
}

func (d *dayMonth) add(t string, md, dm float64, n int64) {
	d.n += n
	d.md.add(weighted{md, n})
	d.dm.add(weighted{dm, n})
	d.mdExt.offer(md, t)
	d.dmExt.offer(dm, t)
	d.examples = keepSmallest(d.examples, t, 3)
}

func (d *dayMonth) merge(o *dayMonth) {
	d.n += o.n
	d.md.merge(&o.md)
	d.dm.merge(&o.dm)
	d.mdExt.merge(o.mdExt)
	d.dmExt.merge(o.dmExt)
	for _, e := range o.examples {
		d.examples = keepSmallest(d.examples, e, 3)
	}
}

// ymdDates holds the values that read as dates written %Y%m%d, and the
// smallest integers that do not (the invalid examples, should the column
// be one of such dates).
type ymdDates struct {
	n     int64
	times values
	ext   extreme
	miss  []string
}

func (y *ymdDates) add(t string, sec float64, n int64) {
	y.n += n
	y.times.add(weighted{sec, n})
	y.ext.offer(sec, t)
}

func (y *ymdDates) merge(o *ymdDates) {
	y.n += o.n
	y.times.merge(&o.times)
	y.ext.merge(o.ext)
	for _, e := range o.miss {
		y.miss = keepSmallest(y.miss, e, 5)
	}
}

// resolveDayMonth counts the dates that read both ways in the order the
// column's other dates settle: day first when some dates read only day
// first and more of them than read only month first, else month first.
// When no date, or dates of both orders, settle it, the ambiguity is a
// finding.
func (a *accumulator) resolveDayMonth() {
	d := &a.dayMonth
	if d.n == 0 {
		return
	}
	var md, dm int64
	for _, f := range a.dates {
		switch f.format {
		case "%m/%d/%Y":
			md = f.n
		case "%d/%m/%Y":
			dm = f.n
		}
	}
	format, times, ext := "%m/%d/%Y", &d.md, d.mdExt
	if dm > md {
		format, times, ext = "%d/%m/%Y", &d.dm, d.dmExt
	}
	a.dates.add(format, d.n)
	a.times.merge(times)
	a.timeExt.merge(ext)
	if (md == 0) == (dm == 0) {
		for i, e := range d.examples {
			n := int64(0)
			if i == 0 {
				n = d.n
			}
			a.finding("ambiguous_day_month", e, n)
		}
	}
}
