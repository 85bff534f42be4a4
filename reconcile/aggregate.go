//go:build duckdb_arrow

package reconcile

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/plumb-data/plumb/engine"
)

// aggregate compares row counts and sums per group.
func (r *runner) aggregate(ctx context.Context) error {
	r.res.GroupColumns, r.res.SumColumns = r.opts.GroupBy, r.opts.Sum
	if r.res.GroupColumns == nil {
		r.res.GroupColumns = []string{}
	}
	if r.res.SumColumns == nil {
		r.res.SumColumns = []string{}
	}
	ns := len(r.opts.Sum)
	key := make(texts, len(r.opts.GroupBy))
	sv, tv := make([]sql.NullFloat64, ns), make([]sql.NullFloat64, ns)
	var g Group
	dest := key.dest()
	for i := range ns {
		dest = append(dest, &sv[i], &tv[i])
	}
	dest = append(dest, &g.SourceRows, &g.TargetRows, &g.Differs)
	err := r.eachRow(ctx, r.aggregateQuery(), dest, func() {
		g.Key, g.SourceSums, g.TargetSums = key.values(), nil, nil
		for i := range ns {
			g.SourceSums = append(g.SourceSums, nullFloat(sv[i]))
			g.TargetSums = append(g.TargetSums, nullFloat(tv[i]))
		}
		r.tally(g)
	})
	if err != nil {
		return fmt.Errorf("aggregate: %w", err)
	}
	r.res.LoadedEqual = r.res.OnlyInSource == 0 && r.res.OnlyInTarget == 0 && r.res.Changed == 0
	return nil
}

// aggregateQuery joins the groups of the two sides: per group its key
// g…, the sums sa…/ta… of each side, the row counts sn and tn, and
// whether the group differs. Groups are in key order.
func (r *runner) aggregateQuery() string {
	var gs, sums, eq, sel []string
	for i := range r.opts.GroupBy {
		gs = append(gs, fmt.Sprintf("g%d", i))
		eq = append(eq, fmt.Sprintf("s.g%d IS NOT DISTINCT FROM t.g%d", i, i))
		sel = append(sel, fmt.Sprintf("CAST(coalesce(s.g%d, t.g%d) AS VARCHAR) AS g%d", i, i, i))
	}
	var differ []string
	for i := range r.opts.Sum {
		sums = append(sums, fmt.Sprintf("sum(a%d) AS a%d", i, i))
		sel = append(sel, fmt.Sprintf("s.a%d AS sa%d, t.a%d AS ta%d", i, i, i, i))
		tol, _ := r.tolerance(r.opts.Sum[i], r.opts.Sum[i])
		differ = append(differ, numDiffers(fmt.Sprintf("s.a%d", i), fmt.Sprintf("t.a%d", i), tol))
	}
	side := func(view string) string {
		q := "SELECT " + strings.Join(gs, ", ") + ", count(*) AS n"
		if len(sums) > 0 {
			q += ", " + strings.Join(sums, ", ")
		}
		return q + " FROM " + engine.Ident(view) + " GROUP BY ALL"
	}
	differ = append([]string{"coalesce(s.n, 0) <> coalesce(t.n, 0)"}, differ...)
	return "SELECT " + strings.Join(sel, ", ") + ", coalesce(s.n, 0) AS sn, coalesce(t.n, 0) AS tn, (" + strings.Join(differ, " OR ") + ") AS differs FROM (" +
		side(r.srcView) + ") s FULL OUTER JOIN (" + side(r.tgtView) + ") t ON " + strings.Join(eq, " AND ") + " ORDER BY " + strings.Join(gs, ", ")
}

// tally adds a group to the result and its counts.
func (r *runner) tally(g Group) {
	r.res.SourceRows += g.SourceRows
	r.res.TargetRows += g.TargetRows
	switch {
	case g.TargetRows == 0:
		r.res.OnlyInSource++
	case g.SourceRows == 0:
		r.res.OnlyInTarget++
	case g.Differs:
		r.res.Changed++
		r.res.Matched++
	default:
		r.res.Matched++
		r.res.Unchanged++
	}
	r.res.Groups = append(r.res.Groups, g)
}

func nullFloat(v sql.NullFloat64) *float64 {
	if !v.Valid {
		return nil
	}
	f := v.Float64
	return &f
}
