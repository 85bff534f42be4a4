package profile

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// keepSmallest inserts v into the sorted list, keeping the k smallest, so
// that examples do not depend on the order values arrive in.
func keepSmallest(list []string, v string, k int) []string {
	if len(list) >= k && !less(v, list[len(list)-1]) {
		return list
	}
	i, found := slices.BinarySearch(list, v)
	if found || i >= k {
		return list
	}
	list = slices.Insert(list, i, strings.Clone(v))
	if len(list) > k {
		list = list[:k]
	}
	return list
}

// offerTop keeps the top values by count (ties by value).
func (a *accumulator) offerTop(s string, n int64) {
	better := func(x, y Share) int {
		if c := cmp.Compare(y.Count, x.Count); c != 0 {
			return c
		}
		return strings.Compare(x.Value, y.Value)
	}
	cand := Share{Value: s, Count: n}
	if last := len(a.topValues) - 1; last+1 == a.top {
		if l := a.topValues[last]; n < l.Count || n == l.Count && !less(s, l.Value) {
			return
		}
	}
	cand.Value = strings.Clone(s)
	i, _ := slices.BinarySearchFunc(a.topValues, cand, better)
	a.topValues = slices.Insert(a.topValues, i, cand)
	if len(a.topValues) > a.top {
		a.topValues = a.topValues[:a.top]
	}
}

// less is s < t, quicker when the first bytes differ (as in most
// comparisons of a column's values with the smallest or largest yet).
func less(s, t string) bool {
	if len(s) > 0 && len(t) > 0 && s[0] != t[0] {
		return s[0] < t[0]
	}
	return s < t
}

func share(n, of int64) float64 {
	if of == 0 {
		return 0
	}
	return math.Round(float64(n)/float64(of)*1e6) / 1e6
}

func (a *accumulator) count(n int64) Count { return Count{Count: n, Share: share(n, a.rows)} }

// shares turns a map into shares of total, largest first, at most k
// (k = 0: all).
func shares(m map[string]int64, total int64, k int, examples map[string][]string) []Share {
	better := func(x, y Share) int {
		if c := cmp.Compare(y.Count, x.Count); c != 0 {
			return c
		}
		return strings.Compare(x.Value, y.Value)
	}
	var out []Share
	if k <= 0 || len(m) <= 4*k {
		out = make([]Share, 0, len(m))
		for v, n := range m {
			out = append(out, Share{Value: v, Count: n})
		}
		slices.SortFunc(out, better)
		if k > 0 && len(out) > k {
			out = out[:k]
		}
	} else {
		// The k best of many (a column's patterns): kept in order as
		// they come, most rejected by one comparison.
		out = make([]Share, 0, k+1)
		for v, n := range m {
			s := Share{Value: v, Count: n}
			if len(out) == k && better(s, out[k-1]) >= 0 {
				continue
			}
			i, _ := slices.BinarySearchFunc(out, s, better)
			out = slices.Insert(out, i, s)
			if len(out) > k {
				out = out[:k]
			}
		}
	}
	for i := range out {
		out[i].Share = share(out[i].Count, total)
		out[i].Examples = examples[out[i].Value]
	}
	return out
}
