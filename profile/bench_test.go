//go:build duckdb_arrow

package profile

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"github.com/plumb-data/plumb/source"
	"math/bits"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/internal/synth"
	"github.com/zeebo/xxh3"
)

// BenchmarkProfile times a full profile (raw load included) against
// DuckDB's SUMMARIZE SELECT * FROM read_csv(...) on the same file and
// threads, in one run, and reports the ratio as x_duckdb.
//
//	go test -tags duckdb_arrow -run '^$' -bench Profile -benchtime 1x ./profile
func BenchmarkProfile(b *testing.B) {
	besideSummarize(b, "plumb", LoadOptions(Options{}), func(ctx context.Context, db *engine.DB, t *engine.Table) error {
		_, err := Run(ctx, db, t, Options{})
		return err
	})
}

// BenchmarkProfileApprox is BenchmarkProfile with --approx.
//
//	go test -tags duckdb_arrow -run '^$' -bench ProfileApprox -benchtime 1x ./profile
func BenchmarkProfileApprox(b *testing.B) {
	besideSummarize(b, "approx", LoadOptions(Options{Approx: true}), func(ctx context.Context, db *engine.DB, t *engine.Table) error {
		_, err := Run(ctx, db, t, Options{Approx: true})
		return err
	})
}

// BenchmarkProfileFloor times what a profile cannot do without: the raw
// load and each column's exact GROUP BY, run as Run runs them (one DuckDB
// thread each, as many at once as there are threads) but with nothing
// handed to Go, beside SUMMARIZE on the same file and threads. Its
// x_duckdb is the least BenchmarkProfile's could be with exact distinct
// counts done this way.
//
//	go test -tags duckdb_arrow -run '^$' -bench ProfileFloor -benchtime 1x ./profile
func BenchmarkProfileFloor(b *testing.B) {
	besideSummarize(b, "floor", LoadOptions(Options{}), groupEach)
}

// groupEach runs each column's exact GROUP BY as Run runs them (one
// DuckDB thread each, as many at once as there are threads), handing
// nothing to Go.
func groupEach(ctx context.Context, db *engine.DB, t *engine.Table) error {
	return db.OneThreadEach(ctx, func(threads int) error {
		var wg sync.WaitGroup
		errs := make([]error, len(t.Columns))
		slots := make(chan struct{}, threads)
		for i, c := range t.Columns {
			slots <- struct{}{}
			wg.Go(func() {
				defer func() { <-slots }()
				var n int64
				errs[i] = db.QueryRowContext(ctx, "SELECT sum(n) FROM (SELECT CAST("+engine.Ident(c.Name)+" AS VARCHAR) AS v, count(*) AS n FROM "+engine.Ident(t.Name)+" GROUP BY ALL)").Scan(&n)
			})
		}
		wg.Wait()
		return errors.Join(errs...)
	})
}

// BenchmarkProfileParts splits a profile's CPU time into its parts, each
// reported as a share of SUMMARIZE's in the same iteration: the raw load
// (load_cpu_x), the columns' GROUP BYs alone (groupby_cpu_x), the columns
// profiled (columns_cpu_x: the GROUP BYs and the Go work on what they
// hand over, so that the Go work is columns less groupby), all of Run
// (run_cpu_x: the columns again, then keys and duplicate rows) and all of
// an approximate Run (approx_cpu_x: its one pass over every row, the
// sample's columns, keys). Where BenchmarkProfile says how far the
// profile is from its target, this says where the time goes.
//
//	go test -tags duckdb_arrow -run '^$' -bench ProfileParts -benchtime 1x ./profile
func BenchmarkProfileParts(b *testing.B) {
	path, rows := benchFile(b, "PLUMB_BENCH_ROWS", 5_000_000)
	b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
		var duck, load, group, columns, run, approx time.Duration
		for b.Loop() {
			ctx := b.Context()
			db, err := engine.Open(ctx, engine.Config{Threads: 2, TempDir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			part := func(d *time.Duration, fn func() error) {
				cpu := cpuTime(b)
				if err := fn(); err != nil {
					b.Fatal(err)
				}
				*d += cpuTime(b) - cpu
			}
			part(&duck, func() error {
				_, err := db.ExecContext(ctx, "SUMMARIZE SELECT * FROM read_csv("+engine.Literal(path)+")")
				return err
			})
			var t *engine.Table
			part(&load, func() (err error) {
				src, _ := source.Parse(path)
				t, err = db.Load(ctx, src, LoadOptions(Options{}))
				return err
			})
			part(&group, func() error { return groupEach(ctx, db, t) })
			res := &Result{Rows: t.RowsLoaded, Columns: make([]Column, len(t.Columns))}
			opts := Options{Top: 10}
			part(&columns, func() error {
				return profileColumns(ctx, db, engine.Ident(t.Name), t.Columns, res, opts, newSentinelSet(opts.sentinelValues()))
			})
			part(&run, func() error {
				_, err := Run(ctx, db, t, Options{})
				return err
			})
			part(&approx, func() error {
				_, err := Run(ctx, db, t, Options{Approx: true})
				return err
			})
			db.Close()
		}
		b.ReportMetric(duck.Seconds()/float64(b.N), "summarize_cpu_s/op")
		for _, p := range []struct {
			name string
			d    time.Duration
		}{{"load", load}, {"groupby", group}, {"columns", columns}, {"run", run}, {"approx", approx}} {
			b.ReportMetric(float64(p.d)/float64(duck), p.name+"_cpu_x")
		}
	})
}

// besideSummarize times the load of the generated extract (as plumb
// profile loads, with load) followed by work, against DuckDB's SUMMARIZE SELECT *
// FROM read_csv(...) on the same file and threads in the same iteration,
// and reports the ratio as x_duckdb.
func besideSummarize(b *testing.B, name string, load engine.LoadOptions, work func(context.Context, *engine.DB, *engine.Table) error) {
	path, rows := benchFile(b, "PLUMB_BENCH_ROWS", 5_000_000)
	b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
		var ours, duck, oursCPU, duckCPU time.Duration
		for b.Loop() {
			ctx := b.Context()
			db, err := engine.Open(ctx, engine.Config{Threads: 2, TempDir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			start, cpu := time.Now(), cpuTime(b)
			if _, err := db.ExecContext(ctx, "SUMMARIZE SELECT * FROM read_csv("+engine.Literal(path)+")"); err != nil {
				b.Fatal(err)
			}
			duck += time.Since(start)
			duckCPU += cpuTime(b) - cpu
			b.StartTimer()
			start, cpu = time.Now(), cpuTime(b)
			src, _ := source.Parse(path)
			t, err := db.Load(ctx, src, load)
			if err != nil {
				b.Fatal(err)
			}
			if err := work(ctx, db, t); err != nil {
				b.Fatal(err)
			}
			ours += time.Since(start)
			oursCPU += cpuTime(b) - cpu
			db.Close()
		}
		b.ReportMetric(ours.Seconds()/float64(b.N), name+"_s/op")
		b.ReportMetric(duck.Seconds()/float64(b.N), "summarize_s/op")
		b.ReportMetric(float64(ours)/float64(duck), "x_duckdb")
		// On a shared machine wall time swings with the load; CPU time
		// (user and system, DuckDB's threads included) much less.
		if duckCPU > 0 {
			b.ReportMetric(float64(oursCPU)/float64(duckCPU), "cpu_x_duckdb")
		}
	})
}

// benchFile is the generated messy extract a benchmark reads: as many rows
// as the environment variable env says, or def.
func benchFile(b *testing.B, env string, def int) (string, int) {
	rows := def
	if s := os.Getenv(env); s != "" {
		rows, _ = strconv.Atoi(s)
	}
	path, err := synth.CachedFile(os.TempDir(), synth.Config{Rows: rows, Seed: 1, Mess: true})
	if err != nil {
		b.Fatal(err)
	}
	return path, rows
}

// BenchmarkAdd times the Go side of a profile alone: every column's
// distinct values with their counts, read once from DuckDB, then added
// to a column accumulator. It reports nanoseconds per distinct value.
//
//	PLUMB_BENCH_ADD_ROWS=1000000 go test -tags duckdb_arrow -run '^$' -bench Add ./profile
func BenchmarkAdd(b *testing.B) {
	path, rows := benchFile(b, "PLUMB_BENCH_ADD_ROWS", 200_000)
	db, err := engine.Open(b.Context(), engine.Config{Threads: 2, TempDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	src, _ := source.Parse(path)
	t, err := db.Load(b.Context(), src, engine.LoadOptions{Raw: true})
	if err != nil {
		b.Fatal(err)
	}
	type pair struct {
		v *string
		n int64
	}
	var cols [][]pair
	var total int
	for _, c := range t.Columns {
		rr, err := db.QueryArrow(b.Context(), "SELECT "+engine.Ident(c.Name)+" AS v, count(*) AS n FROM "+engine.Ident(t.Name)+" GROUP BY ALL")
		if err != nil {
			b.Fatal(err)
		}
		var ps []pair
		for rr.Next() {
			rec := rr.RecordBatch()
			vs, ns := rec.Column(0).(*array.String), rec.Column(1).(*array.Int64)
			for j := 0; j < int(rec.NumRows()); j++ {
				p := pair{n: ns.Value(j)}
				if !vs.IsNull(j) {
					v := vs.Value(j)
					p.v = &v
				}
				ps = append(ps, p)
			}
		}
		rr.Release()
		cols = append(cols, ps)
		total += len(ps)
	}
	sentinels := newSentinelSet(DefaultSentinels)
	b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
		for b.Loop() {
			for i, ps := range cols {
				a := newAccumulator(t.Columns[i].Name, "VARCHAR", 10, sentinels)
				for _, p := range ps {
					a.add(p.v, p.n)
				}
				a.finish()
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(total), "ns/value")
	})
}

// BenchmarkOnePassFloor times the least a one-pass profile could take:
// DuckDB parses the file on its threads and hands every value, once, to
// Go (a vectorised scalar UDF, engine.Stream), which does the least
// per-value work a profile does (a hash into a HyperLogLog register per
// column), with no load, no GROUP BY and no rejects kept; beside
// SUMMARIZE on the same file and threads.
//
//	go test -tags duckdb_arrow -run '^$' -bench OnePassFloor -benchtime 1x ./profile
func BenchmarkOnePassFloor(b *testing.B) {
	path, rows := benchFile(b, "PLUMB_BENCH_ROWS", 5_000_000)
	b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
		var ours, duck time.Duration
		for b.Loop() {
			ctx := b.Context()
			db, err := engine.Open(ctx, engine.Config{Threads: 2, TempDir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			start := time.Now()
			if _, err := db.ExecContext(ctx, "SUMMARIZE SELECT * FROM read_csv("+engine.Literal(path)+")"); err != nil {
				b.Fatal(err)
			}
			duck += time.Since(start)
			b.StartTimer()
			start = time.Now()
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			header, err := csv.NewReader(f).Read()
			f.Close()
			if err != nil {
				b.Fatal(err)
			}
			cols := len(header)
			parts := pool[hllRegisters]{make: func() hllRegisters { return make(hllRegisters, cols) }}
			_, err = db.Stream(ctx, "SELECT * FROM read_csv("+engine.Literal(path)+", all_varchar = true)", func(ch *engine.Chunk) error {
				regs := parts.take()
				defer parts.give(regs)
				for c := range cols {
					for r := range ch.Len() {
						v, ok := ch.String(c, r)
						if !ok {
							continue
						}
						h := xxh3.HashString(v)
						i, rank := h>>(64-hllPrecision), uint8(bits.LeadingZeros64(h<<hllPrecision|1<<(hllPrecision-1))+1)
						regs[c][i] = max(regs[c][i], rank)
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			ours += time.Since(start)
			db.Close()
		}
		b.ReportMetric(ours.Seconds()/float64(b.N), "onepass_s/op")
		b.ReportMetric(duck.Seconds()/float64(b.N), "summarize_s/op")
		b.ReportMetric(float64(ours)/float64(duck), "x_duckdb")
	})
}
