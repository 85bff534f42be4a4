package outfile

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestCommitAndAbort(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "report.json")
	f, err := Create(p)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(f, "half")
	if _, err := os.Stat(p); err == nil {
		t.Fatal("the final name exists before Commit")
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	f.Abort() // after Commit: nothing
	if b, err := os.ReadFile(p); err != nil || string(b) != "half" {
		t.Fatalf("got %q, %v", b, err)
	}
	g, err := Create(filepath.Join(dir, "aborted.csv"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(g, "x")
	g.Abort()
	left, _ := os.ReadDir(dir)
	if len(left) != 1 {
		t.Errorf("files left: %v, want report.json alone", left)
	}
}

func TestRemoveStale(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "q[1].csv")
	dead := filepath.Join(dir, ".q[1].csv.plumb-999999999-abcdef.tmp")
	mine := TempName(p)
	for _, f := range []string{dead, mine} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	RemoveStale(p)
	if _, err := os.Stat(dead); err == nil {
		t.Error("a dead process's temporary file was kept")
	}
	if _, err := os.Stat(mine); err != nil {
		t.Error("a live process's temporary file was removed")
	}
}
