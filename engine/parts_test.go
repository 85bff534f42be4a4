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

// TestPartsFor checks the width PartsFor weighs rows at: each value as
// text with 16 bytes besides, NULL as none, over the rows it samples.
func TestPartsFor(t *testing.T) {
	t.Parallel()
	db, err := Open(t.Context(), Config{MemoryLimit: "1GB", TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// 'abcd' and NULL: 4 + 16 + 0 + 16 = 36 bytes a row.
	if _, err := db.ExecContext(t.Context(), "CREATE TABLE w AS SELECT 'abcd' AS a, NULL::VARCHAR AS b FROM range(100)"); err != nil {
		t.Fatal(err)
	}
	limit, err := memoryLimit(t.Context(), db.sql)
	if err != nil {
		t.Fatal(err)
	}
	for _, rows := range []int64{1, 100_000_000, 1_000_000_000} {
		got, err := db.PartsFor(t.Context(), "w", []string{"a", "b"}, rows)
		if err != nil {
			t.Fatal(err)
		}
		if want := joinParts(36*rows, limit); got != want {
			t.Errorf("%d rows of 36 bytes at a limit of %d: %d parts, want %d", rows, limit, got, want)
		}
	}
}
