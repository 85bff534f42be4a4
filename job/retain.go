package job

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// prune removes the run folders the job's retention does not keep:
// beyond the newest Runs, or more than Days before this run. The run just
// made and the newest run are always kept. History is kept whole (trends
// and anomaly scores need it; it is small): only report folders go, each
// renamed out of sight and then removed (a run killed in between leaves a
// folder named as partial, which the next run removes).
func (r *runner) prune(ctx context.Context, h *history, sum *Summary) ([]string, error) {
	keep := r.job.Retain
	if keep.Runs == 0 && keep.Days == 0 {
		return nil, nil
	}
	runs := map[string]time.Time{}
	entries, err := os.ReadDir(r.dir)
	if err != nil {
		return nil, fmt.Errorf("retention: %w", err)
	}
	for _, e := range entries {
		if at, err := time.Parse(stampFormat, e.Name()); err == nil && e.IsDir() {
			runs[e.Name()] = at
		}
	}
	// A run's time is the one its history row holds (a backfill's --at).
	rows, err := h.db.QueryContext(ctx, `SELECT run, run_at FROM runs WHERE job = ?`, sum.Job)
	if err != nil {
		return nil, fmt.Errorf("retention: history: %w", err)
	}
	for rows.Next() {
		var run string
		var at time.Time
		if err := rows.Scan(&run, &at); err != nil {
			rows.Close()
			return nil, fmt.Errorf("retention: history: %w", err)
		}
		if _, ok := runs[run]; ok {
			runs[run] = at.UTC()
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("retention: history: %w", err)
	}
	names := make([]string, 0, len(runs))
	for n := range runs {
		names = append(names, n)
	}
	// Newest first; the names are timestamps, so they sort as times.
	slices.SortFunc(names, func(a, b string) int { return runs[b].Compare(runs[a]) })
	cutoff := sum.At.Add(-time.Duration(keep.Days) * 24 * time.Hour)
	var drop []string
	for i, n := range names {
		switch {
		case n == sum.Run || i == 0:
		case keep.Runs > 0 && i >= keep.Runs, keep.Days > 0 && runs[n].Before(cutoff):
			drop = append(drop, n)
		}
	}
	if len(drop) == 0 {
		return nil, nil
	}
	var failed []string
	for _, n := range drop {
		dir := filepath.Join(r.dir, n)
		gone := filepath.Join(r.dir, partialPrefix+"pruned-"+n)
		if err := os.Rename(dir, gone); err != nil && !os.IsNotExist(err) {
			failed = append(failed, n)
			continue
		}
		os.RemoveAll(gone)
	}
	slices.Sort(drop)
	if len(failed) > 0 {
		return drop, fmt.Errorf("retention: could not remove the folders of %s", strings.Join(failed, ", "))
	}
	return drop, nil
}
