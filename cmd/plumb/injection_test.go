//go:build duckdb_arrow

package main

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// injectionPayloads try to leave the SQL expression they are given: run
// another statement, read or write files, reach the network, change the
// session, or escape their parentheses. PWNED is a file each payload
// tries to write, SECRET one it tries to read.
var injectionPayloads = []string{
	`1=1); COPY (SELECT 'pwned' AS x) TO 'PWNED'; SELECT 1 WHERE (1=1`,
	`true; COPY (SELECT 1) TO 'PWNED'`,
	`CAST((SELECT content FROM read_text('SECRET')) AS INTEGER) > 0`,
	`(SELECT count(*) FROM glob('DIR/*')) > 0`,
	`EXISTS (SELECT * FROM read_csv('SECRET'))`,
	`EXISTS (SELECT * FROM read_csv('https://example.com/x.csv'))`,
	`true; ATTACH 'PWNED' AS x`,
	`true; INSTALL httpfs`,
	`true; LOAD httpfs`,
	`true; SET enable_external_access = true`,
	`true; PRAGMA database_list`,
	"true -- \n; COPY (SELECT 1) TO 'PWNED'",
	`true /* ; COPY (SELECT 1) TO 'PWNED' */ ; COPY (SELECT 1) TO 'PWNED'`,
	`'x'''; COPY (SELECT 1) TO 'PWNED'; SELECT '`,
	`true) OR (true`,
	`1 FROM read_text('SECRET')`,
}

// TestInjectionEverywhere tries every payload in every place plumb
// accepts SQL from a user, through the real command: each is refused
// (exit 2), writes no file, and no content of the file it tries to read
// reaches the output.
func TestInjectionEverywhere(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret.txt")
	const secretText = "TOPSECRET-4f1c9"
	if err := os.WriteFile(secret, []byte(secretText+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	places := []struct {
		name string
		args func(payload, work string) []string
	}{
		{"diff --where", func(p, _ string) []string {
			return []string{"diff", "testdata/diff/source.csv", "testdata/diff/target.csv", "--key", "id", "--where", p}
		}},
		{"diff --source-where", func(p, _ string) []string {
			return []string{"diff", "testdata/diff/source.csv", "testdata/diff/target.csv", "--key", "id", "--source-where", p}
		}},
		{"diff --target-where", func(p, _ string) []string {
			return []string{"diff", "testdata/diff/source.csv", "testdata/diff/target.csv", "--key", "id", "--target-where", p}
		}},
		{"diff mapping transformation", func(p, work string) []string {
			m := filepath.Join(work, "mapping.csv")
			f, _ := os.Create(m)
			w := csv.NewWriter(f)
			w.WriteAll([][]string{
				{"source_system", "source_field", "transformation", "target_system", "target_field", "notes"},
				{"legacy", "cust_no", "", "crm", "customer_id", ""},
				{"legacy", "mail", p, "crm", "email", ""},
			})
			f.Close()
			return []string{"diff", "testdata/diff/legacy.csv", "testdata/diff/crm.csv", "--key", "cust_no", "--mapping", m}
		}},
		{"check where", func(p, work string) []string {
			r := filepath.Join(work, "rules.yaml")
			os.WriteFile(r, []byte(fmt.Sprintf("checks:\n  - not_null: email\n    where: %q\n", p)), 0o644)
			return []string{"check", "testdata/customers.csv", "--rules", r}
		}},
		{"check expression", func(p, work string) []string {
			r := filepath.Join(work, "rules.yaml")
			os.WriteFile(r, []byte(fmt.Sprintf("checks:\n  - expression: {sql: %q}\n", p)), 0o644)
			return []string{"check", "testdata/customers.csv", "--rules", r}
		}},
		{"dedupe blocking rule", func(p, work string) []string {
			c := filepath.Join(work, "dedupe.yaml")
			os.WriteFile(c, []byte(fmt.Sprintf("id: customer_id\nfields:\n  - column: email\n    compare: exact\nblocking:\n  - [%q]\n", p)), 0o644)
			return []string{"dedupe", "testdata/dedupe/people.csv", "--config", c}
		}},
	}
	for _, place := range places {
		for i, payload := range injectionPayloads {
			t.Run(fmt.Sprintf("%s/%d", place.name, i), func(t *testing.T) {
				t.Parallel()
				work := t.TempDir()
				pwned := filepath.Join(work, "pwned.csv")
				p := strings.NewReplacer("PWNED", pwned, "SECRET", secret, "DIR", dir).Replace(payload)
				stdout, stderr, code := plumb(t, "", place.args(p, work)...)
				if code != 2 {
					t.Errorf("exit %d, want 2 (refused)\nstdout: %.300s\nstderr: %.300s", code, stdout, stderr)
				}
				if _, err := os.Stat(pwned); err == nil {
					t.Errorf("the payload wrote %s", pwned)
				}
				if strings.Contains(stdout+stderr, secretText) {
					t.Errorf("the secret file's content reached the output:\n%s%s", stdout, stderr)
				}
				for _, internal := range []string{"plumb_src_", "plumb_scratch", "CREATE TABLE", "plumb_dedupe"} {
					if strings.Contains(stderr, internal) {
						t.Errorf("the error shows plumb's own SQL or tables (%q): %s", internal, stderr)
					}
				}
			})
		}
	}
}
