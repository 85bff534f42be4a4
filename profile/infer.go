package profile

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Mask is a value's shape: upper-case letters become A, lower-case a,
// digits 9; every other character stays, e.g. "(555) 123-4567" becomes
// "(999) 999-9999".
func Mask(s string) string {
	return string(appendMask(make([]byte, 0, len(s)), s))
}

// appendMask appends the mask of s to dst.
func appendMask(dst []byte, s string) []byte {
	if b, ascii, _ := maskASCII(dst, s); ascii {
		return b
	}
	for _, r := range s {
		if r < utf8.RuneSelf {
			dst = append(dst, asciiMask[r])
			continue
		}
		dst = utf8.AppendRune(dst, maskRune(r))
	}
	return dst
}

// asciiMask is the mask of each ASCII byte, notASCII for the others;
// asciiControl marks the control characters hasControl reports.
var asciiMask, asciiControl = func() (m, ctl [256]byte) {
	for c := range 256 {
		if c >= utf8.RuneSelf {
			m[c] = notASCII
			continue
		}
		m[c] = byte(maskRune(rune(c)))
		if unicode.IsControl(rune(c)) && c != '\t' && c != '\n' && c != '\r' {
			ctl[c] = 1
		}
	}
	return m, ctl
}()

const notASCII = 0xff

// maskASCII appends the mask of s to dst when s is ASCII, and reports
// whether it was and whether s holds control characters; for other text
// it leaves dst as it was.
func maskASCII(dst []byte, s string) (_ []byte, ascii, control bool) {
	n := len(dst)
	dst = slices.Grow(dst, len(s))
	var ctl byte
	for i := 0; i < len(s); i++ {
		m := asciiMask[s[i]]
		if m == notASCII {
			return dst[:n], false, false
		}
		ctl |= asciiControl[s[i]]
		dst = append(dst, m)
	}
	return dst, true, ctl != 0
}

func maskRune(r rune) rune {
	switch {
	case r >= '0' && r <= '9':
		return '9'
	case r >= 'a' && r <= 'z':
		return 'a'
	case r >= 'A' && r <= 'Z':
		return 'A'
	case unicode.IsUpper(r):
		return 'A'
	case unicode.IsLower(r), unicode.IsLetter(r):
		return 'a'
	case unicode.IsDigit(r):
		return '9'
	}
	return r
}

// CompactMask is Mask with runs of one character collapsed, for long
// text: "Hello World 42" becomes "Aa Aa 9".
func CompactMask(s string) string { return collapse(Mask(s)) }

// collapse removes repeats of a character from a mask.
func collapse(mask string) string {
	if isASCII(mask) {
		b := make([]byte, 0, len(mask))
		for i := 0; i < len(mask); i++ {
			if i == 0 || mask[i] != mask[i-1] {
				b = append(b, mask[i])
			}
		}
		return string(b)
	}
	var b strings.Builder
	b.Grow(len(mask))
	var last rune = -1
	for _, r := range mask {
		if r != last {
			b.WriteRune(r)
		}
		last = r
	}
	return b.String()
}

// Types plumb infers, from most to least specific.
const (
	TypeBoolean   = "boolean"
	TypeInteger   = "integer"
	TypeDecimal   = "decimal"
	TypeDate      = "date"
	TypeTimestamp = "timestamp"
	TypeText      = "text"
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

// parseDecimal parses a plain decimal number: no hex, NaN, Inf, digit
// separators or leading zeros.
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
		} else if isPhone(v, sh) {
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
		if !isHex[v[i]] {
			if v[i] != '-' {
				return false
			}
			dashes++
		}
	}
	return dashes == 4
}

var isHex = func() (t [256]bool) {
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

// isPhone is a phone-like value (sh.phoneish) of 10 to 15 digits that is
// not a plain integer, or a local number written 999-9999. (No date
// layout is phone-like with so many digits: dates have 6 or 8.)
func isPhone(v string, sh *shape) bool {
	return sh.nines >= 10 && sh.nines <= 15 && (!isInteger(v) || strings.HasPrefix(v, "+")) || sh.local
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

// hasControl reports control characters other than tab and newline.
func hasControl(v string) bool {
	for _, r := range v {
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			return true
		}
	}
	return false
}

func isASCII(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
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

// parseLayout parses v in a date format (strftime spelling) and returns
// its Unix seconds; ISO dates take a quick path that agrees with
// time.Parse.
func parseLayout(v, strftime string) (float64, bool) {
	if strftime == "%Y-%m-%d" {
		if len(v) != 10 || v[4] != '-' || v[7] != '-' {
			return 0, false
		}
		y, ok1 := digits(v[0:4])
		m, ok2 := digits(v[5:7])
		d, ok3 := digits(v[8:10])
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
		y, ok1 := digits(v[0:4])
		mo, ok2 := digits(v[5:7])
		d, ok3 := digits(v[8:10])
		h, ok4 := digits(v[11:13])
		mi, ok5 := digits(v[14:16])
		s, ok6 := digits(v[17:19])
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

// digits reads ASCII digits.
func digits(s string) (int, bool) {
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
