package dialect

import "fmt"

// DuckDB is DuckDB's SQL: what plumb's local path runs, here for
// pushdown into a DuckDB or MotherDuck database and as the reference
// the others are held to.
var DuckDB = Register(&Dialect{
	Name:  "duckdb",
	Caps:  Caps{Quantiles: true, RegexpReplace: true, ApproxDistinct: true, Windows: true, Sample: true},
	Ident: quoteWith(`"`),
	Str:   quoteWith(`'`),
	Funcs: map[Func]func([]string) string{
		CountDistinctTuple:  func(a []string) string { return "count(DISTINCT (" + join2(a) + "))" },
		CountIf:             func(a []string) string { return "count(*) FILTER (WHERE " + a[0] + ")" },
		Avg:                 func(a []string) string { return "avg(CAST(" + a[0] + " AS DOUBLE))" },
		StddevSamp:          func(a []string) string { return "stddev_samp(CAST(" + a[0] + " AS DOUBLE))" },
		QuantileDisc:        func(a []string) string { return "quantile_disc(" + a[0] + ", " + a[1] + ")" },
		ApproxCountDistinct: func(a []string) string { return "approx_count_distinct(" + a[0] + ")" },
		Length:              func(a []string) string { return "length(" + a[0] + ")" },
		TrimSpace:           func(a []string) string { return "trim(" + a[0] + ", " + quoteWith(`'`)(Spaces) + ")" },
		ToDouble:            func(a []string) string { return "CAST(" + a[0] + " AS DOUBLE)" },
		OctetLength:         func(a []string) string { return "octet_length(encode(" + a[0] + "))" },
		MaskASCII: func(a []string) string {
			return "translate(" + a[0] + ", '" + asciiAlnum + "', '" + asciiMask + "')"
		},
	},
	Text: func(x string, c Class) (string, bool) { return "CAST(" + x + " AS VARCHAR)", true },
	TableSample: func(t string, f float64, seed int) string {
		return fmt.Sprintf("%s USING SAMPLE %s%% (bernoulli, %d)", t, float(100*f), seed)
	},
})
