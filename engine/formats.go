//go:build duckdb_arrow

package engine

import (
	"bufio"
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"os"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	duckdb "github.com/duckdb/duckdb-go/v2"
)

// loadParquet loads a Parquet file. Parquet is typed and checksummed as a
// whole, so a file loads entirely or fails with an error.
func (db *DB) loadParquet(ctx context.Context, conn *sql.Conn, f *loadedFile, path string) error {
	q := "CREATE OR REPLACE TABLE " + Ident(f.table) + " AS SELECT * FROM " + readCall("read_parquet", path)
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return err
	}
	var err error
	f.RowsLoaded, err = count(ctx, conn, f.table)
	return err
}

// loadArrow loads an Arrow IPC file (Feather v2) or stream, read with
// arrow-go and handed to DuckDB batch by batch through the Arrow C stream
// interface. Every batch is validated in full before DuckDB sees it, and
// a panic of the reader on corrupt bytes is an error: a damaged file
// fails with an error naming the batch, never crashes.
func (db *DB) loadArrow(ctx context.Context, conn *sql.Conn, f *loadedFile, path string) (err error) {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	rr, err := openArrow(fh)
	if err != nil {
		return err
	}
	defer rr.Close()
	view, release, err := db.arrowView(conn, rr, "plumb_arrow")
	if err != nil {
		return fmt.Errorf("hand Arrow data to DuckDB: %w", err)
	}
	defer release()
	_, qerr := conn.ExecContext(ctx, "CREATE OR REPLACE TABLE "+Ident(f.table)+" AS SELECT * FROM "+Ident(view))
	if rerr := rr.Err(); rerr != nil {
		return rerr
	}
	if qerr != nil {
		return qerr
	}
	f.RowsLoaded, err = count(ctx, conn, f.table)
	return err
}

// openArrow opens an Arrow IPC file, or else stream, behind a
// checkedReader.
func openArrow(fh *os.File) (rr *checkedReader, err error) {
	defer func() {
		if p := recover(); p != nil {
			rr, err = nil, fmt.Errorf("corrupt Arrow data: %v", p)
		}
	}()
	if err := checkArrowSchema(fh); err != nil {
		return nil, err
	}
	fr, ferr := ipc.NewFileReader(fh)
	if ferr == nil {
		return &checkedReader{arrowReader: &fileRecordReader{fr: fr}, close: fr.Close}, nil
	}
	if _, err := fh.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	sr, serr := ipc.NewReader(bufio.NewReaderSize(fh, 1<<20))
	if serr != nil {
		return nil, fmt.Errorf("not an Arrow IPC file (%v) nor stream (%v)", ferr, serr)
	}
	return &checkedReader{arrowReader: sr, close: func() error { return nil }}, nil
}

// checkedReader hands on the batches of an Arrow reader that pass
// arrow-go's full validation, and turns a panic of the reader into an
// error: what is handed to DuckDB is read by C code that trusts it.
type checkedReader struct {
	arrowReader
	close func() error // closes what the reader reads
	batch int          // batches read
	err   error
}

// Close releases the reader and closes what it reads.
func (r *checkedReader) Close() error {
	r.Release()
	return r.close()
}

func (r *checkedReader) Err() error { return r.err }

// Schema returns the reader's schema; nil when reading it panics (Next
// then reports the error).
func (r *checkedReader) Schema() (s *arrow.Schema) {
	defer r.recover(nil)
	return r.arrowReader.Schema()
}

func (r *checkedReader) Next() (ok bool) {
	defer r.recover(&ok)
	if r.err != nil {
		return false
	}
	if !r.arrowReader.Next() {
		if err := r.arrowReader.Err(); err != nil && err != io.EOF {
			r.err = fmt.Errorf("batch %d of the Arrow data: %w", r.batch+1, err)
		}
		return false
	}
	r.batch++
	if err := validateBatch(r.arrowReader.Schema(), r.arrowReader.RecordBatch()); err != nil {
		r.err = fmt.Errorf("batch %d of the Arrow data: %w", r.batch, err)
		return false
	}
	return true
}

// recover, deferred, turns a panic into r.err and sets *ok, when given,
// to false.
func (r *checkedReader) recover(ok *bool) {
	p := recover()
	if p == nil {
		return
	}
	if r.err == nil {
		r.err = fmt.Errorf("corrupt Arrow data after batch %d: %v", r.batch, p)
	}
	if ok != nil {
		*ok = false
	}
}

// maxEmptyBatchRows is the most rows a batch may hold beyond eight per
// byte of its buffers.
const maxEmptyBatchRows = 1 << 20

// dataBytes is the size of an array's buffers, its children's included.
func dataBytes(d arrow.ArrayData) int64 {
	var n int64
	for _, b := range d.Buffers() {
		if b != nil {
			n += int64(b.Len())
		}
	}
	for _, c := range d.Children() {
		n += dataBytes(c)
	}
	if d.DataType().ID() == arrow.DICTIONARY {
		if dict, ok := d.Dictionary().(*array.Data); ok && dict != nil {
			n += dataBytes(dict)
		}
	}
	return n
}

// validateBatch checks a batch against its schema and validates each
// column in full.
func validateBatch(schema *arrow.Schema, rec arrow.RecordBatch) error {
	if rec == nil {
		return fmt.Errorf("no batch")
	}
	if int(rec.NumCols()) != schema.NumFields() {
		return fmt.Errorf("%d columns, the schema has %d", rec.NumCols(), schema.NumFields())
	}
	var held int64
	for _, col := range rec.Columns() {
		held += dataBytes(col.Data())
	}
	if rows := rec.NumRows(); rows < 0 || rows > 8*held+maxEmptyBatchRows {
		// Columns without buffers (nulls, empty structs) can claim any
		// length; a corrupt one would have DuckDB make rows for ever.
		return fmt.Errorf("%d rows in %d bytes of data", rows, held)
	}
	for i, col := range rec.Columns() {
		if !arrow.TypeEqual(col.DataType(), schema.Field(i).Type) {
			return fmt.Errorf("column %s: type %s, the schema says %s", schema.Field(i).Name, col.DataType(), schema.Field(i).Type)
		}
		if int64(col.Len()) != rec.NumRows() {
			return fmt.Errorf("column %s: %d values in a batch of %d rows", schema.Field(i).Name, col.Len(), rec.NumRows())
		}
		if err := array.ValidateFull(col); err != nil {
			return fmt.Errorf("column %s: %w", schema.Field(i).Name, err)
		}
	}
	return nil
}

type arrowReader interface {
	Retain()
	Release()
	Schema() *arrow.Schema
	Next() bool
	RecordBatch() arrow.RecordBatch
	Record() arrow.RecordBatch
	Err() error
}

// fileRecordReader streams the batches of an Arrow IPC file one at a time.
type fileRecordReader struct {
	fr   *ipc.FileReader
	i    int
	cur  arrow.RecordBatch
	err  error
	refs atomic.Int64
}

func (r *fileRecordReader) Retain()               { r.refs.Add(1) }
func (r *fileRecordReader) Schema() *arrow.Schema { return r.fr.Schema() }
func (r *fileRecordReader) Err() error            { return r.err }

func (r *fileRecordReader) Release() {
	if r.refs.Add(-1) < 0 && r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
}

func (r *fileRecordReader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.err != nil || r.i >= r.fr.NumRecords() {
		return false
	}
	r.cur, r.err = r.fr.RecordBatchAt(r.i)
	r.i++
	return r.err == nil
}

func (r *fileRecordReader) RecordBatch() arrow.RecordBatch { return r.cur }
func (r *fileRecordReader) Record() arrow.RecordBatch      { return r.cur }

// arrowView registers an Arrow record reader with DuckDB as a view with a
// fresh name; release unregisters it.
func (db *DB) arrowView(conn *sql.Conn, rr array.RecordReader, prefix string) (view string, release func(), err error) {
	view = db.uniqueName(prefix)
	err = conn.Raw(func(dc any) error {
		a, err := duckdb.NewArrowFromConn(dc.(driver.Conn))
		if err != nil {
			return err
		}
		release, err = a.RegisterView(rr, view)
		return err
	})
	return view, release, err
}
