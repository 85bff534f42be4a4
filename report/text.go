package report

import (
	"bufio"
	"fmt"
	"github.com/plumb-data/plumb/result"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/plumb-data/plumb/internal/numfmt"
	"github.com/plumb-data/plumb/source"
)

type textRenderer struct{}

// width is the terminal width text reports fit in.
const width = 80

// buffered runs fn on a buffered w and flushes it.
func buffered[T any](w io.Writer, r T, fn func(*bufio.Writer, T)) error {
	bw := bufio.NewWriter(w)
	fn(bw, r)
	return bw.Flush()
}

func (textRenderer) Inspect(w io.Writer, rs []*result.Inspect) error {
	return buffered(w, rs, func(bw *bufio.Writer, rs []*result.Inspect) {
		for i, r := range rs {
			if i > 0 {
				bw.WriteString("\n")
			}
			textInspect(bw, r)
		}
	})
}

func (textRenderer) Profile(w io.Writer, r *result.Profile) error { return buffered(w, r, textProfile) }
func (textRenderer) Check(w io.Writer, r *result.Check) error     { return buffered(w, r, textCheck) }
func (textRenderer) Diff(w io.Writer, r *result.Diff) error       { return buffered(w, r, textDiff) }
func (textRenderer) Dedupe(w io.Writer, r *result.Dedupe) error   { return buffered(w, r, textDedupe) }
func (textRenderer) Link(w io.Writer, r *result.Link) error       { return buffered(w, r, textLink) }

func textInspect(w *bufio.Writer, r *result.Inspect) {
	fmt.Fprintf(w, "%s\n", r.Source)
	fmt.Fprintf(w, "  format     %s\n", r.Format)
	for _, f := range r.Files {
		if len(r.Files) > 1 {
			fmt.Fprintf(w, "  file       %s (%s loaded, %s rejected)\n", f.Path, num(f.RowsLoaded), num(f.RowsRejected))
		}
		if f.Compression != "" && f.Compression != "none" {
			fmt.Fprintf(w, "  compressed %s\n", f.Compression)
		}
		if d := f.Dialect; d != nil {
			header := "no header"
			if d.Header {
				header = "header"
			}
			fmt.Fprintf(w, "  dialect    delimiter %s  quote %s  escape %s  newline %s  %s  skip %d\n",
				char(d.Delimiter), char(d.Quote), char(d.Escape), d.NewLine, header, d.Skip)
			fmt.Fprintf(w, "  encoding   %s\n", d.Encoding)
		}
	}
	if db := r.Database; db != nil {
		wrapped(w, "  database   ", databaseLine(db))
	}
	fmt.Fprintf(w, "  rows       %s read = %s loaded + %s rejected\n", num(r.RowsRead), num(r.RowsLoaded), num(r.RowsRejected))
	fmt.Fprintf(w, "  columns    %d\n", len(r.Columns))
	if r.Database != nil && len(r.Database.Columns) == len(r.Columns) {
		textCatalog(w, r.Columns, r.Database)
	} else {
		nameW := 4
		for _, c := range r.Columns {
			nameW = max(nameW, min(utf8.RuneCountInString(c.Name), 40))
		}
		for i, c := range r.Columns {
			fmt.Fprintf(w, "    %3d  %s  %s\n", i+1, pad(clip(c.Name, 40), nameW), c.Type)
		}
	}
	if len(r.Renamed) > 0 {
		fmt.Fprintf(w, "  renamed    %d header names\n", len(r.Renamed))
		for _, n := range r.Renamed {
			fmt.Fprintf(w, "    column %d: %s -> %s (%s)\n", n.Position, strconv.Quote(n.Header), n.Name, n.Reason)
		}
	}
	if r.RowsRejected > 0 {
		shown := ""
		if int64(len(r.Rejects)) < r.RowsRejected {
			shown = fmt.Sprintf(", first %d", len(r.Rejects))
		}
		fmt.Fprintf(w, "  rejected   %s%s\n", numfmt.Count(r.RowsRejected, "row"), shown)
		for _, x := range r.Rejects {
			loc := fmt.Sprintf("line %d", x.Line)
			if len(r.Files) > 1 {
				loc = fmt.Sprintf("%s:%d", x.File, x.Line)
			}
			head := fmt.Sprintf("    %s  %s", loc, x.Reason)
			fmt.Fprintf(w, "%s  %s\n", head, clip(strconv.Quote(x.Text), width-utf8.RuneCountInString(head)-2))
		}
	}
	for _, h := range r.Hints {
		fmt.Fprintf(w, "  hint       %s\n", h)
	}
}

// databaseLine is the server, the table and the catalog's row estimate.
func databaseLine(c *source.Catalog) string {
	line := c.Server + ", " + c.Table
	if c.Table != "query" {
		line = c.Server + ", table " + c.Table
	}
	if c.RowEstimate != nil {
		line += fmt.Sprintf(", about %s (catalog estimate)", numfmt.Count(*c.RowEstimate, "row"))
	}
	return line
}

// textCatalog writes a database source's columns with their declared
// type and nullability, a note under a column loaded otherwise than
// declared, then the table's keys and checks.
func textCatalog(w *bufio.Writer, cols []source.Column, c *source.Catalog) {
	nameW, typeW, declW := 4, 4, 4
	for i, col := range cols {
		nameW = max(nameW, min(utf8.RuneCountInString(col.Name), 40))
		typeW = max(typeW, utf8.RuneCountInString(col.Type))
		declW = max(declW, min(utf8.RuneCountInString(declared(c.Columns[i])), 30))
	}
	for i, col := range cols {
		d := c.Columns[i]
		line := fmt.Sprintf("    %3d  %s  %s  %s  %s", i+1, pad(clip(col.Name, 40), nameW), pad(col.Type, typeW),
			pad(clip(declared(d), 30), declW), nullability(d.Nullable))
		w.WriteString(strings.TrimRight(line, " ") + "\n")
		if d.Note != "" {
			wrapped(w, "         note: ", d.Note)
		}
	}
	if len(c.PrimaryKey) > 0 {
		fmt.Fprintf(w, "  primary    %s\n", strings.Join(c.PrimaryKey, ", "))
	}
	for _, u := range c.Unique {
		fmt.Fprintf(w, "  unique     %s\n", strings.Join(u, ", "))
	}
	for _, fk := range c.ForeignKeys {
		wrapped(w, "  references ", foreignKey(fk))
	}
	for _, ck := range c.Checks {
		wrapped(w, "  check      ", ck)
	}
}

// declared is a column's type as the database declares it.
func declared(d source.DeclaredColumn) string {
	if d.Type == "" {
		return "(no type)"
	}
	return d.Type
}

// nullability says whether the database lets a column hold NULL; blank
// when it does not say (a query's columns).
func nullability(n *bool) string {
	switch {
	case n == nil:
		return ""
	case *n:
		return "null"
	}
	return "not null"
}

// foreignKey is "a, b -> other (x, y)".
func foreignKey(fk source.ForeignKey) string {
	s := strings.Join(fk.Columns, ", ") + " -> " + fk.References
	if len(fk.RefColumns) > 0 {
		s += " (" + strings.Join(fk.RefColumns, ", ") + ")"
	}
	return s
}

// num writes an integer with thousands separators.
func num(n int64) string { return numfmt.Int(n) }

// char shows a dialect character quoted, so that blanks and tabs are
// visible.
func char(c string) string {
	switch c {
	case "":
		return "(none)"
	case "\t":
		return `'\t'`
	}
	return "'" + c + "'"
}

// clip shortens s to at most n runes, marking the cut.
// wrapped writes s after prefix, wrapped at spaces to the report's width,
// continuation lines indented as far as prefix: for lines that carry a
// verdict, which clipping would cut.
func wrapped(w *bufio.Writer, prefix, s string) {
	indent := strings.Repeat(" ", utf8.RuneCountInString(prefix))
	avail := max(width-len(indent), 20)
	line := prefix
	n := 0
	for i, word := range strings.Split(s, " ") {
		wl := utf8.RuneCountInString(word)
		if i > 0 && n+1+wl > avail {
			w.WriteString(line + "\n")
			line, n = indent+word, wl
			continue
		}
		if i > 0 {
			line += " "
			n++
		}
		line += word
		n += wl
	}
	w.WriteString(line + "\n")
}

func clip(s string, n int) string {
	if n < 4 {
		n = 4
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func pad(s string, n int) string {
	if k := utf8.RuneCountInString(s); k < n {
		return s + strings.Repeat(" ", n-k)
	}
	return s
}
