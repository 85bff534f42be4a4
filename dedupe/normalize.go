package dedupe

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Normalizer is a step of a field's normalize list; steps apply in
// order, before blocking and comparison.
type Normalizer string

// The normalizers a field may use.
const (
	NormalizeTrim           Normalizer = "trim"
	NormalizeLower          Normalizer = "lower"
	NormalizeUpper          Normalizer = "upper"
	NormalizeUnaccent       Normalizer = "unaccent"
	NormalizeCollapseSpaces Normalizer = "collapse_spaces"
	NormalizeDigitsOnly     Normalizer = "digits_only"
	NormalizeAlnumOnly      Normalizer = "alnum_only"
)

// Normalizers lists every Normalizer, in the order errors name them.
var Normalizers = []Normalizer{NormalizeTrim, NormalizeLower, NormalizeUpper, NormalizeUnaccent, NormalizeCollapseSpaces, NormalizeDigitsOnly, NormalizeAlnumOnly}

// Normalize applies the named normalizers to s in order. Unknown names
// are ignored (Parse rejects them).
func Normalize(s string, steps []Normalizer) string {
	for _, st := range steps {
		switch st {
		case NormalizeTrim:
			s = strings.TrimSpace(s)
		case NormalizeLower:
			s = strings.ToLower(s)
		case NormalizeUpper:
			s = strings.ToUpper(s)
		case NormalizeUnaccent:
			s = unaccent(s)
		case NormalizeCollapseSpaces:
			s = strings.Join(strings.Fields(s), " ")
		case NormalizeDigitsOnly:
			s = strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r
				}
				return -1
			}, s)
		case NormalizeAlnumOnly:
			s = strings.Map(func(r rune) rune {
				if unicode.IsLetter(r) || unicode.IsDigit(r) {
					return r
				}
				return -1
			}, s)
		}
	}
	return s
}

// unaccent removes combining marks after canonical decomposition, so
// that "José" becomes "Jose"; letters without a decomposition (ø, ß) stay.
func unaccent(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return out
}
