//go:build duckdb_arrow

package engine

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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

	start := time.Now()
	tbl, err := db.Load(t.Context(), src, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	plumbTime := time.Since(start)
	if tbl.RowsLoaded != int64(n) {
		t.Fatalf("loaded %d rows, want %d", tbl.RowsLoaded, n)
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)

	csvPath := filepath.Join(t.TempDir(), "bench.csv")
	start = time.Now()
	cmd := exec.CommandContext(t.Context(), psql, os.Getenv("PLUMB_TEST_POSTGRES"), "-q", "-c",
		`\copy (SELECT * FROM `+d.Name+`.bench) TO '`+csvPath+`' WITH (FORMAT csv, HEADER)`)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("psql: %v: %s", err, out)
	}
	exportTime := time.Since(start)
	start = time.Now()
	if _, err := db.ExecContext(t.Context(), "CREATE TABLE bench_csv AS SELECT * FROM read_csv("+Literal(csvPath)+")"); err != nil {
		t.Fatal(err)
	}
	readTime := time.Since(start)
	plain := exportTime + readTime
	t.Logf("rows %d: plumb load %.2fs; psql \\copy %.2fs + DuckDB read_csv %.2fs = %.2fs; ratio %.2f×; peak RSS after the load %d MB",
		n, plumbTime.Seconds(), exportTime.Seconds(), readTime.Seconds(), plain.Seconds(), plumbTime.Seconds()/plain.Seconds(), ru.Maxrss/1024)
}
