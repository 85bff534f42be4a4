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
	"github.com/jackc/pgx/v5/pgconn"
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
	// nested are the columns of arrays of more than one dimension,
	// which pgx's Values flattens: they are decoded again, with their
	// dimensions, from the raw values.
	nested []int
}

// convert turns a driver value (never nil) into the column's Go value.
type convert func(v any) (any, error)

// convertRow converts a row's raw values into dst (NULL stays NULL) and
// returns the first value that would not convert; the row's other
// values are converted all the same.
func convertRow(raw []any, conv []convert, dst []any) error {
	var first error
	for i, v := range raw {
		if v == nil {
			dst[i] = nil
			continue
		}
		out, err := conv[i](v)
		if err != nil && first == nil {
			first = err
		}
		dst[i] = out
	}
	return first
}

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
	if t := trafficOf(ctx); t != nil {
		cfg.DialFunc = t.dialer(cfg.DialFunc)
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
	var arrays []int
	for i, f := range sd.Fields {
		t, err := postgresTypeOf(ctx, r.tx, f.DataTypeOID, f.TypeModifier)
		if err != nil {
			return nil, fmt.Errorf("postgres: type of column %s: %w", f.Name, err)
		}
		if t.oid == moneyOID {
			if err := r.tx.QueryRow(ctx, "SELECT scale(0::money::numeric)").Scan(&t.moneyScale); err != nil {
				return nil, fmt.Errorf("postgres: the scale of money: %w", err)
			}
		}
		if t.elem != nil {
			arrays = append(arrays, i)
		}
		col, conv, serverCast := postgresColumn(f.Name, t, 1)
		r.cols, r.conv = append(r.cols, col), append(r.conv, conv)
		selects[i] = "q." + quoteDouble(f.Name)
		if serverCast != "" {
			selects[i] += serverCast
			cast = true
		}
	}
	if err := r.arrayDims(ctx, base, sd.Fields, arrays); err != nil {
		return nil, err
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

// moneyOID is PostgreSQL's money type.
const moneyOID = 790

// pgType is what the server says of a column's type.
type pgType struct {
	oid      uint32
	typmod   int32
	declared string
	// kind is pg_type.typtype ('e' for an enum).
	kind string
	// elem is an array's element type; dims its dimensions.
	elem *pgType
	dims int
	// moneyScale is the digits after the point of money, from the
	// server's lc_monetary.
	moneyScale int32
}

// postgresTypeOf reads a type's name, kind and, for an array, its
// element type from pg_type.
func postgresTypeOf(ctx context.Context, tx pgx.Tx, oid uint32, typmod int32) (*pgType, error) {
	t := &pgType{oid: oid, typmod: typmod, dims: 1}
	var elem uint32
	var category string
	if err := tx.QueryRow(ctx, "SELECT format_type($1::oid, $2::int), t.typtype, t.typelem, t.typcategory FROM pg_type t WHERE t.oid = $1::oid",
		oid, typmod).Scan(&t.declared, &t.kind, &elem, &category); err != nil {
		return nil, err
	}
	if category == "A" && elem != 0 {
		e, err := postgresTypeOf(ctx, tx, elem, typmod)
		if err != nil {
			return nil, err
		}
		t.elem = e
	}
	return t, nil
}

// arrayDims finds, in one scan, how many dimensions the arrays of each
// array column have (PostgreSQL's types do not say: an integer[] may
// hold a matrix), and sets those columns' types and conversions.
func (r *postgresReader) arrayDims(ctx context.Context, base string, fields []pgconn.FieldDescription, arrays []int) error {
	var lists []int
	for _, i := range arrays {
		if strings.HasSuffix(r.cols[i].Type, "[]") {
			lists = append(lists, i)
		}
	}
	if len(lists) == 0 {
		return nil
	}
	exprs := make([]string, len(lists))
	dims := make([]any, len(lists))
	vals := make([]*int32, len(lists))
	for k, i := range lists {
		exprs[k] = "max(array_ndims(q." + quoteDouble(fields[i].Name) + "))"
		dims[k] = &vals[k]
	}
	if err := r.tx.QueryRow(ctx, "SELECT "+strings.Join(exprs, ", ")+" FROM ("+base+") AS q").Scan(dims...); err != nil {
		return fmt.Errorf("postgres: dimensions of arrays: %w", err)
	}
	for k, i := range lists {
		if vals[k] == nil || *vals[k] <= 1 {
			continue
		}
		t, err := postgresTypeOf(ctx, r.tx, fields[i].DataTypeOID, fields[i].TypeModifier)
		if err != nil {
			return fmt.Errorf("postgres: type of column %s: %w", fields[i].Name, err)
		}
		col, conv, _ := postgresColumn(fields[i].Name, t, int(*vals[k]))
		col.Note = fmt.Sprintf("arrays of %d dimensions: loaded as nested lists", *vals[k])
		r.cols[i], r.conv[i] = col, conv
		r.nested = append(r.nested, i)
	}
	return nil
}

// postgresColumn decides how a column loads: its DuckDB type, the
// conversion of its values, and the cast the server applies before
// sending it ("::text" for types plumb keeps as PostgreSQL writes
// them). dims is the dimensions of an array column's values.
func postgresColumn(name string, t *pgType, dims int) (Column, convert, string) {
	col := Column{Name: name, Declared: t.declared}
	asText := func(note string) (Column, convert, string) {
		col.Type, col.Note = "VARCHAR", note
		return col, convString, "::text"
	}
	if t.elem != nil {
		ecol, econv, ecast := postgresColumn(name, t.elem, 1)
		if ecast != "" || ecol.Type == "JSON" || ecol.Type == "TIMETZ" {
			return asText(t.declared + ": an array of a type loaded as text: loaded as PostgreSQL's text for it")
		}
		col.Type, col.Note = ecol.Type+strings.Repeat("[]", dims), ecol.Note
		return col, list(name, econv, dims), ""
	}
	switch t.oid {
	case pgtype.BoolOID:
		col.Type = "BOOLEAN"
		return col, same, ""
	case pgtype.Int2OID:
		col.Type = "SMALLINT"
		return col, same, ""
	case pgtype.Int4OID:
		col.Type = "INTEGER"
		return col, same, ""
	case pgtype.Int8OID:
		col.Type = "BIGINT"
		return col, same, ""
	case pgtype.Float4OID:
		col.Type = "FLOAT"
		return col, same, ""
	case pgtype.Float8OID:
		col.Type = "DOUBLE"
		return col, same, ""
	case pgtype.NumericOID:
		if t.typmod < 4 {
			return asText("numeric without a declared precision: loaded as its exact text")
		}
		p, s := (t.typmod-4)>>16, (t.typmod-4)&0xffff
		if p > 38 || s > p {
			return asText(fmt.Sprintf("numeric(%d,%d) is wider than DuckDB's DECIMAL(38): loaded as its exact text", p, s))
		}
		col.Type = fmt.Sprintf("DECIMAL(%d,%d)", p, s)
		return col, numericTo(name, uint8(p), uint8(s)), ""
	case moneyOID:
		col.Type = fmt.Sprintf("DECIMAL(19,%d)", t.moneyScale)
		col.Note = "money: loaded as its amount, without the currency symbol"
		return col, numericTo(name, 19, uint8(t.moneyScale)), "::numeric"
	case pgtype.TextOID, pgtype.VarcharOID, pgtype.BPCharOID, pgtype.NameOID:
		col.Type = "VARCHAR"
		return col, convString, ""
	case pgtype.ByteaOID:
		col.Type = "BLOB"
		return col, same, ""
	case pgtype.UUIDOID:
		col.Type = "UUID"
		return col, same, ""
	case pgtype.JSONOID, pgtype.JSONBOID:
		col.Type = "JSON"
		return col, convString, "::text"
	case pgtype.DateOID:
		col.Type = "DATE"
		return col, timeTo(name, false), ""
	case pgtype.TimestampOID:
		col.Type = "TIMESTAMP"
		return col, timeTo(name, false), ""
	case pgtype.TimestamptzOID:
		col.Type, col.Note = "TIMESTAMPTZ", "instants normalised to UTC"
		return col, timeTo(name, true), ""
	case pgtype.TimeOID:
		col.Type = "TIME"
		return col, pgTime(name), ""
	case pgtype.TimetzOID:
		// Sent as text, loaded as text, then typed by DuckDB.
		col.Type = "TIMETZ"
		return col, convString, "::text"
	case pgtype.IntervalOID:
		col.Type = "INTERVAL"
		return col, pgInterval, ""
	}
	if t.kind == "e" {
		return asText("enum: loaded as its labels, as text")
	}
	return asText(t.declared + " has no DuckDB type: loaded as PostgreSQL's text for it")
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

// list passes an array of dims dimensions on as nested lists, each
// element converted by elem; an array of other dimensions has no value
// of the column's type.
func list(name string, elem convert, dims int) convert {
	var nest func(v any, depth int) (any, error)
	nest = func(v any, depth int) (any, error) {
		l, ok := v.([]any)
		if !ok {
			return nil, &ValueError{Column: name, Value: fmt.Sprint(v), Reason: fmt.Sprintf("not an array of %d dimensions", dims)}
		}
		out := make([]any, len(l))
		for i, e := range l {
			_, nested := e.([]any)
			switch {
			case e == nil:
			case depth < dims:
				var err error
				if out[i], err = nest(e, depth+1); err != nil {
					return nil, err
				}
			case nested:
				return nil, &ValueError{Column: name, Value: fmt.Sprint(v), Reason: fmt.Sprintf("more than %d dimensions", dims)}
			default:
				var err error
				if out[i], err = elem(e); err != nil {
					return nil, err
				}
			}
		}
		return out, nil
	}
	return func(v any) (any, error) { return nest(v, 1) }
}

func (r *postgresReader) Columns() []Column        { return r.cols }
func (r *postgresReader) Catalog() *source.Catalog { return r.catalog }

func (r *postgresReader) Next() bool {
	if r.rows == nil || !r.rows.Next() {
		return false
	}
	if r.raw, r.err = r.rows.Values(); r.err != nil {
		return false
	}
	for _, i := range r.nested {
		if r.raw[i] == nil {
			continue
		}
		fd := r.rows.FieldDescriptions()[i]
		var a pgtype.Array[any]
		if r.err = r.conn.TypeMap().Scan(fd.DataTypeOID, fd.Format, r.rows.RawValues()[i], &a); r.err != nil {
			return false
		}
		r.raw[i] = reshape(a.Elements, a.Dims)
	}
	return true
}

// reshape nests an array's elements (in row-major order) by its
// dimensions.
func reshape(elems []any, dims []pgtype.ArrayDimension) any {
	if len(dims) <= 1 {
		return elems
	}
	n := int(dims[0].Length)
	out := make([]any, n)
	size := len(elems) / max(n, 1)
	for i := range out {
		out[i] = reshape(elems[i*size:(i+1)*size], dims[1:])
	}
	return out
}

func (r *postgresReader) Row(dst []any) error { return convertRow(r.raw, r.conv, dst) }

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
