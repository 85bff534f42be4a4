//go:build duckdb_arrow

package reconcile

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/plumb-data/plumb/engine"
)

// keyless compares the sides as multisets of whole rows.
func (r *runner) keyless(ctx context.Context) error {
	var sv, tv, eq, cols []string
	for i := range r.cols {
		sv = append(sv, r.normal(i, srcSide, fmt.Sprintf("v%d", i))+fmt.Sprintf(" AS v%d", i))
		tv = append(tv, r.normal(i, tgtSide, fmt.Sprintf("v%d", i))+fmt.Sprintf(" AS v%d", i))
		eq = append(eq, fmt.Sprintf("s.v%d IS NOT DISTINCT FROM t.v%d", i, i))
		cols = append(cols, fmt.Sprintf("coalesce(s.v%d, t.v%d) AS v%d", i, i, i))
	}
	q := "SELECT " + strings.Join(cols, ", ") + ", coalesce(s.n, 0) AS sn, coalesce(t.n, 0) AS tn FROM " +
		"(SELECT " + strings.Join(sv, ", ") + ", count(*) AS n FROM " + engine.Ident(r.srcView) + " GROUP BY ALL) s FULL OUTER JOIN " +
		"(SELECT " + strings.Join(tv, ", ") + ", count(*) AS n FROM " + engine.Ident(r.tgtView) + " GROUP BY ALL) t ON " + strings.Join(eq, " AND ")
	d, err := r.createTable(ctx, "plumb_diff_rows", "SELECT * FROM ("+q+") WHERE sn <> tn")
	if err != nil {
		return fmt.Errorf("compare rows: %w", err)
	}
	for side, view := range []string{r.srcView, r.tgtView} {
		n, err := r.db.Count(ctx, view)
		if err != nil {
			return err
		}
		if side == 0 {
			r.res.SourceRows = n
		} else {
			r.res.TargetRows = n
		}
	}
	var ois, oit sql.NullInt64
	if err := r.db.QueryRowContext(ctx, "SELECT sum(greatest(sn - tn, 0)), sum(greatest(tn - sn, 0)) FROM "+engine.Ident(d)).Scan(&ois, &oit); err != nil {
		return err
	}
	r.res.OnlyInSource, r.res.OnlyInTarget = ois.Int64, oit.Int64
	r.res.Matched = r.res.SourceRows - r.res.OnlyInSource
	r.res.Unchanged = r.res.Matched
	for _, c := range r.cols {
		r.res.Columns = append(r.res.Columns, Column{Column: c.name, Source: c.srcShow, ComparedAs: c.comparedAs, Samples: []Sample{}})
	}
	if err := r.keylessSamples(ctx, d); err != nil {
		return err
	}
	r.res.LoadedEqual = r.res.OnlyInSource == 0 && r.res.OnlyInTarget == 0
	if r.opts.DiffsPath != "" {
		return r.writeKeylessDiffs(ctx, d)
	}
	return nil
}

// keylessSamples reads the first few rows, in order, that are on one side
// more often than on the other, with how many more times.
func (r *runner) keylessSamples(ctx context.Context, d string) error {
	if r.opts.Samples <= 0 {
		return nil
	}
	vcols := make([]string, len(r.cols))
	for i := range vcols {
		vcols[i] = fmt.Sprintf("CAST(v%d AS VARCHAR)", i)
	}
	row := make(texts, len(r.cols))
	for _, st := range []struct{ cond, count string }{{"sn > tn", "sn - tn"}, {"tn > sn", "tn - sn"}} {
		q := fmt.Sprintf("SELECT %s, %s FROM %s WHERE %s ORDER BY ALL LIMIT %d", strings.Join(vcols, ", "), st.count, engine.Ident(d), st.cond, r.opts.Samples)
		var n int64
		err := r.eachRow(ctx, q, append(row.dest(), &n), func() {
			sample := Row{Values: row.values(), Count: n}
			if st.cond == "sn > tn" {
				r.res.OnlyInSourceSamples = append(r.res.OnlyInSourceSamples, sample)
			} else {
				r.res.OnlyInTargetSamples = append(r.res.OnlyInTargetSamples, sample)
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}
