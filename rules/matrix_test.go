//go:build duckdb_arrow

package rules

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/internal/enginetest"
)

// matrixColumns are the column types a source can give a check, each
// with the values of the matrix rows as a CSV writes them: three values
// and a NULL. The third value of each is out of every bound the matrix
// sets and missing from every list it gives.
var matrixColumns = []struct {
	name, typ string
	values    [3]string
}{
	{"v", "VARCHAR", [3]string{"a", "bb", "ccc"}},
	{"i", "BIGINT", [3]string{"1", "2", "30"}},
	{"f", "DOUBLE", [3]string{"1.5", "2.5", "30.5"}},
	{"dec", "DECIMAL(10,2)", [3]string{"1.50", "2.50", "30.50"}},
	{"d", "DATE", [3]string{"2024-01-05", "2024-02-01", "2025-06-01"}},
	{"ts", "TIMESTAMP", [3]string{"2024-01-05 10:00:00", "2024-02-01 08:30:00", "2025-06-01 00:00:00"}},
	{"tz", "TIMESTAMPTZ", [3]string{"2024-01-05 10:00:00+00", "2024-02-01 08:30:00+00", "2025-06-01 00:00:00+00"}},
	{"b", "BOOLEAN", [3]string{"true", "false", "true"}},
}

// matrixFiles writes the matrix table as CSV, Parquet and NDJSON with
// DuckDB's COPY, and a CSV of the first two values of each column (the
// other source of references checks).
func matrixFiles(t *testing.T, dir string) []string {
	t.Helper()
	db := enginetest.Open(t)
	var defs, selects []string
	for _, c := range matrixColumns {
		defs = append(defs, engine.Ident(c.name)+" "+c.typ)
	}
	for row := range 3 {
		items := []string{fmt.Sprint(row + 1)}
		for _, c := range matrixColumns {
			items = append(items, "CAST("+engine.Literal(c.values[row])+" AS "+c.typ+")")
		}
		selects = append(selects, "("+strings.Join(items, ", ")+")")
	}
	selects = append(selects, "(4"+strings.Repeat(", NULL", len(matrixColumns))+")")
	for _, q := range []string{
		"SET TimeZone = 'UTC'",
		"CREATE TABLE matrix (id BIGINT, " + strings.Join(defs, ", ") + ")",
		"INSERT INTO matrix VALUES " + strings.Join(selects, ", "),
	} {
		if _, err := db.ExecContext(t.Context(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var files []string
	for _, f := range []struct{ name, format string }{
		{"matrix.csv", "(FORMAT csv, HEADER)"}, {"matrix.parquet", "(FORMAT parquet)"}, {"matrix.ndjson", "(FORMAT json)"},
	} {
		path := filepath.Join(dir, f.name)
		if _, err := db.ExecContext(t.Context(), "COPY matrix TO "+engine.Literal(path)+" "+f.format); err != nil {
			t.Fatal(err)
		}
		files = append(files, path)
	}
	var header, rows [2][]string
	for _, c := range matrixColumns {
		header[0] = append(header[0], c.name)
		for row := range 2 {
			rows[row] = append(rows[row], c.values[row])
		}
	}
	ref := strings.Join(header[0], ",") + "\n" + strings.Join(rows[0], ",") + "\n" + strings.Join(rows[1], ",") + "\n"
	if err := os.WriteFile(filepath.Join(dir, "ref.csv"), []byte(ref), 0o644); err != nil {
		t.Fatal(err)
	}
	return files
}

// verdict is what a check of the matrix should come to: a status and a
// number of failing rows, or a *ConfigError (config).
type verdict struct {
	status string
	failed int64
	config bool
}

var (
	pass     = verdict{status: StatusPass}
	fails    = func(n int64) verdict { return verdict{status: StatusFail, failed: n} }
	config   = verdict{config: true}
	numbers  = []string{"i", "f", "dec"}
	temporal = []string{"d", "ts", "tz"}
)

// matrixCase is a check of each matrix column: rules with {c} for the
// column (and {v1}, {v2} for its first two values), the verdict on most
// columns and the verdicts on others.
type matrixCase struct {
	kind   string
	rules  string
	most   verdict
	except map[string]verdict
}

func only(cols []string, v verdict, more map[string]verdict) map[string]verdict {
	m := map[string]verdict{}
	for _, c := range cols {
		m[c] = v
	}
	for c, v := range more {
		m[c] = v
	}
	return m
}

var matrixCases = []matrixCase{
	{"not_null", "not_null: {c}", fails(1), nil},
	{"unique", "unique: {c}", pass, map[string]verdict{"b": fails(2)}},
	{"accepted_values", "accepted_values: {column: {c}, values: ['{v1}', '{v2}']}", fails(1), map[string]verdict{"b": pass}},
	{"range (numbers)", "range: {column: {c}, min: 0, max: 10}", fails(1),
		only(temporal, config, map[string]verdict{"v": fails(3), "b": config})},
	{"range (dates)", "range: {column: {c}, min: 2024-01-01, max: 2024-12-31}", fails(1),
		only(numbers, config, map[string]verdict{"v": fails(3), "b": config})},
	{"pattern", "pattern: {column: {c}, regex: '^[0-9a-z]'}", pass, nil},
	{"length", "length: {column: {c}, min: 1, max: 30}", pass, nil},
	{"type", "type: {column: {c}, type: integer}", fails(3), map[string]verdict{"i": pass}},
	{"type", "type: {column: {c}, type: decimal}", fails(3), only(numbers, pass, nil)},
	// A timestamp at midnight is a date.
	{"type", "type: {column: {c}, type: date}", fails(3), map[string]verdict{"d": pass, "ts": fails(2), "tz": fails(2)}},
	{"type", "type: {column: {c}, type: timestamp}", fails(3), only(temporal, pass, nil)},
	// DuckDB reads 1 and 0 as booleans.
	{"type", "type: {column: {c}, type: boolean}", fails(3), map[string]verdict{"b": pass, "i": fails(2)}},
	{"semantic", "semantic: {column: {c}, type: email}", fails(3), nil},
	{"freshness", "freshness: {column: {c}, max_age: 60d}", pass,
		only(numbers, config, map[string]verdict{"v": fails(1), "b": config})},
	{"references", "references: {column: {c}, to: ref.csv, key: {c}}", fails(1), map[string]verdict{"b": pass}},
	{"expression", "expression: {sql: '{c} IS NOT NULL'}", fails(1), nil},
	// A text column's values that are not numbers (or dates) are left
	// out: v has none to measure, which fails.
	{"avg", "avg: {column: {c}, min: 0, max: 20}", config, only(numbers, pass, map[string]verdict{"v": fails(1)})},
	{"sum", "sum: {column: {c}, max: 20}", config, only(numbers, fails(1), map[string]verdict{"v": fails(1)})},
	{"min (numbers)", "min: {column: {c}, min: 0, max: 10}", config, only(numbers, pass, map[string]verdict{"v": fails(1)})},
	{"max (dates)", "max: {column: {c}, max: 2024-12-31}", config, only(temporal, fails(1), map[string]verdict{"v": fails(1)})},
	{"stddev", "stddev: {column: {c}, max: 20}", config, only(numbers, pass, map[string]verdict{"v": fails(1)})},
	{"distinct_count", "distinct_count: {column: {c}, min: 3}", pass, map[string]verdict{"b": fails(1)}},
	{"missing_percent", "missing_percent: {column: {c}, max: 20}", fails(1), nil},
	{"duplicate_percent", "duplicate_percent: {column: {c}, max: 10%}", pass, map[string]verdict{"b": fails(1)}},
}

// formatExcept are the verdicts that differ by format, because the
// format gives the column another type: NDJSON has no time zone type, so
// DuckDB reads a TIMESTAMPTZ written to it back as text.
var formatExcept = map[string]map[string]verdict{
	"ndjson": {"range (numbers) tz": fails(3), "avg tz": fails(1), "sum tz": fails(1), "min (numbers) tz": fails(1), "stddev tz": fails(1)},
}

// TestMatrix runs every kind of check on every type of column a source
// can give, from CSV (loaded raw, as plumb check loads it, so that the
// types are the sniffer's), Parquet and NDJSON: each comes to its verdict,
// the same from every format, or is a *ConfigError that names the check,
// never a SQL error. The checks that evaluate run together, in one Run
// (which confines the session: references load before), then each check
// that cannot evaluate runs alone.
func TestMatrix(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := matrixFiles(t, dir)
	now := func() time.Time { return time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC) }
	for _, file := range files {
		format := filepath.Ext(file)[1:]
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			db := enginetest.Open(t)
			tbl := enginetest.Load(t, db, file, true)
			var texts []string
			var wants []verdict
			for _, mc := range matrixCases {
				for _, col := range matrixColumns {
					want := mc.most
					if v, ok := mc.except[col.name]; ok {
						want = v
					}
					if v, ok := formatExcept[format][mc.kind+" "+col.name]; ok {
						want = v
					}
					texts = append(texts, strings.NewReplacer("{c}", col.name, "{v1}", col.values[0], "{v2}", col.values[1]).Replace(mc.rules))
					wants = append(wants, want)
				}
			}
			for _, text := range []string{"row_count: {min: 4, max: 4}", "duplicate_rows: {}",
				"schema: {columns: [id, v, i, f, dec, d, ts, tz, b]}"} {
				texts, wants = append(texts, text), append(wants, pass)
			}
			var all strings.Builder
			var evaluated []int
			for k, text := range texts {
				if !wants[k].config {
					fmt.Fprintf(&all, "  - %s\n    name: 'cell %d'\n", text, k)
					evaluated = append(evaluated, k)
				}
			}
			r, err := Parse([]byte("checks:\n" + all.String()))
			if err != nil {
				t.Fatal(err)
			}
			res, err := Run(t.Context(), db, tbl, r, Options{Now: now, BaseDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			for j, k := range evaluated {
				c, want := res.Checks[j], wants[k]
				if c.Status != want.status || c.Failed != want.failed {
					t.Errorf("%s: got %s with %d failing (%s; samples %v), want %s with %d", texts[k], c.Status, c.Failed, c.Detail, c.Samples, want.status, want.failed)
				}
			}
			for k, text := range texts {
				if !wants[k].config {
					continue
				}
				r, err := Parse([]byte("checks:\n  - " + text + "\n"))
				if err != nil {
					t.Fatal(err)
				}
				res, err := Run(t.Context(), db, tbl, r, Options{Now: now, BaseDir: dir})
				var ce *ConfigError
				switch {
				case errors.As(err, &ce):
					if msg := err.Error(); !strings.Contains(msg, r.Checks[0].Name+": ") || strings.Contains(msg, "Error:") {
						t.Errorf("%s: got %q, want an error that names the check, in plumb's words", text, msg)
					}
				case err != nil:
					t.Errorf("%s: got %v, want a *ConfigError", text, err)
				default:
					c := res.Checks[0]
					t.Errorf("%s: got %s (%d failing; %s), want a *ConfigError", text, c.Status, c.Failed, c.Detail)
				}
			}
		})
	}
}

// TestTypedValuesAreOfTheColumnsType: the values an accepted_values check
// lists for a typed column must be values of its type.
func TestTypedValuesAreOfTheColumnsType(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := matrixFiles(t, dir)
	db := enginetest.Open(t)
	tbl := enginetest.Load(t, db, files[1], true)
	r, err := Parse([]byte("checks:\n  - accepted_values: {column: i, values: [1, two]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(t.Context(), db, tbl, r, Options{})
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Line != 2 || !strings.Contains(err.Error(), `accepted_values(i): value "two" is not a BIGINT`) {
		t.Errorf("got %v, want a *ConfigError at line 2 saying two is not a BIGINT", err)
	}
}
