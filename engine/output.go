//go:build duckdb_arrow

package engine

import (
	"context"
	"errors"
	"fmt"
	"github.com/plumb-data/plumb/source"
	"os"
	"path/filepath"
	"strings"

	"github.com/plumb-data/plumb/internal/outfile"
)

// OutputFormat is the format a side file is written in, from its name:
// Parquet for .parquet or .pq, newline-delimited JSON for .ndjson, .jsonl
// or .json, CSV with a header otherwise.
func OutputFormat(path string) source.Format {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".parquet", ".pq":
		return source.FormatParquet
	case ".ndjson", ".jsonl", ".json":
		return source.FormatNDJSON
	}
	return source.FormatCSV
}

func copyOptions(f source.Format) string {
	switch f {
	case source.FormatParquet:
		return "(FORMAT parquet)"
	case source.FormatNDJSON:
		return "(FORMAT json)"
	}
	return "(FORMAT csv, HEADER true)"
}

// WriteQuery writes the result of a query to path, in the format its name
// asks for (OutputFormat). It is the one writer of plumb's side files
// (rejects, quarantine, passing rows, diffs, clusters, pairs): the rows go
// to a temporary file beside path, renamed into place only when complete,
// so a failed or interrupted write leaves nothing under path. In a
// confined session path must be one of Config.Outputs.
func (db *DB) WriteQuery(ctx context.Context, query, path string) error {
	tmp, err := db.outputTemp(path)
	if err != nil {
		return err
	}
	q := "COPY (" + query + ") TO " + Literal(tmp) + " " + copyOptions(OutputFormat(path))
	if _, err := db.ExecContext(ctx, q); err != nil {
		os.Remove(tmp)
		if errors.Is(ctx.Err(), context.Canceled) {
			return ctx.Err()
		}
		return fmt.Errorf("write %s: %w", path, err)
	}
	return outfile.Rename(tmp, path)
}

// outputTemp returns the temporary name path is written under: the one
// reserved for it at Open, or a fresh one.
func (db *DB) outputTemp(path string) (string, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if tmp, ok := db.outputs[path]; ok {
		return tmp, nil
	}
	if db.confined {
		return "", fmt.Errorf("write %s: not an output this session was opened for", path)
	}
	return outfile.TempName(path), nil
}

// Confine closes the session to the outside world: from now on DuckDB
// reads and writes no file and reaches no network, save the outputs named
// in Config.Outputs. Load sources first; run user-written SQL after. It
// cannot be undone (DuckDB refuses to enable external access again, or to
// change the allowed paths, once it is off), and calling it again does
// nothing.
func (db *DB) Confine(ctx context.Context) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.confined {
		return nil
	}
	allowed := make([]string, 0, len(db.outputs))
	for _, tmp := range db.outputs {
		allowed = append(allowed, tmp)
	}
	for _, s := range []string{
		"SET allowed_paths = " + List(allowed),
		"SET enable_external_access = false",
	} {
		if _, err := db.sql.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("confine duckdb: %s: %w", s, err)
		}
	}
	db.confined = true
	return nil
}

// Confined reports whether Confine has run.
func (db *DB) Confined() bool {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.confined
}
