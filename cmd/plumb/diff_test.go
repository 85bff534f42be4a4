//go:build duckdb_arrow

package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	src, tgt := "testdata/diff/source.csv", "testdata/diff/target.csv"
	runCases(t, []cliCase{
		{name: "keyed text", args: []string{"diff", src, tgt, "--key", "id"}, wantCode: 1, golden: "diff_keyed.txt"},
		{name: "keyed json", args: []string{"diff", src, tgt, "--key", "id", "--format", "json"}, wantCode: 1, golden: "diff_keyed.json"},
		{name: "keyed markdown", args: []string{"diff", src, tgt, "--key", "id", "--format", "markdown"}, wantCode: 1, golden: "diff_keyed.md"},
		{name: "keyed html", args: []string{"diff", src, tgt, "--key", "id", "--format", "html"}, wantCode: 1, golden: "diff_keyed.html"},
		{name: "keyed junit", args: []string{"diff", src, tgt, "--key", "id", "--format", "junit"}, wantCode: 1, golden: "diff_keyed.junit.xml"},
		{name: "aggregate junit", args: []string{"diff", src, tgt, "--group-by", "status", "--sum", "amount", "--format", "junit"}, wantCode: 1, golden: "diff_aggregate.junit.xml"},
		{name: "options", args: []string{"diff", src, tgt, "--key", "id", "--tolerance", "amount=0.01", "--ignore-case", "--trim=name"}, wantCode: 1,
			golden: "diff_options.txt"},
		{name: "mapping", args: []string{"diff", "testdata/diff/legacy.csv", "testdata/diff/crm.csv", "--key", "cust_no", "--mapping", "testdata/diff/mapping.csv"},
			wantCode: 1, golden: "diff_mapping.txt"},
		{name: "keyless", args: []string{"diff", src, tgt, "--columns", "name,email"}, wantCode: 1, golden: "diff_keyless.txt"},
		{name: "aggregate", args: []string{"diff", src, tgt, "--group-by", "status", "--sum", "amount"}, wantCode: 1, golden: "diff_aggregate.txt"},
		{name: "equal", args: []string{"diff", "testdata/customers.csv", "testdata/customers.parquet", "--key", "customer_id"},
			wantStdout: []string{"EQUAL (keyed)", "3,000 (3,000 unchanged, 0 changed)"}},
		{name: "equal ndjson keyless", args: []string{"diff", "testdata/customers.ndjson", "testdata/customers.csv"}, wantStdout: []string{"EQUAL (keyless)"}},
		{name: "filters", args: []string{"diff", src, tgt, "--key", "id", "--where", "id < 5", "--ignore", "email,name,joined", "--tolerance", "0.01"},
			wantStdout: []string{"EQUAL"}},
		{name: "source and target filters", args: []string{"diff", src, tgt, "--key", "id", "--source-where", "id = 2", "--target-where", "id = 2"},
			wantCode: 1, wantStdout: []string{"matched            1 (0 unchanged, 1 changed)"}},
		{name: "different key names", args: []string{"diff", "testdata/diff/legacy.csv", "testdata/diff/crm.csv", "--key", "cust_no=customer_id", "--map", "mail=email"},
			wantCode: 1, wantStdout: []string{"key                cust_no=customer_id", "email"}},
		{name: "missing key column", args: []string{"diff", src, tgt, "--key", "nope"}, wantCode: 2, wantStderr: []string{`source has no column "nope"`}},
		{name: "bad tolerance", args: []string{"diff", src, tgt, "--tolerance", "x=abc"}, wantCode: 2, wantStderr: []string{"--tolerance"}},
		{name: "bad mapping", args: []string{"diff", src, tgt, "--mapping", "testdata/diff/source.csv"}, wantCode: 2, wantStderr: []string{"line 1: header lacks source_field"}},
		{name: "sum without group", args: []string{"diff", src, tgt, "--sum", "amount"}, wantCode: 2, wantStderr: []string{"--sum needs --group-by"}},
		{name: "one arg", args: []string{"diff", src}, wantCode: 2, wantStderr: []string{"accepts 2 arg"}},
		{name: "missing file", args: []string{"diff", src, "testdata/nope.csv"}, wantCode: 2, wantStderr: []string{"testdata/nope.csv"}},
	}, nil)
}

func TestDiffWritesDiffsFile(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "diffs.parquet")
	_, stderr, code := plumb(t, "", "diff", "testdata/diff/source.csv", "testdata/diff/target.csv", "--key", "id", "--diffs", out)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	stdout, stderr, code := plumb(t, "", "inspect", out)
	if code != 0 || !strings.Contains(stdout, "9 read = 9 loaded") || !strings.Contains(stdout, "source_value") {
		t.Errorf("diffs file: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(out); err != nil {
		t.Error(err)
	}
}

// TestDiffRefusesInjectedSQL runs diff with SQL that tries to leave its
// expression in each flag that takes SQL, and in a mapping file's
// transformation: each run must exit 2, name where the SQL came from, and
// write nothing.
func TestDiffRefusesInjectedSQL(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.ToSlash(filepath.Join(dir, "pwned.csv"))
	payloads := []struct{ name, sql string }{
		{"stacked COPY", "1=1); COPY (SELECT 'pwned' AS x) TO '" + out + "'; SELECT 1 WHERE (1=1"},
		{"read_text in a subquery", "(SELECT content FROM read_text('/etc/passwd')) IS NOT NULL"},
		{"glob in a subquery", "EXISTS (SELECT file FROM glob('/etc/*'))"},
		{"glob as a value", "glob('/etc/*') IS NOT NULL"},
		{"ATTACH", "1=1; ATTACH '" + filepath.ToSlash(filepath.Join(dir, "pwned.db")) + "' AS pwned"},
		{"INSTALL", "1=1; INSTALL httpfs"},
		{"LOAD", "1=1; LOAD httpfs"},
		{"SET", "1=1; SET enable_external_access = true"},
		{"PRAGMA", "1=1; PRAGMA version"},
		{"comment then a new statement", "1=1 --\n); COPY (SELECT 1) TO '" + out + "'; SELECT (1"},
		{"unbalanced quote", "name = 'Bob"},
		{"unbalanced parentheses", "1)); COPY (SELECT 1) TO '" + out + "'; SELECT ((1"},
	}
	src, tgt := "testdata/diff/source.csv", "testdata/diff/target.csv"
	for i, p := range payloads {
		for _, flag := range []string{"--where", "--source-where", "--target-where"} {
			t.Run(flag+"/"+p.name, func(t *testing.T) {
				_, stderr, code := plumb(t, "", "diff", src, tgt, "--key", "id", flag, p.sql)
				if code != 2 || !strings.Contains(stderr, ": "+flag+": ") {
					t.Errorf("got exit %d, stderr %q; want 2 and an error naming %s", code, stderr, flag)
				}
			})
		}
		t.Run("--mapping/"+p.name, func(t *testing.T) {
			mapping := filepath.Join(t.TempDir(), fmt.Sprintf("mapping%d.csv", i))
			var spec bytes.Buffer
			w := csv.NewWriter(&spec)
			w.WriteAll([][]string{{"source_field", "transformation", "target_field"}, {"cust_no", "", "customer_id"}, {"mail", p.sql, "email"}})
			if err := os.WriteFile(mapping, spec.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			_, stderr, code := plumb(t, "", "diff", "testdata/diff/legacy.csv", "testdata/diff/crm.csv", "--key", "cust_no", "--mapping", mapping)
			if want := mapping + ":3:6: transformation for email: "; code != 2 || !strings.Contains(stderr, want) {
				t.Errorf("got exit %d, stderr %q; want 2 and an error beginning %q", code, stderr, want)
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("user SQL wrote %s", entries[0].Name())
	}
}
