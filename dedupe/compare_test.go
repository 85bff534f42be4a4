package dedupe

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestComparatorLevels holds each comparator to the levels it declares:
// on generated pairs (random strings, numbers and dates, and typo, swap
// and case variants of them) compare returns null or a declared level,
// and nothing else.
func TestComparatorLevels(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	var values []string
	for range 300 {
		y, m, d := 1900+r.IntN(120), 1+r.IntN(12), 1+r.IntN(28)
		values = append(values,
			fmt.Sprintf("%04d-%02d-%02d", y, m, d), fmt.Sprintf("%02d/%02d/%04d", m, d, y), fmt.Sprintf("%d/%d/%04d", d, m, y),
			fmt.Sprintf("%04d%02d%02d", y, m, d), fmt.Sprintf("%02d.%02d.%04d", d, m, y),
			fmt.Sprint(r.IntN(100000)), fmt.Sprintf("%.2f", r.Float64()*1000), randomWord(r), "")
	}
	for _, c := range Comparators {
		declared := levelsOf(c)
		if len(declared) < 2 || declared[0] != LevelExact || declared[len(declared)-1] != LevelFar {
			t.Errorf("%s declares levels %v, want exact first and far last", c, declared)
		}
		seen := map[Level]bool{}
		for i, a := range values {
			for _, b := range []string{values[(i*7+3)%len(values)], typo(r, a), swapHalves(a), a} {
				_, got := compare(c, a, b)
				seen[got] = true
				if got != LevelNull && !slices.Contains(declared, got) {
					t.Fatalf("compare(%s, %q, %q) = %s, not among its levels %v", c, a, b, got, declared)
				}
			}
		}
		for _, l := range declared {
			if !seen[l] {
				t.Errorf("%s never produced its level %s on the generated pairs", c, l)
			}
		}
	}
}

func randomWord(r *rand.Rand) string {
	b := make([]byte, 3+r.IntN(6))
	for i := range b {
		b[i] = byte('a' + r.IntN(26))
	}
	return string(b)
}

// typo changes one byte of s.
func typo(r *rand.Rand, s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	b[r.IntN(len(b))] = byte('0' + r.IntN(10))
	return string(b)
}

// swapHalves swaps the two middle parts of a date, whatever its layout.
func swapHalves(s string) string {
	d, ok := parseWrittenDate(s)
	if !ok {
		return s
	}
	if d.yearFirst {
		return fmt.Sprintf("%04d-%02d-%02d", d.year, d.then, d.first)
	}
	return fmt.Sprintf("%02d/%02d/%04d", d.then, d.first, d.year)
}

func TestDaySwapped(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{"iso", "1990-02-11", "1990-11-02", true},
		{"%m/%d/%Y", "03/04/1990", "04/03/1990", true},
		{"%m/%d/%Y unpadded", "3/14/1990", "14/3/1990", true},
		{"%m/%d/%Y padded and not", "03/04/1990", "4/3/1990", true},
		{"%d/%m/%Y", "28/01/1997", "01/28/1997", true},
		{"%Y%m%d", "19900304", "19900403", true},
		{"%d.%m.%Y", "04.03.1990", "03.04.1990", true},
		{"year first, separators differ", "1990-03-04", "1990/04/03", true},
		{"%Y%m%d and iso", "19900304", "1990-04-03", true},
		{"same date", "1990-03-04", "1990-03-04", false},
		{"day equals month", "1990-03-03", "1990-03-03", false},
		{"years differ", "03/04/1990", "04/03/1991", false},
		{"year first and year last", "1990-03-04", "03/04/1990", false},
		{"not swapped", "03/04/1990", "03/05/1990", false},
		{"neither part a month", "1990-13-14", "1990-14-13", false},
		{"not a date", "abc", "cba", false},
		{"eight digits not a date", "12345678", "12347856", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := daySwapped(tt.a, tt.b); got != tt.want {
				t.Errorf("daySwapped(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
			if got := daySwapped(tt.b, tt.a); got != tt.want {
				t.Errorf("daySwapped(%q, %q) = %v, want %v", tt.b, tt.a, got, tt.want)
			}
		})
	}
}
