package profile

import (
	"math"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMask(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, mask, compact string }{
		{"12345-6789", "99999-9999", "9-9"},
		{"(555) 123-4567", "(999) 999-9999", "(9) 9-9"},
		{"Zoë O'Brien", "Aaa A'Aaaaa", "Aa A'Aa"},
		{"ABC 123", "AAA 999", "A 9"},
		{"", "", ""},
		{"日本", "aa", "a"},
	}
	for _, tt := range tests {
		if got := Mask(tt.in); got != tt.mask {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.mask)
		}
		if got := CompactMask(tt.in); got != tt.compact {
			t.Errorf("CompactMask(%q) = %q, want %q", tt.in, got, tt.compact)
		}
	}
}

func TestTypeChecks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v                string
		integer, decimal bool
		dates            []string
		stamp, formatted string
	}{
		{v: "42", integer: true, decimal: true},
		{v: "-7", integer: true, decimal: true},
		{v: "00123"},
		{v: "1.50", decimal: true},
		{v: "1e3", decimal: true},
		{v: "NaN"},
		{v: "2024-02-29", dates: []string{"%Y-%m-%d"}},
		{v: "2023-02-29"},
		{v: "03/04/2020", dates: []string{"%m/%d/%Y", "%d/%m/%Y"}},
		{v: "13/04/2020", dates: []string{"%d/%m/%Y"}},
		{v: "2024-01-02 03:04:05", stamp: "%Y-%m-%d %H:%M:%S"},
		{v: "2024-01-02T03:04:05Z", stamp: "%Y-%m-%dT%H:%M:%S%z"},
		{v: "$1,234.50", formatted: "yes"},
		{v: "1,234", formatted: "yes"},
		{v: "12,34"},
	}
	for _, tt := range tests {
		if got := isInteger(tt.v); got != tt.integer {
			t.Errorf("isInteger(%q) = %t", tt.v, got)
		}
		if got := isDecimal(tt.v); got != tt.decimal {
			t.Errorf("isDecimal(%q) = %t", tt.v, got)
		}
		if got := dateFormatMasked(tt.v, Mask(tt.v)); !slices.Equal(got, tt.dates) {
			t.Errorf("dateFormat(%q) = %q, want %q", tt.v, got, tt.dates)
		}
		if got := timestampFormat(tt.v); got != tt.stamp {
			t.Errorf("timestampFormat(%q) = %q, want %q", tt.v, got, tt.stamp)
		}
		if got := isFormattedNumber(tt.v); got != (tt.formatted != "") {
			t.Errorf("isFormattedNumber(%q) = %t", tt.v, got)
		}
	}
}

func TestSemantic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v    string
		want []string
	}{
		{"ana@example.com", []string{"email"}},
		{"https://example.com/x", []string{"url"}},
		{"123e4567-e89b-12d3-a456-426614174000", []string{"uuid"}},
		{"192.168.0.1", []string{"ipv4"}},
		{"4111 1111 1111 1111", []string{"credit_card"}},
		{"4111 1111 1111 1112", nil},
		{"(555) 123-4567", []string{"phone"}},
		{"12345-6789", []string{"postal_code"}},
		{"DE", []string{"country_code"}},
		{"XX", nil},
		{"yes", []string{"boolean_like"}},
		{"1990-01-02", nil},
	}
	for _, tt := range tests {
		if got := semantic(tt.v, Mask(tt.v)); !slices.Equal(got, tt.want) {
			t.Errorf("semantic(%q) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func FuzzMask(f *testing.F) {
	for _, s := range []string{"12345-6789", "Zoë", "", "\xff", "aaa   bbb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, c := Mask(s), CompactMask(s)
		if utf8.RuneCountInString(m) != utf8.RuneCountInString(s) {
			t.Errorf("Mask(%q) = %q: not one rune per rune", s, m)
		}
		if strings.ContainsAny(m, "bcdefghijklmnopqrstuvwxyzBCDEFGHIJKLMNOPQRSTUVWXYZ012345678") {
			t.Errorf("Mask(%q) = %q keeps a letter or digit", s, m)
		}
		if CompactMask(m) != c {
			t.Errorf("CompactMask(Mask(%q)) = %q, CompactMask = %q", s, CompactMask(m), c)
		}
		rs := []rune(c)
		for i := 1; i < len(rs); i++ {
			if rs[i] == rs[i-1] {
				t.Errorf("CompactMask(%q) = %q has a run", s, c)
			}
		}
	})
}

func FuzzInfer(f *testing.F) {
	for _, s := range []string{"42", "00123", "1.5e3", "2024-02-29", "03/04/2020", "$1,234.50", "a@b.co", "4111111111111111"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if isInteger(s) && !isDecimal(s) {
			t.Errorf("%q is an integer but not a decimal", s)
		}
		for _, d := range dateFormatMasked(s, Mask(s)) {
			if layoutOf(d) == "" {
				t.Errorf("%q: no layout for %s", s, d)
			}
		}
		a := newAccumulator("c", "VARCHAR", 3, newSentinelSet([]string{"N/A"}))
		a.add(&s, 3)
		a.add(nil, 2)
		c := a.finish()
		if c.Nulls.Count+c.Empty.Count+c.Whitespace.Count+c.Sentinels.Count+c.Valid.Count != c.Rows || c.Rows != 5 {
			t.Errorf("%q: counts do not add up: %+v", s, c)
		}
		for _, sh := range c.Conformity {
			if sh.Share < 0 || sh.Share > 1 {
				t.Errorf("%q: conformity %+v", s, sh)
			}
		}
	})
}

// parseNumber's quick path must agree with parseDecimal and isInteger.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"0", "-0", "+5", "12345", "007", "0.5", ".5", "5.", "-.5", "00.5", ".", "-", "1e5", "1.5E-3",
		"123456789012345", "1234567890123456", "12345678901234.5", "0.000000000000001", "9007199254740993", "1,234", "+-5", "5..5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, integer, ok := parseNumber(s)
		var want float64
		var wantOK, wantInt bool
		if strings.Trim(s, "0123456789.-+eE") == "" {
			want, wantOK = parseDecimal(s)
			wantInt = wantOK && isInteger(s)
		}
		if ok != wantOK || integer != wantInt || ok && math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("parseNumber(%q) = %v, %v, %v; want %v, %v, %v", s, got, integer, ok, want, wantInt, wantOK)
		}
	})
}
