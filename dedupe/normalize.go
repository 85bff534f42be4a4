package dedupe

import (
	"slices"
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
// are ignored (ParseConfig rejects them).
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

// nullMarkers are values that stand for a missing value in extracts.
var nullMarkers = map[string]bool{"n/a": true, "na": true, "null": true, "none": true, "nil": true, "-": true, "--": true,
	"?": true, "#n/a": true, "nan": true, "(null)": true, "unknown": true}

// isNullMarker reports whether a normalized value means "missing".
func isNullMarker(v string) bool {
	v = strings.TrimSpace(v)
	return v == "" || (len(v) <= 7 && nullMarkers[strings.ToLower(v)])
}

// space is an RE2 class of the characters unicode.IsSpace accepts, so
// that SQL trims and collapses what strings.TrimSpace and strings.Fields
// do (no-break spaces included).
const space = `[\t\n\x{0B}\f\r \x{85}\p{Z}]`

// normalizeSQL is Normalize as a DuckDB expression over expr, so that
// normalization runs in DuckDB next to blocking; TestNormalizeSQL holds
// the two to the same results.
func normalizeSQL(expr string, steps []Normalizer) string {
	for _, st := range steps {
		switch st {
		case NormalizeTrim:
			expr = "regexp_replace(" + expr + ", '^" + space + "+|" + space + "+$', '', 'g')"
		case NormalizeLower:
			expr = "lower(" + expr + ")"
		case NormalizeUpper:
			expr = "upper(" + expr + ")"
		case NormalizeUnaccent:
			expr = "strip_accents(" + expr + ")"
		case NormalizeCollapseSpaces:
			expr = "trim(regexp_replace(" + expr + ", '" + space + "+', ' ', 'g'), ' ')"
		case NormalizeDigitsOnly:
			expr = "regexp_replace(" + expr + ", '[^0-9]', '', 'g')"
		case NormalizeAlnumOnly:
			expr = "regexp_replace(" + expr + `, '[^\pL\pN]', '', 'g')`
		}
	}
	return expr
}

// nullMarkerSQL is isNullMarker as a DuckDB expression: col, or NULL
// where it is empty or a null marker.
func nullMarkerSQL(col string) string {
	markers := make([]string, 0, len(nullMarkers))
	for m := range nullMarkers {
		markers = append(markers, "'"+strings.ReplaceAll(m, "'", "''")+"'")
	}
	slices.Sort(markers)
	return "CASE WHEN lower(regexp_replace(" + col + ", '^" + space + "+|" + space + "+$', '', 'g')) IN ('', " + strings.Join(markers, ", ") + ") THEN NULL ELSE " + col + " END"
}
