//go:build duckdb_arrow

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plumb-data/plumb/internal/enginetest"
)

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("checks:\n  - not_null: [customer_id]\n  - range: {column: balance, min: high}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	unknownCol := filepath.Join(dir, "col.yaml")
	if err := os.WriteFile(unknownCol, []byte("checks:\n  - not_null: [customer_id]\n  - unique: [custid]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	passing := filepath.Join(dir, "pass.yaml")
	if err := os.WriteFile(passing, []byte("checks:\n  - not_null: [customer_id, email]\n  - unique: customer_id\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rules := "testdata/check/customers.yaml"
	asOf := "--as-of=2024-12-27T12:00:00Z"
	runCases(t, []cliCase{
		{name: "text", args: []string{"check", "testdata/customers.csv", "--rules", rules, asOf}, wantCode: 1, golden: "check_customers.txt"},
		{name: "json", args: []string{"check", "testdata/customers.csv", "--rules", rules, asOf, "--format", "json"}, wantCode: 1, golden: "check_customers.json"},
		{name: "markdown", args: []string{"check", "testdata/customers.csv", "--rules", rules, asOf, "--format", "markdown"}, wantCode: 1, golden: "check_customers.md"},
		{name: "html", args: []string{"check", "testdata/customers.csv", "--rules", rules, asOf, "--format", "html"}, wantCode: 1, golden: "check_customers.html"},
		{name: "junit", args: []string{"check", "testdata/customers.csv", "--rules", rules, asOf, "--format", "junit"}, wantCode: 1, golden: "check_customers.junit.xml"},
		{name: "fresh enough", args: []string{"check", "testdata/customers.csv", "--rules", rules, "--as-of", "2024-12-27"},
			wantCode: 1, wantStdout: []string{"ok    freshness(signup_ts)", "31.3m old"}},
		{name: "passing rules exit 0", args: []string{"check", "testdata/customers.parquet", "--rules", passing}, wantStdout: []string{"PASSED", "rows     3,000 checked, 0 fail"}},
		{name: "bad rules file", args: []string{"check", "testdata/customers.csv", "--rules", bad}, wantCode: 2,
			wantStderr: []string{bad + ": line 3, column 35: range \"high\": want a number or a date"}},
		{name: "unknown column", args: []string{"check", "testdata/customers.csv", "--rules", unknownCol}, wantCode: 2,
			wantStderr: []string{"line 3, column 5: unique(custid): no column \"custid\""}},
		{name: "no rules", args: []string{"check", "testdata/customers.csv"}, wantCode: 2, wantStderr: []string{"--rules is required"}},
		{name: "bad as-of", args: []string{"check", "testdata/customers.csv", "--rules", rules, "--as-of", "soon"}, wantCode: 2, wantStderr: []string{"--as-of"}},
		{name: "unreadable source", args: []string{"check", "testdata/zoo/empty.csv", "--rules", rules}, wantCode: 2, wantStderr: []string{"source is empty"}},
	}, nil)
}

func TestCheckQuarantineAndPassing(t *testing.T) {
	dir := t.TempDir()
	bad, good := filepath.Join(dir, "bad.parquet"), filepath.Join(dir, "good.csv")
	_, stderr, code := plumb(t, "", "check", "testdata/customers.csv", "--rules", "testdata/check/customers.yaml",
		"--quarantine", bad, "--passing", good, "--as-of", "2024-12-27")
	if code != 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// Read both back through plumb itself.
	out, stderr, code := plumb(t, "", "inspect", bad, good, "--format", "json")
	if code != 0 {
		t.Fatalf("inspect: exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, `"rows_loaded": 612`) || !strings.Contains(out, `"rows_loaded": 2388`) {
		t.Errorf("want 612 quarantined and 2,388 passing rows (3,000 in all), got:\n%s", out)
	}
	header := enginetest.ReadCSV(t, good)[0]
	if strings.Join(header, ",") != "customer_id,first_name,last_name,email,phone,birth_date,signup_ts,status,balance,country,zip,notes,account_uuid" {
		t.Errorf("passing rows have header %v, want the source's", header)
	}
}

func TestSuggest(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "suggested.yaml")
	runCases(t, []cliCase{
		{name: "stdout", args: []string{"suggest", "testdata/customers.csv"}, golden: "suggest_customers.yaml"},
		{name: "unreadable source", args: []string{"suggest", "testdata/zoo/empty.csv"}, wantCode: 2, wantStderr: []string{"source is empty"}},
	}, nil)
	if _, stderr, code := plumb(t, "", "suggest", "testdata/customers.csv", "-o", out); code != 0 {
		t.Fatalf("suggest: exit %d: %s", code, stderr)
	}
	stdout, stderr, code := plumb(t, "", "check", "testdata/customers.csv", "--rules", out)
	if code != 0 || !strings.Contains(stdout, "PASSED") {
		t.Errorf("check with the suggested rules: exit %d, want 0\n%s%s", code, stdout, stderr)
	}
}
