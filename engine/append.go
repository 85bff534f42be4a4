//go:build duckdb_arrow

package engine

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Appender writes rows into an existing table, far faster than INSERT;
// for results computed in Go. It is not safe for concurrent use.
type Appender struct {
	conn *sql.Conn
	app  *duckdb.Appender
}

// NewAppender opens an appender on table; close it.
func (db *DB) NewAppender(ctx context.Context, table string) (*Appender, error) {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, err
	}
	a := &Appender{conn: conn}
	err = conn.Raw(func(dc any) error {
		var err error
		a.app, err = duckdb.NewAppenderFromConn(dc.(driver.Conn), "", table)
		return err
	})
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("append to %s: %w", table, err)
	}
	return a, nil
}

// Append adds one row; values follow the table's columns.
func (a *Appender) Append(values ...driver.Value) error { return a.app.AppendRow(values...) }

// Close flushes the rows and releases the connection.
func (a *Appender) Close() error {
	return errors.Join(a.app.Close(), a.conn.Close())
}

// RegisterTextFunc adds a SQL function name(VARCHAR) → VARCHAR computed
// by fn (NULL in, NULL out; fn's false is NULL out). Registering a name
// again is a no-op.
func (db *DB) RegisterTextFunc(ctx context.Context, name string, fn func(string) (string, bool)) error {
	return db.register(ctx, name, textUDF(fn))
}

type textUDF func(string) (string, bool)

func (textUDF) Config() duckdb.ScalarFuncConfig {
	vt, _ := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{vt}, ResultTypeInfo: vt}
}

func (f textUDF) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(v []driver.Value) (any, error) {
		s, ok := v[0].(string)
		if !ok {
			return nil, nil
		}
		if out, ok := f(s); ok {
			return out, nil
		}
		return nil, nil
	}}
}

// RegisterPredicate adds a SQL function name(VARCHAR) → BOOLEAN computed
// by fn, for tests SQL cannot express (NULL in, NULL out). Registering a
// name again is a no-op.
func (db *DB) RegisterPredicate(ctx context.Context, name string, fn func(string) bool) error {
	return db.register(ctx, name, predicateUDF(fn))
}

// register adds a Go scalar function to the session once.
func (db *DB) register(ctx context.Context, name string, udf duckdb.ScalarFunc) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.funcs[name] {
		return nil
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := duckdb.RegisterScalarUDF(conn, name, udf); err != nil {
		return fmt.Errorf("register %s: %w", name, err)
	}
	if db.funcs == nil {
		db.funcs = map[string]bool{}
	}
	db.funcs[name] = true
	return nil
}

type predicateUDF func(string) bool

func (predicateUDF) Config() duckdb.ScalarFuncConfig {
	vt, _ := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	bt, _ := duckdb.NewTypeInfo(duckdb.TYPE_BOOLEAN)
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{vt}, ResultTypeInfo: bt}
}

func (f predicateUDF) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(v []driver.Value) (any, error) {
		s, ok := v[0].(string)
		if !ok {
			return nil, nil
		}
		return f(s), nil
	}}
}
