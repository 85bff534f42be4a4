package dedupe

// monotone makes every field's weights fall, or stay, from one level to
// the next less similar one (exact ≥ close ≥ far): an agreement must
// never count as less evidence of a match than a weaker agreement. EM
// can break this where a level saw almost no matches (close at m≈0
// weighs −10 bits while far weighs −1) or where common values make exact
// agreement frequent among non-matches.
//
// It is pool-adjacent-violators on the likelihood ratios m/u: a level
// whose ratio exceeds the one before it is pooled with it, as if the two
// were one level (ratio Σm/Σu), until the ratios fall. Within a pool
// each level keeps its u and gets m = u·Σm/Σu, so a field's m still sum
// to 1, u is untouched, and weight = log2(m/u) holds for the result.
func (md *model) monotone() {
	for f, levels := range md.levels {
		md.m[f] = poolViolators(levels, md.m[f], md.u[f])
	}
}

// poolViolators is monotone for one field: levels most similar first.
func poolViolators(levels []Level, m, u [numLevels]float64) [numLevels]float64 {
	type pool struct {
		m, u  float64
		count int // levels pooled
	}
	var pools []pool
	for _, l := range levels {
		pools = append(pools, pool{m[l], u[l], 1})
		for len(pools) > 1 {
			a, b := pools[len(pools)-2], pools[len(pools)-1]
			if a.m*b.u >= b.m*a.u { // a.m/a.u ≥ b.m/b.u
				break
			}
			pools = append(pools[:len(pools)-2], pool{a.m + b.m, a.u + b.u, a.count + b.count})
		}
	}
	out := m
	i := 0
	for _, p := range pools {
		for _, l := range levels[i : i+p.count] {
			if p.count > 1 {
				out[l] = u[l] * p.m / p.u
			}
		}
		i += p.count
	}
	return out
}
