package profile

import (
	"strings"
	"time"
)

// dateFormats are the date layouts plumb recognises, with the strftime
// spelling reports use.
var dateFormats = []struct{ strftime, layout string }{
	{"%Y-%m-%d", "2006-01-02"},
	{"%m/%d/%Y", "01/02/2006"},
	{"%d/%m/%Y", "02/01/2006"},
	{"%d.%m.%Y", "02.01.2006"},
	{"%Y/%m/%d", "2006/01/02"},
	{"%d-%b-%Y", "02-Jan-2006"},
	{"%b %d, %Y", "Jan 02, 2006"},
}

var timestampFormats = []struct{ strftime, layout string }{
	{"%Y-%m-%d %H:%M:%S", "2006-01-02 15:04:05"},
	{"%Y-%m-%dT%H:%M:%S", "2006-01-02T15:04:05"},
	{"%Y-%m-%d %H:%M:%S.%f", "2006-01-02 15:04:05.999999999"},
	{"%Y-%m-%dT%H:%M:%S%z", time.RFC3339Nano},
	{"%Y-%m-%d %H:%M", "2006-01-02 15:04"},
	{"%m/%d/%Y %H:%M:%S", "01/02/2006 15:04:05"},
	{"%m/%d/%Y %H:%M", "01/02/2006 15:04"},
}

// layoutMasks maps each date and timestamp layout to the mask its values
// have, so that only values of that shape are parsed.
var layoutMasks = func() map[string][]string {
	m := map[string][]string{}
	for _, f := range dateFormats {
		m[layoutMask(f.layout)] = append(m[layoutMask(f.layout)], f.strftime)
	}
	return m
}()

func layoutMask(layout string) string {
	r := strings.NewReplacer("2006", "9999", "01", "99", "02", "99", "Jan", "Aaa")
	return r.Replace(layout)
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
	if len(v) < 14 || v[0] < '0' || v[0] > '9' || (v[2] != '/' && v[4] != '-') {
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
// its Unix seconds; ISO dates take a quick path that agrees with
// time.Parse.
func parseLayout(v, strftime string) (float64, bool) {
	if strftime == "%Y-%m-%d" {
		if len(v) != 10 || v[4] != '-' || v[7] != '-' {
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
