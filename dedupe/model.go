package dedupe

import (
	"maps"
	"math"
	"slices"
)

// model is a Fellegi-Sunter model: for each field and level, m is the
// chance of that level among matching pairs and u among non-matching
// pairs; lambda is the share of candidate pairs that match. A field has
// only the levels its comparator can produce (levels[f], most similar
// first); m and u of the others stay 0 and are never used.
type model struct {
	lambda float64
	levels [][]Level
	m, u   [][numLevels]float64
}

// newModel estimates u from the level counts of random record pairs
// (almost all non-matches), with add-one smoothing over the levels each
// field can produce, and starts m at initialM.
func newModel(levels [][]Level, random map[pattern]int64) *model {
	nf := len(levels)
	md := &model{lambda: 0.1, levels: levels, m: make([][numLevels]float64, nf), u: make([][numLevels]float64, nf)}
	for f, ls := range levels {
		var c [numLevels]float64
		for _, p := range slices.Sorted(maps.Keys(random)) {
			c[p.level(f)] += float64(random[p])
		}
		var total float64
		for _, l := range ls {
			total += c[l]
		}
		for _, l := range ls {
			md.u[f][l] = (c[l] + 1) / (total + float64(len(ls)))
		}
		md.u[f][LevelNull], md.m[f][LevelNull] = 1, 1
		md.m[f] = initialM(ls)
	}
	return md
}

// initialM is where EM starts m, and what m stays for a field no session
// could train: 0.9 for exact agreement, 0.1 for the rest, of which 0.07
// is shared by the levels between exact and far when the field has any.
func initialM(levels []Level) [numLevels]float64 {
	var m [numLevels]float64
	m[LevelNull], m[LevelExact], m[LevelFar] = 1, 0.9, 0.1
	var between []Level
	for _, l := range levels {
		if l != LevelExact && l != LevelFar {
			between = append(between, l)
		}
	}
	if len(between) > 0 {
		m[LevelFar] = 0.03
		for _, l := range between {
			m[l] = 0.07 / float64(len(between))
		}
	}
	return m
}

// train runs expectation-maximisation over the counts of distinct
// agreement patterns among candidate pairs, u held fixed. It updates
// lambda, and m for the fields with learn[f] set; the others only weigh
// in. It returns the iterations run.
func (md *model) train(counts map[pattern]int64, learn []bool, iterations int) int {
	nf := len(md.m)
	// A fixed order keeps floating-point sums, and so results, the same
	// from run to run.
	keys := slices.Sorted(maps.Keys(counts))
	it := 0
	for ; it < iterations; it++ {
		var mass, total float64
		acc := make([][numLevels]float64, nf)
		for _, p := range keys {
			n := counts[p]
			w := md.prob(p) * float64(n)
			mass += w
			total += float64(n)
			for f := range nf {
				acc[f][p.level(f)] += w
			}
		}
		if total == 0 || mass == 0 {
			break
		}
		change := math.Abs(md.lambda - mass/total)
		md.lambda = clamp(mass / total)
		for f := range nf {
			var nonNull float64
			for _, l := range md.levels[f] {
				nonNull += acc[f][l]
			}
			if !learn[f] || nonNull == 0 {
				continue
			}
			for _, l := range md.levels[f] {
				v := clamp(acc[f][l] / nonNull)
				change = math.Max(change, math.Abs(v-md.m[f][l]))
				md.m[f][l] = v
			}
		}
		if change < 1e-7 {
			break
		}
	}
	return it + 1
}

// without returns counts with the given fields' levels set to null, so
// that they carry no evidence: the fields a blocking rule made agree.
func without(counts map[pattern]int64, drop []bool) map[pattern]int64 {
	out := make(map[pattern]int64, len(counts))
	for p, n := range counts {
		q := p
		for f, d := range drop {
			if d {
				q = q.without(f)
			}
		}
		out[q] += n
	}
	return out
}

func clamp(v float64) float64 { return math.Min(math.Max(v, 1e-6), 1-1e-6) }

func clampPrior(v float64) float64 { return math.Min(math.Max(v, 1e-15), 1-1e-6) }

// weight is a pair's match weight: the log2 odds that it matches.
func (md *model) weight(p pattern) float64 {
	w := math.Log2(md.lambda / (1 - md.lambda))
	for f := range md.m {
		l := p.level(f)
		w += math.Log2(md.m[f][l] / md.u[f][l])
	}
	return w
}

// fieldWeight is one field's part of the match weight.
func (md *model) fieldWeight(f int, l Level) float64 { return math.Log2(md.m[f][l] / md.u[f][l]) }

// prob is the probability that a pair with this pattern matches.
func (md *model) prob(p pattern) float64 { return probOf(md.weight(p)) }

func probOf(w float64) float64 { return 1 / (1 + math.Exp2(-w)) }
