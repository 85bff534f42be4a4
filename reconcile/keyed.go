//go:build duckdb_arrow

package reconcile

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/plumb-data/plumb/engine"
)

func (r *runner) keyed(ctx context.Context) error {
	nk := len(r.keys)
	var nullCond []string
	for i := range nk {
		nullCond = append(nullCond, fmt.Sprintf("k%d IS NULL", i))
	}
	isNull := strings.Join(nullCond, " OR ")
	bare := make([]string, nk)
	for i := range bare {
		bare[i] = fmt.Sprintf("k%d", i)
	}
	kcols := strings.Join(bare, ", ")
	// Counts and duplicate keys per side.
	for side, view := range []string{r.s, r.t} {
		var rows, nulls int64
		if err := r.db.QueryRowContext(ctx, "SELECT count(*), count(*) FILTER (WHERE "+isNull+") FROM "+engine.Ident(view)).Scan(&rows, &nulls); err != nil {
			return err
		}
		if side == 0 {
			r.res.SourceRows, r.res.NullKeys.Source = rows, nulls
		} else {
			r.res.TargetRows, r.res.NullKeys.Target = rows, nulls
		}
	}
	dups, err := r.scratch(ctx, "TABLE", "plumb_diff_dups",
		"SELECT "+kcols+", sum(sn)::BIGINT AS sn, sum(tn)::BIGINT AS tn FROM ("+
			"SELECT "+kcols+", count(*) AS sn, 0 AS tn FROM "+engine.Ident(r.s)+" WHERE NOT ("+isNull+") GROUP BY ALL HAVING count(*) > 1 "+
			"UNION ALL SELECT "+kcols+", 0, count(*) FROM "+engine.Ident(r.t)+" WHERE NOT ("+isNull+") GROUP BY ALL HAVING count(*) > 1"+
			") GROUP BY ALL")
	if err != nil {
		return fmt.Errorf("find duplicate keys: %w", err)
	}
	var nDup int64
	if err := r.db.QueryRowContext(ctx, "SELECT count(*) FROM "+engine.Ident(dups)).Scan(&nDup); err != nil {
		return err
	}
	pairable := func(view string) string {
		q := "SELECT * FROM " + engine.Ident(view) + " WHERE NOT (" + isNull + ")"
		if nDup > 0 {
			q = "SELECT * FROM (" + q + ") ANTI JOIN " + engine.Ident(dups) + " USING (" + kcols + ")"
		}
		return q
	}
	if nDup > 0 {
		d := &r.res.DuplicateKeys
		if err := r.db.QueryRowContext(ctx, "SELECT count(*) FILTER (WHERE sn > 1), count(*) FILTER (WHERE tn > 1) FROM "+engine.Ident(dups)).Scan(&d.SourceKeys, &d.TargetKeys); err != nil {
			return err
		}
		// Every row of a key duplicated on either side is set aside.
		for side, view := range []string{r.s, r.t} {
			var rows int64
			q := "SELECT count(*) FROM " + engine.Ident(view) + " SEMI JOIN " + engine.Ident(dups) + " USING (" + kcols + ")"
			if err := r.db.QueryRowContext(ctx, q).Scan(&rows); err != nil {
				return err
			}
			if side == 0 {
				d.SourceRows = rows
			} else {
				d.TargetRows = rows
			}
		}
	}
	// One join: only rows that differ are kept.
	var on []string
	for i := range nk {
		on = append(on, fmt.Sprintf("s.k%d = t.k%d", i, i))
	}
	var sel, flags []string
	for i := range nk {
		sel = append(sel, fmt.Sprintf("coalesce(s.k%d, t.k%d) AS k%d", i, i, i))
	}
	sel = append(sel, "CASE WHEN t.__t IS NULL THEN 'only_in_source' WHEN s.__s IS NULL THEN 'only_in_target' ELSE 'changed' END AS status")
	for i := range r.cols {
		sel = append(sel, fmt.Sprintf("coalesce(%s, false) AS m%d, s.v%d AS s%d, t.v%d AS t%d", r.differs(i), i, i, i, i, i))
		flags = append(flags, fmt.Sprintf("m%d", i))
	}
	q := "SELECT * FROM (SELECT " + strings.Join(sel, ", ") + " FROM (SELECT *, true AS __s FROM (" + pairable(r.s) + ")) s FULL OUTER JOIN (SELECT *, true AS __t FROM (" +
		pairable(r.t) + ")) t ON " + strings.Join(on, " AND ") + ") WHERE status <> 'changed' OR " + strings.Join(flags, " OR ")
	d, err := r.scratch(ctx, "TABLE", "plumb_diff", q)
	if err != nil {
		return fmt.Errorf("join: %w", err)
	}
	// Per-column counts in one pass over the differences.
	aggs := []string{"count(*) FILTER (WHERE status = 'only_in_source')", "count(*) FILTER (WHERE status = 'only_in_target')", "count(*) FILTER (WHERE status = 'changed')"}
	for i, c := range r.cols {
		aggs = append(aggs, fmt.Sprintf("count(*) FILTER (WHERE status = 'changed' AND m%d)", i))
		if c.comparedAs == "number" || c.comparedAs == "number-or-text" {
			aggs = append(aggs, fmt.Sprintf("max(abs(TRY_CAST(s%d AS DOUBLE) - TRY_CAST(t%d AS DOUBLE))) FILTER (WHERE status = 'changed' AND m%d)", i, i, i))
		} else {
			aggs = append(aggs, "NULL::DOUBLE")
		}
	}
	vals := make([]any, len(aggs))
	counts := make([]int64, 3+len(r.cols))
	deltas := make([]sql.NullFloat64, len(r.cols))
	vals[0], vals[1], vals[2] = &counts[0], &counts[1], &counts[2]
	for i := range r.cols {
		vals[3+2*i], vals[4+2*i] = &counts[3+i], &deltas[i]
	}
	if err := r.db.QueryRowContext(ctx, "SELECT "+strings.Join(aggs, ", ")+" FROM "+engine.Ident(d)).Scan(vals...); err != nil {
		return err
	}
	r.res.OnlyInSource, r.res.OnlyInTarget, r.res.Changed = counts[0], counts[1], counts[2]
	r.res.Matched = r.res.SourceRows - r.res.NullKeys.Source - r.res.DuplicateKeys.SourceRows - r.res.OnlyInSource
	r.res.Unchanged = r.res.Matched - r.res.Changed
	order := strings.Join(bare, ", ")
	for i, c := range r.cols {
		col := Column{Column: c.name, Source: c.srcShow, ComparedAs: c.comparedAs, Tolerance: c.tol.String(), Mismatches: counts[3+i], Samples: []Sample{}}
		if r.res.Matched > 0 {
			col.Share = float64(col.Mismatches) / float64(r.res.Matched)
		}
		if deltas[i].Valid {
			v := deltas[i].Float64
			col.MaxAbsDelta = &v
		}
		if col.Mismatches > 0 && r.opts.Samples > 0 {
			q := fmt.Sprintf("SELECT %s, CAST(s%d AS VARCHAR), CAST(t%d AS VARCHAR) FROM %s WHERE status = 'changed' AND m%d ORDER BY %s LIMIT %d",
				castKeys(nk), i, i, engine.Ident(d), i, order, r.opts.Samples)
			err := r.query(ctx, q, nk+2, func(v []*string) {
				col.Samples = append(col.Samples, Sample{Key: deref(v[:nk]), Source: v[nk], Target: v[nk+1]})
			})
			if err != nil {
				return err
			}
		}
		r.res.Columns = append(r.res.Columns, col)
	}
	if r.opts.Samples > 0 {
		for _, st := range []string{"only_in_source", "only_in_target"} {
			q := fmt.Sprintf("SELECT %s FROM %s WHERE status = '%s' ORDER BY %s LIMIT %d", castKeys(nk), engine.Ident(d), st, order, r.opts.Samples)
			err := r.query(ctx, q, nk, func(v []*string) {
				row := Row{Values: v, Count: 1}
				if st == "only_in_source" {
					r.res.OnlyInSourceSamples = append(r.res.OnlyInSourceSamples, row)
				} else {
					r.res.OnlyInTargetSamples = append(r.res.OnlyInTargetSamples, row)
				}
			})
			if err != nil {
				return err
			}
		}
		if nDup > 0 {
			q := fmt.Sprintf("SELECT %s, CAST(sn AS VARCHAR), CAST(tn AS VARCHAR) FROM %s ORDER BY %s LIMIT %d", castKeys(nk), engine.Ident(dups), order, r.opts.Samples)
			err := r.query(ctx, q, nk+2, func(v []*string) {
				var sn, tn int64
				fmt.Sscan(*v[nk], &sn)
				fmt.Sscan(*v[nk+1], &tn)
				r.res.DuplicateSamples = append(r.res.DuplicateSamples, Dup{Key: deref(v[:nk]), Source: sn, Target: tn})
			})
			if err != nil {
				return err
			}
		}
	}
	r.res.Equal = r.res.OnlyInSource == 0 && r.res.OnlyInTarget == 0 && r.res.Changed == 0 &&
		nDup == 0 && r.res.NullKeys.Source == 0 && r.res.NullKeys.Target == 0
	if r.opts.DiffsPath != "" {
		return r.writeKeyedDiffs(ctx, d, dups, nDup > 0)
	}
	return nil
}

func castKeys(n int) string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("CAST(k%d AS VARCHAR)", i)
	}
	return strings.Join(out, ", ")
}
