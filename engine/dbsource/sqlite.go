package dbsource

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/plumb-data/plumb/source"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, pure Go
)

// sqliteReader reads a SQLite table or query from a file opened
// read-only. SQLite types values, not columns, so a first pass asks each
// column's storage classes (typeof) and a column loads as what its
// values are: INTEGER only → BIGINT, REAL (and INTEGER) → DOUBLE, TEXT
// → VARCHAR, BLOB → BLOB; a column mixing text or blobs with numbers
// loads as text, each value as written, and its note says which classes
// it holds. Columns are read as expressions (+"c"), which SQLite leaves
// untouched, so the driver does not turn text in a DATE column into a
// time.
type sqliteReader struct {
	db      *sql.DB
	rows    *sql.Rows
	cols    []Column
	conv    []convert
	catalog *source.Catalog
	raw     []any
	ptrs    []any
	err     error
}

func openSQLite(ctx context.Context, d *source.Database) (_ Reader, err error) {
	if _, err := os.Stat(d.Path); err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: d.Path}).EscapedPath(), RawQuery: "mode=ro"}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	db.SetMaxOpenConns(1)
	r := &sqliteReader{db: db}
	defer func() {
		if err != nil {
			r.Close()
		}
	}()
	var version string
	if err := db.QueryRowContext(ctx, "SELECT sqlite_version()").Scan(&version); err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", d.Path, err)
	}
	r.catalog = &source.Catalog{Server: "SQLite " + version, Table: d.TableName()}
	base := selectFrom(d, quoteDouble)
	if d.Query == "" {
		if err := sqliteTableInfo(ctx, db, d, r.catalog); err != nil {
			return nil, err
		}
	}
	names, err := sqliteColumnNames(ctx, db, base)
	if err != nil {
		return nil, err
	}
	classes, err := sqliteClasses(ctx, db, base, names)
	if err != nil {
		return nil, err
	}
	declared := map[string]string{}
	for _, c := range r.catalog.Columns {
		declared[c.Name] = c.Type
	}
	selects := make([]string, len(names))
	for i, n := range names {
		col, conv := sqliteColumn(n, declared[n], classes[i])
		r.cols, r.conv = append(r.cols, col), append(r.conv, conv)
		selects[i] = "+q." + quoteDouble(n)
	}
	if r.rows, err = db.QueryContext(ctx, "SELECT "+strings.Join(selects, ", ")+" FROM ("+base+") AS q"); err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", r.catalog.Table, err)
	}
	r.raw, r.ptrs = make([]any, len(names)), make([]any, len(names))
	for i := range r.raw {
		r.ptrs[i] = &r.raw[i]
	}
	r.catalog.Columns = mergeDeclared(r.catalog.Columns, r.cols)
	return r, nil
}

func sqliteColumnNames(ctx context.Context, db *sql.DB, base string) ([]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT * FROM ("+base+") LIMIT 0")
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	defer rows.Close()
	return rows.Columns()
}

// sqliteClasses returns, per column, the storage classes its values
// have (NULL left out), in one scan.
func sqliteClasses(ctx context.Context, db *sql.DB, base string, names []string) ([][]string, error) {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = "(SELECT coalesce(group_concat(c, ','), '') FROM (SELECT DISTINCT typeof(" + quoteDouble(n) + ") AS c FROM (" + base + ") WHERE " + quoteDouble(n) + " IS NOT NULL))"
	}
	if len(parts) == 0 {
		return nil, nil
	}
	vals := make([]string, len(names))
	ptrs := make([]any, len(names))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := db.QueryRowContext(ctx, "SELECT "+strings.Join(parts, ", ")).Scan(ptrs...); err != nil {
		return nil, fmt.Errorf("sqlite: storage classes: %w", err)
	}
	out := make([][]string, len(names))
	for i, v := range vals {
		if v != "" {
			out[i] = strings.Split(v, ",")
			sort.Strings(out[i])
		}
	}
	return out, nil
}

func sqliteColumn(name, declared string, classes []string) (Column, convert) {
	col := Column{Name: name, Declared: declared}
	switch strings.Join(classes, ",") {
	case "integer":
		col.Type = "BIGINT"
		return col, same
	case "real", "integer,real":
		col.Type = "DOUBLE"
		if len(classes) == 2 {
			col.Note = "SQLite storage classes integer, real: loaded as DOUBLE"
		}
		return col, sqliteFloat
	case "blob":
		col.Type = "BLOB"
		return col, convBytes
	case "text", "":
		col.Type = "VARCHAR"
		if d := strings.ToUpper(declared); len(classes) > 0 && (strings.Contains(d, "DATE") || strings.Contains(d, "TIME")) {
			col.Note = "SQLite has no date or time type: loaded as the text stored"
		}
		return col, convString
	}
	col.Type = "VARCHAR"
	col.Note = "SQLite storage classes " + strings.Join(classes, ", ") + ": loaded as text, each value as written"
	return col, convString
}

func sqliteFloat(v any) (any, error) {
	switch v := v.(type) {
	case int64:
		return float64(v), nil
	case float64:
		return v, nil
	}
	return nil, errors.New("not a number")
}

// sqliteTableInfo fills the catalog from the table's PRAGMAs.
func sqliteTableInfo(ctx context.Context, db *sql.DB, d *source.Database, c *source.Catalog) error {
	table := d.Table[len(d.Table)-1]
	rows, err := db.QueryContext(ctx, "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?) ORDER BY cid", table)
	if err != nil {
		return fmt.Errorf("sqlite: columns of %s: %w", table, err)
	}
	defer rows.Close()
	pk := map[int]string{}
	for rows.Next() {
		var col source.DeclaredColumn
		var notNull bool
		var key int
		if err := rows.Scan(&col.Name, &col.Type, &notNull, &key); err != nil {
			return err
		}
		nullable := !notNull
		col.Nullable = &nullable
		c.Columns = append(c.Columns, col)
		if key > 0 {
			pk[key] = col.Name
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(c.Columns) == 0 {
		return fmt.Errorf("sqlite: no table %s", table)
	}
	for i := 1; i <= len(pk); i++ {
		c.PrimaryKey = append(c.PrimaryKey, pk[i])
	}
	// A lone INTEGER PRIMARY KEY is the rowid, never NULL whatever the
	// PRAGMA says.
	if len(pk) == 1 {
		for i := range c.Columns {
			if c.Columns[i].Name == pk[1] && strings.EqualFold(c.Columns[i].Type, "INTEGER") {
				f := false
				c.Columns[i].Nullable = &f
			}
		}
	}
	if err := sqliteUnique(ctx, db, table, c); err != nil {
		return err
	}
	if err := sqliteChecks(ctx, db, table, &c.Checks); err != nil {
		return fmt.Errorf("sqlite: checks of %s: %w", table, err)
	}
	// The row estimate, when ANALYZE has run: sqlite_stat1's first
	// number for the table.
	var stat sql.NullString
	if err := db.QueryRowContext(ctx, "SELECT stat FROM sqlite_stat1 WHERE tbl = ? AND idx IS NULL OR tbl = ? ORDER BY idx IS NULL DESC LIMIT 1",
		table, table).Scan(&stat); err == nil && stat.Valid {
		first, _, _ := strings.Cut(stat.String, " ")
		if n, err := strconv.ParseInt(first, 10, 64); err == nil {
			c.RowEstimate = &n
		}
	}
	fks, err := db.QueryContext(ctx, `SELECT id, "from", "table", coalesce("to", '') FROM pragma_foreign_key_list(?) ORDER BY id, seq`, table)
	if err != nil {
		return fmt.Errorf("sqlite: foreign keys of %s: %w", table, err)
	}
	defer fks.Close()
	last := -1
	for fks.Next() {
		var id int
		var from, ref, to string
		if err := fks.Scan(&id, &from, &ref, &to); err != nil {
			return err
		}
		if id != last {
			c.ForeignKeys = append(c.ForeignKeys, source.ForeignKey{References: ref})
			last = id
		}
		fk := &c.ForeignKeys[len(c.ForeignKeys)-1]
		fk.Columns = append(fk.Columns, from)
		if to != "" {
			fk.RefColumns = append(fk.RefColumns, to)
		}
	}
	return fks.Err()
}

// sqliteUnique adds the table's UNIQUE constraints (not its other
// unique indexes) to the catalog.
func sqliteUnique(ctx context.Context, db *sql.DB, table string, c *source.Catalog) error {
	rows, err := db.QueryContext(ctx, `SELECT l.name, i.name FROM pragma_index_list(?) AS l, pragma_index_info(l.name) AS i
		WHERE l."unique" AND l.origin = 'u' ORDER BY l.seq DESC, i.seqno`, table)
	if err != nil {
		return fmt.Errorf("sqlite: unique constraints of %s: %w", table, err)
	}
	defer rows.Close()
	last := ""
	for rows.Next() {
		var index, col string
		if err := rows.Scan(&index, &col); err != nil {
			return err
		}
		if index != last {
			c.Unique = append(c.Unique, nil)
			last = index
		}
		c.Unique[len(c.Unique)-1] = append(c.Unique[len(c.Unique)-1], col)
	}
	return rows.Err()
}

func (r *sqliteReader) Columns() []Column        { return r.cols }
func (r *sqliteReader) Catalog() *source.Catalog { return r.catalog }

func (r *sqliteReader) Next() bool {
	if r.rows == nil || !r.rows.Next() {
		return false
	}
	r.err = r.rows.Scan(r.ptrs...)
	return r.err == nil
}

func (r *sqliteReader) Row(dst []any) error {
	var first error
	for i, v := range r.raw {
		if v == nil {
			dst[i] = nil
			continue
		}
		out, err := r.conv[i](v)
		if err != nil {
			if first == nil {
				first = &ValueError{Column: r.cols[i].Name, Value: text(v), Reason: err.Error()}
			}
		}
		dst[i] = out
	}
	return first
}

func (r *sqliteReader) Text() string { return rowText(r.raw) }

func (r *sqliteReader) Err() error {
	if r.err != nil {
		return r.err
	}
	if r.rows != nil {
		return r.rows.Err()
	}
	return nil
}

func (r *sqliteReader) Close() error {
	var errs []error
	if r.rows != nil {
		errs = append(errs, r.rows.Close())
	}
	return errors.Join(append(errs, r.db.Close())...)
}
