package dbsource

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/plumb-data/plumb/source"
)

// postgresCatalog reads the server's version and, for a table, its
// columns, constraints and row estimate from pg_catalog.
func postgresCatalog(ctx context.Context, tx pgx.Tx, d *source.Database) (*source.Catalog, error) {
	c := &source.Catalog{Table: d.TableName()}
	var version string
	if err := tx.QueryRow(ctx, "SELECT current_setting('server_version')").Scan(&version); err != nil {
		return nil, fmt.Errorf("postgres: server version: %w", err)
	}
	c.Server = "PostgreSQL " + strings.Fields(version)[0]
	if d.Query != "" {
		return c, nil
	}
	parts := make([]string, len(d.Table))
	for i, p := range d.Table {
		parts[i] = quoteDouble(p)
	}
	var oid *uint32
	var estimate float64
	var schema, table string
	err := tx.QueryRow(ctx, `SELECT c.oid, c.reltuples, n.nspname, c.relname FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)`, strings.Join(parts, ".")).Scan(&oid, &estimate, &schema, &table)
	if err == pgx.ErrNoRows || err == nil && oid == nil {
		return nil, fmt.Errorf("postgres: no table %s", c.Table)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: table %s: %w", c.Table, err)
	}
	c.Table = schema + "." + table
	if estimate >= 0 { // -1: never analysed
		n := int64(estimate)
		c.RowEstimate = &n
	}
	rows, err := tx.Query(ctx, `SELECT attname, format_type(atttypid, atttypmod), NOT attnotnull FROM pg_attribute
		WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped ORDER BY attnum`, *oid)
	if err != nil {
		return nil, fmt.Errorf("postgres: columns of %s: %w", c.Table, err)
	}
	for rows.Next() {
		var col source.DeclaredColumn
		var nullable bool
		if err := rows.Scan(&col.Name, &col.Type, &nullable); err != nil {
			return nil, err
		}
		col.Nullable = &nullable
		c.Columns = append(c.Columns, col)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: columns of %s: %w", c.Table, err)
	}
	rows, err = tx.Query(ctx, `SELECT con.contype::text, pg_get_constraintdef(con.oid),
		ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
			JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o),
		coalesce(con.confrelid::regclass::text, ''),
		ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, o)
			JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o)
		FROM pg_constraint con WHERE con.conrelid = $1 ORDER BY con.conname`, *oid)
	if err != nil {
		return nil, fmt.Errorf("postgres: constraints of %s: %w", c.Table, err)
	}
	for rows.Next() {
		var kind, def, ref string
		var cols, refCols []string
		if err := rows.Scan(&kind, &def, &cols, &ref, &refCols); err != nil {
			return nil, err
		}
		switch kind {
		case "p":
			c.PrimaryKey = cols
		case "u":
			c.Unique = append(c.Unique, cols)
		case "f":
			c.ForeignKeys = append(c.ForeignKeys, source.ForeignKey{Columns: cols, References: ref, RefColumns: refCols})
		case "c":
			c.Checks = append(c.Checks, def)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: constraints of %s: %w", c.Table, err)
	}
	return c, nil
}
