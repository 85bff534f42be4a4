//go:build duckdb_arrow

package job

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// runFolders lists a job's run folders, and any partial one.
func runFolders(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out
}

// historyRunNames lists the runs in a history file.
func historyRunNames(t *testing.T, path string) []string {
	t.Helper()
	h, err := openHistory(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	var out []string
	for _, table := range []string{"runs", "steps", "metrics"} {
		rows, err := h.db.QueryContext(t.Context(), "SELECT DISTINCT run FROM "+table+" ORDER BY run")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for rows.Next() {
			var n string
			rows.Scan(&n)
			names = append(names, n)
		}
		rows.Close()
		if table == "runs" {
			out = names
		} else if !slices.Equal(names, out) {
			t.Errorf("history: %s holds runs %v, runs holds %v", table, names, out)
		}
	}
	return out
}

func TestRetention(t *testing.T) {
	t.Parallel()
	stamp := func(day int) string {
		return time.Date(2024, 6, 1+day, 2, 0, 0, 0, time.UTC).Format(stampFormat)
	}
	tests := []struct {
		name   string
		retain string
		days   []int // the days runs are made, in order
		kept   []int
	}{
		{name: "the newest runs", retain: "{runs: 3}", days: []int{0, 1, 2, 3, 4, 5}, kept: []int{3, 4, 5}},
		{name: "the last days", retain: "{days: 2}", days: []int{0, 1, 2, 3, 4, 5}, kept: []int{3, 4, 5}},
		{name: "both", retain: "{runs: 4, days: 2}", days: []int{0, 1, 2, 3, 4, 5}, kept: []int{3, 4, 5}},
		{name: "never the latest", retain: "{days: 1}", days: []int{0, 10}, kept: []int{10}},
		{name: "a backfill keeps the newer runs and itself", retain: "{runs: 2}", days: []int{5, 6, 7, 1}, kept: []int{1, 6, 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := writeJob(t, "name: j\nsources: {a: a.csv}\nsteps:\n  - inspect: a\nretain: "+tt.retain+"\n", map[string]string{"a.csv": people})
			j, err := Load(path, env(nil))
			if err != nil {
				t.Fatal(err)
			}
			reports := t.TempDir()
			var last *Summary
			for _, d := range tt.days {
				at := time.Date(2024, 6, 1+d, 2, 0, 0, 0, time.UTC)
				if last, err = Run(t.Context(), j, Options{Reports: reports, Open: open, At: at}); err != nil {
					t.Fatal(err)
				}
			}
			var want []string
			for _, d := range tt.kept {
				want = append(want, stamp(d))
			}
			dir := filepath.Join(reports, "j")
			if got := runFolders(t, dir); !slices.Equal(got, want) {
				t.Errorf("folders: got %v, want %v", got, want)
			}
			// History is kept whole: every run made.
			var all []string
			for _, d := range tt.days {
				all = append(all, stamp(d))
			}
			slices.Sort(all)
			if got := historyRunNames(t, filepath.Join(dir, "history.duckdb")); !slices.Equal(got, all) {
				t.Errorf("history: got %v, want every run %v", got, all)
			}
			// The trends say which runs have no folder left.
			b, err := os.ReadFile(filepath.Join(dir, trendsName))
			if err != nil {
				t.Fatal(err)
			}
			var tr Trends
			if err := json.Unmarshal(b, &tr); err != nil {
				t.Fatal(err)
			}
			for _, r := range tr.Runs {
				if r.Pruned == slices.Contains(want, r.Run) {
					t.Errorf("trends: run %s pruned %v, want %v", r.Run, r.Pruned, !r.Pruned)
				}
			}
			if len(last.Warnings) > 0 {
				t.Errorf("warnings: %v", last.Warnings)
			}
		})
	}
}

// TestRetentionFinishesAKilledPrune: the half-removed folders of a killed
// prune, and folders past the retention, go with the next run.
func TestRetentionFinishesAKilledPrune(t *testing.T) {
	t.Parallel()
	path := writeJob(t, "name: j\nsources: {a: a.csv}\nsteps:\n  - inspect: a\nretain: {runs: 2}\n", map[string]string{"a.csv": people})
	j, _ := Load(path, env(nil))
	reports := t.TempDir()
	dir := filepath.Join(reports, "j")
	for _, name := range []string{"20240101T000000Z", partialPrefix + "pruned-20240102T000000Z"} {
		if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for d := range 2 {
		if _, err := Run(t.Context(), j, Options{Reports: reports, Open: open, At: time.Date(2024, 6, 1+d, 0, 0, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := strings.Join(runFolders(t, dir), " "), "20240601T000000Z 20240602T000000Z"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// TestSeasonality: with day_of_week seasonality, a metric is scored
// against the same weekday only: a job whose Mondays are big is not
// flagged on a big Monday, and is without seasonality.
func TestSeasonality(t *testing.T) {
	t.Parallel()
	h, err := openHistory(t.Context(), filepath.Join(t.TempDir(), "h.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	// 2024-06-03 is a Monday.
	monday := time.Date(2024, 6, 3, 2, 0, 0, 0, time.UTC)
	run := func(at time.Time, rows float64) *Summary {
		return &Summary{Job: "j", Run: at.Format(stampFormat), At: at, Steps: []StepSummary{{Name: "s", Kind: Inspect,
			Metrics: []Metric{{Name: "rows_loaded", Value: rows}}}}}
	}
	for day := range 35 {
		at := monday.Add(time.Duration(day) * 24 * time.Hour)
		rows := 100.0
		if at.Weekday() == time.Monday {
			rows = 500
		}
		if err := h.append(t.Context(), run(at, rows+float64(day%3))); err != nil {
			t.Fatal(err)
		}
	}
	next := monday.Add(35 * 24 * time.Hour)
	for _, tt := range []struct {
		seasonality string
		rows        float64
		anomalous   bool
	}{
		{"", 500, true},
		{DayOfWeek, 500, false},
		{DayOfWeek, 100, true},
	} {
		got, err := h.score(t.Context(), run(next, tt.rows), AnomalyOptions{Seasonality: tt.seasonality, MinRuns: 3})
		if err != nil {
			t.Fatal(err)
		}
		if (len(got) > 0) != tt.anomalous {
			t.Errorf("seasonality %q, %v rows on a Monday: got %+v, want anomalous %v", tt.seasonality, tt.rows, got, tt.anomalous)
		}
		if tt.seasonality == DayOfWeek && len(got) > 0 && len(got[0].History) != 5 {
			t.Errorf("the history behind a Monday: got %v, want the 5 past Mondays", got[0].History)
		}
	}
}

// TestMetricRules: thresholds, minimum runs and bounds per metric or per
// step, later rules winning.
func TestMetricRules(t *testing.T) {
	t.Parallel()
	h, err := openHistory(t.Context(), filepath.Join(t.TempDir(), "h.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	day := func(i int) time.Time { return time.Date(2024, 6, 1+i, 0, 0, 0, 0, time.UTC) }
	run := func(i int, rows, missing float64) *Summary {
		return &Summary{Job: "j", Run: fmt.Sprint(i), At: day(i), Steps: []StepSummary{
			{Name: "load", Kind: Inspect, Metrics: []Metric{{Name: "rows_loaded", Value: rows}}},
			{Name: "sync", Kind: Diff, Metrics: []Metric{{Name: "only_in_source", Value: missing}, {Name: "mismatches", Column: "email", Value: missing}}},
		}}
	}
	for i, rows := range []float64{100, 104, 96, 102, 98, 100} {
		if err := h.append(t.Context(), run(i, rows, 0)); err != nil {
			t.Fatal(err)
		}
	}
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		name    string
		rules   []MetricRule
		rows    float64
		missing float64
		want    string // the anomalies, as step/metric(column) bound
	}{
		{name: "defaults", rows: 120, want: "load/rows_loaded"},
		{name: "a looser threshold for one metric", rules: []MetricRule{{Metric: "rows_loaded", Threshold: 20}}, rows: 120},
		{name: "a step's threshold", rules: []MetricRule{{Step: "load", Threshold: 20}}, rows: 120},
		{name: "another step's threshold", rules: []MetricRule{{Step: "sync", Threshold: 20}}, rows: 120, want: "load/rows_loaded"},
		{name: "a bound with no history needed", rules: []MetricRule{{Step: "sync", Metric: "only_in_source", Max: f(0), MinRuns: 50}}, rows: 100, missing: 1, want: "sync/only_in_source max"},
		{name: "more runs needed", rules: []MetricRule{{MinRuns: 10}}, rows: 120},
		{name: "a bound per column", rules: []MetricRule{{Column: "email", Max: f(0.5)}, {Metric: "only_in_source", Ignore: true}}, rows: 100, missing: 1, want: "sync/mismatches(email) max"},
		{name: "a lower bound inside the band", rules: []MetricRule{{Metric: "rows_loaded", Min: f(101)}}, rows: 100, want: "load/rows_loaded min"},
		{name: "later rules win", rules: []MetricRule{{Metric: "rows_loaded", Threshold: 20}, {Step: "load", Threshold: 3}}, rows: 120, want: "load/rows_loaded"},
		{name: "ignored", rules: []MetricRule{{Step: "load", Ignore: true}}, rows: 1e6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := h.score(t.Context(), run(9, tt.rows, tt.missing), AnomalyOptions{Metrics: tt.rules})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, a := range got {
				n := a.Step + "/" + MetricName(a.Metric, a.Column, a.Check)
				if a.Bound != "" {
					n += " " + a.Bound
				}
				names = append(names, n)
				if a.Bound != "" && a.Value >= a.Low && a.Value <= a.High {
					t.Errorf("%+v: a bound's anomaly inside its band", a)
				}
			}
			if got := strings.Join(names, " "); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSideFiles: a step's side files are written into the run's folder
// and listed in the summary.
func TestSideFiles(t *testing.T) {
	t.Parallel()
	doc := `name: j
sources: {a: a.csv, b: b.csv}
steps:
  - inspect: {source: a, rejects: rejects.csv}
  - check:
      source: a
      quarantine: bad.csv
      passing: good.parquet
      checks:
        - not_null: email
  - diff: {source: a, target: b, key: id, diffs: diffs.csv}
`
	path := writeJob(t, doc, map[string]string{"a.csv": people + "4,Dee,d@x.org,extra\n", "b.csv": "id,name,email\n1,Ann,ann@x.org\n2,Bob,bob@x.org\n"})
	j, err := Load(path, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	reports := t.TempDir()
	sum, err := Run(t.Context(), j, Options{Reports: reports, Open: open})
	if err != nil {
		t.Fatal(err)
	}
	runDir := filepath.Join(reports, "j", sum.Run)
	want := map[string][]string{"inspect": {"rejects.csv"}, "check": {"bad.csv", "good.parquet"}, "diff": {"diffs.csv"}}
	for _, s := range sum.Steps {
		if s.Error != "" {
			t.Fatalf("step %s: %s", s.Name, s.Error)
		}
		if !slices.Equal(s.Files, want[s.Name]) {
			t.Errorf("step %s: files %v, want %v", s.Name, s.Files, want[s.Name])
		}
	}
	for name, contains := range map[string]string{"rejects.csv": "extra", "bad.csv": "Bob", "diffs.csv": "email"} {
		b, err := os.ReadFile(filepath.Join(runDir, name))
		if err != nil || !strings.Contains(string(b), contains) {
			t.Errorf("%s: %v, want it to hold %q:\n%s", name, err, contains, b)
		}
	}
	if b, err := os.ReadFile(filepath.Join(runDir, "good.parquet")); err != nil || !strings.HasPrefix(string(b), "PAR1") {
		t.Errorf("good.parquet: %v, not a Parquet file", err)
	}
}

// TestTrendsReadBackExactly: the values plumb history reads are the ones
// the runs wrote, to the last bit, lined up with their runs.
func TestTrendsReadBackExactly(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "h.duckdb")
	h, err := openHistory(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	values := []float64{0.1 + 0.2, 1.0 / 3, 5e-324, 1e-300, 1.7976931348623157e308, 123456789.123456789, 0, 42, 2.0 / 3 * 1e-7}
	for i, v := range values {
		at := time.Date(2024, 6, 1+i, 0, 0, 0, 0, time.UTC)
		ms := []Metric{{Name: "rows_loaded", Value: v}}
		if i%2 == 0 {
			ms = append(ms, Metric{Name: "null_share", Column: "a,b:c", Value: v})
		}
		if err := h.append(t.Context(), &Summary{Job: "j", Run: at.Format(stampFormat), At: at, Steps: []StepSummary{{Name: "s", Kind: Profile, Metrics: ms}}}); err != nil {
			t.Fatal(err)
		}
	}
	h.Close()
	tr, err := ReadTrends(t.Context(), path, "j", TrendOptions{Last: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Series) != 2 || tr.Series[0].Metric != "null_share" || tr.Series[0].Column != "a,b:c" {
		t.Fatalf("got series %+v", tr.Series)
	}
	for i, v := range values {
		if got := tr.Series[1].Values[i]; got == nil || *got != v {
			t.Errorf("run %d: rows_loaded %v, want %v", i, got, v)
		}
		got := tr.Series[0].Values[i]
		if (i%2 == 0) != (got != nil) || got != nil && *got != v {
			t.Errorf("run %d: null_share %v, want %v only on even runs", i, got, v)
		}
	}
}
