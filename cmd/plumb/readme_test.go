//go:build duckdb_arrow

package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestREADMEExamples runs every `go run ... ./cmd/plumb ARGS` example of
// the README that is followed by an output block, and checks that plumb
// still prints exactly that output.
func TestREADMEExamples(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)```sh\ngo run -tags duckdb_arrow ./cmd/plumb ([^\n]*)\n```\n\n```\n(.*?)```\n")
	examples := re.FindAllStringSubmatch(string(b), -1)
	if len(examples) < 4 {
		t.Fatalf("found %d README examples with output, want at least 4", len(examples))
	}
	for _, ex := range examples {
		args := strings.Fields(ex[1])
		t.Run(ex[1], func(t *testing.T) {
			for i, a := range args {
				if a == "--rejects" {
					args[i+1] = filepath.Join(t.TempDir(), args[i+1])
				}
			}
			stdout, stderr, code := plumb(t, "", args...)
			if code == 2 {
				t.Fatalf("exit 2: %s", stderr)
			}
			stdout, want := elapsed.ReplaceAllString(stdout, "ELAPSED"), elapsed.ReplaceAllString(ex[2], "ELAPSED")
			if stdout != want {
				t.Errorf("README output is stale for plumb %s:\ngot:\n%s\nREADME:\n%s", ex[1], stdout, want)
			}
		})
	}
}
