//go:build duckdb_arrow

package dbdiff

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/plumb-data/plumb/engine"
)

// dialect renders, for one database, the pieces of the checksum queries:
// how a value is written in the row encoding, the hash of a row, and how
// keys are ordered and compared under a binary collation. One file a
// dialect: postgres.go, mysql.go, duckdb.go (which also serves files and
// SQLite files, read into DuckDB where plumb runs).
type dialect interface {
	name() string
	ident(name string) string
	// value writes a column's value, of DuckDB type typ as plumb loads
	// it, as the text of the encoding f says; NULL stays NULL.
	value(col, typ string, f *field, p Policy) string
	// octets is the length in bytes of a text, as a number.
	octets(e string) string
	// concat joins texts; NULL if any is NULL.
	concat(parts ...string) string
	// double casts a number to a double.
	double(e string) string
	// hash is a row text's checksum: the 48-bit tail of its md5 as an
	// integer, less 2^47-1, so that sums stay small.
	hash(row string) string
	// sumText is the sum of hashes as text.
	sumText(h string) string
	// orderKey is a key column as ordered and compared (a binary
	// collation for text); keyText writes it as a cut value; literal
	// writes a cut value to compare with orderKey.
	orderKey(col, typ string, k keyKind) string
	keyText(col, typ string, k keyKind) string
	literal(v, typ string, k keyKind) string
}

// encKind is how a pair of columns is written in the row encoding: the
// same on both sides, whatever their types.
type encKind int

const (
	encText encKind = iota
	encInt
	encDecimal
	encFloat
	encBool
	encTime
	encBlob
)

// field is a compared pair of columns and its encoding.
type field struct {
	target string    // the target column's name, for messages
	cols   [2]string // the column name on each side
	types  [2]string // its DuckDB type on each side
	kind   encKind
	scale  int // encDecimal
	width  int // encTime: characters of "YYYY-MM-DD HH:MM:SS.ffffff" kept
	// trim, lower and nullEmpty apply --trim, --ignore-case and
	// --null-equals-empty to text.
	trim, lower, nullEmpty bool
	key                    bool
}

// decide picks the encoding of a pair of columns from their types, and
// says when the encoding loses precision one side has.
func (f *field) decide(p Policy) (warning string) {
	a, b := engine.Classify(f.types[0]), engine.Classify(f.types[1])
	exact := func(c engine.TypeClass) bool { return c == engine.ClassInteger || c == engine.ClassDecimal }
	temporal := func(c engine.TypeClass) bool { return c == engine.ClassDate || c == engine.ClassTimestamp }
	switch {
	case a == engine.ClassInteger && b == engine.ClassInteger:
		f.kind = encInt
	case exact(a) && exact(b):
		f.kind, f.scale = encDecimal, max(decimalScale(f.types[0]), decimalScale(f.types[1]))
	case a.IsNumeric() && b.IsNumeric():
		f.kind = encFloat
		switch {
		case p.FloatScale > 0:
			warning = fmt.Sprintf("column %s: %s beside %s: written to %d decimal places for the checksum (--float-scale); a change smaller than that is not seen in an equal segment",
				f.target, f.types[0], f.types[1], p.FloatScale)
		case a != b:
			warning = fmt.Sprintf("column %s: %s beside %s: the checksum writes the float's shortest text, which an exact number seldom matches: expect segments read for it", f.target, f.types[0], f.types[1])
		case strings.EqualFold(f.types[0], "FLOAT") != strings.EqualFold(f.types[1], "FLOAT"):
			warning = fmt.Sprintf("column %s: %s beside %s: single and double precision write different digits: expect segments read for it (or --float-scale)", f.target, f.types[0], f.types[1])
		}
	case a == engine.ClassBoolean && b == engine.ClassBoolean:
		f.kind = encBool
	case temporal(a) && temporal(b):
		f.kind, f.width = encTime, p.timeWidth()
		if a == engine.ClassDate || b == engine.ClassDate {
			f.width = 10
		} else if f.width < 26 {
			warning = fmt.Sprintf("column %s: timestamps written to %d characters for the checksum; a change below that precision is not seen in an equal segment", f.target, f.width)
		}
	case a == engine.ClassBlob && b == engine.ClassBlob:
		f.kind = encBlob
	default:
		f.kind = encText
	}
	return warning
}

// floatText writes a float as the shortest text that reads back as the
// same double, which PostgreSQL, MySQL/MariaDB and DuckDB all print with
// the same digits but not in the same notation: plain where all three
// print it plain (1e-4 ≤ |x| < 1e15), scaled by 1e10 where MySQL prints
// plain and PostgreSQL an exponent (the product is the same double
// everywhere: IEEE multiplication), and the exponent form, without "+",
// beyond. plain writes a double in plain notation, expo in exponent
// notation.
func floatText(d dialect, c string, plain func(string) string, tenTo10 string, expo func(string) string) string {
	return "CASE WHEN " + c + " = 0 THEN '0' WHEN abs(" + c + ") >= 1e-4 AND abs(" + c + ") < 1e15 THEN " + plain(c) +
		" WHEN abs(" + c + ") >= 1e-14 AND abs(" + c + ") < 1e-4 THEN " + d.concat("'s'", plain("("+c+") * "+tenTo10)) +
		" ELSE " + expo(c) + " END"
}

var decimalType = regexp.MustCompile(`^DECIMAL\((\d+),\s*(\d+)\)$`)

func decimalScale(typ string) int {
	if m := decimalType.FindStringSubmatch(strings.ToUpper(typ)); m != nil {
		var s int
		fmt.Sscan(m[2], &s)
		return s
	}
	return 0
}

// keyKind is how a key column is ordered and cut: the same way in every
// database, so that a segment of keys holds the same rows on both sides.
type keyKind int

const (
	keyNone keyKind = iota // cannot be cut (floats, booleans, mixed kinds)
	keyInt
	keyDecimal
	keyText
	keyTime
)

// keyKindOf is the kind of a key pair, keyNone when the two sides do not
// order their values alike.
func keyKindOf(a, b string) keyKind {
	ca, cb := engine.Classify(a), engine.Classify(b)
	exact := func(c engine.TypeClass) bool { return c == engine.ClassInteger || c == engine.ClassDecimal }
	text := func(t string, c engine.TypeClass) bool { return c == engine.ClassText || strings.EqualFold(t, "UUID") }
	switch {
	case ca == engine.ClassInteger && cb == engine.ClassInteger:
		return keyInt
	case exact(ca) && exact(cb):
		return keyDecimal
	case text(a, ca) && text(b, cb):
		return keyText
	case ca == engine.ClassTimestamp && cb == engine.ClassTimestamp, ca == engine.ClassDate && cb == engine.ClassDate:
		return keyTime
	}
	return keyNone
}

var (
	numberText = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
	timeText   = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?)?$`)
)

// checkCut refuses a cut value that is not what its kind writes, so that
// what a database returned is never pasted into SQL unchecked.
func checkCut(v string, k keyKind) error {
	switch k {
	case keyInt, keyDecimal:
		if !numberText.MatchString(v) {
			return fmt.Errorf("key value %q is not a number", v)
		}
	case keyTime:
		if !timeText.MatchString(v) {
			return fmt.Errorf("key value %q is not a date or timestamp", v)
		}
	}
	return nil
}

// encodeField writes one field of a side's row: its value in the
// encoding, text prefixed with its length in bytes, NULL as N.
func encodeField(d dialect, side int, f *field, p Policy) string {
	col := "q." + d.ident(f.cols[side])
	v := d.value(col, f.types[side], f, p)
	switch c := engine.Classify(f.types[side]); {
	case f.kind == encText && c == engine.ClassTimestamp:
		// Beside text, a timestamp is written as ISO text is most often
		// stored; other text costs a read, as any mismatch does.
		v = d.value(col, f.types[side], &field{kind: encTime, width: 26}, p)
	case f.kind == encFloat && c != engine.ClassFloat:
		// Beside a float, an exact number is compared as a double (as
		// reconcile compares it), so it is written as one.
		v = d.value(d.double(col), "DOUBLE", f, p)
	}
	if f.kind == encText {
		if f.trim {
			v = "trim(" + v + ")"
		}
		if f.lower {
			v = "lower(" + v + ")"
		}
		if f.nullEmpty {
			v = "coalesce(" + v + ", '')"
		}
		v = d.concat(d.octets(v), "':'", v)
	}
	return "coalesce(" + v + ", 'N')"
}

// rowHash is the checksum of a side's row over the fields.
func rowHash(d dialect, side int, fields []*field, p Policy) string {
	var parts []string
	for i, f := range fields {
		if i > 0 {
			parts = append(parts, "'|'")
		}
		parts = append(parts, encodeField(d, side, f, p))
	}
	return d.hash(d.concat(parts...))
}
