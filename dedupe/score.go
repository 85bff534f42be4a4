//go:build duckdb_arrow

package dedupe

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/plumb-data/plumb/engine"
)

// pairQuery selects pairs with both records' normalized fields: a, b,
// rules, then field i of a and of b at columns 3+2i and 4+2i.
func (r *runner) pairQuery(pairs, where string) string {
	sel := []string{"p.a", "p.b", "p.rules"}
	for i := range r.cfg.Fields {
		sel = append(sel, "x."+r.fieldCol(i), "y."+r.fieldCol(i))
	}
	q := "SELECT " + strings.Join(sel, ", ") + " FROM " + pairs + " p JOIN " + engine.Ident(r.norm) + " x ON x.rid = p.a JOIN " + engine.Ident(r.norm) + " y ON y.rid = p.b"
	if where != "" {
		q += " WHERE " + where
	}
	return q
}

// patterns streams pairs from q and computes each pair's agreement
// pattern in two goroutines, handing results to emit in batch order.
func (r *runner) patterns(ctx context.Context, q string, emit func(a, b []int64, rules []uint64, p []pattern) error) error {
	rr, err := r.db.QueryArrow(ctx, q)
	if err != nil {
		return err
	}
	defer rr.Release()
	type job struct {
		rec   arrow.RecordBatch
		done  chan struct{}
		a, b  []int64
		rules []uint64
		p     []pattern
	}
	jobs := make(chan *job, 4)
	order := make(chan *job, 4)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				j.a, j.b, j.rules, j.p = r.patternBatch(j.rec)
				j.rec.Release()
				close(j.done)
			}
		}()
	}
	var emitErr error
	var collector sync.WaitGroup
	collector.Add(1)
	go func() {
		defer collector.Done()
		for j := range order {
			<-j.done
			if emitErr == nil {
				emitErr = emit(j.a, j.b, j.rules, j.p)
			}
		}
	}()
	for rr.Next() {
		rec := rr.RecordBatch()
		rec.Retain()
		j := &job{rec: rec, done: make(chan struct{})}
		order <- j
		jobs <- j
	}
	close(jobs)
	close(order)
	wg.Wait()
	collector.Wait()
	return errors.Join(rr.Err(), emitErr)
}

func (r *runner) patternBatch(rec arrow.RecordBatch) ([]int64, []int64, []uint64, []pattern) {
	n := int(rec.NumRows())
	as, bs, rs := rec.Column(0).(*array.Int64), rec.Column(1).(*array.Int64), rec.Column(2).(*array.Uint64)
	a, b, rules, p := make([]int64, n), make([]int64, n), make([]uint64, n), make([]pattern, n)
	for j := range n {
		a[j], b[j], rules[j] = as.Value(j), bs.Value(j), rs.Value(j)
	}
	for i, f := range r.cfg.Fields {
		x, y := rec.Column(3+2*i).(*array.String), rec.Column(4+2*i).(*array.String)
		for j := range n {
			var xv, yv string
			if x.IsValid(j) {
				xv = x.Value(j)
			}
			if y.IsValid(j) {
				yv = y.Value(j)
			}
			_, l := compare(f.Compare, xv, yv)
			p[j] = p[j].with(i, l)
		}
	}
	return a, b, rules, p
}

// ruleCounts counts candidate pairs by the rules that found them and
// their agreement pattern.
type ruleCounts map[[2]uint64]int64

// score computes every candidate pair's pattern, keeps (a, b, pattern)
// in a table and counts the distinct (rules, pattern) combinations.
func (r *runner) score(ctx context.Context) (ruleCounts, error) {
	var err error
	if r.scored, err = r.table(ctx, "plumb_dedupe_scored", "(a BIGINT, b BIGINT, pattern UBIGINT)"); err != nil {
		return nil, err
	}
	app, err := r.db.NewAppender(ctx, r.scored)
	if err != nil {
		return nil, err
	}
	counts := ruleCounts{}
	err = r.patterns(ctx, r.pairQuery(engine.Ident(r.pairs), ""), func(a, b []int64, rules []uint64, p []pattern) error {
		for j := range a {
			counts[[2]uint64{rules[j], uint64(p[j])}]++
			if err := app.Append(a[j], b[j], uint64(p[j])); err != nil {
				return err
			}
		}
		return nil
	})
	return counts, errors.Join(err, app.Close())
}
