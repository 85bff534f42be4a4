package dialect

import (
	"strings"
)

// ClickHouse is ClickHouse's SQL, as its 18.16 release (Debian's) reads
// it: no window functions, no FILTER; countIf and uniqExact instead.
var ClickHouse = Register(&Dialect{
	Name:  "clickhouse",
	Caps:  Caps{RegexpReplace: true, ApproxDistinct: true},
	Ident: quoteWith("`"),
	Str:   clickhouseString,
	Funcs: map[Func]func([]string) string{
		Count: func(a []string) string {
			if len(a) == 0 {
				return "count()"
			}
			return "count(" + a[0] + ")"
		},
		CountDistinct:       func(a []string) string { return "uniqExact(" + a[0] + ")" },
		CountDistinctTuple:  func(a []string) string { return "uniqExact(" + join2(a) + ")" },
		CountIf:             func(a []string) string { return "countIf(" + a[0] + ")" },
		Avg:                 func(a []string) string { return "avg(toFloat64(" + a[0] + "))" },
		StddevSamp:          func(a []string) string { return "stddevSamp(toFloat64(" + a[0] + "))" },
		QuantileDisc:        nil,
		ApproxCountDistinct: func(a []string) string { return "uniq(" + a[0] + ")" },
		Length:              func(a []string) string { return "lengthUTF8(" + a[0] + ")" },
		TrimSpace: func(a []string) string {
			return "replaceRegexpAll(" + a[0] + ", " + clickhouseString("^["+Spaces+"]+|["+Spaces+"]+$") + ", '')"
		},
		TrimBlank:   func(a []string) string { return "replaceRegexpAll(" + a[0] + ", '^ +| +$', '')" },
		Lower:       func(a []string) string { return "lowerUTF8(" + a[0] + ")" },
		ToDouble:    func(a []string) string { return "toFloat64(" + a[0] + ")" },
		RowNumber:   nil,
		Concat:      func(a []string) string { return "concat(" + strings.Join(a, ", ") + ")" },
		OctetLength: func(a []string) string { return "length(" + a[0] + ")" },
		MaskASCII: func(a []string) string {
			return "replaceRegexpAll(replaceRegexpAll(replaceRegexpAll(" + a[0] + ", '[A-Z]', 'A'), '[a-z]', 'a'), '[0-9]', '9')"
		},
	},
	Text: func(x string, c Class) (string, bool) {
		switch c {
		case ClassText:
			return x, true
		case ClassInteger:
			return "toString(" + x + ")", true
		case ClassDate:
			return "toString(" + x + ")", true
		}
		return "", false
	},
})

// clickhouseString writes a literal: ClickHouse escapes with backslashes.
func clickhouseString(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	return "'" + strings.ReplaceAll(s, "'", `\'`) + "'"
}
