//go:build duckdb_arrow

package reconcile

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/plumb-data/plumb/engine"
)

func deref(v []*string) []string {
	out := make([]string, len(v))
	for i, p := range v {
		if p != nil {
			out[i] = *p
		}
	}
	return out
}

// query runs q and hands each row's n values, as nullable strings, to f.
func (r *runner) query(ctx context.Context, q string, n int, f func([]*string)) error {
	rows, err := r.db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		vals := make([]sql.NullString, n)
		ptrs := make([]any, n)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		out := make([]*string, n)
		for i, v := range vals {
			if v.Valid {
				s := v.String
				out[i] = &s
			}
		}
		f(out)
	}
	return rows.Err()
}

// writeKeyedDiffs writes every difference in long form: key columns,
// status, column, source_value, target_value.
func (r *runner) writeKeyedDiffs(ctx context.Context, d, dups string, hasDups bool) error {
	var keys []string
	for i, k := range r.keys {
		keys = append(keys, fmt.Sprintf("k%d AS %s", i, engine.Ident(k.srcShow)))
	}
	kc := strings.Join(keys, ", ")
	parts := []string{"SELECT " + kc + ", status, NULL::VARCHAR AS \"column\", NULL::VARCHAR AS source_value, NULL::VARCHAR AS target_value FROM " + engine.Ident(d) + " WHERE status <> 'changed'"}
	for i, c := range r.cols {
		parts = append(parts, fmt.Sprintf("SELECT %s, status, %s, CAST(s%d AS VARCHAR), CAST(t%d AS VARCHAR) FROM %s WHERE status = 'changed' AND m%d",
			kc, engine.Literal(c.name), i, i, engine.Ident(d), i))
	}
	if hasDups {
		parts = append(parts, "SELECT "+kc+", 'duplicate_key', NULL, CAST(sn AS VARCHAR), CAST(tn AS VARCHAR) FROM "+engine.Ident(dups))
	}
	order := make([]string, len(r.keys))
	for i := range order {
		order[i] = fmt.Sprint(i + 1)
	}
	q := strings.Join(parts, " UNION ALL ") + " ORDER BY " + strings.Join(order, ", ") + ", status, \"column\""
	return r.db.CopyQuery(ctx, q, r.opts.DiffsPath)
}

// writeKeylessDiffs writes every row on one side more often than on the
// other: its compared columns, status and count.
func (r *runner) writeKeylessDiffs(ctx context.Context, d string) error {
	var named []string
	for i, c := range r.cols {
		named = append(named, fmt.Sprintf("v%d AS %s", i, engine.Ident(c.name)))
	}
	q := "SELECT " + strings.Join(named, ", ") + ", CASE WHEN sn > tn THEN 'only_in_source' ELSE 'only_in_target' END AS status, abs(sn - tn) AS count FROM " + engine.Ident(d) + " ORDER BY ALL"
	return r.db.CopyQuery(ctx, q, r.opts.DiffsPath)
}
