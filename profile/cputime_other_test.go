//go:build duckdb_arrow && !unix

package profile

import (
	"testing"
	"time"
)

// cpuTime is not measured here: benchmarks report wall time alone.
func cpuTime(*testing.B) time.Duration { return 0 }
