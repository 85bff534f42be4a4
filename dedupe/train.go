//go:build duckdb_arrow

package dedupe

import (
	"context"
	"fmt"
	"math"

	"github.com/plumb-data/plumb/engine"
)

// train estimates u from random record pairs, then m the way splink
// does: one EM session per blocking rule over the pairs it found, with
// the fields the rule made agree left out, each field's m averaged over
// the sessions that learned it; last, lambda over all candidate pairs.
func (r *runner) train(ctx context.Context, counts ruleCounts) error {
	sample := min(r.res.Records, 200_000)
	seed := r.opts.Seed % 1_000_000
	q := fmt.Sprintf("(SELECT x.rid AS a, y.rid AS b, 0::UBIGINT AS rules FROM (SELECT rid, row_number() OVER () AS i FROM (SELECT rid FROM %[1]s USING SAMPLE reservoir(%[2]d ROWS) REPEATABLE (%[3]d))) x "+
		"JOIN (SELECT rid, row_number() OVER () AS i FROM (SELECT rid FROM %[1]s USING SAMPLE reservoir(%[2]d ROWS) REPEATABLE (%[4]d))) y ON x.i = y.i AND x.rid <> y.rid)",
		engine.Ident(r.norm), sample, seed+1, seed+2)
	random := map[pattern]int64{}
	err := r.patterns(ctx, r.pairQuery(q, ""), func(_, _ []int64, _ []uint64, p []pattern) error {
		for _, x := range p {
			random[x]++
		}
		return nil
	})
	if err != nil {
		return err
	}
	nf := len(r.cfg.Fields)
	levels := make([][]Level, nf)
	for f, fl := range r.cfg.Fields {
		levels[f] = levelsOf(fl.Compare)
	}
	r.md = newModel(levels, random)
	var sum [][numLevels]float64 = make([][numLevels]float64, nf)
	sessions := make([]int, nf)
	var matches float64 // matching pairs found by the most productive rule
	for i, rule := range r.cfg.Blocking {
		byPattern := map[pattern]int64{}
		for k, n := range counts {
			if k[0]&(1<<i) != 0 {
				byPattern[pattern(k[1])] += n
			}
		}
		// Fields the rule makes agree carry no evidence among its pairs:
		// those its keys name, and those that agree exactly on nearly all
		// of its pairs anyway (a name inside an email address).
		used := r.fieldsIn(rule)
		for f, share := range exactShares(byPattern, nf) {
			used[f] = used[f] || share >= 0.95
		}
		learn := make([]bool, nf)
		for f := range learn {
			learn[f] = !used[f]
		}
		md := newModel(levels, random)
		r.res.EMIterations += md.train(without(byPattern, used), learn, 200)
		var pairs int64
		for _, n := range byPattern {
			pairs += n
		}
		matches = max(matches, md.lambda*float64(pairs))
		for f := range nf {
			if learn[f] {
				for l := range numLevels {
					sum[f][l] += md.m[f][l]
				}
				sessions[f]++
			}
		}
	}
	for f := range nf {
		if sessions[f] > 0 {
			for _, l := range levels[f] {
				r.md.m[f][l] = sum[f][l] / float64(sessions[f])
			}
		}
	}
	// The prior is the chance that two random records match, not that a
	// candidate pair does: blocking already chose pairs that agree, and
	// that agreement is counted again by the fields' weights.
	n := float64(r.res.Records)
	if all := n * (n - 1) / 2; all > 0 {
		r.md.lambda = clampPrior(math.Max(matches, 1) / all)
	}
	r.res.Lambda = r.md.lambda
	for i, f := range r.cfg.Fields {
		fm := FieldModel{Column: f.Column, Compare: f.Compare}
		for _, l := range append([]Level{LevelNull}, levels[i]...) {
			fm.Levels = append(fm.Levels, LevelModel{Level: l.String(), M: round(r.md.m[i][l]), U: round(r.md.u[i][l]), Weight: round(r.md.fieldWeight(i, l))})
		}
		r.res.Model = append(r.res.Model, fm)
	}
	return nil
}

// exactShares is, per field, the share of pairs whose values agree
// exactly, among pairs where both are present.
func exactShares(counts map[pattern]int64, nf int) []float64 {
	out := make([]float64, nf)
	for f := range nf {
		var exact, present int64
		for p, n := range counts {
			switch p.level(f) {
			case LevelNull:
			case LevelExact:
				exact += n
				present += n
			default:
				present += n
			}
		}
		if present > 0 {
			out[f] = float64(exact) / float64(present)
		}
	}
	return out
}
