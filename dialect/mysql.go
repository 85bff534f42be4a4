package dialect

import (
	"fmt"
	"strings"
)

// MySQL is MySQL's and MariaDB's SQL. Text compares as binary strings:
// the usual collations are case-insensitive and ignore trailing spaces.
var MySQL = Register(&Dialect{
	Name:  "mysql",
	Caps:  Caps{RegexpReplace: true, Windows: true, Sample: true},
	Ident: quoteWith("`"),
	Str:   mysqlString,
	Funcs: map[Func]func([]string) string{
		CountDistinctTuple:  func(a []string) string { return "count(DISTINCT " + join2(a) + ")" },
		Avg:                 func(a []string) string { return "avg(CAST(" + a[0] + " AS DOUBLE))" },
		StddevSamp:          func(a []string) string { return "stddev_samp(CAST(" + a[0] + " AS DOUBLE))" },
		QuantileDisc:        nil, // MariaDB has it as a window function only
		ApproxCountDistinct: nil,
		Length:              func(a []string) string { return "char_length(" + a[0] + ")" },
		TrimSpace: func(a []string) string {
			return "regexp_replace(" + a[0] + ", " + mysqlString("^["+Spaces+"]+|["+Spaces+"]+$") + ", '')"
		},
		ToDouble: func(a []string) string { return "CAST(" + a[0] + " AS DOUBLE)" },
		Concat:   func(a []string) string { return "concat(" + strings.Join(a, ", ") + ")" },
		// Binary strings: [A-Z] would match lower case in a
		// case-insensitive collation.
		OctetLength: func(a []string) string { return "length(" + a[0] + ")" },
		MaskASCII: func(a []string) string {
			return "regexp_replace(regexp_replace(regexp_replace(CAST(" + a[0] + " AS BINARY), '[A-Z]', 'A'), '[a-z]', 'a'), '[0-9]', '9')"
		},
	},
	Text: func(x string, c Class) (string, bool) {
		switch c {
		case ClassText:
			return x, true
		case ClassInteger, ClassDecimal:
			return "CAST(" + x + " AS CHAR)", true
		case ClassBoolean:
			return "CASE WHEN " + x + " <> 0 THEN 'true' WHEN " + x + " = 0 THEN 'false' END", true
		case ClassDate:
			return "date_format(" + x + ", '%Y-%m-%d')", true
		}
		return "", false
	},
	Bin: func(x string) string { return "CAST(" + x + " AS BINARY)" },
	TableSample: func(t string, f float64, seed int) string {
		return fmt.Sprintf("(SELECT * FROM %s WHERE rand(%d) < %s) AS s", t, seed, float(f))
	},
})

// mysqlString writes a literal for MySQL's default sql_mode, where a
// backslash escapes.
func mysqlString(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
