package dedupe

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestMonotone builds the non-monotone weights EM gives (a close level no
// match fell in, an exact level common among non-matches) and checks
// that pooling makes them fall from level to level, keeps u and the sum
// of m, and leaves monotone weights alone.
func TestMonotone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		levels []Level
		m, u   [numLevels]float64
		// want are the weights after, most similar level first.
		want []float64
	}{
		{
			// the voter file: close −10.01 bits, far −0.77
			name: "close never seen among matches", levels: exactCloseFar,
			m: [numLevels]float64{1, 0.4, 1e-6, 0.6}, u: [numLevels]float64{1, 0.01, 0.001, 0.989},
			want: []float64{math.Log2(0.4 / 0.01), math.Log2(0.600001 / 0.99), math.Log2(0.600001 / 0.99)},
		},
		{
			name: "exact below close", levels: exactCloseFar,
			m: [numLevels]float64{1, 0.69, 0.26, 0.05}, u: [numLevels]float64{1, 0.045, 0.0025, 0.9525},
			want: []float64{math.Log2(0.95 / 0.0475), math.Log2(0.95 / 0.0475), math.Log2(0.05 / 0.9525)},
		},
		{
			name: "all three pooled", levels: exactCloseFar,
			m: [numLevels]float64{1, 0.2, 0.3, 0.5}, u: [numLevels]float64{1, 0.5, 0.3, 0.2},
			want: []float64{0, 0, 0},
		},
		{
			name: "two levels, far above exact", levels: exactFar,
			m: [numLevels]float64{1, 0.1, 0, 0.9}, u: [numLevels]float64{1, 0.5, 0, 0.5},
			want: []float64{0, 0},
		},
		{
			name: "already monotone", levels: exactCloseFar,
			m: [numLevels]float64{1, 0.9, 0.07, 0.03}, u: [numLevels]float64{1, 0.01, 0.02, 0.97},
			want: []float64{math.Log2(90), math.Log2(3.5), math.Log2(0.03 / 0.97)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := poolViolators(tt.levels, tt.m, tt.u)
			var before, after float64
			for i, l := range tt.levels {
				if w := math.Log2(got[l] / tt.u[l]); math.Abs(w-tt.want[i]) > 1e-9 {
					t.Errorf("weight of %s: got %.4f, want %.4f", l, w, tt.want[i])
				}
				before += tt.m[l]
				after += got[l]
			}
			if math.Abs(before-after) > 1e-12 {
				t.Errorf("m sums to %v after, %v before", after, before)
			}
		})
	}
}

// TestMonotoneRandom pools random m and u and checks the weights fall.
func TestMonotoneRandom(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		levels := exactCloseFar
		if r.IntN(2) == 0 {
			levels = exactFar
		}
		var m, u [numLevels]float64
		var sm, su float64
		for _, l := range levels {
			m[l], u[l] = 1e-6+r.Float64(), 1e-6+r.Float64()
			sm, su = sm+m[l], su+u[l]
		}
		for _, l := range levels {
			m[l], u[l] = m[l]/sm, u[l]/su
		}
		got := poolViolators(levels, m, u)
		for i := 1; i < len(levels); i++ {
			a, b := levels[i-1], levels[i]
			if wa, wb := math.Log2(got[a]/u[a]), math.Log2(got[b]/u[b]); wb > wa+1e-9 {
				t.Fatalf("m %v u %v: weight of %s %.4f above %s %.4f after pooling", m, u, b, wb, a, wa)
			}
		}
	}
}
