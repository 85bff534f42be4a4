//go:build duckdb_arrow

package engine

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Chunk is a batch of a streamed query's rows. It is valid only during
// the call it is handed to: its strings are borrowed from DuckDB's
// memory, so copy any you keep (strings.Clone).
type Chunk struct {
	in    *duckdb.DataChunk
	views []duckdb.VectorView[string]
	text  []bool
}

// Len is the number of rows in the chunk.
func (c *Chunk) Len() int { return c.in.GetSize() }

// String returns a VARCHAR column's value at row, borrowed, and false for
// NULL.
func (c *Chunk) String(col, row int) (string, bool) {
	if c.text[col] {
		s, ok, _ := c.views[col].GetValueBorrowed(row)
		return s, ok
	}
	v, _ := c.in.GetValue(col+1, row)
	switch v := v.(type) {
	case nil:
		return "", false
	case string:
		return v, true
	default:
		return fmt.Sprint(v), true
	}
}

// Int64 returns an integer column's value at row, and false for NULL or
// a value of another type.
func (c *Chunk) Int64(col, row int) (int64, bool) {
	v, _ := c.in.GetValue(col+1, row)
	switch v := v.(type) {
	case int64:
		return v, true
	case int32:
		return int64(v), true
	case uint64:
		return int64(v), true
	default:
		return 0, false
	}
}

// Float64 returns a DOUBLE column's value at row, and false for NULL or
// a value of another type.
func (c *Chunk) Float64(col, row int) (float64, bool) {
	v, _ := c.in.GetValue(col+1, row)
	f, ok := v.(float64)
	return f, ok
}

// stream is one Stream call in flight.
type stream struct {
	fn  func(*Chunk) error
	mu  sync.Mutex
	err error
}

func (s *stream) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		s.err = err
	}
}

func (s *stream) failed() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Stream runs query and hands its rows to fn a chunk (up to 2048 rows) at
// a time as DuckDB produces them: nothing is materialized, and fn runs on
// DuckDB's own worker threads, so it may be called concurrently with
// itself (guard what it shares). An error from fn stops the query and is
// returned. Stream returns the number of rows handed over.
func (db *DB) Stream(ctx context.Context, query string, fn func(*Chunk) error) (int64, error) {
	if err := db.registerStream(ctx); err != nil {
		return 0, err
	}
	id := db.seq.Add(1)
	s := &stream{fn: fn}
	db.streams.Store(id, s)
	defer db.streams.Delete(id)
	q := "SELECT count(plumb_stream(" + strconv.FormatInt(id, 10) + ", *COLUMNS(*))) FROM (" + query + ")"
	db.log.Debug("stream", "sql", query)
	var n int64
	err := db.sql.QueryRowContext(ctx, q).Scan(&n)
	if ferr := s.failed(); ferr != nil {
		return 0, ferr
	}
	if err != nil {
		return 0, err
	}
	return n, nil
}

// registerStream adds the plumb_stream(id, ...) function that Stream's
// queries call, once per session.
func (db *DB) registerStream(ctx context.Context) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.funcs["plumb_stream"] {
		return nil
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := duckdb.RegisterScalarUDF(conn, "plumb_stream", streamUDF{db}); err != nil {
		return fmt.Errorf("register plumb_stream: %w", err)
	}
	if db.funcs == nil {
		db.funcs = map[string]bool{}
	}
	db.funcs["plumb_stream"] = true
	return nil
}

type streamUDF struct{ db *DB }

func (streamUDF) Config() duckdb.ScalarFuncConfig {
	it, _ := duckdb.NewTypeInfo(duckdb.TYPE_BIGINT)
	anyT, _ := duckdb.NewTypeInfo(duckdb.TYPE_ANY)
	bt, _ := duckdb.NewTypeInfo(duckdb.TYPE_BOOLEAN)
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{it}, VariadicTypeInfo: anyT, ResultTypeInfo: bt,
		Volatile: true, SpecialNullHandling: true}
}

func (u streamUDF) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{
		// Binding sets the context once, before DuckDB's threads run the
		// function; without a binder, duckdb-go sets it on every chunk,
		// from each thread at once (a data race).
		ScalarBinder: func(ctx context.Context, _ []duckdb.ScalarUDFArg) (context.Context, error) {
			if ctx == nil {
				ctx = context.Background()
			}
			return ctx, nil
		},
		ChunkContextExecutor: u.execute,
	}
}

func (u streamUDF) execute(_ context.Context, st *duckdb.ChunkIteratorState) (err error) {
	in := st.GetInputChunk()
	if in.GetSize() == 0 {
		return nil
	}
	idv, err := in.GetValue(0, 0)
	if err != nil {
		return err
	}
	id, _ := idv.(int64)
	v, ok := u.db.streams.Load(id)
	if !ok {
		return fmt.Errorf("plumb_stream: no stream %d", id)
	}
	s := v.(*stream)
	if err := s.failed(); err != nil {
		return err
	}
	c := &Chunk{in: in}
	for i := 1; i < in.ColumnCount(); i++ {
		var view duckdb.VectorView[string]
		ok := false
		if vec, err := in.GetVector(i); err == nil {
			if view, err = duckdb.GetVectorView[string](vec); err == nil {
				ok = true
			}
		}
		c.views = append(c.views, view)
		c.text = append(c.text, ok)
	}
	defer func() {
		// fn runs on a DuckDB thread through cgo: a panic there would
		// take the process down without a word, so it fails the query.
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
			s.fail(err)
		}
	}()
	if err := s.fn(c); err != nil {
		s.fail(err)
		return err
	}
	return nil
}
