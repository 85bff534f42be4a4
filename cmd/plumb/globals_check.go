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
// work is done, and returns the memory limit in bytes (0: DuckDB's own
// default).
func (g *globals) check() (memory int64, err error) {
	if g.threads < 0 || g.threads > maxThreads {
		return 0, fmt.Errorf("--threads %d: want 0 (one per core) to %d", g.threads, maxThreads)
	}
	return memoryLimit(g.memoryLimit)
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
