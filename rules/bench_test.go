//go:build duckdb_arrow

package rules

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/internal/synth"
	"github.com/plumb-data/plumb/source"
)

// benchRules are 20 checks over the generator's columns.
const benchRules = `dataset: bench
checks:
  - not_null: [customer_id, email, last_name]
  - unique: customer_id
  - unique: [first_name, last_name, birth_date]
  - accepted_values: {column: status, values: [active, inactive, pending]}
    ignore_case: true
  - accepted_values: {column: country, values: [US, DE, FR, GB, CA, NL, BR, ES, JP, IT]}
  - range: {column: balance, min: -1000, max: 1000000}
  - pattern: {column: email, regex: '^[^@\s]+@[^@\s]+\.[^@\s]+$'}
  - length: {column: zip, min: 5, max: 10}
  - length: {column: first_name, min: 1, max: 50}
  - type: {column: birth_date, type: date, format: '%Y-%m-%d'}
  - type: {column: signup_ts, type: timestamp, format: '%Y-%m-%d %H:%M:%S'}
  - semantic: {column: account_uuid, type: uuid}
  - row_count: {min: 1000}
  - freshness: {column: signup_ts, max_age: 36h}
  - references: {column: country, to: countries.csv, key: code}
  - expression: {sql: "signup_ts < TIMESTAMP '2030-01-01'"}
  - duplicate_rows: {}
  - schema: {columns: [customer_id, email, status], allow_extra: true}
`

// handWritten computes the same predicates in one DuckDB query over the
// same loaded table: what an engineer would write by hand.
const handWritten = `WITH t AS (SELECT * FROM %[1]s)
SELECT
  count(*) FILTER (WHERE customer_id IS NULL),
  count(*) FILTER (WHERE email IS NULL),
  count(*) FILTER (WHERE last_name IS NULL),
  (SELECT coalesce(sum(n), 0) FROM (SELECT count(*) n FROM t WHERE customer_id IS NOT NULL GROUP BY customer_id HAVING count(*) > 1)),
  (SELECT coalesce(sum(n), 0) FROM (SELECT count(*) n FROM t WHERE first_name IS NOT NULL AND last_name IS NOT NULL AND birth_date IS NOT NULL
     GROUP BY first_name, last_name, birth_date HAVING count(*) > 1)),
  count(*) FILTER (WHERE lower(status) NOT IN ('active', 'inactive', 'pending')),
  count(*) FILTER (WHERE country NOT IN ('US', 'DE', 'FR', 'GB', 'CA', 'NL', 'BR', 'ES', 'JP', 'IT')),
  count(*) FILTER (WHERE balance IS NOT NULL AND coalesce(TRY_CAST(balance AS DOUBLE) NOT BETWEEN -1000 AND 1000000, true)),
  count(*) FILTER (WHERE NOT regexp_matches(email, '^[^@\s]+@[^@\s]+\.[^@\s]+$')),
  count(*) FILTER (WHERE length(zip) NOT BETWEEN 5 AND 10),
  count(*) FILTER (WHERE length(first_name) NOT BETWEEN 1 AND 50),
  count(*) FILTER (WHERE birth_date IS NOT NULL AND try_strptime(birth_date, '%%Y-%%m-%%d') IS NULL),
  count(*) FILTER (WHERE signup_ts IS NOT NULL AND try_strptime(signup_ts, '%%Y-%%m-%%d %%H:%%M:%%S') IS NULL),
  count(*) FILTER (WHERE NOT regexp_full_match(account_uuid, '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}')),
  count(*),
  max(TRY_CAST(signup_ts AS TIMESTAMP)),
  count(*) FILTER (WHERE country NOT IN (SELECT code FROM %[2]s)),
  count(*) FILTER (WHERE NOT coalesce(TRY_CAST(signup_ts AS TIMESTAMP) < TIMESTAMP '2030-01-01', true)),
  (SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) n FROM t GROUP BY ALL HAVING count(*) > 1))
FROM t`

// BenchmarkCheck times 20 checks over a generated file (5,000,000 rows by
// default; PLUMB_BENCH_ROWS) against one hand-written DuckDB query
// computing the same predicates over the same loaded table; both sides
// include the load. x_duckdb is the ratio.
//
//	go test -tags duckdb_arrow -run '^$' -bench Check -benchtime 1x ./rules
func BenchmarkCheck(b *testing.B) {
	rows := 5_000_000
	if s := os.Getenv("PLUMB_BENCH_ROWS"); s != "" {
		rows, _ = strconv.Atoi(s)
	}
	r, err := Parse([]byte(benchRules))
	if err != nil {
		b.Fatal(err)
	}
	if len(r.Checks) != 20 {
		b.Fatalf("got %d checks, want 20", len(r.Checks))
	}
	b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
		path, err := synth.CachedFile(os.TempDir(), synth.Config{Rows: rows, Seed: 1, Mess: true})
		if err != nil {
			b.Fatal(err)
		}
		dir := b.TempDir()
		countries := filepath.Join(dir, "countries.csv")
		if err := os.WriteFile(countries, []byte("code\nUS\nDE\nFR\nGB\nCA\nNL\nBR\nES\nJP\n"), 0o644); err != nil {
			b.Fatal(err)
		}
		var load, run, hand time.Duration
		for b.Loop() {
			db, err := engine.Open(b.Context(), engine.Config{Threads: 2, TempDir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			src, _ := source.Parse(path)
			t, err := db.Load(b.Context(), src, engine.LoadOptions{Raw: true})
			if err != nil {
				b.Fatal(err)
			}
			load += time.Since(start)
			// The hand-written query's copy of the countries is loaded
			// now: Run confines the session.
			b.StopTimer()
			csrc, _ := source.Parse(countries)
			ct, err := db.Load(b.Context(), csrc, engine.LoadOptions{Raw: true})
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			start = time.Now()
			res, err := Run(b.Context(), db, t, r, Options{BaseDir: dir, Quarantine: ""})
			if err != nil {
				b.Fatal(err)
			}
			run += time.Since(start)
			b.StopTimer()
			start = time.Now()
			vals := make([]any, 19)
			ptrs := make([]any, len(vals))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := db.QueryRowContext(b.Context(), fmt.Sprintf(handWritten, engine.Ident(t.Name), engine.Ident(ct.Name))).Scan(ptrs...); err != nil {
				b.Fatal(err)
			}
			hand += time.Since(start)
			b.StartTimer()
			if res.Summary.Passed+res.Summary.Failed+res.Summary.Warned != 20 {
				b.Fatalf("got %+v", res.Summary)
			}
			db.Close()
		}
		n := float64(b.N)
		b.ReportMetric(load.Seconds()/n, "load_s/op")
		b.ReportMetric(run.Seconds()/n, "checks_s/op")
		b.ReportMetric(hand.Seconds()/n, "hand_s/op")
		b.ReportMetric(float64(load+run)/float64(load+hand), "x_duckdb")
	})
}
