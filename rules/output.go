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
	var names []string
	for k, cc := range ev.checks {
		if cc.fails != "" {
			names = append(names, fmt.Sprintf("CASE WHEN f.plumb_f%d THEN %s END", k, engine.Literal(cc.Name)))
		}
	}
	var orig []string
	for i, c := range ev.t.Columns {
		orig = append(orig, "r."+rawColumn(i)+" AS "+engine.Ident(c.Name))
	}
	order := " ORDER BY r." + engine.PosFile + ", r." + engine.PosRow
	failing := "(SELECT NULL::INTEGER AS " + engine.PosFile + ", NULL::BIGINT AS " + engine.PosRow + " WHERE false)"
	if ev.failing != "" {
		failing = engine.Ident(ev.failing)
	}
	on := " ON f." + engine.PosFile + " = r." + engine.PosFile + " AND f." + engine.PosRow + " = r." + engine.PosRow
	if ev.opts.Quarantine != "" {
		if ev.li == nil {
			return errors.New("quarantine: no line index")
		}
		join, line := ev.li.Join("r")
		items := []string{line + " AS " + engine.Ident(QuarantineLine)}
		if len(ev.t.Files) > 1 {
			files := make([]string, len(ev.t.Files))
			for i, f := range ev.t.Files {
				files[i] = engine.Literal(f.Path)
			}
			items = append(items, "["+strings.Join(files, ", ")+"][r."+engine.PosFile+" + 1] AS "+engine.Ident(QuarantineFile))
		}
		checks := "''"
		if len(names) > 0 {
			checks = "concat_ws('; ', " + strings.Join(names, ", ") + ")"
		}
		items = append(items, checks+" AS "+engine.Ident(QuarantineChecks))
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
