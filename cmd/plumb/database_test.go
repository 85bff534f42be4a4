//go:build duckdb_arrow

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plumb-data/plumb/internal/dbtest"
)

// crmRows are testdata/diff/crm.csv's rows, for a table of customers.
const crmRows = `(100, 'Ana Silva', 'ana.silva@example.com', '1985-03-14', 'gold'),
	(101, 'Ben Okafor', 'ben@example.com', '1990-02-11', 'silver'),
	(102, 'Chloé Martin', 'chloe@example.com', '1978-07-30', 'gold'),
	(104, 'Eli Cohen', 'eli@example.com', '1995-05-05', 'bronze')`

// customers creates testdata/diff/crm.csv as a table of each database
// available and returns their source specs by database.
func customers(t *testing.T) map[string]string {
	t.Helper()
	specs := map[string]string{}
	for name, open := range map[string]func(testing.TB) *dbtest.DB{"postgres": dbtest.Postgres, "mysql": dbtest.MySQL, "sqlite": dbtest.SQLite} {
		if os.Getenv("PLUMB_TEST_"+strings.ToUpper(name)) == "" && name != "sqlite" {
			t.Logf("PLUMB_TEST_%s is not set: %s is left out", strings.ToUpper(name), name)
			continue
		}
		d := open(t)
		d.Exec(t, "CREATE TABLE customers (customer_id integer PRIMARY KEY, full_name varchar(40) NOT NULL, email varchar(60) UNIQUE, birth_date date, segment varchar(10))",
			"INSERT INTO customers VALUES "+crmRows)
		specs[name] = d.Table("customers")
	}
	return specs
}

func TestDatabaseSources(t *testing.T) {
	specs := customers(t)
	dir := t.TempDir()
	for name, spec := range specs {
		t.Run(name, func(t *testing.T) {
			rules := filepath.Join(dir, name+".yaml")
			os.WriteFile(rules, []byte("checks:\n  - unique: customer_id\n  - not_null: email\n  - references: {column: customer_id, to: '"+spec+"', key: customer_id}\n"), 0o644)
			for _, tc := range []struct {
				name     string
				args     []string
				wantCode int
				want     []string
			}{
				{name: "inspect", args: []string{"inspect", spec}, want: []string{"4 read = 4 loaded + 0 rejected", "customer_id", "birth_date"}},
				{name: "inspect json", args: []string{"inspect", spec, "--format", "json"}, want: []string{`"server"`, `"primary_key": [`, `"loaded_as": "VARCHAR"`}},
				{name: "profile", args: []string{"profile", spec}, want: []string{"full_name", "4"}},
				{name: "check", args: []string{"check", spec, "--rules", rules}, want: []string{"unique", "references"}},
				{name: "suggest", args: []string{"suggest", spec}, want: []string{"customer_id"}},
				{name: "diff file vs table", args: []string{"diff", "testdata/diff/crm.csv", spec, "--key", "customer_id"}, want: []string{"4 source, 4 target", "4 unchanged"}},
				{name: "dedupe", args: []string{"dedupe", spec, "--config", "testdata/dedupe/crm.yaml"}, want: []string{"0 duplicates"}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					stdout, stderr, code := plumb(t, "", tc.args...)
					if code != tc.wantCode {
						t.Fatalf("exit %d, want %d\n%s%s", code, tc.wantCode, stdout, stderr)
					}
					for _, w := range tc.want {
						if !strings.Contains(stdout, w) {
							t.Errorf("stdout lacks %q:\n%s", w, stdout)
						}
					}
				})
			}
		})
	}
	if specs["postgres"] != "" && specs["mysql"] != "" {
		t.Run("diff across servers", func(t *testing.T) {
			stdout, stderr, code := plumb(t, "", "diff", specs["postgres"], specs["mysql"], "--key", "customer_id")
			if code != 0 {
				t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
			}
			if !strings.Contains(stderr, "diff strategy pull: the servers run on this host") {
				t.Errorf("stderr does not say why auto pulled:\n%s", stderr)
			}
		})
		for _, strategy := range []string{"merge", "bisect"} {
			t.Run("diff across servers by "+strategy, func(t *testing.T) {
				stdout, stderr, code := plumb(t, "", "diff", specs["postgres"], specs["mysql"], "--key", "customer_id", "--strategy", strategy, "--explain")
				if code != 0 {
					t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
				}
				for _, w := range []string{"plan: strategy " + strategy, "4 rows; ", "read, ", "written"} {
					if !strings.Contains(stderr, w) {
						t.Errorf("stderr lacks %q:\n%s", w, stderr)
					}
				}
				if !strings.Contains(stdout, "4 unchanged") {
					t.Errorf("stdout lacks 4 unchanged:\n%s", stdout)
				}
			})
		}
		t.Run("bisect refuses a filter", func(t *testing.T) {
			_, stderr, code := plumb(t, "", "diff", specs["postgres"], specs["mysql"], "--key", "customer_id", "--strategy", "bisect", "--where", "customer_id > 100")
			if code != 2 || !strings.Contains(stderr, "filters (--where) are DuckDB SQL") {
				t.Errorf("exit %d, want 2 and the reason:\n%s", code, stderr)
			}
		})
	}
}

func TestDatabaseSourceErrorsHidePasswords(t *testing.T) {
	t.Parallel()
	_, stderr, code := plumb(t, "", "inspect", "postgres://plumb:Hunter2Secret@127.0.0.1:1/nodb?table=t&connect_timeout=2")
	if code != 2 || strings.Contains(stderr, "Hunter2Secret") || !strings.Contains(stderr, "xxxxx") {
		t.Errorf("exit %d, stderr %q: want exit 2 with the password hidden", code, stderr)
	}
}

// TestInspectDatabaseCatalog: the text and Markdown inspect reports show
// a database source's catalog (server, version, declared types and
// nullability, keys, the row estimate, and a note where a column loaded
// otherwise than declared), on a SQLite file made here.
func TestInspectDatabaseCatalog(t *testing.T) {
	d := dbtest.SQLite(t)
	d.Exec(t,
		"CREATE TABLE customers (customer_id integer PRIMARY KEY, email varchar(60) UNIQUE, region text, code int, UNIQUE (region, code))",
		`CREATE TABLE orders (order_id integer PRIMARY KEY, customer_id integer NOT NULL REFERENCES customers (customer_id),
			amount numeric(12,2) CHECK (amount >= 0), placed date, note, "shipped at" timestamp)`,
		"INSERT INTO customers VALUES (1, 'a@example.com', 'north', 1), (2, 'b@example.com', 'south', 1)",
		`INSERT INTO orders VALUES (1, 1, 10.5, '2024-01-02', 'first', '2024-01-03 10:00:00'),
			(2, 1, 3, '2024-01-03', 42, NULL), (3, 2, NULL, NULL, NULL, NULL)`,
		"ANALYZE")
	dir := filepath.Dir(strings.TrimPrefix(d.URL, "sqlite://"))
	for _, tc := range []struct{ table, format, golden string }{
		{"orders", "text", "inspect_sqlite_orders.txt"},
		{"orders", "markdown", "inspect_sqlite_orders.md"},
		{"customers", "text", "inspect_sqlite_customers.txt"},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			stdout, stderr, code := plumb(t, "", "inspect", d.Table(tc.table), "--format", tc.format)
			if code != 0 {
				t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
			}
			golden(t, tc.golden, strings.ReplaceAll(stdout, dir, "TMP"))
		})
	}
}
