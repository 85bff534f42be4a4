//go:build duckdb_arrow

package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plumb-data/plumb/job"
)

// day is one day's extracts in the end-to-end scenario.
type day struct {
	rows      int     // rows in the source
	nullEvery int     // every nth email is empty
	missing   int     // rows the target misses
	exit      int     // the run's exit code
	flagged   bool    // whether the run has anomalies
	why       string  // what the day is about
	noise     float64 // -1..1: a day's ordinary wobble in volume
}

// writeDay writes a day's source and target: the target is the source as
// synced, less the rows it missed.
func writeDay(t *testing.T, dir string, d day) {
	t.Helper()
	var src, tgt strings.Builder
	src.WriteString("id,name,email,amount\n")
	tgt.WriteString("id,name,email,amount\n")
	rows := d.rows + int(d.noise*5)
	for i := 1; i <= rows; i++ {
		email := fmt.Sprintf("user%d@example.com", i)
		if i%d.nullEvery == 0 {
			email = ""
		}
		line := fmt.Sprintf("%d,%s,%s,%d.%02d\n", i, []string{"Ann", "Bob", "Cy", "Dee"}[i%4], email, i*7%1000, i%100)
		src.WriteString(line)
		if i > d.missing {
			tgt.WriteString(line)
		}
	}
	for name, text := range map[string]string{"source.csv": src.String(), "target.csv": tgt.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const scenarioJob = `name: sync
sources:
  crm: source.csv
  warehouse: target.csv
steps:
  - profile: {source: crm, baseline: none}
  - diff: {source: crm, target: warehouse, key: id}
`

// TestJobScenario runs a job over ten days of evolving data: a day whose
// volume drops 30%, a day whose email null share jumps, a day the target
// misses rows, then recovery. The right runs are flagged, and exit codes
// follow.
func TestJobScenario(t *testing.T) {
	t.Parallel()
	dir, reports := t.TempDir(), t.TempDir()
	jobFile := filepath.Join(dir, "sync.yaml")
	var mu sync.Mutex
	var posts []job.AlertDocument
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var doc job.AlertDocument
		if err := json.NewDecoder(r.Body).Decode(&doc); err != nil {
			w.WriteHeader(400)
			return
		}
		mu.Lock()
		posts = append(posts, doc)
		mu.Unlock()
	}))
	defer hook.Close()
	notify := "notify:\n  on: [anomaly, recovery]\n  webhooks:\n    - {url: '" + hook.URL + "/hook'}\n"
	if err := os.WriteFile(jobFile, []byte(scenarioJob+notify), 0o644); err != nil {
		t.Fatal(err)
	}
	days := []day{
		{rows: 1000, nullEvery: 20, noise: 0},
		{rows: 1000, nullEvery: 20, noise: 1},
		{rows: 1000, nullEvery: 20, noise: -1},
		{rows: 1000, nullEvery: 20, noise: 0.5},
		{rows: 1000, nullEvery: 20, noise: -0.5},
		{rows: 700, nullEvery: 20, exit: 1, flagged: true, why: "volume drops 30%"},
		{rows: 1000, nullEvery: 3, exit: 1, flagged: true, why: "email null share jumps"},
		{rows: 1000, nullEvery: 20, missing: 40, exit: 1, flagged: true, why: "target misses rows"},
		{rows: 1000, nullEvery: 20, noise: 1, why: "recovery"},
		{rows: 1000, nullEvery: 20, why: "recovery"},
	}
	start := time.Date(2024, 6, 1, 2, 0, 0, 0, time.UTC)
	var told []string // what the webhook was told, run by run
	for i, d := range days {
		writeDay(t, dir, d)
		at := start.Add(time.Duration(i) * 24 * time.Hour).Format(time.RFC3339)
		stdout, stderr, code := plumb(t, "", "run", jobFile, "--reports", reports, "--at", at, "--format", "json")
		var sum job.Summary
		if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
			t.Fatalf("day %d: %v: %s", i+1, err, stderr)
		}
		if code != d.exit || (len(sum.Anomalies) > 0) != d.flagged {
			t.Errorf("day %d (%s): exit %d, %d anomalies %+v; want exit %d, flagged %v", i+1, d.why, code, len(sum.Anomalies), sum.Anomalies, d.exit, d.flagged)
		}
		for _, a := range sum.Anomalies {
			if len(a.History) < 5 || a.Value >= a.Low && a.Value <= a.High {
				t.Errorf("day %d: anomaly %+v: want a value outside its band and 5 past runs at least", i+1, a)
			}
		}
		if i == 7 && !slices.ContainsFunc(sum.Anomalies, func(a job.Anomaly) bool { return a.Step == "diff" && a.Metric == "only_in_source" }) {
			t.Errorf("day 8: want only_in_source among the anomalies, got %+v", sum.Anomalies)
		}
		mu.Lock()
		for _, p := range posts {
			var events []string
			for _, e := range p.Events {
				events = append(events, string(e))
			}
			told = append(told, fmt.Sprintf("day %d: %s", i+1, strings.Join(events, ",")))
		}
		posts = nil
		mu.Unlock()
		if i == 6 && !slices.ContainsFunc(sum.Anomalies, func(a job.Anomaly) bool { return a.Metric == "null_share" && a.Column == "email" }) {
			t.Errorf("day 7: want email's null_share among the anomalies, got %+v", sum.Anomalies)
		}
	}
	// Each flagged day is told as an anomaly (each a new one: volume,
	// null share, missing rows), and the first clean day as a recovery.
	if got, want := strings.Join(told, "; "), "day 6: anomaly; day 7: anomaly; day 8: anomaly; day 9: recovery"; got != want {
		t.Errorf("the webhook was told: %s\nwant: %s", got, want)
	}
	// The dashboard and the history page show the ten runs.
	index, err := os.ReadFile(filepath.Join(reports, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(index), `href="sync/2024`); n != 11 || !strings.Contains(string(index), `<a href="sync/history.html">sync</a>`) {
		t.Errorf("index.html: %d links to runs, want 11 (ten runs, and the last one's summary)", n)
	}
	if page, err := os.ReadFile(filepath.Join(reports, "sync", "history.html")); err != nil || strings.Count(string(page), `summary.json">summary.json</a>`) != 10 {
		t.Errorf("history.html: %v, want ten runs listed", err)
	}
	stdout, stderr, code := plumb(t, "", "history", "sync", "--reports", reports, "--format", "json")
	var tr job.Trends
	if err := json.Unmarshal([]byte(stdout), &tr); err != nil || code != 0 {
		t.Fatalf("plumb history: exit %d, %v: %s", code, err, stderr)
	}
	var exits []int
	for _, r := range tr.Runs {
		exits = append(exits, r.ExitCode)
	}
	if got, want := fmt.Sprint(exits), "[0 0 0 0 0 1 1 1 0 0]"; got != want {
		t.Errorf("history of exit codes: got %s, want %s", got, want)
	}
	stdout, _, code = plumb(t, "", "history", "sync", "--reports", reports, "--format", "html", "--last", "3")
	if code != 0 || !strings.Contains(stdout, "<title>History of job sync</title>") || strings.Count(stdout, `">summary.json</a>`) != 3 {
		t.Errorf("plumb history --format html: exit %d, want a page of 3 runs", code)
	}
	stdout, _, _ = plumb(t, "", "history", "sync", "--reports", reports, "--metric", "rows_loaded")
	if !regexp.MustCompile(`exit code +0000011100\n`).MatchString(stdout) || !strings.Contains(stdout, "profile rows_loaded  █████▁████  1000 → 1000") {
		t.Errorf("plumb history in text:\n%s", stdout)
	}
}

// TestJobKill9AndConcurrentRuns: a second run of a job while one is going
// on refuses, clearly; kill -9 mid-run leaves the history without the
// run and no run folder under its final name; the next run cleans up.
func TestJobKill9AndConcurrentRuns(t *testing.T) {
	big := bigCSV(t)
	dir, reports, tmp := t.TempDir(), t.TempDir(), t.TempDir()
	jobFile := filepath.Join(dir, "big.yaml")
	os.WriteFile(jobFile, []byte("name: big\nsources: {big: "+big+", small: small.csv}\nsteps:\n  - profile: {source: small, baseline: none}\n  - profile: {source: big, baseline: none}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "small.csv"), []byte("id,name\n1,a\n2,b\n"), 0o644)
	small := filepath.Join(dir, "small.yaml")
	os.WriteFile(small, []byte("name: big\nsources: {small: small.csv}\nsteps:\n  - profile: {source: small, baseline: none}\n"), 0o644)
	// A first complete run, so that there is a history to keep.
	if _, stderr, code := plumb(t, "", "run", small, "--reports", reports, "--at", "2024-06-01"); code != 0 {
		t.Fatalf("first run: exit %d: %s", code, stderr)
	}
	cmd, _ := startPlumb(t, "--threads", "1", "--temp-dir", tmp, "run", jobFile, "--reports", reports, "--at", "2024-06-02")
	waitForWork(t, tmp)
	_, stderr, code := plumb(t, "", "run", small, "--reports", reports, "--at", "2024-06-03")
	if code != 2 || !strings.Contains(stderr, "another run of this job is in progress") {
		t.Errorf("a second run at once: exit %d, %q; want exit 2 saying another run is in progress", code, stderr)
	}
	cmd.Process.Kill()
	cmd.Wait()
	jobDir := filepath.Join(reports, "big")
	if _, err := os.Stat(filepath.Join(jobDir, "20240602T000000Z")); err == nil {
		t.Error("the killed run's folder exists under its final name")
	}
	if got := job.Latest(jobDir); filepath.Base(got) != "20240601T000000Z" {
		t.Errorf("latest: got %q, want the first run", got)
	}
	stdout, stderr, code := plumb(t, "", "history", "big", "--reports", reports, "--format", "json")
	var tr job.Trends
	if err := json.Unmarshal([]byte(stdout), &tr); err != nil || len(tr.Runs) != 1 {
		t.Errorf("history after kill -9: exit %d, %d runs (%v): %s", code, len(tr.Runs), err, stderr)
	}
	// The next run goes ahead and removes what the killed one left.
	if _, stderr, code := plumb(t, "", "run", small, "--reports", reports, "--at", "2024-06-03"); code != 0 {
		t.Fatalf("run after kill -9: exit %d: %s", code, stderr)
	}
	var names []string
	entries, _ := os.ReadDir(jobDir)
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got, want := strings.Join(names, " "), ".lock 20240601T000000Z 20240603T000000Z history.duckdb history.html latest trends.json"; got != want {
		t.Errorf("job folder after the next run: got %s, want %s", got, want)
	}
}

// TestRunBadJobFiles: a bad job file is an error (exit 2) that names the
// file, line and column, and runs nothing.
func TestRunBadJobFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, doc, want string
	}{
		{"unknown step", "name: j\nsources: {a: a.csv}\nsteps:\n  - sing: a\n", `bad.yaml: line 4, column 5: unknown step "sing"`},
		{"unset variable", "name: j\nsources: {a: 'postgres://u:${PLUMB_TEST_UNSET}@h/db?table=t'}\nsteps:\n  - inspect: a\n", "environment variable PLUMB_TEST_UNSET is not set"},
		{"missing rules file", "name: j\nsources: {a: a.csv}\nsteps:\n  - check: {source: a, rules: nowhere.yaml}\n", "step check: rules: open"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "bad.yaml")
			os.WriteFile(path, []byte(tt.doc), 0o644)
			_, stderr, code := plumb(t, "", "run", path, "--reports", filepath.Join(dir, "reports"))
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, %q; want exit 2 and %q", code, stderr, tt.want)
			}
			if _, err := os.Stat(filepath.Join(dir, "reports")); err == nil {
				t.Error("a bad job file made a reports folder")
			}
		})
	}
}

// TestRunAlertNotDelivered: a webhook that answers 500 is said on stderr
// (its URL's secret never), changes no exit code, and makes exit 3 with
// --strict-alerts; the run is kept either way.
func TestRunAlertNotDelivered(t *testing.T) {
	t.Parallel()
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }))
	defer hook.Close()
	dir, reports := t.TempDir(), t.TempDir()
	jobFile := filepath.Join(dir, "j.yaml")
	doc := "name: j\nsources: {a: a.csv}\nsteps:\n  - inspect: a\nanomalies: {metrics: [{metric: rows_loaded, max: 1}]}\n" +
		"notify: {retries: 1, backoff: 10ms, webhooks: [{url: '" + hook.URL + "/T0/B0/topsecret'}]}\n"
	for name, text := range map[string]string{"j.yaml": doc, "a.csv": "id\n1\n2\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		at    string
		flags []string
		exit  int
	}{
		{at: "2024-06-01", exit: 1},
		{at: "2024-06-02", flags: []string{"--strict-alerts"}, exit: 3},
	} {
		stdout, stderr, code := plumb(t, "", append([]string{"run", jobFile, "--reports", reports, "--at", tt.at}, tt.flags...)...)
		if code != tt.exit || !strings.Contains(stderr, "alert to webhook-1 (http://127.0.0.1:") || !strings.Contains(stderr, "gave up after 2 attempt(s): HTTP 500") ||
			!strings.Contains(stdout, "alert webhook-1: 1 alert(s) NOT delivered") {
			t.Errorf("%v: exit %d, want %d\nstdout: %s\nstderr: %s", tt.flags, code, tt.exit, stdout, stderr)
		}
		if strings.Contains(stdout+stderr, "topsecret") {
			t.Errorf("the webhook's secret shows:\n%s%s", stdout, stderr)
		}
	}
	if runs, _ := filepath.Glob(filepath.Join(reports, "j", "2024*", "summary.json")); len(runs) != 2 {
		t.Errorf("got %d runs kept, want 2", len(runs))
	}
}
