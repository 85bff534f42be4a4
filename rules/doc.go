// Package rules checks a loaded source against a declarative rules file.
//
// A rules file is YAML:
//
//	dataset: customers
//	checks:
//	  - not_null: [customer_id, email]        # one check per column
//	  - unique: [first_name, last_name, birth_date]
//	  - accepted_values: {column: status, values: [active, inactive]}
//	    ignore_case: true
//	  - range: {column: balance, min: -1000, max: 1000000}
//	    max_failures: 5%                      # or a count: 10
//	    severity: warn                        # error (the default) or warn
//	    where: "country = 'US'"               # SQL over the typed columns
//	  - expression: {sql: "ship_date >= order_date"}
//	    name: ships after ordering
//	  - avg: {column: balance, min: 0, max: 5000, group_by: [country]}
//	  - missing_percent: {column: email, max: 2%}
//
// The kinds are not_null, unique, accepted_values, range, pattern,
// length, type, semantic, row_count, freshness, references, expression,
// duplicate_rows and schema, and the aggregates (AggregateKinds) avg,
// sum, min, max, stddev, distinct_count, missing_percent and
// duplicate_percent: each measures a column, over the rows or per group
// of rows with the same group_by values, and holds the measure between
// min and max (either may be left out; percentages in percent, 5 or 5%).
// The result gives the measure and the bounds; per group, the groups out
// of bounds are the samples, and max_failures counts groups. A freshness
// check fails when its newest value is in the future. Values are checked as written (load the
// source raw); nulls pass value checks unless the check says
// allow_null: false.
//
// A check reads a column by its type class (engine.Classify): the loaded
// type, or for CSV loaded raw, the type DuckDB's sniffer saw. range,
// freshness and the aggregates compare numbers as numbers and dates as
// dates; on a text column they read each value (a value that is not a
// number or a date fails), and on a column of the other kind (numeric
// bounds for a DATE column, freshness of a BIGINT) they are a
// *ConfigError at the check. accepted_values and references compare a
// typed column's values in its type (1.5 matches 1.50 in a DECIMAL(10,2)
// column) and a text column's as written; a type check passes every value
// of a column loaded as that type. Parse reports unknown keys, wrong types, bad
// thresholds and bad regexes as a *ConfigError with line and column, and
// Run reports a check it cannot evaluate (a missing column, SQL that does
// not bind) the same way, at the check, or at its where or sql.
//
// A where or an expression's sql must be one SQL expression over the
// columns: DuckDB's parser reads each one (engine.DB.ParseExpr) before any
// query holds it, and refuses a second statement, a FROM or a subquery.
// Errors quote the fragment and DuckDB's reason, never the SQL Run builds.
// Run loads the sources of references checks, then confines the session
// (engine.DB.Confine) before any of that SQL runs: it can read no file
// and reach no network, and DuckDB writes only the quarantine and passing
// files, which the session must be opened with as outputs.
//
//	db, err := engine.Open(ctx, engine.Config{Outputs: []string{"bad.csv", "good.parquet"}})
//	r, err := rules.Parse(data)
//	t, err := db.Load(ctx, src, engine.LoadOptions{Raw: true})
//	res, err := rules.Run(ctx, db, t, r, rules.Options{Quarantine: "bad.csv", Passing: "good.parquet"})
//	// res.Checks[i].Status, .Failed, .Share, .Samples (value and source line)
//	// res.Failed(): an error-severity check failed
//
// Run computes every row predicate of every check once, in one scan that
// keeps the failing rows; unique and duplicate_rows group the table once
// each first. Counts, samples, the quarantine (every failing row with its
// source line and the names of the checks it failed) and the passing rows
// all come from that one evaluation. Rows rejected at load were read but
// not checked: Run reports them first, as the load check (kind load),
// which fails unless Options.AllowRejects makes it a warning, and the
// quarantine holds them with their line, reason and text, so that
// quarantined + passing = rows read.
//
// Package suggest proposes a rules file from a profile.
package rules
