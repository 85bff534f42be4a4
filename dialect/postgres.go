package dialect

import "fmt"

// Postgres is PostgreSQL's SQL.
var Postgres = Register(&Dialect{
	Name:  "postgres",
	Caps:  Caps{Quantiles: true, RegexpReplace: true, Windows: true, Sample: true},
	Ident: quoteWith(`"`),
	Str:   quoteWith(`'`), // standard_conforming_strings: backslashes are plain
	Funcs: map[Func]func([]string) string{
		CountDistinctTuple: func(a []string) string { return "count(DISTINCT (" + join2(a) + "))" },
		Avg:                func(a []string) string { return "avg(" + a[0] + "::float8)" },
		StddevSamp:         func(a []string) string { return "stddev_samp(" + a[0] + "::float8)" },
		QuantileDisc: func(a []string) string {
			return "percentile_disc(" + a[1] + ") WITHIN GROUP (ORDER BY " + a[0] + ")"
		},
		ApproxCountDistinct: nil,
		Length:              func(a []string) string { return "char_length(" + a[0] + ")" },
		TrimSpace:           func(a []string) string { return "btrim(" + a[0] + ", " + quoteWith(`'`)(Spaces) + ")" },
		ToDouble:            func(a []string) string { return "(" + a[0] + ")::float8" },
		MaskASCII: func(a []string) string {
			return "translate(" + a[0] + ", '" + asciiAlnum + "', '" + asciiMask + "')"
		},
	},
	Text: func(x string, c Class) (string, bool) {
		switch c {
		case ClassText, ClassInteger, ClassDecimal:
			return "(" + x + ")::text", true
		case ClassBoolean:
			return "CASE WHEN " + x + " THEN 'true' WHEN NOT " + x + " THEN 'false' END", true
		case ClassDate:
			return "to_char(" + x + ", 'YYYY-MM-DD')", true
		case ClassTimestamp:
			// With DateStyle ISO (dbsource.Connect sets it): DuckDB's
			// text, fractions without trailing zeros.
			return "(" + x + ")::text", true
		}
		return "", false
	},
	Bin: func(x string) string { return "(" + x + ` COLLATE "C")` },
	TableSample: func(t string, f float64, seed int) string {
		return fmt.Sprintf("%s TABLESAMPLE BERNOULLI (%s) REPEATABLE (%d)", t, float(100*f), seed)
	},
})
