package rules

import (
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// issueExample is the rules file from the issue, in its exact shape.
const issueExample = `dataset: customers                 # optional label used in reports
checks:
  - not_null: [customer_id, email]
  - unique: customer_id
  - unique: [first_name, last_name, birth_date]      # composite
  - accepted_values: {column: status, values: [active, inactive, pending]}
    ignore_case: true
  - range: {column: balance, min: -1000, max: 1000000}
  - pattern: {column: email, regex: '^[^@\s]+@[^@\s]+\.[^@\s]+$'}
  - length: {column: zip, min: 5, max: 10}
  - type: {column: birth_date, type: date, format: '%Y-%m-%d'}
  - semantic: {column: account_uuid, type: uuid}
  - row_count: {min: 1000}
  - freshness: {column: signup_ts, max_age: 36h}
  - references: {column: country, to: countries.csv, key: code}
  - expression: {sql: "ship_date >= order_date"}
    name: ships after ordering
  - duplicate_rows: {}
  - schema: {columns: [customer_id, email, status], allow_extra: true}
`

func TestParseIssueExample(t *testing.T) {
	t.Parallel()
	r, err := Parse([]byte(issueExample))
	if err != nil {
		t.Fatal(err)
	}
	if r.Dataset != "customers" {
		t.Errorf("got dataset %q, want customers", r.Dataset)
	}
	var kinds, names []string
	for _, c := range r.Checks {
		kinds = append(kinds, string(c.Kind))
		names = append(names, c.Name)
	}
	want := "not_null not_null unique unique accepted_values range pattern length type semantic row_count freshness references expression duplicate_rows schema"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("got kinds %s, want %s", got, want)
	}
	for i, want := range map[int]string{0: "not_null(customer_id)", 1: "not_null(email)", 3: "unique(first_name, last_name, birth_date)", 13: "ships after ordering"} {
		if names[i] != want {
			t.Errorf("check %d: got name %q, want %q", i, names[i], want)
		}
	}
	c := r.Checks[4]
	if !c.IgnoreCase || strings.Join(c.Values, ",") != "active,inactive,pending" || c.Line != 6 || c.Column != 5 {
		t.Errorf("accepted_values: got %+v", c)
	}
	if rg := r.Checks[5]; rg.Min.Number != -1000 || rg.Max.Number != 1e6 {
		t.Errorf("range: got min %v max %v", rg.Min, rg.Max)
	}
	if f := r.Checks[11]; f.MaxAge != 36*time.Hour {
		t.Errorf("freshness: got max_age %v, want 36h", f.MaxAge)
	}
	for _, c := range r.Checks {
		if c.Severity != "error" || !c.AllowNull || c.MaxFailures != (Threshold{}) {
			t.Errorf("%s: got defaults severity %q allow_null %t max_failures %v", c.Name, c.Severity, c.AllowNull, c.MaxFailures)
		}
	}
}

func TestParseCommonKeys(t *testing.T) {
	t.Parallel()
	r, err := Parse([]byte(`checks:
  - range: {column: a, min: 0}
    name: positive
    severity: warn
    max_failures: 5%
    where: "kind = 'x'"
    allow_null: false
  - not_null: b
    max_failures: 10
`))
	if err != nil {
		t.Fatal(err)
	}
	c := r.Checks[0]
	if c.Name != "positive" || c.Severity != "warn" || c.MaxFailures.String() != "5%" || c.Where != "kind = 'x'" || c.AllowNull {
		t.Errorf("got %+v", c)
	}
	if got := r.Checks[1].MaxFailures; got.IsShare || got.Count != 10 {
		t.Errorf("got max_failures %+v, want 10", got)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, yaml string
		line, col  int
		msg        string
	}{
		{"empty", "", 1, 1, "empty config"},
		{"not a mapping", "- a\n", 1, 1, "want a mapping"},
		{"unknown top key", "checks: []\nrules: x\n", 2, 1, `unknown key "rules"`},
		{"no checks", "dataset: x\n", 1, 1, "no checks"},
		{"checks not a list", "checks: {a: 1}\n", 1, 9, "want a list"},
		{"unknown check", "checks:\n  - not_empty: [a]\n", 2, 5, `unknown key "not_empty"`},
		{"two checks in one item", "checks:\n  - not_null: a\n    unique: a\n", 3, 5, "one check per list item"},
		{"unknown argument", "checks:\n  - range: {column: a, minimum: 1}\n", 2, 24, `range takes no "minimum"`},
		{"bad regex", "checks:\n  - pattern: {column: a, regex: '^[a-$'}\n", 2, 33, "invalid character class range"},
		{"bad threshold", "checks:\n  - not_null: a\n    max_failures: lots\n", 3, 19, "want a count like 10"},
		{"share over 100", "checks:\n  - not_null: a\n    max_failures: 120%\n", 3, 19, "between 0% and 100%"},
		{"bad severity", "checks:\n  - not_null: a\n    severity: fatal\n", 3, 15, "want error or warn"},
		{"range without bounds", "checks:\n  - range: {column: a}\n", 2, 5, "needs min, max or both"},
		{"range min above max", "checks:\n  - range: {column: a, min: 5, max: 1}\n", 2, 37, "below min"},
		{"range of words", "checks:\n  - range: {column: a, min: low}\n", 2, 29, "want a number or a date"},
		{"length not whole", "checks:\n  - length: {column: a, min: 1.5}\n", 2, 30, "whole number"},
		{"unknown type", "checks:\n  - type: {column: a, type: money}\n", 2, 29, `type "money": want one of`},
		{"unknown semantic", "checks:\n  - semantic: {column: a, type: ssn}\n", 2, 33, `semantic "ssn"`},
		{"format on integer", "checks:\n  - type: {column: a, type: integer, format: '%Y'}\n", 2, 46, "format applies to date"},
		{"bad duration", "checks:\n  - freshness: {column: a, max_age: soon}\n", 2, 37, "want a duration"},
		{"references without key", "checks:\n  - references: {column: a, to: b.csv}\n", 2, 5, "references needs key"},
		{"allow_null not bool", "checks:\n  - not_null: a\n    allow_null: maybe\n", 3, 17, "want true or false"},
		{"ignore_case on range", "checks:\n  - range: {column: a, min: 1}\n    ignore_case: true\n", 3, 5, "ignore_case applies to"},
		{"values not a list", "checks:\n  - accepted_values: {column: a, values: x}\n", 2, 42, "values: want a list"},
		{"same name twice", "checks:\n  - not_null: a\n  - not_null: [b, a]\n", 3, 5, "is taken by the check on line 2"},
		{"key twice", "checks:\n  - range: {column: a, min: 1, name: x}\n    name: y\n", 2, 32, "name is given twice"},
		{"bad yaml", "checks:\n  - [unclosed\n", 1, 1, "did not find expected"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(c.yaml))
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a *ConfigError", err)
			}
			if ce.Line != c.line || ce.Column != c.col || !strings.Contains(ce.Error(), c.msg) {
				t.Errorf("got %q, want line %d, column %d, %q", ce.Error(), c.line, c.col, c.msg)
			}
		})
	}
}

func TestThreshold(t *testing.T) {
	t.Parallel()
	cases := []struct {
		spec         string
		failed, rows int64
		allows       bool
	}{
		{"0", 0, 100, true},
		{"0", 1, 100, false},
		{"10", 10, 100, true},
		{"10", 11, 100, false},
		{"5%", 5, 100, true},
		{"5%", 6, 100, false},
		{"0.1%", 1, 1000, true},
		{"2.8%", 83, 3000, true},
		{"5%", 1, 0, true},
	}
	for _, c := range cases {
		th, err := ParseThreshold(c.spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := th.Allows(c.failed, c.rows); got != c.allows {
			t.Errorf("%s allows %d of %d: got %t, want %t", c.spec, c.failed, c.rows, got, c.allows)
		}
		if th.String() != c.spec {
			t.Errorf("got %q written back, want %q", th.String(), c.spec)
		}
		b, err := json.Marshal(th)
		if err != nil || string(b) != strconv.Quote(c.spec) {
			t.Errorf("got JSON %s, %v; want %q", b, err, c.spec)
		}
		var back Threshold
		if err := json.Unmarshal(b, &back); err != nil || back != th {
			t.Errorf("got %+v, %v read back from %s; want %+v", back, err, b, th)
		}
	}
}

func TestParseDuration(t *testing.T) {
	t.Parallel()
	for spec, want := range map[string]time.Duration{"36h": 36 * time.Hour, "2d": 48 * time.Hour, "1d12h": 36 * time.Hour,
		"90m": 90 * time.Minute, "1w": 7 * 24 * time.Hour, "1.5h": 90 * time.Minute} {
		if got, err := ParseDuration(spec); err != nil || got != want {
			t.Errorf("%s: got %v, %v; want %v", spec, got, err, want)
		}
	}
	for _, bad := range []string{"", "h", "36", "36x", "-1h", "0h", "1h 2m"} {
		if _, err := ParseDuration(bad); err == nil {
			t.Errorf("%q: got no error", bad)
		}
	}
}

// FuzzParse holds the parser to its contract on any input: a rules file
// or a *ConfigError with a position, never a panic; and every check it
// accepts has a name, a kind and a severity.
func FuzzParse(f *testing.F) {
	f.Add([]byte(issueExample))
	for _, p := range []string{"../testdata/check/customers.yaml"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("checks:\n  - range: {column: a, min: 0}\n    max_failures: 5%\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse(data)
		if err != nil {
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Line < 1 || ce.Column < 1 {
				t.Fatalf("got %v (%T), want a *ConfigError with a position", err, err)
			}
			return
		}
		for _, c := range r.Checks {
			if c.Name == "" || c.Kind == "" || (c.Severity != "error" && c.Severity != "warn") {
				t.Fatalf("accepted a check without name, kind or severity: %+v", c)
			}
		}
	})
}
