package job

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/plumb-data/plumb/report"
)

// Files a run keeps beside its job's runs and at the top of the reports
// folder.
const (
	// trendsName is the job's last runs and metrics (Trends as JSON), read
	// by the dashboard so that it never opens another job's history.
	trendsName = "trends.json"
	// historyPage is the job's history page.
	historyPage = "history.html"
	// DashboardName is the dashboard of every job under a reports folder.
	DashboardName = "index.html"
)

// dashboardRuns is how many runs the history page and the dashboard
// show.
const dashboardRuns = 60

// publish writes the job's trends and history page, then the reports
// folder's dashboard.
func (r *runner) publish(ctx context.Context, h *history) error {
	tr, err := h.trends(ctx, r.job.Name, TrendOptions{Last: dashboardRuns})
	if err != nil {
		return err
	}
	for i, run := range tr.Runs {
		if _, err := os.Stat(filepath.Join(r.dir, run.Run)); err != nil {
			tr.Runs[i].Pruned = true
		}
	}
	if err := writeJSON(filepath.Join(r.dir, trendsName), tr); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(r.dir, historyPage), func(w io.Writer) error { return report.WriteJobHistory(w, tr) }); err != nil {
		return err
	}
	return WriteDashboard(r.opts.Reports, r.opts.Now())
}

// WriteDashboard writes index.html in a reports folder: every job that
// has a trends.json beside its runs (plumb run writes it), its last
// status and its key metrics' trends. A job folder whose trends.json
// cannot be read is left out.
func WriteDashboard(reports string, now time.Time) error {
	entries, err := os.ReadDir(reports)
	if err != nil {
		return fmt.Errorf("dashboard: %w", err)
	}
	d := &report.Dashboard{Generated: now}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(reports, e.Name(), trendsName))
		if err != nil {
			continue
		}
		var tr Trends
		if err := json.Unmarshal(b, &tr); err != nil || tr.Job != e.Name() {
			continue
		}
		d.Jobs = append(d.Jobs, &tr)
	}
	return writeFile(filepath.Join(reports, DashboardName), func(w io.Writer) error { return report.WriteDashboard(w, d) })
}
