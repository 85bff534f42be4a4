//go:build duckdb_arrow

package engine

import (
	"fmt"
	"github.com/plumb-data/plumb/source"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/plumb-data/plumb/internal/synth"
)

// benchRows is the size of the generated extract: PLUMB_BENCH_ROWS, or
// 5,000,000 rows (about 900 MB, 13 columns) as the foundation issue asks.
func benchRows(b *testing.B) int {
	if s := os.Getenv("PLUMB_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatalf("PLUMB_BENCH_ROWS: %v", err)
		}
		return n
	}
	return 5_000_000
}

// benchFile generates (once, cached in the temp dir) a messy extract.
func benchFile(b *testing.B, rows int, malformed float64) string {
	b.Helper()
	path, err := synth.CachedFile(os.TempDir(), synth.Config{Rows: rows, Seed: 1, Mess: true, Malformed: malformed})
	if err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkLoadCSV times engine.Load against raw DuckDB doing the same
// work on the same file with the same threads, in one run, alternating,
// and reports plumb's time over DuckDB's as the metric x_duckdb.
//
//	go test -tags duckdb_arrow -run '^$' -bench LoadCSV -benchtime 3x ./engine
func BenchmarkLoadCSV(b *testing.B) {
	rows := benchRows(b)
	cases := []struct {
		name      string
		malformed float64
		raw       bool
		duckdb    string // the raw DuckDB statement; %s is the file
	}{
		{name: "typed", duckdb: "CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv(%s)"},
		{name: "raw", raw: true, duckdb: "CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv(%s, all_varchar=true)"},
		// With malformed rows plain read_csv fails; DuckDB's own way to
		// keep going and keep them is store_rejects.
		{name: "typed-malformed", malformed: 0.001, duckdb: "CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv(%s, store_rejects=true)"},
	}
	for _, c := range cases {
		b.Run(fmt.Sprintf("%s/rows=%d", c.name, rows), func(b *testing.B) {
			path := benchFile(b, rows, c.malformed)
			db, err := Open(b.Context(), Config{Threads: 2, TempDir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			src := source.Source{Spec: path, Paths: []string{path}}
			var plumb, duck time.Duration
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				start := time.Now()
				if _, err := db.ExecContext(b.Context(), fmt.Sprintf(c.duckdb, Literal(path))); err != nil {
					b.Fatal(err)
				}
				duck += time.Since(start)
				db.ExecContext(b.Context(), "DROP TABLE t")
				b.StartTimer()
				start = time.Now()
				t, err := db.Load(b.Context(), src, LoadOptions{Raw: c.raw, Table: "p"})
				if err != nil {
					b.Fatal(err)
				}
				plumb += time.Since(start)
				b.StopTimer()
				if t.RowsRead != int64(rows) {
					b.Fatalf("read %d rows, want %d", t.RowsRead, rows)
				}
				db.ExecContext(b.Context(), "DROP TABLE p; DROP TABLE p_rejects")
				b.StartTimer()
			}
			b.ReportMetric(plumb.Seconds()/float64(b.N), "plumb_s/op")
			b.ReportMetric(duck.Seconds()/float64(b.N), "duckdb_s/op")
			b.ReportMetric(float64(plumb)/float64(duck), "x_duckdb")
		})
	}
}
