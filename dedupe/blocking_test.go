//go:build duckdb_arrow

package dedupe

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/plumb-data/plumb/engine"
)

// TestBlockingKeyInjection: a blocking key is one SQL expression over the
// fields and nothing else. Whatever a config smuggles into one (a second
// statement, a subquery over a file, a table function, a comment), Run
// refuses it before any work, at the key's line, with an error
// that shows neither plumb's SQL nor its scratch tables, and writes no
// file.
func TestBlockingKeyInjection(t *testing.T) {
	t.Parallel()
	db, tbl, _ := setup(t)
	dir := t.TempDir()
	stolen := filepath.Join(dir, "stolen.csv")
	tests := []struct {
		name, key, want string
	}{
		{"stacked COPY", "email; COPY (SELECT * FROM people) TO " + engine.Literal(stolen), "syntax error"},
		{"stacked COPY after a comment", "email --\n; COPY (SELECT 1) TO " + engine.Literal(stolen), ""},
		{"stacked statement ending the expression", "email) AS k0 FROM x; COPY (SELECT 1) TO " + engine.Literal(stolen) + "; SELECT (1", ""},
		{"subquery reading a file", "(SELECT content FROM read_text('/etc/hostname'))", "subquery"},
		{"subquery in a comparison", "email || (SELECT string_agg(file, ',') FROM glob('/etc/*'))", "subquery"},
		{"IN subquery", "email IN (SELECT file FROM glob('*'))", "subquery"},
		{"EXISTS subquery", "EXISTS (SELECT 1 FROM read_text('/etc/hostname'))", "subquery"},
		{"table function as a value", "read_text('/etc/hostname')", "table function"},
		{"glob", "glob('/etc/*')", "table function"},
		{"UNION", "email UNION SELECT content FROM read_text('/etc/hostname')", ""},
		{"FROM clause", "email FROM read_text('/etc/hostname')", "FROM"},
		{"ATTACH", "email; ATTACH '" + filepath.Join(dir, "x.db") + "' AS x", ""},
		{"INSTALL", "email; INSTALL httpfs", ""},
		{"LOAD", "email; LOAD httpfs", ""},
		{"SET", "email; SET enable_external_access = true", ""},
		{"PRAGMA", "email; PRAGMA version", ""},
		{"unterminated comment", "email /* ) AS k0 FROM x", ""},
		{"unknown column", "country", "country"},
		{"unknown function", "nope(email)", "nope"},
		{"empty", " ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check := func(t *testing.T, err error, positioned bool) {
				t.Helper()
				if err == nil {
					t.Fatalf("key %q: got no error, want it refused", tt.key)
				}
				msg := err.Error()
				for _, leak := range []string{"plumb_dedupe", "CREATE TABLE", " AS k0 FROM (", "LINE ", "records LIMIT 0"} {
					if strings.Contains(msg, leak) {
						t.Errorf("error shows plumb's SQL (%q): %s", leak, msg)
					}
				}
				if !strings.Contains(msg, tt.want) {
					t.Errorf("got %q, want it to say %q", msg, tt.want)
				}
				var ce *ConfigError
				if positioned && (!errors.As(err, &ce) || ce.Line != 7) {
					t.Errorf("got %v, want it at line 7 of the config", err)
				}
			}
			yaml := "id: customer_id\nfields:\n  - column: email\n    normalize: [trim, lower]\n  - column: last_name\nblocking:\n  - - " +
				strconv.Quote(tt.key) + "\n"
			cfg, err := Parse([]byte(yaml))
			if err == nil {
				_, err = Run(t.Context(), db, tbl, cfg, Options{})
			}
			check(t, err, true)
			// A config built in code goes through the same checks.
			code := &Config{Fields: []Field{{Column: "email"}, {Column: "last_name"}}, Blocking: [][]string{{tt.key}}, Threshold: 0.9}
			_, err = Run(t.Context(), db, tbl, code, Options{})
			check(t, err, false)
			if err != nil && !strings.Contains(err.Error(), "blocking rule 1") {
				t.Errorf("got %v, want it to name blocking rule 1", err)
			}
		})
	}
	if _, err := os.Stat(stolen); !os.IsNotExist(err) {
		t.Errorf("%s was written", stolen)
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("files appeared in %s: %v", dir, entries)
	}
	var left int
	if err := db.QueryRowContext(t.Context(), "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'plumb_dedupe%'").Scan(&left); err != nil || left != 0 {
		t.Errorf("%d scratch tables left behind (%v)", left, err)
	}
}

// TestBlockingKeyComment: a trailing comment ends with its key's line; it
// cannot reach the SQL around the key.
func TestBlockingKeyComment(t *testing.T) {
	t.Parallel()
	db, tbl, _ := setup(t)
	pairs := func(key string) int64 {
		t.Helper()
		cfg := &Config{Fields: []Field{{Column: "email", Normalize: []Normalizer{NormalizeTrim, NormalizeLower}}}, Blocking: [][]string{{key}}, Threshold: 0.9}
		res, err := Run(t.Context(), db, tbl, cfg, Options{Now: fixedClock()})
		if err != nil {
			t.Fatalf("key %q: %v", key, err)
		}
		return res.Rules[0].Pairs
	}
	want := pairs("email")
	for _, key := range []string{"email -- ) AS k0 FROM x WHERE false", "email /* a comment */", "email --"} {
		if got := pairs(key); got != want {
			t.Errorf("key %q: %d pairs, want %d as for email", key, got, want)
		}
	}
}

// TestBlockingKeyPlace: a key DuckDB refuses is reported where it is
// written, also after the first key of a rule.
func TestBlockingKeyPlace(t *testing.T) {
	t.Parallel()
	db, tbl, _ := setup(t)
	yaml := "fields:\n  - column: last_name\n  - column: birth_date\nblocking:\n  - [soundex(last_name), nope(birth_date, 1)]\n"
	cfg, err := Parse([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(t.Context(), db, tbl, cfg, Options{})
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Line != 5 || ce.Column != 26 || !strings.Contains(err.Error(), `"nope(birth_date, 1)"`) {
		t.Errorf("got %v, want line 5, column 26 and the key", err)
	}
	// A copy whose rules were changed in code has no place to point at.
	changed := *cfg
	changed.Blocking = [][]string{{"soundex(last_name)", "nope(last_name)"}}
	_, err = Run(t.Context(), db, tbl, &changed, Options{})
	if errors.As(err, &ce) || err == nil || !strings.Contains(err.Error(), "nope(last_name)") {
		t.Errorf("got %v, want an error without a place that names the key", err)
	}
}

// TestBlockingKeyRuntimeError: a key that parses and binds but fails on
// the data is an error naming its rule.
func TestBlockingKeyRuntimeError(t *testing.T) {
	t.Parallel()
	db, tbl, cfg := setup(t)
	cfg.Blocking = append(cfg.Blocking, []string{"CAST(email AS INTEGER)"})
	_, err := Run(t.Context(), db, tbl, cfg, Options{Now: fixedClock()})
	if err == nil || !strings.Contains(err.Error(), "blocking rule 4 [CAST(email AS INTEGER)]") || !strings.Contains(err.Error(), "Could not convert") {
		t.Errorf("got %v, want an error naming blocking rule 4", err)
	}
}
