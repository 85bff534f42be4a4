// Package golden is the one -update flag of plumb's tests and the one way
// they compare output with a golden file: go test ./... -update rewrites
// every golden file and generated fixture; review the diff like code.
// Only tests import it.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files and generated fixtures")

// Update reports whether the tests run with -update.
func Update() bool { return *update }

// Check compares got with the golden file at path, or rewrites the file
// with -update.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -tags duckdb_arrow ./... -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("output differs from %s (rerun with -update and review the diff):\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}
