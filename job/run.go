package job

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/internal/outfile"
	"github.com/plumb-data/plumb/report"
	"github.com/plumb-data/plumb/source"
)

// Options say where a run writes and how it opens its sessions.
type Options struct {
	// Reports is the folder the job's folder is made in; "" means
	// "reports".
	Reports string
	// History is the history database; "" means history.duckdb in the
	// job's folder.
	History string
	// At is the run's timestamp, which names its folder; the zero value
	// means Now().
	At time.Time
	// Now is the clock for durations; nil means time.Now.
	Now func() time.Time
	// Wait is how long a run waits for another run of the same job to
	// finish before it gives up; 0 gives up at once.
	Wait time.Duration
	// Open opens a DuckDB session for one step, as plumb's commands open
	// theirs (threads, memory limit, spill folder); the func it returns
	// closes it. Required.
	Open func(ctx context.Context, outputs ...string) (*engine.DB, func(), error)
	// Stdin is what a source "-" reads.
	Stdin io.Reader
	// ProfileBudget bounds the Go memory of each profile step (see
	// profile.Options.MemoryBudget); 0 means no bound.
	ProfileBudget int64
	// Progress, when set, is told which step is running.
	Progress func(stage string)
	// HTTPClient posts the alerts; nil means a default client (each
	// webhook's time is bounded by the job's notify.timeout).
	HTTPClient *http.Client
}

// ErrRunExists is returned when the job already has a run at the
// requested timestamp.
var ErrRunExists = errors.New("job: a run with this timestamp exists")

// stampFormat names a run's folder: its UTC timestamp.
const stampFormat = "20060102T150405Z"

// formats are the report formats a run writes of each step, where the
// step's kind renders them.
var formats = []struct{ name, ext string }{{"json", ".json"}, {"html", ".html"}, {"junit", ".junit.xml"}}

// runner holds one run of a job.
type runner struct {
	job  *Job
	opts Options
	dir  string // the job's folder under Reports
}

// Run runs a job: every step, each in a session of its own, its reports
// written into a new folder under the job's folder, whose name is the
// run's UTC timestamp. The folder is written under a temporary name and
// renamed when the run is complete, and the job's latest then names it.
//
// A step that cannot run is reported in the summary (StatusError) and
// the run goes on, unless the step says continue_on_error: false. Run
// returns an error only when the run itself could not be made: the
// reports folder, the lock, the history.
func Run(ctx context.Context, j *Job, opts Options) (*Summary, error) {
	if opts.Open == nil {
		return nil, errors.New("job: no Open")
	}
	if opts.Reports == "" {
		opts.Reports = "reports"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	start := opts.Now()
	if opts.At.IsZero() {
		opts.At = start
	}
	opts.At = opts.At.UTC().Truncate(time.Second)
	r := &runner{job: j, opts: opts, dir: filepath.Join(opts.Reports, j.Name)}
	if opts.History == "" {
		r.opts.History = filepath.Join(r.dir, "history.duckdb")
	}
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	unlock, err := lock(ctx, filepath.Join(r.dir, ".lock"), opts.Wait)
	if err != nil {
		return nil, fmt.Errorf("job %s: %w", j.Name, err)
	}
	defer unlock()
	removePartial(r.dir)
	sum := &Summary{SchemaVersion: SchemaVersion, Job: j.Name, Run: opts.At.Format(stampFormat), At: opts.At, Anomalies: []Anomaly{}}
	final := filepath.Join(r.dir, sum.Run)
	if _, err := os.Lstat(final); err == nil {
		return nil, fmt.Errorf("%w: %s", ErrRunExists, final)
	}
	tmp := filepath.Join(r.dir, partialPrefix+sum.Run)
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	defer os.RemoveAll(tmp) // gone once renamed; else the partial run
	stop := false
	for i := range j.Steps {
		s := &j.Steps[i]
		if stop {
			sum.Steps = append(sum.Steps, StepSummary{Name: s.Name, Kind: s.Kind, Status: StatusSkipped, Reports: []string{}, Metrics: []Metric{}})
			continue
		}
		ss := r.step(ctx, s, tmp)
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		sum.Steps = append(sum.Steps, ss)
		sum.ExitCode = max(sum.ExitCode, ss.ExitCode)
		stop = ss.Status == StatusError && !s.ContinueOnError
	}
	hist, err := openHistory(ctx, r.opts.History)
	if err != nil {
		return nil, err
	}
	closeHist := sync.OnceValue(hist.Close)
	defer closeHist()
	if sum.Anomalies, err = hist.score(ctx, sum, j.Anomalies); err != nil {
		return nil, err
	}
	if len(sum.Anomalies) > 0 {
		sum.ExitCode = max(sum.ExitCode, ExitFindings)
	}
	sum.Seconds = opts.Now().Sub(start).Seconds()
	if err := writeJSON(filepath.Join(tmp, "summary.json"), sum); err != nil {
		return nil, err
	}
	// The run goes into the history in one transaction, and only then
	// does its folder take its final name.
	if err := hist.append(ctx, sum); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, final); err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	if err := setLatest(r.dir, sum.Run); err != nil {
		return nil, err
	}
	r.after(ctx, hist, closeHist, sum, final)
	return sum, nil
}

// after does what follows a complete run: retention, the history page
// and the dashboard, the alerts. None of it can undo the run or change
// its exit code: what fails is a warning in the summary (and an alert
// not delivered is in Alerts), and summary.json is rewritten to say so.
func (r *runner) after(ctx context.Context, hist *history, closeHist func() error, sum *Summary, final string) {
	warn := func(what string, err error) {
		sum.Warnings = append(sum.Warnings, what+": "+source.Redact(err.Error()))
	}
	pruned, err := r.prune(ctx, hist, sum)
	if err != nil {
		warn("retention", err)
	}
	sum.Pruned = pruned
	var plans []alertPlan
	notify := r.job.Notify.withDefaults()
	if len(notify.Webhooks) > 0 {
		open, err := hist.openAlerts(ctx, sum.Job)
		if err != nil {
			warn("alerts", err)
		} else {
			plans = planAlerts(sum, notify, open)
		}
	}
	if err := r.publish(ctx, hist); err != nil {
		warn("dashboard", err)
	}
	// The history is not held open while webhooks answer: plumb history
	// can read it meanwhile.
	closeHist()
	if len(plans) > 0 {
		client := r.opts.HTTPClient
		if client == nil {
			client = &http.Client{}
		}
		nt := &notifier{client: client, opts: notify, sleep: sleepCtx}
		sum.Alerts = nt.send(ctx, sum, final, plans)
		h, err := openHistory(ctx, r.opts.History)
		if err == nil {
			err = h.recordAlerts(ctx, sum, plans, sum.Alerts)
			h.Close()
		}
		if err != nil {
			warn("alerts", err)
		}
	}
	if len(sum.Warnings) > 0 || len(sum.Alerts) > 0 || len(sum.Pruned) > 0 {
		if err := writeJSON(filepath.Join(final, "summary.json"), sum); err != nil {
			sum.Warnings = append(sum.Warnings, "summary.json: "+err.Error())
		}
	}
}

// step runs one step and writes its reports into dir.
func (r *runner) step(ctx context.Context, s *Step, dir string) StepSummary {
	if r.opts.Progress != nil {
		r.opts.Progress(fmt.Sprintf("%s (%s)", s.Name, s.Kind))
	}
	start := r.opts.Now()
	ss := StepSummary{Name: s.Name, Kind: s.Kind, Reports: []string{}, Metrics: []Metric{}}
	out, err := r.execute(ctx, s, dir)
	if err == nil {
		ss.Reports, ss.Warnings, err = writeReports(dir, s.Name, out)
	}
	if err == nil {
		for _, f := range s.SideFiles {
			if _, err := os.Stat(filepath.Join(dir, f.Name)); err == nil {
				ss.Files = append(ss.Files, f.Name)
			}
		}
	}
	ss.Seconds = r.opts.Now().Sub(start).Seconds()
	switch {
	case err != nil:
		ss.ExitCode, ss.Error = ExitError, source.Redact(err.Error())
	case out.findings:
		ss.ExitCode = ExitFindings
	}
	ss.Status = statusOf(ss.ExitCode)
	if out != nil && err == nil {
		ss.Metrics = metricsOf(out.result)
	}
	return ss
}

// writeReports writes a step's result in every format its kind renders
// of JSON, HTML and JUnit, and returns the files' names. The JSON report
// is the step's record: without it the step failed. Another that cannot
// be written is a warning.
func writeReports(dir, name string, out *outcome) (files, warnings []string, err error) {
	for _, f := range formats {
		if !slices.Contains(report.FormatsFor(out.kind), f.name) {
			continue
		}
		rd, err := report.For(f.name, out.kind)
		if err != nil {
			return nil, nil, err
		}
		file := name + f.ext
		if err := writeFile(filepath.Join(dir, file), func(w io.Writer) error { return report.Render(rd, w, out.result) }); err != nil {
			if f.name == "json" {
				return nil, nil, err
			}
			warnings = append(warnings, fmt.Sprintf("%s: %v", file, err))
			continue
		}
		files = append(files, file)
	}
	return files, warnings, nil
}

// writeFile writes a file under a temporary name, renamed when complete.
func writeFile(path string, fn func(w io.Writer) error) error {
	f, err := outfile.Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	w := bufio.NewWriterSize(f, 1<<16)
	if err := fn(w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Commit()
}

func writeJSON(path string, v any) error {
	return writeFile(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	})
}
