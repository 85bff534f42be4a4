//go:build duckdb_arrow

package profile

import (
	"os"
	"path/filepath"
	"reflect"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/plumb-data/plumb/internal/enginetest"
	"github.com/plumb-data/plumb/internal/synth"
)

// wideHeapBound is the most Go heap TestWide lets the profile of 2,000
// columns by 200 rows hold at any moment. Measured at 13 MB (sampled
// every 2 ms; the result, 2,000 columns with their top values, patterns
// and examples, is most of it); 64 MB leaves room for the collector's
// slack and a busy machine, and still catches per-column structures
// sized for millions of rows: a 100,000-entry table or a 16 KB
// HyperLogLog a column is 30 MB or more over 2,000 columns.
const wideHeapBound = 64 << 20

// TestWide profiles a wide extract, 2,000 columns of 200 rows, as a
// survey or CRM export is: every column is in the result, each the same
// as when profiled alone, and the Go heap stays under wideHeapBound.
func TestWide(t *testing.T) {
	const columns, rows = 2000, 200
	path := filepath.Join(t.TempDir(), "wide.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := synth.WriteWide(f, synth.WideConfig{Columns: columns, Rows: rows, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	db := enginetest.Open(t)
	tbl := enginetest.Load(t, db, path, true)
	if len(tbl.Columns) != columns {
		t.Fatalf("loaded %d columns, want %d", len(tbl.Columns), columns)
	}

	peak := watchHeap(t)
	start := time.Now()
	res, err := Run(t.Context(), db, tbl, Options{})
	if err != nil {
		t.Fatal(err)
	}
	heap := peak()
	t.Logf("%d columns x %d rows: %v, peak Go heap %d MB", columns, rows, time.Since(start).Round(time.Millisecond), heap>>20)
	if heap > wideHeapBound {
		t.Errorf("peak Go heap %d MB, want at most %d MB", heap>>20, wideHeapBound>>20)
	}

	if res.Rows != rows || len(res.Columns) != columns {
		t.Fatalf("got %d rows, %d columns; want %d, %d", res.Rows, len(res.Columns), rows, columns)
	}
	for i, c := range res.Columns {
		if c.Name != tbl.Columns[i].Name || c.Rows != rows {
			t.Fatalf("column %d: got %s of %d rows, want %s of %d", i, c.Name, c.Rows, tbl.Columns[i].Name, rows)
		}
	}
	// Columns profiled in batches match the same columns profiled alone
	// (one query each), one of each kind of column.
	for i := range 10 {
		i += 990
		alone, err := Run(t.Context(), db, tbl, Options{Columns: []string{res.Columns[i].Name}})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := res.Columns[i], alone.Columns[0]; !reflect.DeepEqual(got, want) {
			t.Errorf("column %s (%s): in a batch\n%+v\nalone\n%+v", got.Name, synth.WideKind(i), got, want)
		}
	}
}

// watchHeap samples the Go heap until the returned function is called,
// which returns the most it saw.
func watchHeap(t *testing.T) func() uint64 {
	t.Helper()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var (
		mu   sync.Mutex
		peak uint64
	)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			mu.Lock()
			peak = max(peak, sample[0].Value.Uint64())
			mu.Unlock()
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}
