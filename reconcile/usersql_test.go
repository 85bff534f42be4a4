//go:build duckdb_arrow

package reconcile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/internal/enginetest"
)

// injections are filters and transformations that try to leave the
// expression they are given for: stacked statements, file access,
// settings, extensions, comments and quoting. DIR stands for a directory
// in which no file may appear.
var injections = []struct{ name, sql string }{
	{"stacked COPY", `1=1); COPY (SELECT 'pwned' AS x) TO 'DIR/pwned.csv'; SELECT 1 WHERE (1=1`},
	{"stacked COPY in a transformation", `lower(trim(mail))) AS x FROM t; COPY (SELECT 'pwned' AS x) TO 'DIR/pwned.csv'; SELECT (lower(trim(mail))`},
	{"read_text in a subquery", `(SELECT content FROM read_text('/etc/passwd')) IS NOT NULL`},
	{"read_text as a value", `read_text('/etc/passwd') IS NOT NULL`},
	{"glob in a subquery", `EXISTS (SELECT file FROM glob('/etc/*'))`},
	{"glob as a value", `glob('/etc/*') IS NOT NULL`},
	{"ATTACH", `1=1; ATTACH 'DIR/pwned.db' AS pwned`},
	{"INSTALL", `1=1; INSTALL httpfs`},
	{"LOAD", `1=1; LOAD httpfs`},
	{"SET", `1=1; SET enable_external_access = true`},
	{"PRAGMA", `1=1; PRAGMA version`},
	{"comment then a new statement", "1=1 --\n); COPY (SELECT 1) TO 'DIR/pwned.csv'; SELECT (1"},
	{"unbalanced quote", `name = 'Bob`},
	{"unbalanced open parenthesis", `(id = 1`},
	{"unbalanced close parenthesis", `id = 1)`},
	{"unbalanced parentheses around a COPY", `1)); COPY (SELECT 1) TO 'DIR/pwned.csv'; SELECT ((1`},
}

// place is where an option puts a user's SQL, and the origin an error
// in it must name.
type place struct {
	name   string
	origin string
	opts   func(sql string) Options
	mapped bool // compares legacy.csv with crm.csv
}

var places = []place{
	{"where", "--where", func(sql string) Options { return Options{Keys: keys("id"), Where: sql} }, false},
	{"source where", "--source-where", func(sql string) Options { return Options{Keys: keys("id"), SourceWhere: sql} }, false},
	{"target where", "--target-where", func(sql string) Options { return Options{Keys: keys("id"), TargetWhere: sql} }, false},
	{"transformation", "m.csv:3:6: transformation for email", func(sql string) Options {
		return Options{Keys: keys("cust_no"), Mapping: []Pair{{Source: "cust_no", Target: "customer_id"}, {Source: sql, Target: "email", Expr: true}}}
	}, true},
}

func withOrigins(o Options) Options {
	o.Origins = Origins{Where: "--where", SourceWhere: "--source-where", TargetWhere: "--target-where", Mapping: []string{"m.csv:2:1", "m.csv:3:6"}}
	return o
}

// checkUserSQLError checks that err is an *ExprError from origin that
// quotes the user's SQL and shows none of plumb's.
func checkUserSQLError(t *testing.T, err error, origin, fragment string) {
	t.Helper()
	var ee *ExprError
	if !errors.As(err, &ee) {
		t.Fatalf("got %v, want an *ExprError", err)
	}
	if ee.Origin != origin {
		t.Errorf("origin: got %q, want %q", ee.Origin, origin)
	}
	var fe *engine.ExprError
	if !errors.As(err, &fe) || fe.Fragment != fragment {
		t.Errorf("got %v, want an *engine.ExprError quoting %q", err, fragment)
	}
	for _, internal := range []string{"plumb_", "LINE ", "DESCRIBE", "CREATE ", "SELECT (\n"} {
		if strings.Contains(strings.ReplaceAll(err.Error(), fragment, ""), internal) {
			t.Errorf("the error shows plumb's SQL (%q): %v", internal, err)
		}
	}
}

func TestUserSQLCannotLeaveItsExpression(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	src, tgt := load(t, db, "diff/source.csv", false), load(t, db, "diff/target.csv", false)
	legacy, crm := load(t, db, "diff/legacy.csv", true), load(t, db, "diff/crm.csv", false)
	dir := t.TempDir()
	for _, p := range places {
		for _, inj := range injections {
			t.Run(p.name+"/"+inj.name, func(t *testing.T) {
				sql := strings.ReplaceAll(inj.sql, "DIR", filepath.ToSlash(dir))
				opts := withOrigins(p.opts(sql))
				if err := Check(t.Context(), db, opts); err == nil && !strings.Contains(inj.name, "as a value") {
					t.Errorf("Check passed %q", sql)
				}
				a, b := src, tgt
				if p.mapped {
					a, b = legacy, crm
				}
				_, err := Run(t.Context(), db, a, b, opts)
				checkUserSQLError(t, err, p.origin, sql)
			})
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("user SQL wrote %s", entries[0].Name())
	}
	var attached int
	if err := db.QueryRowContext(t.Context(), "SELECT count(*) FROM duckdb_databases() WHERE database_name = 'pwned'").Scan(&attached); err != nil || attached != 0 {
		t.Errorf("user SQL attached a database (%d, %v)", attached, err)
	}
	var access string
	if err := db.QueryRowContext(t.Context(), "SELECT current_setting('enable_external_access')::VARCHAR").Scan(&access); err != nil || access != "true" {
		t.Errorf("enable_external_access is %q (%v), want it untouched", access, err)
	}
}

func TestUserSQLErrorsNameTheirOrigin(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	src, tgt := load(t, db, "diff/source.csv", false), load(t, db, "diff/target.csv", false)
	legacy, crm := load(t, db, "diff/legacy.csv", true), load(t, db, "diff/crm.csv", false)
	for _, tt := range []struct {
		name   string
		place  int // index into places
		sql    string
		reason string
	}{
		{"unknown column", 0, "nope > 1", `Referenced column "nope" not found`},
		{"bad cast at run time", 0, "CAST(name AS INTEGER) > 0", "Conversion Error"},
		{"aggregate", 1, "count(*) > 1", "WHERE clause cannot contain aggregates"},
		{"unknown table names the side", 2, "x.id > 1", `Candidate tables: "target"`},
		{"transformation unknown column", 3, "nope || 'x'", `Referenced column "nope" not found`},
		{"transformation bad cast at run time", 3, "CAST(mail AS INTEGER)", "Conversion Error"},
		{"transformation aggregate", 3, "max(mail)", "one value per row"},
		{"window function in a filter", 0, "count(*) OVER () > 1", "WHERE clause cannot contain window functions"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := places[tt.place]
			opts := withOrigins(p.opts(tt.sql))
			if err := Check(t.Context(), db, opts); err != nil {
				t.Fatalf("Check: %v (it only parses)", err)
			}
			a, b := src, tgt
			if p.mapped {
				a, b = legacy, crm
			}
			_, err := Run(t.Context(), db, a, b, opts)
			checkUserSQLError(t, err, p.origin, tt.sql)
			if err != nil && !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("got %v, want DuckDB's reason %q", err, tt.reason)
			}
		})
	}
}

// TestTrailingCommentStaysInItsExpression checks that a comment ending a
// filter or a transformation comments out nothing plumb adds after it.
func TestTrailingCommentStaysInItsExpression(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	src, tgt := load(t, db, "diff/source.csv", false), load(t, db, "diff/target.csv", false)
	r := diff(t, db, src, tgt, Options{Keys: keys("id"), Where: "id < 5 -- small ids", SourceWhere: "id = 2 --"})
	if r.SourceRows != 1 {
		t.Errorf("filters: got %d source rows, want 1 (id = 2 after id < 5)", r.SourceRows)
	}
	legacy, crm := load(t, db, "diff/legacy.csv", true), load(t, db, "diff/crm.csv", false)
	r = diff(t, db, legacy, crm, Options{Keys: keys("cust_no"), Mapping: []Pair{
		{Source: "cust_no", Target: "customer_id"}, {Source: "lower(trim(mail)) -- tidy", Target: "email", Expr: true}}})
	if len(r.Columns) != 1 || r.Columns[0].Mismatches != 0 {
		t.Errorf("transformation: got %+v, want email with no mismatches", r.Columns)
	}
}

// TestParenthesesStayContained checks that a filter closing and opening
// parentheses, "a) OR (b", which would take the other side's filter into
// its OR once embedded, is refused as not one expression.
func TestParenthesesStayContained(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	src, tgt := load(t, db, "diff/source.csv", false), load(t, db, "diff/target.csv", false)
	_, err := Run(t.Context(), db, src, tgt, Options{Keys: keys("id"), Where: "id = 1) OR (id = 3", SourceWhere: "id = 3"})
	if err == nil || !strings.Contains(err.Error(), "--where") && !strings.Contains(err.Error(), "where") {
		t.Fatalf("got %v, want the --where fragment refused", err)
	}
}
