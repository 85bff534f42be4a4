//go:build duckdb_arrow

package profile

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/source"
)

// profileColumns profiles each column into res.Columns, several at a
// time. Columns of few rows go in batches, several to a query
// (columnBatches), so that a file of 10,000 columns and 200 rows does
// not take 10,000 queries. With work units enough, each query, and the
// Go work on what it hands over, runs on one DuckDB thread, as many at
// once as DuckDB has threads (engine.OneThreadEach). The
// costliest-looking columns go first, so that a big one does not start
// last and run alone.
//
// Of opts.MemoryBudget, each accumulator that can be alive at once (one
// a column and DuckDB thread) gets an equal share of its own: a column
// that needs much cannot starve one that needs little.
func profileColumns(ctx context.Context, db *engine.DB, rel string, cols []source.Column, res *Result, opts Options, sentinels sentinelSet) error {
	order, err := costliestFirst(ctx, db, rel, cols)
	if err != nil {
		return err
	}
	units := columnBatches(order, res.Rows)
	threads, err := db.Threads(ctx)
	if err != nil {
		return err
	}
	// run profiles units with workers at once, each query on threads
	// DuckDB threads. With more than one worker it returns the units
	// whose query ran out of DuckDB's memory beside the others (two
	// high-cardinality GROUP BYs at once can exhaust a small memory limit
	// where each alone spills) rather than failing on them.
	run := func(units [][]int, workers, threads int) (retry [][]int, err error) {
		mem := opts.MemoryBudget / int64(workers*max(threads, 1))
		if opts.MemoryBudget > 0 {
			mem = max(mem, 1)
		}
		var wg sync.WaitGroup
		errs := make([]error, len(units))
		next := make(chan int)
		for range workers {
			wg.Go(func() {
				for u := range next {
					batch := units[u]
					if len(batch) == 1 {
						i := batch[0]
						opts.progress(fmt.Sprintf("profiling column %d of %d: %s", i+1, len(cols), cols[i].Name))
						res.Columns[i], errs[u] = profileColumn(ctx, db, rel, cols[i], opts.Top, sentinels, mem)
						continue
					}
					opts.progress(fmt.Sprintf("profiling columns %d to %d of %d", batch[0]+1, batch[len(batch)-1]+1, len(cols)))
					errs[u] = profileBatch(ctx, db, rel, cols, batch, res.Columns, opts.Top, sentinels, mem)
				}
			})
		}
		for u := range units {
			next <- u
		}
		close(next)
		wg.Wait()
		if workers > 1 {
			for u, err := range errs {
				if err != nil && engine.OutOfMemory(err) && ctx.Err() == nil {
					retry, errs[u] = append(retry, units[u]), nil
				}
			}
		}
		return retry, errors.Join(errs...)
	}
	var retry [][]int
	switch {
	case opts.Workers > 0:
		retry, err = run(units, opts.Workers, threads)
	case threads < 2:
		// A query on one DuckDB thread runs on the goroutine that
		// issues it: two at once would use two.
		_, err = run(units, 1, threads)
	case len(units) < 2*threads:
		retry, err = run(units, 2, threads)
	default:
		err = db.OneThreadEach(ctx, func(workers int) (err error) {
			retry, err = run(units, workers, 1) // a query each
			return err
		})
	}
	if err != nil {
		return err
	}
	// What ran out of memory beside others runs again alone, with all
	// threads, after the rest.
	_, err = run(retry, 1, threads)
	return err
}

// batchValues is about how many values one query of a batch of columns
// reads; maxBatch is the most columns in a batch. A query costs about a
// millisecond however few rows it reads, which for 10,000 columns of 200
// rows was most of the profile's time; a batch of columns unpivoted to
// (column, value) rows is counted in one GROUP BY.
const (
	batchValues = 1 << 20
	maxBatch    = 256
)

// columnBatches groups the columns, in order, into batches of as many as
// keep a query of rows rows near batchValues values: one column each at
// a million rows or more.
func columnBatches(order []int, rows int64) [][]int {
	size := min(maxBatch, max(1, batchValues/max(rows, 1)))
	var out [][]int
	for b := range slices.Chunk(order, int(size)) {
		out = append(out, b)
	}
	return out
}

// profileBatch profiles the columns of cols at batch into out, in one
// query that counts each (column, value) pair: what profileColumn does
// for one column.
func profileBatch(ctx context.Context, db *engine.DB, rel string, cols []source.Column, batch []int, out []Column, top int, sentinels sentinelSet, mem int64) error {
	vals := make([]string, len(batch))
	for j, i := range batch {
		vals[j] = "CAST(" + engine.Ident(cols[i].Name) + " AS VARCHAR)"
	}
	accs := pool[[]*accumulator]{make: func() []*accumulator {
		a := make([]*accumulator, len(batch))
		for j, i := range batch {
			a[j] = newAccumulator(cols[i].Name, cols[i].Type, top, sentinels)
			a[j].mem.budget = shareOf(mem, len(batch))
		}
		return a
	}}
	q := fmt.Sprintf("SELECT i, v, count(*) AS n FROM (SELECT unnest(range(%d)) AS i, unnest([%s]) AS v FROM %s) GROUP BY ALL",
		len(batch), strings.Join(vals, ", "), rel)
	_, err := db.Stream(ctx, q, func(ch *engine.Chunk) error {
		set := accs.take()
		defer accs.give(set)
		for r := range ch.Len() {
			j, _ := ch.Int64(0, r)
			n, _ := ch.Int64(2, r)
			v, ok := ch.String(1, r)
			if !ok {
				set[j].add(nil, n)
				continue
			}
			set[j].add(&v, n)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("columns %s to %s: %w", cols[batch[0]].Name, cols[batch[len(batch)-1]].Name, err)
	}
	if len(accs.all) == 0 {
		accs.all = append(accs.all, accs.make())
	}
	for j, i := range batch {
		for _, b := range accs.all[1:] {
			accs.all[0][j].merge(b[j])
		}
		out[i] = accs.all[0][j].finish()
	}
	return nil
}

// maxCostColumns is the most columns costliestFirst weighs. Its query
// keeps a distinct-count table a column, which at 10,000 columns took
// gigabytes; and among that many columns a costly one that starts late
// has many others beside it, so their order matters little.
const maxCostColumns = 256

// costliestFirst orders columns by the work their profile looks likely
// to take, judged on the first rows: distinct values, and their length.
func costliestFirst(ctx context.Context, db *engine.DB, rel string, cols []source.Column) ([]int, error) {
	order := make([]int, len(cols))
	for i := range order {
		order[i] = i
	}
	if len(cols) < 2 || len(cols) > maxCostColumns {
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
func profileColumn(ctx context.Context, db *engine.DB, rel string, col source.Column, top int, sentinels sentinelSet, mem int64) (Column, error) {
	accs := pool[*accumulator]{make: func() *accumulator {
		a := newAccumulator(col.Name, col.Type, top, sentinels)
		a.mem.budget = shareOf(mem, 1)
		return a
	}}
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

// profileCounted profiles each column from its values counted in Go
// (hllBatch's sample), as profileColumn does from a GROUP BY: as many
// columns at once as Go has processors, each with an equal share of
// opts.MemoryBudget.
func profileCounted(cols []source.Column, got *counted, opts Options, sentinels sentinelSet) []Column {
	out := make([]Column, len(cols))
	workers := min(runtime.GOMAXPROCS(0), len(cols))
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Go(func() {
			for i := range next {
				a := newAccumulator(cols[i].Name, cols[i].Type, opts.Top, sentinels)
				a.mem.budget = shareOf(opts.MemoryBudget, workers)
				if n := got.nulls[i]; n > 0 {
					a.add(nil, n)
				}
				each(got.values[i], func(v string, n int64) { a.add(&v, n) })
				got.values[i] = nil
				out[i] = a.finish()
			}
		})
	}
	for i := range cols {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}
