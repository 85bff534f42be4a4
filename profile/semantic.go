package profile

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// SemanticTypes are the semantic types plumb recognises.
var SemanticTypes = []string{"email", "url", "uuid", "phone", "ipv4", "postal_code", "country_code", "credit_card", "boolean_like"}

// IsSemantic reports whether v is a value of semantic type typ (one of
// SemanticTypes), as the profile judges it.
func IsSemantic(typ, v string) bool {
	return slices.Contains(semantic(v, Mask(v)), typ)
}

// The semantic types, by their place in SemanticTypes.
const (
	semEmail = iota
	semURL
	semUUID
	semPhone
	semIPv4
	semPostal
	semCountry
	semCard
	semBoolean
	numSemantic
)

// semantic returns the semantic types a value matches; mask is its Mask.
func semantic(v, mask string) []string {
	var out []string
	for bits, i := semanticBits(v, mask), 0; bits != 0; bits, i = bits>>1, i+1 {
		if bits&1 != 0 {
			out = append(out, SemanticTypes[i])
		}
	}
	return out
}

// semanticBits is semantic as a set: bit i stands for SemanticTypes[i].
func semanticBits(v, mask string) uint16 {
	var sh shape
	screen(&sh, mask, utf8.RuneCountInString(v))
	return semanticOf(v, &sh)
}

// semanticOf is semanticBits for a value whose mask sh screened.
func semanticOf(v string, sh *shape) uint16 {
	var out uint16
	switch {
	case sh.at && isEmail(v):
		out |= 1 << semEmail
	case strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "www."):
		out |= 1 << semURL
	case len(v) == 36 && isUUID(v):
		out |= 1 << semUUID
	case sh.ipv4 && len(v) >= 7 && len(v) <= 15 && isIPv4(v):
		out |= 1 << semIPv4
	}
	if sh.phoneish {
		if isCard(v) {
			out |= 1 << semCard
		} else if isPhone(sh) {
			out |= 1 << semPhone
		}
	}
	switch {
	case sh.postal:
		out |= 1 << semPostal
	case sh.country && countries[v]:
		out |= 1 << semCountry
	}
	if len(v) <= 5 && (v == "0" || v == "1" || isBoolean(v)) {
		out |= 1 << semBoolean
	}
	return out
}

func isEmail(v string) bool {
	at := strings.IndexByte(v, '@')
	if at <= 0 || at != strings.LastIndexByte(v, '@') || strings.ContainsAny(v, " \t,;<>") {
		return false
	}
	dom := v[at+1:]
	dot := strings.LastIndexByte(dom, '.')
	return dot > 0 && dot < len(dom)-2
}

func isUUID(v string) bool {
	if len(v) != 36 || v[8] != '-' || v[13] != '-' || v[18] != '-' || v[23] != '-' {
		return false
	}
	dashes := 0
	for i := 0; i < 36; i++ {
		if !hexDigit[v[i]] {
			if v[i] != '-' {
				return false
			}
			dashes++
		}
	}
	return dashes == 4
}

var hexDigit = func() (t [256]bool) {
	for _, c := range "0123456789abcdefABCDEF" {
		t[c] = true
	}
	return t
}()

func isIPv4(v string) bool {
	parts := strings.Split(v, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 255 || (len(p) > 1 && p[0] == '0') {
			return false
		}
	}
	return true
}

// isPhone is a phone-like value (sh.phoneish) of 10 to 15 digits written
// with some punctuation or a leading +, or a local number written
// 999-9999: digits alone (a zero-padded registration number, an id) are
// no phone. (No date layout is phone-like with so many digits: dates
// have 6 to 8.)
func isPhone(sh *shape) bool {
	return sh.nines >= 10 && sh.nines <= 15 && !sh.digitsOnly || sh.local
}

// isCard is a 13 to 19 digit number (spaces and dashes allowed) that
// passes the Luhn check.
func isCard(v string) bool {
	n := 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c >= '0' && c <= '9':
			n++
		case c == ' ' || c == '-':
		default:
			return false
		}
	}
	if n < 13 || n > 19 {
		return false
	}
	sum, k := 0, 0 // k counts digits from the right
	for i := len(v) - 1; i >= 0; i-- {
		c := v[i]
		if c < '0' || c > '9' {
			continue
		}
		d := int(c - '0')
		if k%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		k++
	}
	return sum%10 == 0
}

// countries are the ISO 3166-1 alpha-2 codes.
var countries = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields(`AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL
GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR
LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK
PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR
TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW`) {
		m[c] = true
	}
	return m
}()

// CountryCodes returns the ISO 3166-1 alpha-2 codes the country_code
// semantic type accepts, sorted.
func CountryCodes() []string {
	out := make([]string, 0, len(countries))
	for c := range countries {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// The kinds of boolean-like values, as boolKind tells them.
const (
	boolTrueWord  = 1 << iota // true, t, yes, y
	boolFalseWord             // false, f, no, n
	boolOne                   // 1
	boolZero                  // 0
)

// boolKind says which kind of boolean-like value t is (one that
// semanticOf finds boolean-like).
func boolKind(t string) uint8 {
	switch {
	case t == "1":
		return boolOne
	case t == "0":
		return boolZero
	}
	switch t[0] | 0x20 {
	case 't', 'y':
		return boolTrueWord
	}
	return boolFalseWord
}

// booleanPair reports whether the kinds seen hold both a true and a false
// value: a column of "1" alone, or of F, M and U, is no boolean. words
// counts boolean words only (the boolean type), else 0 and 1 too
// (boolean_like).
func booleanPair(seen uint8, words bool) bool {
	if words {
		return seen&boolTrueWord != 0 && seen&boolFalseWord != 0
	}
	return seen&(boolTrueWord|boolOne) != 0 && seen&(boolFalseWord|boolZero) != 0
}

// semanticExamples keeps, for each set of semantic types values are of
// (semanticBits), the three smallest such values: a few sets per column,
// found faster in a list than in a map.
type semanticExamples []semanticExample

type semanticExample struct {
	bits     uint16
	examples []string
}

func (s *semanticExamples) add(bits uint16, t string) {
	for i := range *s {
		if e := &(*s)[i]; e.bits == bits {
			e.examples = keepSmallest(e.examples, t, 3)
			return
		}
	}
	*s = append(*s, semanticExample{bits, []string{strings.Clone(t)}})
}

func (s *semanticExamples) merge(o semanticExamples) {
	for _, e := range o {
		for _, v := range e.examples {
			s.add(e.bits, v)
		}
	}
}

// not returns the smallest values that are not of semantic type i.
func (s semanticExamples) not(i int) []string {
	var out []string
	for _, e := range s {
		if e.bits&(1<<i) == 0 {
			for _, v := range e.examples {
				out = keepSmallest(out, v, 3)
			}
		}
	}
	return out
}
