//go:build duckdb_arrow

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestPushdownCLI: profile and check of a database table pushed down
// (--pushdown) report what the local path (--pushdown=off) reports, but
// for the account of what ran where; auto mode says its decision.
func TestPushdownCLI(t *testing.T) {
	specs := customers(t)
	dir := t.TempDir()
	for name, spec := range specs {
		t.Run(name, func(t *testing.T) {
			rules := filepath.Join(dir, name+".yaml")
			os.WriteFile(rules, []byte("checks:\n  - unique: customer_id\n  - not_null: [email, birth_date]\n  - length: {column: full_name, max: 9}\n  - expression: {sql: \"customer_id > 100\"}\n"), 0o644)
			for _, cmd := range [][]string{{"profile", spec}, {"check", spec, "--rules", rules}} {
				off, _, codeOff := plumb(t, "", append(cmd, "--format", "json", "--pushdown=off")...)
				on, stderr, codeOn := plumb(t, "", append(cmd, "--format", "json", "--pushdown")...)
				if codeOn != codeOff {
					t.Fatalf("%s: exit %d pushed down, %d local\n%s", cmd[0], codeOn, codeOff, stderr)
				}
				if !strings.Contains(stderr, "pushdown on for") {
					t.Errorf("%s: stderr lacks the decision: %q", cmd[0], stderr)
				}
				var a, b map[string]any
				if err := json.Unmarshal([]byte(off), &a); err != nil {
					t.Fatal(err)
				}
				if err := json.Unmarshal([]byte(on), &b); err != nil {
					t.Fatalf("%v\n%s", err, on)
				}
				res, _ := b["result"].(map[string]any)
				if res["pushdown"] == nil {
					t.Errorf("%s: no pushdown account in %s", cmd[0], on)
				}
				delete(res, "pushdown")
				if !reflect.DeepEqual(a, b) {
					ja, _ := json.Marshal(a)
					jb, _ := json.Marshal(b)
					t.Errorf("%s: pushed down differs from local:\n%s\n%s", cmd[0], ja, jb)
				}
			}
			_, stderr, _ := plumb(t, "", "profile", spec)
			if !strings.Contains(stderr, "pushdown off for") || !strings.Contains(stderr, "on this host") {
				t.Errorf("auto: stderr %q, want the decision to load the rows", stderr)
			}
			_, stderr, code := plumb(t, "", "check", spec, "--rules", rules, "--pushdown", "--quarantine", filepath.Join(dir, "q.csv"))
			if code != 2 || !strings.Contains(stderr, "--pushdown=off") {
				t.Errorf("--quarantine with --pushdown: exit %d, stderr %q; want 2 naming --pushdown=off", code, stderr)
			}
		})
	}
}
