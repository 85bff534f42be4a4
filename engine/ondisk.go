//go:build duckdb_arrow

package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// An in-memory table keeps part of itself in memory that DuckDB cannot
// spill: measured at a 183 MB limit, two tables loaded from 2.6 GB CSVs
// of 15M rows × 13 columns held 86 MB of it, three held 121 MB, and a
// sort or join beside them then failed to pin a 256 KiB block. The same
// tables in a database file held under 10 MB once written, and the join
// and sort beside them spilled instead. Writing a file costs time (the
// 2.6 GB load took 85 s against 50 s in memory), so a session goes to
// disk only when its inputs are more than diskFactor times its memory
// limit, where spilling is certain anyway.
const diskFactor = 4

// onDisk reports whether a session should keep its tables in a database
// file: its input files, as far as they can be found, total more than
// diskFactor times its memory limit. Without a limit DuckDB takes 80% of
// the machine's memory, and the session stays in memory.
func onDisk(cfg Config) bool {
	limit, ok := parseLimit(cfg.MemoryLimit)
	if !ok {
		return false
	}
	var total int64
	for _, in := range cfg.Inputs {
		matches, err := filepath.Glob(in)
		if err != nil || len(matches) == 0 {
			matches = []string{in}
		}
		for _, m := range matches {
			if st, err := os.Stat(m); err == nil && st.Mode().IsRegular() {
				total += st.Size()
			}
		}
	}
	return total > diskFactor*limit
}

// parseLimit reads a memory limit as Config takes it ("183MB", "4 GB",
// "2GiB"); ok is false for "" and anything else.
func parseLimit(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i <= 0 {
		return 0, false
	}
	n, err := parseDuckSize(s[:i] + " " + strings.TrimSpace(s[i:]))
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}

// sessionFile names a database file for a session in dir (the system's
// temp dir if ""), which DuckDB then creates: it refuses an empty file.
func sessionFile(dir string) (string, error) {
	if dir == "" {
		dir = os.TempDir()
	}
	f, err := os.CreateTemp(dir, "plumb-session-*.db")
	if err != nil {
		return "", fmt.Errorf("session database file: %w", err)
	}
	path := f.Name()
	f.Close()
	os.Remove(path)
	return path, nil
}
