package dbsource

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/plumb-data/plumb/source"
)

// mysqlReader reads a MySQL or MariaDB table or query in a read-only
// transaction, over the binary protocol (a prepared statement: about
// twice as fast as the text protocol here). Cancelling ctx kills the
// query on the server (KILL QUERY from a second connection).
type mysqlReader struct {
	db      *sql.DB
	conn    *sql.Conn
	rows    *sql.Rows
	stmt    *sql.Stmt
	stop    func() bool
	cols    []Column
	conv    []convert
	catalog *source.Catalog
	raw     []any
	ptrs    []any
	err     error
	// page reads the next keyset page (nil: the source is read in one
	// query); key are the indexes of the primary key's columns, read
	// counts the rows of the current page.
	page *sql.Stmt
	key  []int
	read int
	ctx  context.Context
	// queryTypes are a query's column types as a table made from it
	// declares them (tinyint(1) tells a boolean).
	queryTypes map[string]string
}

// mysqlQueryTypes declares a query's columns as the server would in a
// table: an empty temporary table made from the query (LIMIT 0: the
// query is not run; as a derived table it can only be a SELECT), then
// dropped. Nil when that fails (no privilege to create temporary
// tables); the driver's types are used then.
func mysqlQueryTypes(ctx context.Context, conn *sql.Conn, query string, id int64) map[string]string {
	table := quoteBacktick("plumb_probe_" + strconv.FormatInt(id, 10))
	if _, err := conn.ExecContext(ctx, "CREATE TEMPORARY TABLE "+table+" AS SELECT * FROM ("+query+") AS q LIMIT 0"); err != nil {
		return nil
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "DROP TEMPORARY TABLE IF EXISTS "+table)
	rows, err := conn.QueryContext(ctx, "SHOW COLUMNS FROM "+table)
	if err != nil {
		return nil
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil || len(cols) < 2 {
		return nil
	}
	types := map[string]string{}
	vals := make([]sql.RawBytes, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if rows.Scan(ptrs...) != nil {
			return nil
		}
		types[string(vals[0])] = string(vals[1])
	}
	if rows.Err() != nil {
		return nil
	}
	return types
}

// mysqlPageRows is the size of a keyset page. A long result set read
// slowly can end in "unexpected EOF" (the server's net_write_timeout);
// pages ordered by the primary key avoid it, at no cost measured.
const mysqlPageRows = 50_000

// mysqlConfig is the driver's configuration for d: the password from
// the URL or MYSQL_PWD, d's params as the driver's DSN options (tls=…),
// and a UTC session, so that TIMESTAMP values arrive as UTC.
func mysqlConfig(d *source.Database) (*mysql.Config, error) {
	cfg := mysql.NewConfig()
	cfg.User, cfg.DBName, cfg.Net = d.User, d.Name, "tcp"
	cfg.Passwd = d.Password
	if !d.HasPassword {
		cfg.Passwd = os.Getenv("MYSQL_PWD")
	}
	host, port := d.Host, d.Port
	if host == "" {
		host = "127.0.0.1"
	}
	if port == 0 {
		port = 3306
	}
	cfg.Addr = net.JoinHostPort(host, strconv.Itoa(port))
	if len(d.Params) > 0 {
		q := url.Values{}
		for _, p := range d.Params {
			q.Add(p.Key, p.Value)
		}
		parsed, err := mysql.ParseDSN("/?" + q.Encode())
		if err != nil {
			return nil, err
		}
		cfg.TLSConfig, cfg.TLS, cfg.Params = parsed.TLSConfig, parsed.TLS, parsed.Params
		cfg.Timeout, cfg.ReadTimeout, cfg.Collation = parsed.Timeout, parsed.ReadTimeout, parsed.Collation
		cfg.AllowCleartextPasswords, cfg.AllowNativePasswords = parsed.AllowCleartextPasswords, parsed.AllowNativePasswords
	}
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	cfg.Params["time_zone"] = "'+00:00'"
	cfg.Loc, cfg.ParseTime = time.UTC, false
	return cfg, nil
}

func openMySQL(ctx context.Context, d *source.Database) (_ Reader, err error) {
	cfg, err := mysqlConfig(d)
	if err != nil {
		return nil, fmt.Errorf("mysql: %w", err)
	}
	if t := trafficOf(ctx); t != nil {
		cfg.DialFunc = t.dialer(cfg.DialFunc)
	}
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("mysql: %w", err)
	}
	r := &mysqlReader{db: sql.OpenDB(connector)}
	defer func() {
		if err != nil {
			r.Close()
		}
	}()
	if r.conn, err = r.db.Conn(ctx); err != nil {
		return nil, fmt.Errorf("mysql: %w", err)
	}
	var id int64
	if err := r.conn.QueryRowContext(ctx, "SELECT CONNECTION_ID()").Scan(&id); err != nil {
		return nil, fmt.Errorf("mysql: %w", err)
	}
	if d.Query != "" {
		// Before the transaction: MariaDB refuses temporary tables in a
		// read-only one.
		r.queryTypes = mysqlQueryTypes(ctx, r.conn, trimQuery(d.Query), id)
	}
	if _, err := r.conn.ExecContext(ctx, "START TRANSACTION READ ONLY"); err != nil {
		return nil, fmt.Errorf("mysql: begin a read-only transaction: %w", err)
	}
	if r.catalog, err = mysqlCatalog(ctx, r.conn, d); err != nil {
		return nil, err
	}
	// A cancelled read is stopped on the server, not only in the client.
	r.stop = context.AfterFunc(ctx, func() {
		kctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		r.db.ExecContext(kctx, "KILL QUERY "+strconv.FormatInt(id, 10))
	})
	r.ctx = ctx
	base, args := selectFrom(d, quoteBacktick), []any{}
	if d.Query == "" && len(r.catalog.PrimaryKey) > 0 {
		keys := make([]string, len(r.catalog.PrimaryKey))
		marks := make([]string, len(keys))
		for i, k := range r.catalog.PrimaryKey {
			keys[i], marks[i] = quoteBacktick(k), "?"
		}
		order := " ORDER BY " + strings.Join(keys, ", ") + " LIMIT ?"
		if r.page, err = r.conn.PrepareContext(ctx, base+" WHERE ("+strings.Join(keys, ", ")+") > ("+
			strings.Join(marks, ", ")+")"+order); err != nil {
			return nil, fmt.Errorf("mysql: %s: %w", r.catalog.Table, err)
		}
		base, args = base+order, []any{mysqlPageRows}
	}
	stmt, err := r.conn.PrepareContext(ctx, base)
	if err != nil {
		return nil, fmt.Errorf("mysql: %s: %w", r.catalog.Table, err)
	}
	r.stmt = stmt // closed after the rows: closing it first breaks the stream
	if r.rows, err = stmt.QueryContext(ctx, args...); err != nil {
		return nil, fmt.Errorf("mysql: %s: %w", r.catalog.Table, err)
	}
	types, err := r.rows.ColumnTypes()
	if err != nil {
		return nil, fmt.Errorf("mysql: %w", err)
	}
	declared := map[string]string{}
	for _, c := range r.catalog.Columns {
		declared[c.Name] = c.Type
	}
	for name, typ := range r.queryTypes {
		declared[name] = typ
	}
	for _, ct := range types {
		col, conv := mysqlColumn(ct, declared[ct.Name()])
		r.cols, r.conv = append(r.cols, col), append(r.conv, conv)
	}
	r.raw, r.ptrs = make([]any, len(types)), make([]any, len(types))
	for i := range r.raw {
		r.ptrs[i] = &r.raw[i]
	}
	for _, k := range r.catalog.PrimaryKey {
		for i, ct := range types {
			if ct.Name() == k {
				r.key = append(r.key, i)
			}
		}
	}
	if r.page != nil && len(r.key) != len(r.catalog.PrimaryKey) {
		return nil, fmt.Errorf("mysql: %s: the primary key's columns are not all read", r.catalog.Table)
	}
	r.catalog.Columns = mergeDeclared(r.catalog.Columns, r.cols)
	return r, nil
}

// mysqlColumn decides how a column loads from the driver's type name
// and, for a table, the declared type (which tells tinyint(1), a
// boolean, from a TINYINT).
func mysqlColumn(ct *sql.ColumnType, declared string) (Column, convert) {
	name, typ := ct.Name(), ct.DatabaseTypeName()
	col := Column{Name: name, Declared: declared}
	if col.Declared == "" {
		col.Declared = strings.ToLower(typ)
	}
	set := func(duck string, conv convert) (Column, convert) {
		col.Type = duck
		return col, conv
	}
	switch typ {
	case "TINYINT":
		if strings.HasPrefix(strings.ToLower(declared), "tinyint(1)") {
			return set("BOOLEAN", mysqlBool(name))
		}
		return set("TINYINT", intTo[int8](name))
	case "UNSIGNED TINYINT":
		return set("UTINYINT", uintTo[uint8](name))
	case "SMALLINT", "YEAR":
		return set("SMALLINT", intTo[int16](name))
	case "UNSIGNED SMALLINT":
		return set("USMALLINT", uintTo[uint16](name))
	case "MEDIUMINT", "INT":
		return set("INTEGER", intTo[int32](name))
	case "UNSIGNED MEDIUMINT", "UNSIGNED INT":
		return set("UINTEGER", uintTo[uint32](name))
	case "BIGINT":
		return set("BIGINT", intTo[int64](name))
	case "UNSIGNED BIGINT":
		return set("UBIGINT", uintTo[uint64](name))
	case "FLOAT":
		return set("FLOAT", floatTo(name, 32))
	case "DOUBLE":
		return set("DOUBLE", floatTo(name, 64))
	case "DECIMAL":
		p, s, ok := ct.DecimalSize()
		if !ok || p > 38 {
			col.Note = fmt.Sprintf("decimal(%d,%d) is wider than DuckDB's DECIMAL(38): loaded as its exact text", p, s)
			return set("VARCHAR", convString)
		}
		return set(fmt.Sprintf("DECIMAL(%d,%d)", p, s), decimalText(name, uint8(p), uint8(s)))
	case "DATE":
		return set("DATE", mysqlTime(name, "2006-01-02", false))
	case "DATETIME":
		return set("TIMESTAMP", mysqlTime(name, "2006-01-02 15:04:05.999999", false))
	case "TIMESTAMP":
		col.Note = "instants normalised to UTC"
		return set("TIMESTAMPTZ", mysqlTime(name, "2006-01-02 15:04:05.999999", true))
	case "TIME":
		col.Note = "a MySQL TIME is a duration (up to ±838 hours): loaded as an INTERVAL"
		return set("INTERVAL", mysqlDuration(name))
	case "JSON":
		return set("JSON", convString)
	case "BLOB", "TINYBLOB", "MEDIUMBLOB", "LONGBLOB", "BINARY", "VARBINARY", "BIT":
		return set("BLOB", convBytes)
	case "GEOMETRY":
		col.Note = "geometry: loaded as its internal binary (WKB with an SRID)"
		return set("BLOB", convBytes)
	case "ENUM", "SET":
		col.Note = strings.ToLower(typ) + ": loaded as its labels, as text"
		return set("VARCHAR", convString)
	}
	return set("VARCHAR", convString)
}

func convBytes(v any) (any, error) {
	switch v := v.(type) {
	case []byte:
		return append([]byte(nil), v...), nil
	case string:
		return []byte(v), nil
	}
	return []byte(fmt.Sprint(v)), nil
}

// text is a driver value as text: the binary protocol sends decimals,
// dates and big unsigned integers as bytes.
func text(v any) string {
	switch v := v.(type) {
	case []byte:
		return string(v)
	case string:
		return v
	}
	return fmt.Sprint(v)
}

func intTo[T int8 | int16 | int32 | int64](name string) convert {
	return func(v any) (any, error) {
		var n int64
		switch v := v.(type) {
		case int64:
			n = v
		default:
			var err error
			if n, err = strconv.ParseInt(text(v), 10, 64); err != nil {
				return nil, &ValueError{Column: name, Value: text(v), Reason: "not an integer"}
			}
		}
		if int64(T(n)) != n {
			return nil, &ValueError{Column: name, Value: text(v), Reason: "out of range"}
		}
		return T(n), nil
	}
}

// uintTo keeps unsigned integers whole, BIGINT UNSIGNED past int64 too
// (the driver sends those as text).
func uintTo[T uint8 | uint16 | uint32 | uint64](name string) convert {
	return func(v any) (any, error) {
		var n uint64
		switch v := v.(type) {
		case int64:
			if v < 0 {
				return nil, &ValueError{Column: name, Value: text(v), Reason: "negative"}
			}
			n = uint64(v)
		case uint64:
			n = v
		default:
			var err error
			if n, err = strconv.ParseUint(text(v), 10, 64); err != nil {
				return nil, &ValueError{Column: name, Value: text(v), Reason: "not an unsigned integer"}
			}
		}
		if uint64(T(n)) != n {
			return nil, &ValueError{Column: name, Value: text(v), Reason: "out of range"}
		}
		return T(n), nil
	}
}

func floatTo(name string, bits int) convert {
	return func(v any) (any, error) {
		switch v := v.(type) {
		case float32:
			if bits == 32 {
				return v, nil
			}
			return float64(v), nil
		case float64:
			if bits == 32 {
				return float32(v), nil
			}
			return v, nil
		}
		f, err := strconv.ParseFloat(text(v), bits)
		if err != nil {
			return nil, &ValueError{Column: name, Value: text(v), Reason: "not a number"}
		}
		if bits == 32 {
			return float32(f), nil
		}
		return f, nil
	}
}

func mysqlBool(name string) convert {
	return func(v any) (any, error) {
		switch text(v) {
		case "0":
			return false, nil
		case "1":
			return true, nil
		}
		return nil, &ValueError{Column: name, Value: text(v), Reason: "tinyint(1) holds a value other than 0 and 1"}
	}
}

func decimalText(name string, width, scale uint8) convert {
	return func(v any) (any, error) {
		d, err := parseDecimal(text(v), width, scale)
		if err != nil {
			return nil, &ValueError{Column: name, Value: text(v), Reason: err.Error()}
		}
		return d, nil
	}
}

// mysqlTime parses the binary protocol's date and time text; zero dates
// (0000-00-00, or a zero month or day) have no calendar value and are
// reported, not guessed.
func mysqlTime(name, layout string, utc bool) convert {
	return func(v any) (any, error) {
		s := text(v)
		if strings.HasPrefix(s, "0000-00-00") || strings.Contains(s[:min(len(s), 10)], "-00") {
			return nil, &ValueError{Column: name, Value: s, Reason: "a MySQL zero date has no calendar value"}
		}
		l := layout
		if len(s) <= 10 {
			l = "2006-01-02"
		}
		t, err := time.ParseInLocation(l, s, time.UTC)
		if err != nil {
			return nil, &ValueError{Column: name, Value: s, Reason: "not a date or time"}
		}
		return t, nil
	}
}

// mysqlDuration reads a TIME ([-]HHH:MM:SS[.ffffff]) as an interval.
func mysqlDuration(name string) convert {
	return func(v any) (any, error) {
		s := text(v)
		neg := strings.HasPrefix(s, "-")
		parts := strings.Split(strings.TrimPrefix(s, "-"), ":")
		if len(parts) != 3 {
			return nil, &ValueError{Column: name, Value: s, Reason: "not a time"}
		}
		h, err1 := strconv.ParseInt(parts[0], 10, 64)
		m, err2 := strconv.ParseInt(parts[1], 10, 64)
		_, err3 := strconv.ParseFloat(parts[2], 64)
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, &ValueError{Column: name, Value: s, Reason: "not a time"}
		}
		whole, frac, _ := strings.Cut(parts[2], ".")
		frac = (frac + "000000")[:6]
		ws, _ := strconv.ParseInt(whole, 10, 64)
		us, _ := strconv.ParseInt(frac, 10, 64)
		micros := ((h*60+m)*60+ws)*1_000_000 + us
		if neg {
			micros = -micros
		}
		return Interval{Micros: micros}, nil
	}
}

func (r *mysqlReader) Columns() []Column        { return r.cols }
func (r *mysqlReader) Catalog() *source.Catalog { return r.catalog }

func (r *mysqlReader) Next() bool {
	if r.rows == nil {
		return false
	}
	if !r.rows.Next() && !r.nextPage() {
		return false
	}
	r.read++
	r.err = r.rows.Scan(r.ptrs...)
	return r.err == nil
}

// nextPage starts the keyset page after the current row, when the
// current page was full; it reports whether that page has a row.
func (r *mysqlReader) nextPage() bool {
	if r.page == nil || r.read < mysqlPageRows || r.rows.Err() != nil {
		return false
	}
	args := make([]any, 0, len(r.key)+1)
	for _, i := range r.key {
		args = append(args, r.raw[i])
	}
	if r.err = r.rows.Close(); r.err != nil {
		return false
	}
	if r.rows, r.err = r.page.QueryContext(r.ctx, append(args, mysqlPageRows)...); r.err != nil {
		r.rows = nil
		return false
	}
	r.read = 0
	return r.rows.Next()
}

func (r *mysqlReader) Row(dst []any) error { return convertRow(r.raw, r.conv, dst) }

func (r *mysqlReader) Text() string { return rowText(r.raw) }

func (r *mysqlReader) Err() error {
	if r.err != nil {
		return r.err
	}
	if r.rows != nil {
		return r.rows.Err()
	}
	return nil
}

func (r *mysqlReader) Close() error {
	var errs []error
	if r.rows != nil {
		errs = append(errs, r.rows.Close())
	}
	if r.stmt != nil {
		errs = append(errs, r.stmt.Close())
	}
	if r.page != nil {
		errs = append(errs, r.page.Close())
	}
	if r.stop != nil {
		r.stop()
	}
	if r.conn != nil {
		r.conn.ExecContext(context.Background(), "ROLLBACK")
		errs = append(errs, r.conn.Close())
	}
	errs = append(errs, r.db.Close())
	return errors.Join(errs...)
}
