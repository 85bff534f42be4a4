//go:build duckdb_arrow

package engine

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/plumb-data/plumb/engine/dbsource"
	"github.com/plumb-data/plumb/source"
)

// batchRows is how many rows the reading goroutine hands the appending
// one at a time; batchesInFlight bounds how many exist at once, so that
// the memory a load holds in Go is a few batches, not the table.
const (
	batchRows       = 4096
	batchesInFlight = 3
)

// flushEvery is how many rows a database load appends between flushes:
// the appender's buffer, not the table, bounds the memory DuckDB holds
// before the rows reach the table.
const flushEvery = 100_000

// loadDatabase streams a database source's rows through its driver into
// a DuckDB table, as Arrow record batches (with the Appender when a
// column is a list): memory holds a few batches, not the table. A row with a value that has no value of its column's type is
// rejected (reason CAST, its row number as the line), never dropped.
func (db *DB) loadDatabase(ctx context.Context, src source.Source, opts LoadOptions) (_ *Table, err error) {
	fail := func(err error) error {
		var le *source.LoadError
		if errors.As(err, &le) {
			return err
		}
		return &source.LoadError{Path: src.Spec, Err: err}
	}
	r, err := dbsource.Open(ctx, src.Database)
	if err != nil {
		return nil, fail(err)
	}
	defer func() {
		if cerr := r.Close(); cerr != nil && err == nil {
			err = fail(cerr)
		}
	}()
	name := opts.Table
	if name == "" {
		name = db.uniqueName("plumb_src")
	}
	t := &Table{Name: name, AnyOrder: opts.AnyOrder, RejectsTable: name + "_rejects",
		Account: source.Account{Source: src.Spec, Format: src.Format, Catalog: r.Catalog()}}
	t.parts = []part{{table: name}}
	cols := r.Columns()
	defs := make([]string, len(cols))
	names := make([]string, len(cols))
	seen := map[string]bool{}
	// JSON and TIMETZ columns are loaded as text and typed after: the
	// Appender would encode a Go string as a JSON string, and has no
	// TIMETZ value to take.
	typedAfter := map[string]string{}
	for i, c := range cols {
		n := c.Name
		for k := 2; n == "" || seen[strings.ToLower(n)]; k++ {
			n = fmt.Sprintf("%s_%d", c.Name, k)
			if c.Name == "" {
				n = fmt.Sprintf("column_%d", i+1)
			}
		}
		if n != c.Name {
			t.Renamed = append(t.Renamed, source.Rename{File: src.Spec, Position: i + 1, Header: c.Name, Name: n, Reason: "duplicate or empty name"})
		}
		seen[strings.ToLower(n)] = true
		names[i] = n
		typ := c.Type
		if typ == "JSON" || typ == "TIMETZ" {
			typ = "VARCHAR"
			typedAfter[n] = c.Type
		}
		defs[i] = Ident(n) + " " + typ
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, fail(err)
	}
	defer conn.Close()
	for _, q := range []string{
		"CREATE OR REPLACE TABLE " + Ident(name) + " (" + strings.Join(defs, ", ") + ")",
		"CREATE OR REPLACE TABLE " + Ident(t.RejectsTable) + " (file VARCHAR, line BIGINT, columns VARCHAR, reason VARCHAR, message VARCHAR, text VARCHAR)",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			db.dropAll(context.WithoutCancel(ctx), conn, t)
			return nil, fail(fmt.Errorf("create table: %w", err))
		}
	}
	if schema, ok := arrowSchema(names, cols); ok {
		err = db.insertArrow(ctx, conn, r, schema, t, src.Spec)
	} else {
		err = db.appendRows(ctx, r, t, src.Spec)
	}
	if err != nil {
		db.dropAll(context.WithoutCancel(ctx), conn, t)
		return nil, fail(err)
	}
	for _, c := range names {
		if typ := typedAfter[c]; typ != "" {
			if _, err := conn.ExecContext(ctx, "ALTER TABLE "+Ident(name)+" ALTER "+Ident(c)+" TYPE "+typ); err != nil {
				db.dropAll(context.WithoutCancel(ctx), conn, t)
				return nil, fail(fmt.Errorf("column %s as %s: %w", c, typ, err))
			}
		}
	}
	t.Files = []source.File{{Path: src.Spec, Format: src.Format, RowsLoaded: t.RowsLoaded, RowsRejected: t.RowsRejected}}
	if t.Columns, err = columns(ctx, conn, name); err != nil {
		db.dropAll(context.WithoutCancel(ctx), conn, t)
		return nil, fail(err)
	}
	if err := db.keepRowid(ctx, conn, t); err != nil {
		db.dropAll(context.WithoutCancel(ctx), conn, t)
		return nil, fail(fmt.Errorf("keep the rowid column apart: %w", err))
	}
	return t, nil
}

// rowBatch is rows read and converted, ready to append, and the rejects
// met among them.
type rowBatch struct {
	values  []driver.Value // rows × columns, row after row
	rows    int
	rejects []rejectRow
}

type rejectRow struct {
	line        int64
	column, msg string
	text        string
}

// appendRows appends every row of r to t, and its rejects to t's
// rejects table, counting both. One goroutine reads and converts rows
// (the driver's decoding) while this one appends them (DuckDB's), so
// the two overlap; batches are recycled, so memory stays flat.
func (db *DB) appendRows(ctx context.Context, r dbsource.Reader, t *Table, spec string) (err error) {
	app, err := db.NewAppender(ctx, t.Name)
	if err != nil {
		return err
	}
	rej, err := db.NewAppender(ctx, t.RejectsTable)
	if err != nil {
		app.Close()
		return err
	}
	defer func() { err = errors.Join(err, app.Close(), rej.Close()) }()

	ncols := len(r.Columns())
	free := make(chan *rowBatch, batchesInFlight)
	for range batchesInFlight {
		free <- &rowBatch{values: make([]driver.Value, batchRows*ncols)}
	}
	full := make(chan *rowBatch, batchesInFlight)
	readCtx, stop := context.WithCancel(ctx)
	readErr := make(chan error, 1)
	go func() {
		defer close(full)
		readErr <- readBatches(readCtx, r, ncols, free, full)
	}()
	defer func() {
		stop()
		for range full { // let the reader finish before r is closed
		}
		err = errors.Join(err, <-readErr)
	}()

	for b := range full {
		for _, x := range b.rejects {
			if err := rej.Append(spec, x.line, x.column, "CAST", x.msg, x.text); err != nil {
				return fmt.Errorf("keep reject: %w", err)
			}
		}
		t.RowsRejected += int64(len(b.rejects))
		t.RowsRead += int64(b.rows + len(b.rejects))
		for i := range b.rows {
			if err := app.Append(b.values[i*ncols : (i+1)*ncols]...); err != nil {
				return fmt.Errorf("row %d: %w", t.RowsLoaded+1, err)
			}
			t.RowsLoaded++
			if t.RowsLoaded%flushEvery == 0 {
				if err := app.app.Flush(); err != nil {
					return err
				}
			}
		}
		b.rows, b.rejects = 0, b.rejects[:0]
		free <- b
	}
	return ctx.Err()
}

// readBatches reads r's rows into batches taken from free and sends
// them on full, until r ends, fails or ctx is done.
func readBatches(ctx context.Context, r dbsource.Reader, ncols int, free <-chan *rowBatch, full chan<- *rowBatch) error {
	vals := make([]any, ncols)
	var line int64
	var b *rowBatch
	send := func() error {
		select {
		case full <- b:
			b = nil
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for r.Next() {
		if b == nil {
			select {
			case b = <-free:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		line++
		if err := r.Row(vals); err != nil {
			var ve *dbsource.ValueError
			if !errors.As(err, &ve) {
				return err
			}
			b.rejects = append(b.rejects, rejectRow{line: line, column: ve.Column, msg: ve.Error(), text: r.Text()})
		} else {
			row := b.values[b.rows*ncols : (b.rows+1)*ncols]
			for i, v := range vals {
				row[i] = duckValue(v)
			}
			b.rows++
		}
		if b.rows == batchRows || len(b.rejects) == batchRows {
			if err := send(); err != nil {
				return err
			}
		}
	}
	if err := r.Err(); err != nil {
		return err
	}
	if b != nil {
		return send()
	}
	return nil
}

// duckValue turns dbsource's plain values into the duckdb-go values the
// Appender takes for DECIMAL, INTERVAL and UUID (a float64 appended to a
// DECIMAL column would be stored as its unscaled integer).
func duckValue(v any) driver.Value {
	switch v := v.(type) {
	case dbsource.Decimal:
		return duckdb.Decimal{Width: v.Width, Scale: v.Scale, Value: v.Value}
	case dbsource.Interval:
		return duckdb.Interval{Months: v.Months, Days: v.Days, Micros: v.Micros}
	case [16]byte:
		u := duckdb.UUID(v)
		return &u
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = duckValue(e)
		}
		return out
	}
	return v
}
