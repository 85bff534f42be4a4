//go:build duckdb_arrow

package job

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// seedHistory appends runs to a history file through the same append a
// run makes, each run as plumb run would record a job of a profile (13
// columns), a check (3 checks) and a diff (13 columns): 88 metrics a run.
func seedHistory(ctx context.Context, path string, runs int) error {
	h, err := openHistory(ctx, path)
	if err != nil {
		return err
	}
	defer h.Close()
	start := time.Date(2024, 1, 1, 2, 0, 0, 0, time.UTC)
	for i := range runs {
		at := start.Add(time.Duration(i) * 24 * time.Hour)
		wobble := float64(i%7) - 3
		prof := StepSummary{Name: "profile", Kind: Profile, Status: StatusClean}
		diff := StepSummary{Name: "diff", Kind: Diff, Status: StatusClean}
		check := StepSummary{Name: "check", Kind: Check, Status: StatusClean}
		for _, m := range []string{"rows_read", "rows_loaded", "rows_rejected", "duplicate_rows"} {
			prof.Metrics = append(prof.Metrics, Metric{Name: m, Value: 100000 + 10*wobble})
		}
		for c := range 13 {
			col := fmt.Sprintf("col_%02d", c)
			for _, m := range []string{"null_share", "empty_share", "sentinel_share", "distinct"} {
				prof.Metrics = append(prof.Metrics, Metric{Name: m, Column: col, Value: 0.01 * float64(c) * (1 + wobble/100)})
			}
			diff.Metrics = append(diff.Metrics, Metric{Name: "mismatches", Column: col, Value: float64(c)})
		}
		for _, m := range []string{"source_rows", "target_rows", "source_rejected", "target_rejected", "matched", "only_in_source", "only_in_target", "changed"} {
			diff.Metrics = append(diff.Metrics, Metric{Name: m, Value: 1000 + wobble})
		}
		for _, m := range []string{"rows_read", "rows_loaded", "rows_rejected", "failing_rows", "checks_failed"} {
			check.Metrics = append(check.Metrics, Metric{Name: m, Value: 5 + wobble})
		}
		for c := range 3 {
			name := fmt.Sprintf("check_%d", c)
			check.Metrics = append(check.Metrics, Metric{Name: "failed", Check: name, Value: 2}, Metric{Name: "failed_share", Check: name, Value: 0.001})
		}
		sum := &Summary{Job: "nightly", Run: at.Format(stampFormat), At: at, Seconds: 3, Steps: []StepSummary{prof, check, diff}}
		if err := h.append(ctx, sum); err != nil {
			return err
		}
	}
	return nil
}

// TestSeedHistory writes a history of 1,000 runs to $PLUMB_SEED_HISTORY,
// for timing plumb history on it:
//
//	PLUMB_SEED_HISTORY=/tmp/h.duckdb go test -tags duckdb_arrow ./job -run SeedHistory
//	time plumb history nightly --history /tmp/h.duckdb --last 1000
func TestSeedHistory(t *testing.T) {
	path := os.Getenv("PLUMB_SEED_HISTORY")
	if path == "" {
		t.Skip("set PLUMB_SEED_HISTORY to a file to write a history of 1,000 runs to")
	}
	start := time.Now()
	if err := seedHistory(t.Context(), path, 1000); err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded 1,000 runs in %s", time.Since(start))
}

// BenchmarkReadTrends reads every metric of 1,000 runs, as plumb history
// --last 1000 does; the budget is a second.
func BenchmarkReadTrends(b *testing.B) {
	path := filepath.Join(b.TempDir(), "history.duckdb")
	if err := seedHistory(b.Context(), path, 1000); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		tr, err := ReadTrends(b.Context(), path, "nightly", TrendOptions{Last: 1000})
		if err != nil {
			b.Fatal(err)
		}
		if len(tr.Runs) != 1000 || len(tr.Series) != 88 {
			b.Fatalf("got %d runs, %d series", len(tr.Runs), len(tr.Series))
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/read")
}
