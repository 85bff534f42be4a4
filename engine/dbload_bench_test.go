//go:build duckdb_arrow

package engine

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/metrics"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/plumb-data/plumb/internal/dbtest"
	"github.com/plumb-data/plumb/source"
)

// TestIngestPostgresVersusExport measures a database load against the
// plain path: psql's \copy of the same table to CSV plus DuckDB's
// read_csv of that file, in one run, and prints the ratio and the
// process's peak RSS. It runs only with PLUMB_BENCH_ROWS set (e.g.
// 1000000; run each size in a process of its own to compare peak RSS)
// and psql on the PATH.
//
//	PLUMB_BENCH_ROWS=1000000 go test -tags duckdb_arrow ./engine -run TestIngestPostgresVersusExport -v
func TestIngestPostgresVersusExport(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("PLUMB_BENCH_ROWS"))
	if n <= 0 {
		t.Skip("PLUMB_BENCH_ROWS is not set: skipping the ingest benchmark")
	}
	psql, err := exec.LookPath("psql")
	if err != nil {
		t.Skip("no psql on the PATH")
	}
	d := dbtest.Postgres(t)
	d.Exec(t, fmt.Sprintf(`CREATE TABLE bench AS SELECT g AS id, 'customer ' || g AS name,
		(g %% 100000)::numeric(12,2) / 7 AS amount, g / 3.0::float8 AS score,
		timestamp '2020-01-01' + g * interval '1 second' AS created, g %% 2 = 0 AS active, md5(g::text) AS note
		FROM generate_series(1, %d) g`, n), "ANALYZE bench")
	spec := d.Table("bench")
	src, err := source.Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(context.Background(), Config{Threads: 2, MemoryLimit: "1GB", TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	goPeak := watchGoHeap()
	cpu0 := cpuTime(syscall.RUSAGE_SELF)
	start := time.Now()
	tbl, err := db.Load(t.Context(), src, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	plumbTime := time.Since(start)
	plumbCPU := cpuTime(syscall.RUSAGE_SELF) - cpu0
	goHeap := goPeak()
	var duckMem int64
	if err := db.QueryRowContext(t.Context(), "SELECT sum(memory_usage_bytes) FROM duckdb_memory()").Scan(&duckMem); err != nil {
		t.Fatal(err)
	}
	if tbl.RowsLoaded != int64(n) {
		t.Fatalf("loaded %d rows, want %d", tbl.RowsLoaded, n)
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)

	csvPath := filepath.Join(t.TempDir(), "bench.csv")
	start = time.Now()
	child0 := cpuTime(syscall.RUSAGE_CHILDREN)
	cmd := exec.CommandContext(t.Context(), psql, os.Getenv("PLUMB_TEST_POSTGRES"), "-q", "-c",
		`\copy (SELECT * FROM `+d.Name+`.bench) TO '`+csvPath+`' WITH (FORMAT csv, HEADER)`)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("psql: %v: %s", err, out)
	}
	exportTime := time.Since(start)
	exportCPU := cpuTime(syscall.RUSAGE_CHILDREN) - child0
	start = time.Now()
	cpu0 = cpuTime(syscall.RUSAGE_SELF)
	if _, err := db.ExecContext(t.Context(), "CREATE TABLE bench_csv AS SELECT * FROM read_csv("+Literal(csvPath)+")"); err != nil {
		t.Fatal(err)
	}
	readTime := time.Since(start)
	readCPU := cpuTime(syscall.RUSAGE_SELF) - cpu0
	plain := exportTime + readTime
	t.Logf("rows %d: plumb load %.2fs; psql \\copy %.2fs + DuckDB read_csv %.2fs = %.2fs; ratio %.2f×", n,
		plumbTime.Seconds(), exportTime.Seconds(), readTime.Seconds(), plain.Seconds(), plumbTime.Seconds()/plain.Seconds())
	t.Logf("client CPU (user+sys): plumb load %.2fs; psql %.2fs + read_csv %.2fs = %.2fs; ratio %.2f×", plumbCPU.Seconds(),
		exportCPU.Seconds(), readCPU.Seconds(), (exportCPU + readCPU).Seconds(), plumbCPU.Seconds()/(exportCPU+readCPU).Seconds())
	t.Logf("memory: peak RSS after the load %d MB; peak live Go heap during the load %d MB; DuckDB after the load %d MB",
		ru.Maxrss/1024, goHeap>>20, duckMem>>20)
}

// cpuTime is the user and system CPU time of who (RUSAGE_SELF or
// RUSAGE_CHILDREN).
func cpuTime(who int) time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(who, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// watchGoHeap samples the Go heap live after the last GC every 20ms until the
// returned function is called, which gives the peak.
func watchGoHeap() func() uint64 {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	done := make(chan struct{})
	out := make(chan uint64)
	go func() {
		var peak uint64
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-done:
				out <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 { close(done); return <-out }
}
