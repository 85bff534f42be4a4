package report

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// chromium finds a Chromium to render reports with; .ci/run installs
// Debian's when it is missing.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("PLUMB_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium on PATH (.ci/run installs Debian's chromium; set PLUMB_CHROMIUM to use another): the HTML reports were not rendered in a browser")
	return ""
}

// headless runs chromium headless on a page with extra flags and returns
// its stdout and stderr.
func headless(t *testing.T, bin, url string, flags ...string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--no-first-run", "--user-data-dir=" + t.TempDir(),
		"--enable-logging=stderr", "--v=0"}, flags...)
	cmd := exec.CommandContext(ctx, bin, append(args, url)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	return stdout.String(), stderr.String()
}

// consoleError matches what Chromium logs for a page's console errors and
// uncaught exceptions.
var consoleError = regexp.MustCompile(`(?i)CONSOLE.*(error|uncaught)|Uncaught `)

// TestHTMLInABrowser renders each kind of HTML report, and a 200-column
// profile, in headless Chromium: the page's script must run to its end
// without errors, sorting and filtering must work (the page's #selftest),
// the key elements must be in the DOM, and a screenshot must come out.
func TestHTMLInABrowser(t *testing.T) {
	bin := chromium(t)
	r, _ := New("html")
	cases := results(t)
	cases = append(cases, struct {
		name   string
		result any
		ids    []string
	}{"profile of 200 columns", wideProfile(t, 200), []string{"overview", "columns-table"}},
		struct {
			name   string
			result any
			ids    []string
		}{"profile of packed columns", wideProfile(t, packedColumns+1), []string{"overview", "columns-table", "plumb-details"}})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			page := filepath.Join(dir, "report.html")
			var b bytes.Buffer
			if err := Render(r, &b, c.result); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			// The virtual time budget lets the page's asynchronous work
			// (unpacking packed details) finish before the DOM is dumped.
			dom, logs := headless(t, bin, "file://"+page+"#selftest", "--dump-dom", "--virtual-time-budget=10000")
			if m := consoleError.FindString(logs); m != "" {
				t.Errorf("console error: %s\n%s", m, logs)
			}
			for _, want := range []string{`data-ready="1"`, `data-selftest="ok"`} {
				if !strings.Contains(dom, want) {
					t.Errorf("the rendered DOM lacks %s (the script failed?)", want)
				}
			}
			if strings.Contains(dom, `id="plumb-details"`) && !strings.Contains(dom, `data-details="ok"`) {
				t.Errorf("the first packed detail did not unpack (data-details: %s)", regexp.MustCompile(`data-details="[^"]*"`).FindString(dom))
			}
			if strings.Contains(dom, `data-errors=`) {
				t.Errorf("the page recorded script errors")
			}
			for _, id := range c.ids {
				if !strings.Contains(dom, `id="`+id+`"`) {
					t.Errorf("the rendered DOM has no element %q", id)
				}
			}
			shot := filepath.Join(dir, "report.png")
			headless(t, bin, "file://"+page, "--screenshot="+shot, "--window-size=1280,900", "--hide-scrollbars")
			png, err := os.ReadFile(shot)
			if err != nil {
				t.Fatalf("no screenshot: %v", err)
			}
			if !bytes.HasPrefix(png, []byte("\x89PNG")) || len(png) < 10_000 {
				t.Errorf("the screenshot is %d bytes and not a picture of a page", len(png))
			}
		})
	}
}
