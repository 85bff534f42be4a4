// Package dbsource reads a database source (source.Database) row by row
// through its Go driver: PostgreSQL with pgx (binary protocol),
// MySQL/MariaDB with go-sql-driver/mysql (binary protocol, through a
// prepared statement) and SQLite with modernc.org/sqlite (pure Go).
//
// It decides, per column, the DuckDB type the values load as, and turns
// each value into a plain Go value of that type (Decimal and Interval
// for the two DuckDB types Go has no value for). A value that has no
// such value (a MySQL zero date, a NUMERIC NaN) is a *ValueError: the
// row is rejected, never dropped. It is pure Go: engine appends the rows
// to DuckDB.
//
//	r, err := dbsource.Open(ctx, src.Database)
//	defer r.Close()
//	row := make([]any, len(r.Columns()))
//	for r.Next() {
//		if err := r.Row(row); err != nil { /* a *ValueError: reject */ }
//	}
//	err = r.Err()
//
// Every read runs in a read-only transaction (PostgreSQL, MySQL) or on
// a file opened read-only (SQLite): a query= in a shared rules file
// cannot write. Cancelling ctx cancels the query on the server.
package dbsource
