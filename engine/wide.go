//go:build duckdb_arrow

package engine

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// A table DuckDB appends rows to keeps the last segment of every column
// pinned in memory, one block each: 256 KiB in an in-memory database
// (whatever BLOCK_SIZE or default_block_size say; the first 2,048 rows
// of a load fit a smaller segment). At 10,000 columns that is 2.5 GB
// that cannot spill, more than a 2 GB memory limit gives DuckDB, and the
// load of 10,000 columns by 10,000 rows ran out of memory. A database
// file of 16 KiB blocks pins 160 MB for the same columns; plumb stores a
// wide file's table in one (wideCatalog) when the in-memory blocks would
// take more than a quarter of DuckDB's memory limit. Measured on 10,000
// x 10,000 cells at a 1.5 GB limit, one thread: in memory, out of memory
// after 16 s; in a file of 16 KiB blocks, 105 s and 1.8 GB peak RSS (of
// 64 KiB blocks, out of memory; uncompressed, 94 s but 2.1 GB; row
// groups of 2,048 rows, 240 s; without WAL writes, no quicker).
const (
	memoryBlock      = 256 << 10
	smallBlock       = 16 << 10
	smallSegmentRows = 2048
	wideCatalogName  = "plumb_wide"
)

// storeWide reports whether a CSV load of columns columns from a file of
// size bytes (-1 if unknown, as for compressed files) goes into the
// small-block catalog: when it may have more rows than fit the first,
// smaller segments (a record holds at least a delimiter a column) and
// its columns' blocks would take more than a quarter of DuckDB's memory.
func (db *DB) storeWide(ctx context.Context, conn *sql.Conn, columns int, size int64) (bool, error) {
	if columns < wideColumns {
		return false, nil
	}
	if size >= 0 && size/int64(columns) <= smallSegmentRows {
		return false, nil
	}
	limit, err := memoryLimit(ctx, conn)
	if err != nil {
		return false, err
	}
	return int64(columns)*memoryBlock > limit/4, nil
}

// memoryLimit reads DuckDB's memory limit in bytes.
func memoryLimit(ctx context.Context, conn interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int64, error) {
	var s string
	if err := conn.QueryRowContext(ctx, "SELECT current_setting('memory_limit')::VARCHAR").Scan(&s); err != nil {
		return 0, fmt.Errorf("memory limit: %w", err)
	}
	n, err := parseDuckSize(s)
	if err != nil {
		return 0, fmt.Errorf("memory limit: %w", err)
	}
	return n, nil
}

// parseDuckSize reads a size as DuckDB prints it: "1.3 GiB", "512.0 MiB",
// "1000 bytes".
func parseDuckSize(s string) (int64, error) {
	num, unit, _ := strings.Cut(strings.TrimSpace(s), " ")
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("size %q: %w", s, err)
	}
	mult := map[string]float64{"bytes": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40,
		"KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12}[unit]
	if mult == 0 {
		return 0, fmt.Errorf("size %q: unknown unit", s)
	}
	return int64(v * mult), nil
}

// wideCatalog attaches, once a session, a database file of small blocks
// in the session's temp dir, for the tables of wide files; the file goes
// with the session (Close).
func (db *DB) wideCatalog(ctx context.Context, conn *sql.Conn) (string, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.wide != "" {
		return db.wide, nil
	}
	dir := db.cfg.TempDir
	if dir == "" {
		dir = os.TempDir()
	}
	f, err := os.CreateTemp(dir, "plumb-wide-*.db")
	if err != nil {
		return "", fmt.Errorf("wide table file: %w", err)
	}
	path := f.Name()
	f.Close()
	os.Remove(path) // DuckDB creates it, and would refuse an empty file
	db.files = append(db.files, path, path+".wal")
	q := fmt.Sprintf("ATTACH %s AS %s (BLOCK_SIZE %d)", Literal(path), Ident(wideCatalogName), smallBlock)
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return "", fmt.Errorf("wide table file: %w", err)
	}
	db.wide = wideCatalogName
	return db.wide, nil
}

// tableRef is the SQL reference to a table in a catalog ("" for the
// session's own).
func tableRef(catalog, table string) string {
	if catalog == "" {
		return Ident(table)
	}
	return Ident(catalog) + ".main." + Ident(table)
}

// wideTarget returns where a CSV load of columns columns from path
// creates its table: f.table in the session's database, or, for a wide
// file (storeWide), in the small-block catalog, which it sets in f.
func (db *DB) wideTarget(ctx context.Context, conn *sql.Conn, f *loadedFile, path string, columns int) (string, error) {
	size := int64(-1)
	if f.Compression == CompressionNone {
		if st, err := os.Stat(path); err == nil {
			size = st.Size()
		}
	}
	wide, err := db.storeWide(ctx, conn, columns, size)
	if err != nil || !wide {
		return f.ref(), err
	}
	cat, err := db.wideCatalog(ctx, conn)
	if err != nil {
		return "", err
	}
	f.catalog = cat
	db.log.Debug("csv: wide file, table in a file of small blocks", "file", f.Path, "columns", columns, "db", filepath.Base(cat))
	return f.ref(), nil
}
