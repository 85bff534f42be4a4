package dbsource

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/plumb-data/plumb/source"
)

func getenv(k string) string { return os.Getenv(k) }

// Conn is one read-only session on a database source's server, for
// queries plumb runs in the database (pushdown). Cancelling a query's
// context cancels it on the server.
type Conn struct {
	*sql.Conn
	db   *sql.DB
	stop func() bool
}

// Close ends the session.
func (c *Conn) Close() error {
	if c.stop != nil {
		c.stop()
	}
	err := c.Conn.Close()
	if cerr := c.db.Close(); err == nil {
		err = cerr
	}
	return err
}

// Connect opens a read-only session on d's server (or SQLite file), with
// the same credentials, TLS options and time zone (UTC) as Open.
func Connect(ctx context.Context, d *source.Database) (*Conn, error) {
	c, err := connect(ctx, d)
	if err != nil {
		return nil, redacted(err, d.Password)
	}
	return c, nil
}

func connect(ctx context.Context, d *source.Database) (*Conn, error) {
	var db *sql.DB
	switch d.Format {
	case source.FormatPostgres:
		cfg, err := pgx.ParseConfig(postgresURL(d))
		if err != nil {
			return nil, fmt.Errorf("postgres: %w", err)
		}
		cfg.RuntimeParams["default_transaction_read_only"] = "on"
		cfg.RuntimeParams["timezone"] = "UTC"
		cfg.RuntimeParams["datestyle"] = "ISO, MDY"
		db = stdlib.OpenDB(*cfg)
	case source.FormatMySQL:
		cfg, err := mysqlConfig(d)
		if err != nil {
			return nil, fmt.Errorf("mysql: %w", err)
		}
		connector, err := mysql.NewConnector(cfg)
		if err != nil {
			return nil, fmt.Errorf("mysql: %w", err)
		}
		db = sql.OpenDB(connector)
	case source.FormatSQLite:
		if _, err := os.Stat(d.Path); err != nil {
			return nil, fmt.Errorf("sqlite: %w", err)
		}
		u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: d.Path}).EscapedPath(), RawQuery: "mode=ro"}
		var err error
		if db, err = sql.Open("sqlite", u.String()); err != nil {
			return nil, fmt.Errorf("sqlite: %w", err)
		}
	case source.FormatClickHouse:
		db = clickhouseDB(d)
	default:
		return nil, fmt.Errorf("unknown database %q", d.Format)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", d.Format, err)
	}
	c := &Conn{Conn: conn, db: db}
	if d.Format == source.FormatMySQL {
		var id int64
		if err := conn.QueryRowContext(ctx, "SELECT CONNECTION_ID()").Scan(&id); err != nil {
			c.Close()
			return nil, fmt.Errorf("mysql: %w", err)
		}
		if _, err := conn.ExecContext(ctx, "SET SESSION TRANSACTION READ ONLY"); err != nil {
			c.Close()
			return nil, fmt.Errorf("mysql: a read-only session: %w", err)
		}
		// The driver only drops the connection on a cancel; the server
		// would go on with the query.
		c.stop = context.AfterFunc(ctx, func() {
			kctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			db.ExecContext(kctx, "KILL QUERY "+strconv.FormatInt(id, 10))
		})
	}
	return c, nil
}

// Describe says what Open would read from d — its columns, how each
// loads, and the catalog — without reading a row.
func Describe(ctx context.Context, d *source.Database) ([]Column, *source.Catalog, error) {
	quote := quoteDouble
	if d.Format == source.FormatMySQL || d.Format == source.FormatClickHouse {
		quote = quoteBacktick
	}
	none := *d
	none.Query = "SELECT * FROM (" + selectFrom(d, quote) + ") AS q LIMIT 0"
	r, err := Open(ctx, &none)
	if err != nil {
		return nil, nil, err
	}
	cols := r.Columns()
	cat := r.Catalog()
	r.Close()
	if d.Query != "" {
		cat.Table = d.TableName()
		return cols, cat, nil
	}
	if cat, err = tableCatalog(ctx, d); err != nil {
		return nil, nil, redacted(err, d.Password)
	}
	cat.Columns = mergeDeclared(cat.Columns, cols)
	return cols, cat, nil
}

// tableCatalog reads the catalog of d's table.
func tableCatalog(ctx context.Context, d *source.Database) (*source.Catalog, error) {
	switch d.Format {
	case source.FormatPostgres:
		conn, err := pgx.Connect(ctx, postgresURL(d))
		if err != nil {
			return nil, fmt.Errorf("postgres: %w", err)
		}
		defer conn.Close(context.WithoutCancel(ctx))
		tx, err := conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
		if err != nil {
			return nil, fmt.Errorf("postgres: %w", err)
		}
		defer tx.Rollback(context.WithoutCancel(ctx))
		return postgresCatalog(ctx, tx, d)
	case source.FormatMySQL:
		c, err := connect(ctx, d)
		if err != nil {
			return nil, err
		}
		defer c.Close()
		return mysqlCatalog(ctx, c.Conn, d)
	case source.FormatSQLite:
		c, err := connect(ctx, d)
		if err != nil {
			return nil, err
		}
		defer c.Close()
		var version string
		if err := c.QueryRowContext(ctx, "SELECT sqlite_version()").Scan(&version); err != nil {
			return nil, fmt.Errorf("sqlite: %s: %w", d.Path, err)
		}
		cat := &source.Catalog{Server: "SQLite " + version, Table: d.TableName()}
		return cat, sqliteTableInfo(ctx, c.db, d, cat)
	case source.FormatClickHouse:
		db := clickhouseDB(d)
		defer db.Close()
		return clickhouseCatalog(ctx, db, d)
	}
	return nil, fmt.Errorf("unknown database %q", d.Format)
}
