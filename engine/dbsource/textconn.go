package dbsource

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"sync/atomic"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/plumb-data/plumb/source"
)

// Traffic counts the bytes that cross the wire between plumb and a
// database server: what the connections opened under a context that
// carries it (WithTraffic) read and write, TLS and protocol included.
type Traffic struct {
	Read, Written atomic.Int64
}

type trafficKey struct{}

// WithTraffic has the connections Open and ConnectText make under ctx count
// their bytes in t.
func WithTraffic(ctx context.Context, t *Traffic) context.Context {
	return context.WithValue(ctx, trafficKey{}, t)
}

func trafficOf(ctx context.Context) *Traffic {
	t, _ := ctx.Value(trafficKey{}).(*Traffic)
	return t
}

// dialer wraps dial so that the connections it makes count their bytes
// in t.
func (t *Traffic) dialer(dial func(ctx context.Context, network, addr string) (net.Conn, error)) func(ctx context.Context, network, addr string) (net.Conn, error) {
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &countedConn{Conn: c, t: t}, nil
	}
}

type countedConn struct {
	net.Conn
	t *Traffic
}

func (c *countedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.t.Read.Add(int64(n))
	return n, err
}

func (c *countedConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.t.Written.Add(int64(n))
	return n, err
}

// TextConn is a connection for the queries plumb writes itself (checksums,
// key samples), whose every value is read as text.
type TextConn interface {
	// Query runs q and calls fn with each row's values as text (nil for
	// NULL); the slice is reused between rows.
	Query(ctx context.Context, q string, fn func(row []*string) error) error
	Close() error
}

// ConnectText opens a TextConn on a PostgreSQL or MySQL source's server: a UTC
// session, read-only (PostgreSQL's default_transaction_read_only, MySQL's
// session transaction mode), counting its bytes when ctx carries a
// Traffic. SQLite files are read locally and have no TextConn.
func ConnectText(ctx context.Context, d *source.Database) (TextConn, error) {
	c, err := connectText(ctx, d)
	if err != nil {
		return nil, redacted(err, d.Password)
	}
	return &redactingConn{TextConn: c, password: d.Password}, nil
}

type redactingConn struct {
	TextConn
	password string
}

func (c *redactingConn) Query(ctx context.Context, q string, fn func([]*string) error) error {
	if err := c.TextConn.Query(ctx, q, fn); err != nil {
		return redacted(err, c.password)
	}
	return nil
}

func connectText(ctx context.Context, d *source.Database) (TextConn, error) {
	t := trafficOf(ctx)
	switch d.Format {
	case source.FormatPostgres:
		cfg, err := pgx.ParseConfig(postgresURL(d))
		if err != nil {
			return nil, fmt.Errorf("postgres: %w", err)
		}
		cfg.RuntimeParams["timezone"] = "UTC"
		cfg.RuntimeParams["default_transaction_read_only"] = "on"
		// JIT compiling a checksum's long expression costs more than it
		// saves (measured: 2.6 s against 1.8 s for 1M rows).
		cfg.RuntimeParams["jit"] = "off"
		if t != nil {
			cfg.DialFunc = t.dialer(cfg.DialFunc)
		}
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err != nil {
			return nil, fmt.Errorf("postgres: %w", err)
		}
		return &pgConn{conn: conn}, nil
	case source.FormatMySQL:
		cfg, err := mysqlConfig(d)
		if err != nil {
			return nil, fmt.Errorf("mysql: %w", err)
		}
		if t != nil {
			cfg.DialFunc = t.dialer(cfg.DialFunc)
		}
		connector, err := mysql.NewConnector(cfg)
		if err != nil {
			return nil, fmt.Errorf("mysql: %w", err)
		}
		// One connection, made read-only once: the statement works on
		// MySQL and MariaDB alike, where the variable's name does not.
		db := sql.OpenDB(connector)
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		if _, err := db.ExecContext(ctx, "SET SESSION TRANSACTION READ ONLY"); err != nil {
			db.Close()
			return nil, fmt.Errorf("mysql: %w", err)
		}
		return &sqlConn{db: db}, nil
	}
	return nil, fmt.Errorf("connect: %s sources are read locally", d.Format)
}

type pgConn struct{ conn *pgx.Conn }

func (c *pgConn) Query(ctx context.Context, q string, fn func([]*string) error) error {
	rows, err := c.conn.Query(ctx, q, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	defer rows.Close()
	var row []*string
	for rows.Next() {
		raw := rows.RawValues()
		row = row[:0]
		for _, v := range raw {
			if v == nil {
				row = append(row, nil)
				continue
			}
			s := string(v)
			row = append(row, &s)
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	return nil
}

func (c *pgConn) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.conn.Close(ctx)
}

type sqlConn struct{ db *sql.DB }

func (c *sqlConn) Query(ctx context.Context, q string, fn func([]*string) error) error {
	rows, err := c.db.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("mysql: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return fmt.Errorf("mysql: %w", err)
	}
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	row := make([]*string, len(cols))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("mysql: %w", err)
		}
		for i, v := range vals {
			row[i] = nil
			if v.Valid {
				s := v.String
				row[i] = &s
			}
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("mysql: %w", err)
	}
	return nil
}

func (c *sqlConn) Close() error { return c.db.Close() }
