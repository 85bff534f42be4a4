package job

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/plumb-data/plumb/report"
)

// Trends are a job's last runs and every metric's values over them, for
// plumb history and the dashboard.
type Trends = report.JobTrends

// RunTrend is one run of a job, as the history holds it.
type RunTrend = report.JobRun

// Series is one metric over a job's runs: Values line up with
// Trends.Runs, null where the run did not measure it.
type Series = report.Series

// TrendOptions choose what ReadTrends returns. The zero value means the
// last 30 runs, every metric.
type TrendOptions struct {
	// Last is how many runs; 0 means 30.
	Last int
	// Step, Metric and Column, when set, keep only the series that match.
	Step, Metric, Column string
}

// ErrNoHistory is returned by ReadTrends for a job with no history file.
var ErrNoHistory = errors.New("job: no history")

// ReadTrends reads a job's last runs from its history file, oldest first.
func ReadTrends(ctx context.Context, path, job string, opts TrendOptions) (*Trends, error) {
	if opts.Last <= 0 {
		opts.Last = 30
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrNoHistory, path, err)
	}
	h, err := openHistory(ctx, path)
	if err != nil {
		return nil, err
	}
	defer h.Close()
	return h.trends(ctx, job, opts)
}

// trends reads a job's last runs, oldest first.
func (h *history) trends(ctx context.Context, job string, opts TrendOptions) (*Trends, error) {
	if opts.Last <= 0 {
		opts.Last = 30
	}
	tr := &Trends{SchemaVersion: SchemaVersion, Job: job, Runs: []RunTrend{}, Series: []Series{}}
	rows, err := h.db.QueryContext(ctx, `SELECT run, run_at, exit_code, anomalies, seconds FROM (
		SELECT * FROM runs WHERE job = ? ORDER BY run_at DESC LIMIT ?) ORDER BY run_at`, job, opts.Last)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	index := map[string]int{}
	for rows.Next() {
		var r RunTrend
		if err := rows.Scan(&r.Run, &r.At, &r.ExitCode, &r.Anomalies, &r.Seconds); err != nil {
			rows.Close()
			return nil, fmt.Errorf("history: %w", err)
		}
		r.At = r.At.UTC()
		index[r.Run] = len(tr.Runs)
		tr.Runs = append(tr.Runs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	if len(tr.Runs) == 0 {
		return tr, nil
	}
	var last *time.Time
	if err := h.db.QueryRowContext(ctx, `SELECT max(run_at) FROM runs WHERE job = ? AND exit_code < 2`, job).Scan(&last); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	if last != nil {
		utc := last.UTC()
		tr.LastSuccess = &utc
	}
	rows, err = h.db.QueryContext(ctx, `SELECT step, metric, column_name, check_name, run, value FROM metrics
		WHERE job = ? AND run_at >= ? AND (? = '' OR step = ?) AND (? = '' OR metric = ?) AND (? = '' OR column_name = ?)
		ORDER BY step, metric, column_name, check_name, run_at`,
		job, tr.Runs[0].At, opts.Step, opts.Step, opts.Metric, opts.Metric, opts.Column, opts.Column)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k series
		var run string
		var v float64
		if err := rows.Scan(&k.step, &k.metric, &k.column, &k.check, &run, &v); err != nil {
			return nil, fmt.Errorf("history: %w", err)
		}
		i, ok := index[run]
		if !ok {
			continue
		}
		n := len(tr.Series)
		if n == 0 || (series{tr.Series[n-1].Step, tr.Series[n-1].Metric, tr.Series[n-1].Column, tr.Series[n-1].Check}) != k {
			tr.Series = append(tr.Series, Series{Step: k.step, Metric: k.metric, Column: k.column, Check: k.check, Values: make([]*float64, len(tr.Runs))})
			n++
		}
		tr.Series[n-1].Values[i] = &v
	}
	return tr, rows.Err()
}
