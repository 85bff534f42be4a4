package profile

import (
	"strconv"
	"strings"
)

// typeOrder are the types conformity is reported for, in order.
var typeOrder = []string{TypeBoolean, TypeInteger, TypeDecimal, TypeDate, TypeTimestamp}

// The types, by their place in typeOrder.
const (
	tBoolean = iota
	tInteger
	tDecimal
	tDate
	tTimestamp
	numTypes
)

var boolWords = map[string]bool{"true": true, "false": true, "t": true, "f": true, "yes": true, "no": true, "y": true, "n": true}

func isBoolean(v string) bool {
	if len(v) > 5 {
		return false
	}
	var b [5]byte
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return boolWords[string(b[:len(v)])]
}

// isInteger accepts an optional sign and digits; leading zeros (as in zip
// codes and account numbers) do not make an integer.
func isInteger(v string) bool {
	d := strings.TrimLeft(v, "+-")
	if len(v)-len(d) > 1 || d == "" || len(d) > 19 {
		return false
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
	}
	return len(d) == 1 || d[0] != '0'
}

func isDecimal(v string) bool {
	_, ok := parseDecimal(v)
	return ok
}

// parseNumber parses a number as the profile counts it: whether it is a
// decimal (parseDecimal), its value, and whether it is also an integer
// (isInteger). Plain numbers of up to 15 digits, most numbers of most
// columns, are read without strconv: an integer below 2^53 divided by an
// exact power of ten is the correctly rounded value, as ParseFloat gives.
func parseNumber(v string) (f float64, integer, ok bool) {
	d, neg := v, false
	if len(d) > 0 && (d[0] == '+' || d[0] == '-') {
		d, neg = d[1:], d[0] == '-'
	}
	var u uint64
	i, digits, frac := 0, 0, -1
	for ; i < len(d); i++ {
		c := d[i]
		switch {
		case c >= '0' && c <= '9':
			u = u*10 + uint64(c-'0')
			digits++
			if frac >= 0 {
				frac++
			}
			continue
		case c == '.' && frac < 0:
			frac = 0
			continue
		}
		break
	}
	intDigits := digits
	if frac > 0 {
		intDigits -= frac
	}
	if i == len(d) && digits > 0 && digits <= 15 && !(intDigits > 1 && d[0] == '0') {
		f = float64(u)
		if frac > 0 {
			f /= pow10[frac]
		}
		if neg {
			f = -f
		}
		return f, frac < 0, true
	}
	for i := 0; i < len(v); i++ {
		if !numberChar[v[i]] {
			return 0, false, false
		}
	}
	if f, ok = parseDecimal(v); !ok {
		return 0, false, false
	}
	return f, isInteger(v), true
}

// numberChar marks the bytes a number may hold.
var numberChar = func() (t [256]bool) {
	for _, c := range "0123456789.-+eE" {
		t[c] = true
	}
	return t
}()

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// parseDecimal parses a plain decimal number: no hex, NaN, Inf, digit
// separators or leading zeros.
func parseDecimal(v string) (float64, bool) {
	if v == "" || strings.ContainsAny(v, "xXnN_") {
		return 0, false
	}
	if d := strings.TrimLeft(v, "+-"); strings.HasPrefix(d, "0") && len(d) > 1 && d[1] != '.' {
		return 0, false // leading zeros
	}
	f, err := strconv.ParseFloat(v, 64)
	return f, err == nil
}

// isFormattedNumber is a number written with thousands separators or a
// currency sign: "$1,234.50", "1,234", "€ 12".
func isFormattedNumber(v string) bool {
	signed := strings.TrimLeft(strings.TrimSpace(v), "+-")
	t := strings.TrimLeft(signed, "$€£¥")
	currency := t != signed
	t = strings.TrimLeft(strings.TrimSpace(t), "+-")
	whole, frac, dot := strings.Cut(t, ".")
	if dot && !isDigits(frac) {
		return false
	}
	groups := strings.Split(whole, ",")
	if len(groups) == 1 {
		return currency && isDigits(whole)
	}
	if len(groups[0]) == 0 || len(groups[0]) > 3 || !isDigits(groups[0]) {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 || !isDigits(g) {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
