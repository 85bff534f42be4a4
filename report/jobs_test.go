package report

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// jobTrends makes a job's trends over n daily runs: exit codes in turn
// from exits, volumes around 1000 with a drop on run 5.
func jobTrends(name string, n int, exits ...int) *JobTrends {
	start := time.Date(2024, 6, 1, 2, 0, 0, 0, time.UTC)
	tr := &JobTrends{SchemaVersion: 1, Job: name}
	rows := Series{Step: "profile", Metric: "rows_loaded", Values: make([]*float64, n)}
	missing := Series{Step: "diff", Metric: "only_in_source", Values: make([]*float64, n)}
	nulls := Series{Step: "profile", Metric: "null_share", Column: "e<mail>", Values: make([]*float64, n)}
	for i := range n {
		at := start.Add(time.Duration(i) * 24 * time.Hour)
		code := exits[i%len(exits)]
		tr.Runs = append(tr.Runs, JobRun{Run: at.Format("20060102T150405Z"), At: at, ExitCode: code, Anomalies: code, Seconds: 1.5})
		v, m, s := 1000.0+float64(i%3), 0.0, 0.05
		if i == 5 {
			v, m = 700, 40
		}
		rows.Values[i], missing.Values[i], nulls.Values[i] = &v, &m, &s
		if code < 2 {
			last := at
			tr.LastSuccess = &last
		}
	}
	missing.Values[2] = nil // a run that did not measure it
	tr.Series = []Series{missing, nulls, rows}
	return tr
}

func TestDashboardContent(t *testing.T) {
	t.Parallel()
	d := &Dashboard{Generated: time.Date(2024, 6, 20, 0, 0, 0, 0, time.UTC), Jobs: []*JobTrends{
		jobTrends("zeta", 10, 0, 0, 1), jobTrends("alpha & co", 3, 2), {SchemaVersion: 1, Job: "fresh"}}}
	var b bytes.Buffer
	if err := WriteDashboard(&b, d); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{
		`<a href="alpha%20&amp;%20co/history.html">alpha &amp; co</a>`, // escaped, linked
		`href="zeta/20240610T020000Z/summary.json"`,                    // the last run
		`<span class="badge fail">error</span>`,                        // alpha's last run
		`<span class="badge pass">clean</span>`,                        // zeta's
		`class="finding">never</span>`,                                 // alpha never succeeded
		`aria-label="profile rows_loaded"`,                             // a key metric's sparkline
		`aria-label="diff only_in_source"`,
		"no runs", // fresh
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the dashboard lacks %s", want)
		}
	}
	// Jobs are sorted; column metrics are not key metrics.
	if strings.Index(page, "alpha") > strings.Index(page, "zeta") || strings.Contains(page, "null_share") {
		t.Error("jobs out of order, or a column metric among the key metrics")
	}
	if n := strings.Count(page, `<a class="`); n != 13 {
		t.Errorf("got %d run links, want 13", n)
	}
	// Self-contained: nothing is fetched.
	if m := regexp.MustCompile(`(?i)(src|href)="(https?:)?//`).FindString(page); m != "" {
		t.Errorf("the page fetches %s", m)
	}
}

func TestJobHistoryContent(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := WriteJobHistory(&b, jobTrends("sync", 10, 0, 1)); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{
		"<title>History of job sync</title>", "10 runs, 20240601T020000Z to 20240610T020000Z",
		`<a href="20240610T020000Z/">folder</a>`, `aria-label="profile null_share(e&lt;mail&gt;)"`,
		`<circle class="findings"`, `<title>20240606T020000Z: 700</title>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the history page lacks %s", want)
		}
	}
	// The newest run is listed first.
	if strings.Index(page, `"20240610T020000Z/"`) > strings.Index(page, `"20240601T020000Z/"`) {
		t.Error("runs are not newest first")
	}
}

// TestJobPagesInABrowser renders the dashboard and a job's history page
// in headless Chromium: no console errors, the script runs to its end,
// sorting and filtering work, and the right jobs, runs and charts are in
// the DOM.
func TestJobPagesInABrowser(t *testing.T) {
	bin := chromium(t)
	pages := []struct {
		name  string
		write func(*bytes.Buffer) error
		want  []string
	}{
		{"dashboard", func(b *bytes.Buffer) error {
			return WriteDashboard(b, &Dashboard{Generated: time.Now(), Jobs: []*JobTrends{jobTrends("nightly", 30, 0, 0, 0, 1), jobTrends("broken", 4, 2)}})
		}, []string{`id="jobs-table"`, `data-job="nightly"`, `data-job="broken"`, `class="spark"`, `data-count="jobs-table">2 of 2`}},
		{"history", func(b *bytes.Buffer) error { return WriteJobHistory(b, jobTrends("nightly", 30, 0, 1)) },
			[]string{`id="runs-table"`, `id="metrics-table"`, `class="chart"`, `data-count="metrics-table">3 of 3`}},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "index.html")
			var b bytes.Buffer
			if err := p.write(&b); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			dom, logs := headless(t, bin, "file://"+path+"#selftest", "--dump-dom")
			if m := consoleError.FindString(logs); m != "" {
				t.Errorf("console error: %s\n%s", m, logs)
			}
			for _, want := range append([]string{`data-ready="1"`, `data-selftest="ok"`}, p.want...) {
				if !strings.Contains(dom, want) {
					t.Errorf("the rendered DOM lacks %s", want)
				}
			}
			if strings.Contains(dom, "data-errors=") {
				t.Error("the page recorded script errors")
			}
			if n := strings.Count(dom, "<svg"); n < 2 {
				t.Errorf("%d charts rendered", n)
			}
		})
	}
}
