//go:build duckdb_arrow

package engine

import (
	"encoding/csv"
	"errors"
	"github.com/plumb-data/plumb/source"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/plumb-data/plumb/internal/synth"
)

// rowLines returns the line (or row number) of every loaded row of t, in
// position order, as the line index gives it.
func rowLines(t *testing.T, db *DB, tbl *Table) []int64 {
	t.Helper()
	li, err := db.LineIndex(t.Context(), tbl)
	if err != nil {
		t.Fatal(err)
	}
	defer li.Drop(t.Context(), db)
	file, row := tbl.PositionNames()
	file, row = "p."+Ident(file), "p."+Ident(row)
	join, line := li.Join(file, row)
	rows, err := db.QueryContext(t.Context(), "SELECT "+line+" FROM "+tbl.Positioned()+" p"+join+" ORDER BY "+file+", "+row)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var l int64
		if err := rows.Scan(&l); err != nil {
			t.Fatal(err)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLineIndex(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, file, content string
		csv                 source.CSVOptions
		want                []int64
	}{
		{name: "plain", file: "a.csv", content: "a,b\n1,x\n2,y\n", want: []int64{2, 3}},
		{name: "blank lines are no rows", file: "a.csv", content: "a,b\n1,x\n\n\n2,y\n", want: []int64{2, 5}},
		{name: "quoted newlines", file: "a.csv", content: "a,b\n1,\"x\ny\nz\"\n2,y\n3,\"\"\"q\"\"\n\"\n4,w\n", want: []int64{2, 5, 6, 8}},
		{name: "quote inside a value", file: "a.csv", content: "a,b\n1,5'10\" tall\n2,y\n", want: []int64{2, 3}},
		{name: "rejected rows", file: "a.csv", content: "a,b\n1,x\n2\n3,z,extra\n   \n4,w\n", want: []int64{2, 6}},
		{name: "crlf", file: "a.csv", content: "a,b\r\n1,x\r\n\r\n2,\"y\r\nz\"\r\n3,w\r\n", want: []int64{2, 4, 6}},
		{name: "no header", file: "a.csv", content: "1,x\n2,y\n", csv: source.CSVOptions{Header: source.HeaderNo}, want: []int64{1, 2}},
		{name: "skip lines", file: "a.csv", content: "junk\nmore junk\na,b\n1,x\n2,y\n", csv: source.CSVOptions{Skip: 2}, want: []int64{4, 5}},
		{name: "one column keeps empty lines", file: "a.csv", content: "a\n1\n\n2\n", want: []int64{2, 3, 4}},
		{name: "no final newline", file: "a.csv", content: "a,b\n1,x\n2,y", want: []int64{2, 3}},
		{name: "ndjson", file: "a.ndjson", content: "{\"a\":1}\n\n{\"a\":2}\n{bad\n{\"a\":3}\n", want: []int64{1, 3, 5}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			db := openDB(t)
			path := filepath.Join(t.TempDir(), c.file)
			if err := os.WriteFile(path, []byte(c.content), 0o644); err != nil {
				t.Fatal(err)
			}
			tbl, err := load(t, db, path, c.csv, LoadOptions{Raw: true})
			if err != nil {
				t.Fatal(err)
			}
			if got := rowLines(t, db, tbl); !slices.Equal(got, c.want) {
				t.Errorf("got lines %v, want %v", got, c.want)
			}
		})
	}
}

func TestLineIndexRowNumbersWithoutLines(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	tbl, err := load(t, db, filepath.Join("..", "testdata", "customers.parquet"), source.CSVOptions{}, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := rowLines(t, db, tbl)
	if len(got) != 3000 || got[0] != 1 || got[2999] != 3000 {
		t.Errorf("got %d numbers from %v to %v, want rows 1 to 3000", len(got), got[0], got[len(got)-1])
	}
}

// TestLineIndexMatchesEncodingCSV holds the index to encoding/csv's own
// record positions on generated data with multi-line values and rows with
// the wrong number of fields, over a glob of two files.
func TestLineIndexMatchesEncodingCSV(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	dir := t.TempDir()
	var want []int64
	for i, seed := range []uint64{5, 6} {
		path := filepath.Join(dir, "part"+string(rune('1'+i))+".csv")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		truth, err := synth.Write(f, synth.Config{Rows: 20000, Seed: seed, Mess: true, Malformed: 0.003})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if truth.MultilineRows == 0 {
			t.Fatal("the generator wrote no multi-line values; the test would prove little")
		}
		want = append(want, csvRecordLines(t, path)...)
	}
	tbl, err := load(t, db, filepath.Join(dir, "part*.csv"), source.CSVOptions{}, LoadOptions{Raw: true})
	if err != nil {
		t.Fatal(err)
	}
	got := rowLines(t, db, tbl)
	if len(got) != len(want) {
		t.Fatalf("got %d rows, encoding/csv finds %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("row %d: got line %d, encoding/csv says %d", i, got[i], want[i])
		}
	}
}

// csvRecordLines returns the start lines of a CSV file's well-formed data
// records, by encoding/csv.
func csvRecordLines(t *testing.T, path string) []int64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(rec) == len(header) {
			line, _ := r.FieldPos(0)
			out = append(out, int64(line))
		}
	}
}

// TestPositionsBesideReservedNames: a source's columns named like the
// rowid pseudo-column or like the position columns keep their names and
// values, in the table and in Positioned, and the positions stay right.
func TestPositionsBesideReservedNames(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		files map[string]string
		spec  string
		raw   bool
		cols  []string
		rows  []string // each row's values, "|"-joined
		lines []int64
	}{
		{name: "rowid", files: map[string]string{"a.csv": "rowid,b\n9,x\n\n8,y\n"}, spec: "a.csv", raw: true,
			cols: []string{"rowid", "b"}, rows: []string{"9|x", "8|y"}, lines: []int64{2, 4}},
		{name: "ROWID typed", files: map[string]string{"a.csv": "id,ROWID\n1,AAAR3sAAEAAAACXAAA\n2,AAAR3sAAEAAAACXAAB\n"}, spec: "a.csv",
			cols: []string{"id", "ROWID"}, rows: []string{"1|AAAR3sAAEAAAACXAAA", "2|AAAR3sAAEAAAACXAAB"}, lines: []int64{2, 3}},
		{name: "position names", files: map[string]string{"a.csv": "plumb_file,plumb_row,PLUMB_ROW_2\n7,8,9\n\n4,5,6\n"}, spec: "a.csv", raw: true,
			cols: []string{"plumb_file", "plumb_row", "PLUMB_ROW_2"}, rows: []string{"7|8|9", "4|5|6"}, lines: []int64{2, 4}},
		{name: "rowid and plumb_rowid", files: map[string]string{"a.csv": "plumb_rowid,Rowid\na,b\nc,d\n"}, spec: "a.csv", raw: true,
			cols: []string{"plumb_rowid", "Rowid"}, rows: []string{"a|b", "c|d"}, lines: []int64{2, 3}},
		{name: "rowid in one file of two", files: map[string]string{"p1.csv": "rowid,b\n5,x\n", "p2.csv": "b\ny\n"}, spec: "p*.csv", raw: true,
			cols: []string{"rowid", "b"}, rows: []string{"5|x", "NULL|y"}, lines: []int64{2, 2}},
		{name: "ndjson", files: map[string]string{"a.ndjson": "{\"rowid\": 7, \"plumb_file\": \"f\"}\n{\"rowid\": 3, \"plumb_file\": \"g\"}\n"}, spec: "a.ndjson",
			cols: []string{"rowid", "plumb_file"}, rows: []string{"7|f", "3|g"}, lines: []int64{1, 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			db := openDB(t)
			dir := t.TempDir()
			for name, content := range c.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			tbl, err := load(t, db, filepath.Join(dir, c.spec), source.CSVOptions{}, LoadOptions{Raw: c.raw})
			if err != nil {
				t.Fatal(err)
			}
			var names, values []string
			for _, col := range tbl.Columns {
				names = append(names, col.Name)
				values = append(values, "coalesce(CAST("+Ident(col.Name)+" AS VARCHAR), 'NULL')")
			}
			if !slices.Equal(names, c.cols) {
				t.Fatalf("got columns %v, want %v", names, c.cols)
			}
			file, row := tbl.PositionNames()
			for _, n := range names {
				if strings.EqualFold(n, file) || strings.EqualFold(n, row) {
					t.Errorf("position names %s, %s: one is a column's", file, row)
				}
			}
			rowValues := func(q string) []string {
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
			joined := "concat_ws('|', " + strings.Join(values, ", ") + ")"
			if got := rowValues("SELECT " + joined + " FROM " + Ident(tbl.Name)); !slices.Equal(got, c.rows) {
				t.Errorf("the table: got rows %v, want %v", got, c.rows)
			}
			q := "SELECT " + joined + " FROM " + tbl.Positioned() + " ORDER BY " + Ident(file) + ", " + Ident(row)
			if got := rowValues(q); !slices.Equal(got, c.rows) {
				t.Errorf("positioned: got rows %v, want %v", got, c.rows)
			}
			if got := rowLines(t, db, tbl); !slices.Equal(got, c.lines) {
				t.Errorf("got lines %v, want %v", got, c.lines)
			}
		})
	}
}
