//go:build duckdb_arrow

package engine

import (
	"context"
	"encoding/json"
	"errors"
	"github.com/plumb-data/plumb/source"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// injections are fragments that try to leave the expression they are
// given for: stacked statements, file and network access, settings,
// subqueries, comments and quoting tricks.
var injections = []string{
	`1=1); COPY (SELECT 'pwned' AS x) TO 'pwned.csv'; SELECT 1 WHERE (1=1`,
	`1; COPY (SELECT 1) TO 'pwned.csv'`,
	`(SELECT content FROM read_text('/etc/passwd')) IS NOT NULL`,
	`CAST((SELECT content FROM read_text('/etc/passwd')) AS INTEGER) > 0`,
	`x IN (SELECT * FROM glob('/home/*/.ssh/*'))`,
	`EXISTS (SELECT 1 FROM read_csv('https://example.com/x.csv'))`,
	`1 FROM read_text('/etc/hostname')`,
	`1 WHERE true`,
	`1 UNION SELECT 2`,
	`1; ATTACH 'x.db' AS x`,
	`1; INSTALL httpfs`,
	`1; LOAD httpfs`,
	`1; SET enable_external_access = true`,
	`1; PRAGMA version`,
	`1 /* unterminated`,
	`'unterminated`,
	`1)) OR ((1`,
	`lower(trim(mail))) AS x FROM t; COPY (SELECT 1) TO 'pwned.csv'; SELECT (lower(trim(mail))`,
	"1\n; DROP TABLE t",
	`a) OR (b`,
	`true) OR (true`,
	`a] OR [b`,
	`1, 2`,
	`email, last_name`,
	"",
	"   ",
}

func TestParseExprRefusesInjections(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	dir := t.TempDir()
	for _, frag := range injections {
		frag = strings.ReplaceAll(frag, "pwned.csv", filepath.Join(dir, "pwned.csv"))
		_, err := db.ParseExpr(t.Context(), frag)
		var ee *ExprError
		if !errors.As(err, &ee) {
			t.Errorf("ParseExpr(%q) = %v, want an *ExprError", frag, err)
			continue
		}
		if strings.Contains(err.Error(), "SELECT (\n") {
			t.Errorf("ParseExpr(%q): the error shows plumb's wrapping: %v", frag, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "pwned.csv")); err == nil {
		t.Error("a fragment wrote a file")
	}
}

func TestParseExprAccepts(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	for _, frag := range []string{
		`amount > 0`,
		`lower(trim(email)) LIKE '%@%'`,
		`"weird ""name""" IS NOT NULL -- a trailing comment is fine`,
		`(a = 'x') OR (b)`,
		`[1, 2][1] = 1`,
		`a IN ('x', 'y')`,
		`struct_pack(k := 1).k = 1`,
		`CASE WHEN a = ';' THEN 1 ELSE 2 END = 1`,
		`count(*) OVER (PARTITION BY country) > 1`,
		`list_transform([1, 2], x -> x + 1)[1] = 2`,
		`'C' || id`,
		"a\n  AND b",
	} {
		e, err := db.ParseExpr(t.Context(), frag)
		if err != nil {
			t.Errorf("ParseExpr(%q): %v", frag, err)
			continue
		}
		var got any
		q := "SELECT " + e.SQL() + " IS NULL OR true FROM (SELECT 1 AS amount, 'a@b' AS email, 1 AS \"weird \"\"name\"\"\", 'x' AS a, true AS b, 'us' AS country, 7 AS id)"
		if err := db.QueryRowContext(t.Context(), q).Scan(&got); err != nil {
			t.Errorf("embedded %q: %v", frag, err)
		}
	}
}

func TestParseExprPosition(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	_, err := db.ParseExpr(t.Context(), "a = 1 AND\n  b = = 2")
	var ee *ExprError
	if !errors.As(err, &ee) {
		t.Fatalf("got %v, want an *ExprError", err)
	}
	if ee.Line != 2 || ee.Column == 0 {
		t.Errorf("got line %d column %d, want line 2 and a column", ee.Line, ee.Column)
	}
}

func TestScratchDropsEverything(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	ctx, cancel := context.WithCancel(t.Context())
	s := db.NewScratch()
	tbl, view := s.Table("plumb_scratch_t"), s.View("plumb_scratch_v")
	if _, err := db.ExecContext(ctx, "CREATE TABLE "+Ident(tbl)+" AS SELECT 1 AS a"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "CREATE VIEW "+Ident(view)+" AS SELECT * FROM "+Ident(tbl)); err != nil {
		t.Fatal(err)
	}
	cancel() // cleanup still runs after the work was cancelled
	s.Drop(ctx)
	var n int
	if err := db.QueryRowContext(t.Context(), "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'plumb_scratch%'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	var v int
	if err := db.QueryRowContext(t.Context(), "SELECT count(*) FROM duckdb_views() WHERE view_name LIKE 'plumb_scratch%'").Scan(&v); err != nil {
		t.Fatal(err)
	}
	if n+v != 0 {
		t.Errorf("%d tables and %d views left after Drop", n, v)
	}
}

func TestWriteQueryFormatsAndNoPartialFile(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	dir := t.TempDir()
	for _, name := range []string{"x.csv", "x.parquet", "x.ndjson", "x.json", "x.txt"} {
		p := filepath.Join(dir, name)
		if err := db.WriteQuery(t.Context(), "SELECT 1 AS a, 'b' AS b", p); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var n int
		var reader string
		switch OutputFormat(p) {
		case source.FormatParquet:
			reader = "read_parquet"
		case source.FormatNDJSON:
			reader = "read_json"
		default:
			reader = "read_csv"
		}
		if err := db.QueryRowContext(t.Context(), "SELECT count(*) FROM "+reader+"("+Literal(p)+") WHERE a = 1 AND b = 'b'").Scan(&n); err != nil || n != 1 {
			t.Errorf("%s read back as %s: %d rows, %v", name, reader, n, err)
		}
	}
	// A query that fails half way leaves nothing under the final name,
	// and no temporary file either.
	bad := filepath.Join(dir, "bad.csv")
	err := db.WriteQuery(t.Context(), "SELECT CASE WHEN i < 100000 THEN i ELSE error('boom') END AS i FROM range(200000) t(i)", bad)
	if err == nil {
		t.Fatal("a failing query wrote its file")
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*bad.csv*"))
	if len(left) != 0 {
		t.Errorf("files left after a failed write: %v", left)
	}
}

func TestConfine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "out.csv")
	secret := filepath.Join(dir, "secret.txt")
	if err := os.WriteFile(secret, []byte("s3cret"), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := Open(t.Context(), Config{Threads: 1, TempDir: t.TempDir(), Outputs: []string{out}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Confine(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := db.Confine(t.Context()); err != nil {
		t.Fatalf("a second Confine: %v", err)
	}
	for _, q := range []string{
		"SELECT content FROM read_text(" + Literal(secret) + ")",
		"SELECT * FROM glob(" + Literal(dir+"/*") + ")",
		"COPY (SELECT 1) TO " + Literal(filepath.Join(dir, "other.csv")),
		"ATTACH " + Literal(filepath.Join(dir, "x.db")),
		"SET enable_external_access = true",
		"SET allowed_directories = ['/']",
		"INSTALL httpfs",
		"LOAD httpfs",
	} {
		rows, err := db.QueryContext(t.Context(), q)
		if err == nil {
			rows.Close()
			t.Errorf("a confined session ran %s", q)
		} else if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: the error shows the file's content", q)
		}
	}
	if err := db.WriteQuery(t.Context(), "SELECT 1 AS a", out); err != nil {
		t.Errorf("the declared output: %v", err)
	}
	if err := db.WriteQuery(t.Context(), "SELECT 1 AS a", filepath.Join(dir, "undeclared.csv")); err == nil {
		t.Error("a confined session wrote an undeclared output")
	}
	if _, err := os.Stat(filepath.Join(dir, "other.csv")); err == nil {
		t.Error("COPY wrote a file in a confined session")
	}
}

// FuzzParseExpr: whatever fragment ParseExpr accepts stays inside the
// expression it is embedded in: "0 * <fragment>" parses as a product of
// exactly those two, so the fragment cannot change what surrounds it.
func FuzzParseExpr(f *testing.F) {
	for _, s := range injections {
		f.Add(s)
	}
	for _, s := range []string{"a = 1", "(a) OR (b)", "a AND b", "a OR b AND c", "x -- c", "'a)' || ')'", "[1][1]", "a /* ) OR ( */ = 1"} {
		f.Add(s)
	}
	db := openDB(f)
	f.Fuzz(func(t *testing.T, frag string) {
		e, err := db.ParseExpr(t.Context(), frag)
		if err != nil {
			return
		}
		var out string
		if err := db.QueryRowContext(t.Context(), "SELECT json_serialize_sql(?::VARCHAR)::VARCHAR", "SELECT 0 * "+e.SQL()).Scan(&out); err != nil {
			t.Fatal(err)
		}
		var s struct {
			Statements []struct {
				Node struct {
					SelectList []struct {
						Function string            `json:"function_name"`
						Children []json.RawMessage `json:"children"`
					} `json:"select_list"`
				} `json:"node"`
			} `json:"statements"`
		}
		if err := json.Unmarshal([]byte(out), &s); err != nil || len(s.Statements) != 1 || len(s.Statements[0].Node.SelectList) != 1 {
			t.Fatalf("accepted %q, but embedded it is not one expression: %s", frag, out)
		}
		top := s.Statements[0].Node.SelectList[0]
		if top.Function != "*" || len(top.Children) != 2 {
			t.Fatalf("accepted %q, but embedded it changes the expression around it: %s", frag, out)
		}
	})
}

func TestErrorReasonLeavesOutTheSQL(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	_, err := db.ExecContext(t.Context(), "SELECT no_such_function(plumb_internal_column) FROM range(1) t(plumb_internal_column)")
	if err == nil {
		t.Fatal("the query ran")
	}
	got := ErrorReason(err)
	if strings.Contains(got, "\n") || strings.Contains(got, "LINE") || strings.Contains(got, "FROM range") {
		t.Errorf("ErrorReason(%q) = %q: it shows the SQL", err, got)
	}
	if !strings.Contains(got, "no_such_function") {
		t.Errorf("ErrorReason = %q: the reason is gone", got)
	}
}
