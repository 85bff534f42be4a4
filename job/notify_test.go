//go:build duckdb_arrow

package job

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// hook is a local webhook: it answers each post with the next of its
// statuses (the last one over and over), after delay, and keeps what it
// was posted.
type hook struct {
	mu       sync.Mutex
	statuses []int
	delay    time.Duration
	bodies   [][]byte
	paths    []string
	srv      *httptest.Server
}

func newHook(t *testing.T, delay time.Duration, statuses ...int) *hook {
	h := &hook{statuses: statuses, delay: delay}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.bodies = append(h.bodies, b)
		h.paths = append(h.paths, r.URL.Path)
		status := h.statuses[min(len(h.bodies), len(h.statuses))-1]
		h.mu.Unlock()
		if r.Header.Get("Content-Type") != "application/json" {
			status = http.StatusUnsupportedMediaType
		}
		select {
		case <-time.After(h.delay):
		case <-r.Context().Done():
			return
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) posts() [][]byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([][]byte(nil), h.bodies...)
}

// alertJob is a job whose check fails while email has an empty value:
// findings, and an anomaly by an absolute bound (no history needed).
func alertJob(url, notify string) string {
	return `name: j
sources: {a: a.csv}
steps:
  - check:
      source: a
      checks:
        - not_null: email
anomalies:
  metrics:
    - {step: check, metric: failing_rows, max: 0}
notify:
  webhooks:
    - {url: "` + url + `", format: json}
` + notify
}

const clean = "id,name,email\n1,Ann,ann@x.org\n2,Bob,bob@x.org\n"

// runAt runs a job at a day after 2024-06-01 with a.csv's text.
func runAt(t *testing.T, path, reports string, day int, csv string) *Summary {
	t.Helper()
	if err := os.WriteFile(filepath.Join(filepath.Dir(path), "a.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	j, err := Load(path, env(map[string]string{"HOOK_SECRET": "s3cr3t-token"}))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 6, 1, 2, 0, 0, 0, time.UTC).Add(time.Duration(day) * 24 * time.Hour)
	sum, err := Run(t.Context(), j, Options{Reports: reports, Open: open, At: at})
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func TestAlertDelivery(t *testing.T) {
	t.Parallel()
	h := newHook(t, 0, 200)
	path := writeJob(t, alertJob(h.srv.URL+"/hooks/${HOOK_SECRET}", ""), nil)
	reports := t.TempDir()
	sum := runAt(t, path, reports, 0, people)
	if sum.ExitCode != ExitFindings || len(sum.Alerts) != 1 || !sum.Alerts[0].Delivered || sum.Alerts[0].Attempts != 1 {
		t.Fatalf("got exit %d, alerts %+v; want exit 1 and one delivered alert", sum.ExitCode, sum.Alerts)
	}
	posts := h.posts()
	if len(posts) != 1 || h.paths[0] != "/hooks/s3cr3t-token" {
		t.Fatalf("the webhook got %d posts at %v, want 1 at /hooks/s3cr3t-token", len(posts), h.paths)
	}
	var doc AlertDocument
	if err := json.Unmarshal(posts[0], &doc); err != nil {
		t.Fatal(err)
	}
	// Findings are not among the default events: only the anomaly.
	if doc.Job != "j" || doc.Run != "20240601T020000Z" || doc.ExitCode != 1 || doc.Status != StatusFindings ||
		len(doc.Alerts) != 1 || doc.Alerts[0].Event != EventAnomaly || doc.Alerts[0].Key != "anomaly/check/failing_rows" ||
		!strings.Contains(doc.Alerts[0].Message, "failing_rows = 1, past its max of 0") || !strings.HasSuffix(doc.Reports, "20240601T020000Z") {
		t.Errorf("the alert document: %s", posts[0])
	}
	// The secret in the URL is nowhere in the run's files.
	runDir := filepath.Join(reports, "j", sum.Run)
	b, err := os.ReadFile(filepath.Join(runDir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "s3cr3t") || !strings.Contains(string(b), `"webhook": "webhook-1"`) {
		t.Errorf("summary.json: the alert is missing, or the secret shows:\n%s", b)
	}
}

func TestAlertSlackPayload(t *testing.T) {
	t.Parallel()
	h := newHook(t, 0, 200)
	doc := strings.Replace(alertJob(h.srv.URL+"/services/T0/B0/x", "  on: [failure, findings, anomaly]\n"), "format: json", "format: slack", 1)
	path := writeJob(t, doc, nil)
	runAt(t, path, t.TempDir(), 0, people)
	posts := h.posts()
	if len(posts) != 1 {
		t.Fatalf("got %d posts, want 1", len(posts))
	}
	var msg struct {
		Text   string `json:"text"`
		Blocks []struct {
			Type string `json:"type"`
			Text *struct {
				Type, Text string
			} `json:"text"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(posts[0], &msg); err != nil {
		t.Fatal(err)
	}
	if msg.Text != "plumb job j: 1 step with findings, 1 anomaly" || len(msg.Blocks) != 3 || msg.Blocks[0].Type != "section" ||
		msg.Blocks[1].Text == nil || msg.Blocks[1].Text.Type != "mrkdwn" ||
		!strings.Contains(msg.Blocks[1].Text.Text, "• step check (check) has findings: failing rows 1, checks failed 1") ||
		!strings.Contains(msg.Blocks[1].Text.Text, "• check failing_rows = 1") || msg.Blocks[2].Type != "context" {
		t.Errorf("the Slack message:\n%s", posts[0])
	}
}

func TestAlertRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		delay     time.Duration
		statuses  []int
		notify    string
		delivered bool
		attempts  int
		errText   string
	}{
		{name: "a 500 is retried", statuses: []int{500, 503, 200}, notify: "  backoff: 10ms\n", delivered: true, attempts: 3},
		{name: "429 is retried", statuses: []int{429, 200}, notify: "  backoff: 10ms\n", delivered: true, attempts: 2},
		{name: "gives up after the retries", statuses: []int{500}, notify: "  backoff: 10ms\n  retries: 2\n", attempts: 3, errText: "gave up after 3 attempt(s): HTTP 500"},
		{name: "a 404 is not retried", statuses: []int{404}, notify: "  backoff: 10ms\n", attempts: 1, errText: "refused the alert: HTTP 404"},
		{name: "no time for the next wait", statuses: []int{500}, notify: "  backoff: 2s\n  timeout: 1s\n", attempts: 1, errText: "no time left for a retry"},
		{name: "a slow webhook times out", delay: 5 * time.Second, statuses: []int{200}, notify: "  timeout: 300ms\n", attempts: 1, errText: "timed out after 300ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHook(t, tt.delay, tt.statuses...)
			path := writeJob(t, alertJob(h.srv.URL+"/hooks/${HOOK_SECRET}", tt.notify), nil)
			reports := t.TempDir()
			start := time.Now()
			sum := runAt(t, path, reports, 0, people)
			if took := time.Since(start); took > 4*time.Second {
				t.Errorf("the run took %s: the webhook's time is not bounded", took)
			}
			if len(sum.Alerts) != 1 {
				t.Fatalf("got alerts %+v, want one", sum.Alerts)
			}
			a := sum.Alerts[0]
			if a.Delivered != tt.delivered || a.Attempts != tt.attempts || !strings.Contains(a.Error, tt.errText) || (tt.errText == "") != (a.Error == "") {
				t.Errorf("got delivered %v after %d attempts, error %q; want %v, %d, %q", a.Delivered, a.Attempts, a.Error, tt.delivered, tt.attempts, tt.errText)
			}
			if strings.Contains(a.Error, "s3cr3t") || strings.Contains(a.URL, "s3cr3t") {
				t.Errorf("the secret shows: %+v", a)
			}
			// An alert that did not get there changes neither the verdict
			// nor what the run keeps.
			if sum.ExitCode != ExitFindings || sum.AlertsFailed() == tt.delivered {
				t.Errorf("exit %d, alerts failed %v", sum.ExitCode, sum.AlertsFailed())
			}
			if n := historyRuns(t, filepath.Join(reports, "j", "history.duckdb")); n != 1 {
				t.Errorf("history: %d runs, want 1", n)
			}
			var onDisk Summary
			b, _ := os.ReadFile(filepath.Join(reports, "j", sum.Run, "summary.json"))
			if err := json.Unmarshal(b, &onDisk); err != nil || len(onDisk.Alerts) != 1 || onDisk.Alerts[0].Delivered != tt.delivered {
				t.Errorf("summary.json does not tell the alert's fate: %s", b)
			}
		})
	}
}

// TestAlertSuppressionAndRecovery: the same anomaly is not repeated within
// the suppression interval, is repeated after it, a recovery is told once
// the run is clean, and the anomaly's return after that is told at once.
// An alert that was not delivered is not suppressed next time.
func TestAlertSuppressionAndRecovery(t *testing.T) {
	t.Parallel()
	h := newHook(t, 0, 200)
	path := writeJob(t, alertJob(h.srv.URL+"/hooks/x", "  suppress: 48h\n"), nil)
	reports := t.TempDir()
	steps := []struct {
		day        int
		csv        string
		posted     string // the alert keys posted, "" for no post
		suppressed int
	}{
		{day: 0, csv: people, posted: "anomaly/check/failing_rows"},
		{day: 1, csv: people, suppressed: 1},
		{day: 2, csv: people, posted: "anomaly/check/failing_rows"},
		{day: 3, csv: clean, posted: "recovery"},
		{day: 4, csv: clean},
		{day: 5, csv: people, posted: "anomaly/check/failing_rows"},
	}
	seen := 0
	for _, st := range steps {
		sum := runAt(t, path, reports, st.day, st.csv)
		posts := h.posts()
		var posted []string
		for _, p := range posts[seen:] {
			var doc AlertDocument
			if err := json.Unmarshal(p, &doc); err != nil {
				t.Fatal(err)
			}
			for _, a := range doc.Alerts {
				posted = append(posted, a.Key)
			}
		}
		seen = len(posts)
		suppressed := 0
		for _, a := range sum.Alerts {
			suppressed += len(a.Suppressed)
		}
		if got := strings.Join(posted, " "); got != st.posted || suppressed != st.suppressed {
			t.Errorf("day %d: posted %q, %d suppressed; want %q, %d", st.day, got, suppressed, st.posted, st.suppressed)
		}
	}

	// A webhook that fails keeps nothing as sent: the next run tells it
	// again although within the interval.
	down := newHook(t, 0, 500, 500, 200)
	path = writeJob(t, alertJob(down.srv.URL+"/hooks/x", "  suppress: 48h\n  retries: 0\n"), nil)
	reports = t.TempDir()
	if sum := runAt(t, path, reports, 0, people); sum.Alerts[0].Delivered {
		t.Fatalf("day 0: got %+v, want undelivered", sum.Alerts)
	}
	if sum := runAt(t, path, reports, 1, people); sum.Alerts[0].Delivered || len(sum.Alerts[0].Suppressed) != 0 {
		t.Fatalf("day 1: got %+v, want tried again and undelivered", sum.Alerts)
	}
	if sum := runAt(t, path, reports, 2, people); !sum.Alerts[0].Delivered {
		t.Fatalf("day 2: got %+v, want delivered", sum.Alerts)
	}
}
