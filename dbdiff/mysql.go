//go:build duckdb_arrow

package dbdiff

import (
	"encoding/hex"
	"fmt"
	"strings"
)

// mysql writes the checksum queries for MySQL and MariaDB. The session is
// in UTC (dbsource.ConnectText), so TIMESTAMP values are written in UTC;
// text is converted to utf8mb4 so that its bytes are those PostgreSQL
// and DuckDB hash; text keys compare as binary strings (byte order, no
// trailing-space padding), and their cut values are hex literals.
type mysql struct{}

func (mysql) name() string { return "mysql" }

func (mysql) ident(name string) string { return "`" + strings.ReplaceAll(name, "`", "``") + "`" }

func (mysql) value(c, typ string, f *field, p Policy) string {
	switch f.kind {
	case encInt:
		return "CAST(" + c + " AS CHAR)"
	case encDecimal:
		return fmt.Sprintf("CAST(CAST(%s AS DECIMAL(65,%d)) AS CHAR)", c, f.scale)
	case encFloat:
		s := p.FloatScale
		if s <= 0 {
			text := func(e string) string { return "CAST(" + e + " AS CHAR)" }
			return floatText(mysql{}, c, text, "1e10", text)
		}
		return fmt.Sprintf("CASE WHEN %[1]s = 0 THEN '0' WHEN ABS(%[1]s) >= 1e-%[2]d AND ABS(%[1]s) < 1e%[3]d THEN CAST(CAST(%[1]s AS DECIMAL(38,%[2]d)) AS CHAR) ELSE CAST(%[1]s AS CHAR) END", c, s, 15-s)
	case encBool:
		return "CASE WHEN " + c + " IS NULL THEN NULL WHEN " + c + " <> 0 THEN '1' ELSE '0' END"
	case encTime:
		if strings.EqualFold(typ, "DATE") {
			return "DATE_FORMAT(" + c + ", '%Y-%m-%d')"
		}
		return fmt.Sprintf("LEFT(DATE_FORMAT(%s, '%%Y-%%m-%%d %%H:%%i:%%s.%%f'), %d)", c, f.width)
	case encBlob:
		return "LOWER(HEX(" + c + "))"
	}
	return "CONVERT(" + c + " USING utf8mb4)"
}

func (mysql) octets(e string) string { return "LENGTH(" + e + ")" }

func (mysql) concat(parts ...string) string { return "CONCAT(" + strings.Join(parts, ", ") + ")" }

func (mysql) hash(row string) string {
	return "(CAST(CONV(SUBSTRING(MD5(" + row + "), 21), 16, 10) AS SIGNED) - 140737488355327)"
}

func (mysql) sumText(h string) string { return "CAST(SUM(" + h + ") AS CHAR)" }

func (mysql) orderKey(c, typ string, k keyKind) string {
	if k == keyText {
		return "CAST(CONVERT(" + c + " USING utf8mb4) AS BINARY)"
	}
	return c
}

func (mysql) keyText(c, typ string, k keyKind) string {
	if k == keyTime {
		return mysql{}.value(c, typ, &field{kind: encTime, width: 26}, Policy{})
	}
	return "CONVERT(" + c + " USING utf8mb4)"
}

func (mysql) literal(v, typ string, k keyKind) string {
	switch k {
	case keyInt, keyDecimal:
		return v
	case keyText:
		if v == "" {
			return "CAST('' AS BINARY)"
		}
		return "X'" + hex.EncodeToString([]byte(v)) + "'"
	}
	return "'" + v + "'"
}

func (mysql) double(e string) string { return "CAST(" + e + " AS DOUBLE)" }
