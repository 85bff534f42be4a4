//go:build duckdb_arrow

package main

import (
	"encoding/json"
	"fmt"
	"github.com/plumb-data/plumb/internal/numfmt"
	"io"
	"math"
	"path/filepath"
	"strings"

	"github.com/plumb-data/plumb/job"
	"github.com/plumb-data/plumb/report"
	"github.com/spf13/cobra"
)

func newHistoryCmd(g *globals) *cobra.Command {
	var (
		reports, history, format string
		opts                     job.TrendOptions
	)
	c := &cobra.Command{
		Use:   "history JOB",
		Short: "Show a job's trends over its last runs: sparklines, JSON or an HTML page",
		Long: `history reads a job's history (kept by plumb run) and shows, for its last
runs, each run's exit code and every metric the runs measured: rows read,
loaded and rejected, missing values and distinct counts by column,
failures by check, differences by column, duplicates. In text, each
metric is a sparkline, oldest run on the left, with its first and last
values and its range. In HTML, a self-contained page with a chart per
metric (plumb run keeps one as REPORTS/JOB/history.html).`,
		Example: `  plumb history nightly
  plumb history nightly --last 60 --step diff
  plumb history nightly --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" && format != "html" {
				return fmt.Errorf("--format %q: want text, json or html", format)
			}
			if opts.Last < 1 {
				return fmt.Errorf("--last %d: want at least 1", opts.Last)
			}
			if history == "" {
				history = filepath.Join(reports, args[0], "history.duckdb")
			}
			tr, err := job.ReadTrends(cmd.Context(), history, args[0], opts)
			if err != nil {
				return err
			}
			if format == "html" {
				return report.WriteJobHistory(g.stdout, tr)
			}
			if format == "json" {
				enc := json.NewEncoder(g.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(tr)
			}
			return writeTrends(g.stdout, tr)
		},
	}
	f := c.Flags()
	f.StringVar(&reports, "reports", "reports", "folder the job's reports and history are kept in")
	f.StringVar(&history, "history", "", "history database (default: REPORTS/JOB/history.duckdb)")
	f.IntVar(&opts.Last, "last", 30, "how many runs")
	f.StringVar(&opts.Step, "step", "", "only this step's metrics")
	f.StringVar(&opts.Metric, "metric", "", "only this metric")
	f.StringVar(&opts.Column, "column", "", "only this column's metrics")
	f.StringVar(&format, "format", "text", "output format: text, json, or html (a page with a chart per metric; its links to runs are relative to the job's folder, where plumb run keeps it as history.html)")
	return c
}

// writeTrends writes a job's trends as sparklines.
func writeTrends(w io.Writer, tr *job.Trends) error {
	var b strings.Builder
	if len(tr.Runs) == 0 {
		fmt.Fprintf(&b, "job %s: no runs in the history\n", tr.Job)
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "job %s: %s, %s to %s\n", tr.Job, numfmt.Count(int64(len(tr.Runs)), "run"), tr.Runs[0].Run, tr.Runs[len(tr.Runs)-1].Run)
	// Exit codes and anomaly counts are few: written as digits.
	var exits, anomalies strings.Builder
	for _, r := range tr.Runs {
		exits.WriteString(digit(r.ExitCode))
		anomalies.WriteString(digit(r.Anomalies))
	}
	rows := [][2]string{{"exit code", exits.String()}, {"anomalies", anomalies.String()}}
	for _, s := range tr.Series {
		rows = append(rows, [2]string{s.Step + " " + job.MetricName(s.Metric, s.Column, s.Check), sparkline(s.Values) + "  " + span(s.Values)})
	}
	width := 0
	for _, r := range rows {
		width = max(width, len(r[0]))
	}
	for _, r := range rows {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, r[0], r[1])
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// digit writes a small count as one character: 0 to 9, or + for more.
func digit(n int) string {
	if n > 9 {
		return "+"
	}
	return fmt.Sprint(n)
}

// sparkBlocks draw a sparkline, lowest to highest.
var sparkBlocks = []rune("▁▂▃▄▅▆▇█")

// sparkline draws values scaled between their minimum and maximum; a
// run without a value is a space.
func sparkline(values []*float64) string {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if v != nil {
			lo, hi = min(lo, *v), max(hi, *v)
		}
	}
	var b strings.Builder
	for _, v := range values {
		switch {
		case v == nil:
			b.WriteRune(' ')
		case hi == lo:
			b.WriteRune(sparkBlocks[0])
		default:
			b.WriteRune(sparkBlocks[int(math.Round((*v-lo)/(hi-lo)*float64(len(sparkBlocks)-1)))])
		}
	}
	return b.String()
}

// span says where a series starts and ends, and its range.
func span(values []*float64) string {
	var first, last *float64
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if v == nil {
			continue
		}
		if first == nil {
			first = v
		}
		last = v
		lo, hi = min(lo, *v), max(hi, *v)
	}
	if first == nil {
		return ""
	}
	return fmt.Sprintf("%s → %s  (%s to %s)", job.FormatNumber(*first), job.FormatNumber(*last), job.FormatNumber(lo), job.FormatNumber(hi))
}
