package report

import (
	"bufio"
	"fmt"
	"github.com/plumb-data/plumb/result"
	"io"
	"strings"

	"github.com/plumb-data/plumb/source"
)

type markdownRenderer struct{}

func (markdownRenderer) Inspect(w io.Writer, rs []*result.Inspect) error {
	return buffered(w, rs, func(bw *bufio.Writer, rs []*result.Inspect) {
		for i, r := range rs {
			if i > 0 {
				bw.WriteString("\n")
			}
			markdownInspect(bw, r)
		}
	})
}

func (markdownRenderer) Profile(w io.Writer, r *result.Profile) error {
	return buffered(w, r, markdownProfile)
}
func (markdownRenderer) Check(w io.Writer, r *result.Check) error {
	return buffered(w, r, markdownCheck)
}
func (markdownRenderer) Diff(w io.Writer, r *result.Diff) error { return buffered(w, r, markdownDiff) }
func (markdownRenderer) Dedupe(w io.Writer, r *result.Dedupe) error {
	return buffered(w, r, markdownDedupe)
}
func (markdownRenderer) Link(w io.Writer, r *result.Link) error { return buffered(w, r, markdownLink) }

func markdownInspect(w *bufio.Writer, r *result.Inspect) {
	fmt.Fprintf(w, "## %s (%s)\n\n", mdCode(r.Source), r.Format)
	fmt.Fprintf(w, "%s rows read = %s loaded + %s rejected\n\n", num(r.RowsRead), num(r.RowsLoaded), num(r.RowsRejected))
	if c := r.Database; c != nil && len(c.Columns) == len(r.Columns) {
		markdownCatalog(w, r.Columns, c)
	} else {
		fmt.Fprintf(w, "| # | column | type |\n|---:|---|---|\n")
		for i, c := range r.Columns {
			fmt.Fprintf(w, "| %d | %s | %s |\n", i+1, mdEscape(c.Name), c.Type)
		}
	}
	if len(r.Rejects) > 0 {
		fmt.Fprintf(w, "\n| file | line | reason | text |\n|---|---:|---|---|\n")
		for _, x := range r.Rejects {
			fmt.Fprintf(w, "| %s | %d | %s | %s |\n", mdEscape(x.File), x.Line, x.Reason, mdCode(x.Text))
		}
	}
}

// markdownCatalog writes a database source's server, its columns with
// their declared type, nullability and notes, and its keys and checks.
func markdownCatalog(w *bufio.Writer, cols []source.Column, c *source.Catalog) {
	fmt.Fprintf(w, "Database: %s\n\n", mdEscape(databaseLine(c)))
	fmt.Fprintf(w, "| # | column | type | declared | nullable | note |\n|---:|---|---|---|---|---|\n")
	for i, col := range cols {
		d := c.Columns[i]
		fmt.Fprintf(w, "| %d | %s | %s | %s | %s | %s |\n", i+1, mdEscape(col.Name), col.Type,
			mdEscape(declared(d)), nullability(d.Nullable), mdEscape(d.Note))
	}
	var keys []string
	if len(c.PrimaryKey) > 0 {
		keys = append(keys, "- primary key: "+mdCodes(c.PrimaryKey))
	}
	for _, u := range c.Unique {
		keys = append(keys, "- unique: "+mdCodes(u))
	}
	for _, fk := range c.ForeignKeys {
		ref := mdCode(fk.References)
		if len(fk.RefColumns) > 0 {
			ref += " (" + mdCodes(fk.RefColumns) + ")"
		}
		keys = append(keys, "- foreign key: "+mdCodes(fk.Columns)+" → "+ref)
	}
	for _, ck := range c.Checks {
		keys = append(keys, "- check: "+mdCode(ck))
	}
	if len(keys) > 0 {
		fmt.Fprintf(w, "\n%s\n", strings.Join(keys, "\n"))
	}
}

// mdCodes is names as code, comma-separated.
func mdCodes(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = mdCode(n)
	}
	return strings.Join(out, ", ")
}
