//go:build duckdb_arrow

// Package dbdiff diffs two sources on a key where at least one is on a
// database server (PostgreSQL, MySQL/MariaDB), choosing how to reach the
// rows: pull both sides whole, merge them a key segment at a time, or
// bisect — compare the count and checksum of key segments inside each
// database and read only the rows of the segments that differ.
//
//	res, plan, err := dbdiff.Run(ctx, db, src, tgt, dbdiff.Options{
//		Reconcile: reconcile.Options{Keys: keys},
//		Strategy:  dbdiff.Bisect,
//	})
//	// res is what reconcile.Run gives for the whole tables; plan says
//	// what was compared and what each side moved.
//
// # The checksum is a filter; the verdict is typed
//
// Every database writes each row in one encoding (see Policy): fields
// joined by '|', NULL as N, text prefixed with its length in bytes (so
// that ('a', NULL, 'b') and ('a', 'b', NULL) differ), exact numbers at
// the larger scale of the two sides, floats at a fixed number of decimal
// places, timestamps in UTC, booleans as 0 and 1. A row's hash is the
// 48-bit tail of the md5 of its text, less 2^47-1; a segment's checksum
// is the count of its rows and the sum of their hashes (a sum, so that
// identical duplicate rows do not cancel out as they would under XOR).
//
// Rows of the segments whose count or checksum differ are read with their
// own types and compared by reconcile, the comparison every diff uses
// (tolerances, --ignore-case, --trim, mappings, duplicate and NULL keys
// set aside): a value two databases write differently costs a read, never
// a reported difference. Rows of equal segments count as matched and
// unchanged; what the encoding rounds away (a float change past the
// policy's decimal places, a timestamp below its precision) is therefore
// not seen, and the plan warns of the column pairs where that can happen.
//
// # Segments at real keys
//
// Segments are cut at keys read from the side with more rows (every
// n-th key in key order, row_number in the database), never at points
// computed in the key space: text, UUID, timestamp and compound keys cut
// alike, and no segment is empty by construction. Both sides order keys
// alike: text under a binary collation (COLLATE "C"; MySQL binary
// strings; DuckDB's default), compound keys part by part. A key's rows
// are never split between segments; a key duplicated on a side marks its
// segment to be read, so that duplicates are set aside as pull does.
// Rows with a NULL key part are always read.
//
// Files and SQLite files are read into DuckDB where plumb runs (there is
// no link to save), and their side's checksums are computed there with
// the same encoding; SQLite thus needs no md5 function of its own.
//
// Building needs the duckdb_arrow tag: go build -tags duckdb_arrow.
package dbdiff
