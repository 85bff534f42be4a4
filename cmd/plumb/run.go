//go:build duckdb_arrow

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/plumb-data/plumb/job"
	"github.com/spf13/cobra"
)

func newRunCmd(g *globals) *cobra.Command {
	var (
		opts         job.Options
		at           string
		format       string
		strictAlerts bool
	)
	c := &cobra.Command{
		Use:   "run JOB.yaml",
		Short: "Run a job: its steps, their reports, the run's history and anomalies",
		Long: `run reads a job file (sources named once, steps with the options of their
commands: inspect, profile, check, diff, dedupe) and runs every step, each
in a session of its own. ${VAR} in the job file is read from the
environment, so that secrets stay out of it.

Each run writes reports/<job>/<UTC timestamp>/: every step's JSON, HTML
and JUnit (where its kind has them) and summary.json; reports/<job>/latest
then names it. The folder appears only when the run is complete. Every
run's metrics are appended to reports/<job>/history.duckdb, and each
metric is scored against its own history: values outside the band of the
last runs are anomalies (see docs/jobs.md).

A step that cannot run does not stop the others unless it says
continue_on_error: false. Two runs of one job at once: the second waits
--wait, then refuses.

After the run is kept: retention (retain:) prunes old runs, the job's
history.html and the reports folder's index.html (every job's status and
trends) are rewritten, and the webhooks under notify: are told of
failures, anomalies and recoveries.

Exit 0 when every step is clean, 1 when one has findings or a metric is
an anomaly, 2 when a step could not run or the job file is wrong. An
alert that could not be delivered is said on stderr and in summary.json
and changes none of these; with --strict-alerts it makes the exit code 3
(the run's verdict stays in summary.json and the history).`,
		Example: `  plumb run nightly.yaml
  plumb run nightly.yaml --reports /var/lib/plumb --at 2024-06-01T02:00:00Z
  plumb schema job > plumb-job.schema.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return fmt.Errorf("--format %q: want text or json", format)
			}
			if at != "" {
				t, err := time.Parse(time.RFC3339, at)
				if err != nil {
					if t, err = time.Parse(time.DateOnly, at); err != nil {
						return fmt.Errorf("--at %q: want a time like 2024-06-01T02:00:00Z or a date", at)
					}
				}
				opts.At = t
			}
			j, err := job.Load(args[0], os.LookupEnv)
			if err != nil {
				return err
			}
			if _, err := g.logger(); err != nil {
				return err
			}
			limit, err := g.check()
			if err != nil {
				return err
			}
			_, _, opts.ProfileBudget = memoryShares(limit)
			opts.Open, opts.Stdin = g.openDB, g.stdin
			opts.Progress = g.progress().Stage
			sum, err := job.Run(cmd.Context(), j, opts)
			g.progress().Done()
			if err != nil {
				return err
			}
			if err := writeSummary(g.stdout, format, sum); err != nil {
				return err
			}
			for _, w := range sum.Warnings {
				fmt.Fprintf(g.stderr, "plumb: warning: %s\n", w)
			}
			for _, a := range sum.Alerts {
				if !a.Delivered {
					fmt.Fprintf(g.stderr, "plumb: alert to %s (%s) not delivered: %s\n", a.Webhook, a.URL, a.Error)
				}
			}
			if strictAlerts && sum.AlertsFailed() {
				return fmt.Errorf("job %s: run %s is kept with exit code %d, but %w (--strict-alerts)", j.Name, sum.Run, sum.ExitCode, errAlert)
			}
			switch sum.ExitCode {
			case job.ExitClean:
				return nil
			case job.ExitFindings:
				return errFindings
			}
			return fmt.Errorf("job %s: a step could not run (see %s)", j.Name, strings.TrimSuffix(opts.Reports, "/")+"/"+j.Name+"/"+sum.Run+"/summary.json")
		},
	}
	f := c.Flags()
	f.StringVar(&opts.Reports, "reports", "reports", "folder the job's reports and history are kept in")
	f.StringVar(&opts.History, "history", "", "history database (default: REPORTS/JOB/history.duckdb)")
	f.StringVar(&at, "at", "", "the run's timestamp (RFC 3339 or a date), for backfills and tests (default: now)")
	f.DurationVar(&opts.Wait, "wait", 0, "wait this long for another run of the same job to finish (default: refuse at once)")
	f.StringVar(&format, "format", "text", "summary format on stdout: text or json")
	f.BoolVar(&strictAlerts, "strict-alerts", false, "exit 3 when an alert could not be delivered (the run is kept either way)")
	return c
}

// writeSummary writes a run's summary: a line per step and per anomaly,
// or the summary's JSON.
func writeSummary(w io.Writer, format string, sum *job.Summary) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "job %s, run %s: exit %d\n", sum.Job, sum.Run, sum.ExitCode)
	for _, s := range sum.Steps {
		fmt.Fprintf(&b, "  %-20s %-8s %-9s %6.2fs", s.Name, s.Kind, s.Status, s.Seconds)
		if s.Error != "" {
			fmt.Fprintf(&b, "  %s", s.Error)
		}
		b.WriteByte('\n')
		for _, w := range s.Warnings {
			fmt.Fprintf(&b, "    warning: %s\n", w)
		}
	}
	if len(sum.Anomalies) > 0 {
		fmt.Fprintf(&b, "anomalies:\n")
		for _, a := range sum.Anomalies {
			if a.Bound != "" {
				fmt.Fprintf(&b, "  %s: %s = %s, past its %s (expected %s to %s)\n", a.Step, job.MetricName(a.Metric, a.Column, a.Check),
					job.FormatNumber(a.Value), a.Bound, job.FormatNumber(a.Low), job.FormatNumber(a.High))
				continue
			}
			fmt.Fprintf(&b, "  %s: %s = %s, expected %s to %s (median %s of %d runs)\n", a.Step, job.MetricName(a.Metric, a.Column, a.Check),
				job.FormatNumber(a.Value), job.FormatNumber(a.Low), job.FormatNumber(a.High), job.FormatNumber(a.Median), len(a.History))
		}
	}
	for _, a := range sum.Alerts {
		state := "delivered"
		if !a.Delivered {
			state = "NOT delivered"
		}
		if len(a.Alerts) == 0 {
			fmt.Fprintf(&b, "alert %s: nothing new", a.Webhook)
		} else {
			fmt.Fprintf(&b, "alert %s: %d alert(s) %s", a.Webhook, len(a.Alerts), state)
		}
		if len(a.Suppressed) > 0 {
			fmt.Fprintf(&b, ", %d suppressed as repeats", len(a.Suppressed))
		}
		b.WriteByte('\n')
	}
	if len(sum.Pruned) > 0 {
		fmt.Fprintf(&b, "pruned %d old run(s): %s\n", len(sum.Pruned), strings.Join(sum.Pruned, " "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
