package rules

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/plumb-data/plumb/engine"
)

// write writes the quarantine and passing files: the rows in the table
// of failing rows and the rows rejected at load, and the others, in
// source order, so that the two hold every row read.
func (ev *evaluation) write(ctx context.Context) error {
	n := ev.names
	var failed []string
	for k, cc := range ev.checks {
		if cc.fails != "" {
			failed = append(failed, "CASE WHEN f."+n.flag(k)+" THEN "+engine.Literal(cc.Name)+" END")
		}
	}
	var orig []string
	for i, c := range ev.t.Columns {
		orig = append(orig, "r."+n.raw(i)+" AS "+engine.Ident(c.Name))
	}
	order := " ORDER BY r." + n.file + ", r." + n.row
	failing := "(SELECT NULL::INTEGER AS " + n.file + ", NULL::BIGINT AS " + n.row + " WHERE false)"
	if ev.failing != "" {
		failing = engine.Ident(ev.failing)
	}
	on := " ON f." + n.file + " = r." + n.file + " AND f." + n.row + " = r." + n.row
	if ev.opts.Quarantine != "" {
		if ev.li == nil {
			return errors.New("quarantine: no line index")
		}
		lines, err := ev.failingLines(ctx, failing, failed)
		if err != nil {
			return fmt.Errorf("quarantine: %w", err)
		}
		items := []string{"f.line AS " + engine.Ident(n.line)}
		var files string
		if len(ev.t.Files) > 1 {
			paths := make([]string, len(ev.t.Files))
			for i, f := range ev.t.Files {
				paths[i] = f.Path
			}
			files = engine.List(paths)
			items = append(items, files+"[r."+n.file+" + 1] AS "+engine.Ident(n.source))
		}
		items = append(items, "f.checks AS "+engine.Ident(n.checks),
			"NULL::VARCHAR AS "+engine.Ident(n.reason), "NULL::VARCHAR AS "+engine.Ident(n.text))
		items = append(items, orig...)
		q := "SELECT " + strings.Join(append(items, "r."+n.file), ", ") + " FROM " + ev.rel() + " r JOIN " + engine.Ident(lines) + " f" + on
		if ev.t.RowsRejected > 0 && ev.t.RejectsTable != "" {
			q += " UNION ALL " + ev.rejectedRows(files)
		}
		// Rows rejected at load come in among the others, by line.
		q = "SELECT * EXCLUDE (" + n.file + ") FROM (" + q + ") ORDER BY " + n.file + ", " + engine.Ident(n.line)
		if err := ev.db.WriteQuery(ctx, q, ev.opts.Quarantine); err != nil {
			return fmt.Errorf("quarantine: %w", err)
		}
	}
	if ev.opts.Passing != "" {
		q := "SELECT " + strings.Join(orig, ", ") + " FROM " + ev.rel() + " r ANTI JOIN " + failing + " f" + on + order
		if err := ev.db.WriteQuery(ctx, q, ev.opts.Passing); err != nil {
			return fmt.Errorf("passing rows: %w", err)
		}
	}
	return nil
}

// failingLines makes a scratch table of the failing rows' positions,
// source line (line) and failed checks (checks), for the quarantine to
// join the source's rows to. Numbering the lines here, on these narrow
// rows, rather than in the quarantine's own query matters under a
// memory limit: there the ASOF join and the ORDER BY both held the wide
// rows at once, and DuckDB ran out of memory (15,000,000 rows, 1,000,000
// failing, a 192 MB limit) where each alone spills.
func (ev *evaluation) failingLines(ctx context.Context, failing string, failed []string) (string, error) {
	n := ev.names
	join, line := ev.li.Join("f."+n.file, "f."+n.row)
	checks := "''"
	if len(failed) > 0 {
		checks = "concat_ws('; ', " + strings.Join(failed, ", ") + ")"
	}
	name := ev.scratch.Table("plumb_qlines")
	q := "CREATE TABLE " + engine.Ident(name) + " AS SELECT f." + n.file + ", f." + n.row + ", " + line + " AS line, " + checks + " AS checks FROM " + failing + " f" + join
	if _, err := ev.db.ExecContext(ctx, q); err != nil {
		return "", fmt.Errorf("number the failing rows' lines: %w", err)
	}
	return name, nil
}
