// Package pushdown profiles and checks a database table inside the
// database, in its own SQL (package dialect), so that only results cross
// the wire: counts, distinct counts, extremes, lengths, top values and
// quantiles for a profile; each row predicate's failing count and a few
// failing rows (LIMIT) for a check, with unique, duplicate_rows and
// references as grouped queries.
//
// What the database cannot compute as plumb's local path does — type
// inference, date formats, shape patterns, semantic types and findings,
// which parse each value in Go; a check's SQL written for DuckDB
// (expression, where) — is computed locally on a reproducible sample of
// the rows, and the result says so metric by metric
// (result.Pushdown). The results are the types the local path gives
// (result.Profile, result.Check), so every report renders them.
//
//	plan, err := pushdown.Prepare(ctx, src, pushdown.Options{Mode: pushdown.On})
//	res, err := pushdown.Profile(ctx, db, plan, profile.Options{})
//
// A table no bigger than the sample is read whole, and then a pushed
// down profile or check equals the local one field by field, but for
// the documented approximations (a mean and a standard deviation summed
// in another order may differ in the last digit kept); the differential
// tests hold it to that.
package pushdown
