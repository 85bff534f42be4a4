//go:build duckdb_arrow

package engine

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/plumb-data/plumb/source"
	"strings"
)

// Rejects returns up to limit of a table's rejects (all if limit <= 0),
// in file and line order.
func (db *DB) Rejects(ctx context.Context, t *Table, limit int) ([]source.Reject, error) {
	if t.RejectsTable == "" || t.RowsRejected == 0 {
		return nil, nil
	}
	q := "SELECT file, line, columns, reason, message, text FROM " + Ident(t.RejectsTable) + " ORDER BY file, line"
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read rejects of %s: %w", t.Source, err)
	}
	defer rows.Close()
	var out []source.Reject
	for rows.Next() {
		var r source.Reject
		var cols, msg, text sql.NullString
		if err := rows.Scan(&r.File, &r.Line, &cols, &r.Reason, &msg, &text); err != nil {
			return nil, err
		}
		r.Columns, r.Message, r.Text = cols.String, msg.String, text.String
		out = append(out, r)
	}
	return out, rows.Err()
}

// WriteRejects writes every reject of the given tables to path, in the
// format its name asks for (see OutputFormat). The columns are file, line,
// columns, reason, message and text; rows are in file and line order.
func (db *DB) WriteRejects(ctx context.Context, path string, tables ...*Table) error {
	var parts []string
	for _, t := range tables {
		if t.RejectsTable != "" {
			parts = append(parts, "SELECT * FROM "+Ident(t.RejectsTable))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "SELECT NULL::VARCHAR AS file, NULL::BIGINT AS line, NULL::VARCHAR AS columns, "+
			"NULL::VARCHAR AS reason, NULL::VARCHAR AS message, NULL::VARCHAR AS text WHERE false")
	}
	if err := db.WriteQuery(ctx, strings.Join(parts, " UNION ALL ")+" ORDER BY file, line", path); err != nil {
		return fmt.Errorf("write rejects: %w", err)
	}
	return nil
}

// RejectReasons counts a table's rejects by reason, as the rejects give
// it (several reasons of one record are joined by ", ").
func (db *DB) RejectReasons(ctx context.Context, t *Table) (map[string]int64, error) {
	out := map[string]int64{}
	if t.RejectsTable == "" || t.RowsRejected == 0 {
		return out, nil
	}
	rows, err := db.QueryContext(ctx, "SELECT reason, count(*) FROM "+Ident(t.RejectsTable)+" GROUP BY reason")
	if err != nil {
		return nil, fmt.Errorf("count rejects of %s: %w", t.Source, err)
	}
	defer rows.Close()
	for rows.Next() {
		var reason string
		var n int64
		if err := rows.Scan(&reason, &n); err != nil {
			return nil, err
		}
		out[reason] = n
	}
	return out, rows.Err()
}
