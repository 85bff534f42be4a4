package rules

import (
	"context"
	"fmt"
	"strings"

	"github.com/plumb-data/plumb/engine"
)

// scan evaluates every row check in one pass over the table, which
// keeps the failing rows (their positions, which checks they fail and the
// values to show) in a table; counts, samples and the quarantine come from
// that table. Dataset checks, and the row counts of checks with a where,
// take one more pass over just the columns they read.
func (ev *evaluation) scan(ctx context.Context, res *Result) error {
	if ev.rowChecks() > 0 {
		ev.failing = ev.scratch.Table("plumb_failing")
		q := "CREATE TABLE " + engine.Ident(ev.failing) + " AS SELECT * FROM " + ev.flags() + " WHERE " + ev.names.any
		if _, err := ev.db.ExecContext(ctx, q); err != nil {
			return ev.queryError(ctx, err)
		}
	}
	var items []string
	var fill []func(v any)
	for _, cc := range ev.checks {
		r := &cc.res
		switch {
		case cc.fails != "" && cc.Where == "":
			r.Rows = ev.t.RowsLoaded
		case cc.fails != "":
			items = append(items, "count(*) FILTER (WHERE "+cc.applies+")")
			fill = append(fill, func(v any) { r.Rows = toInt(v) })
		case cc.agg == "count":
			items = append(items, "count(*) FILTER (WHERE "+cc.applies+")")
			fill = append(fill, func(v any) { ev.dataset(cc, v) })
		case cc.agg == "max":
			items = append(items, "max("+cc.aggArg+") FILTER (WHERE "+cc.applies+")")
			fill = append(fill, func(v any) { ev.dataset(cc, v) })
		}
	}
	if len(items) > 0 {
		if err := ev.row(ctx, "SELECT "+strings.Join(items, ", ")+" FROM "+ev.rel()+" r", fill); err != nil {
			return err
		}
	}
	for _, cc := range ev.checks {
		if cc.aggregate != nil {
			ev.opts.progress("measuring " + cc.Name)
			if err := ev.measureAggregate(ctx, cc); err != nil {
				return err
			}
		}
	}
	if ev.failing != "" {
		items, fill = []string{"count(*)"}, []func(any){func(v any) { res.FailingRows = toInt(v) }}
		for k, cc := range ev.checks {
			if cc.fails == "" {
				continue
			}
			r := &cc.res
			f := ev.names.flag(k)
			sample := fmt.Sprintf("{'f': %s, 'r': %s, 'v': %s}", ev.names.file, ev.names.row, ev.names.value(k))
			items = append(items, "count(*) FILTER (WHERE "+f+")",
				fmt.Sprintf("min_by(%s, %s, %d) FILTER (WHERE %s)", sample, ev.names.pos, ev.opts.Samples, f))
			fill = append(fill, func(v any) { r.Failed = toInt(v) }, func(v any) { r.Samples = ev.samples(v) })
		}
		if err := ev.row(ctx, "SELECT "+strings.Join(items, ", ")+" FROM "+engine.Ident(ev.failing), fill); err != nil {
			return err
		}
	}
	for _, cc := range ev.checks {
		r := &cc.res
		switch {
		case cc.Kind == Schema:
			ev.schema(cc)
		case cc.fails != "":
			if r.Rows > 0 {
				r.Share = float64(r.Failed) / float64(r.Rows)
			}
			r.Status = status(cc.Check, cc.MaxFailures.Allows(r.Failed, r.Rows))
		}
		res.Checks = append(res.Checks, *r)
	}
	return nil
}

// row runs a query returning one row and hands each value to its fill.
func (ev *evaluation) row(ctx context.Context, q string, fill []func(any)) error {
	vals := make([]any, len(fill))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := ev.db.QueryRowContext(ctx, q).Scan(ptrs...); err != nil {
		return ev.queryError(ctx, err)
	}
	for i, f := range fill {
		f(vals[i])
	}
	return nil
}

// samples reads a list of {f, r, v} structs. Line holds the row's
// position and File its file's path until lines turns them into the
// place a person finds the row.
func (ev *evaluation) samples(v any) []Sample {
	list, _ := v.([]any)
	var out []Sample
	for _, e := range list {
		m, _ := e.(map[string]any)
		sm := Sample{Line: toInt(m["r"]), File: ev.t.Files[toInt(m["f"])].Path}
		if v, ok := m["v"].(string); ok {
			sm.Value = v
		} else {
			sm.Null = true
		}
		out = append(out, sm)
	}
	return out
}

func (ev *evaluation) rowChecks() int {
	n := 0
	for _, cc := range ev.checks {
		if cc.fails != "" {
			n++
		}
	}
	return n
}

// flags is the relation the scan keeps the failing rows of: each row's
// position, for each row check k whether the row fails it (names.flag)
// and if so the value to show (names.value), and whether it fails any
// (names.any). Every predicate is computed once per row; the set checks'
// failures come in by one join.
func (ev *evaluation) flags() string {
	n := ev.names
	items := []string{"r." + n.file, "r." + n.row, n.order() + " AS " + n.pos}
	var outer, fs []string
	for k, cc := range ev.checks {
		if cc.fails == "" {
			continue
		}
		f := n.flag(k)
		items = append(items, "coalesce("+cc.applies+" AND "+cc.fails+", false) AS "+f)
		for i := range ev.t.Columns {
			if containsName(cc.value, n.raw(i)) {
				items = append(items, "r."+n.raw(i))
			}
		}
		fs = append(fs, f)
		outer = append(outer, fmt.Sprintf("CASE WHEN %s THEN %s END AS %s", f, cc.value, n.value(k)))
	}
	from := ev.rel() + " r"
	if ev.sets != "" {
		from += " LEFT JOIN (SELECT " + n.pos + ", bit_or(" + n.bits + ") AS " + n.bits + " FROM " + engine.Ident(ev.sets) +
			" GROUP BY ALL) s ON s." + n.pos + " = " + n.order()
	}
	keep := []string{n.file, n.row, n.pos}
	keep = append(keep, fs...)
	return "(SELECT " + strings.Join(append(keep, outer...), ", ") + ", " + strings.Join(fs, " OR ") + " AS " + n.any + " FROM (SELECT " +
		strings.Join(distinct(items), ", ") + " FROM " + from + "))"
}

// containsName reports whether SQL text holds a name of plumb's, as a
// whole word (plumb_raw_1 is not in plumb_raw_12).
func containsName(sqlText, name string) bool {
	for i := 0; ; {
		k := strings.Index(sqlText[i:], name)
		if k < 0 {
			return false
		}
		end := i + k + len(name)
		if end == len(sqlText) || !isNameByte(sqlText[end]) {
			return true
		}
		i = end
	}
}

func isNameByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func distinct(items []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, it := range items {
		if !seen[it] {
			seen[it] = true
			out = append(out, it)
		}
	}
	return out
}

func toInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case uint64:
		return int64(x)
	case float64:
		return int64(x)
	}
	return 0
}
