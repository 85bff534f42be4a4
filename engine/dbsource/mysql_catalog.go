package dbsource

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/plumb-data/plumb/source"
)

// mysqlCatalog reads the server's version and, for a table, its columns,
// keys and row estimate from information_schema.
func mysqlCatalog(ctx context.Context, conn *sql.Conn, d *source.Database) (*source.Catalog, error) {
	c := &source.Catalog{Table: d.TableName()}
	var version string
	if err := conn.QueryRowContext(ctx, "SELECT VERSION()").Scan(&version); err != nil {
		return nil, fmt.Errorf("mysql: server version: %w", err)
	}
	number, _, _ := strings.Cut(version, "-")
	c.Server = "MySQL " + number
	if strings.Contains(strings.ToLower(version), "mariadb") {
		c.Server = "MariaDB " + number
	}
	if d.Query != "" {
		return c, nil
	}
	schema, table := "", d.Table[len(d.Table)-1]
	if len(d.Table) > 1 {
		schema = d.Table[len(d.Table)-2]
	} else if err := conn.QueryRowContext(ctx, "SELECT coalesce(DATABASE(), '')").Scan(&schema); err != nil {
		return nil, fmt.Errorf("mysql: %w", err)
	}
	var estimate sql.NullInt64
	err := conn.QueryRowContext(ctx, "SELECT table_rows FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
		schema, table).Scan(&estimate)
	if err == sql.ErrNoRows {
		return nil, fmt.Errorf("mysql: no table %s.%s", schema, table)
	}
	if err != nil {
		return nil, fmt.Errorf("mysql: table %s: %w", c.Table, err)
	}
	c.Table = schema + "." + table
	if estimate.Valid {
		c.RowEstimate = &estimate.Int64
	}
	rows, err := conn.QueryContext(ctx, `SELECT column_name, column_type, is_nullable = 'YES' FROM information_schema.columns
		WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position`, schema, table)
	if err != nil {
		return nil, fmt.Errorf("mysql: columns of %s: %w", c.Table, err)
	}
	defer rows.Close()
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
		return nil, err
	}
	keys, err := conn.QueryContext(ctx, `SELECT k.constraint_name, t.constraint_type, k.column_name,
		coalesce(concat(k.referenced_table_schema, '.', k.referenced_table_name), ''), coalesce(k.referenced_column_name, '')
		FROM information_schema.key_column_usage k JOIN information_schema.table_constraints t
		ON t.constraint_schema = k.constraint_schema AND t.table_name = k.table_name AND t.constraint_name = k.constraint_name
		WHERE k.table_schema = ? AND k.table_name = ? ORDER BY t.constraint_type, k.constraint_name, k.ordinal_position`, schema, table)
	if err != nil {
		return nil, fmt.Errorf("mysql: keys of %s: %w", c.Table, err)
	}
	defer keys.Close()
	type key struct {
		kind, ref  string
		cols, refs []string
	}
	var order []string
	byName := map[string]*key{}
	for keys.Next() {
		var name, kind, col, ref, refCol string
		if err := keys.Scan(&name, &kind, &col, &ref, &refCol); err != nil {
			return nil, err
		}
		k := byName[kind+"\x00"+name]
		if k == nil {
			k = &key{kind: kind, ref: ref}
			byName[kind+"\x00"+name] = k
			order = append(order, kind+"\x00"+name)
		}
		k.cols = append(k.cols, col)
		if refCol != "" {
			k.refs = append(k.refs, refCol)
		}
	}
	if err := keys.Err(); err != nil {
		return nil, err
	}
	for _, id := range order {
		k := byName[id]
		switch k.kind {
		case "PRIMARY KEY":
			c.PrimaryKey = k.cols
		case "UNIQUE":
			c.Unique = append(c.Unique, k.cols)
		case "FOREIGN KEY":
			c.ForeignKeys = append(c.ForeignKeys, source.ForeignKey{Columns: k.cols, References: k.ref, RefColumns: k.refs})
		}
	}
	return c, nil
}
