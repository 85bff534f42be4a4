//go:build duckdb_arrow

package engine

import (
	"os"
	"path/filepath"
	"testing"
)

func TestParseLimit(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"183MB", 183e6, true},
		{"4 GB", 4e9, true},
		{"2GiB", 2 << 30, true},
		{"1.5GB", 1.5e9, true},
		{"", 0, false},
		{"80%", 0, false},
		{"MB", 0, false},
		{"12 furlongs", 0, false},
	} {
		got, ok := parseLimit(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("parseLimit(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

// TestSessionOnDisk checks that a session whose inputs pass diskFactor
// times its memory limit keeps its tables in a database file in its temp
// dir, which Close removes, and that smaller inputs, unknown inputs or
// no limit keep it in memory.
func TestSessionOnDisk(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	big := filepath.Join(dir, "big.csv")
	if err := os.WriteFile(big, make([]byte, 5<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		limit  string
		inputs []string
		disk   bool
	}{
		{"inputs past four limits", "1MB", []string{big}, true},
		{"a glob", "1MB", []string{filepath.Join(dir, "*.csv")}, true},
		{"inputs within four limits", "2MB", []string{big}, false},
		{"no limit", "", []string{big}, false},
		{"not a file", "1MB", []string{"postgres://h/db?table=t", "-"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			tmp := t.TempDir()
			db, err := Open(t.Context(), Config{MemoryLimit: c.limit, TempDir: tmp, Inputs: c.inputs})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(t.Context(), "CREATE TABLE t AS SELECT range AS i FROM range(1000)"); err != nil {
				t.Fatal(err)
			}
			var path string
			if err := db.QueryRowContext(t.Context(), "SELECT coalesce(path, '') FROM duckdb_databases() WHERE database_name = current_database()").Scan(&path); err != nil {
				t.Fatal(err)
			}
			if (path != "") != c.disk || c.disk && filepath.Dir(path) != tmp {
				t.Errorf("session database %q, want on disk in %s: %v", path, tmp, c.disk)
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Errorf("Close left %d files in the temp dir, first %s", len(left), left[0].Name())
			}
		})
	}
}
