package job

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
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
	for rows.Next() {
		var r RunTrend
		if err := rows.Scan(&r.Run, &r.At, &r.ExitCode, &r.Anomalies, &r.Seconds); err != nil {
			rows.Close()
			return nil, fmt.Errorf("history: %w", err)
		}
		r.At = r.At.UTC()
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
	// The series' names come once each; their values as numbers only,
	// the series and the run by position: no text per value.
	const picked = `WITH r AS (SELECT run, row_number() OVER (ORDER BY run_at) - 1 AS i
			FROM (SELECT run, run_at FROM runs WHERE job = $1 ORDER BY run_at DESC LIMIT $2)),
		m AS (SELECT step, metric, column_name, check_name, i, value FROM metrics JOIN r USING (run)
			WHERE job = $1 AND ($3 = '' OR step = $3) AND ($4 = '' OR metric = $4) AND ($5 = '' OR column_name = $5))`
	args := []any{job, opts.Last, opts.Step, opts.Metric, opts.Column}
	// A row per series, its values as text "i:value,…" (DuckDB writes a
	// DOUBLE as the shortest text that reads back the same): far fewer
	// values cross into Go one by one.
	rows, err = h.db.QueryContext(ctx, picked+`
		SELECT step, metric, column_name, check_name, string_agg(i || ':' || CAST(value AS VARCHAR), ',' ORDER BY i)
		FROM m GROUP BY ALL ORDER BY ALL`, args...)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		s := Series{Values: make([]*float64, len(tr.Runs))}
		var text string
		if err := rows.Scan(&s.Step, &s.Metric, &s.Column, &s.Check, &text); err != nil {
			return nil, fmt.Errorf("history: %w", err)
		}
		values := make([]float64, strings.Count(text, ",")+1)
		for n, pair := range strings.Split(text, ",") {
			at, val, _ := strings.Cut(pair, ":")
			i, err := strconv.Atoi(at)
			if err == nil {
				values[n], err = strconv.ParseFloat(val, 64)
			}
			if err != nil || i < 0 || i >= len(tr.Runs) {
				return nil, fmt.Errorf("history: %s: value %q of run %q: %v", s.Name(), val, at, err)
			}
			s.Values[i] = &values[n]
		}
		tr.Series = append(tr.Series, s)
	}
	return tr, rows.Err()
}
