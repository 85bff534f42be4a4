//go:build duckdb_arrow

package main

import (
	"fmt"
	"github.com/plumb-data/plumb/internal/mdtest"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// randomPassword is a password of printable characters, URL delimiters
// included, with a marker that cannot occur elsewhere in the output.
func randomPassword(r *rand.Rand) string {
	const chars = "abcXYZ0123456789/?#@:%&;=+ !$'()*,[]~-_."
	b := []byte("Pw9")
	for range 6 + r.IntN(10) {
		b = append(b, chars[r.IntN(len(chars))])
	}
	return string(append(b, "9wP"...))
}

// specs are the ways a password reaches plumb in a source spec.
func specs(pw string) []string {
	return []string{
		"postgres://crm:" + pw + "@db.example.com:5432/crm?table=customers",
		"postgres://crm:" + url.QueryEscape(pw) + "@db.example.com/crm",
		"mysql://root:" + url.PathEscape(pw) + "@127.0.0.1:3306/erp?table=orders",
		"postgres://db.example.com/crm?user=crm&password=" + url.QueryEscape(pw) + "&table=t",
		"jdbc:postgresql://db.example.com/crm?user=crm&password=" + url.QueryEscape(pw),
		"postgres://crm%3A" + url.QueryEscape(pw) + "@db.example.com/crm",
	}
}

// TestPasswordsNeverPrinted runs every command that takes a source spec,
// an output path or a rules file with database URLs holding random
// passwords, at --log-level debug, and checks that no password reaches
// stdout or stderr.
func TestPasswordsNeverPrinted(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 11))
	dir := t.TempDir()
	csv := "testdata/customers.csv"
	for i := range 4 {
		pw := randomPassword(r)
		for j, spec := range specs(pw) {
			rules := filepath.Join(dir, fmt.Sprintf("rules-%d-%d.yaml", i, j))
			os.WriteFile(rules, []byte(fmt.Sprintf("checks:\n  - references: {column: customer_id, to: %q, column_to: id}\n", spec)), 0o644)
			runs := [][]string{
				{"inspect", spec},
				{"profile", spec},
				{"profile", csv, "--baseline", spec},
				{"check", spec, "--rules", rules},
				{"check", csv, "--rules", rules},
				{"diff", csv, spec, "--key", "customer_id"},
				{"inspect", csv, "--rejects", spec},
				{"suggest", spec},
			}
			for _, args := range runs {
				args = append([]string{"--log-level", "debug"}, args...)
				stdout, stderr, _ := plumb(t, "", args...)
				for _, shown := range []string{pw, url.QueryEscape(pw), url.PathEscape(pw)} {
					if strings.Contains(stdout+stderr, shown) {
						t.Errorf("plumb %s printed the password %q:\nstdout: %s\nstderr: %s", strings.Join(args, " "), pw, stdout, stderr)
					}
				}
			}
		}
	}
}

// TestMarkdownShowsNoRawHTML: values from the data reach Markdown
// reports (which ticket systems render) escaped, or inside code spans.
func TestMarkdownShowsNoRawHTML(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	csv := filepath.Join(dir, "xss.csv")
	os.WriteFile(csv, []byte("id,<b>name</b>\n1,<script>alert(1)</script>\n2,<script>alert(1)</script>\n3,<img src=x onerror=alert(2)>\n"), 0o644)
	rules := filepath.Join(dir, "rules.yaml")
	os.WriteFile(rules, []byte("checks:\n  - accepted_values: {column: \"<b>name</b>\", values: [ok]}\n"), 0o644)
	for _, args := range [][]string{
		{"profile", csv, "--format", "markdown"},
		{"inspect", csv, "--format", "markdown"},
		{"check", csv, "--rules", rules, "--format", "markdown"},
	} {
		stdout, stderr, _ := plumb(t, "", args...)
		if stdout == "" {
			t.Errorf("plumb %s wrote nothing: %s", strings.Join(args, " "), stderr)
		}
		for _, line := range strings.Split(stdout, "\n") {
			// plumb's own <br> separates values in a cell.
			if text := strings.ReplaceAll(mdtest.OutsideCodeSpans(line), "<br>", ""); strings.ContainsAny(text, "<>") {
				t.Errorf("plumb %s: raw HTML outside a code span: %s", strings.Join(args, " "), line)
			}
		}
	}
}
