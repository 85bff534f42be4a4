package dbsource

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/plumb-data/plumb/source"
)

// postgresReader reads a PostgreSQL table or query in a read-only
// transaction, over pgx's binary protocol. pgx sends a cancel request
// to the server when ctx is cancelled.
type postgresReader struct {
	conn    *pgx.Conn
	tx      pgx.Tx
	rows    pgx.Rows
	cols    []Column
	conv    []convert
	catalog *source.Catalog
	raw     []any
	err     error
}

// convert turns a driver value (never nil) into the column's Go value.
type convert func(v any) (any, error)

// postgresURL is the connection string for pgx: d's URL without table=
// or query=. pgx reads what it leaves out from the environment (PGHOST,
// PGUSER, PGPASSWORD, PGSERVICE, PGSSLMODE, ~/.pgpass).
func postgresURL(d *source.Database) string {
	u := url.URL{Scheme: "postgres", Path: "/" + d.Name}
	if d.Host != "" {
		u.Host = d.Host
		if strings.Contains(d.Host, ":") {
			u.Host = "[" + d.Host + "]"
		}
		if d.Port != 0 {
			u.Host = net.JoinHostPort(d.Host, strconv.Itoa(d.Port))
		}
	}
	switch {
	case d.HasPassword:
		u.User = url.UserPassword(d.User, d.Password)
	case d.User != "":
		u.User = url.User(d.User)
	}
	q := url.Values{}
	for _, p := range d.Params {
		q.Add(p.Key, p.Value)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func openPostgres(ctx context.Context, d *source.Database) (_ Reader, err error) {
	cfg, err := pgx.ParseConfig(postgresURL(d))
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	r := &postgresReader{conn: conn}
	defer func() {
		if err != nil {
			r.Close()
		}
	}()
	if r.tx, err = conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly}); err != nil {
		return nil, fmt.Errorf("postgres: begin a read-only transaction: %w", err)
	}
	if r.catalog, err = postgresCatalog(ctx, r.tx, d); err != nil {
		return nil, err
	}
	base := selectFrom(d, quoteDouble)
	sd, err := r.tx.Prepare(ctx, "", base)
	if err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", r.catalog.Table, err)
	}
	selects := make([]string, len(sd.Fields))
	cast := false
	for i, f := range sd.Fields {
		var declared, kind string
		if err := r.tx.QueryRow(ctx, "SELECT format_type($1::oid, $2::int), t.typtype FROM pg_type t WHERE t.oid = $1::oid",
			f.DataTypeOID, f.TypeModifier).Scan(&declared, &kind); err != nil {
			return nil, fmt.Errorf("postgres: type of column %s: %w", f.Name, err)
		}
		col, conv, asText := postgresColumn(f.Name, f.DataTypeOID, f.TypeModifier, declared, kind)
		r.cols, r.conv = append(r.cols, col), append(r.conv, conv)
		selects[i] = "q." + quoteDouble(f.Name)
		if asText {
			selects[i] += "::text"
			cast = true
		}
	}
	query := base
	if cast {
		query = "SELECT " + strings.Join(selects, ", ") + " FROM (" + base + ") AS q"
	}
	if r.rows, err = r.tx.Query(ctx, query); err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", r.catalog.Table, err)
	}
	r.catalog.Columns = mergeDeclared(r.catalog.Columns, r.cols)
	return r, nil
}

// postgresColumn decides how a column loads: its DuckDB type, the
// conversion of its values, and whether the server should send it as
// text (for types plumb keeps as PostgreSQL writes them).
func postgresColumn(name string, oid uint32, typmod int32, declared, kind string) (Column, convert, bool) {
	col := Column{Name: name, Declared: declared}
	asText := func(note string) (Column, convert, bool) {
		col.Type, col.Note = "VARCHAR", note
		return col, convString, true
	}
	switch oid {
	case pgtype.BoolOID:
		col.Type = "BOOLEAN"
		return col, same, false
	case pgtype.Int2OID:
		col.Type = "SMALLINT"
		return col, same, false
	case pgtype.Int4OID:
		col.Type = "INTEGER"
		return col, same, false
	case pgtype.Int8OID:
		col.Type = "BIGINT"
		return col, same, false
	case pgtype.Float4OID:
		col.Type = "FLOAT"
		return col, same, false
	case pgtype.Float8OID:
		col.Type = "DOUBLE"
		return col, same, false
	case pgtype.NumericOID:
		if typmod < 4 {
			return asText("numeric without a declared precision: loaded as its exact text")
		}
		p, s := (typmod-4)>>16, (typmod-4)&0xffff
		if p > 38 || s > p {
			return asText(fmt.Sprintf("numeric(%d,%d) is wider than DuckDB's DECIMAL(38): loaded as its exact text", p, s))
		}
		col.Type = fmt.Sprintf("DECIMAL(%d,%d)", p, s)
		return col, numericTo(name, uint8(p), uint8(s)), false
	case pgtype.TextOID, pgtype.VarcharOID, pgtype.BPCharOID, pgtype.NameOID:
		col.Type = "VARCHAR"
		return col, convString, false
	case pgtype.ByteaOID:
		col.Type = "BLOB"
		return col, same, false
	case pgtype.UUIDOID:
		col.Type = "UUID"
		return col, same, false
	case pgtype.JSONOID, pgtype.JSONBOID:
		col.Type = "JSON"
		return col, convString, true
	case pgtype.DateOID:
		col.Type = "DATE"
		return col, timeTo(name, false), false
	case pgtype.TimestampOID:
		col.Type = "TIMESTAMP"
		return col, timeTo(name, false), false
	case pgtype.TimestamptzOID:
		col.Type, col.Note = "TIMESTAMPTZ", "instants normalised to UTC"
		return col, timeTo(name, true), false
	case pgtype.TimeOID:
		col.Type = "TIME"
		return col, pgTime(name), false
	case pgtype.IntervalOID:
		col.Type = "INTERVAL"
		return col, pgInterval, false
	case pgtype.Int2ArrayOID:
		col.Type = "SMALLINT[]"
		return col, list(name), false
	case pgtype.Int4ArrayOID:
		col.Type = "INTEGER[]"
		return col, list(name), false
	case pgtype.Int8ArrayOID:
		col.Type = "BIGINT[]"
		return col, list(name), false
	case pgtype.Float4ArrayOID:
		col.Type = "FLOAT[]"
		return col, list(name), false
	case pgtype.Float8ArrayOID:
		col.Type = "DOUBLE[]"
		return col, list(name), false
	case pgtype.BoolArrayOID:
		col.Type = "BOOLEAN[]"
		return col, list(name), false
	case pgtype.TextArrayOID, pgtype.VarcharArrayOID, pgtype.BPCharArrayOID:
		col.Type = "VARCHAR[]"
		return col, list(name), false
	}
	if kind == "e" {
		return asText("enum: loaded as its labels, as text")
	}
	return asText(declared + " has no DuckDB type: loaded as PostgreSQL's text for it")
}

func same(v any) (any, error) { return v, nil }

func convString(v any) (any, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case []byte:
		return string(v), nil
	}
	return fmt.Sprint(v), nil
}

// numericTo converts a pgtype.Numeric to a Decimal at the column's
// scale; NaN and infinities have no DECIMAL value.
func numericTo(name string, width, scale uint8) convert {
	return func(v any) (any, error) {
		n, ok := v.(pgtype.Numeric)
		if !ok {
			return nil, &ValueError{Column: name, Value: fmt.Sprint(v), Reason: "not a numeric"}
		}
		if n.NaN || n.InfinityModifier != pgtype.Finite {
			text, _ := n.MarshalJSON()
			return nil, &ValueError{Column: name, Value: strings.Trim(string(text), `"`), Reason: "has no DECIMAL value"}
		}
		shift := int64(n.Exp) + int64(scale)
		val := new(big.Int).Set(n.Int)
		if shift > 0 {
			val.Mul(val, new(big.Int).Exp(big.NewInt(10), big.NewInt(shift), nil))
		} else if shift < 0 {
			div, mod := new(big.Int).QuoRem(val, new(big.Int).Exp(big.NewInt(10), big.NewInt(-shift), nil), new(big.Int))
			if mod.Sign() != 0 {
				return nil, &ValueError{Column: name, Value: n.Int.String() + "e" + strconv.Itoa(int(n.Exp)), Reason: "more digits than the column's scale"}
			}
			val = div
		}
		return Decimal{Width: width, Scale: scale, Value: val}, nil
	}
}

// timeTo passes time.Time on (in UTC for instants); infinity has no
// DuckDB value plumb can keep.
func timeTo(name string, utc bool) convert {
	return func(v any) (any, error) {
		t, ok := v.(time.Time)
		if !ok {
			return nil, &ValueError{Column: name, Value: fmt.Sprint(v), Reason: "not a calendar value (infinity?)"}
		}
		if utc {
			t = t.UTC()
		}
		return t, nil
	}
}

func pgTime(name string) convert {
	return func(v any) (any, error) {
		t, ok := v.(pgtype.Time)
		if !ok || t.Microseconds >= 24*time.Hour.Microseconds() {
			return nil, &ValueError{Column: name, Value: fmt.Sprint(v), Reason: "not a time of day DuckDB's TIME holds"}
		}
		return time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(t.Microseconds) * time.Microsecond), nil
	}
}

func pgInterval(v any) (any, error) {
	i := v.(pgtype.Interval)
	return Interval{Months: i.Months, Days: i.Days, Micros: i.Microseconds}, nil
}

// list passes a one-dimensional array on as a list.
func list(name string) convert {
	return func(v any) (any, error) {
		l, ok := v.([]any)
		if !ok {
			return nil, &ValueError{Column: name, Value: fmt.Sprint(v), Reason: "not an array"}
		}
		for _, e := range l {
			if _, nested := e.([]any); nested {
				return nil, &ValueError{Column: name, Value: fmt.Sprint(v), Reason: "multi-dimensional arrays are not loaded"}
			}
		}
		return l, nil
	}
}

func (r *postgresReader) Columns() []Column        { return r.cols }
func (r *postgresReader) Catalog() *source.Catalog { return r.catalog }

func (r *postgresReader) Next() bool {
	if r.rows == nil || !r.rows.Next() {
		return false
	}
	r.raw, r.err = r.rows.Values()
	return r.err == nil
}

func (r *postgresReader) Row(dst []any) error {
	var first error
	for i, v := range r.raw {
		if v == nil {
			dst[i] = nil
			continue
		}
		out, err := r.conv[i](v)
		if err != nil && first == nil {
			first = err
		}
		dst[i] = out
	}
	return first
}

func (r *postgresReader) Text() string { return rowText(r.raw) }

func (r *postgresReader) Err() error {
	if r.err != nil {
		return r.err
	}
	if r.rows != nil {
		return r.rows.Err()
	}
	return nil
}

func (r *postgresReader) Close() error {
	if r.rows != nil {
		r.rows.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var errs []error
	if r.tx != nil {
		errs = append(errs, r.tx.Rollback(ctx))
	}
	errs = append(errs, r.conn.Close(ctx))
	if err := errors.Join(errs...); err != nil && !errors.Is(err, pgx.ErrTxClosed) {
		return err
	}
	return nil
}

// mergeDeclared completes the catalog's columns (from the table's
// definition, when there is one) with how each column loaded.
func mergeDeclared(declared []source.DeclaredColumn, cols []Column) []source.DeclaredColumn {
	byName := map[string]source.DeclaredColumn{}
	for _, c := range declared {
		byName[c.Name] = c
	}
	out := make([]source.DeclaredColumn, len(cols))
	for i, c := range cols {
		d, ok := byName[c.Name]
		if !ok {
			d = source.DeclaredColumn{Name: c.Name, Type: c.Declared}
		}
		d.LoadedAs, d.Note = c.Type, c.Note
		out[i] = d
	}
	return out
}
