//go:build duckdb_arrow

package engine

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"github.com/plumb-data/plumb/internal/golden"
	"github.com/plumb-data/plumb/source"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/plumb-data/plumb/internal/synth"
)

func openDB(t testing.TB) *DB {
	t.Helper()
	db, err := Open(context.Background(), Config{Threads: 2, MemoryLimit: "2GB", TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func zoo(name string) string { return filepath.Join("..", "testdata", "zoo", name) }

func load(t *testing.T, db *DB, spec string, csvOpts source.CSVOptions, opts LoadOptions) (*Table, error) {
	t.Helper()
	src, err := source.Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(csvOpts, source.CSVOptions{}) {
		src.CSV = csvOpts
	}
	return db.Load(t.Context(), src, opts)
}

func TestLoadZoo(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	tests := []struct {
		name         string
		file         string
		csv          source.CSVOptions
		raw          bool
		wantErr      error
		wantLoaded   int64
		wantRejected int64
		wantLines    []int64  // lines of the rejects, in order
		wantReasons  []string // reasons of the rejects, in order
		wantColumns  []string // nil: not checked
		wantRenamed  int
		check        func(t *testing.T, db *DB, tbl *Table)
	}{
		{name: "quoted commas", file: "quoted_commas.csv", wantLoaded: 3, wantColumns: []string{"id", "name", "city"},
			check: wantValue("SELECT city FROM %s WHERE id = 2", "New York, NY")},
		{name: "quoted newlines", file: "quoted_newlines.csv", wantLoaded: 3,
			check: wantValue("SELECT note FROM %s WHERE id = 2", "a\n\nb\nc")},
		{name: "embedded quotes", file: "embedded_quotes.csv", wantLoaded: 3,
			check: wantValue("SELECT quote FROM %s WHERE id = 1", `she said "hi"`)},
		{name: "byte order mark", file: "bom.csv", wantLoaded: 2, wantColumns: []string{"id", "name"}},
		{name: "crlf", file: "crlf.csv", wantLoaded: 3, wantColumns: []string{"id", "name"},
			check: wantValue("SELECT name FROM %s WHERE id = 3", "gamma")},
		{name: "ragged rows", file: "ragged.csv", wantLoaded: 3, wantRejected: 3,
			wantLines: []int64{3, 4, 6}, wantReasons: []string{"TOO MANY COLUMNS", "MISSING COLUMNS", "TOO MANY COLUMNS"}},
		{name: "empty file", file: "empty.csv", wantErr: source.ErrEmpty},
		{name: "header only", file: "header_only.csv", wantLoaded: 0, wantColumns: []string{"id", "name", "amount"}},
		{name: "duplicate and blank headers", file: "duplicate_headers.csv", wantLoaded: 2, wantRenamed: 4,
			wantColumns: []string{"id", "name", "column_3", "Name_2", "id_2", "name_3"}},
		{name: "unicode headers", file: "unicode_headers.csv", wantLoaded: 1,
			wantColumns: []string{"ID", "Prénom", "Straße & Nr.", "e-mail address", `Ümlaut "quoted"`, "日本語"},
			check:       wantValue(`SELECT "Straße & Nr." FROM %s`, "Hauptstraße 5")},
		{name: "latin-1 detected", file: "latin1.csv", wantLoaded: 3,
			check: func(t *testing.T, db *DB, tbl *Table) {
				if d := tbl.Files[0].Dialect; d.Encoding != source.EncodingLatin1 || !slices.Contains(d.Detected, "encoding") {
					t.Errorf("encoding: got %q (detected %v), want latin-1, detected", d.Encoding, d.Detected)
				}
				wantValue("SELECT city FROM %s WHERE id = 1", "München")(t, db, tbl)
			}},
		// Read as UTF-8 when told so (detection would read it as latin-1).
		{name: "latin-1 read as utf-8 rejects", file: "latin1.csv", csv: source.CSVOptions{Encoding: source.EncodingUTF8}, wantLoaded: 1, wantRejected: 2,
			wantLines: []int64{2, 3}, wantReasons: []string{"INVALID ENCODING", "INVALID ENCODING"},
			check: func(t *testing.T, db *DB, tbl *Table) {
				if tbl.Files[0].InvalidEncoding != 2 {
					t.Errorf("invalid encoding rows: got %d, want 2", tbl.Files[0].InvalidEncoding)
				}
			}},
		{name: "latin-1 read as latin-1", file: "latin1.csv", csv: source.CSVOptions{Encoding: source.EncodingLatin1}, wantLoaded: 3,
			check: wantValue("SELECT city FROM %s WHERE id = 1", "München")},
		{name: "latin-1 lines after multi-line fields", file: "latin1_multiline_ragged.csv", csv: source.CSVOptions{Encoding: source.EncodingLatin1},
			wantLoaded: 3, wantRejected: 2, wantLines: []int64{5, 8}, wantReasons: []string{"TOO MANY COLUMNS", "MISSING COLUMNS"}},
		{name: "bom crlf lines after multi-line fields", file: "bom_crlf_multiline_ragged.csv",
			wantLoaded: 3, wantRejected: 2, wantLines: []int64{4, 8}, wantReasons: []string{"TOO MANY COLUMNS", "MISSING COLUMNS"}},
		{name: "invalid utf-8", file: "invalid_utf8.csv", csv: source.CSVOptions{Encoding: source.EncodingUTF8}, wantLoaded: 2, wantRejected: 1, wantLines: []int64{3},
			wantReasons: []string{"INVALID ENCODING"}},
		{name: "trailing delimiter", file: "trailing_delimiter.csv", wantLoaded: 2, wantRenamed: 1,
			wantColumns: []string{"id", "name", "column_3"}},
		{name: "100,000-character field", file: "long_field.csv", wantLoaded: 2,
			check: wantValue("SELECT length(blob)::VARCHAR FROM %s WHERE id = 1", "100000")},
		{name: "gzip", file: "gzipped.csv.gz", wantLoaded: 3, wantColumns: []string{"id", "name"}},
		{name: "zstd", file: "zstd.csv.zst", wantLoaded: 3, wantColumns: []string{"id", "name"},
			check: func(t *testing.T, db *DB, tbl *Table) {
				if tbl.Files[0].Compression != CompressionZstd {
					t.Errorf("compression: got %s, want zstd", tbl.Files[0].Compression)
				}
			}},
		{name: "utf-16 with byte-order mark", file: "utf16.csv", wantLoaded: 2,
			check: func(t *testing.T, db *DB, tbl *Table) {
				wantValue("SELECT name FROM %s WHERE id = 1", "Zoë")(t, db, tbl)
				if enc := tbl.Files[0].Dialect.Encoding; enc != source.EncodingUTF16 {
					t.Errorf("encoding: got %s, want utf-16", enc)
				}
			}},
		{name: "pipe delimited", file: "pipe.psv", wantLoaded: 2, wantColumns: []string{"id", "name", "amount"}},
		{name: "tab delimited", file: "tabs.tsv", wantLoaded: 2, wantColumns: []string{"id", "name"}},
		{name: "unterminated quote kept as written", file: "unterminated_quote.csv", wantLoaded: 3,
			check: wantValue("SELECT name FROM %s WHERE id = 1", `"unterminated`)},
		{name: "raw keeps values as written", file: "leading_zeros.csv", raw: true, wantLoaded: 3,
			check: func(t *testing.T, db *DB, tbl *Table) {
				for _, c := range tbl.Columns {
					if c.Type != "VARCHAR" {
						t.Errorf("raw column %s: got type %s, want VARCHAR", c.Name, c.Type)
					}
				}
				wantValue("SELECT code || '|' || status FROM %s WHERE id = '1'", "00123|N/A")(t, db, tbl)
			}},
		{name: "typed infers types", file: "leading_zeros.csv", wantLoaded: 3,
			check: func(t *testing.T, db *DB, tbl *Table) {
				if got := tbl.Columns[0].Type; got != "BIGINT" {
					t.Errorf("id: got type %s, want BIGINT", got)
				}
			}},
		{name: "null strings", file: "leading_zeros.csv", raw: true, csv: source.CSVOptions{NullStrings: []string{"N/A", "NULL", ""}}, wantLoaded: 3,
			check: wantValue("SELECT count(*)::VARCHAR FROM %s WHERE status IS NULL", "2")},
		{name: "forced delimiter", file: "pipe.psv", csv: source.CSVOptions{Delimiter: ",", Header: source.HeaderYes}, wantLoaded: 2,
			wantColumns: []string{"id|name|amount"}},
		{name: "no header", file: "crlf.csv", csv: source.CSVOptions{Header: source.HeaderNo}, raw: true, wantLoaded: 4,
			wantColumns: []string{"column_1", "column_2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tbl, err := load(t, db, zoo(tt.file), tt.csv, LoadOptions{Raw: tt.raw})
			if tt.wantErr != nil {
				var le *source.LoadError
				if !errors.Is(err, tt.wantErr) || !errors.As(err, &le) {
					t.Fatalf("got error %v, want a source.LoadError wrapping %v", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.file) {
					t.Errorf("error %q does not name the file", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tbl.RowsLoaded != tt.wantLoaded || tbl.RowsRejected != tt.wantRejected {
				t.Errorf("got %d loaded, %d rejected; want %d, %d", tbl.RowsLoaded, tbl.RowsRejected, tt.wantLoaded, tt.wantRejected)
			}
			if tbl.RowsRead != tbl.RowsLoaded+tbl.RowsRejected {
				t.Errorf("read %d != loaded %d + rejected %d", tbl.RowsRead, tbl.RowsLoaded, tbl.RowsRejected)
			}
			if n := countRows(t, db, tbl.Name); n != tbl.RowsLoaded {
				t.Errorf("table holds %d rows, RowsLoaded says %d", n, tbl.RowsLoaded)
			}
			rejects, err := db.Rejects(t.Context(), tbl, 0)
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(rejects)) != tbl.RowsRejected {
				t.Errorf("got %d rejects, RowsRejected says %d", len(rejects), tbl.RowsRejected)
			}
			var lines []int64
			var reasons []string
			for _, r := range rejects {
				lines, reasons = append(lines, r.Line), append(reasons, r.Reason)
				if r.Text == "" || r.File == "" {
					t.Errorf("reject %+v lacks its text or file", r)
				}
			}
			if tt.wantLines != nil && !slices.Equal(lines, tt.wantLines) {
				t.Errorf("reject lines: got %v, want %v", lines, tt.wantLines)
			}
			if tt.wantReasons != nil && !slices.Equal(reasons, tt.wantReasons) {
				t.Errorf("reject reasons: got %v, want %v", reasons, tt.wantReasons)
			}
			if tt.wantColumns != nil {
				var names []string
				for _, c := range tbl.Columns {
					names = append(names, c.Name)
				}
				if !slices.Equal(names, tt.wantColumns) {
					t.Errorf("columns: got %q, want %q", names, tt.wantColumns)
				}
			}
			if len(tbl.Renamed) != tt.wantRenamed {
				t.Errorf("renamed: got %+v, want %d renames", tbl.Renamed, tt.wantRenamed)
			}
			if tt.check != nil {
				tt.check(t, db, tbl)
			}
		})
	}
}

// wantValue checks the single value a query over the table returns; %s is
// the table.
func wantValue(query, want string) func(*testing.T, *DB, *Table) {
	return func(t *testing.T, db *DB, tbl *Table) {
		t.Helper()
		var got string
		q := strings.Replace(query, "%s", Ident(tbl.Name), 1)
		if err := db.QueryRowContext(t.Context(), q).Scan(&got); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if got != want {
			t.Errorf("%s: got %q, want %q", q, got, want)
		}
	}
}

func countRows(t *testing.T, db *DB, rel string) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRowContext(t.Context(), "SELECT count(*) FROM "+Ident(rel)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestColumnNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		header  []string
		want    []string
		renamed int
	}{
		{[]string{"a", "b"}, []string{"a", "b"}, 0},
		{[]string{"a", "a", "a"}, []string{"a", "a_2", "a_3"}, 2},
		{[]string{"a", "A"}, []string{"a", "A_2"}, 1},
		{[]string{"", " ", "x"}, []string{"column_1", "column_2", "x"}, 2},
		{[]string{"a", "a", "a_2"}, []string{"a", "a_3", "a_2"}, 1},
		{[]string{" id ", "id"}, []string{"id", "id_2"}, 2},
		{[]string{`we"ird`, "日本"}, []string{`we"ird`, "日本"}, 0},
		// issue 13 item 13: the written name keeps priority
		{[]string{"", "column_1"}, []string{"column_1_2", "column_1"}, 1},
		{[]string{"", "COLUMN_1", "column_1_2"}, []string{"column_1_3", "COLUMN_1", "column_1_2"}, 1},
		{[]string{"column_2", "", "", "column_2"}, []string{"column_2", "column_2_2", "column_3", "column_2_3"}, 3},
		{[]string{" ", "column_1 "}, []string{"column_1_2", "column_1"}, 2},
	}
	for _, tt := range tests {
		got, renamed := columnNames("f.csv", tt.header)
		if !slices.Equal(got, tt.want) || len(renamed) != tt.renamed {
			t.Errorf("columnNames(%q): got %q (%d renamed), want %q (%d)", tt.header, got, len(renamed), tt.want, tt.renamed)
		}
	}
}

func TestLoadGlobUnionsByName(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	tbl, err := load(t, db, filepath.Join("..", "testdata", "multi", "part*.csv"), source.CSVOptions{}, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tbl.Files) != 2 || tbl.RowsLoaded != 4 || tbl.RowsRejected != 1 {
		t.Fatalf("got %d files, %d loaded, %d rejected; want 2, 4, 1", len(tbl.Files), tbl.RowsLoaded, tbl.RowsRejected)
	}
	var names []string
	for _, c := range tbl.Columns {
		names = append(names, c.Name)
	}
	if want := []string{"id", "name", "amount", "region"}; !slices.Equal(names, want) {
		t.Errorf("columns: got %q, want %q", names, want)
	}
	rj, err := db.Rejects(t.Context(), tbl, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rj) != 1 || rj[0].Line != 4 || !strings.HasSuffix(rj[0].File, "part2.csv") {
		t.Errorf("rejects: got %+v, want line 4 of part2.csv", rj)
	}
	if n := countRows(t, db, tbl.Name); n != 4 {
		t.Errorf("view holds %d rows, want 4", n)
	}
	if _, err := load(t, db, filepath.Join("..", "testdata", "multi", "nothing*.csv"), source.CSVOptions{}, LoadOptions{}); !errors.Is(err, source.ErrNoFiles) {
		t.Errorf("empty glob: got %v, want ErrNoFiles", err)
	}
}

func TestLoadStdin(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte("id,name\n1,a\n2,b\n3,c,d\n"))
	w.Close()
	for _, tc := range []struct {
		name string
		data []byte
	}{{"plain", []byte("id,name\n1,a\n2,b\n3,c,d\n")}, {"gzip", gz.Bytes()}} {
		t.Run(tc.name, func(t *testing.T) {
			tbl, err := load(t, db, "-", source.CSVOptions{}, LoadOptions{Stdin: bytes.NewReader(tc.data)})
			if err != nil {
				t.Fatal(err)
			}
			if tbl.RowsLoaded != 2 || tbl.RowsRejected != 1 || tbl.Files[0].Path != "-" {
				t.Errorf("got %d loaded, %d rejected from %q; want 2, 1 from -", tbl.RowsLoaded, tbl.RowsRejected, tbl.Files[0].Path)
			}
		})
	}
	if _, err := load(t, db, "-", source.CSVOptions{}, LoadOptions{}); err == nil {
		t.Error("stdin without a reader: got no error")
	}
}

func TestLoadNDJSONRejects(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	tbl, err := load(t, db, zoo("bad_lines.ndjson"), source.CSVOptions{}, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tbl.RowsLoaded != 3 || tbl.RowsRejected != 2 {
		t.Fatalf("got %d loaded, %d rejected; want 3, 2", tbl.RowsLoaded, tbl.RowsRejected)
	}
	rj, err := db.Rejects(t.Context(), tbl, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rj) != 2 || rj[0].Line != 2 || rj[1].Line != 5 || rj[1].Text != "[1,2]" {
		t.Errorf("rejects: got %+v, want lines 2 and 5", rj)
	}
	if n := countRows(t, db, tbl.Name); n != 3 {
		t.Errorf("table holds %d rows, want 3", n)
	}
}

func TestLoadMissingFile(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	_, err := load(t, db, zoo("no_such_file.csv"), source.CSVOptions{}, LoadOptions{})
	var le *source.LoadError
	if !errors.As(err, &le) || !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "no_such_file.csv") {
		t.Errorf("got %v, want a source.LoadError naming the file", err)
	}
}

// TestFormatsHoldTheSameData loads the customer fixture as CSV, Parquet,
// NDJSON and Arrow IPC and checks that all four hold the same rows. With
// -update it first regenerates the other formats from the CSV.
func TestFormatsHoldTheSameData(t *testing.T) {
	db := openDB(t)
	dir := filepath.Join("..", "testdata")
	csvTbl, err := load(t, db, filepath.Join(dir, "customers.csv"), source.CSVOptions{}, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if csvTbl.RowsLoaded != 3000 || csvTbl.RowsRejected != 0 {
		t.Fatalf("customers.csv: got %d loaded, %d rejected; want 3000, 0", csvTbl.RowsLoaded, csvTbl.RowsRejected)
	}
	if golden.Update() {
		for _, ext := range []string{"parquet", "ndjson"} {
			q := "COPY (SELECT * FROM " + Ident(csvTbl.Name) + ") TO " + Literal(filepath.Join(dir, "customers."+ext)) + " " + copyOptions(OutputFormat("x."+ext))
			if _, err := db.ExecContext(t.Context(), q); err != nil {
				t.Fatal(err)
			}
		}
		writeArrowFixture(t, db, csvTbl.Name, filepath.Join(dir, "customers.arrow"))
	}
	for _, ext := range []string{"parquet", "ndjson", "arrow"} {
		t.Run(ext, func(t *testing.T) {
			other, err := load(t, db, filepath.Join(dir, "customers."+ext), source.CSVOptions{}, LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if other.RowsLoaded != csvTbl.RowsLoaded {
				t.Fatalf("got %d rows, want %d", other.RowsLoaded, csvTbl.RowsLoaded)
			}
			var diff int64
			q := "SELECT count(*) FROM ((SELECT * FROM " + Ident(csvTbl.Name) + " EXCEPT ALL SELECT * FROM " + Ident(other.Name) +
				") UNION ALL (SELECT * FROM " + Ident(other.Name) + " EXCEPT ALL SELECT * FROM " + Ident(csvTbl.Name) + "))"
			if err := db.QueryRowContext(t.Context(), q).Scan(&diff); err != nil {
				t.Fatal(err)
			}
			if diff != 0 {
				t.Errorf("%d rows differ from customers.csv", diff)
			}
		})
	}
}

func writeArrowFixture(t *testing.T, db *DB, table, path string) {
	t.Helper()
	rr, err := db.QueryArrow(t.Context(), "SELECT * FROM "+Ident(table))
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Release()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := ipc.NewFileWriter(f, ipc.WithSchema(rr.Schema()), ipc.WithAllocator(memory.DefaultAllocator))
	if err != nil {
		t.Fatal(err)
	}
	for rr.Next() {
		if err := w.Write(rr.RecordBatch()); err != nil {
			t.Fatal(err)
		}
	}
	if err := errors.Join(rr.Err(), w.Close()); err != nil {
		t.Fatal(err)
	}
}

func TestQueryArrowStreamsBatches(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	rr, err := db.QueryArrow(t.Context(), "SELECT range AS n, range::VARCHAR AS s FROM range(100000)")
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Release()
	var rows, batches int64
	for rr.Next() {
		rows += rr.RecordBatch().NumRows()
		batches++
	}
	if err := rr.Err(); err != nil {
		t.Fatal(err)
	}
	if rows != 100000 || batches < 2 {
		t.Errorf("got %d rows in %d batches, want 100000 in several", rows, batches)
	}
}

func TestWriteRejects(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	tbl, err := load(t, db, zoo("ragged.csv"), source.CSVOptions{}, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "rejects.csv")
	if err := db.WriteRejects(t.Context(), out, tbl); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 || !slices.Equal(recs[0], []string{"file", "line", "columns", "reason", "message", "text"}) || recs[1][1] != "3" || recs[1][5] != "2,beta,20,EXTRA" {
		t.Errorf("rejects file: got %q", recs)
	}
}

// TestLoadMatchesSynthTruth loads a generated extract with malformed rows
// and quoted multi-line fields, and checks counts and reject line numbers
// against what the generator says it wrote.
func TestLoadMatchesSynthTruth(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	for _, raw := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "synth.csv")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		truth, err := synth.Write(f, synth.Config{Rows: 30000, Seed: 11, Mess: true, Malformed: 0.002})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		tbl, err := load(t, db, path, source.CSVOptions{}, LoadOptions{Raw: raw})
		if err != nil {
			t.Fatal(err)
		}
		if tbl.RowsRead != int64(truth.Rows) || tbl.RowsLoaded != int64(truth.WellFormed) || tbl.RowsRejected != int64(len(truth.MalformedLines)) {
			t.Fatalf("raw=%t: got read %d, loaded %d, rejected %d; truth says %d, %d, %d", raw, tbl.RowsRead, tbl.RowsLoaded, tbl.RowsRejected,
				truth.Rows, truth.WellFormed, len(truth.MalformedLines))
		}
		rj, err := db.Rejects(t.Context(), tbl, 0)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rj {
			if r.Line != truth.MalformedLines[i] {
				t.Errorf("raw=%t: reject %d on line %d, truth says %d", raw, i, r.Line, truth.MalformedLines[i])
			}
		}
	}
}

// TestLoadNDJSONRejectsEachBadLine holds issue 13 items 11 and 12: a line
// of newline-delimited JSON that is not one object DuckDB can read as a
// row (an array, null, a scalar, a key twice in an object, nesting too
// deep, malformed) is a reject of that line and the rest load, with their
// own columns; RowsRead counts the lines that are not blank.
func TestLoadNDJSONRejectsEachBadLine(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	deep := func(d int) string { return `{"id":9,"v":` + strings.Repeat("[", d-1) + strings.Repeat("]", d-1) + "}" }
	bad := []struct{ line, message string }{
		{`[1,2]`, "not a JSON object: array"},
		{`null`, "not a JSON object: null"},
		{`42`, "not a JSON object: number"},
		{`"x"`, "not a JSON object: string"},
		{`{"id":7,"id":8}`, `duplicate key "id"`},
		{`{"id":7,"v":{"x":1,"x":2}}`, `duplicate key "x"`},
		{`{"id":7,"v":"a","\u0076":"b"}`, `duplicate key "\u0076"`},
		{deep(maxJSONDepth + 1), "nested deeper than"},
		{deep(20_000), "nested deeper than"},
		{`{"id":7,`, "unexpected end of JSON input"},
	}
	good := []string{`{"id":1,"v":"a"}`, `{"id":2,"v":"b","w":true}`, deep(maxJSONDepth - 1), `{"id":3,"v":{"x":1,"X":2}}`}
	type variant struct {
		name  string
		lines []string // "" for a blank line
		bad   map[int]string
	}
	var variants []variant
	for _, b := range bad {
		variants = append(variants, variant{name: b.line[:min(len(b.line), 30)],
			lines: []string{good[0], b.line, "", good[1]}, bad: map[int]string{2: b.message}})
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for k := range 8 {
		v := variant{name: fmt.Sprintf("generated %d", k), bad: map[int]string{}}
		for i := range 5 + rng.IntN(200) {
			switch r := rng.IntN(10); {
			case r == 0:
				v.lines = append(v.lines, "")
			case r < 3:
				b := bad[rng.IntN(len(bad))]
				v.lines = append(v.lines, b.line)
				v.bad[i+1] = b.message
			default:
				v.lines = append(v.lines, good[rng.IntN(len(good))])
			}
		}
		variants = append(variants, v)
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			var read int64
			for _, l := range v.lines {
				if l != "" {
					read++
				}
			}
			path := filepath.Join(t.TempDir(), "f.ndjson")
			if err := os.WriteFile(path, []byte(strings.Join(v.lines, "\n")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			tbl, err := load(t, db, path, source.CSVOptions{}, LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if tbl.RowsRead != read || tbl.RowsRejected != int64(len(v.bad)) || tbl.RowsLoaded != read-int64(len(v.bad)) {
				t.Errorf("got %d read = %d loaded + %d rejected; want %d = %d + %d",
					tbl.RowsRead, tbl.RowsLoaded, tbl.RowsRejected, read, read-int64(len(v.bad)), len(v.bad))
			}
			if n := countRows(t, db, tbl.Name); n != tbl.RowsLoaded {
				t.Errorf("table holds %d rows, RowsLoaded says %d", n, tbl.RowsLoaded)
			}
			if tbl.RowsLoaded > 0 && !slices.ContainsFunc(tbl.Columns, func(c source.Column) bool { return c.Name == "id" }) {
				t.Errorf("columns %v: the good lines' columns are lost", tbl.Columns)
			}
			rj, err := db.Rejects(t.Context(), tbl, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rj {
				msg, ok := v.bad[int(r.Line)]
				if !ok || !strings.Contains(r.Message, msg) || r.Text != v.lines[r.Line-1] {
					t.Errorf("reject on line %d: %q (%q); want %q", r.Line, r.Message, trimTo(r.Text, 40), msg)
				}
			}
		})
	}
}

// TestLoadJSONTooDeep: a JSON document nested past maxJSONDepth is
// refused, naming its line, before DuckDB reads it.
func TestLoadJSONTooDeep(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	for _, d := range []int{maxJSONDepth + 1, 10_000, 20_000} {
		path := filepath.Join(t.TempDir(), "f.json")
		doc := "[\n" + `{"id":1},` + "\n" + `{"v":` + strings.Repeat("[", d) + strings.Repeat("]", d) + "}]"
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := load(t, db, path, source.CSVOptions{}, LoadOptions{})
		var le *source.LoadError
		if !errors.As(err, &le) || le.Line != 3 || !strings.Contains(err.Error(), "nested deeper") {
			t.Errorf("depth %d: got %v, want a LoadError on line 3", d, err)
		}
	}
	path := filepath.Join(t.TempDir(), "ok.json")
	os.WriteFile(path, []byte(`[{"v":`+strings.Repeat("[", maxJSONDepth-2)+strings.Repeat("]", maxJSONDepth-2)+"}]"), 0o644)
	if _, err := load(t, db, path, source.CSVOptions{}, LoadOptions{}); err != nil {
		t.Errorf("depth %d: %v", maxJSONDepth, err)
	}
}
