//go:build duckdb_arrow

package main

import (
	"bytes"
	"encoding/json"
	goldenfile "github.com/plumb-data/plumb/internal/golden"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plumb-data/plumb/internal/enginetest"
)

// plumb runs the real command with args, from the repository root so that
// paths read as in the README, and returns stdout, stderr and the exit
// code.
func plumb(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	args = append([]string{"--threads", "2"}, args...)
	code := run(t.Context(), args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), code
}

func TestMain(m *testing.M) {
	// Run as the plumb binary itself, for tests that signal or kill a
	// real process (see startPlumb).
	if os.Getenv("PLUMB_TEST_MAIN") == "1" {
		main()
	}
	// Paths in commands and golden files are relative to the repository root.
	if err := os.Chdir(filepath.Join("..", "..")); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", "golden", name), []byte(got))
}

// cliCase is one run of plumb and what it must print and return.
type cliCase struct {
	name       string
	args       []string
	stdin      string
	wantCode   int
	golden     string // stdout golden file; "" to skip
	wantStdout []string
	wantStderr []string
}

// runCases runs each case in parallel; mask, when set, rewrites stdout
// before it is checked (to hide wall times).
func runCases(t *testing.T, cases []cliCase, mask func(string) string) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := plumb(t, tt.stdin, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code: got %d, want %d\nstderr: %s", code, tt.wantCode, stderr)
			}
			if mask != nil {
				stdout = mask(stdout)
			}
			if tt.golden != "" {
				golden(t, tt.golden, stdout)
			}
			for _, w := range tt.wantStdout {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if strings.Contains(stdout+stderr, "hunter2") {
				t.Error("a password reached the output")
			}
		})
	}
}

func TestInspect(t *testing.T) {
	runCases(t, []cliCase{
		{name: "clean csv", args: []string{"inspect", "testdata/customers.csv"}, golden: "inspect_customers.txt"},
		{name: "clean csv json", args: []string{"inspect", "testdata/customers.csv", "--format", "json"}, golden: "inspect_customers.json"},
		{name: "parquet", args: []string{"inspect", "testdata/customers.parquet"}, golden: "inspect_customers_parquet.txt"},
		{name: "ndjson", args: []string{"inspect", "testdata/customers.ndjson"}, wantStdout: []string{"format     ndjson", "3,000 read = 3,000 loaded + 0 rejected"}},
		{name: "arrow", args: []string{"inspect", "testdata/customers.arrow"}, wantStdout: []string{"format     arrow", "3,000 loaded"}},
		{name: "raw", args: []string{"inspect", "--raw", "testdata/zoo/leading_zeros.csv"}, wantStdout: []string{"1  id      VARCHAR", "2  code    VARCHAR"}},
		{name: "rejected rows", args: []string{"inspect", "testdata/zoo/ragged.csv"}, wantCode: 1, golden: "inspect_ragged.txt"},
		{name: "rejected rows json", args: []string{"inspect", "testdata/zoo/ragged.csv", "--format", "json"}, wantCode: 1, golden: "inspect_ragged.json"},
		{name: "renamed headers", args: []string{"inspect", "testdata/zoo/duplicate_headers.csv"}, golden: "inspect_duplicate_headers.txt"},
		{name: "latin-1 detected", args: []string{"inspect", "testdata/zoo/latin1.csv"}, wantStdout: []string{"3 read = 3 loaded + 0 rejected", "encoding   latin-1"}},
		{name: "encoding hint", args: []string{"inspect", "--encoding", "utf-8", "testdata/zoo/latin1.csv"}, wantCode: 1,
			wantStdout: []string{"line 2  INVALID ENCODING", "try --encoding latin-1"}},
		{name: "latin-1", args: []string{"inspect", "--encoding", "latin-1", "testdata/zoo/latin1.csv"}, wantStdout: []string{"3 read = 3 loaded + 0 rejected", "encoding   latin-1"}},
		{name: "glob", args: []string{"inspect", "testdata/multi/part*.csv"}, wantCode: 1,
			wantStdout: []string{"file       testdata/multi/part1.csv (2 loaded, 0 rejected)", "testdata/multi/part2.csv:4  TOO MANY COLUMNS"}},
		{name: "stdin", args: []string{"inspect", "-"}, stdin: "a,b\n1,2\n3,4\n", wantStdout: []string{"2 read = 2 loaded + 0 rejected"}},
		{name: "stdin with format", args: []string{"inspect", "tsv:-"}, stdin: "a\tb\n1\t2\n", wantStdout: []string{`delimiter '\t'`}},
		{name: "two sources", args: []string{"inspect", "testdata/zoo/crlf.csv", "testdata/zoo/ragged.csv"}, wantCode: 1,
			wantStdout: []string{"testdata/zoo/crlf.csv\n", "testdata/zoo/ragged.csv\n"}},
		{name: "empty file", args: []string{"inspect", "testdata/zoo/empty.csv"}, wantCode: 2,
			wantStderr: []string{"plumb: testdata/zoo/empty.csv: source is empty"}},
		{name: "missing file", args: []string{"inspect", "testdata/nope.csv"}, wantCode: 2,
			wantStderr: []string{"testdata/nope.csv: no such file or directory"}},
		{name: "no match", args: []string{"inspect", "testdata/nope*.csv"}, wantCode: 2, wantStderr: []string{"no files match"}},
		{name: "bad ndjson line", args: []string{"inspect", "testdata/zoo/bad_lines.ndjson"}, wantCode: 1,
			wantStdout: []string{"line 2  INVALID JSON", "line 5  INVALID JSON"}},
		{name: "no args", args: []string{"inspect"}, wantCode: 2, wantStderr: []string{"requires at least 1 arg"}},
		{name: "bad format", args: []string{"inspect", "--format", "xml", "testdata/customers.csv"}, wantCode: 2, wantStderr: []string{`unknown report format "xml"`}},
		{name: "bad flag", args: []string{"inspect", "--bogus", "x"}, wantCode: 2, wantStderr: []string{"unknown flag: --bogus"}},
		{name: "bad delimiter", args: []string{"inspect", "--delimiter", "ab", "x.csv"}, wantCode: 2, wantStderr: []string{"--delimiter"}},
		{name: "bad encoding", args: []string{"inspect", "--encoding", "ebcdic", "x.csv"}, wantCode: 2, wantStderr: []string{"unknown encoding"}},
		{name: "header flags exclusive", args: []string{"inspect", "--header", "--no-header", "x.csv"}, wantCode: 2, wantStderr: []string{"none of the others can be"}},
		{name: "database password hidden", args: []string{"inspect", "postgres://u:hunter2@h/db"}, wantCode: 2, wantStderr: []string{"u:xxxxx@h"}},
		{name: "version", args: []string{"version"}, wantStdout: []string{"DuckDB v1.5.6"}},
		{name: "completion", args: []string{"completion", "bash"}, wantStdout: []string{"bash completion"}},
	}, nil)
}

func TestInspectWritesRejectsAndReport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rejects, report := filepath.Join(dir, "rejects.csv"), filepath.Join(dir, "report.json")
	stdout, stderr, code := plumb(t, "", "inspect", "testdata/zoo/ragged.csv", "testdata/multi/part*.csv",
		"--rejects", rejects, "--format", "json", "-o", report)
	if code != 1 || stdout != "" {
		t.Fatalf("got exit %d, stdout %q, stderr %q; want 1 and the report in the file", code, stdout, stderr)
	}
	recs := enginetest.ReadCSV(t, rejects)
	var lines []string
	for _, r := range recs[1:] {
		lines = append(lines, filepath.Base(r[0])+":"+r[1])
	}
	if got, want := strings.Join(lines, " "), "part2.csv:4 ragged.csv:3 ragged.csv:4 ragged.csv:6"; got != want {
		t.Errorf("rejects: got %s, want %s", got, want)
	}
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		SchemaVersion int    `json:"schema_version"`
		Kind          string `json:"kind"`
		Result        []struct {
			RowsRead, RowsLoaded, RowsRejected int64 `json:",omitempty"`
		} `json:"result"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.SchemaVersion != 1 || doc.Kind != "inspect" || len(doc.Result) != 2 {
		t.Errorf("report: got %s", b)
	}
}
