package dialect

// SQLite is SQLite's SQL. Values keep the storage class they were
// written with; text compares byte by byte (BINARY) already.
var SQLite = Register(&Dialect{
	Name:  "sqlite",
	Caps:  Caps{Windows: true},
	Ident: quoteWith(`"`),
	Str:   quoteWith(`'`),
	Funcs: map[Func]func([]string) string{
		CountDistinctTuple:  nil,
		Avg:                 func(a []string) string { return "avg(CAST(" + a[0] + " AS REAL))" },
		StddevSamp:          nil,
		QuantileDisc:        nil,
		ApproxCountDistinct: nil,
		Length:              func(a []string) string { return "length(" + a[0] + ")" },
		TrimSpace:           func(a []string) string { return "trim(" + a[0] + ", " + quoteWith(`'`)(Spaces) + ")" },
		ToDouble:            func(a []string) string { return "CAST(" + a[0] + " AS REAL)" },
		Least:               func(a []string) string { return "min(" + join2(a) + ")" },
		OctetLength:         func(a []string) string { return "length(CAST(" + a[0] + " AS BLOB))" },
	},
	Text: func(x string, c Class) (string, bool) {
		switch c {
		case ClassText:
			// A column of mixed storage classes is profiled as written.
			return "CAST(" + x + " AS TEXT)", true
		case ClassInteger:
			return "CAST(" + x + " AS TEXT)", true
		}
		return "", false
	},
})
