//go:build duckdb_arrow

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/plumb-data/plumb/internal/synth"
)

// startPlumb starts this test binary as the plumb command (TestMain runs
// main when PLUMB_TEST_MAIN is set), so that it can be signalled and
// killed like the real thing.
func startPlumb(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "PLUMB_TEST_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &stderr
}

// bigCSV is a generated extract large enough that plumb is still working
// on it a second after it starts.
func bigCSV(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("generates a 100 MB extract")
	}
	p, err := synth.CachedFile(os.TempDir(), synth.Config{Rows: 600_000, Seed: 5, Mess: true})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// waitForWork waits until the run has made its working directory under
// tmp (the session is open and loading), then a little more.
func waitForWork(t *testing.T, tmp string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m, _ := filepath.Glob(filepath.Join(tmp, "plumb-*-work")); len(m) > 0 {
			time.Sleep(700 * time.Millisecond)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("plumb never started working")
}

func exitStatus(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// leftovers lists what is in dir (recursively), as paths relative to it.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if p != dir && err == nil {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

func TestSignalsStopAndClean(t *testing.T) {
	big := bigCSV(t)
	for _, tc := range []struct {
		name string
		sig  syscall.Signal
		want int
		args []string
	}{
		{"SIGTERM during profile -o", syscall.SIGTERM, 143, []string{"profile", big, "--format", "json", "-o", "OUT/report.json"}},
		{"SIGINT during check --quarantine", syscall.SIGINT, 130, []string{"check", big, "--rules", "RULES", "--quarantine", "OUT/q.csv", "--passing", "OUT/p.csv"}},
		{"SIGTERM during diff --diffs", syscall.SIGTERM, 143, []string{"diff", big, big, "--key", "customer_id", "--diffs", "OUT/d.csv", "-o", "OUT/diff.json", "--format", "json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, tmp := t.TempDir(), t.TempDir()
			rules := filepath.Join(t.TempDir(), "rules.yaml")
			os.WriteFile(rules, []byte("checks:\n  - not_null: email\n  - pattern: {column: phone, regex: '^[0-9]+$'}\n"), 0o644)
			args := []string{"--threads", "1", "--temp-dir", tmp}
			for _, a := range tc.args {
				a = strings.ReplaceAll(a, "OUT", out)
				args = append(args, strings.ReplaceAll(a, "RULES", rules))
			}
			cmd, stderr := startPlumb(t, args...)
			waitForWork(t, tmp)
			cmd.Process.Signal(tc.sig)
			code := exitStatus(cmd.Wait())
			if code != tc.want {
				t.Fatalf("exit code %d, want %d; stderr:\n%s", code, tc.want, stderr)
			}
			if left := leftovers(t, out); len(left) > 0 {
				t.Errorf("files left in the output directory: %v", left)
			}
			if left := leftovers(t, tmp); len(left) > 0 {
				t.Errorf("files left in the temporary directory: %v", left)
			}
		})
	}
}

func TestKill9LeavesNoFinalFile(t *testing.T) {
	big := bigCSV(t)
	out, tmp := t.TempDir(), t.TempDir()
	q := filepath.Join(out, "q.csv")
	rules := filepath.Join(t.TempDir(), "rules.yaml")
	os.WriteFile(rules, []byte("checks:\n  - pattern: {column: phone, regex: '^[0-9]+$'}\n"), 0o644)
	cmd, _ := startPlumb(t, "--threads", "1", "--temp-dir", tmp, "check", big, "--rules", rules, "--quarantine", q, "-o", filepath.Join(out, "r.txt"))
	waitForWork(t, tmp)
	cmd.Process.Kill()
	cmd.Wait()
	for _, f := range []string{q, filepath.Join(out, "r.txt")} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%s exists after kill -9", f)
		}
	}
	// What the killed run could not remove, the next run does.
	small := filepath.Join(t.TempDir(), "small.csv")
	os.WriteFile(small, []byte("customer_id,phone\n1,555\n"), 0o644)
	_, stderr, code := plumb(t, "", "--temp-dir", tmp, "check", small, "--rules", rules, "--quarantine", q)
	if code != 0 {
		t.Fatalf("second run: exit %d: %s", code, stderr)
	}
	if left := leftovers(t, tmp); len(left) > 0 {
		t.Errorf("left in the temporary directory after the next run: %v", left)
	}
	if left := leftovers(t, out); len(left) != 1 || left[0] != "q.csv" {
		t.Errorf("output directory holds %v, want q.csv alone", left)
	}
}

func TestRefusedBeforeWork(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	csv := "testdata/customers.csv"
	out := filepath.Join(dir, "x.html")
	cases := []cliCase{
		{name: "threads negative", args: []string{"--threads", "-1", "inspect", csv}, wantCode: 2, wantStderr: []string{"--threads -1"}},
		{name: "threads huge", args: []string{"--threads", "100000", "inspect", csv}, wantCode: 2, wantStderr: []string{"--threads 100000"}},
		{name: "memory limit negative", args: []string{"--memory-limit", "-5GB", "inspect", csv}, wantCode: 2, wantStderr: []string{"--memory-limit"}},
		{name: "memory share over 100%", args: []string{"--memory-limit", "150%", "inspect", csv}, wantCode: 2, wantStderr: []string{"--memory-limit"}},
		{name: "temp dir missing", args: []string{"--temp-dir", filepath.Join(dir, "nope"), "inspect", csv}, wantCode: 2, wantStderr: []string{"--temp-dir", "no such file"}},
		{name: "empty delimiter", args: []string{"inspect", csv, "--delimiter", ""}, wantCode: 2, wantStderr: []string{"--delimiter: empty"}},
		{name: "empty null", args: []string{"inspect", csv, "--null", ""}, wantCode: 2, wantStderr: []string{"--null"}},
		{name: "skip huge", args: []string{"inspect", csv, "--skip", "999999999999"}, wantCode: 2, wantStderr: []string{"--skip"}},
		{name: "top negative", args: []string{"profile", csv, "--top", "-5"}, wantCode: 2, wantStderr: []string{"--top -5"}},
		{name: "sample too small", args: []string{"profile", csv, "--sample", "0.0001%"}, wantCode: 2, wantStderr: []string{"holds no row"}},
		{name: "no html for inspect", args: []string{"inspect", csv, "--format", "html", "-o", out}, wantCode: 2, wantStderr: []string{"inspect reports have no html format"}},
		{name: "no junit for profile", args: []string{"profile", csv, "--format", "junit", "-o", out}, wantCode: 2, wantStderr: []string{"profile reports have no junit format"}},
	}
	runCases(t, cases, nil)
	if _, err := os.Stat(out); err == nil {
		t.Errorf("%s was written for a refused format", out)
	}
}

func TestOneBadSourceHidesNoOther(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := plumb(t, "", "inspect", "testdata/customers.csv", "testdata/no-such-file.csv")
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	if !strings.Contains(stdout, "testdata/customers.csv") || !strings.Contains(stdout, "columns") {
		t.Errorf("the readable source is not reported:\n%s", stdout)
	}
	if !strings.Contains(stderr, "no-such-file.csv") {
		t.Errorf("the unreadable source is not named: %s", stderr)
	}
}

func TestRejectsAreFindings(t *testing.T) {
	t.Parallel()
	ragged := "testdata/zoo/ragged.csv"
	rules := filepath.Join(t.TempDir(), "rules.yaml")
	os.WriteFile(rules, []byte("checks:\n  - row_count: {min: 0}\n"), 0o644)
	cases := []cliCase{
		{name: "inspect", args: []string{"inspect", ragged}, wantCode: 1},
		{name: "profile", args: []string{"profile", ragged}, wantCode: 1, wantStderr: []string{"rejected while loading"}},
		{name: "check", args: []string{"check", ragged, "--rules", rules}, wantCode: 1},
		{name: "profile, rejects expected", args: []string{"profile", ragged, "--allow-rejects"}, wantCode: 0, wantStderr: []string{"rejected while loading"}},
		{name: "check, rejects expected", args: []string{"check", ragged, "--rules", rules, "--allow-rejects"}, wantCode: 0},
	}
	runCases(t, cases, nil)
}

func TestMemoryLimit(t *testing.T) {
	t.Parallel()
	total := physicalMemory()
	for _, tc := range []struct {
		flag string
		want int64
	}{
		{"4GB", 4e9}, {"512MiB", 512 << 20}, {"", int64(float64(total) * defaultMemoryShare)}, {"25%", int64(float64(total) * 0.25)},
	} {
		got, err := memoryLimit(tc.flag)
		if err != nil || got != tc.want {
			t.Errorf("memoryLimit(%q) = %d, %v; want %d", tc.flag, got, err, tc.want)
		}
	}
	for _, bad := range []string{"-5GB", "0", "150%", "0%", "lots", "5XB"} {
		if _, err := memoryLimit(bad); err == nil {
			t.Errorf("memoryLimit(%q) accepted", bad)
		}
	}
	// One limit for DuckDB and Go together, the profile's budget within
	// Go's part.
	if duck, goSoft, prof := memoryShares(4e9); duck+goSoft != 4e9 || duck != 3e9 || prof <= 0 || prof >= goSoft {
		t.Errorf("memoryShares(4GB) = %d, %d, %d; want DuckDB 3 GB, Go the rest, the profile within Go's part", duck, goSoft, prof)
	}
	if duck, goSoft, prof := memoryShares(0); duck != 0 || goSoft != 0 || prof != 0 {
		t.Errorf("memoryShares(0) = %d, %d, %d; want no limits", duck, goSoft, prof)
	}
	// The session gets the limit.
	stdout, stderr, code := plumb(t, "", "--memory-limit", "25%", "--log-level", "debug", "inspect", "testdata/customers.csv")
	if code != 0 || stdout == "" {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if total > 0 && !strings.Contains(stderr, "memory_limit") {
		t.Errorf("the session was not given a memory limit:\n%s", stderr)
	}
}

// TestFolderNamesAreNotColumns: a file under folders named like
// "id=99/region=EU/" is read as written, in every format (DuckDB's hive
// partitioning overwrote the file's own columns with the folder names),
// and two partitions' files diff on their contents alone.
func TestFolderNamesAreNotColumns(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	put := func(rel, body string) string {
		p := filepath.Join(dir, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	csv := put("exports/id=99/region=EU/data.csv", "id,name,region\n1,a,US\n")
	ndjson := put("exports/id=99/region=EU/data.ndjson", `{"id":1,"name":"a","region":"US"}`+"\n")
	rules := put("rules.yaml", "checks:\n  - row_count: {min: 0}\n")
	// Parquet through plumb itself: the passing rows of the CSV.
	parquet := filepath.Join(dir, "exports", "id=99", "region=EU", "data.parquet")
	if _, stderr, code := plumb(t, "", "check", csv, "--rules", rules, "--passing", parquet); code != 0 {
		t.Fatalf("writing the Parquet file: exit %d: %s", code, stderr)
	}
	for _, src := range []string{csv, ndjson, parquet} {
		out := filepath.Join(t.TempDir(), "rows.ndjson")
		if _, stderr, code := plumb(t, "", "check", src, "--rules", rules, "--passing", out); code != 0 {
			t.Fatalf("%s: exit %d: %s", src, code, stderr)
		}
		b, _ := os.ReadFile(out)
		got := strings.TrimSpace(string(b))
		if strings.Contains(got, "99") || strings.Contains(got, "EU") || !strings.Contains(got, `"region":"US"`) {
			t.Errorf("%s read as %s, want id 1 and region US as written", filepath.Base(src), got)
		}
	}
	a := put("dt=2024-01-01/x.csv", "k,v\n1,a\n")
	b := put("dt=2024-01-02/x.csv", "k,v\n1,a\n")
	if stdout, stderr, code := plumb(t, "", "diff", a, b, "--key", "k"); code != 0 {
		t.Errorf("two partitions with the same rows differ: exit %d\n%s%s", code, stdout, stderr)
	}
}
