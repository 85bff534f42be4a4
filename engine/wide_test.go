//go:build duckdb_arrow

package engine

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/plumb-data/plumb/internal/synth"
	"github.com/plumb-data/plumb/source"
)

// TestLoadWideSmallMemory loads 1,500 columns by 2,100 rows under a
// 300 MB memory limit: in memory the table's blocks alone (one of
// 256 KiB a column once past 2,048 rows) would take 375 MB, so the table
// goes to the file of small blocks. Every value is where the file has
// it, a broken record is rejected on its line, and the line index
// reaches the rows there.
func TestLoadWideSmallMemory(t *testing.T) {
	t.Parallel()
	const columns, rows, broken = 1500, 2100, 1000 // broken: the data record given one field too many
	var buf bytes.Buffer
	if err := synth.WriteWide(&buf, synth.WideConfig{Columns: columns, Rows: rows, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(buf.Bytes(), []byte("\n"))
	lines[1+broken] = append(bytes.TrimSuffix(lines[1+broken], []byte("\n")), []byte(",extra\n")...)
	path := filepath.Join(t.TempDir(), "wide.csv")
	if err := os.WriteFile(path, bytes.Join(lines, nil), 0o600); err != nil {
		t.Fatal(err)
	}
	want, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want = slices.Delete(want, 1+broken, 2+broken)

	db, err := Open(t.Context(), Config{Threads: 2, MemoryLimit: "300MB", TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tbl, err := db.Load(t.Context(), source.Source{Spec: path, Paths: []string{path}}, LoadOptions{Raw: true})
	if err != nil {
		t.Fatal(err)
	}
	if tbl.parts[0].catalog == "" {
		t.Errorf("the table is in the session's memory, want it in the file of small blocks")
	}
	if len(tbl.Columns) != columns || tbl.RowsLoaded != rows-1 || tbl.RowsRejected != 1 {
		t.Fatalf("got %d columns, %d rows loaded, %d rejected; want %d, %d, 1", len(tbl.Columns), tbl.RowsLoaded, tbl.RowsRejected, columns, rows-1)
	}
	rej, err := db.Rejects(t.Context(), tbl, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(rej) != 1 || rej[0].Line != broken+2 {
		t.Errorf("rejects %+v, want one on line %d", rej, broken+2)
	}

	for _, c := range []int{0, 7, columns/2 + 3, columns - 1} {
		name := want[0][c]
		got := queryStrings(t, db, "SELECT coalesce("+Ident(name)+", '') FROM "+Ident(tbl.Name))
		for r, v := range got {
			if v != want[1+r][c] {
				t.Fatalf("column %s row %d: got %q, want %q", name, r+1, v, want[1+r][c])
			}
		}
		if len(got) != len(want)-1 {
			t.Fatalf("column %s: got %d values, want %d", name, len(got), len(want)-1)
		}
	}
	got := rowLines(t, db, tbl)
	for r, line := range got {
		wantLine := int64(r + 2)
		if r >= broken {
			wantLine++
		}
		if line != wantLine {
			t.Fatalf("row %d: line %d, want %d", r+1, line, wantLine)
		}
	}
}

// queryStrings runs a query of one text column and returns its values.
func queryStrings(t *testing.T, db *DB, q string) []string {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestParseDuckSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
		bad  bool
	}{
		{in: "1.5 GiB", want: 3 << 29},
		{in: "286.0 MiB", want: 286 << 20},
		{in: "1000 bytes", want: 1000},
		{in: "2GB", bad: true},
		{in: "", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := parseDuckSize(tt.in)
			if (err != nil) != tt.bad || got != tt.want {
				t.Errorf("parseDuckSize(%q) = %d, %v; want %d, error %t", tt.in, got, err, tt.want, tt.bad)
			}
		})
	}
}
