package dialect

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Class is the kind of values a column holds, as far as rendering it as
// text cares.
type Class int

// The classes of columns.
const (
	ClassText Class = iota
	ClassInteger
	ClassDecimal
	ClassFloat
	ClassBoolean
	ClassDate
	ClassTimestamp   // without time zone
	ClassTimestampTZ // instants
	ClassOther
)

// Caps are what a dialect can compute in the database.
type Caps struct {
	// Quantiles: exact nearest-rank quantiles as an aggregate (QuantileDisc).
	Quantiles bool
	// RegexpReplace: regular-expression replacement (Mask needs it).
	RegexpReplace bool
	// ApproxDistinct: an approximate distinct count (ApproxCountDistinct).
	ApproxDistinct bool
	// Windows: window functions (RowNumber).
	Windows bool
	// Sample: a reproducible sample of a table's rows (SampleWhere).
	Sample bool
}

// Func is a function of the tree; each dialect writes it its own way.
type Func string

// The functions a dialect renders. Aggregates first.
const (
	Count               Func = "count"          // count(x), or count(*) with no argument
	CountDistinct       Func = "count_distinct" // count(DISTINCT x)
	CountDistinctTuple  Func = "count_distinct_tuple"
	CountIf             Func = "count_if" // rows where the condition holds
	Min                 Func = "min"
	Max                 Func = "max"
	Sum                 Func = "sum"
	Avg                 Func = "avg"           // of the values as doubles
	StddevSamp          Func = "stddev_samp"   // of the values as doubles
	QuantileDisc        Func = "quantile_disc" // (x, q): nearest rank; Caps.Quantiles
	ApproxCountDistinct Func = "approx_count_distinct"

	Length    Func = "length"     // characters (code points) of text
	TrimSpace Func = "trim_space" // text without leading and trailing white space (Go's unicode.IsSpace)
	TrimBlank Func = "trim_blank" // text without leading and trailing spaces (' ' only)
	Lower     Func = "lower"
	Coalesce  Func = "coalesce"
	Floor     Func = "floor"
	Least     Func = "least"
	ToDouble  Func = "to_double"  // a number as a double
	RowNumber Func = "row_number" // row_number(), for Over; Caps.Windows
	Concat    Func = "concat"     // text joined; NULL if any is NULL
	// OctetLength is text's length in bytes (more than Length: not ASCII).
	OctetLength Func = "octet_length"
	// MaskASCII is ASCII text's shape: A-Z as A, a-z as a, 0-9 as 9, the
	// rest as it is (plumb's Mask, for text without other characters).
	MaskASCII Func = "mask_ascii"
)

// Spaces are the characters Go's strings.TrimSpace trims (unicode.IsSpace).
const Spaces = "\t\n\v\f\r \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"

// Dialect is how one database writes SQL.
type Dialect struct {
	// Name is the source format it serves: "postgres", "mysql", …
	Name string
	Caps Caps
	// Ident quotes a name; Str writes text as a literal.
	Ident func(string) string
	Str   func(string) string
	// Funcs write the functions that differ from Standard (args are
	// rendered already); a function neither has is a capability the
	// dialect lacks.
	Funcs map[Func]func(args []string) string
	// Text writes a value of a class as the text DuckDB's CAST(x AS
	// VARCHAR) gives for it once plumb has loaded it; false when the
	// dialect cannot.
	Text func(x string, c Class) (string, bool)
	// Bin makes text compare, group and order byte by byte.
	Bin func(x string) string
	// TableSample writes a table (rendered) read as a sample of about
	// fraction of its rows, the same rows every time for the same seed
	// (Caps.Sample).
	TableSample func(table string, fraction float64, seed int) string
	// Bool writes a condition as a value of 1 or 0 where the dialect
	// has no booleans in expressions; nil keeps the condition.
	Bool func(cond string) string
}

var registry = map[string]*Dialect{}

// Register adds a dialect under its name; each dialect's file calls it.
func Register(d *Dialect) *Dialect {
	if _, dup := registry[d.Name]; dup {
		panic("dialect: " + d.Name + " registered twice")
	}
	if d.Bin == nil {
		d.Bin = func(x string) string { return x }
	}
	registry[d.Name] = d
	return d
}

// For is the dialect of a source format, nil when there is none.
func For(name string) *Dialect { return registry[name] }

// Names lists the registered dialects, sorted.
func Names() []string {
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// UnsupportedError says a dialect cannot write a function of a query.
type UnsupportedError struct {
	Dialect string
	Func    Func
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("dialect %s: no %s", e.Dialect, e.Func)
}

// Standard is how standard SQL writes the functions; dialects override
// what they write otherwise.
var Standard = map[Func]func(args []string) string{
	Count: func(a []string) string {
		if len(a) == 0 {
			return "count(*)"
		}
		return "count(" + a[0] + ")"
	},
	CountDistinct: func(a []string) string { return "count(DISTINCT " + a[0] + ")" },
	CountIf:       func(a []string) string { return "count(CASE WHEN " + a[0] + " THEN 1 END)" },
	Min:           func(a []string) string { return "min(" + a[0] + ")" },
	Max:           func(a []string) string { return "max(" + a[0] + ")" },
	Sum:           func(a []string) string { return "sum(" + a[0] + ")" },
	Lower:         func(a []string) string { return "lower(" + a[0] + ")" },
	TrimBlank:     func(a []string) string { return "trim(" + a[0] + ")" },
	OctetLength:   func(a []string) string { return "octet_length(" + a[0] + ")" },
	Coalesce:      func(a []string) string { return "coalesce(" + strings.Join(a, ", ") + ")" },
	Floor:         func(a []string) string { return "floor(" + a[0] + ")" },
	Least:         func(a []string) string { return "least(" + strings.Join(a, ", ") + ")" },
	RowNumber:     func([]string) string { return "row_number()" },
	Concat:        func(a []string) string { return "(" + strings.Join(a, " || ") + ")" },
}

// fn writes function f of args in d.
func (d *Dialect) fn(f Func, args []string) (string, error) {
	if w, ok := d.Funcs[f]; ok {
		if w == nil {
			return "", &UnsupportedError{d.Name, f}
		}
		return w(args), nil
	}
	if w, ok := Standard[f]; ok {
		return w(args), nil
	}
	return "", &UnsupportedError{d.Name, f}
}

// Has reports whether d writes function f.
func (d *Dialect) Has(f Func) bool {
	if w, ok := d.Funcs[f]; ok {
		return w != nil
	}
	_, ok := Standard[f]
	return ok
}

// quoteWith doubles q inside q…q.
func quoteWith(q string) func(string) string {
	return func(s string) string { return q + strings.ReplaceAll(s, q, q+q) + q }
}

// float writes a float so that it reads back as the same double.
func float(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func join2(a []string) string { return strings.Join(a, ", ") }

// The arguments of translate() that mask ASCII text.
const (
	asciiAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	asciiMask  = "AAAAAAAAAAAAAAAAAAAAAAAAAAaaaaaaaaaaaaaaaaaaaaaaaaaa9999999999"
)
