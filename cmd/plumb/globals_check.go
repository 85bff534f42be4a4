//go:build duckdb_arrow

package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/plumb-data/plumb/source"
)

// maxThreads bounds --threads: more than this is a typo, not a machine.
const maxThreads = 1024

// check refuses global flags that cannot mean what they say, before any
// work is done.
func (g *globals) check() error {
	if g.threads < 0 || g.threads > maxThreads {
		return fmt.Errorf("--threads %d: want 0 (one per core) to %d", g.threads, maxThreads)
	}
	if g.memoryLimit != "" {
		if _, ok := parseBytes(g.memoryLimit); !ok && !validPercent(g.memoryLimit) {
			return fmt.Errorf("--memory-limit %q: want a positive size like 4GB, 512MB or 2GiB, or a share of RAM like 50%%", g.memoryLimit)
		}
	}
	return nil
}

// validPercent reports whether s is a share of memory DuckDB takes, like
// "50%".
func validPercent(s string) bool {
	s = strings.TrimSpace(s)
	num, ok := strings.CutSuffix(s, "%")
	if !ok {
		return false
	}
	var f float64
	if _, err := fmt.Sscanf(strings.TrimSpace(num), "%g", &f); err != nil {
		return false
	}
	return f > 0 && f <= 100
}

// writableDir checks, at start rather than at the first spill, that dir
// is a directory plumb can write in.
func writableDir(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("%s: %w", dir, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("%s: not a directory", dir)
	}
	f, err := os.CreateTemp(dir, ".plumb-probe-*")
	if err != nil {
		return fmt.Errorf("%s: not writable", filepath.Clean(dir))
	}
	f.Close()
	return os.Remove(f.Name())
}

// checkOutput refuses an output that is not a file path: plumb writes
// reports and side files to files (or standard output), not to databases
// or URLs.
func checkOutput(path string) error {
	if i := strings.Index(path, "://"); i > 0 {
		return fmt.Errorf("%s: plumb writes outputs to files, not to %s:// locations", source.Redact(path), path[:i])
	}
	return nil
}
