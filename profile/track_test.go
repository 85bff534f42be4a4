package profile

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestCounts counts keys past the most it tracks, from bytes and from
// strings, and checks each kept key's count, and what is left as other,
// against plain maps.
func TestCounts(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	c := newCounts()
	want := map[string]int64{}
	var order []string
	var total int64
	for i := range 3 * maxTracked {
		k := fmt.Sprintf("k%d", rng.IntN(maxTracked+maxTracked/2))
		n := int64(1 + i%3)
		if i%2 == 0 {
			c.addBytes([]byte(k), n)
		} else {
			c.add(k, n)
		}
		if _, ok := want[k]; !ok {
			order = append(order, k)
		}
		want[k] += n
		total += n
	}
	kept := map[string]bool{}
	for _, k := range order[:maxTracked] {
		kept[k] = true
	}
	var other int64
	for k, n := range want {
		if !kept[k] {
			other += n
		}
	}
	if len(c.keys) != maxTracked {
		t.Fatalf("%d keys kept, want %d", len(c.keys), maxTracked)
	}
	var sum int64
	for i, k := range c.keys {
		if k != order[i] {
			t.Fatalf("key %d is %q, want %q", i, k, order[i])
		}
		if got := c.count(i); got != want[k] {
			t.Fatalf("count of %q = %d, want %d", k, got, want[k])
		}
		sum += c.count(i)
	}
	// A key past the ones kept can pass the filter (about 1% do); it is
	// counted as other all the same.
	if c.other != other || sum+c.other != total {
		t.Fatalf("other = %d, want %d; kept %d + other = %d, want %d", c.other, other, sum, sum+c.other, total)
	}
	m := map[string]int64{}
	c.into(m)
	if m[otherKey] != other {
		t.Fatalf("into: other = %d, want %d", m[otherKey], other)
	}
}

// TestLengthOver counts values past each limit, lengths kept in the
// array and in the map past it alike.
func TestLengthOver(t *testing.T) {
	t.Parallel()
	var c lengthCounts
	for l, n := range map[int]int64{0: 1, 50: 2, 51: 3, 100: 4, 101: 5, 255: 6, 256: 7, 4000: 8, 4001: 9, 70000: 10} {
		c.add(l, n)
	}
	got := c.over([]int{0, 50, 100, 255, 4000, 100000})
	want := []LimitCount{{Limit: 0, Count: 54}, {Limit: 50, Count: 52}, {Limit: 100, Count: 45}, {Limit: 255, Count: 34}, {Limit: 4000, Count: 19}, {Limit: 100000, Count: 0}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("over = %v, want %v", got, want)
	}
}
