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
// status, column, source_value, target_value, ordered by key, status and
// column. Sorting that many rows can pass DuckDB's memory: 180M of them
// (15M changed rows of 12 columns) could not be sorted within a 183 MB
// limit, in one query or from one row a key, on disk or not, while 15M
// rows of 13 columns could. So when the rows would pass the limit, they
// are sorted in parts of consecutive keys (sortedKeys), each part
// appended to a table in turn, and the file is that table read in order.
func (r *runner) writeKeyedDiffs(ctx context.Context, d, dups string, hasDups bool) error {
	long := r.longDiffs(d, dups, hasDups)
	order := make([]string, len(r.keys))
	for i := range order {
		order[i] = fmt.Sprint(i + 1)
	}
	sorted := func(where string) string {
		return long(where) + " ORDER BY " + strings.Join(order, ", ") + ", status, \"column\""
	}
	parts, err := r.diffParts(ctx, long)
	if err != nil {
		return err
	}
	if parts == 1 && r.opts.splitBelow == 0 {
		err := r.db.WriteQuery(ctx, sorted(""), r.opts.DiffsPath)
		if err == nil || !engine.OutOfMemory(err) || ctx.Err() != nil {
			return err
		}
		parts = 2
	}
	keys, n, err := r.sortedKeys(ctx, d, dups, hasDups)
	if err != nil {
		return err
	}
	row := "(" + r.keyColumns() + ")"
	if len(r.keys) == 1 {
		row = r.keyColumns()
	}
	// inRange is the condition on k… of the keys at places [from, to) of
	// the sorted keys, each of which is there once.
	inRange := func(from, to int64) string {
		at := func(i int64) string {
			return fmt.Sprintf("(SELECT %s FROM %s WHERE rowid = %d)", row, engine.Ident(keys), i)
		}
		conds := []string{"true"}
		if from > 0 {
			conds = append(conds, row+" >= "+at(from))
		}
		if to < n {
			conds = append(conds, row+" < "+at(to))
		}
		return strings.Join(conds, " AND ")
	}
	out, err := r.createTable(ctx, "plumb_diff_long", sorted("false"))
	if err != nil {
		return err
	}
	// run appends the keys at places [from, to) in order. The parts are
	// an estimate: one that runs out of memory runs again as its halves.
	var run func(from, to int64) error
	run = func(from, to int64) error {
		if from >= to {
			return nil
		}
		var err error
		if r.opts.splitBelow > 0 && (to-from)*int64(r.opts.splitBelow) > n {
			err = errSplitBelow
		} else {
			_, err = r.db.ExecContext(ctx, "INSERT INTO "+engine.Ident(out)+" "+sorted(inRange(from, to)))
		}
		if err == nil || !engine.OutOfMemory(err) || to-from < 2 || ctx.Err() != nil {
			return err
		}
		mid := from + (to-from)/2
		if err := run(from, mid); err != nil {
			return err
		}
		return run(mid, to)
	}
	for p := range int64(parts) {
		if err := run(n*p/int64(parts), n*(p+1)/int64(parts)); err != nil {
			return err
		}
	}
	return r.db.WriteQuery(ctx, "SELECT * FROM "+engine.Ident(out), r.opts.DiffsPath)
}

// longDiffs returns the query of the differences in long form, unsorted,
// of the keys that where (a condition on k…, or "") keeps: one row for a
// key on one side only or duplicated, one a changed column for a changed
// key.
func (r *runner) longDiffs(d, dups string, hasDups bool) func(where string) string {
	var changed []string
	for i, c := range r.cols {
		changed = append(changed, fmt.Sprintf("{'c': %s, 's': CAST(s%d AS VARCHAR), 't': CAST(t%d AS VARCHAR), 'm': m%d}", engine.Literal(c.name), i, i, i))
	}
	one := func(s, t string) string { return "[{'c': NULL::VARCHAR, 's': " + s + ", 't': " + t + ", 'm': true}]" }
	var keys []string
	for i, k := range r.keys {
		keys = append(keys, fmt.Sprintf("k%d AS %s", i, engine.Ident(k.srcShow)))
	}
	kcols := r.keyColumns()
	return func(where string) string {
		if where != "" {
			where = " WHERE " + where
		}
		q := "SELECT " + kcols + ", status, unnest(CASE WHEN status = 'changed' THEN list_filter([" + strings.Join(changed, ", ") + "], x -> x.m) ELSE " +
			one("NULL::VARCHAR", "NULL::VARCHAR") + " END) AS u FROM " + engine.Ident(d) + where
		if hasDups {
			q += " UNION ALL SELECT " + kcols + ", 'duplicate_key', unnest(" + one("CAST(sn AS VARCHAR)", "CAST(tn AS VARCHAR)") + ") FROM " + engine.Ident(dups) + where
		}
		return "SELECT " + strings.Join(keys, ", ") + ", status, u.c AS \"column\", u.s AS source_value, u.t AS target_value FROM (" + q + ")"
	}
}

// diffParts is how many parts the differences are sorted in, from
// their count (engine.PartsFor).
func (r *runner) diffParts(ctx context.Context, long func(string) string) (int, error) {
	if r.opts.parts > 0 {
		return r.opts.parts, nil
	}
	n := r.res.OnlyInSource + r.res.OnlyInTarget + r.res.DuplicateKeys.SourceKeys + r.res.DuplicateKeys.TargetKeys
	for _, c := range r.res.Columns {
		n += c.Mismatches
	}
	values := []string{"\"column\"", "source_value", "target_value", "status"}
	for i := range r.keys {
		values = append(values, fmt.Sprintf("#%d", i+1)) // the keys, under the user's names
	}
	parts, err := r.db.PartsFor(ctx, "("+long("")+")", values, n)
	if err != nil {
		return 0, fmt.Errorf("differences: %w", err)
	}
	return parts, nil
}

// sortedKeys keeps the keys of the differences, each once, in a
// scratch table in key order (a narrow sort, which spills), and counts
// them. A table keeps its rows in the order they were inserted, so a
// row's rowid is its key's place in that order.
func (r *runner) sortedKeys(ctx context.Context, d, dups string, hasDups bool) (string, int64, error) {
	kcols := r.keyColumns()
	q := "SELECT " + kcols + " FROM " + engine.Ident(d)
	if hasDups {
		q += " UNION ALL SELECT " + kcols + " FROM " + engine.Ident(dups)
	}
	keys, err := r.createTable(ctx, "plumb_diff_keys", q+" ORDER BY ALL")
	if err != nil {
		return "", 0, err
	}
	n, err := r.db.Count(ctx, keys)
	if err != nil {
		return "", 0, err
	}
	return keys, n, nil
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
