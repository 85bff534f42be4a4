// Package dialect describes the few queries plumb runs inside a database
// (pushdown) as a small tree, and renders that tree in each database's
// SQL: DuckDB, PostgreSQL, MySQL/MariaDB, SQLite and ClickHouse. It is
// pure Go and runs nothing.
//
// A query is a Select of expressions (Col, Lit, Fn, Op, …) over a table
// or a query; every function of the tree is one of the Funcs below, and
// each dialect says how it writes each one, or that it cannot (a
// capability it lacks). Adding a database is one file: a Dialect value
// registered under its name.
//
//	d := dialect.For("postgres")
//	q := dialect.Select{
//		Items: []dialect.Expr{dialect.Count(), dialect.Fn(dialect.CountDistinct, dialect.Col("email"))},
//		From:  dialect.Table("crm", "customers"),
//	}
//	sql, err := d.Render(q)
//	// SELECT count(*), count(DISTINCT "email") FROM "crm"."customers"
//
// Text is compared byte by byte in every dialect (Bin): PostgreSQL's
// "C" collation, MySQL's binary strings, so that the order of values,
// their equality and their grouping are those of Go's strings — the
// order plumb's local profile uses.
package dialect
