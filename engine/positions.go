//go:build duckdb_arrow

package engine

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
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
	parts := make([]string, len(t.parts))
	for i, p := range t.parts {
		parts[i] = fmt.Sprintf("SELECT %d AS %s, rowid AS %s, %s FROM %s", i, Ident(file), Ident(row), p.columns(), Ident(p.table))
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
		cols, err := columns(ctx, conn, p.table)
		if err != nil {
			return err
		}
		k := slices.IndexFunc(cols, func(c source.Column) bool { return strings.EqualFold(c.Name, "rowid") })
		if k < 0 {
			continue
		}
		if p.table == t.Name {
			moved := db.uniqueName(t.Name + "_rows")
			if _, err := conn.ExecContext(ctx, "ALTER TABLE "+Ident(p.table)+" RENAME TO "+Ident(moved)); err != nil {
				return err
			}
			p.table = moved
		}
		if _, err := conn.ExecContext(ctx, "ALTER TABLE "+Ident(p.table)+" RENAME COLUMN "+Ident(cols[k].Name)+" TO "+Ident(as)); err != nil {
			return err
		}
		p.rowid, p.rowidAs = cols[k].Name, as
	}
	selects := make([]string, len(t.parts))
	for i, p := range t.parts {
		selects[i] = "SELECT " + p.columns() + " FROM " + Ident(p.table)
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
		lines, err := db.fileLines(ctx, t, f, t.parts[i].path, emit)
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
// it could; it cannot for formats without lines.
func (db *DB) fileLines(ctx context.Context, t *Table, f source.File, path string, emit func(row, delta int64) error) (bool, error) {
	var sc *recordScanner
	switch {
	case f.Format == source.FormatCSV && f.Dialect != nil && f.Dialect.Encoding != source.EncodingUTF16:
		d := f.Dialect
		sc = &recordScanner{skip: d.Skip, header: d.Header, nl: '\n'}
		if d.Quote != "" {
			sc.quote, sc.escape = d.Quote[0], d.Quote[0]
			if d.Escape != "" {
				sc.escape = d.Escape[0]
			}
		}
		if d.Delimiter != "" {
			sc.delim = d.Delimiter[0]
		}
		if d.NewLine == `\r` {
			sc.nl = '\r'
		}
		sc.keepEmpty = len(t.Columns) == 1
	case f.Format == source.FormatNDJSON:
		sc = &recordScanner{nl: '\n', skipBlank: true}
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
	err = sc.scan(ctx, r, func(line int64) error {
		if rejected[line] {
			return nil
		}
		delta := line - row
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

// recordScanner finds the line each record of delimited text starts on,
// as DuckDB reads it: a quote opens a quoted value only at the start of a
// field, newlines inside quoted values do not end the record, empty lines
// are no records (except in one-column files), and skip lines and the
// header come first.
type recordScanner struct {
	skip          int
	header        bool
	delim         byte
	quote, escape byte // 0: none
	nl            byte
	keepEmpty     bool // a one-column file: an empty line is a record
	skipBlank     bool // NDJSON: whitespace-only lines are no records
}

// scan calls fn with the 1-based line of each data record.
func (s *recordScanner) scan(ctx context.Context, r io.Reader, fn func(line int64) error) error {
	br := bufio.NewReaderSize(r, 1<<20)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	var (
		line       int64 = 1 // line the reader is on
		start      int64     // line the current record started on
		inRecord   bool      // a record has begun and not ended
		inQuote    bool
		pending    byte // quote just seen inside quotes (may be doubled), or escape awaiting its byte
		fieldStart = true
		empty      = true // the record so far has no bytes but line ends
		skip       = s.skip
		header     = s.header
	)
	for n := 0; ; n++ {
		if n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		chunk, err := br.ReadSlice(s.nl)
		if len(chunk) > 0 {
			ended := chunk[len(chunk)-1] == s.nl
			body := chunk
			if ended {
				body = chunk[:len(chunk)-1]
			}
			if skip > 0 {
				if ended {
					skip--
					line++
				}
				if err != nil && err != bufio.ErrBufferFull {
					break
				}
				continue
			}
			if !inRecord {
				inRecord, start, fieldStart, empty = true, line, true, true
			}
			if len(bytes.TrimRight(body, "\r")) > 0 {
				empty = false
			}
			if s.skipBlank && len(bytes.TrimSpace(body)) == 0 {
				empty = true
			}
			// The quick path: no quote in the piece and none open.
			if s.quote == 0 || !inQuote && pending == 0 && bytes.IndexByte(body, s.quote) < 0 {
				if len(body) > 0 {
					fieldStart = body[len(body)-1] == s.delim
				}
			} else {
				for _, c := range body {
					switch {
					case pending == s.escape && s.escape != s.quote:
						pending = 0
					case pending == s.quote:
						pending = 0
						if c == s.quote {
							continue // a doubled quote inside quotes
						}
						inQuote = false
						fieldStart = c == s.delim
					case inQuote:
						if c == s.escape && s.escape != s.quote || c == s.quote {
							pending = c
						}
					case c == s.quote && fieldStart:
						inQuote, fieldStart = true, false
					default:
						fieldStart = c == s.delim
					}
				}
			}
			if ended {
				line++
				switch {
				case pending == s.quote: // a closing quote at the end of a line
					pending, inQuote = 0, false
				case pending != 0: // an escaped line break
					pending = 0
				}
				if !inQuote {
					inRecord = false
					if header {
						header = false
					} else if !empty || s.keepEmpty && !s.skipBlank {
						if err := fn(start); err != nil {
							return err
						}
					}
				}
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF {
			if inRecord && !empty && !header {
				return fn(start)
			}
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}
