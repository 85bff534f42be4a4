//go:build duckdb_arrow

package dbdiff

import (
	"fmt"
	"strings"

	"github.com/plumb-data/plumb/engine"
)

// duckdb writes the checksum queries for a side read into DuckDB where
// plumb runs: a file, or a SQLite file (whose per-value types DuckDB
// holds as plumb loaded them, so SQLite needs no md5 of its own).
type duckdb struct{}

func (duckdb) name() string { return "duckdb" }

func (duckdb) ident(name string) string { return engine.Ident(name) }

func (duckdb) value(c, typ string, f *field, p Policy) string {
	switch f.kind {
	case encInt:
		return "CAST(" + c + " AS VARCHAR)"
	case encDecimal:
		return fmt.Sprintf("CAST(CAST(%s AS DECIMAL(38,%d)) AS VARCHAR)", c, f.scale)
	case encFloat:
		s := p.FloatScale
		if s <= 0 {
			return floatText(duckdb{}, c, func(e string) string { return `regexp_replace(CAST(` + e + ` AS VARCHAR), '\.0$', '')` }, "1e10",
				func(e string) string { return "replace(CAST(" + e + " AS VARCHAR), 'e+', 'e')" })
		}
		return fmt.Sprintf("CASE WHEN %[1]s = 0 THEN '0' WHEN abs(%[1]s) >= 1e-%[2]d AND abs(%[1]s) < 1e%[3]d THEN CAST(CAST(%[1]s AS DECIMAL(38,%[2]d)) AS VARCHAR) ELSE CAST(%[1]s AS VARCHAR) END", c, s, 15-s)
	case encBool:
		return "CASE WHEN " + c + " IS NULL THEN NULL WHEN " + c + " THEN '1' ELSE '0' END"
	case encTime:
		switch strings.ToUpper(typ) {
		case "DATE":
			return "strftime(" + c + ", '%Y-%m-%d')"
		case "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE":
			c = "timezone('UTC', " + c + ")"
		default:
			c = "CAST(" + c + " AS TIMESTAMP)"
		}
		return fmt.Sprintf("left(strftime(%s, '%%Y-%%m-%%d %%H:%%M:%%S.%%f'), %d)", c, f.width)
	case encBlob:
		return "lower(hex(" + c + "))"
	}
	return "CAST(" + c + " AS VARCHAR)"
}

func (duckdb) octets(e string) string { return "strlen(" + e + ")" }

func (duckdb) concat(parts ...string) string { return "(" + strings.Join(parts, " || ") + ")" }

func (duckdb) hash(row string) string {
	return "(CAST('0x' || substr(md5(" + row + "), 21) AS BIGINT) - 140737488355327)"
}

func (duckdb) sumText(h string) string { return "CAST(sum(" + h + ") AS VARCHAR)" }

func (duckdb) orderKey(c, typ string, k keyKind) string { return c }

func (duckdb) keyText(c, typ string, k keyKind) string {
	if k == keyTime {
		return duckdb{}.value(c, typ, &field{kind: encTime, width: 26}, Policy{})
	}
	return "CAST(" + c + " AS VARCHAR)"
}

func (duckdb) literal(v, typ string, k keyKind) string {
	switch k {
	case keyInt, keyDecimal:
		return v
	case keyTime:
		switch strings.ToUpper(typ) {
		case "DATE":
			return "DATE " + engine.Literal(v)
		case "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE":
			return "timezone('UTC', TIMESTAMP " + engine.Literal(v) + ")"
		}
		return "CAST(" + engine.Literal(v) + " AS " + typ + ")"
	}
	if strings.EqualFold(typ, "UUID") {
		return "CAST(" + engine.Literal(v) + " AS UUID)"
	}
	return engine.Literal(v)
}

func (duckdb) double(e string) string { return "CAST(" + e + " AS DOUBLE)" }
