//go:build duckdb_arrow

package engine

import (
	"errors"
	"sync"
	"testing"
)

func TestOneThreadEach(t *testing.T) {
	t.Parallel()
	db := openDB(t) // two threads
	ctx := t.Context()
	threads := func() int {
		t.Helper()
		n, err := db.Threads(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := threads(); n != 2 {
		t.Fatalf("threads = %d, want 2", n)
	}
	// Overlapping calls: each is told the session's two threads, each sees
	// one thread, and the two come back only when the last call returns.
	var wg sync.WaitGroup
	inside := make(chan struct{})
	release := make(chan struct{})
	for i := range 2 {
		wg.Go(func() {
			err := db.OneThreadEach(ctx, func(n int) error {
				if n != 2 {
					t.Errorf("call %d told %d threads, want 2", i, n)
				}
				if got := threads(); got != 1 {
					t.Errorf("call %d: DuckDB runs %d threads, want 1", i, got)
				}
				inside <- struct{}{}
				<-release
				// Queries run, on the calling goroutine.
				var sum int64
				if err := db.QueryRowContext(ctx, "SELECT sum(i) FROM range(1000000) t(i)").Scan(&sum); err != nil {
					return err
				}
				if sum != 499999500000 {
					t.Errorf("sum = %d", sum)
				}
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	<-inside
	<-inside
	close(release)
	wg.Wait()
	if n := threads(); n != 2 {
		t.Fatalf("after: threads = %d, want 2", n)
	}
	// fn's error comes back, and the threads still do.
	boom := errors.New("boom")
	if err := db.OneThreadEach(ctx, func(int) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if n := threads(); n != 2 {
		t.Fatalf("after an error: threads = %d, want 2", n)
	}
}
