//go:build duckdb_arrow

package engine

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/plumb-data/plumb/source"
	"io"
	"os"
	"regexp"
	"strconv"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	duckdb "github.com/duckdb/duckdb-go/v2"
)

// loadParquet loads a Parquet file. Parquet is typed and checksummed as a
// whole, so a file loads entirely or fails with an error.
func (db *DB) loadParquet(ctx context.Context, conn *sql.Conn, f *loadedFile, path string) error {
	q := "CREATE OR REPLACE TABLE " + Ident(f.table) + " AS SELECT * FROM read_parquet(" + Literal(path) + ")"
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return err
	}
	var err error
	f.RowsLoaded, err = count(ctx, conn, f.table)
	return err
}

var jsonLineRE = regexp.MustCompile(`line (\d+)`)

// loadJSON loads a JSON document or newline-delimited JSON. DuckDB reads
// well-formed files directly; when newline-delimited JSON has malformed
// lines, plumb sets them aside as rejects (with line numbers and text) and
// loads the rest, since DuckDB's own ignore_errors would turn them into
// rows of NULLs.
func (db *DB) loadJSON(ctx context.Context, conn *sql.Conn, f *loadedFile, path string, pk peek, rejects string) error {
	ndjson := f.Format == source.FormatNDJSON || pk.format == source.FormatNDJSON
	format := "auto"
	if ndjson {
		format = "newline_delimited"
	}
	q := "CREATE OR REPLACE TABLE " + Ident(f.table) + " AS SELECT * FROM read_json(" + Literal(path) + ", format=" + Literal(format) + ")"
	_, err := conn.ExecContext(ctx, q)
	if err == nil {
		f.RowsLoaded, err = count(ctx, conn, f.table)
		return err
	}
	if !ndjson {
		return jsonError(f.Path, err)
	}
	good, bad, err := splitNDJSON(path, db.cfg.TempDir)
	if err != nil {
		return &source.LoadError{Path: f.Path, Err: err}
	}
	defer os.Remove(good)
	if len(bad) == 0 {
		// Every line is valid JSON, so DuckDB failed on something else
		// (most often a type that changes after its sample): read all
		// lines before deciding the schema.
		q = "CREATE OR REPLACE TABLE " + Ident(f.table) + " AS SELECT * FROM read_json(" + Literal(path) +
			", format='newline_delimited', sample_size=-1)"
	} else {
		q = "CREATE OR REPLACE TABLE " + Ident(f.table) + " AS SELECT * FROM read_json(" + Literal(good) +
			", format='newline_delimited', sample_size=-1)"
	}
	if _, err = conn.ExecContext(ctx, q); err != nil {
		return jsonError(f.Path, err)
	}
	if f.RowsLoaded, err = count(ctx, conn, f.table); err != nil {
		return err
	}
	stmt, err := conn.PrepareContext(ctx, "INSERT INTO "+Ident(rejects)+" VALUES (?, ?, NULL, 'INVALID JSON', ?, ?)")
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, b := range bad {
		if _, err := stmt.ExecContext(ctx, f.Path, b.line, b.message, b.text); err != nil {
			return fmt.Errorf("keep rejects: %w", err)
		}
	}
	f.RowsRejected = int64(len(bad))
	return nil
}

func jsonError(path string, err error) error {
	le := &source.LoadError{Path: path, Err: err}
	if m := jsonLineRE.FindStringSubmatch(err.Error()); m != nil {
		le.Line, _ = strconv.ParseInt(m[1], 10, 64)
	}
	return le
}

type badLine struct {
	line          int64
	message, text string
}

// splitNDJSON copies the lines of a newline-delimited JSON file that hold
// one JSON object each to a new file, and returns the others.
func splitNDJSON(path, dir string) (string, []badLine, error) {
	r, _, err := openText(path)
	if err != nil {
		return "", nil, err
	}
	defer r.Close()
	out, err := os.CreateTemp(dir, "plumb-ndjson-*.ndjson")
	if err != nil {
		return "", nil, err
	}
	w := bufio.NewWriterSize(out, 1<<20)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 256<<20)
	var bad []badLine
	var line int64
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(b, &obj); err != nil {
			msg := err.Error()
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				msg = "not a JSON object: " + te.Value
			}
			bad = append(bad, badLine{line: line, message: msg, text: string(sc.Bytes())})
			continue
		}
		w.Write(b)
		w.WriteByte('\n')
	}
	err = errors.Join(sc.Err(), w.Flush(), out.Close())
	if err != nil {
		os.Remove(out.Name())
		return "", nil, err
	}
	return out.Name(), bad, nil
}

// loadArrow loads an Arrow IPC file (Feather v2) or stream, read with
// arrow-go and handed to DuckDB batch by batch through the Arrow C stream
// interface.
func (db *DB) loadArrow(ctx context.Context, conn *sql.Conn, f *loadedFile, path string) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	var rr arrowReader
	if fr, ferr := ipc.NewFileReader(fh); ferr == nil {
		defer fr.Close()
		rr = &fileRecordReader{fr: fr}
	} else {
		if _, err := fh.Seek(0, io.SeekStart); err != nil {
			return err
		}
		sr, serr := ipc.NewReader(bufio.NewReaderSize(fh, 1<<20))
		if serr != nil {
			return fmt.Errorf("not an Arrow IPC file (%v) nor stream (%v)", ferr, serr)
		}
		rr = sr
	}
	defer rr.Release()
	view := db.uniqueName("plumb_arrow")
	var release func()
	err = conn.Raw(func(dc any) error {
		a, err := duckdb.NewArrowFromConn(dc.(driver.Conn))
		if err != nil {
			return err
		}
		release, err = a.RegisterView(rr, view)
		return err
	})
	if err != nil {
		return fmt.Errorf("hand Arrow data to DuckDB: %w", err)
	}
	defer release()
	if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TABLE "+Ident(f.table)+" AS SELECT * FROM "+Ident(view)); err != nil {
		return err
	}
	if rerr := rr.Err(); rerr != nil {
		return rerr
	}
	f.RowsLoaded, err = count(ctx, conn, f.table)
	return err
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
