//go:build duckdb_arrow

package dedupe

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/internal/numfmt"
)

// train estimates u from random record pairs, then m the way splink
// does: one EM session per blocking rule over the pairs it found, with
// the fields the rule made agree left out, each field's m averaged over
// the sessions that learned it; last, lambda over all candidate pairs.
func (r *runner) train(ctx context.Context, counts ruleCounts) error {
	sample := min(r.res.Records, 200_000)
	seed := r.opts.Seed % 1_000_000
	// Random pairs: two samples of the records (of each side, when
	// linking), paired off in the order drawn.
	left, right := engine.Ident(r.norm), engine.Ident(r.norm)
	if r.side != nil {
		left = fmt.Sprintf("(SELECT rid FROM %s WHERE rid <= %d)", engine.Ident(r.norm), r.side.left)
		right = fmt.Sprintf("(SELECT rid FROM %s WHERE rid > %d)", engine.Ident(r.norm), r.side.left)
	}
	q := fmt.Sprintf("(SELECT x.rid AS a, y.rid AS b, 0::UBIGINT AS rules FROM (SELECT rid, row_number() OVER () AS i FROM (SELECT rid FROM %[1]s USING SAMPLE reservoir(%[2]d ROWS) REPEATABLE (%[3]d))) x "+
		"JOIN (SELECT rid, row_number() OVER () AS i FROM (SELECT rid FROM %[5]s USING SAMPLE reservoir(%[2]d ROWS) REPEATABLE (%[4]d))) y ON x.i = y.i AND x.rid <> y.rid)",
		left, sample, seed+1, seed+2, right)
	random := map[pattern]int64{}
	err := r.patterns(ctx, r.pairQuery(q, ""), func(c patternedChunk) error {
		for _, x := range c.p {
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
		levels[f] = fieldLevels(fl)
	}
	r.md = newModel(levels, random)
	sum := make([][numLevels]float64, nf)
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
		found := md.lambda * float64(pairs)
		matches = max(matches, found)
		if !slices.Contains(learn, true) {
			continue
		}
		// m is a share among matches: from a handful of them it is
		// noise, and EM on pairs with no matches at all still finds some.
		if found < minMatches {
			msg := fmt.Sprintf("blocking rule %d (%s): EM took %.1f of its %s for matches, too few to estimate m from (want %d); they trained nothing",
				i+1, strings.Join(rule, ", "), found, numfmt.Count(pairs, "candidate pair"), minMatches)
			if pairs == 0 {
				msg = fmt.Sprintf("blocking rule %d (%s) found no candidate pairs to estimate m from", i+1, strings.Join(rule, ", "))
			}
			r.res.Warnings = append(r.res.Warnings, Warning{Kind: WarnFewMatches, Rule: i + 1, Matches: round(found), Message: msg})
			continue
		}
		for f := range nf {
			if learn[f] {
				for l := range numLevels {
					sum[f][l] += md.m[f][l]
				}
				sessions[f]++
			}
		}
	}
	var untrained []string
	for f := range nf {
		if sessions[f] == 0 {
			untrained = append(untrained, r.cfg.Fields[f].Column)
			continue
		}
		for _, l := range levels[f] {
			r.md.m[f][l] = sum[f][l] / float64(sessions[f])
		}
	}
	// Duplicates mostly agree on every field; pairs that mostly
	// disagree on one are related records EM took for the same.
	var disagree, shares []string
	for f, fl := range r.cfg.Fields {
		if sessions[f] > 0 && r.md.m[f][LevelFar] > 0.5 {
			disagree = append(disagree, fl.Column)
			shares = append(shares, fmt.Sprintf("%s (m far %.2f)", fl.Column, r.md.m[f][LevelFar]))
		}
	}
	if len(disagree) > 0 {
		r.res.Warnings = append(r.res.Warnings, Warning{Kind: WarnMatchesDisagree, Fields: disagree,
			Message: fmt.Sprintf("the pairs EM took for matches mostly disagree on %s: they may be related records (one household) rather than duplicates",
				strings.Join(shares, ", "))})
	}
	if len(untrained) > 0 {
		r.res.Warnings = append(r.res.Warnings, Warning{Kind: WarnUntrained, Fields: untrained,
			Message: fmt.Sprintf("m of %s never trained (each blocking rule's pairs agree on them, or held too few matches): starting values are used",
				strings.Join(untrained, ", "))})
	}
	r.md.monotone()
	// The prior is the chance that two random records match, not that a
	// candidate pair does: blocking already chose pairs that agree, and
	// that agreement is counted again by the fields' weights.
	n := float64(r.res.Records)
	all := n * (n - 1) / 2
	if r.side != nil {
		all = float64(r.side.left) * (n - float64(r.side.left))
	}
	if all > 0 {
		r.md.lambda = clampPrior(math.Max(matches, 1) / all)
	}
	r.res.Lambda = r.md.lambda
	for i, f := range r.cfg.Fields {
		fm := FieldModel{Column: f.Column, Compare: f.Compare, Trained: sessions[i] > 0, TermFrequency: f.TermFrequency, SwapWith: f.SwapWith}
		for _, l := range append([]Level{LevelNull}, levels[i]...) {
			fm.Levels = append(fm.Levels, LevelModel{Level: l.String(), M: round(r.md.m[i][l]), U: round(r.md.u[i][l]), Weight: round(r.md.fieldWeight(i, l))})
		}
		r.res.Model = append(r.res.Model, fm)
	}
	return nil
}

// minMatches is the fewest matching pairs EM must find among a blocking
// rule's pairs for them to train m: with 10, a share of 0.9 is known to
// about ±0.1.
const minMatches = 10

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
