package dbsource

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/plumb-data/plumb/source"
)

// clickhouseReader reads a ClickHouse table or query over the native
// protocol (clickhouse-go). Every value comes as the server's text
// (toString, date-times in UTC) and is parsed into the column's type:
// one path for every ClickHouse type, old servers (18.16) included.
type clickhouseReader struct {
	db      *sql.DB
	rows    *sql.Rows
	cols    []Column
	conv    []convert
	catalog *source.Catalog
	raw     []sql.NullString
	ptrs    []any
	vals    []any
	err     error
}

// clickhouseDB opens a session pool on d's server: port 9000 unless
// given, the password from the URL or CLICKHOUSE_PASSWORD.
func clickhouseDB(d *source.Database) *sql.DB {
	host, port := d.Host, d.Port
	if host == "" {
		host = "127.0.0.1"
	}
	if port == 0 {
		port = 9000
	}
	opts := &clickhouse.Options{Addr: []string{net.JoinHostPort(host, strconv.Itoa(port))},
		Auth:        clickhouse.Auth{Database: d.Name, Username: d.User, Password: d.Password},
		DialTimeout: 10 * time.Second}
	if opts.Auth.Username == "" {
		opts.Auth.Username = "default"
	}
	if !d.HasPassword {
		opts.Auth.Password = getenv("CLICKHOUSE_PASSWORD")
	}
	return clickhouse.OpenDB(opts)
}

func openClickHouse(ctx context.Context, d *source.Database) (_ Reader, err error) {
	r := &clickhouseReader{db: clickhouseDB(d)}
	defer func() {
		if err != nil {
			r.Close()
		}
	}()
	if r.catalog, err = clickhouseCatalog(ctx, r.db, d); err != nil {
		return nil, err
	}
	base := selectFrom(d, quoteBacktick)
	probe, err := r.db.QueryContext(ctx, "SELECT * FROM ("+base+") LIMIT 0")
	if err != nil {
		return nil, fmt.Errorf("clickhouse: %s: %w", r.catalog.Table, err)
	}
	types, err := probe.ColumnTypes()
	probe.Close()
	if err != nil {
		return nil, fmt.Errorf("clickhouse: %s: %w", r.catalog.Table, err)
	}
	selects := make([]string, len(types))
	for i, ct := range types {
		col, conv := clickhouseColumn(ct.Name(), ct.DatabaseTypeName())
		r.cols, r.conv = append(r.cols, col), append(r.conv, conv)
		q := quoteBacktick(ct.Name())
		if strings.HasPrefix(unwrapCH(ct.DatabaseTypeName()), "DateTime") {
			selects[i] = "toString(" + q + ", 'UTC')"
		} else {
			selects[i] = "toString(" + q + ")"
		}
	}
	// A MergeTree table is read on several streams at once: rows are
	// numbered in the order of its key, the same on every read.
	order := ""
	if d.Query == "" && len(r.catalog.PrimaryKey) > 0 {
		keys := make([]string, len(r.catalog.PrimaryKey))
		for i, k := range r.catalog.PrimaryKey {
			keys[i] = quoteBacktick(k)
		}
		order = " ORDER BY " + strings.Join(keys, ", ")
	}
	if r.rows, err = r.db.QueryContext(ctx, "SELECT "+strings.Join(selects, ", ")+" FROM ("+base+")"+order); err != nil {
		return nil, fmt.Errorf("clickhouse: %s: %w", r.catalog.Table, err)
	}
	r.raw, r.ptrs, r.vals = make([]sql.NullString, len(types)), make([]any, len(types)), make([]any, len(types))
	for i := range r.raw {
		r.ptrs[i] = &r.raw[i]
	}
	r.catalog.Columns = mergeDeclared(r.catalog.Columns, r.cols)
	return r, nil
}

// unwrapCH drops Nullable(…) and LowCardinality(…) from a type name.
func unwrapCH(t string) string {
	for _, w := range []string{"Nullable(", "LowCardinality("} {
		for strings.HasPrefix(t, w) && strings.HasSuffix(t, ")") {
			t = t[len(w) : len(t)-1]
		}
	}
	return t
}

var chDecimal = regexp.MustCompile(`^Decimal(?:32|64|128)?\((\d+),\s*(\d+)\)$`)

// clickhouseColumn decides how a column of ClickHouse type typ loads.
func clickhouseColumn(name, typ string) (Column, convert) {
	col := Column{Name: name, Declared: typ}
	set := func(duck string, conv convert) (Column, convert) {
		col.Type = duck
		return col, conv
	}
	t := unwrapCH(typ)
	switch t {
	case "Int8":
		return set("TINYINT", intTo[int8](name))
	case "Int16":
		return set("SMALLINT", intTo[int16](name))
	case "Int32":
		return set("INTEGER", intTo[int32](name))
	case "Int64":
		return set("BIGINT", intTo[int64](name))
	case "UInt8":
		return set("UTINYINT", uintTo[uint8](name))
	case "UInt16":
		return set("USMALLINT", uintTo[uint16](name))
	case "UInt32":
		return set("UINTEGER", uintTo[uint32](name))
	case "UInt64":
		return set("UBIGINT", uintTo[uint64](name))
	case "Float32":
		return set("FLOAT", floatTo(name, 32))
	case "Float64":
		return set("DOUBLE", floatTo(name, 64))
	case "Date":
		return set("DATE", mysqlTime(name, "2006-01-02", false))
	case "UUID":
		return set("UUID", convString)
	case "String":
		return set("VARCHAR", convString)
	}
	switch {
	case strings.HasPrefix(t, "DateTime"):
		col.Note = "instants normalised to UTC"
		return set("TIMESTAMPTZ", mysqlTime(name, "2006-01-02 15:04:05.999999", true))
	case chDecimal.MatchString(t):
		m := chDecimal.FindStringSubmatch(t)
		p, _ := strconv.Atoi(m[1])
		s, _ := strconv.Atoi(m[2])
		if p <= 38 {
			return set(fmt.Sprintf("DECIMAL(%d,%d)", p, s), decimalText(name, uint8(p), uint8(s)))
		}
	case strings.HasPrefix(t, "FixedString"), strings.HasPrefix(t, "Enum"):
	default:
		col.Note = t + ": loaded as ClickHouse's text for it"
	}
	return set("VARCHAR", convString)
}

// clickhouseCatalog reads the server's version and, for a table, its
// columns and the rows of its active parts (MergeTree) as the estimate.
func clickhouseCatalog(ctx context.Context, db *sql.DB, d *source.Database) (*source.Catalog, error) {
	c := &source.Catalog{Table: d.TableName()}
	var version string
	if err := db.QueryRowContext(ctx, "SELECT version()").Scan(&version); err != nil {
		return nil, fmt.Errorf("clickhouse: %w", err)
	}
	c.Server = "ClickHouse " + version
	if d.Query != "" {
		return c, nil
	}
	schema, table := d.Name, d.Table[len(d.Table)-1]
	if len(d.Table) > 1 {
		schema = d.Table[len(d.Table)-2]
	}
	if schema == "" {
		schema = "default"
	}
	c.Table = schema + "." + table
	rows, err := db.QueryContext(ctx, "SELECT name, type, toString(is_in_primary_key) FROM system.columns WHERE database = "+
		chString(schema)+" AND table = "+chString(table))
	if err != nil {
		return nil, fmt.Errorf("clickhouse: columns of %s: %w", c.Table, err)
	}
	defer rows.Close()
	for rows.Next() {
		var col source.DeclaredColumn
		var key string
		if err := rows.Scan(&col.Name, &col.Type, &key); err != nil {
			return nil, err
		}
		nullable := strings.HasPrefix(col.Type, "Nullable(")
		col.Nullable = &nullable
		c.Columns = append(c.Columns, col)
		if key == "1" {
			c.PrimaryKey = append(c.PrimaryKey, col.Name)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(c.Columns) == 0 {
		return nil, fmt.Errorf("clickhouse: no table %s", c.Table)
	}
	var parts sql.NullString
	if err := db.QueryRowContext(ctx, "SELECT toString(sum(rows)) FROM system.parts WHERE active AND database = "+
		chString(schema)+" AND table = "+chString(table)).Scan(&parts); err == nil && parts.Valid {
		if n, err := strconv.ParseInt(parts.String, 10, 64); err == nil && n > 0 {
			c.RowEstimate = &n
		}
	}
	return c, nil
}

// chString writes a ClickHouse string literal (backslashes escape).
func chString(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	return "'" + strings.ReplaceAll(s, "'", `\'`) + "'"
}

func (r *clickhouseReader) Columns() []Column        { return r.cols }
func (r *clickhouseReader) Catalog() *source.Catalog { return r.catalog }

func (r *clickhouseReader) Next() bool {
	if r.err != nil || !r.rows.Next() {
		return false
	}
	if r.err = r.rows.Scan(r.ptrs...); r.err != nil {
		return false
	}
	for i, v := range r.raw {
		if v.Valid {
			r.vals[i] = v.String
		} else {
			r.vals[i] = nil
		}
	}
	return true
}

func (r *clickhouseReader) Row(dst []any) error { return convertRow(r.vals, r.conv, dst) }
func (r *clickhouseReader) Text() string        { return rowText(r.vals) }

func (r *clickhouseReader) Err() error {
	if r.err != nil {
		return fmt.Errorf("clickhouse: %w", r.err)
	}
	if err := r.rows.Err(); err != nil {
		return fmt.Errorf("clickhouse: %w", err)
	}
	return nil
}

func (r *clickhouseReader) Close() error {
	if r.rows != nil {
		r.rows.Close()
	}
	return r.db.Close()
}
