//go:build duckdb_arrow

package engine

import (
	"context"
	"fmt"
	"strconv"
)

// Threads reports how many worker threads DuckDB runs a query on.
func (db *DB) Threads(ctx context.Context) (int, error) {
	var s string
	if err := db.sql.QueryRowContext(ctx, "SELECT current_setting('threads')::VARCHAR").Scan(&s); err != nil {
		return 0, fmt.Errorf("threads: %w", err)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("threads: DuckDB says %q", s)
	}
	return n, nil
}

// OneThreadEach runs fn with every query confined to the goroutine that
// issues it (DuckDB's scheduler down to one thread) and tells fn how
// many threads the session had, so that it can run that many queries at
// once. Many queries side by side, one a thread, keep the threads busier
// than the same queries one after another across all threads, where a
// query's serial stretches (combining per-thread hash tables, Go work on
// the rows a Stream hands over) leave threads idle; measured here, the
// thirteen columns of a 5,000,000-row profile took 8.2 s this way against
// 10.5 s. Queries other goroutines start meanwhile run on one thread
// too. Calls may nest or overlap: the thread count comes back when the
// last one returns.
func (db *DB) OneThreadEach(ctx context.Context, fn func(threads int) error) (err error) {
	db.mu.Lock()
	if db.oneThread == 0 {
		n, err := db.Threads(ctx)
		if err != nil {
			db.mu.Unlock()
			return err
		}
		if _, err := db.sql.ExecContext(ctx, "SET threads = 1"); err != nil {
			db.mu.Unlock()
			return fmt.Errorf("one thread each: %w", err)
		}
		db.threads = n
	}
	db.oneThread++
	n := db.threads
	db.mu.Unlock()
	defer func() {
		db.mu.Lock()
		defer db.mu.Unlock()
		if db.oneThread--; db.oneThread == 0 {
			if _, rerr := db.sql.ExecContext(context.WithoutCancel(ctx), "SET threads = "+strconv.Itoa(db.threads)); rerr != nil && err == nil {
				err = fmt.Errorf("restore threads: %w", rerr)
			}
		}
	}()
	return fn(n)
}
