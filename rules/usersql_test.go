//go:build duckdb_arrow

package rules

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/internal/enginetest"
)

// userSQLRules puts a fragment in a rules file as a where or as an
// expression's sql, and says where its value is.
func userSQLRules(key, fragment string) (rules string, line, col int) {
	if key == "where" {
		return "checks:\n  - not_null: name\n    where: " + strconv.Quote(fragment) + "\n", 3, 12
	}
	return "checks:\n  - expression: {sql: " + strconv.Quote(fragment) + "}\n", 2, 23
}

// TestUserSQLIsOneExpression: a where or sql that tries to be more than
// one expression (another statement, a file or network read, a subquery)
// is refused before any query holds it, at its place in the rules file.
func TestUserSQLIsOneExpression(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	dir := t.TempDir()
	tbl := loadText(t, db, dir, "people.csv", people)
	out := t.TempDir()
	csvPath, dbPath := filepath.Join(out, "x.csv"), filepath.Join(out, "x.db")
	payloads := []string{
		`1=1); COPY (SELECT 1) TO 'x.csv'; SELECT (1=1`,
		`1; COPY (SELECT 1) TO 'x.csv'`,
		`(SELECT content FROM read_text('/etc/passwd')) IS NOT NULL`,
		`x IN (SELECT 1)`,
		`EXISTS (SELECT 1)`,
		`1 FROM glob('/etc/*')`,
		`1 WHERE true`,
		`1 UNION SELECT 2`,
		`1; ATTACH 'x.db'`,
		`1; INSTALL httpfs`,
		`1; LOAD httpfs`,
		`1; SET threads=1`,
		`1; PRAGMA version`,
		`a > 1; DROP TABLE x`,
		"1\n; DROP TABLE people",
		`1 /* unterminated`,
		`1)) OR ((1`,
	}
	for _, key := range []string{"where", "sql"} {
		for _, p := range payloads {
			p = strings.ReplaceAll(strings.ReplaceAll(p, "'x.csv'", engine.Literal(csvPath)), "'x.db'", engine.Literal(dbPath))
			t.Run(key+" "+p, func(t *testing.T) {
				text, line, col := userSQLRules(key, p)
				r, err := Parse([]byte(text))
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				_, err = Run(t.Context(), db, tbl, r, Options{})
				var ce *ConfigError
				var ee *engine.ExprError
				if !errors.As(err, &ce) || !errors.As(err, &ee) {
					t.Fatalf("got %v, want a *ConfigError wrapping an *engine.ExprError", err)
				}
				if ce.Line != line || ce.Column != col {
					t.Errorf("got line %d, column %d; want line %d, column %d", ce.Line, ce.Column, line, col)
				}
				if msg := err.Error(); !strings.Contains(msg, strconv.Quote(p)) || strings.Contains(msg, "plumb_") {
					t.Errorf("got %q, want the fragment quoted and none of plumb's names", msg)
				}
			})
		}
	}
	for _, p := range []string{csvPath, dbPath, "x.csv", "x.db"} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s was created", p)
		}
	}
}

// TestUserSQLCommentStaysInside: a trailing comment ends with its line
// and cannot swallow the SQL plumb puts after the fragment.
func TestUserSQLCommentStaysInside(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	tbl := loadText(t, db, t.TempDir(), "people.csv", people)
	for _, key := range []string{"where", "sql"} {
		t.Run(key, func(t *testing.T) {
			text, _, _ := userSQLRules(key, "age IS NOT NULL -- a comment")
			r, err := Parse([]byte(text))
			if err != nil {
				t.Fatal(err)
			}
			res, err := Run(t.Context(), db, tbl, r, Options{})
			if err != nil {
				t.Fatal(err)
			}
			// As a where, the row with no age is left out; as an expression,
			// it fails.
			rows, failed := int64(5), int64(0)
			if key == "sql" {
				rows, failed = 6, 1
			}
			if got := res.Checks[0]; got.Rows != rows || got.Failed != failed {
				t.Errorf("got %d of %d rows failing, want %d of %d", got.Failed, got.Rows, failed, rows)
			}
		})
	}
}

// TestUserSQLErrors: SQL that is one expression but cannot run (a column
// that does not exist, text that does not convert) is a *ConfigError at
// the fragment that shows the fragment and DuckDB's reason, never the SQL
// plumb built around it.
func TestUserSQLErrors(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	tbl := loadText(t, db, t.TempDir(), "people.csv", people)
	cases := []struct{ fragment, reason string }{
		{"nosuch > 1", `Referenced column "nosuch" not found`},
		{"no_such_function(age)", "no_such_function does not exist"},
		{"CAST(age AS INTEGER) > 0", "Conversion Error"},
		{"age::INTEGER > 0 AND name <> ''", "convert it, e.g. TRY_CAST(age AS INTEGER)"},
	}
	for _, key := range []string{"where", "sql"} {
		for _, c := range cases {
			t.Run(key+" "+c.fragment, func(t *testing.T) {
				text, line, col := userSQLRules(key, c.fragment)
				r, err := Parse([]byte(text))
				if err != nil {
					t.Fatal(err)
				}
				_, err = Run(t.Context(), db, tbl, r, Options{})
				var ce *ConfigError
				if !errors.As(err, &ce) || ce.Line != line || ce.Column != col {
					t.Fatalf("got %v, want a *ConfigError at line %d, column %d", err, line, col)
				}
				msg := err.Error()
				if !strings.Contains(msg, key+" "+strconv.Quote(c.fragment)) || !strings.Contains(msg, c.reason) {
					t.Errorf("got %q, want the fragment and %q", msg, c.reason)
				}
				for _, internal := range []string{"plumb_", "SELECT", "LINE 1", "coalesce("} {
					if strings.Contains(msg, internal) {
						t.Errorf("got %q, which shows plumb's SQL (%s)", msg, internal)
					}
				}
			})
		}
	}
}
