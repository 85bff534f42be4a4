// Package dbtest gives tests a database of their own: a fresh
// PostgreSQL schema or MySQL database with a unique name, dropped when
// the test ends, on the servers PLUMB_TEST_POSTGRES and PLUMB_TEST_MYSQL
// name (tests skip with a message when they are unset), or a SQLite file
// in a temporary directory.
package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/ClickHouse/clickhouse-go/v2" // the "clickhouse" driver
	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite" // the "sqlite" driver
)

// DB is a test's own schema or database.
type DB struct {
	// Name is the schema (PostgreSQL) or database (MySQL) created.
	Name string
	// URL is a source spec prefix for it: append "?table=t" (PostgreSQL
	// tables are qualified by Table).
	URL  string
	exec func(string) error
}

// Table is the source spec of a table of the test's schema or database.
func (d *DB) Table(name string) string {
	if strings.HasPrefix(d.URL, "postgres") {
		return d.URL + "&table=" + d.Name + "." + name
	}
	if strings.Contains(d.URL, "?") {
		return d.URL + "&table=" + name
	}
	return d.URL + "?table=" + name
}

// Query is the source spec of a query on the test's database.
func (d *DB) Query(q string) string {
	if strings.Contains(d.URL, "?") {
		return d.URL + "&query=" + q
	}
	return d.URL + "?query=" + q
}

// Exec runs statements, failing the test on an error.
func (d *DB) Exec(t testing.TB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if err := d.exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func unique(prefix string) string {
	return fmt.Sprintf("%s_%d_%d", prefix, os.Getpid(), time.Now().UnixNano()%1_000_000_000)
}

// Postgres creates a schema of the test's own on PLUMB_TEST_POSTGRES
// (a postgres:// URL), with search_path set to it for Exec.
func Postgres(t testing.TB) *DB {
	t.Helper()
	base := os.Getenv("PLUMB_TEST_POSTGRES")
	if base == "" {
		t.Skip("PLUMB_TEST_POSTGRES is not set (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable): skipping the PostgreSQL tests")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("PLUMB_TEST_POSTGRES: %v", err)
	}
	name := unique("plumb_test")
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+name+"; SET search_path TO "+name); err != nil {
		conn.Close(ctx)
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn.Exec(ctx, "DROP SCHEMA "+name+" CASCADE")
		conn.Close(ctx)
	})
	u := base
	if !strings.Contains(u, "?") {
		u += "?"
	}
	return &DB{Name: name, URL: u, exec: func(s string) error { _, err := conn.Exec(ctx, s); return err }}
}

// MySQL creates a database of the test's own on PLUMB_TEST_MYSQL (a
// go-sql-driver DSN, user:password@tcp(host:port)/db).
func MySQL(t testing.TB) *DB {
	t.Helper()
	dsn := os.Getenv("PLUMB_TEST_MYSQL")
	if dsn == "" {
		t.Skip("PLUMB_TEST_MYSQL is not set (e.g. root@tcp(127.0.0.1:3306)/test): skipping the MySQL/MariaDB tests")
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatalf("PLUMB_TEST_MYSQL: %v", err)
	}
	name := unique("plumb_test")
	cfg.DBName, cfg.MultiStatements = "", true
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		t.Fatalf("PLUMB_TEST_MYSQL: %v", err)
	}
	cfg.DBName = name
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() {
		db.Close()
		admin.Exec("DROP DATABASE " + name)
		admin.Close()
	})
	u := url.URL{Scheme: "mysql", Host: cfg.Addr, Path: "/" + name}
	if host, port, err := net.SplitHostPort(cfg.Addr); err == nil {
		u.Host = net.JoinHostPort(host, port)
	}
	switch {
	case cfg.Passwd != "":
		u.User = url.UserPassword(cfg.User, cfg.Passwd)
	default:
		u.User = url.User(cfg.User)
	}
	return &DB{Name: name, URL: u.String(), exec: func(s string) error {
		_, err := db.Exec("SET SESSION sql_mode = ''; " + s)
		return err
	}}
}

// SQLite creates a SQLite file in a temporary directory.
func SQLite(t testing.TB) *DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return &DB{Name: "main", URL: "sqlite://" + path, exec: func(s string) error { _, err := db.Exec(s); return err }}
}

// ClickHouse creates a database of the test's own on
// PLUMB_TEST_CLICKHOUSE (a clickhouse:// URL of its native port).
func ClickHouse(t testing.TB) *DB {
	t.Helper()
	base := os.Getenv("PLUMB_TEST_CLICKHOUSE")
	if base == "" {
		t.Skip("PLUMB_TEST_CLICKHOUSE is not set (e.g. clickhouse://default@127.0.0.1:19000/default): skipping the ClickHouse tests")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("PLUMB_TEST_CLICKHOUSE: %v", err)
	}
	db, err := sql.Open("clickhouse", base)
	if err != nil {
		t.Fatal(err)
	}
	name := unique("plumb_test")
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		db.Close()
		t.Fatalf("PLUMB_TEST_CLICKHOUSE: %v", err)
	}
	u.Path = "/" + name
	own, err := sql.Open("clickhouse", u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		own.Close()
		db.Exec("DROP DATABASE " + name)
		db.Close()
	})
	return &DB{Name: name, URL: u.String(), exec: func(s string) error { _, err := own.Exec(s); return err }}
}
