//go:build duckdb_arrow

package dedupe

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"

	"github.com/plumb-data/plumb/engine"
)

// pairQuery selects pairs with both records' normalized fields: a, b,
// rules, then field i of a and of b at columns 3+2i and 4+2i, then the
// term frequency of each term_frequency field's value in a (see tfCols).
func (r *runner) pairQuery(pairs, where string) string {
	sel := []string{"p.a", "p.b", "p.rules"}
	for i := range r.cfg.Fields {
		sel = append(sel, "x."+r.fieldCol(i), "y."+r.fieldCol(i))
	}
	for _, tf := range r.tf {
		if tf != "" {
			sel = append(sel, "x."+engine.Ident(tf))
		}
	}
	q := "SELECT " + strings.Join(sel, ", ") + " FROM " + pairs + " p JOIN " + engine.Ident(r.norm) + " x ON x.rid = p.a JOIN " + engine.Ident(r.norm) + " y ON y.rid = p.b"
	if where != "" {
		q += " WHERE " + where
	}
	return q
}

// tfCols gives, for each field, the column after base at which a query
// laid out as pairQuery holds its term frequency, or -1.
func (r *runner) tfCols(base int) []int {
	out := make([]int, len(r.tf))
	k := base + 2*len(r.cfg.Fields)
	for i, tf := range r.tf {
		out[i] = -1
		if tf != "" {
			out[i] = k
			k++
		}
	}
	return out
}

// hasTF says whether any field weighs by term frequency.
func (r *runner) hasTF() bool {
	return slices.ContainsFunc(r.tf, func(s string) bool { return s != "" })
}

// comparison is how one field of a pair compares.
type comparison struct {
	sim   float64
	level Level
	// tf is the frequency of an exact agreement's value, for a field
	// with term_frequency; 0 otherwise.
	tf float64
}

// compareAt compares field i of pair j of a chunk laid out as
// pairQuery, from column base on (3 in pairQuery).
func (r *runner) compareAt(c *engine.Chunk, i, j, base int, tfCol []int) comparison {
	x, _ := c.String(base+2*i, j)
	y, _ := c.String(base+1+2*i, j)
	var fc comparison
	if s := r.swap[i]; s >= 0 {
		xs, _ := c.String(base+2*s, j)
		ys, _ := c.String(base+1+2*s, j)
		fc.sim, fc.level = compareSwap(r.cfg.Fields[i].Compare, x, y, xs, ys)
	} else {
		fc.sim, fc.level = compare(r.cfg.Fields[i].Compare, x, y)
	}
	if fc.level == LevelExact && tfCol[i] >= 0 {
		fc.tf, _ = c.Float64(tfCol[i], j)
	}
	return fc
}

// patterns streams the pairs q selects (as pairQuery does) and works out
// each pair's agreement pattern on DuckDB's threads, a chunk at a time;
// emit gets each chunk's pairs, one chunk after another.
func (r *runner) patterns(ctx context.Context, q string, emit func(c patternedChunk) error) error {
	return streamChunks(ctx, r.db, q, r.patternChunk, emit)
}

// patternedChunk is a chunk of pairs with their patterns and the bits
// their rare values add (tfBits).
type patternedChunk struct {
	a, b   []int64
	rules  []uint64
	p      []pattern
	tfBits []float64
}

func (r *runner) patternChunk(c *engine.Chunk) patternedChunk {
	n := c.Len()
	out := patternedChunk{a: make([]int64, n), b: make([]int64, n), rules: make([]uint64, n), p: make([]pattern, n), tfBits: make([]float64, n)}
	for j := range n {
		out.a[j], _ = c.Int64(0, j)
		out.b[j], _ = c.Int64(1, j)
		rules, _ := c.Int64(2, j)
		out.rules[j] = uint64(rules)
	}
	tfCol := r.tfCols(3)
	for i := range r.cfg.Fields {
		for j := range n {
			fc := r.compareAt(c, i, j, 3, tfCol)
			out.p[j] = out.p[j].with(i, fc.level)
			if fc.tf > 0 {
				out.tfBits[j] -= math.Log2(fc.tf)
			}
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
// in a table, with the bits rare values add (tf) when any field weighs by
// term frequency, and counts the distinct (rules, pattern) combinations.
// Only those counts stay in Go: the pairs go to DuckDB as they stream.
func (r *runner) score(ctx context.Context) (ruleCounts, error) {
	def := "(a BIGINT, b BIGINT, pattern UBIGINT)"
	if r.hasTF() {
		def = "(a BIGINT, b BIGINT, pattern UBIGINT, tf DOUBLE)"
	}
	var err error
	if r.scored, err = r.table(ctx, "plumb_dedupe_scored", def); err != nil {
		return nil, err
	}
	app, err := r.db.NewAppender(ctx, r.scored)
	if err != nil {
		return nil, err
	}
	counts := ruleCounts{}
	tf := r.hasTF()
	for _, q := range r.candidates {
		err = r.patterns(ctx, q, func(c patternedChunk) error {
			r.res.CandidatePairs += int64(len(c.a))
			for j := range c.a {
				counts[[2]uint64{c.rules[j], uint64(c.p[j])}]++
				var err error
				if tf {
					err = app.Append(c.a[j], c.b[j], uint64(c.p[j]), c.tfBits[j])
				} else {
					err = app.Append(c.a[j], c.b[j], uint64(c.p[j]))
				}
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			break
		}
	}
	return counts, errors.Join(err, app.Close())
}

// tfExpr is the bits a scored pair's rare values add, over the scored
// table aliased s: its tf column, or 0.
func (r *runner) tfExpr() string {
	if r.hasTF() {
		return "s.tf"
	}
	return "0"
}

// pairWeight is the match weight of a pair with pattern p whose rare
// values add tfBits (the sum of -log2 of the term frequency of each
// term_frequency field it agrees on exactly): for those fields, u of an
// exact agreement is the value's frequency instead of the field's u.
func (r *runner) pairWeight(p pattern, tfBits float64) float64 {
	return r.patternWeight(p) + tfBits
}

// patternWeight is pairWeight without the pair's own term frequencies:
// a function of the pattern alone, to be added to them.
func (r *runner) patternWeight(p pattern) float64 {
	w := r.md.weight(p)
	for f, tf := range r.tf {
		if tf != "" && p.level(f) == LevelExact {
			w += math.Log2(r.md.u[f][LevelExact])
		}
	}
	return w
}

// fieldWeight is one field's part of a pair's match weight: the level's,
// or for an exact agreement on a term_frequency field, log2(m/tf).
func (r *runner) fieldWeight(f int, c comparison) float64 {
	if c.tf > 0 {
		return math.Log2(r.md.m[f][LevelExact] / c.tf)
	}
	return r.md.fieldWeight(f, c.level)
}
