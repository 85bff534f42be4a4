//go:build duckdb_arrow

package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plumb-data/plumb/internal/dbtest"
)

func TestLink(t *testing.T) {
	crm, erp, config := "testdata/dedupe/crm_people.csv", "testdata/dedupe/erp_people.csv", "testdata/dedupe/link.yaml"
	runCases(t, []cliCase{
		{name: "text", args: []string{"link", crm, erp, "--config", config, "--truth", "person=entity"}, wantCode: 1, golden: "link_people.txt"},
		{name: "json", args: []string{"link", crm, erp, "--config", config, "--one-to-one", "--format", "json"}, wantCode: 1, golden: "link_people.json"},
		{name: "markdown", args: []string{"link", crm, erp, "--config", config, "--truth", "person=entity", "--format", "markdown"}, wantCode: 1,
			wantStdout: []string{"| unmatched | 27 | 39 |", "| last_name | exact | 0.9", "(by term frequency)", "| first_name | swapped |", "Against person=entity: precision 1.0000"}},
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
	if got, want := len(x)-1, 234; got != want {
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
	if left != 261-234 || right != 273-234 {
		t.Errorf("unmatched: got %d left and %d right, want %d and %d", left, right, 261-234, 273-234)
	}
}

// TestLinkDatabaseTable links the CRM file with the ERP extract as a
// table of each database available: the same matches as from the file.
func TestLinkDatabaseTable(t *testing.T) {
	recs := readCSVFile(t, "testdata/dedupe/erp_people.csv")
	var rows []string
	for _, r := range recs[1:] {
		vals := make([]string, len(r))
		for i, v := range r {
			vals[i] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
		}
		rows = append(rows, "("+strings.Join(vals, ", ")+")")
	}
	cols := make([]string, len(recs[0]))
	for i, c := range recs[0] {
		cols[i] = c + " varchar(80)"
	}
	for name, open := range map[string]func(testing.TB) *dbtest.DB{"postgres": dbtest.Postgres, "mysql": dbtest.MySQL, "sqlite": dbtest.SQLite} {
		t.Run(name, func(t *testing.T) {
			if os.Getenv("PLUMB_TEST_"+strings.ToUpper(name)) == "" && name != "sqlite" {
				t.Skipf("PLUMB_TEST_%s is not set", strings.ToUpper(name))
			}
			d := open(t)
			d.Exec(t, "CREATE TABLE erp ("+strings.Join(cols, ", ")+")", "INSERT INTO erp VALUES "+strings.Join(rows, ", "))
			stdout, stderr, code := plumb(t, "", "link", "testdata/dedupe/crm_people.csv", d.Table("erp"), "--config", "testdata/dedupe/link.yaml", "--one-to-one", "--truth", "person=entity")
			if code != 1 {
				t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
			}
			for _, w := range []string{": 234 matches", "273 records, 234 matched, 39 unmatched", "F1 1.0000"} {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
		})
	}
}

func readCSVFile(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}
