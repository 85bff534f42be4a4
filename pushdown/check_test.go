//go:build duckdb_arrow

package pushdown_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/plumb-data/plumb/internal/enginetest"
	"github.com/plumb-data/plumb/pushdown"
	"github.com/plumb-data/plumb/result"
	"github.com/plumb-data/plumb/rules"
	"github.com/plumb-data/plumb/source"
)

// checksFor are rules over the fixture table: built-in kinds the
// database computes, and DuckDB SQL (expression, where, pattern,
// aggregates) that runs locally.
func checksFor(lookup string) string {
	return fmt.Sprintf(`dataset: fixture
checks:
  - not_null: [name, email, score, ts]
  - not_null: {columns: [amount]}
    severity: warn
  - unique: [email]
  - unique: [name, code]
    name: name and code
  - accepted_values: {column: code, values: ["00123", "ABC-12", "A1", "N/A"]}
  - accepted_values: {column: name, values: [Ana, ana, "Zoë"], allow_null: false}
    name: names
    max_failures: 90%%
  - range: {column: amount, min: -10000, max: 50000.5}
  - range: {column: qty, min: 0}
    max_failures: 100
  - length: {column: name, min: 2, max: 4}
  - row_count: {min: 100, max: 1000}
  - duplicate_rows: {}
  - references: {column: qty, to: "%s", key: n}
  - pattern: {column: code, regex: '^[0-9]+$'}
  - expression: {sql: "qty > 0"}
  - not_null: {columns: [email], where: "qty > 3"}
    name: email where qty
  - avg: {column: amount, max: 100000}
`, lookup)
}

// TestCheckDifferential checks one table locally and pushed down; the
// results must agree field by field, whether the checks the database
// cannot run see every row (a table smaller than the sample) or, for
// the checks computed in the database, only a sample.
func TestCheckDifferential(t *testing.T) {
	t.Parallel()
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			t.Parallel()
			db := srv.open(t)
			spec := table(t, srv, db, 600)
			for _, stmt := range strings.Split(srv.lookup, "; ") {
				db.Exec(t, stmt)
			}
			r, err := rules.Parse([]byte(checksFor(db.Table("lookup"))))
			if err != nil {
				t.Fatal(err)
			}
			local := checkLocal(t, spec, r)
			whole := checkPushed(t, spec, r, pushdown.Options{Mode: pushdown.On})
			info := whole.Pushdown
			whole.Pushdown = nil
			diff(t, "whole", local, whole)
			inDB := 0
			for _, m := range info.Metrics {
				if m.Computed == result.ComputedDatabase {
					inDB++
				}
			}
			if inDB < srv.pushedChecks {
				t.Errorf("%d checks computed in the database, want %d: %+v", inDB, srv.pushedChecks, info.Metrics)
			}

			sampled := checkPushed(t, spec, r, pushdown.Options{Mode: pushdown.On, SampleRows: 30})
			for k, c := range sampled.Checks {
				for _, m := range sampled.Pushdown.Metrics {
					if m.Metric == c.Name && m.Computed == result.ComputedDatabase {
						diff(t, c.Name, local.Checks[k], c)
					}
				}
			}
		})
	}
}

func checkLocal(t *testing.T, spec string, r *rules.Rules) *result.Check {
	t.Helper()
	db := enginetest.Open(t)
	src, err := source.Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := db.Load(t.Context(), src, rules.LoadOptions())
	if err != nil {
		t.Fatal(err)
	}
	res, err := rules.Run(t.Context(), db, tbl, r, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func checkPushed(t *testing.T, spec string, r *rules.Rules, opts pushdown.Options) *result.Check {
	t.Helper()
	db := enginetest.Open(t)
	src, err := source.Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := pushdown.Prepare(t.Context(), src, opts)
	if err != nil {
		t.Fatal(err)
	}
	res, err := pushdown.Check(t.Context(), db, plan, r, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}
