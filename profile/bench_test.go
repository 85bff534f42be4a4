//go:build duckdb_arrow

package profile

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/internal/synth"
)

// BenchmarkProfile times a full profile (raw load included) against
// DuckDB's SUMMARIZE SELECT * FROM read_csv(...) on the same file and
// threads, in one run, and reports the ratio as x_duckdb.
//
//	go test -tags duckdb_arrow -run '^$' -bench Profile -benchtime 1x ./profile
func BenchmarkProfile(b *testing.B) {
	rows := 5_000_000
	if s := os.Getenv("PLUMB_BENCH_ROWS"); s != "" {
		rows, _ = strconv.Atoi(s)
	}
	b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
		path, err := synth.CachedFile(os.TempDir(), synth.Config{Rows: rows, Seed: 1, Mess: true})
		if err != nil {
			b.Fatal(err)
		}
		var plumb, duck time.Duration
		for b.Loop() {
			db, err := engine.Open(b.Context(), engine.Config{Threads: 2, TempDir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			start := time.Now()
			rs, err := db.QueryContext(b.Context(), "SUMMARIZE SELECT * FROM read_csv("+engine.Literal(path)+")")
			if err != nil {
				b.Fatal(err)
			}
			for rs.Next() {
			}
			rs.Close()
			duck += time.Since(start)
			b.StartTimer()
			start = time.Now()
			src, _ := engine.ParseSource(path)
			t, err := db.Load(b.Context(), src, engine.LoadOptions{Raw: true, AnyOrder: true}) // as plumb profile loads
			if err != nil {
				b.Fatal(err)
			}
			if _, err := Run(b.Context(), db, t, Options{}); err != nil {
				b.Fatal(err)
			}
			plumb += time.Since(start)
			db.Close()
		}
		b.ReportMetric(plumb.Seconds()/float64(b.N), "plumb_s/op")
		b.ReportMetric(duck.Seconds()/float64(b.N), "summarize_s/op")
		b.ReportMetric(float64(plumb)/float64(duck), "x_duckdb")
	})
}
