package rules

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/plumb-data/plumb/engine"
)

// write writes the quarantine and passing files: the rows in the table
// of failing rows, and the others, in source order.
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
		if len(ev.t.Files) > 1 {
			files := make([]string, len(ev.t.Files))
			for i, f := range ev.t.Files {
				files[i] = engine.Literal(f.Path)
			}
			items = append(items, "["+strings.Join(files, ", ")+"][r."+n.file+" + 1] AS "+engine.Ident(n.source))
		}
		checks := "''"
		if len(failed) > 0 {
			checks = "concat_ws('; ', " + strings.Join(failed, ", ") + ")"
		}
		items = append(items, checks+" AS "+engine.Ident(n.checks))
		q := "SELECT " + strings.Join(append(items, orig...), ", ") + " FROM " + ev.rel() + " r JOIN " + failing + " f" + on + join + order
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
