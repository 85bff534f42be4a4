//go:build duckdb_arrow

package engine

import (
	"context"
	"database/sql"
	"fmt"
	"math/bits"
	"strings"
)

// DuckDB's hash join spills, but not without bound: measured at a 183 MB
// limit, a FULL OUTER JOIN of two 15M-row tables of 13 text columns
// (about 2.6 GB a side) ran out of memory ("failed to pin block") on one
// thread or two, in memory or in a database file, while the same join
// of one key-hash eighth of each side (1.9M rows, about 340 MB) passed.
// A join whose build side passes the limit is therefore run in parts,
// each of about a limit's worth.

// JoinParts returns how many parts a join should be split into whose
// bigger side holds about bytes, as a power of two: 1 while that fits
// DuckDB's memory limit.
func (db *DB) JoinParts(ctx context.Context, bytes int64) (int, error) {
	limit, err := memoryLimit(ctx, db.sql)
	if err != nil {
		return 0, err
	}
	return joinParts(bytes, limit), nil
}

// widthSample is how many rows TextWidth weighs.
const widthSample = 10_000

// TextWidth is the mean length in bytes of a row's values (SQL over rel)
// as text, NULL as none, over the first widthSample rows of rel; 0 for
// no rows.
func (db *DB) TextWidth(ctx context.Context, rel string, values []string) (float64, error) {
	lens := make([]string, len(values))
	for i, v := range values {
		lens[i] = "coalesce(strlen(CAST(" + v + " AS VARCHAR)), 0)"
	}
	var width sql.NullFloat64
	q := "SELECT avg(" + strings.Join(lens, " + ") + ") FROM (SELECT * FROM " + rel + fmt.Sprintf(" LIMIT %d)", widthSample)
	if err := db.sql.QueryRowContext(ctx, q).Scan(&width); err != nil {
		return 0, fmt.Errorf("width of rows: %w", err)
	}
	return width.Float64, nil
}

// PartsFor is JoinParts for rows rows of rel as wide as its first rows:
// each of values (SQL over rel) weighed as text (TextWidth), with 16
// bytes a value besides.
func (db *DB) PartsFor(ctx context.Context, rel string, values []string, rows int64) (int, error) {
	width, err := db.TextWidth(ctx, rel, values)
	if err != nil {
		return 0, err
	}
	return db.JoinParts(ctx, int64((width+16*float64(len(values)))*float64(rows)))
}

// joinParts is JoinParts for a memory limit of limit bytes, at most 1024.
func joinParts(bytes, limit int64) int {
	if limit <= 0 || bytes <= limit {
		return 1
	}
	n := (bytes + limit - 1) / limit
	return min(1<<bits.Len64(uint64(n-1)), 1024)
}
