//go:build duckdb_arrow

package main

import (
	"errors"
	"strings"
	"testing"
)

// TestExplainOutOfMemory: DuckDB's out-of-memory error keeps its cause
// (which column, how much was used) and loses its advice in DuckDB's
// terms (SET threads, SET memory_limit) for plumb's flags.
func TestExplainOutOfMemory(t *testing.T) {
	t.Parallel()
	g := &globals{spillDir: "/tmp/plumb-x"}
	for _, sep := range []string{"\n\n", " "} {
		in := errors.New("profile x.csv: column notes: Out of Memory Error: failed to pin block of size 256.0 KiB (183.1 MiB/183.1 MiB used)" + sep +
			"Possible solutions:" + sep + "* Reducing the number of threads (SET threads=X)" + sep + "* Increasing the memory limit (SET memory_limit='...GB')" + sep +
			"See also https://duckdb.org/docs/stable/guides/performance/how_to_tune_workloads")
		got := g.explain(in).Error()
		for _, want := range []string{"column notes: Out of Memory Error", "183.1 MiB used", "raise --memory-limit", "75%"} {
			if !strings.Contains(got, want) {
				t.Errorf("%q: missing %q", got, want)
			}
		}
		for _, gone := range []string{"SET threads", "SET memory_limit", "Possible solutions"} {
			if strings.Contains(got, gone) {
				t.Errorf("%q: still says %q", got, gone)
			}
		}
	}
}
