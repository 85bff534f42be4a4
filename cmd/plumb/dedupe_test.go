//go:build duckdb_arrow

package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// elapsed and seconds mask the wall times of a dedupe report, the one
// part of it that changes from run to run (the JSON stays JSON).
var (
	elapsed = regexp.MustCompile(`(?m)^  elapsed .*$`)
	seconds = regexp.MustCompile(`"seconds": [0-9.e-]+`)
)

func maskTimes(s string) string {
	return seconds.ReplaceAllString(elapsed.ReplaceAllString(s, "ELAPSED"), `"seconds": 0`)
}

func TestDedupe(t *testing.T) {
	people, config := "testdata/dedupe/people.csv", "testdata/dedupe/dedupe.yaml"
	// households.csv is voter-file-like: households, no true duplicates.
	households, householdsConfig := "testdata/dedupe/households.csv", "testdata/dedupe/households.yaml"
	runCases(t, []cliCase{
		{name: "text", args: []string{"dedupe", people, "--config", config, "--truth", "entity_id"}, wantCode: 1, golden: "dedupe_people.txt"},
		{name: "json", args: []string{"dedupe", people, "--config", config, "--format", "json"}, wantCode: 1, golden: "dedupe_people.json"},
		{name: "markdown", args: []string{"dedupe", people, "--config", config, "--format", "markdown"}, wantCode: 1, golden: "dedupe_people.md"},
		{name: "html", args: []string{"dedupe", people, "--config", config, "--truth", "entity_id", "--format", "html"}, wantCode: 1, golden: "dedupe_people.html"},
		{name: "junit is for check and diff", args: []string{"dedupe", people, "--config", config, "--format", "junit"}, wantCode: 2, wantStderr: []string{"dedupe reports have no junit format (want text, json, markdown, html)"}},
		{name: "no duplicates", args: []string{"dedupe", "testdata/diff/crm.csv", "--config", "testdata/dedupe/crm.yaml"}, wantStdout: []string{"0 duplicates"}},
		{name: "households warn", args: []string{"dedupe", households, "--config", householdsConfig}, wantCode: 1,
			wantStdout: []string{"warning          blocking rule 2 (birth_date): EM took", "too few to estimate m",
				"mostly disagree on first_name", "m of last_name, street, zip, phone never trained", "-4.97  m untrained"}},
		{name: "households warn in json", args: []string{"dedupe", households, "--config", householdsConfig, "--format", "json"}, wantCode: 1,
			wantStdout: []string{`"kind": "few_matches"`, `"kind": "matches_disagree"`, `"kind": "untrained"`, `"trained": false`}},
		{name: "households warn in markdown", args: []string{"dedupe", households, "--config", householdsConfig, "--format", "markdown"}, wantCode: 1,
			wantStdout: []string{"- **warning:** blocking rule 2", "(untrained)"}},
		{name: "households warn in html", args: []string{"dedupe", households, "--config", householdsConfig, "--format", "html"}, wantCode: 1,
			wantStdout: []string{"<h3>Warnings</h3>", ">untrained</span>"}},
		{name: "no config", args: []string{"dedupe", people}, wantCode: 2, wantStderr: []string{"--config is required"}},
		{name: "config error", args: []string{"dedupe", people, "--config", "testdata/dedupe/bad.yaml"}, wantCode: 2,
			wantStderr: []string{"testdata/dedupe/bad.yaml: line 6, column 14: unknown comparison \"fuzzy\""}},
		{name: "bad threshold", args: []string{"dedupe", people, "--config", config, "--threshold", "2"}, wantCode: 2, wantStderr: []string{"--threshold"}},
		{name: "missing column", args: []string{"dedupe", "testdata/diff/crm.csv", "--config", config}, wantCode: 2, wantStderr: []string{`no column "first_name"`}},
	}, maskTimes)
}

func TestDedupeWritesClusters(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "clusters.parquet")
	_, stderr, code := plumb(t, "", "dedupe", "testdata/dedupe/people.csv", "--config", "testdata/dedupe/dedupe.yaml", "--clusters", out)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	stdout, stderr, code := plumb(t, "", "inspect", out)
	if code != 0 || !strings.Contains(stdout, "400 read = 400 loaded") || !strings.Contains(stdout, "cluster_size") {
		t.Errorf("clusters file: exit %d\n%s%s", code, stdout, stderr)
	}
}
