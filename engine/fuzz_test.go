//go:build duckdb_arrow

package engine

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/plumb-data/plumb/source"
)

// loadBytes writes b to a file named name and loads it; it fails the test
// when the load's account does not add up. The table is dropped before
// it returns (fuzzing loads many).
func loadBytes(t *testing.T, db *DB, name string, b []byte) (*Table, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	tbl, err := load(t, db, path, source.CSVOptions{}, LoadOptions{})
	if err != nil {
		var le *source.LoadError
		if !errors.As(err, &le) {
			t.Errorf("error %v (%T) is not a source.LoadError", err, err)
		}
		return nil, err
	}
	if tbl.RowsRead != tbl.RowsLoaded+tbl.RowsRejected {
		t.Errorf("%d read != %d loaded + %d rejected", tbl.RowsRead, tbl.RowsLoaded, tbl.RowsRejected)
	}
	if n := countRows(t, db, tbl.Name); n != tbl.RowsLoaded {
		t.Errorf("table holds %d rows, RowsLoaded says %d", n, tbl.RowsLoaded)
	}
	db.ExecContext(t.Context(), "DROP TABLE "+Ident(tbl.Name)+"; DROP TABLE "+Ident(tbl.RejectsTable))
	return tbl, nil
}

var arrowFixtures struct {
	once         sync.Once
	file, stream []byte
}

// arrowSeeds returns a small Arrow IPC file and stream of the same
// mixed-type rows.
func arrowSeeds(t testing.TB) (file, stream []byte) {
	arrowFixtures.once.Do(func() {
		db := openDB(t)
		rr, err := db.QueryArrow(t.Context(), "SELECT range AS id, 'v' || range AS s, range * 1.5 AS f, [range, 2] AS l, "+
			"{'a': range} AS st, CASE WHEN range % 3 = 0 THEN NULL ELSE DATE '2024-01-01' + range::INTEGER END AS d FROM range(50)")
		if err != nil {
			t.Fatal(err)
		}
		defer rr.Release()
		var fb, sb bytes.Buffer
		fw, err := ipc.NewFileWriter(&fb, ipc.WithSchema(rr.Schema()), ipc.WithAllocator(memory.DefaultAllocator))
		if err != nil {
			t.Fatal(err)
		}
		sw := ipc.NewWriter(&sb, ipc.WithSchema(rr.Schema()))
		for rr.Next() {
			if err := errors.Join(fw.Write(rr.RecordBatch()), sw.Write(rr.RecordBatch())); err != nil {
				t.Fatal(err)
			}
		}
		if err := errors.Join(rr.Err(), fw.Close(), sw.Close()); err != nil {
			t.Fatal(err)
		}
		arrowFixtures.file, arrowFixtures.stream = fb.Bytes(), sb.Bytes()
	})
	return arrowFixtures.file, arrowFixtures.stream
}

// TestLoadArrowCorrupt holds issue 13 item 12: Arrow IPC files and
// streams with bytes flipped, cut short or overwritten load (when the
// damage misses what matters) or fail with an error; they never crash.
func TestLoadArrowCorrupt(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	file, stream := arrowSeeds(t)
	for _, seed := range [][]byte{file, stream} {
		if _, err := loadBytes(t, db, "ok.arrow", seed); err != nil {
			t.Fatalf("the unbroken fixture: %v", err)
		}
	}
	rng := rand.New(rand.NewPCG(12, 13))
	failed := 0
	for i := range 400 {
		b := bytes.Clone([][]byte{file, stream}[i%2])
		switch rng.IntN(4) {
		case 0:
			b = b[:rng.IntN(len(b))]
		case 1:
			k := rng.IntN(len(b))
			b[k] = byte(rng.IntN(256))
		default:
			for range 1 + rng.IntN(4) {
				b[rng.IntN(len(b))] ^= 1 << rng.IntN(8)
			}
		}
		if _, err := loadBytes(t, db, "x.arrow", b); err != nil {
			failed++
		}
	}
	t.Logf("%d of 400 damaged files refused", failed)
}

// FuzzLoadArrow loads mutated Arrow IPC files and streams: a load either
// accounts for its rows or fails with a LoadError, and never panics.
func FuzzLoadArrow(f *testing.F) {
	file, stream := arrowSeeds(f)
	f.Add(file)
	f.Add(stream)
	db := openDB(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 {
			return
		}
		loadBytes(t, db, "f.arrow", b)
	})
}

// FuzzLoadNDJSON loads mutated newline-delimited JSON: every line that is
// not blank is loaded or rejected, and nothing panics.
func FuzzLoadNDJSON(f *testing.F) {
	f.Add([]byte("{\"a\":1}\n[1,2]\n{\"a\":2,\"a\":3}\nnull\n{\"a\":{\"b\":[1,{\"c\":null}]}}\n"))
	f.Add([]byte("{\"x\":\"\\u0061\",\"\\u0078\":1}\n\n  \n{\"x\":" + strings.Repeat("[", 200) + strings.Repeat("]", 200) + "}\n"))
	f.Add([]byte("{\"a\":1}\r\n{\"a\":\"s\"}\r\n{\"b\":true}\r\n"))
	db := openDB(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(bytes.TrimSpace(b)) == 0 {
			return
		}
		tbl, err := loadBytes(t, db, "f.ndjson", b)
		if err != nil {
			return
		}
		var want int64
		for _, l := range bytes.Split(b, []byte("\n")) {
			if len(bytes.TrimSpace(l)) > 0 {
				want++
			}
		}
		if tbl.RowsRead != want {
			t.Errorf("%d read, the file has %d lines that are not blank", tbl.RowsRead, want)
		}
	})
}
