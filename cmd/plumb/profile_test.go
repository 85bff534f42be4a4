//go:build duckdb_arrow

package main

import (
	"path/filepath"
	"testing"
)

func TestProfile(t *testing.T) {
	dir := t.TempDir()
	baseline := filepath.Join(dir, "base.json")
	if _, stderr, code := plumb(t, "", "profile", "testdata/customers.csv", "--format", "json", "-o", baseline); code != 0 {
		t.Fatalf("writing the baseline: exit %d: %s", code, stderr)
	}
	runCases(t, []cliCase{
		{name: "text", args: []string{"profile", "testdata/customers.csv"}, golden: "profile_customers.txt"},
		{name: "json", args: []string{"profile", "testdata/customers.csv", "--format", "json"}, golden: "profile_customers.json"},
		{name: "markdown", args: []string{"profile", "testdata/customers.csv", "--format", "markdown"}, golden: "profile_customers.md"},
		{name: "html", args: []string{"profile", "testdata/customers.csv", "--format", "html"}, golden: "profile_customers.html"},
		{name: "same data as parquet", args: []string{"profile", "testdata/customers.parquet", "--baseline", baseline, "--columns", "customer_id,email,status"},
			wantCode: 1, wantStdout: []string{"drift since", "removed"}},
		{name: "no drift", args: []string{"profile", "testdata/customers.csv", "--baseline", baseline}, wantStdout: []string{"drift since " + baseline + ": 0 changes"}},
		{name: "drift", args: []string{"profile", "testdata/diff/target.csv", "--baseline", baseline}, wantCode: 1, wantStdout: []string{"row_count", "added"}},
		// Every format renders drift (HTML refused a named change kind).
		{name: "drift html", args: []string{"profile", "testdata/diff/target.csv", "--baseline", baseline, "--format", "html"}, wantCode: 1, wantStdout: []string{"row count", "added"}},
		{name: "drift markdown", args: []string{"profile", "testdata/diff/target.csv", "--baseline", baseline, "--format", "markdown"}, wantCode: 1, wantStdout: []string{"row_count", "added"}},
		{name: "columns and top", args: []string{"profile", "testdata/customers.csv", "--columns", "status", "--top", "2"},
			wantStdout: []string{"status  text", `top        "active" 31.27%, "pending" 31.20%`}},
		{name: "sample", args: []string{"profile", "testdata/customers.csv", "--sample", "10%"}, wantStdout: []string{"sampled 10% of the rows"}},
		{name: "approx", args: []string{"profile", "testdata/customers.csv", "--approx", "--sample", "500", "--columns", "customer_id,status"},
			wantStdout: []string{"sampled 500 of 3,000 rows; distinct counts over every row, estimated where marked ~", "key candidates among the columns profiled: customer_id", "customer_id  integer  (3,000 distinct, 100.00% unique)", "status  text  (~9 distinct"}},
		{name: "custom sentinels", args: []string{"profile", "testdata/zoo/leading_zeros.csv", "--sentinels", "N/A"}, wantStdout: []string{"1 (33.33%) sentinel"}},
		{name: "bad sample", args: []string{"profile", "testdata/customers.csv", "--sample", "lots"}, wantCode: 2, wantStderr: []string{"--sample"}},
		{name: "bad baseline", args: []string{"profile", "testdata/customers.csv", "--baseline", "testdata/golden/diff_keyed.json"}, wantCode: 2,
			wantStderr: []string{`a "diff" report, not a profile`}},
		{name: "missing column", args: []string{"profile", "testdata/customers.csv", "--columns", "nope"}, wantCode: 2, wantStderr: []string{`no column "nope"`}},
		{name: "unreadable source", args: []string{"profile", "testdata/zoo/empty.csv"}, wantCode: 2, wantStderr: []string{"source is empty"}},
	}, nil)
}
