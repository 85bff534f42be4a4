//go:build duckdb_arrow

package engine

import (
	"math/rand/v2"
	"sort"
	"testing"
)

// TestAscending holds the compact sequence to a plain slice: every value
// read back, and search equal to sort.Search, on random sequences with
// repeats, long gaps and block boundaries.
func TestAscending(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 5))
	for _, n := range []int{0, 1, ascBlock - 1, ascBlock, ascBlock + 1, 5*ascBlock + 17, 10_000} {
		var a ascending
		var plain []int64
		v := int64(rng.IntN(3))
		for range n {
			switch rng.IntN(4) {
			case 0: // a repeat
			case 1:
				v += int64(rng.IntN(1 << 40))
			default:
				v += int64(rng.IntN(300))
			}
			a.add(v)
			plain = append(plain, v)
		}
		if a.len() != n {
			t.Fatalf("n=%d: len %d", n, a.len())
		}
		for i, want := range plain {
			if got := a.at(i); got != want {
				t.Fatalf("n=%d: at(%d) = %d, want %d", n, i, got, want)
			}
		}
		probes := []int64{-1, 0, v, v + 1}
		for range 2000 {
			if n > 0 {
				p := plain[rng.IntN(n)]
				probes = append(probes, p, p-1, p+1)
			}
		}
		for _, x := range probes {
			want := sort.Search(len(plain), func(i int) bool { return plain[i] > x })
			if got := a.search(x); got != want {
				t.Fatalf("n=%d: search(%d) = %d, want %d", n, x, got, want)
			}
		}
	}
}
