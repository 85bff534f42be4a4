package engine

import "strings"

// TypeClass groups DuckDB's types by what can be done with their values.
// It is the one table of DuckDB type names in plumb.
type TypeClass int

// The type classes.
const (
	ClassOther TypeClass = iota
	ClassText
	ClassInteger // signed and unsigned integers of every width
	ClassFloat
	ClassDecimal
	ClassBoolean
	ClassDate
	ClassTimestamp // with or without time zone, any precision
	ClassTime
	ClassInterval
	ClassBlob
	ClassNested // LIST, STRUCT, MAP, UNION, ARRAY
)

var classNames = [...]string{"other", "text", "integer", "float", "decimal", "boolean", "date", "timestamp", "time", "interval", "blob", "nested"}

func (c TypeClass) String() string {
	if int(c) < len(classNames) {
		return classNames[c]
	}
	return "other"
}

// IsNumeric reports whether values of the class are numbers.
func (c TypeClass) IsNumeric() bool {
	return c == ClassInteger || c == ClassFloat || c == ClassDecimal
}

// IsTemporal reports whether values of the class are points in time.
func (c TypeClass) IsTemporal() bool {
	return c == ClassDate || c == ClassTimestamp || c == ClassTime
}

// Classify returns the class of a DuckDB type as DESCRIBE spells it
// ("DECIMAL(12,2)", "TIMESTAMP WITH TIME ZONE", "VARCHAR[]").
func Classify(duckdbType string) TypeClass {
	t := strings.ToUpper(strings.TrimSpace(duckdbType))
	if strings.HasSuffix(t, "]") {
		return ClassNested
	}
	base, _, _ := strings.Cut(t, "(")
	switch strings.TrimSpace(base) {
	case "VARCHAR", "TEXT", "STRING", "CHAR", "BPCHAR", "UUID", "JSON", "ENUM":
		return ClassText
	case "TINYINT", "SMALLINT", "INTEGER", "INT", "BIGINT", "HUGEINT",
		"UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT",
		"INT1", "INT2", "INT4", "INT8", "INT16", "INT32", "INT64", "INT128":
		return ClassInteger
	case "FLOAT", "REAL", "DOUBLE", "FLOAT4", "FLOAT8":
		return ClassFloat
	case "DECIMAL", "NUMERIC":
		return ClassDecimal
	case "BOOLEAN", "BOOL":
		return ClassBoolean
	case "DATE":
		return ClassDate
	case "TIMESTAMP", "DATETIME", "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ",
		"TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "TIMESTAMP_US":
		return ClassTimestamp
	case "TIME", "TIME WITH TIME ZONE", "TIMETZ", "TIME_NS":
		return ClassTime
	case "INTERVAL":
		return ClassInterval
	case "BLOB", "BYTEA", "BINARY", "VARBINARY", "BIT", "BITSTRING":
		return ClassBlob
	case "STRUCT", "MAP", "LIST", "UNION", "ARRAY":
		return ClassNested
	}
	if strings.HasPrefix(t, "ENUM") {
		return ClassText
	}
	return ClassOther
}
