//go:build duckdb_arrow

package main

import (
	"fmt"
	"strconv"
	"strings"
)

// defaultMemoryShare is the share of the machine's memory plumb keeps to
// when --memory-limit is not given: DuckDB's own default (80%) invites the
// kernel's out-of-memory killer on a machine that runs anything else.
const defaultMemoryShare = 0.5

// memoryLimit resolves --memory-limit to bytes: a size as given, a share
// of physical memory ("50%"), or defaultMemoryShare of it when the flag
// is empty. It returns 0 (DuckDB's own default) where physical memory
// cannot be read.
func memoryLimit(flag string) (int64, error) {
	if n, ok := parseBytes(flag); ok {
		return n, nil
	}
	share := defaultMemoryShare
	if flag != "" {
		num, ok := strings.CutSuffix(strings.TrimSpace(flag), "%")
		f, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
		if !ok || err != nil || f <= 0 || f > 100 {
			return 0, fmt.Errorf("--memory-limit %q: want a positive size like 4GB, 512MB or 2GiB, or a share of memory like 50%%", flag)
		}
		share = f / 100
	}
	total := physicalMemory()
	if total == 0 {
		if flag != "" {
			return 0, fmt.Errorf("--memory-limit %q: this system does not say how much memory it has; give a size like 4GB", flag)
		}
		return 0, nil
	}
	return int64(float64(total) * share), nil
}

// The one memory limit is shared: DuckDB gets duckDBShare of it (and
// spills past it); Go the rest, as a soft limit the collector keeps to.
// Of Go's part the profile's accumulators may hold profileShare of the
// limit in what grows with a column's distinct values (exact quantile
// values, lower-cased spellings) before they estimate instead; the rest
// is for the values in flight, the results and the collector's slack.
//
// DuckDB's share is the larger: it holds the table and what spills, and
// loading 10,000 columns by 10,000 rows failed at 60% of 2 GB.
const (
	duckDBShare  = 0.75
	profileShare = 0.125
)

// memoryShares splits a limit in bytes (0: none) into DuckDB's, Go's and
// the profile's budget.
func memoryShares(limit int64) (duck, goSoft, profile int64) {
	if limit <= 0 {
		return 0, 0, 0
	}
	duck = int64(float64(limit) * duckDBShare)
	return duck, limit - duck, int64(float64(limit) * profileShare)
}
