//go:build duckdb_arrow

package rules

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/internal/enginetest"
)

// loadText writes content to a file in dir and loads it raw.
func loadText(t *testing.T, db *engine.DB, dir, name, content string) *engine.Table {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return enginetest.Load(t, db, path, true)
}

// people has a header on line 1, a multi-line note in the row of id 3
// (lines 4-5), so the rows after it sit one line lower than their number.
const people = `id,name,age,status,email,joined,country
1,Ann,34,active,ann@example.com,2024-01-05,US
2,Bob,,ACTIVE,bob@example,2024-02-30,DE
3,"Cy
Jr",17,gone,cy@example.com,2023-12-31,XX
4,Di,200,pending,,2024-03-01,US
4,Ed,45,active,ed@example.com,2024-03-02,de
6,Flo,N/A,inactive,flo@example.com,2024-03-03,FR
`

// openWriting starts a session like enginetest.Open that may write the
// given side files once Run has confined it.
func openWriting(t *testing.T, outputs ...string) *engine.DB {
	t.Helper()
	db, err := engine.Open(t.Context(), engine.Config{Threads: 2, MemoryLimit: "2GB", TempDir: t.TempDir(), Outputs: outputs})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

type want struct {
	status       string
	rows, failed int64
	lines        []int64 // sample lines
}

func TestChecks(t *testing.T) {
	t.Parallel()
	now := func() time.Time { return time.Date(2024, 3, 4, 12, 0, 0, 0, time.UTC) }
	cases := []struct {
		name  string
		rules string
		want  want
	}{
		{"not_null fails on nulls", "- not_null: email", want{"fail", 6, 1, []int64{6}}},
		{"not_null passes", "- not_null: name", want{"pass", 6, 0, nil}},
		{"unique fails every row of a repeated key", "- unique: id", want{"fail", 6, 2, []int64{6, 7}}},
		{"unique composite passes", "- unique: [id, name]", want{"pass", 6, 0, nil}},
		{"accepted_values is case sensitive", "- accepted_values: {column: status, values: [active, inactive, pending]}", want{"fail", 6, 2, []int64{3, 4}}},
		{"accepted_values ignoring case", "- accepted_values: {column: status, values: [active, inactive, pending]}\n  ignore_case: true", want{"fail", 6, 1, []int64{4}}},
		{"range: out of range and not a number fail, nulls pass", "- range: {column: age, min: 18, max: 120}", want{"fail", 6, 3, []int64{4, 6, 8}}},
		{"range with allow_null false", "- range: {column: age, min: 0}\n  allow_null: false", want{"fail", 6, 2, []int64{3, 8}}},
		{"range tolerated by count", "- range: {column: age, min: 18, max: 120}\n  max_failures: 3", want{"pass", 6, 3, []int64{4, 6, 8}}},
		{"range over the share", "- range: {column: age, min: 18, max: 120}\n  max_failures: 40%", want{"fail", 6, 3, []int64{4, 6, 8}}},
		{"range within the share", "- range: {column: age, min: 18, max: 120}\n  max_failures: 50%", want{"pass", 6, 3, []int64{4, 6, 8}}},
		{"warn severity", "- range: {column: age, min: 18, max: 120}\n  severity: warn", want{"warn", 6, 3, []int64{4, 6, 8}}},
		{"range of dates", "- range: {column: joined, min: '2024-01-01'}", want{"fail", 6, 2, []int64{3, 4}}},
		{"where narrows the rows", "- range: {column: age, min: 18}\n  where: \"country = 'US'\"", want{"pass", 2, 0, nil}},
		{"pattern", `- pattern: {column: email, regex: '^[^@\s]+@[^@\s]+\.[^@\s]+$'}`, want{"fail", 6, 1, []int64{3}}},
		{"pattern ignoring case", "- pattern: {column: country, regex: '^[A-Z]{2}$'}\n  ignore_case: true", want{"pass", 6, 0, nil}},
		{"length", "- length: {column: name, min: 3}", want{"fail", 6, 2, []int64{6, 7}}},
		{"length up to the largest int64", "- length: {column: name, max: 9223372036854775807}", want{"pass", 6, 0, nil}},
		{"length up to 1e19", "- length: {column: name, max: 1e19}", want{"pass", 6, 0, nil}},
		{"range with huge and fractional bounds", "- range: {column: age, min: 17.5, max: 1e19}", want{"fail", 6, 2, []int64{4, 8}}},
		{"range up to a HUGEINT", "- range: {column: age, max: 99999999999999999999999}", want{"fail", 6, 1, []int64{8}}},
		{"row_count up to the largest int64", "- row_count: {min: 1, max: 9223372036854775807}", want{"pass", 6, 0, nil}},
		{"row_count below a huge minimum", "- row_count: {min: 1e19}", want{"fail", 6, 1, nil}},
		{"type integer", "- type: {column: age, type: integer}", want{"fail", 6, 1, []int64{8}}},
		{"type date with format", "- type: {column: joined, type: date, format: '%Y-%m-%d'}", want{"fail", 6, 1, []int64{3}}},
		{"semantic email", "- semantic: {column: email, type: email}", want{"fail", 6, 1, []int64{3}}},
		{"semantic country code", "- semantic: {column: country, type: country_code}", want{"fail", 6, 2, []int64{4, 7}}},
		{"expression", "- expression: {sql: \"TRY_CAST(age AS INTEGER) >= 18 OR status = 'gone'\"}", want{"pass", 6, 0, nil}},
		{"expression failing", "- expression: {sql: \"length(name) > 2\"}", want{"fail", 6, 2, []int64{6, 7}}},
		{"duplicate_rows", "- duplicate_rows: {}", want{"pass", 6, 0, nil}},
		{"row_count passes", "- row_count: {min: 6, max: 6}", want{"pass", 6, 0, nil}},
		{"row_count with where", "- row_count: {min: 3}\n  where: \"status = 'active'\"", want{"fail", 2, 1, nil}},
		{"freshness passes", "- freshness: {column: joined, max_age: 2d}", want{"pass", 6, 0, nil}},
		{"freshness fails", "- freshness: {column: joined, max_age: 12h}", want{"fail", 6, 1, nil}},
		{"schema passes", "- schema: {columns: [id, name], allow_extra: true}", want{"pass", 6, 0, nil}},
		{"schema with extra columns", "- schema: {columns: [id, name, age, status, email, joined]}", want{"fail", 6, 1, nil}},
		{"schema with a missing column", "- schema: {columns: [id, phone]}\n  severity: warn", want{"warn", 6, 1, nil}},
	}
	db := enginetest.Open(t)
	tbl := loadText(t, db, t.TempDir(), "people.csv", people)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Parse([]byte("checks:\n" + indent(c.rules)))
			if err != nil {
				t.Fatal(err)
			}
			res, err := Run(t.Context(), db, tbl, r, Options{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			got := res.Checks[0]
			if got.Threshold != r.Checks[0].MaxFailures {
				t.Errorf("got threshold %v, want the rules file's max_failures %v", got.Threshold, r.Checks[0].MaxFailures)
			}
			var lines []int64
			for _, s := range got.Samples {
				lines = append(lines, s.Line)
			}
			if got.Status != c.want.status || got.Rows != c.want.rows || got.Failed != c.want.failed || !slices.Equal(lines, c.want.lines) {
				t.Errorf("got %s, %d of %d rows failing, sample lines %v (%s); want %s, %d of %d, lines %v",
					got.Status, got.Failed, got.Rows, lines, got.Detail, c.want.status, c.want.failed, c.want.rows, c.want.lines)
			}
		})
	}
}

func indent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = "  " + l
	}
	return strings.Join(lines, "\n") + "\n"
}

func TestReferences(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	dir := t.TempDir()
	tbl := loadText(t, db, dir, "people.csv", people)
	loadText(t, db, dir, "countries.csv", "code,name\nUS,United States\nDE,Germany\nFR,France\n")
	r, err := Parse([]byte("checks:\n  - references: {column: country, to: countries.csv, key: code}\n"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(t.Context(), db, tbl, r, Options{BaseDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	got := res.Checks[0]
	if got.Failed != 2 || got.Samples[0].Value != "XX" || got.Samples[1].Value != "de" {
		t.Errorf("got %d failing, samples %+v; want XX and de", got.Failed, got.Samples)
	}
}

// TestRunConfinesTheSession: Run loads a references check's source, then
// confines the session: the check still works, the declared quarantine is
// written, and nothing run in the session after can read a file.
func TestRunConfinesTheSession(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	db := openWriting(t, bad)
	tbl := loadText(t, db, dir, "people.csv", people)
	countries := filepath.Join(dir, "countries.csv")
	if err := os.WriteFile(countries, []byte("code\nUS\nDE\nFR\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Parse([]byte("checks:\n  - references: {column: country, to: countries.csv, key: code}\n"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(t.Context(), db, tbl, r, Options{BaseDir: dir, Quarantine: bad})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Checks[0].Failed; got != 2 {
		t.Errorf("references: got %d failing, want 2", got)
	}
	if q := enginetest.ReadCSV(t, bad); len(q) != 3 {
		t.Errorf("quarantine: got %d records, want a header and 2 rows", len(q))
	}
	if !db.Confined() {
		t.Fatal("the session is not confined after Run")
	}
	rows, err := db.QueryContext(t.Context(), "SELECT content FROM read_text("+engine.Literal(countries)+")")
	if err == nil {
		rows.Close()
		t.Error("the session read a file after Run")
	}
}

func TestRunErrorsPointAtTheCheck(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	tbl := loadText(t, db, t.TempDir(), "people.csv", people)
	cases := []struct {
		name, rules string
		line, col   int
		msg         string
	}{
		{"unknown column", "- not_null: phone", 3, 5, `no column "phone"`},
		{"bad where", "- not_null: id\n  where: \"nosuch > 1\"", 4, 12, "nosuch"},
		{"bad expression", "- expression: {sql: \"age >\"}", 3, 23, "syntax error"},
		{"missing reference", "- references: {column: country, to: nowhere.csv, key: code}", 3, 5, "nowhere.csv"},
		{"text that does not convert", "- expression: {sql: \"age >= 18\"}", 3, 23, "TRY_CAST(age AS"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Parse([]byte("checks:\n  - not_null: name\n" + indent(c.rules)))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Run(t.Context(), db, tbl, r, Options{})
			ce, ok := err.(*ConfigError)
			if !ok || ce.Line != c.line || ce.Column != c.col || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("got %v, want an error at line %d, column %d mentioning %q", err, c.line, c.col, c.msg)
			}
		})
	}
}

// TestQuarantineAndPassingAddUp checks that every row lands in exactly one
// of the two files, with the quarantine naming the checks and lines.
func TestQuarantineAndPassingAddUp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad, good := filepath.Join(dir, "bad.csv"), filepath.Join(dir, "good.csv")
	db := openWriting(t, bad, good)
	tbl := loadText(t, db, dir, "people.csv", people)
	r, err := Parse([]byte(`checks:
  - not_null: email
  - range: {column: age, min: 18, max: 120}
  - unique: id
  - row_count: {min: 1}
`))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(t.Context(), db, tbl, r, Options{Quarantine: bad, Passing: good})
	if err != nil {
		t.Fatal(err)
	}
	q, p := enginetest.ReadCSV(t, bad), enginetest.ReadCSV(t, good)
	if len(q)-1+len(p)-1 != int(res.Rows) || int64(len(q)-1) != res.FailingRows {
		t.Fatalf("got %d quarantined + %d passing, want %d rows with %d failing", len(q)-1, len(p)-1, res.Rows, res.FailingRows)
	}
	if strings.Join(q[0][:5], ",") != "_line,_failed_checks,_reject_reason,_reject_text,id" || strings.Join(p[0], ",") != strings.Join(q[0][4:], ",") {
		t.Errorf("got headers %v and %v", q[0], p[0])
	}
	want := [][]string{
		{"4", "range(age)", "", "", "3"},
		{"6", "not_null(email); range(age); unique(id)", "", "", "4"},
		{"7", "unique(id)", "", "", "4"},
		{"8", "range(age)", "", "", "6"},
	}
	for i, w := range want {
		if got := q[i+1][:5]; !slices.Equal(got, w) {
			t.Errorf("quarantine row %d: got %v, want %v", i+1, got, w)
		}
	}
	if p[1][0] != "1" || p[2][0] != "2" {
		t.Errorf("got passing rows %v", p[1:])
	}
	if q[1][5] != "Cy\nJr" {
		t.Errorf("got name %q, want the value as read", q[1][3])
	}
}

// TestRunLeavesNoTables: the tables a run makes (groupings, failing rows,
// line index, references) are dropped when it ends.
func TestRunLeavesNoTables(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := openWriting(t, filepath.Join(dir, "bad.csv"))
	tbl := loadText(t, db, dir, "people.csv", people)
	if err := os.WriteFile(filepath.Join(dir, "countries.csv"), []byte("code\nUS\nDE\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	relations := func() int64 {
		var n int64
		q := "SELECT (SELECT count(*) FROM duckdb_tables()) + (SELECT count(*) FROM duckdb_views() WHERE NOT internal)"
		if err := db.QueryRowContext(t.Context(), q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := relations()
	r, err := Parse([]byte(`checks:
  - unique: id
  - duplicate_rows: {}
  - not_null: email
  - references: {column: country, to: countries.csv, key: code}
`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(t.Context(), db, tbl, r, Options{BaseDir: dir, Quarantine: filepath.Join(dir, "bad.csv")}); err != nil {
		t.Fatal(err)
	}
	if after := relations(); after != before {
		t.Errorf("got %d tables and views after the run, want the %d before", after, before)
	}
}

// TestRejectsAreTheLoadCheck: rows rejected at load come first as the
// load check (failing, or warning when allowed), with the first rejects as
// samples, and in the quarantine among the failing rows by line, so that
// quarantine and passing rows add up to every record read, counted here
// by encoding/csv.
func TestRejectsAreTheLoadCheck(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"p1.csv": "id,name\n1,a\n2,b,extra\n3,\"c\nd\"\n",
		"p2.csv": "id,name\n\n4\n5,e\n,f\n",
	}
	for _, allow := range []bool{false, true} {
		// (No "=" in the name: DuckDB reads a folder named a=b as a
		// hive partition, a column of its own.)
		t.Run(fmt.Sprintf("allowed %t", allow), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			bad, good := filepath.Join(dir, "bad.csv"), filepath.Join(dir, "good.csv")
			db := openWriting(t, bad, good)
			records := 0
			for name, content := range files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
				records += len(enginetest.ReadRaggedCSV(t, filepath.Join(dir, name))) - 1
			}
			tbl := enginetest.Load(t, db, filepath.Join(dir, "p*.csv"), true)
			r, err := Parse([]byte("checks:\n  - not_null: id\n"))
			if err != nil {
				t.Fatal(err)
			}
			res, err := Run(t.Context(), db, tbl, r, Options{Quarantine: bad, Passing: good, AllowRejects: allow})
			if err != nil {
				t.Fatal(err)
			}
			load := res.Checks[0]
			status, severity, summary := StatusFail, SeverityError, Summary{Failed: 2}
			if allow {
				status, severity, summary = StatusWarn, SeverityWarn, Summary{Warned: 1, Failed: 1}
			}
			if load.Name != "load" || load.Kind != string(Load) || load.Status != status || load.Severity != severity ||
				load.Rows != int64(records) || load.Failed != 2 || res.Summary != summary {
				t.Errorf("got %+v, summary %+v; want a %s load check, 2 of %d rows, summary %+v", load, res.Summary, status, records, summary)
			}
			wantSamples := []Sample{
				{File: filepath.Join(dir, "p1.csv"), Line: 3, Value: "2,b,extra", Reason: "TOO MANY COLUMNS"},
				{File: filepath.Join(dir, "p2.csv"), Line: 3, Value: "4", Reason: "MISSING COLUMNS"},
			}
			if !slices.Equal(load.Samples, wantSamples) {
				t.Errorf("got samples %+v, want %+v", load.Samples, wantSamples)
			}
			q, p := enginetest.ReadCSV(t, bad), enginetest.ReadCSV(t, good)
			if len(q)-1+len(p)-1 != records {
				t.Errorf("got %d quarantined + %d passing rows, want the %d records of the files", len(q)-1, len(p)-1, records)
			}
			want := [][]string{
				{"_line", "_file", "_failed_checks", "_reject_reason", "_reject_text", "id", "name"},
				{"3", filepath.Join(dir, "p1.csv"), "load", "TOO MANY COLUMNS", "2,b,extra", "", ""},
				{"3", filepath.Join(dir, "p2.csv"), "load", "MISSING COLUMNS", "4", "", ""},
				{"5", filepath.Join(dir, "p2.csv"), "not_null(id)", "", "", "", "f"},
			}
			if !slices.EqualFunc(q, want, slices.Equal) {
				t.Errorf("quarantine:\ngot  %q\nwant %q", q, want)
			}
		})
	}
}

// TestFreshnessInTheFuture: a newest value after now fails, with its own
// message, however recent it makes the data look.
func TestFreshnessInTheFuture(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	tbl := loadText(t, db, t.TempDir(), "ts.csv", "id,ts\n1,2024-03-01 00:00:00\n2,2099-01-01 00:00:00\n")
	now := func() time.Time { return time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC) }
	cases := []struct {
		name, where, status, detail string
	}{
		{"a value in the future", "", StatusFail, "newest ts is 2099-01-01 00:00:00, 27331d in the future; want one within 365d, and none after now"},
		{"none in the future", "id = 1", StatusPass, "newest ts is 2024-03-01 00:00:00, 3d old; want within 365d"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rules := "checks:\n  - freshness: {column: ts, max_age: 365d}\n"
			if c.where != "" {
				rules += "    where: " + c.where + "\n"
			}
			r, err := Parse([]byte(rules))
			if err != nil {
				t.Fatal(err)
			}
			res, err := Run(t.Context(), db, tbl, r, Options{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Checks[0]; got.Status != c.status || got.Detail != c.detail {
				t.Errorf("got %s: %s; want %s: %s", got.Status, got.Detail, c.status, c.detail)
			}
		})
	}
}

// TestBoundsAreExact: bounds compare to the last digit, beyond float64
// (9007199254740993 is no float64), and print as written.
func TestBoundsAreExact(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	tbl := loadText(t, db, t.TempDir(), "big.csv", "n\n9007199254740993\n1\n")
	for _, c := range []struct {
		max    string
		failed int64
	}{{"9007199254740992", 1}, {"9007199254740993", 0}, {"9007199254740992.5", 1}, {"1e16", 0}} {
		r, err := Parse([]byte("checks:\n  - range: {column: n, max: " + c.max + "}\n"))
		if err != nil {
			t.Fatal(err)
		}
		res, err := Run(t.Context(), db, tbl, r, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Checks[0].Failed; got != c.failed {
			t.Errorf("max %s: got %d failing, want %d", c.max, got, c.failed)
		}
	}
	for in, want := range map[string]string{"9223372036854775807": "9223372036854775807", "1e19": "10000000000000000000",
		"0.1": "0.1", "-1.50": "-1.5", "1e-300": "1e-300", ".5": "0.5", "1e300": "1e+300"} {
		b, ok := parseNumber(in)
		if !ok {
			t.Errorf("parseNumber(%q): not a number", in)
			continue
		}
		if got := b.String(); got != want {
			t.Errorf("bound %s: got %s, want %s", in, got, want)
		}
	}
	for _, in := range []string{"1/3", "0x10", "1_000", "Inf", "NaN", "1e400", "--1", ""} {
		if _, ok := parseNumber(in); ok {
			t.Errorf("parseNumber(%q): got a number, want none", in)
		}
	}
}
