//go:build duckdb_arrow

package engine

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/plumb-data/plumb/source"
)

// PositionNames returns the names of the two columns Positioned puts
// before a table's own: the index in Table.Files of the file a row came
// from, and the 0-based ordinal of the row among its file's loaded rows.
// They are plumb_file and plumb_row unless the table has a column of that
// name (in any case); then the first of plumb_file_2, plumb_file_3, … it
// has none of. They are never among the table's columns.
func (t *Table) PositionNames() (file, row string) {
	return freshName("plumb_file", t.Columns), freshName("plumb_row", t.Columns)
}

// freshName returns base, or base_2, base_3, …: the first that is no
// column's name, compared as DuckDB compares names (ignoring case).
func freshName(base string, cols []source.Column) string {
	taken := func(name string) bool {
		return slices.ContainsFunc(cols, func(c source.Column) bool { return strings.EqualFold(c.Name, name) })
	}
	name := base
	for i := 2; taken(name); i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	return name
}

// Positioned returns a SQL relation over t's rows with the columns
// PositionNames names before t's own, so that a row can be traced back to
// where it was read (see LineIndex). For a table loaded in any order, the
// row ordinal is only where the row is stored.
func (t *Table) Positioned() string {
	file, row := t.PositionNames()
	stored := t.parts
	if len(stored) == 0 {
		// A Table made by its caller names one table of its own.
		stored = []part{{table: t.Name}}
	}
	parts := make([]string, len(stored))
	for i, p := range stored {
		parts[i] = fmt.Sprintf("SELECT %d AS %s, rowid AS %s, %s FROM %s", i, Ident(file), Ident(row), p.columns(), p.ref())
	}
	if len(parts) == 1 {
		return "(" + parts[0] + ")"
	}
	return "(" + strings.Join(parts, " UNION ALL BY NAME ") + ")"
}

// columns is the select list of a part's own columns, under their names.
func (p part) columns() string {
	if p.rowid == "" {
		return "*"
	}
	return "* RENAME (" + Ident(p.rowidAs) + " AS " + Ident(p.rowid) + ")"
}

// keepRowid keeps the positions of a table that has a column named rowid
// (Oracle exports do): in DuckDB such a column hides the rowid
// pseudo-column Positioned reads the positions from. Each file's table
// keeps that column under a name of plumb's instead, and t.Name becomes a
// view that shows it under its own name again. Tables without one, the
// common case, are left as they are, at the cost of a look at t.Columns.
func (db *DB) keepRowid(ctx context.Context, conn *sql.Conn, t *Table) error {
	if !slices.ContainsFunc(t.Columns, func(c source.Column) bool { return strings.EqualFold(c.Name, "rowid") }) {
		return nil
	}
	as := freshName("plumb_rowid", t.Columns)
	for i := range t.parts {
		p := &t.parts[i]
		cols, err := columnsRef(ctx, conn, p.ref())
		if err != nil {
			return err
		}
		k := slices.IndexFunc(cols, func(c source.Column) bool { return strings.EqualFold(c.Name, "rowid") })
		if k < 0 {
			continue
		}
		if p.table == t.Name && p.catalog == "" {
			moved := db.uniqueName(t.Name + "_rows")
			if _, err := conn.ExecContext(ctx, "ALTER TABLE "+Ident(p.table)+" RENAME TO "+Ident(moved)); err != nil {
				return err
			}
			p.table = moved
		}
		if _, err := conn.ExecContext(ctx, "ALTER TABLE "+p.ref()+" RENAME COLUMN "+Ident(cols[k].Name)+" TO "+Ident(as)); err != nil {
			return err
		}
		p.rowid, p.rowidAs = cols[k].Name, as
	}
	selects := make([]string, len(t.parts))
	for i, p := range t.parts {
		selects[i] = "SELECT " + p.columns() + " FROM " + p.ref()
	}
	_, err := conn.ExecContext(ctx, "CREATE OR REPLACE VIEW "+Ident(t.Name)+" AS "+strings.Join(selects, " UNION ALL BY NAME "))
	return err
}

// LineIndex maps the positions of a table's loaded rows to the numbers a
// person finds them by: the physical line a row starts on in CSV and
// NDJSON files (counting the header, blank lines, rejected rows and
// quoted values that span lines), the 1-based row number in other
// formats. Read it with Join.
type LineIndex struct {
	// Table holds (file, row, delta): from row on, a row of that file is
	// found at row + delta, until the file's next entry.
	Table string
	// Lines reports, per file, whether the numbers are physical lines
	// rather than row numbers.
	Lines []bool
}

// Join returns the join clause and the line-number expression for a
// relation whose rows carry their file index and row ordinal (as
// Positioned gives them) in the SQL expressions file and row, such as
// "r.plumb_file" and "r.plumb_row".
func (li *LineIndex) Join(file, row string) (join, line string) {
	join = " ASOF JOIN " + Ident(li.Table) + " plumb_li ON plumb_li.file = " + file + " AND " + row + " >= plumb_li.row"
	return join, row + " + plumb_li.delta"
}

// Drop removes the index's table.
func (li *LineIndex) Drop(ctx context.Context, db *DB) {
	db.ExecContext(ctx, "DROP TABLE IF EXISTS "+Ident(li.Table))
}

// LineIndex scans t's text files once to build its line index; Drop it when
// done. A file whose lines cannot be counted from its bytes
// (UTF-16) gets row numbers.
func (db *DB) LineIndex(ctx context.Context, t *Table) (*LineIndex, error) {
	if t.AnyOrder {
		return nil, fmt.Errorf("line index: %s was loaded in any order, so its rows have no source positions", t.Source)
	}
	name := db.uniqueName("plumb_lines")
	if _, err := db.ExecContext(ctx, "CREATE TABLE "+Ident(name)+" (file INTEGER, row BIGINT, delta BIGINT)"); err != nil {
		return nil, fmt.Errorf("line index: %w", err)
	}
	li := &LineIndex{Table: name, Lines: make([]bool, len(t.Files))}
	app, err := db.NewAppender(ctx, name)
	if err != nil {
		return nil, err
	}
	for i, f := range t.Files {
		emit := func(row, delta int64) error { return app.Append(int32(i), row, delta) }
		lines, err := db.fileLines(ctx, t, f, t.parts[i].path, t.parts[i].split, emit)
		if err == nil && !lines {
			err = emit(0, 1)
		}
		if err != nil {
			app.Close()
			li.Drop(context.WithoutCancel(ctx), db)
			return nil, fmt.Errorf("line index of %s: %w", f.Path, err)
		}
		li.Lines[i] = lines
	}
	if err := app.Close(); err != nil {
		li.Drop(context.WithoutCancel(ctx), db)
		return nil, fmt.Errorf("line index: %w", err)
	}
	return li, nil
}

// fileLines emits the line index entries of one file and reports whether
// it could; it cannot for formats without lines. split is how the load
// cut the file into records (nil: not delimited text plumb split), so
// that the lines are those of the records as loaded, also after a broken
// quote.
func (db *DB) fileLines(ctx context.Context, t *Table, f source.File, path string, split *recordSplitter, emit func(row, delta int64) error) (bool, error) {
	sc := split
	switch {
	case sc != nil:
	case f.Format == source.FormatNDJSON:
		sc = &recordSplitter{recordScanner: recordScanner{nl: '\n', skipBlank: true}}
	default:
		return false, nil
	}
	rejected, err := db.rejectedLines(ctx, t, f.Path)
	if err != nil {
		return false, err
	}
	r, _, err := openText(path)
	if err != nil {
		return false, err
	}
	defer r.Close()
	var row, last int64 = 0, -1
	err = sc.split(ctx, r, nil, func(rec *record) error {
		if rejected[rec.line] {
			return nil
		}
		delta := rec.line - row
		row++
		if delta == last {
			return nil
		}
		last = delta
		return emit(row-1, delta)
	})
	if err == nil && row != f.RowsLoaded {
		db.log.Warn("line index: records counted differ from rows loaded; line numbers may be off",
			"file", f.Path, "counted", row, "loaded", f.RowsLoaded)
	}
	return err == nil, err
}

// rejectedLines returns the lines of a file's rejected rows.
func (db *DB) rejectedLines(ctx context.Context, t *Table, file string) (map[int64]bool, error) {
	out := map[int64]bool{}
	if t.RejectsTable == "" || t.RowsRejected == 0 {
		return out, nil
	}
	rows, err := db.QueryContext(ctx, "SELECT line FROM "+Ident(t.RejectsTable)+" WHERE file = "+Literal(file))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var l int64
		if err := rows.Scan(&l); err != nil {
			return nil, err
		}
		out[l] = true
	}
	return out, rows.Err()
}
