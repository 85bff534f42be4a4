//go:build duckdb_arrow

package engine

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow/array"
	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/plumb-data/plumb/internal/outfile"
)

// Config says how to open a DuckDB session. The zero value is an
// in-memory database using DuckDB's own defaults (all cores, 80% of RAM,
// spilling beside the database or not at all for in-memory sessions).
type Config struct {
	// Path is a database file; "" keeps everything in memory.
	Path string
	// Threads caps DuckDB's worker threads; 0 means one per core.
	Threads int
	// MemoryLimit caps DuckDB's memory, e.g. "4GB"; "" is DuckDB's default.
	MemoryLimit string
	// TempDir is where work larger than MemoryLimit spills; "" lets DuckDB
	// choose (for an in-memory session, a ".tmp" folder in the working
	// directory when it must spill).
	TempDir string
	// Logger receives debug logs of the SQL run; nil discards them.
	Logger *slog.Logger
	// Outputs are the side files the session will write with WriteQuery;
	// the only files it may touch once confined (see Confine).
	Outputs []string
	// Inputs are the files the session will load, if known. When they
	// dwarf MemoryLimit, an in-memory session keeps its tables in a
	// database file in TempDir instead (see onDisk).
	Inputs []string
}

// DB is a DuckDB session. It is safe for concurrent use.
type DB struct {
	conn *duckdb.Connector
	sql  *sql.DB
	log  *slog.Logger
	seq  atomic.Int64
	cfg  Config

	mu    sync.Mutex
	files []string        // spooled standard input, removed by Close
	funcs map[string]bool // Go functions registered by RegisterPredicate
	// oneThread counts OneThreadEach calls in flight; threads is the
	// thread count they restore.
	oneThread, threads int
	// wide is the catalog attached for the tables of wide files, once
	// attached (see wideCatalog).
	wide string

	streams sync.Map // Stream calls in flight, by id

	outputs  map[string]string // Config.Outputs → the temporary name each is written under
	confined bool
}

// Open starts a DuckDB session as cfg says.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	var files []string
	if cfg.Path == "" && onDisk(cfg) {
		path, err := sessionFile(cfg.TempDir)
		if err != nil {
			return nil, err
		}
		cfg.Path, files = path, []string{path, path + ".wal"}
	}
	c, err := duckdb.NewConnector(cfg.Path, nil)
	if err != nil {
		removeAll(files)
		return nil, fmt.Errorf("open duckdb %q: %w", cfg.Path, err)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	db := &DB{conn: c, sql: sql.OpenDB(c), log: log, cfg: cfg, outputs: map[string]string{}, files: files}
	if files != nil {
		log.Debug("inputs dwarf the memory limit: tables in a database file", "file", cfg.Path)
	}
	for _, p := range cfg.Outputs {
		if p != "" && p != "-" {
			db.outputs[p] = outfile.TempName(p)
		}
	}
	// No extension is ever fetched or loaded behind the user's back:
	// everything plumb needs is built in.
	settings := []string{"SET autoinstall_known_extensions = false", "SET autoload_known_extensions = false"}
	if cfg.Threads > 0 {
		settings = append(settings, fmt.Sprintf("SET threads = %d", cfg.Threads))
	}
	if cfg.MemoryLimit != "" {
		settings = append(settings, "SET memory_limit = "+Literal(cfg.MemoryLimit))
	}
	if cfg.TempDir != "" {
		settings = append(settings, "SET temp_directory = "+Literal(cfg.TempDir))
	}
	for _, s := range settings {
		if _, err := db.ExecContext(ctx, s); err != nil {
			db.Close()
			return nil, fmt.Errorf("configure duckdb: %s: %w", s, err)
		}
	}
	return db, nil
}

// Close ends the session, frees its memory and removes its spool files.
func (db *DB) Close() error {
	err := errors.Join(db.sql.Close(), db.conn.Close())
	db.mu.Lock()
	defer db.mu.Unlock()
	removeAll(db.files)
	db.files = nil
	return err
}

func removeAll(paths []string) {
	for _, p := range paths {
		os.Remove(p)
	}
}

// keep holds on to spool files until Close.
func (db *DB) keep(paths []string) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.files = append(db.files, paths...)
}

// ExecContext runs a statement that returns no rows.
func (db *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	db.log.Debug("exec", "sql", query)
	return db.sql.ExecContext(ctx, query, args...)
}

// QueryContext runs a query; the caller closes the rows and checks Err.
func (db *DB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	db.log.Debug("query", "sql", query)
	return db.sql.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query that returns at most one row.
func (db *DB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	db.log.Debug("query", "sql", query)
	return db.sql.QueryRowContext(ctx, query, args...)
}

// QueryArrow runs a query and streams its result as Arrow record batches.
// The reader holds a connection until it is released; release it.
func (db *DB) QueryArrow(ctx context.Context, query string, args ...any) (array.RecordReader, error) {
	db.log.Debug("query arrow", "sql", query)
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, err
	}
	var rr array.RecordReader
	err = conn.Raw(func(dc any) error {
		a, err := duckdb.NewArrowFromConn(dc.(driver.Conn))
		if err != nil {
			return err
		}
		rr, err = a.QueryContext(ctx, query, args...)
		return err
	})
	if err != nil {
		conn.Close()
		return nil, err
	}
	return &connReader{RecordReader: rr, conn: conn}, nil
}

// connReader releases its connection with its last reference.
type connReader struct {
	array.RecordReader
	conn *sql.Conn
	refs atomic.Int64
}

func (r *connReader) Retain() { r.refs.Add(1); r.RecordReader.Retain() }

func (r *connReader) Release() {
	r.RecordReader.Release()
	if r.refs.Add(-1) < 0 {
		r.conn.Close()
	}
}

// uniqueName returns a fresh identifier with the given prefix.
func (db *DB) uniqueName(prefix string) string {
	return fmt.Sprintf("%s_%d", prefix, db.seq.Add(1))
}

// TempName returns a fresh name for a scratch table or view; the caller
// drops it.
func (db *DB) TempName(prefix string) string { return db.uniqueName(prefix) }
