//go:build duckdb_arrow

package rules

import (
	"encoding/csv"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/internal/enginetest"
	"github.com/plumb-data/plumb/internal/missing"
)

// sales has a region to group by, amounts (one missing) and contacts
// that are missing in every way the profile counts: empty (read as
// NULL), blank, a sentinel, a sentinel in no-break spaces.
const sales = "region,amount,contact\n" +
	"EU,10,a@x.com\n" +
	"EU,20,\n" +
	"US,5,N/A\n" +
	"US,,\"  \"\n" +
	"US,7.5,b@x.com\n" +
	"ASIA,100,\"\u00a0n/a\u00a0\"\n" +
	"ASIA,-3,NULL\n" +
	"ASIA,,none\n"

// TestAggregates holds each aggregate check's measure to the same
// measure computed independently: by plain DuckDB SQL over the file read
// with DuckDB's own CSV reader, and for missing_percent by Go over the
// records encoding/csv reads.
func TestAggregates(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "sales.csv")
	if err := os.WriteFile(path, []byte(sales), 0o644); err != nil {
		t.Fatal(err)
	}
	// The independent figures.
	ref := enginetest.Open(t)
	file := "read_csv(" + engine.Literal(path) + ", header = true, all_varchar = true)"
	independent := func(q string) float64 {
		t.Helper()
		var f float64
		if err := ref.QueryRowContext(t.Context(), "SELECT ("+q+")::DOUBLE FROM "+file).Scan(&f); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return f
	}
	amount := "amount::DOUBLE"
	recs, err := csv.NewReader(strings.NewReader(sales)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	missingContacts := 0
	for _, r := range recs[1:] {
		if v := strings.TrimSpace(r[2]); v == "" || slices.Contains(missing.Sentinels, v) {
			missingContacts++
		}
	}
	cases := []struct {
		rules string
		want  float64
		pass  bool
	}{
		{"avg: {column: amount, min: 0, max: 30}", independent("avg(" + amount + ")"), true},
		{"sum: {column: amount, min: 200}", independent("sum(" + amount + ")"), false},
		{"min: {column: amount, min: 0}", independent("min(" + amount + ")"), false},
		{"max: {column: amount, max: 100}", independent("max(" + amount + ")"), true},
		{"stddev: {column: amount, max: 30}", independent("stddev_samp(" + amount + ")"), false},
		{"distinct_count: {column: region, min: 3, max: 3}", independent("count(DISTINCT region)"), true},
		{"duplicate_percent: {column: region, max: 50}", independent("100.0 * (count(region) - count(DISTINCT region)) / count(region)"), false},
		{"missing_percent: {column: contact, max: 50%}", 100 * float64(missingContacts) / float64(len(recs)-1), false},
		{"missing_percent: {column: amount, max: 25}", independent("100.0 * count(*) FILTER (WHERE amount IS NULL) / count(*)"), true},
	}
	db := enginetest.Open(t)
	tbl := enginetest.Load(t, db, path, true)
	var rules strings.Builder
	rules.WriteString("checks:\n")
	for _, c := range cases {
		rules.WriteString("  - " + c.rules + "\n")
	}
	r, err := Parse([]byte(rules.String()))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(t.Context(), db, tbl, r, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for k, c := range cases {
		got := res.Checks[k]
		v, err := strconv.ParseFloat(got.Value, 64)
		if err != nil || math.Abs(v-c.want) > 1e-5*math.Max(1, math.Abs(c.want)) {
			t.Errorf("%s: got value %q, want %g (DuckDB or Go, computed apart)", c.rules, got.Value, c.want)
		}
		want := StatusFail
		if c.pass {
			want = StatusPass
		}
		if got.Status != want || got.Groups != 0 || got.Rows != 8 {
			t.Errorf("%s: got %s over %d rows (%s), want %s over 8", c.rules, got.Status, got.Rows, got.Detail, want)
		}
	}
	if got, want := res.Checks[0].Detail, "avg(amount) is 23.25; want between 0 and 30"; got != want {
		t.Errorf("got detail %q, want %q", got, want)
	}
	if got, want := res.Checks[7].Detail, "missing_percent(contact) is 62.5%; want at most 50%"; got != want {
		t.Errorf("got detail %q, want %q", got, want)
	}
	if got := res.Checks[0]; got.Min != "0" || got.Max != "30" {
		t.Errorf("got bounds %q and %q, want 0 and 30", got.Min, got.Max)
	}
}

// TestAggregatesByGroup: with group_by each group is measured; the
// failing groups are the samples, each with its measure, checked against
// DuckDB's GROUP BY.
func TestAggregatesByGroup(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "sales.csv")
	if err := os.WriteFile(path, []byte(sales), 0o644); err != nil {
		t.Fatal(err)
	}
	ref := enginetest.Open(t)
	rows, err := ref.QueryContext(t.Context(), "SELECT region, avg(amount::DOUBLE) FROM read_csv("+engine.Literal(path)+
		", header = true, all_varchar = true) GROUP BY region HAVING avg(amount::DOUBLE) > 12 ORDER BY region")
	if err != nil {
		t.Fatal(err)
	}
	var want []Sample
	for rows.Next() {
		var region string
		var avg float64
		if err := rows.Scan(&region, &avg); err != nil {
			t.Fatal(err)
		}
		want = append(want, Sample{Group: "region=" + region, Value: measureText(avg)})
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	db := enginetest.Open(t)
	tbl := enginetest.Load(t, db, path, true)
	r, err := Parse([]byte(`checks:
  - avg: {column: amount, max: 12, group_by: region}
  - avg: {column: amount, max: 12, group_by: [region]}
    max_failures: 2
    name: tolerated
  - missing_percent: {column: contact, max: 50, group_by: region}
    where: "region <> 'ASIA'"
  - avg: {column: region, max: 1}
`))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(t.Context(), db, tbl, r, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := res.Checks[0]
	if got.Name != "avg(amount) by region" || got.Status != StatusFail || got.Groups != 3 || got.Failed != int64(len(want)) ||
		!slices.Equal(got.Samples, want) || got.Detail != "avg(amount) is out of bounds in 2 of 3 groups; want at most 12" {
		t.Errorf("got %+v; want 2 of 3 groups failing, samples %+v", got, want)
	}
	if got := res.Checks[1]; got.Status != StatusPass || got.Failed != 2 {
		t.Errorf("with max_failures 2: got %s, %d failing, want pass with 2", got.Status, got.Failed)
	}
	if got, want := res.Checks[3].Detail, "avg(region): no values to measure; want at most 1 (8 values are not numbers, left out)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// EU: 1 of 2 missing (50%); US: 2 of 3 (N/A and blank).
	wantUS := []Sample{{Group: "region=US", Value: "66.6667%"}}
	if got := res.Checks[2]; got.Groups != 2 || got.Rows != 5 || !slices.Equal(got.Samples, wantUS) {
		t.Errorf("got %d groups over %d rows, samples %+v; want 2 over 5, %+v", got.Groups, got.Rows, got.Samples, wantUS)
	}
}

// TestAggregateErrors: bad bounds and group_by are *ConfigErrors at
// their place; so is an aggregate of a column it cannot measure.
func TestAggregateErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, rules string
		line, col   int
		msg         string
	}{
		{"no bounds", "- avg: {column: amount}", 3, 5, "avg needs min, max or both"},
		{"percent over 100", "- missing_percent: {column: contact, max: 150}", 3, 45, "want a percentage from 0 to 100"},
		{"fractional count", "- distinct_count: {column: region, min: 2.5}", 3, 43, "want a whole number"},
		{"date bound for avg", "- avg: {column: amount, min: 2024-01-01}", 3, 32, `avg "2024-01-01": want a number`},
		{"min above max", "- sum: {column: amount, min: 10, max: 1}", 3, 41, "max 1 is below min 10"},
		{"empty group_by", "- avg: {column: amount, max: 1, group_by: []}", 3, 45, "group_by: no columns"},
		{"group_by on another kind", "- range: {column: amount, max: 1, group_by: region}", 3, 37, "range takes no \"group_by\""},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte("checks:\n  - not_null: region\n" + indent(c.rules)))
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Line != c.line || ce.Column != c.col || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("got %v, want an error at line %d, column %d mentioning %q", err, c.line, c.col, c.msg)
			}
		})
	}
	db := enginetest.Open(t)
	tbl := loadText(t, db, t.TempDir(), "sales.csv", sales)
	for _, c := range []struct{ rules, msg string }{
		{"- max: {column: amount, max: 2024-01-01}", "max(amount): amount holds float values (VARCHAR read as DOUBLE), not dates or timestamps"},
		{"- avg: {column: amount, max: 1, group_by: [regio]}", `avg(amount) by regio: no column "regio"`},
	} {
		r, err := Parse([]byte("checks:\n" + indent(c.rules)))
		if err != nil {
			t.Fatal(err)
		}
		_, err = Run(t.Context(), db, tbl, r, Options{})
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Line != 2 || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: got %v, want an error at line 2 mentioning %q", c.rules, err, c.msg)
		}
	}
}
