//go:build duckdb_arrow

package reconcile

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/plumb-data/plumb/engine"
)

// eachRow runs q and, for each row, scans its values into dest and
// calls f.
func (r *runner) eachRow(ctx context.Context, q string, dest []any, f func()) error {
	rows, err := r.db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		f()
	}
	return rows.Err()
}

// texts receives a row's text values, such as a key, from Scan.
type texts []sql.NullString

// dest is where Scan puts each value.
func (t texts) dest() []any {
	out := make([]any, len(t))
	for i := range t {
		out[i] = &t[i]
	}
	return out
}

// values are the values, nil for NULL.
func (t texts) values() []*string {
	out := make([]*string, len(t))
	for i, v := range t {
		out[i] = nullString(v)
	}
	return out
}

// strings are the values, "" for NULL.
func (t texts) strings() []string {
	out := make([]string, len(t))
	for i, v := range t {
		out[i] = v.String
	}
	return out
}

func nullString(v sql.NullString) *string {
	if !v.Valid {
		return nil
	}
	s := v.String
	return &s
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
	return r.db.WriteQuery(ctx, q, r.opts.DiffsPath)
}

// writeKeylessDiffs writes every row on one side more often than on the
// other: its compared columns, status and count.
func (r *runner) writeKeylessDiffs(ctx context.Context, d string) error {
	var named []string
	for i, c := range r.cols {
		named = append(named, fmt.Sprintf("v%d AS %s", i, engine.Ident(c.name)))
	}
	q := "SELECT " + strings.Join(named, ", ") + ", CASE WHEN sn > tn THEN 'only_in_source' ELSE 'only_in_target' END AS status, abs(sn - tn) AS count FROM " + engine.Ident(d) + " ORDER BY ALL"
	return r.db.WriteQuery(ctx, q, r.opts.DiffsPath)
}
