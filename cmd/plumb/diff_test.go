//go:build duckdb_arrow

package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plumb-data/plumb/engine"
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
	if code != 0 || !strings.Contains(stdout, "10 read = 10 loaded") || !strings.Contains(stdout, "source_value") {
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

// writeLines writes a file of lines into dir and returns its path.
func writeLines(t *testing.T, dir, name string, lines ...string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// sniffedCodes is the file: 50,000 integer codes, then a code a
// typed read rejects (ABC) and last.
func sniffedCodes(last string) []string {
	lines := []string{"id,code"}
	for i := range 50000 {
		lines = append(lines, fmt.Sprintf("%d,%d", i, i))
	}
	return append(lines, "50000,ABC", "50001,"+last)
}

// TestDiffComparesValuesAsWritten diffs generated variants of the same
// data through the CLI: delimited text compares as written, whatever a
// sample of it looks like; text beside typed columns (Parquet, JSON
// numbers) reads as their type only when every value of it does.
func TestDiffComparesValuesAsWritten(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	typed := filepath.Join(dir, "typed.parquet")
	db, err := engine.Open(t.Context(), engine.Config{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	err = db.WriteQuery(t.Context(), "SELECT * FROM (VALUES (1, 1.5::DOUBLE, 123::BIGINT, DATE '2024-01-02'), (2, 2.0, 124, DATE '2024-01-03')) t(id, x, code, d)", typed)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	file := func(name string, lines ...string) string { return writeLines(t, dir, name, lines...) }
	plainText := file("plain.csv", "id,x,code,d", "1,1.50,123,2024-01-02", "2,2,124,2024-01-03")
	zeros := file("zeros.csv", "id,x,code,d", "1,1.50,00123,2024-01-02", "2,2,124,2024-01-03")
	otherDates := file("dates.csv", "id,x,code,d", "1,1.50,123,2024-01-02", "2,2,124,01/03/2024")
	for _, tt := range []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout []string
	}{
		{"codes that turn text after the sample", []string{file("a.csv", sniffedCodes("00123")...), file("b.csv", sniffedCodes("123")...), "--key", "id"},
			1, []string{"DIFFERENT (keyed)", "rows               50,002 source, 50,002 target", `50001: "00123" -> "123"`}},
		{"codes that turn text after the sample, keyless", []string{filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")},
			1, []string{"DIFFERENT (keyless)", `1× "50001", "00123"`, `1× "50001", "123"`}},
		{"leading zeros", []string{file("z1.csv", "id,code", "1,00123"), file("z2.csv", "id,code", "1,123"), "--key", "id"},
			1, []string{"DIFFERENT", `1: "00123" -> "123"`}},
		{"leading zeros in TSV", []string{file("z1.tsv", "id\tcode", "1\t00123"), file("z2.tsv", "id\tcode", "1\t123"), "--key", "id"},
			1, []string{"DIFFERENT", `1: "00123" -> "123"`}},
		{"dates in two formats", []string{file("d1.csv", "id,d", "1,2024-01-02"), file("d2.csv", "id,d", "1,01/02/2024"), "--key", "id"},
			1, []string{"DIFFERENT", `1: "2024-01-02" -> "01/02/2024"`}},
		{"1.50 and 1.5", []string{file("n1.csv", "id,x", "1,1.50"), file("n2.csv", "id,x", "1,1.5"), "--key", "id"},
			1, []string{"DIFFERENT", `1: "1.50" -> "1.5"`}},
		{"1.50 and 1.5 with a tolerance of 0", []string{filepath.Join(dir, "n1.csv"), filepath.Join(dir, "n2.csv"), "--key", "id", "--tolerance", "x=0"},
			0, []string{"EQUAL", "x                                 0    0.00%               number"}},
		{"1.50 and 1.5 within the default tolerance", []string{filepath.Join(dir, "n1.csv"), filepath.Join(dir, "n2.csv"), "--key", "id", "--tolerance", "0.001"},
			0, []string{"EQUAL", "number ±0.001"}},
		{"Y and yes", []string{file("b1.csv", "id,b", "1,Y"), file("b2.csv", "id,b", "1,yes"), "--key", "id"},
			1, []string{"DIFFERENT", `1: "Y" -> "yes"`}},
		{"Parquet and plain text", []string{typed, plainText, "--key", "id"},
			0, []string{"EQUAL", "x: DOUBLE vs VARCHAR (compared as number)", "code: BIGINT vs VARCHAR (compared as number)", "d: DATE vs VARCHAR (compared as temporal)"}},
		{"Parquet and leading zeros", []string{typed, zeros, "--key", "id"},
			1, []string{"DIFFERENT", `code: BIGINT vs VARCHAR (compared as text: 1 value of the target does not read as BIGINT, e.g. "00123")`, `1: "123" -> "00123"`}},
		{"Parquet and leading zeros, numbers asked for", []string{typed, zeros, "--key", "id", "--tolerance", "code=0"},
			0, []string{"EQUAL", "code                              0    0.00%            0  number-or-text"}},
		{"Parquet and another date format", []string{typed, otherDates, "--key", "id"},
			1, []string{"DIFFERENT", `d: DATE vs VARCHAR (compared as text: 1 value of the target does not read as DATE, e.g. "01/03/2024")`}},
		{"JSON strings and CSV", []string{file("j.ndjson", `{"id":1,"code":"00123","x":1.5}`), file("j.csv", "id,code,x", "1,123,1.50"), "--key", "id"},
			1, []string{"DIFFERENT", `1: "00123" -> "123"`, "x: DOUBLE vs VARCHAR (compared as number)"}},
		{"a filter sees a column of whole numbers as numbers", []string{filepath.Join(dir, "z1.csv"), filepath.Join(dir, "z2.csv"), "--key", "id", "--where", "id < 5"},
			1, []string{"DIFFERENT", `1: "00123" -> "123"`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := plumb(t, "", append([]string{"diff"}, tt.args...)...)
			if code != tt.wantCode {
				t.Errorf("exit code: got %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, stdout, stderr)
			}
			for _, w := range tt.wantStdout {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
			if strings.Contains(stderr, "rejected") {
				t.Errorf("rows were rejected: %s", stderr)
			}
		})
	}
}

// TestDiffRejectedRows: rows rejected at load are a finding of diff,
// shown in every format, unless --allow-rejects says they are expected;
// the verdict never says equal while rows are missing.
func TestDiffRejectedRows(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ragged := writeLines(t, dir, "ragged.csv", "id,v", "1,a", "2,b,extra", "3,c")
	clean := writeLines(t, dir, "clean.csv", "id,v", "1,a", "3,c")
	changed := writeLines(t, dir, "changed.csv", "id,v", "1,a", "3,x")
	for _, tt := range []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout []string
	}{
		{"text", []string{ragged, clean, "--key", "id"}, 1,
			[]string{"ROWS REJECTED (keyed)", "rejected at load   1 source, 0 target, not compared", "rejected at load, source: first 1 of 1", `line 3  TOO MANY COLUMNS  "2,b,extra"`}},
		{"on the target side", []string{clean, ragged, "--key", "id"}, 1, []string{"ROWS REJECTED (keyed)", "0 source, 1 target", "rejected at load, target"}},
		{"allowed", []string{ragged, clean, "--key", "id", "--allow-rejects"}, 0, []string{"ROWS REJECTED (keyed)", "not compared (allowed)"}},
		{"allowed, and the rest differs", []string{ragged, changed, "--key", "id", "--allow-rejects"}, 1, []string{"DIFFERENT, ROWS REJECTED (keyed)"}},
		{"keyless", []string{ragged, clean}, 1, []string{"ROWS REJECTED (keyless)"}},
		{"aggregate", []string{ragged, clean, "--group-by", "v"}, 1, []string{"ROWS REJECTED (aggregate)", "rejected at load, source"}},
		{"markdown", []string{ragged, clean, "--key", "id", "--format", "markdown"}, 1,
			[]string{": rows rejected", "| rejected at load (source / target) | 1 / 0 |", "| source | " + ragged + " | 3 | TOO MANY COLUMNS | `2,b,extra` |"}},
		{"html", []string{ragged, clean, "--key", "id", "--format", "html"}, 1,
			[]string{"<b>rows rejected</b>", `<section id="rejected">`, "TOO MANY COLUMNS"}},
		{"junit", []string{ragged, clean, "--key", "id", "--format", "junit"}, 1,
			[]string{`<testcase classname="plumb.diff.rows" name="no rows rejected at load">`, `<failure message="1 source and 0 target rows rejected at load were not compared" type="rejects">`}},
		{"junit allowed", []string{ragged, clean, "--key", "id", "--format", "junit", "--allow-rejects"}, 0,
			[]string{`failures="0"`, "<system-out>allowed: 1 source and 0 target rows rejected"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := plumb(t, "", append([]string{"diff"}, tt.args...)...)
			if code != tt.wantCode {
				t.Errorf("exit code: got %d, want %d\nstderr: %s", code, tt.wantCode, stderr)
			}
			for _, w := range tt.wantStdout {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
			if strings.Contains(stdout, "EQUAL") || strings.Contains(stdout, ">equal<") {
				t.Errorf("the report says equal while a row is missing:\n%s", stdout)
			}
		})
	}
	t.Run("json", func(t *testing.T) {
		stdout, _, code := plumb(t, "", "diff", ragged, clean, "--key", "id", "--format", "json")
		var doc struct {
			Result struct {
				Equal                 bool `json:"equal"`
				LoadedEqual           bool `json:"loaded_equal"`
				SourceRejected        int64
				TargetRejected        int64
				SourceRejectedSamples []struct {
					Line int64  `json:"line"`
					Text string `json:"text"`
				} `json:"source_rejected_samples"`
			} `json:"result"`
		}
		if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
			t.Fatal(err)
		}
		r := doc.Result
		if code != 1 || r.Equal || !r.LoadedEqual || len(r.SourceRejectedSamples) != 1 || r.SourceRejectedSamples[0].Line != 3 {
			t.Errorf("exit %d, result %+v; want 1, not equal, loaded rows equal, the rejected line 3", code, r)
		}
		if !strings.Contains(stdout, `"source_rejected": 1`) || !strings.Contains(stdout, `"target_rejected": 0`) {
			t.Errorf("json lacks the counts of rejected rows:\n%s", stdout)
		}
	})
}

// TestDiffRefusesNegativeCounts: a negative count is a usage error,
// refused before any source is read (the sources here do not exist).
func TestDiffRefusesNegativeCounts(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ flag, want string }{
		{"--samples", "--samples: -1 is negative"},
		{"--skip", "--skip: -1 is negative"},
	} {
		t.Run(tt.flag, func(t *testing.T) {
			_, stderr, code := plumb(t, "", "diff", "testdata/nope-a.csv", "testdata/nope-b.csv", "--key", "id", tt.flag, "-1")
			if code != 2 || !strings.Contains(stderr, tt.want) || strings.Contains(stderr, "nope") {
				t.Errorf("got exit %d, stderr %q; want 2 and only %q", code, stderr, tt.want)
			}
		})
	}
}

// TestDiffRightAnswers: the diff cases of the right-answers issue, with
// variants.
func TestDiffRightAnswers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.csv", "id,amount,balance\n1,10,15079.86\n2,20,N/A\n3,30,\n4,40,100.5\n")
	b := write("b.csv", "id,amount,balance\n1,10,15079.856\n2,21,N/A\n3,30,\n4,40,100.5\n")
	s := write("s.csv", "id,name\n1,Ann\n2,Bob\n")
	tgt := write("t.csv", "code,name\nC1,Ann\nC2,Bob\n")
	m := write("m.csv", "source_system,source_field,transformation,target_system,target_field,notes\nA,id,'C' || id,B,code,key\nA,name,,B,name,\n")
	cases := []cliCase{
		// A tolerance applies where both values are numbers, whatever else
		// the column holds; max |Δ| shows even within it, and the pairs
		// compared as text are counted.
		{name: "tolerance on a mixed column", args: []string{"diff", a, b, "--key", "id", "--tolerance", "balance=0.01", "--columns", "balance"}, wantCode: 0,
			wantStdout: []string{"0.004", "number-or-text ±0.01 (1 pair as text)"}},
		{name: "tolerance in another case", args: []string{"diff", a, b, "--key", "id", "--tolerance", "BALANCE=0.01", "--columns", "balance"}, wantCode: 0},
		{name: "group-by tolerance in another case", args: []string{"diff", a, b, "--group-by", "id", "--sum", "amount", "--tolerance", "AMOUNT=1"}, wantCode: 0, wantStdout: []string{"EQUAL"}},
		{name: "group-by tolerance too small", args: []string{"diff", a, b, "--group-by", "id", "--sum", "amount", "--tolerance", "AMOUNT=0.5"}, wantCode: 1},
		// A transformation on the key row of a mapping is used, under
		// either name of the key.
		{name: "key transformed, source name", args: []string{"diff", s, tgt, "--key", "id", "--mapping", m}, wantCode: 0, wantStdout: []string{"EQUAL", "matched            2"}},
		{name: "key transformed, target name", args: []string{"diff", s, tgt, "--key", "code", "--mapping", m}, wantCode: 0, wantStdout: []string{"EQUAL"}},
		{name: "key transformed, pair", args: []string{"diff", s, tgt, "--key", "id=code", "--mapping", m}, wantCode: 0, wantStdout: []string{"EQUAL"}},
		// A column list after a space is a usage error that says what was meant.
		{name: "ignore-case with a space", args: []string{"diff", a, b, "--key", "id", "--ignore-case", "email"}, wantCode: 2, wantStderr: []string{"--ignore-case=email"}},
		{name: "trim with a space", args: []string{"diff", a, b, "--key", "id", "--trim", "name"}, wantCode: 2, wantStderr: []string{"--trim=name"}},
	}
	runCases(t, cases, nil)
}
