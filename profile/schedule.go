//go:build duckdb_arrow

package profile

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/source"
)

// profileColumns profiles each column into res.Columns, several at a
// time. With columns enough, each column's GROUP BY, and the Go work on
// what it hands over, runs on one DuckDB thread, as many at once as
// DuckDB has threads (engine.OneThreadEach). The costliest-looking
// columns go first, so that a big one does not start last and run alone.
func profileColumns(ctx context.Context, db *engine.DB, rel string, cols []source.Column, res *Result, opts Options, sentinels sentinelSet) error {
	order, err := costliestFirst(ctx, db, rel, cols)
	if err != nil {
		return err
	}
	run := func(workers int) error {
		var wg sync.WaitGroup
		errs := make([]error, len(cols))
		next := make(chan int)
		for range workers {
			wg.Go(func() {
				for i := range next {
					opts.progress(fmt.Sprintf("profiling column %d of %d: %s", i+1, len(cols), cols[i].Name))
					res.Columns[i], errs[i] = profileColumn(ctx, db, rel, cols[i], opts.Top, sentinels)
				}
			})
		}
		for _, i := range order {
			next <- i
		}
		close(next)
		wg.Wait()
		return errors.Join(errs...)
	}
	if opts.Workers > 0 {
		return run(opts.Workers)
	}
	threads, err := db.Threads(ctx)
	if err != nil {
		return err
	}
	switch {
	case threads < 2:
		// A query on one DuckDB thread runs on the goroutine that
		// issues it: two at once would use two.
		return run(1)
	case len(cols) < 2*threads:
		return run(2)
	}
	return db.OneThreadEach(ctx, run)
}

// costliestFirst orders columns by the work their profile looks likely
// to take, judged on the first rows: distinct values, and their length.
func costliestFirst(ctx context.Context, db *engine.DB, rel string, cols []source.Column) ([]int, error) {
	order := make([]int, len(cols))
	for i := range order {
		order[i] = i
	}
	if len(cols) < 2 {
		return order, nil
	}
	aggs := make([]string, len(cols))
	for i, c := range cols {
		v := "CAST(" + engine.Ident(c.Name) + " AS VARCHAR)"
		aggs[i] = "coalesce(count(DISTINCT " + v + ") * (avg(strlen(" + v + ")) + 16), 0)::DOUBLE"
	}
	cost, err := aggregates[float64](ctx, db, "(SELECT * FROM "+rel+" LIMIT 10000)", aggs)
	if err != nil {
		return nil, fmt.Errorf("estimate column costs: %w", err)
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(cost[b], cost[a]) })
	return order, nil
}

// profileColumn streams a column's distinct values with their counts.
// DuckDB hands them over on its own threads, each chunk to an accumulator
// no other thread holds; the accumulators are merged at the end.
func profileColumn(ctx context.Context, db *engine.DB, rel string, col source.Column, top int, sentinels sentinelSet) (Column, error) {
	accs := pool[*accumulator]{make: func() *accumulator { return newAccumulator(col.Name, col.Type, top, sentinels) }}
	c := engine.Ident(col.Name)
	_, err := db.Stream(ctx, "SELECT CAST("+c+" AS VARCHAR) AS v, count(*) AS n FROM "+rel+" GROUP BY ALL", func(ch *engine.Chunk) error {
		a := accs.take()
		defer accs.give(a)
		for r := range ch.Len() {
			n, _ := ch.Int64(1, r)
			v, ok := ch.String(0, r)
			if !ok {
				a.add(nil, n)
				continue
			}
			a.add(&v, n)
		}
		return nil
	})
	if err != nil {
		return Column{}, fmt.Errorf("column %s: %w", col.Name, err)
	}
	if len(accs.all) == 0 {
		return newAccumulator(col.Name, col.Type, top, sentinels).finish(), nil
	}
	for _, b := range accs.all[1:] {
		accs.all[0].merge(b)
	}
	return accs.all[0].finish(), nil
}

// pool hands each chunk of a Stream a value no other chunk being handled
// holds (DuckDB's threads each take one), making one when none is free;
// all holds every value made, to be merged at the end.
type pool[T any] struct {
	make      func() T
	mu        sync.Mutex
	all, free []T
}

func (p *pool[T]) take() T {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.free) == 0 {
		v := p.make()
		p.all = append(p.all, v)
		return v
	}
	v := p.free[len(p.free)-1]
	p.free = p.free[:len(p.free)-1]
	return v
}

func (p *pool[T]) give(v T) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.free = append(p.free, v)
}
