//go:build duckdb_arrow

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLink(t *testing.T) {
	crm, erp, config := "testdata/dedupe/crm_people.csv", "testdata/dedupe/erp_people.csv", "testdata/dedupe/link.yaml"
	runCases(t, []cliCase{
		{name: "text", args: []string{"link", crm, erp, "--config", config, "--truth", "person=entity"}, wantCode: 1, golden: "link_people.txt"},
		{name: "json", args: []string{"link", crm, erp, "--config", config, "--one-to-one", "--format", "json"}, wantCode: 1, golden: "link_people.json"},
		{name: "markdown", args: []string{"link", crm, erp, "--config", config, "--truth", "person=entity", "--format", "markdown"}, wantCode: 1,
			wantStdout: []string{"| unmatched | 29 | 41 |", "| last_name | exact | 0.9", "(by term frequency)", "| first_name | swapped |", "Against person=entity: precision 1.0000"}},
		{name: "html", args: []string{"link", crm, erp, "--config", config, "--truth", "person=entity", "--format", "html"}, wantCode: 1,
			wantStdout: []string{"<h2>Weakest matches</h2>", `class="lv-swapped"`, "left unmatched"}},
		{name: "junit is for check and diff", args: []string{"link", crm, erp, "--config", config, "--format", "junit"}, wantCode: 2,
			wantStderr: []string{"link reports have no junit format (want text, json, markdown, html)"}},
		{name: "every record matched", args: []string{"link", crm, crm, "--config", "testdata/dedupe/link_same.yaml", "--one-to-one"}, wantCode: 0,
			wantStdout: []string{"261 matches", "261 records, 261 matched, 0 unmatched"}},
		{name: "no config", args: []string{"link", crm, erp}, wantCode: 2, wantStderr: []string{"--config is required"}},
		{name: "one source", args: []string{"link", crm, "--config", config}, wantCode: 2, wantStderr: []string{"accepts 2 arg(s), received 1"}},
		{name: "bad truth", args: []string{"link", crm, erp, "--config", config, "--truth", "person="}, wantCode: 2, wantStderr: []string{`--truth "person=": want a label column`}},
		{name: "missing column on the right", args: []string{"link", crm, crm, "--config", config}, wantCode: 2, wantStderr: []string{`no column "given_name" in the right source`}},
		{name: "dedupe config keys", args: []string{"dedupe", crm, "--config", config}, wantCode: 2, wantStderr: []string{"is for plumb link configs"}},
	}, maskTimes)
}

// TestLinkWritesFiles: the cross-reference holds one row per match, the
// unmatched file every record of either side in none, and the counts
// add up to the records of each side.
func TestLinkWritesFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	xref, unmatched := filepath.Join(dir, "xref.csv"), filepath.Join(dir, "unmatched.csv")
	_, stderr, code := plumb(t, "", "link", "testdata/dedupe/crm_people.csv", "testdata/dedupe/erp_people.csv", "--config", "testdata/dedupe/link.yaml",
		"--one-to-one", "--xref", xref, "--unmatched", unmatched)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := func(p string) []string {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Split(strings.TrimSpace(string(b)), "\n")
	}
	x, u := lines(xref), lines(unmatched)
	if !strings.HasPrefix(x[0], "left_id,right_id,weight,probability,first_name_left,first_name_right,") || !strings.Contains(x[0], "last_name_tf") {
		t.Errorf("cross-reference header: %s", x[0])
	}
	if got, want := len(x)-1, 232; got != want {
		t.Errorf("cross-reference: got %d matches, want %d", got, want)
	}
	var left, right int
	for _, l := range u[1:] {
		switch {
		case strings.HasPrefix(l, "left,"):
			left++
		case strings.HasPrefix(l, "right,"):
			right++
		}
	}
	if left != 261-232 || right != 273-232 {
		t.Errorf("unmatched: got %d left and %d right, want %d and %d", left, right, 261-232, 273-232)
	}
}
