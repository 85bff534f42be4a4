//go:build duckdb_arrow

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/plumb-data/plumb/dedupe"
	"github.com/plumb-data/plumb/internal/enginetest"
	"github.com/plumb-data/plumb/job"
	"github.com/plumb-data/plumb/rules"
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
	// A clean date column: the sniffer types it DATE (issue 16).
	iso := filepath.Join(dir, "iso.csv")
	isoRules := filepath.Join(dir, "iso.yaml")
	if err := os.WriteFile(iso, []byte("id,d\n1,2024-01-05\n2,2024-02-01\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(isoRules, []byte("checks:\n  - freshness: {column: d, max_age: 8760h}\n  - range: {column: d, min: 2024-01-01, max: 2024-12-31}\n"), 0o644); err != nil {
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
		{name: "clean date column", args: []string{"check", iso, "--rules", isoRules, "--as-of", "2024-06-01"},
			wantStdout: []string{"ok    freshness(d)", "newest d is 2024-02-01 00:00:00, 121d old; want within 365d", "ok    range(d)"}},
		{name: "aggregates", args: []string{"check", "testdata/customers.csv", "--rules", "testdata/check/aggregates.yaml", asOf},
			wantCode: 1, wantStdout: []string{"FAIL  avg(balance)\n        avg(balance) is 24470.8; want between 0 and 10000",
				"ok    max(signup_ts)\n        max(signup_ts) is 2024-12-26 23:28:44; want at most 2024-12-31",
				"WARN  avg(balance) by country", "          group country=BR: 25355.9\n"}},
		{name: "aggregates markdown", args: []string{"check", "testdata/customers.csv", "--rules", "testdata/check/aggregates.yaml", asOf, "--format", "markdown"},
			wantCode: 1, wantStdout: []string{"| FAIL | avg(balance) |  |  |  | avg(balance) is 24470.8; want between 0 and 10000 (50 values are not numbers, left out) |",
				"want at most 5000 (50 values are not numbers, left out)<br>group country=BR: 25355.9<br>"}},
		{name: "aggregates html", args: []string{"check", "testdata/customers.csv", "--rules", "testdata/check/aggregates.yaml", asOf, "--format", "html"},
			wantCode: 1, wantStdout: []string{"avg(balance) is 24470.8; want between 0 and 10000", `<span class="muted">group</span> country=BR: <code>25355.9</code>`}},
		{name: "aggregates junit", args: []string{"check", "testdata/customers.csv", "--rules", "testdata/check/aggregates.yaml", asOf, "--format", "junit"},
			wantCode: 1, wantStdout: []string{`<failure message="avg(balance) is 24470.8; want between 0 and 10000 (50 values are not numbers, left out)" type="avg">`,
				"warning: avg(balance) is out of bounds in 20 of 20 groups; want at most 5000 (50 values are not numbers, left out)&#xA;group country=BR: 25355.9&#xA;"}},
		{name: "aggregates json", args: []string{"check", "testdata/customers.csv", "--rules", "testdata/check/aggregates.yaml", asOf, "--format", "json"},
			wantCode: 1, wantStdout: []string{`"kind": "avg"`, `"value": "24470.8",`, `"max": "10000",`,
				`"groups": 20,`, `"group": "country=BR",`, `"value": "25355.9"`}},
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

// TestCheckIsConfined: the SQL of a rules file cannot read files (a where
// or expression that tries is refused, and its content is nowhere in the
// output), while a references check, loaded before the session is
// confined, still works, and the quarantine and passing files, declared
// when the session opens, are still written (under relative names too).
func TestCheckIsConfined(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret.txt")
	if err := os.WriteFile(secret, []byte("s3cret"), 0o600); err != nil {
		t.Fatal(err)
	}
	writeRules := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	readWhere := writeRules("where.yaml", "checks:\n  - not_null: email\n    where: \"(SELECT content FROM read_text('"+secret+"')) IS NOT NULL\"\n")
	readExpr := writeRules("expr.yaml", "checks:\n  - expression: {sql: \"email IN (SELECT file FROM glob('"+dir+"/*'))\"}\n")
	readScalar := writeRules("scalar.yaml", "checks:\n  - expression: {sql: \"length(read_text('"+secret+"')) > 0\"}\n")
	for _, c := range []struct{ name, rules, msg string }{
		{"where reading a file", readWhere, "where"},
		{"expression listing files", readExpr, "sql"},
		{"a table function as a value", readScalar, "sql"},
	} {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := plumb(t, "", "check", "testdata/customers.csv", "--rules", c.rules)
			if code != 2 || !strings.Contains(stderr, c.msg) {
				t.Errorf("got exit %d, stderr %q; want 2 and an error at the %s", code, stderr, c.msg)
			}
			if strings.Contains(stdout+stderr, "s3cret") || strings.Contains(stdout+stderr, "secret.txt\n") {
				t.Errorf("the output shows what the rules file tried to read:\n%s%s", stdout, stderr)
			}
		})
	}

	t.Run("references, quarantine and passing still work", func(t *testing.T) {
		wd, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		rel, err := filepath.Rel(wd, dir)
		if err != nil {
			t.Fatal(err)
		}
		rules := writeRules("refs.yaml", "checks:\n  - references: {column: country, to: "+
			filepath.Join(wd, "testdata", "check", "countries.csv")+", key: code}\n")
		bad, good := filepath.Join(rel, "bad.csv"), filepath.Join(dir, "good.parquet")
		stdout, stderr, code := plumb(t, "", "check", "testdata/customers.csv", "--rules", rules,
			"--quarantine", bad, "--passing", good)
		if code != 1 || !strings.Contains(stdout, "references(country → ") {
			t.Fatalf("got exit %d, want 1 for the unknown countries\n%s%s", code, stdout, stderr)
		}
		out, stderr, code := plumb(t, "", "inspect", bad, good, "--format", "json")
		if code != 0 {
			t.Fatalf("inspect: exit %d: %s", code, stderr)
		}
		var doc struct {
			Result []struct {
				RowsLoaded int64 `json:"rows_loaded"`
			} `json:"result"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Result) != 2 || doc.Result[0].RowsLoaded == 0 || doc.Result[0].RowsLoaded+doc.Result[1].RowsLoaded != 3000 {
			t.Errorf("got %s, want some quarantined rows and 3,000 rows in all", out)
		}
	})
}

// TestCheckReservedColumnNames: a source whose columns are named like
// DuckDB's rowid or like the columns plumb adds as it checks (positions,
// raw values, flags, the quarantine's own) is checked as any other: every
// check sees the source's values, samples and the quarantine give the
// right lines, and the quarantine and passing files hold the source's
// columns under their names with their values.
func TestCheckReservedColumnNames(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	internal := "ROWID,plumb_row,plumb_file,plumb_pos,plumb_raw_0,plumb_f0,plumb_v0,plumb_any,plumb_bits," +
		"_line,_failed_checks,plumb_rowid,_reject_reason,_reject_text,id\n" +
		"AAA1,k1,f1,1,raw1,f0a,v0a,ok,b1,L1,C1,P1,R1,T1,1\n" + // line 2
		"\"AAA\n2\",k2,f2,9,raw2,f0b,v0b,ok,b2,L2,C2,P2,R2,T2,2\n" + // lines 3-4
		"\n" +
		"AAA3,k3,f3,2,raw3,f0c,v0c,bad,b3,L3,C3,P3,R3,T3,\n" + // line 6
		"skip,k4,f4,3,raw4,f0d,v0d,bad,b4,L4,C4,P4,R4,T4,4\n" + // line 7
		"too,few\n" + // line 8, rejected
		"AAA5,k5,f5,4,raw5,f0e,v0e,ok,b5,L5,C5,P5,R5,T5,5\n" + // line 9
		"AAA6,k5,f6,1,raw6,f0f,v0f,ok,b6,L6,C6,P6,R6,T6,6\n" // line 10
	write("internal.csv", internal)
	write("glob1.csv", "rowid,_file,plumb_file,plumb_file_2,v\n10,A,x,y,1\n11,B,x,y,bad\n")
	write("glob2.csv", "rowid,_file,plumb_file,plumb_file_2,v\n\n12,C,x,y,bad\n13,D,x,y,2\n")
	header := strings.Split(strings.SplitN(internal, "\n", 2)[0], ",")
	row := func(s string) []string { return strings.Split(s, ",") }
	cases := []struct {
		name, spec, rules string
		quarantine        [][]string
		passing           [][]string
		samples           map[string][]int64 // check → sample lines
	}{
		{
			name: "every internal name, and ROWID",
			spec: filepath.Join(dir, "internal.csv"),
			rules: "checks:\n  - not_null: id\n  - range: {column: plumb_pos, max: 5}\n" +
				"  - expression: {sql: \"plumb_any <> 'bad'\"}\n    name: not bad\n    where: \"rowid <> 'skip'\"\n" +
				"  - unique: plumb_row\n",
			quarantine: [][]string{
				append([]string{"__line", "__failed_checks", "__reject_reason", "__reject_text"}, header...),
				append([]string{"3", "range(plumb_pos)", "", "", "AAA\n2"}, row("k2,f2,9,raw2,f0b,v0b,ok,b2,L2,C2,P2,R2,T2,2")...),
				append([]string{"6", "not_null(id); not bad", "", ""}, row("AAA3,k3,f3,2,raw3,f0c,v0c,bad,b3,L3,C3,P3,R3,T3,")...),
				append([]string{"8", "load", "MISSING COLUMNS", "too,few"}, make([]string, len(header))...),
				append([]string{"9", "unique(plumb_row)", "", ""}, row("AAA5,k5,f5,4,raw5,f0e,v0e,ok,b5,L5,C5,P5,R5,T5,5")...),
				append([]string{"10", "unique(plumb_row)", "", ""}, row("AAA6,k5,f6,1,raw6,f0f,v0f,ok,b6,L6,C6,P6,R6,T6,6")...),
			},
			passing: [][]string{
				header,
				row("AAA1,k1,f1,1,raw1,f0a,v0a,ok,b1,L1,C1,P1,R1,T1,1"),
				row("skip,k4,f4,3,raw4,f0d,v0d,bad,b4,L4,C4,P4,R4,T4,4"),
			},
			samples: map[string][]int64{"load": {8}, "not_null(id)": {6}, "range(plumb_pos)": {3}, "not bad": {6}, "unique(plumb_row)": {9, 10}},
		},
		{
			name:  "rowid and _file over two files",
			spec:  filepath.Join(dir, "glob*.csv"),
			rules: "checks:\n  - type: {column: v, type: integer}\n  - not_null: rowid\n",
			quarantine: [][]string{
				row("_line,__file,_failed_checks,_reject_reason,_reject_text,rowid,_file,plumb_file,plumb_file_2,v"),
				append([]string{"3", filepath.Join(dir, "glob1.csv"), "type(v: integer)", "", ""}, row("11,B,x,y,bad")...),
				append([]string{"3", filepath.Join(dir, "glob2.csv"), "type(v: integer)", "", ""}, row("12,C,x,y,bad")...),
			},
			passing: [][]string{row("rowid,_file,plumb_file,plumb_file_2,v"), row("10,A,x,y,1"), row("13,D,x,y,2")},
			samples: map[string][]int64{"type(v: integer)": {3, 3}, "not_null(rowid)": nil},
		},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rules := write(fmt.Sprintf("rules%d.yaml", i), c.rules)
			bad, good := filepath.Join(dir, fmt.Sprintf("bad%d.csv", i)), filepath.Join(dir, fmt.Sprintf("good%d.csv", i))
			stdout, stderr, code := plumb(t, "", "check", c.spec, "--rules", rules, "--quarantine", bad, "--passing", good, "--format", "json")
			if code != 1 {
				t.Fatalf("exit %d, want 1\n%s%s", code, stdout, stderr)
			}
			if got := sampleLines(t, stdout); !reflect.DeepEqual(got, c.samples) {
				t.Errorf("sample lines: got %v, want %v", got, c.samples)
			}
			if q := enginetest.ReadCSV(t, bad); !reflect.DeepEqual(q, c.quarantine) {
				t.Errorf("quarantine:\ngot  %q\nwant %q", q, c.quarantine)
			}
			if p := enginetest.ReadCSV(t, good); !reflect.DeepEqual(p, c.passing) {
				t.Errorf("passing:\ngot  %q\nwant %q", p, c.passing)
			}
		})
	}
}

// TestCheckRejectedRows: rows rejected at load are a failing check of
// their own, the load check, in every format (a warning with
// --allow-rejects), and the quarantine holds them with their line, reason
// and text, so that quarantine and passing rows add up to every record of
// the file.
func TestCheckRejectedRows(t *testing.T) {
	ragged, rules := "testdata/zoo/ragged.csv", "testdata/check/ragged.yaml"
	runCases(t, []cliCase{
		{name: "text", args: []string{"check", ragged, "--rules", rules}, wantCode: 1, golden: "check_ragged.txt"},
		{name: "json", args: []string{"check", ragged, "--rules", rules, "--format", "json"}, wantCode: 1, golden: "check_ragged.json"},
		{name: "markdown", args: []string{"check", ragged, "--rules", rules, "--format", "markdown"}, wantCode: 1, golden: "check_ragged.md"},
		{name: "html", args: []string{"check", ragged, "--rules", rules, "--format", "html"}, wantCode: 1, golden: "check_ragged.html"},
		{name: "junit", args: []string{"check", ragged, "--rules", rules, "--format", "junit"}, wantCode: 1, golden: "check_ragged.junit.xml"},
		{name: "allowed", args: []string{"check", ragged, "--rules", rules, "--allow-rejects"}, wantCode: 1,
			wantStdout: []string{"FAILED", "WARN  load", "FAIL  range(amount)"}},
		{name: "allowed, junit", args: []string{"check", ragged, "--rules", rules, "--allow-rejects", "--format", "junit"}, wantCode: 1,
			wantStdout: []string{`<testcase classname="plumb.check" name="load">`, "<system-out>warning: 3 of 6 rows read were rejected"}},
	}, nil)

	dir := t.TempDir()
	notNull := filepath.Join(dir, "not_null.yaml")
	if err := os.WriteFile(notNull, []byte("checks:\n  - not_null: id\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Run("passes only with --allow-rejects", func(t *testing.T) {
		stdout, stderr, code := plumb(t, "", "check", ragged, "--rules", notNull)
		if code != 1 || !strings.Contains(stdout, "FAILED") || !strings.Contains(stdout, "FAIL  load") {
			t.Errorf("got exit %d, want 1 and a failing load check\n%s%s", code, stdout, stderr)
		}
		stdout, stderr, code = plumb(t, "", "check", ragged, "--rules", notNull, "--allow-rejects")
		if code != 0 || !strings.Contains(stdout, "PASSED with warnings") || !strings.Contains(stdout, "WARN  load") {
			t.Errorf("--allow-rejects: got exit %d, want 0 and a warning\n%s%s", code, stdout, stderr)
		}
	})

	t.Run("quarantine and passing hold every row read", func(t *testing.T) {
		bad, good := filepath.Join(dir, "bad.csv"), filepath.Join(dir, "good.csv")
		if _, stderr, code := plumb(t, "", "check", ragged, "--rules", rules, "--quarantine", bad, "--passing", good); code != 1 {
			t.Fatalf("exit %d, want 1: %s", code, stderr)
		}
		q, p := enginetest.ReadCSV(t, bad), enginetest.ReadCSV(t, good)
		records := enginetest.ReadRaggedCSV(t, ragged)
		if got, want := len(q)-1+len(p)-1, len(records)-1; got != want {
			t.Errorf("got %d quarantined + %d passing rows, want the file's %d records", len(q)-1, len(p)-1, want)
		}
		want := [][]string{
			{"_line", "_failed_checks", "_reject_reason", "_reject_text", "id", "name", "amount"},
			{"2", "range(amount)", "", "", "1", "alpha", "10"},
			{"3", "load", "TOO MANY COLUMNS", "2,beta,20,EXTRA", "", "", ""},
			{"4", "load", "MISSING COLUMNS", "3,gamma", "", "", ""},
			{"6", "load", "TOO MANY COLUMNS", "5,epsilon,50,x,y", "", "", ""},
		}
		if !reflect.DeepEqual(q, want) {
			t.Errorf("quarantine:\ngot  %q\nwant %q", q, want)
		}
	})
}

// TestSchemaCommand: plumb schema prints each file's schema, the same the
// packages build, and refuses other names.
func TestSchemaCommand(t *testing.T) {
	t.Parallel()
	for name, want := range map[string][]byte{"rules": rules.JSONSchema(), "dedupe": dedupe.JSONSchema(), "job": job.JSONSchema()} {
		stdout, stderr, code := plumb(t, "", "schema", name)
		if code != 0 || stdout != string(want) {
			t.Errorf("plumb schema %s: exit %d, %d bytes (want %d): %s", name, code, len(stdout), len(want), stderr)
		}
	}
	if _, _, code := plumb(t, "", "schema", "jobs"); code != 2 {
		t.Errorf("plumb schema jobs: exit %d, want 2", code)
	}
}

// sampleLines reads the sample lines of each check from a check report in
// JSON.
func sampleLines(t *testing.T, report string) map[string][]int64 {
	t.Helper()
	var doc struct {
		Result struct {
			Checks []struct {
				Name    string `json:"name"`
				Samples []struct {
					Line int64 `json:"line"`
				} `json:"samples"`
			} `json:"checks"`
		} `json:"result"`
	}
	if err := json.Unmarshal([]byte(report), &doc); err != nil {
		t.Fatalf("%v\n%s", err, report)
	}
	lines := map[string][]int64{}
	for _, ch := range doc.Result.Checks {
		lines[ch.Name] = nil
		for _, s := range ch.Samples {
			lines[ch.Name] = append(lines[ch.Name], s.Line)
		}
	}
	return lines
}
