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
		join, line := ev.li.Join("r."+n.file, "r."+n.row)
		items := []string{line + " AS " + engine.Ident(n.line)}
		var files string
		if len(ev.t.Files) > 1 {
			paths := make([]string, len(ev.t.Files))
			for i, f := range ev.t.Files {
				paths[i] = f.Path
			}
			files = engine.List(paths)
			items = append(items, files+"[r."+n.file+" + 1] AS "+engine.Ident(n.source))
		}
		checks := "''"
		if len(failed) > 0 {
			checks = "concat_ws('; ', " + strings.Join(failed, ", ") + ")"
		}
		items = append(items, checks+" AS "+engine.Ident(n.checks),
			"NULL::VARCHAR AS "+engine.Ident(n.reason), "NULL::VARCHAR AS "+engine.Ident(n.text))
		items = append(items, orig...)
		q := "SELECT " + strings.Join(append(items, "r."+n.file), ", ") + " FROM " + ev.rel() + " r JOIN " + failing + " f" + on + join
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
