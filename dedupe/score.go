//go:build duckdb_arrow

package dedupe

import (
	"context"
	"errors"
	"strings"

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

// patterns streams the pairs q selects (as pairQuery does) and works out
// each pair's agreement pattern on DuckDB's threads, a chunk at a time;
// emit gets each chunk's pairs, one chunk after another.
func (r *runner) patterns(ctx context.Context, q string, emit func(a, b []int64, rules []uint64, p []pattern) error) error {
	return streamChunks(ctx, r.db, q, r.patternChunk, func(c patternedChunk) error {
		return emit(c.a, c.b, c.rules, c.p)
	})
}

// patternedChunk is a chunk of pairs with their patterns.
type patternedChunk struct {
	a, b  []int64
	rules []uint64
	p     []pattern
}

func (r *runner) patternChunk(c *engine.Chunk) patternedChunk {
	n := c.Len()
	out := patternedChunk{a: make([]int64, n), b: make([]int64, n), rules: make([]uint64, n), p: make([]pattern, n)}
	for j := range n {
		out.a[j], _ = c.Int64(0, j)
		out.b[j], _ = c.Int64(1, j)
		rules, _ := c.Int64(2, j)
		out.rules[j] = uint64(rules)
	}
	for i, f := range r.cfg.Fields {
		for j := range n {
			x, _ := c.String(3+2*i, j)
			y, _ := c.String(4+2*i, j)
			_, l := compare(f.Compare, x, y)
			out.p[j] = out.p[j].with(i, l)
		}
	}
	return out
}

// errStopped stops a stream whose rows can no longer be taken.
var errStopped = errors.New("stopped")

// streamChunks runs q and hands its rows to work a chunk at a time, on
// DuckDB's threads (several at once), and work's results to emit in one
// goroutine of its own, one after another in no set order. work must not
// keep the chunk's strings (they are DuckDB's memory). An error from emit
// stops the query and is returned.
func streamChunks[T any](ctx context.Context, db *engine.DB, q string, work func(*engine.Chunk) T, emit func(T) error) error {
	results := make(chan T, 4)
	stop := make(chan struct{})
	var emitErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		for res := range results {
			if emitErr != nil {
				continue
			}
			if emitErr = emit(res); emitErr != nil {
				close(stop)
			}
		}
	}()
	_, err := db.Stream(ctx, q, func(c *engine.Chunk) error {
		res := work(c)
		select {
		case results <- res:
			return nil
		case <-stop:
			return errStopped
		}
	})
	close(results)
	<-done
	if emitErr != nil {
		return emitErr
	}
	return err
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
