//go:build duckdb_arrow

package engine

import "testing"

func TestJoinParts(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		bytes, limit int64
		want         int
	}{
		{0, 100, 1},
		{100, 100, 1},
		{101, 100, 2},
		{200, 100, 2},
		{201, 100, 4},
		{2600, 183, 16},
		{1 << 40, 1 << 20, 1024},
		{500, 0, 1},
	} {
		if got := joinParts(c.bytes, c.limit); got != c.want {
			t.Errorf("joinParts(%d, %d) = %d, want %d", c.bytes, c.limit, got, c.want)
		}
	}
}
