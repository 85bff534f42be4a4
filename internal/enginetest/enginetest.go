//go:build duckdb_arrow

// Package enginetest gives the tests of plumb's domain packages what they
// all need of the engine: a session, fixtures loaded into it, and the CSV
// files plumb writes read back. (The engine's own tests keep theirs: they
// cannot import a package that imports the engine.)
package enginetest

import (
	"encoding/csv"
	"github.com/plumb-data/plumb/source"
	"os"
	"path/filepath"
	"testing"

	"github.com/plumb-data/plumb/engine"
)

// Open starts a two-thread session spilling to a temporary directory,
// closed when the test ends.
func Open(t testing.TB) *engine.DB {
	t.Helper()
	db, err := engine.Open(t.Context(), engine.Config{Threads: 2, MemoryLimit: "2GB", TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Fixture is the path of a file under the repository's testdata, from a
// package one level below the root.
func Fixture(name string) string { return filepath.Join("..", "testdata", name) }

// Load loads a source spec (a path, a glob, a format-prefixed path).
func Load(t testing.TB, db *engine.DB, spec string, raw bool) *engine.Table {
	t.Helper()
	src, err := source.Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := db.Load(t.Context(), src, engine.LoadOptions{Raw: raw})
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

// ReadCSV reads a whole CSV file, every record with as many fields as
// the first.
func ReadCSV(t testing.TB, path string) [][]string {
	t.Helper()
	return readCSV(t, path, 0)
}

// ReadRaggedCSV reads a whole CSV file whose records may have any number
// of fields.
func ReadRaggedCSV(t testing.TB, path string) [][]string {
	t.Helper()
	return readCSV(t, path, -1)
}

func readCSV(t testing.TB, path string, fields int) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = fields
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}
