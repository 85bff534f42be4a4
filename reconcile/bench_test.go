//go:build duckdb_arrow

package reconcile

import (
	"context"
	"fmt"
	"github.com/plumb-data/plumb/source"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/internal/synth"
)

// diffPair returns a generated source extract and a target made from it
// with about 1% of rows changed and 0.5% missing on each side, cached in
// the temp dir.
func diffPair(b *testing.B, rows int) (string, string) {
	b.Helper()
	src, err := synth.CachedFile(os.TempDir(), synth.Config{Rows: rows, Seed: 1, Mess: true})
	if err != nil {
		b.Fatal(err)
	}
	tgt := strings.TrimSuffix(src, ".csv") + "-target.csv"
	if _, err := os.Stat(tgt); err == nil {
		return src, tgt
	}
	db, err := engine.Open(context.Background(), engine.Config{Threads: 2, TempDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	// h % 200 = 1: re-keyed, so 0.5% of rows are only in the source and
	// 0.5% only in the target; h % 100 = 2: email upper-cased and balance
	// changed (1% changed).
	q := `COPY (
		SELECT CASE WHEN h % 200 = 1 THEN customer_id + 1000000000 ELSE customer_id END AS customer_id,
			first_name, last_name,
			CASE WHEN h % 100 = 2 THEN upper(email) ELSE email END AS email,
			phone, birth_date, signup_ts, status,
			CASE WHEN h % 100 = 2 THEN '1.23' ELSE balance END AS balance,
			country, zip, notes, account_uuid
		FROM (SELECT *, hash(customer_id) AS h FROM read_csv(` + engine.Literal(src) + `, all_varchar=true, types={'customer_id': 'BIGINT'}))
	) TO ` + engine.Literal(tgt+".tmp") + ` (FORMAT csv, HEADER true)`
	if _, err := db.ExecContext(b.Context(), q); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tgt+".tmp", tgt); err != nil {
		b.Fatal(err)
	}
	return src, tgt
}

// BenchmarkDiff times plumb's diff (both loads and the reconciliation)
// against the hand-written DuckDB FULL OUTER JOIN diff of shared/bench/
// peers.sh (both loads as text and one join comparing every column), in
// one run, alternating, and reports the ratio as x_duckdb.
//
//	PLUMB_BENCH_ROWS=5000000 go test -tags duckdb_arrow -run '^$' -bench Diff -benchtime 2x ./reconcile
func BenchmarkDiff(b *testing.B) {
	rows := 5_000_000
	if s := os.Getenv("PLUMB_BENCH_ROWS"); s != "" {
		rows, _ = strconv.Atoi(s)
	}
	b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
		src, tgt := diffPair(b, rows)
		db, err := engine.Open(b.Context(), engine.Config{Threads: 2, TempDir: filepath.Join(b.TempDir())})
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		var plumb, duck time.Duration
		var res *Result
		for b.Loop() {
			b.StopTimer()
			start := time.Now()
			if err := handWrittenDiff(b, db, src, tgt, "customer_id"); err != nil {
				b.Fatal(err)
			}
			duck += time.Since(start)
			b.StartTimer()
			start = time.Now()
			var tables [2]*engine.Table
			for i, p := range []string{src, tgt} {
				s, _ := source.Parse(p)
				if tables[i], err = db.Load(b.Context(), s, engine.LoadOptions{Table: fmt.Sprintf("side%d", i)}); err != nil {
					b.Fatal(err)
				}
			}
			if res, err = Run(b.Context(), db, tables[0], tables[1], Options{Keys: []Pair{{Source: "customer_id", Target: "customer_id"}}}); err != nil {
				b.Fatal(err)
			}
			plumb += time.Since(start)
			b.StopTimer()
			db.ExecContext(b.Context(), "DROP TABLE side0; DROP TABLE side1; DROP TABLE side0_rejects; DROP TABLE side1_rejects")
			b.StartTimer()
		}
		b.ReportMetric(plumb.Seconds()/float64(b.N), "plumb_s/op")
		b.ReportMetric(duck.Seconds()/float64(b.N), "duckdb_s/op")
		b.ReportMetric(float64(plumb)/float64(duck), "x_duckdb")
		b.Logf("only in source %d, only in target %d, changed %d of %d matched", res.OnlyInSource, res.OnlyInTarget, res.Changed, res.Matched)
	})
}

// handWrittenDiff is peers.sh's DuckDB diff: load both sides as text and
// count rows only on either side and changed rows in one join.
func handWrittenDiff(b *testing.B, db *engine.DB, src, tgt, key string) error {
	ctx := b.Context()
	for _, q := range []string{
		"CREATE OR REPLACE TABLE s AS SELECT * FROM read_csv(" + engine.Literal(src) + ", all_varchar=true)",
		"CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv(" + engine.Literal(tgt) + ", all_varchar=true)",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	var changed []string
	for _, c := range synth.Columns {
		if c != key {
			changed = append(changed, fmt.Sprintf("s.%s IS DISTINCT FROM t.%s", engine.Ident(c), engine.Ident(c)))
		}
	}
	k := engine.Ident(key)
	var a, c, d int64
	err := db.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE t.`+k+` IS NULL), count(*) FILTER (WHERE s.`+k+` IS NULL),
		count(*) FILTER (WHERE s.`+k+` IS NOT NULL AND t.`+k+` IS NOT NULL AND (`+strings.Join(changed, " OR ")+`))
		FROM s FULL OUTER JOIN t ON s.`+k+` = t.`+k).Scan(&a, &c, &d)
	db.ExecContext(ctx, "DROP TABLE s; DROP TABLE t")
	return err
}
