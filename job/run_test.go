//go:build duckdb_arrow

package job

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plumb-data/plumb/engine"
)

// open opens an in-memory session, as plumb's commands do.
func open(ctx context.Context, outputs ...string) (*engine.DB, func(), error) {
	db, err := engine.Open(ctx, engine.Config{Threads: 1, Outputs: outputs})
	if err != nil {
		return nil, nil, err
	}
	return db, func() { db.Close() }, nil
}

// writeJob writes a job file and CSV files into a fresh folder.
func writeJob(t *testing.T, doc string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "job.yaml")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const people = "id,name,email\n1,Ann,ann@x.org\n2,Bob,\n3,Cy,cy@x.org\n"

func TestRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		steps    string
		exit     int
		statuses string
	}{
		{name: "clean", steps: "  - inspect: a\n  - profile: {source: a, baseline: none}\n", exit: 0, statuses: "clean clean"},
		{name: "findings", steps: "  - check:\n      source: a\n      checks:\n        - not_null: email\n  - diff: {source: a, target: b, key: id}\n", exit: 1, statuses: "findings findings"},
		{name: "a step that cannot run does not stop the others", steps: "  - inspect: missing\n  - inspect: a\n", exit: 2, statuses: "error clean"},
		{name: "unless it says so", steps: "  - inspect: {source: missing, continue_on_error: false}\n  - inspect: a\n", exit: 2, statuses: "error skipped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := writeJob(t, "name: j\nsources:\n  a: a.csv\n  b: b.csv\n  missing: nowhere.csv\nsteps:\n"+tt.steps,
				map[string]string{"a.csv": people, "b.csv": "id,name,email\n1,Ann,ann@x.org\n2,Bob,bob@x.org\n"})
			j, err := Load(path, env(nil))
			if err != nil {
				t.Fatal(err)
			}
			reports := t.TempDir()
			at := time.Date(2024, 6, 1, 2, 0, 0, 0, time.UTC)
			sum, err := Run(t.Context(), j, Options{Reports: reports, Open: open, At: at})
			if err != nil {
				t.Fatal(err)
			}
			var statuses []string
			for _, s := range sum.Steps {
				statuses = append(statuses, string(s.Status))
			}
			if got := strings.Join(statuses, " "); got != tt.statuses || sum.ExitCode != tt.exit {
				t.Errorf("got %s, exit %d; want %s, exit %d", got, sum.ExitCode, tt.statuses, tt.exit)
			}
			runDir := filepath.Join(reports, "j", "20240601T020000Z")
			if got := Latest(filepath.Join(reports, "j")); got != runDir {
				t.Errorf("latest: got %q, want %q", got, runDir)
			}
			var onDisk Summary
			b, err := os.ReadFile(filepath.Join(runDir, "summary.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &onDisk); err != nil || onDisk.ExitCode != tt.exit {
				t.Errorf("summary.json: exit %d (%v), want %d", onDisk.ExitCode, err, tt.exit)
			}
			for _, s := range sum.Steps {
				for _, f := range s.Reports {
					if _, err := os.Stat(filepath.Join(runDir, f)); err != nil {
						t.Errorf("step %s: %v", s.Name, err)
					}
				}
			}
			runs := historyRuns(t, filepath.Join(reports, "j", "history.duckdb"))
			if runs != 1 {
				t.Errorf("history: got %d runs, want 1", runs)
			}
			if _, err := Run(t.Context(), j, Options{Reports: reports, Open: open, At: at}); !errors.Is(err, ErrRunExists) {
				t.Errorf("a second run at the same time: got %v, want ErrRunExists", err)
			}
		})
	}
}

// historyRuns counts the runs in a history file.
func historyRuns(t *testing.T, path string) int {
	t.Helper()
	h, err := openHistory(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	var n int
	if err := h.db.QueryRowContext(t.Context(), "SELECT count(*) FROM runs").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRunBaselineIsThePreviousRun: a profile step reports drift against
// the profile of the job's latest run.
func TestRunBaselineIsThePreviousRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := writeJob(t, "name: j\nsources: {a: a.csv}\nsteps:\n  - profile: a\n", map[string]string{"a.csv": people})
	j, err := Load(path, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	if _, err := Run(t.Context(), j, Options{Reports: dir, Open: open, At: at}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(j.Dir, "a.csv"), []byte(people+strings.Repeat("9,Zed,\n", 10)), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := Run(t.Context(), j, Options{Reports: dir, Open: open, At: at.Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if got := sum.Steps[0].Status; got != StatusFindings {
		t.Errorf("got %s (%s), want findings (drift from the previous run)", got, sum.Steps[0].Error)
	}
}

// TestRunLocks: a second run of a job waits for the first, then refuses.
func TestRunLocks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := writeJob(t, "name: j\nsources: {a: a.csv}\nsteps:\n  - inspect: a\n", map[string]string{"a.csv": people})
	j, err := Load(path, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "j"), 0o755); err != nil {
		t.Fatal(err)
	}
	unlock, err := lock(t.Context(), filepath.Join(dir, "j", ".lock"), 0)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = Run(t.Context(), j, Options{Reports: dir, Open: open, Wait: 300 * time.Millisecond})
	if !errors.Is(err, ErrLocked) || time.Since(start) < 300*time.Millisecond {
		t.Errorf("got %v after %s, want ErrLocked after the wait", err, time.Since(start))
	}
	unlock()
	if _, err := Run(t.Context(), j, Options{Reports: dir, Open: open}); err != nil {
		t.Errorf("once unlocked: %v", err)
	}
}

// TestRunRemovesPartialRuns: the folder of a run killed before it
// completed is removed by the next run.
func TestRunRemovesPartialRuns(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	partial := filepath.Join(dir, "j", partialPrefix+"20240101T000000Z")
	if err := os.MkdirAll(partial, 0o755); err != nil {
		t.Fatal(err)
	}
	path := writeJob(t, "name: j\nsources: {a: a.csv}\nsteps:\n  - inspect: a\n", map[string]string{"a.csv": people})
	j, _ := Load(path, env(nil))
	if _, err := Run(t.Context(), j, Options{Reports: dir, Open: open}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(partial); !os.IsNotExist(err) {
		t.Errorf("the partial run is still there: %v", err)
	}
}

func TestBand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		hist      []float64
		metric    string
		value     float64
		anomalous bool
	}{
		{name: "inside", hist: []float64{100, 102, 98, 101, 99}, metric: "rows_loaded", value: 103},
		{name: "a 30% drop", hist: []float64{100, 102, 98, 101, 99}, metric: "rows_loaded", value: 70, anomalous: true},
		{name: "steady counts allow 2%", hist: []float64{1000, 1000, 1000, 1000, 1000}, metric: "rows_loaded", value: 1015},
		{name: "steady counts flag more", hist: []float64{1000, 1000, 1000, 1000, 1000}, metric: "rows_loaded", value: 1030, anomalous: true},
		{name: "a share that jumps", hist: []float64{0.05, 0.051, 0.049, 0.05, 0.052}, metric: "null_share", value: 0.3, anomalous: true},
		{name: "a share that wobbles", hist: []float64{0, 0, 0, 0, 0}, metric: "null_share", value: 0.005},
		{name: "small counts move by one", hist: []float64{0, 0, 0, 0, 0}, metric: "only_in_target", value: 1},
		{name: "outliers in the history", hist: []float64{100, 101, 5000, 99, 100, 0}, metric: "rows_loaded", value: 104},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, low, high := band(tt.hist, tt.metric, 3)
			if got := tt.value < low || tt.value > high; got != tt.anomalous {
				t.Errorf("%v in band %v..%v of %v: got anomalous %v, want %v", tt.value, low, high, tt.hist, got, tt.anomalous)
			}
		})
	}
}

// TestScore: a metric is scored only with MinRuns past values, against
// the last Window of them, and only runs before this one count.
func TestScore(t *testing.T) {
	t.Parallel()
	h, err := openHistory(t.Context(), filepath.Join(t.TempDir(), "h.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	day := func(i int) time.Time { return time.Date(2024, 6, 1+i, 0, 0, 0, 0, time.UTC) }
	run := func(i int, rows float64) *Summary {
		return &Summary{Job: "j", Run: fmt.Sprint(i), At: day(i), Steps: []StepSummary{{Name: "s", Kind: Inspect,
			Metrics: []Metric{{Name: "rows_loaded", Value: rows}}}}}
	}
	opts := AnomalyOptions{Window: 3, MinRuns: 3}
	for i, rows := range []float64{10, 10, 1000, 1000, 1000} {
		got, err := h.score(t.Context(), run(i, 500), opts)
		if err != nil {
			t.Fatal(err)
		}
		if want := i >= 3; (len(got) > 0) != want {
			t.Errorf("run %d with %d past runs: got %d anomalies, want any: %v", i, i, len(got), want)
		}
		if err := h.append(t.Context(), run(i, rows)); err != nil {
			t.Fatal(err)
		}
	}
	// The window holds the last three: 1000 1000 1000.
	got, _ := h.score(t.Context(), run(9, 1000), opts)
	if len(got) != 0 {
		t.Errorf("1000 after three runs of 1000: got %+v, want no anomaly", got)
	}
	// A backfill is scored against the runs before it only.
	got, _ = h.score(t.Context(), run(2, 10), AnomalyOptions{Window: 3, MinRuns: 2})
	if len(got) != 0 {
		t.Errorf("a backfill: got %+v, want no anomaly", got)
	}
}
