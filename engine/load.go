//go:build duckdb_arrow

package engine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/plumb-data/plumb/source"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// LoadOptions say how to load a source. The zero value loads with types
// as DuckDB infers them, into a table with a fresh name.
type LoadOptions struct {
	// Table names the loaded table; "" picks a fresh name.
	Table string
	// Raw keeps every CSV value as text exactly as written ("00123" stays
	// "00123", "N/A" stays "N/A"); typed views can be built on top. Formats
	// that carry their own types (Parquet, JSON, Arrow) keep them.
	Raw bool
	// Stdin is what the path "-" reads; nil makes "-" an error.
	Stdin io.Reader
	// AnyOrder lets DuckDB store the rows in any order, which loads a
	// large file about a quarter quicker; row positions then say nothing
	// of where a row was in the source, so LineIndex refuses the table.
	// For work that does not care where rows were (a profile).
	AnyOrder bool
}

// Table is a loaded source: a DuckDB table (or, for several files, a view
// over one table a file) and the account of how it was read.
type Table struct {
	// Name is the DuckDB relation holding the rows; quote it with Ident.
	Name string `json:"-"`
	// AnyOrder is set when the rows were stored in any order
	// (LoadOptions.AnyOrder).
	AnyOrder bool `json:"-"`
	// RejectsTable holds one row per rejected row (see source.Reject); ""
	// when the format cannot reject rows.
	RejectsTable string `json:"-"`
	// Padded counts the rows loaded with missing trailing fields read as
	// NULL (source.CSVOptions.PadMissing).
	Padded int64 `json:"-"`
	source.Account
	// parts are the files' own tables, in the order of Account.Files.
	parts []part
}

// part is where one file of a table is: its DuckDB table and the bytes
// read (standard input's spool file for "-").
type part struct {
	table, path string
	// rowid is the name of the file's column named rowid in any case,
	// kept in table under the name rowidAs (see keepRowid); "" for none.
	rowid, rowidAs string
	// catalog is the attached database holding table, "" for the
	// session's own (see wideCatalog).
	catalog string
	// split is how the file was cut into records; nil when plumb did
	// not cut it (formats other than delimited text, UTF-16).
	split *recordSplitter
}

// Load reads a source into a DuckDB table: files, or a database table or
// query, streamed through its driver (see loadDatabase). Rows that cannot be parsed are
// kept in the table's rejects, never dropped: RowsLoaded + RowsRejected =
// RowsRead. An error means the source as a whole could not be read; it is
// a *LoadError naming the file (and line, where known).
func (db *DB) Load(ctx context.Context, src source.Source, opts LoadOptions) (*Table, error) {
	if src.Database != nil {
		return db.loadDatabase(ctx, src, opts)
	}
	paths, cleanup, err := db.resolvePaths(src, opts)
	if err != nil {
		cleanup()
		return nil, err
	}
	name := opts.Table
	if name == "" {
		name = db.uniqueName("plumb_src")
	}
	t := &Table{Name: name, Account: source.Account{Source: src.Spec, Format: src.Format}, AnyOrder: opts.AnyOrder}
	if t.Source == "" {
		t.Source = strings.Join(src.Paths, " ")
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	rejects := name + "_rejects"
	if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TABLE "+Ident(rejects)+
		" (file VARCHAR, line BIGINT, columns VARCHAR, reason VARCHAR, message VARCHAR, text VARCHAR)"); err != nil {
		return nil, fmt.Errorf("create rejects table: %w", err)
	}
	t.RejectsTable = rejects
	var detected []map[string]string
	for i, p := range paths {
		f, err := db.loadFile(ctx, conn, src, opts, p.path, p.display, partName(name, i, len(paths)), rejects)
		if err != nil {
			db.dropAll(ctx, conn, t)
			return nil, err
		}
		t.Files = append(t.Files, f.File)
		t.parts = append(t.parts, part{table: f.table, catalog: f.catalog, path: f.path, split: f.split})
		t.Renamed = append(t.Renamed, f.renamed...)
		if f.detected != nil {
			detected = append(detected, f.detected)
		}
		t.RowsRead += f.read
		t.RowsLoaded += f.RowsLoaded
		t.RowsRejected += f.RowsRejected
		t.Padded += f.padded
		if t.Format == source.FormatAuto {
			t.Format = f.Format
		} else if t.Format != f.Format {
			t.Format = "mixed"
		}
	}
	if t.RowsRead != t.RowsLoaded+t.RowsRejected {
		db.dropAll(ctx, conn, t)
		return nil, &source.LoadError{Path: src.Spec, Err: fmt.Errorf("%d records read, but %d loaded and %d rejected: %d unaccounted for",
			t.RowsRead, t.RowsLoaded, t.RowsRejected, t.RowsRead-t.RowsLoaded-t.RowsRejected)}
	}
	if len(t.Files) > 1 || t.parts[0].catalog != "" {
		parts := make([]string, len(t.parts))
		for i, p := range t.parts {
			parts[i] = "SELECT * FROM " + p.ref()
		}
		q := "CREATE OR REPLACE VIEW " + Ident(name) + " AS " + strings.Join(parts, " UNION ALL BY NAME ")
		if _, err := conn.ExecContext(ctx, q); err != nil {
			db.dropAll(ctx, conn, t)
			return nil, &source.LoadError{Path: src.Spec, Err: fmt.Errorf("union files by column name: %w", err)}
		}
	}
	if t.Columns, err = columns(ctx, conn, name); err != nil {
		return nil, fmt.Errorf("load %s: %w", src.Spec, err)
	}
	if err := db.keepRowid(ctx, conn, t); err != nil {
		db.dropAll(ctx, conn, t)
		return nil, fmt.Errorf("load %s: keep the rowid column apart: %w", src.Spec, err)
	}
	for i, c := range t.Columns {
		for _, f := range detected {
			if typ := f[c.Name]; typ != "" && c.Type == "VARCHAR" {
				t.Columns[i].Detected = typ
				break
			}
		}
	}
	return t, nil
}

func partName(name string, i, n int) string {
	if n == 1 {
		return name
	}
	return fmt.Sprintf("%s_part%d", name, i+1)
}

func (db *DB) dropAll(ctx context.Context, conn *sql.Conn, t *Table) {
	conn.ExecContext(ctx, "DROP VIEW IF EXISTS "+Ident(t.Name))
	for _, p := range t.parts {
		conn.ExecContext(ctx, "DROP TABLE IF EXISTS "+p.ref())
	}
	if t.RejectsTable != "" {
		conn.ExecContext(ctx, "DROP TABLE IF EXISTS "+Ident(t.RejectsTable))
	}
}

// ref is the SQL reference to the part's table.
func (p part) ref() string { return tableRef(p.catalog, p.table) }

type sourcePath struct{ path, display string }

// resolvePaths expands globs and spools standard input to a file, which
// is kept until the session closes (line numbers are read from it).
func (db *DB) resolvePaths(src source.Source, opts LoadOptions) ([]sourcePath, func(), error) {
	var out []sourcePath
	var spooled []string
	cleanup := func() {
		for _, p := range spooled {
			os.Remove(p)
		}
	}
	if len(src.Paths) == 0 {
		return nil, cleanup, &source.LoadError{Path: src.Spec, Err: errors.New("no path given")}
	}
	for _, p := range src.Paths {
		if p == "-" {
			if opts.Stdin == nil {
				return nil, cleanup, &source.LoadError{Path: "-", Err: errors.New("standard input is not available")}
			}
			sp, err := spoolStdin(opts.Stdin, db.cfg.TempDir)
			if err != nil {
				return nil, cleanup, &source.LoadError{Path: "-", Err: err}
			}
			spooled = append(spooled, sp)
			out = append(out, sourcePath{sp, "-"})
			continue
		}
		if st, err := os.Stat(p); err == nil || !strings.ContainsAny(p, "*?[") {
			// A path that exists is read as it is, even with glob
			// characters in its name.
			sp, made, err := db.readablePath(p, st)
			if err != nil {
				return nil, cleanup, &source.LoadError{Path: p, Err: err}
			}
			spooled = append(spooled, made...)
			out = append(out, sourcePath{sp, p})
			continue
		}
		matches, err := filepath.Glob(p)
		if err != nil {
			return nil, cleanup, &source.LoadError{Path: p, Err: err}
		}
		if len(matches) == 0 {
			return nil, cleanup, &source.LoadError{Path: p, Err: source.ErrNoFiles}
		}
		slices.Sort(matches)
		for _, m := range matches {
			out = append(out, sourcePath{m, m})
		}
	}
	db.keep(spooled)
	return out, func() {}, nil
}

// readablePath returns a path DuckDB reads p's bytes by, and the files
// it made for that: a named pipe, a /dev/fd path of process substitution
// or another file that is not a regular file can be read only once, so
// it is spooled to a file first (reading it to the end, so the writer
// never blocks); a name with glob characters, which DuckDB would expand,
// is linked under a plain name. st is p's FileInfo, nil if unknown.
func (db *DB) readablePath(p string, st os.FileInfo) (string, []string, error) {
	switch {
	case st == nil || st.IsDir():
		return p, nil, nil
	case !st.Mode().IsRegular():
		f, err := os.Open(p)
		if err != nil {
			return "", nil, unwrapPathError(err)
		}
		defer f.Close()
		sp, err := spoolStdin(f, db.cfg.TempDir)
		if err != nil {
			return "", nil, err
		}
		return sp, []string{sp}, nil
	case strings.ContainsAny(p, "*?[{"):
		abs, err := filepath.Abs(p)
		if err != nil {
			return "", nil, err
		}
		dir, err := os.MkdirTemp(db.cfg.TempDir, "plumb-path-")
		if err != nil {
			return "", nil, err
		}
		link := filepath.Join(dir, strings.Map(func(r rune) rune {
			if strings.ContainsRune("*?[]{}", r) {
				return '_'
			}
			return r
		}, filepath.Base(p)))
		if err := os.Symlink(abs, link); err != nil {
			os.Remove(dir)
			return "", nil, err
		}
		return link, []string{link, dir}, nil
	}
	return p, nil, nil
}

// loadFile loads one file into table.
func (db *DB) loadFile(ctx context.Context, conn *sql.Conn, src source.Source, opts LoadOptions, path, display, table, rejects string) (*loadedFile, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, &source.LoadError{Path: display, Err: unwrapPathError(err)}
	}
	if st.IsDir() {
		return nil, &source.LoadError{Path: display, Err: errors.New("is a directory")}
	}
	pk, err := peekFile(path)
	if err != nil {
		return nil, &source.LoadError{Path: display, Err: err}
	}
	if pk.empty {
		return nil, &source.LoadError{Path: display, Err: source.ErrEmpty}
	}
	format, delim := src.Format, src.CSV.Delimiter
	if format == source.FormatAuto {
		var nameDelim string
		format, nameDelim = formatFromName(display)
		if delim == "" {
			delim = nameDelim
		}
	}
	if format == source.FormatAuto {
		format = pk.format
	}
	if format == source.FormatAuto {
		format = source.FormatCSV
	}
	f := &loadedFile{File: source.File{Path: display, Format: format, Compression: pk.compression}, table: table, path: path}
	switch format {
	case source.FormatCSV:
		o := src.CSV
		o.Delimiter = delim
		err = db.loadCSV(ctx, conn, f, path, pk, o, opts, rejects)
	case source.FormatParquet:
		err = db.loadParquet(ctx, conn, f, path)
	case source.FormatJSON, source.FormatNDJSON:
		err = db.loadJSON(ctx, conn, f, path, pk, rejects)
	case source.FormatArrow:
		err = db.loadArrow(ctx, conn, f, path)
	default:
		err = fmt.Errorf("unknown format %q", format)
	}
	if err != nil {
		var le *source.LoadError
		if errors.As(err, &le) {
			return nil, err
		}
		return nil, &source.LoadError{Path: display, Err: err}
	}
	if format != source.FormatCSV && !f.counted {
		f.read = f.RowsLoaded + f.RowsRejected
	}
	return f, nil
}

// loadedFile is a File with what Load gathers about it on the way.
type loadedFile struct {
	source.File
	table    string // the DuckDB table it was loaded into
	catalog  string // the attached database holding table, "" for the session's own
	path     string // where the bytes are (stdin's spool file for "-")
	read     int64  // records in the file, counted apart from those loaded and rejected
	counted  bool   // read was counted (always for CSV); else it is the sum
	renamed  []source.Rename
	detected map[string]string // column → sniffed type, in a raw CSV load
	split    *recordSplitter   // how a delimited text file was cut into records
	padded   int64             // records short of fields, loaded padded with NULL
}

// ref is the SQL reference to the file's table.
func (f *loadedFile) ref() string { return tableRef(f.catalog, f.table) }

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// columns lists a relation's columns in order.
func columns(ctx context.Context, conn *sql.Conn, rel string) ([]source.Column, error) {
	return columnsRef(ctx, conn, Ident(rel))
}

// columnsRef lists the columns, in order, of the relation a SQL reference
// names.
func columnsRef(ctx context.Context, conn *sql.Conn, ref string) ([]source.Column, error) {
	rows, err := conn.QueryContext(ctx, "SELECT column_name, column_type FROM (DESCRIBE "+ref+")")
	if err != nil {
		return nil, fmt.Errorf("describe: %w", err)
	}
	defer rows.Close()
	var cols []source.Column
	for rows.Next() {
		var c source.Column
		if err := rows.Scan(&c.Name, &c.Type); err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	return cols, rows.Err()
}

// count returns the number of rows in a relation.
func count(ctx context.Context, conn *sql.Conn, rel string) (int64, error) {
	return countRef(ctx, conn, Ident(rel))
}

// Count returns the number of rows in a table or view of the session.
func (db *DB) Count(ctx context.Context, rel string) (int64, error) {
	var n int64
	err := db.sql.QueryRowContext(ctx, "SELECT count(*) FROM "+Ident(rel)).Scan(&n)
	return n, err
}

// countRef returns the number of rows in the relation a SQL reference
// names.
func countRef(ctx context.Context, conn *sql.Conn, ref string) (int64, error) {
	var n int64
	err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+ref).Scan(&n)
	return n, err
}

// readCall is a call of one of DuckDB's file readers on path with args.
// Folder names like "region=EU/" are never read as columns (DuckDB's
// hive partitioning, on by detection, would overwrite a file's own
// columns with them): plumb reads a file as written.
func readCall(reader, path string, args ...string) string {
	return reader + "(" + strings.Join(append([]string{Literal(path)}, append(args, "hive_partitioning=false")...), ", ") + ")"
}
