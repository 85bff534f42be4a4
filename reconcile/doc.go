// Package reconcile compares a target with its source: row by row on a
// key, as multisets of whole rows without one, or as row counts and sums
// per group. Differences are findings in the result (rows on one side
// only, changed values, duplicate and NULL keys, rows rejected at load);
// an error means the comparison could not be made.
//
//	src, err := db.Load(ctx, srcSource, engine.LoadOptions{Raw: true})
//	tgt, err := db.Load(ctx, tgtSource, engine.LoadOptions{Raw: true})
//	res, err := reconcile.Run(ctx, db, src, tgt, reconcile.Options{Keys: keys})
//	// res.Equal, res.Columns[i].Mismatches, res.SourceRejected, ...
//
// # Values as written
//
// Delimited text holds text: "00123", "1.50", "Y" and "01/02/2024" are
// what the system that wrote the file wrote, and they are compared as
// written (load it Raw, as plumb diff does). Types come into a comparison
// only where they are real, and a type is decided over every value of a
// column (every row the filters keep), never over a sample:
//
//   - Both sides typed (Parquet, Arrow, JSON numbers, a database):
//     compared by type; numbers within the column's tolerance, dates and
//     timestamps at the coarser precision of the two.
//   - One side typed, the other text: the text is read as the typed
//     side's type when every value of the column is written plainly as
//     one (no leading zeros, thousands separators or spaces; ISO dates;
//     true and false): Parquet DOUBLE 1.5 equals CSV "1.50", DATE
//     2024-01-02 equals "2024-01-02". One value that does not read
//     ("00123" beside BIGINT, a code rather than a number; "ABC";
//     "01/02/2024") and the column compares as text, the typed side as
//     DuckDB writes it, so "00123" differs from 123; the result's type
//     difference says which value did not read. Text beside a DECIMAL is
//     read as DOUBLE, never rounded to the decimal's scale.
//   - Both sides text: compared as text, so "1.50" differs from "1.5".
//
// A tolerance asks for numbers: a column's own tolerance (amount=0.01, or
// amount=0 for numbers compared exactly) compares the values of a text
// column that read as numbers on both sides as numbers, and the others as
// text; the default tolerance applies to the text columns whose every
// value is a plain number on both sides.
//
// The SQL a user writes (filters, expressions) sees a column of delimited
// text typed when every value of it reads as a whole number, a number, an
// ISO date or timestamp, or true and false, so that a filter such as
// id < 5 works; the values compared are still the text. SQLSeesText, and
// the source side of a Mapping, keep the text for that SQL too.
//
// # Rows rejected at load
//
// Rows a load rejected (malformed) were never compared: the result counts
// them per side with the first few, and Equal is false while there are
// any (LoadedEqual says whether the rows loaded agree).
//
// Building needs the duckdb_arrow tag: go build -tags duckdb_arrow.
package reconcile
