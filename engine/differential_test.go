//go:build duckdb_arrow

package engine

import (
	"bytes"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/plumb-data/plumb/source"
)

// refRecord is a data record as the reference reader finds it.
type refRecord struct {
	line   int64
	fields []*string // nil: an unquoted empty value (NULL)
	broken bool      // a quote that does not close, or closes mid-value
}

// refRead is the reference reader of the differential test: RFC 4180
// read by hand, the contract plumb's CSV load promises. A BOM is skipped;
// CRLF and LF both end a line; a blank line is no record; a quote opens a
// quoted value only at the start of a field, a doubled quote inside one
// is a quote, and line breaks inside one are part of the value as
// written; a quote after spaces at the start of a value breaks the record
// (readers differ on it). A quoted value that never closes, or closes with something
// other than a delimiter or a line break after it, breaks its record: the
// record is the physical line it starts on, and reading starts again on
// the next line. The first record is the header. In a file of one
// column a blank line is a record of one NULL.
func refRead(b []byte, ncols int) (header []*string, records []refRecord) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	var lines [][]byte // each line without its line break
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			lines = append(lines, b)
			break
		}
		lines = append(lines, b[:i])
		b = b[i+1:]
	}
	eol := func(l []byte) ([]byte, string) {
		if k := len(l); k > 0 && l[k-1] == '\r' {
			return l[:k-1], "\r\n"
		}
		return l, "\n"
	}
	first := true
	for li := 0; li < len(lines); {
		body, _ := eol(lines[li])
		if len(body) == 0 && (ncols > 1 || first) {
			li++
			continue
		}
		rec := refRecord{line: int64(li + 1)}
		var field []byte
		quoted, inQuote, afterQuote := false, false, false
		j, k := li, 0 // line and byte being read
		for {
			line, nl := eol(lines[j])
			if k == len(line) {
				if inQuote {
					if j+1 >= len(lines) {
						rec.broken = true
						break
					}
					field = append(field, nl...)
					j, k = j+1, 0
					continue
				}
				break
			}
			c := line[k]
			k++
			switch {
			case inQuote && c == '"':
				if k < len(line) && line[k] == '"' {
					field = append(field, '"')
					k++
				} else {
					inQuote, afterQuote = false, true
				}
			case inQuote:
				field = append(field, c)
			case c == ',':
				rec.fields = append(rec.fields, value(field, quoted))
				field, quoted, afterQuote = nil, false, false
			case afterQuote:
				rec.broken = true
			case c == '"' && len(field) == 0 && !quoted:
				quoted, inQuote = true, true
			case c == '"' && len(bytes.Trim(field, " ")) == 0:
				rec.broken = true // a quote after spaces: readers differ
			default:
				field = append(field, c)
			}
			if rec.broken {
				break
			}
		}
		if rec.broken {
			rec.fields = nil
			li++
		} else {
			rec.fields = append(rec.fields, value(field, quoted))
			li = j + 1
		}
		if first {
			first = false
			header = rec.fields
			continue
		}
		records = append(records, rec)
	}
	return header, records
}

func value(b []byte, quoted bool) *string {
	if len(b) == 0 && !quoted {
		return nil
	}
	s := string(b)
	return &s
}

// genCSV writes a random small CSV file of ncols columns: quoted values
// with delimiters, quotes and line breaks in them, CRLF, LF or mixed line
// ends, blank lines, a BOM, bytes that are not UTF-8, rows with too few or
// too many fields, and quotes that never close or close mid-value.
// With header false it writes only data rows (a part to append to
// another file), without a BOM.
func genCSV(rng *rand.Rand, ncols int, header bool) []byte {
	var b bytes.Buffer
	if header && rng.IntN(8) == 0 {
		b.WriteString("\xef\xbb\xbf")
	}
	style := rng.IntN(3) // 0 LF, 1 CRLF, 2 mixed
	eol := func() string {
		if style == 1 || style == 2 && rng.IntN(2) == 0 {
			return "\r\n"
		}
		return "\n"
	}
	if header {
		for i := range ncols {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "c%d", i+1)
		}
		b.WriteString(eol())
	}
	plain := []string{"", "a", "b c", "42", "x y z", "é", "-1.5", " sp "}
	inner := []string{"", "a", ",", "\n", "\r\n", `""`, "q", " ", "é"}
	n := rng.IntN(12)
	for r := range n {
		if rng.IntN(10) == 0 {
			b.WriteString(eol()) // a blank line
		}
		cols := ncols
		switch rng.IntN(12) {
		case 0:
			cols = max(1, ncols-1-rng.IntN(2))
		case 1:
			cols = ncols + 1 + rng.IntN(2)
		}
		for c := range cols {
			if c > 0 {
				b.WriteByte(',')
			}
			switch k := rng.IntN(40); {
			case k == 0:
				b.WriteString(`"never closed`)
			case k == 1:
				b.WriteString(`"closed"then`)
			case k == 2:
				b.WriteString("bad\xffbyte")
			case k < 16:
				b.WriteByte('"')
				for range rng.IntN(4) {
					s := inner[rng.IntN(len(inner))]
					if s == "\n" && style == 1 {
						s = "\r\n"
					}
					b.WriteString(s)
				}
				b.WriteByte('"')
			default:
				b.WriteString(plain[rng.IntN(len(plain))])
			}
		}
		if r < n-1 || rng.IntN(4) > 0 {
			b.WriteString(eol())
		}
	}
	return b.Bytes()
}

// differ loads a generated file with plumb and holds it to refRead: every
// record is loaded with identical values, in order, or rejected on its
// line; RowsRead is the count of records. It returns a description of
// the first difference, or "".
func differ(t *testing.T, db *DB, dir string, k int, content []byte, ncols int) string {
	t.Helper()
	_, want := refRead(content, ncols)
	path := filepath.Join(dir, fmt.Sprintf("f%d.csv", k))
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	src := source.Source{Spec: path, Paths: []string{path}, Format: source.FormatCSV,
		CSV: source.CSVOptions{Delimiter: ",", Quote: `"`, Header: source.HeaderYes, Encoding: source.EncodingUTF8}}
	tbl, err := db.Load(t.Context(), src, LoadOptions{Raw: true})
	if err != nil {
		return fmt.Sprintf("load: %v", err)
	}
	defer db.ExecContext(t.Context(), "DROP TABLE "+Ident(tbl.Name)+"; DROP TABLE "+Ident(tbl.RejectsTable))
	var wantRows [][]*string
	var wantLines []int64
	for _, r := range want {
		if !r.broken && len(r.fields) == ncols && utf8Fields(r.fields) {
			wantRows = append(wantRows, r.fields)
		} else {
			wantLines = append(wantLines, r.line)
		}
	}
	if tbl.RowsRead != int64(len(want)) {
		return fmt.Sprintf("read %d records, the reference finds %d", tbl.RowsRead, len(want))
	}
	if len(tbl.Columns) != ncols {
		return fmt.Sprintf("%d columns, want %d", len(tbl.Columns), ncols)
	}
	rj, err := db.Rejects(t.Context(), tbl, 0)
	if err != nil {
		t.Fatal(err)
	}
	var gotLines []int64
	for _, r := range rj {
		gotLines = append(gotLines, r.Line)
	}
	if !slices.Equal(gotLines, wantLines) {
		return fmt.Sprintf("rejects on lines %v, want %v", gotLines, wantLines)
	}
	rows, err := db.QueryContext(t.Context(), "SELECT * FROM "+Ident(tbl.Name)+" ORDER BY rowid")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i := 0
	for ; rows.Next(); i++ {
		vals := make([]sql.NullString, ncols)
		ptrs := make([]any, ncols)
		for c := range vals {
			ptrs[c] = &vals[c]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		if i >= len(wantRows) {
			return fmt.Sprintf("%d rows loaded, want %d", i+1, len(wantRows))
		}
		for c, v := range vals {
			w := wantRows[i][c]
			if v.Valid != (w != nil) || w != nil && v.String != *w {
				return fmt.Sprintf("row %d column %d: got %q (valid %t), want %s", i+1, c+1, v.String, v.Valid, show(w))
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if i != len(wantRows) {
		return fmt.Sprintf("%d rows loaded, want %d", i, len(wantRows))
	}
	return ""
}

func utf8Fields(fs []*string) bool {
	for _, f := range fs {
		if f != nil && !utf8.ValidString(*f) {
			return false
		}
	}
	return true
}

func show(s *string) string {
	if s == nil {
		return "NULL"
	}
	return fmt.Sprintf("%q", *s)
}

// TestLoadDifferential holds plumb's CSV load to the reference reader on
// many small generated files: PLUMB_DIFF_FILES of them, 10,000 unless set
// (1,000 with -short). To keep it quick, files are loaded in batches of
// up to fourteen: the first with its header (and perhaps a BOM), the others'
// rows appended, so that a batch is one file (where a broken quote may
// reach into the next part, which the reference reads alike), and two
// loads run at a time in one DuckDB session.
func TestLoadDifferential(t *testing.T) {
	n := 10_000
	if testing.Short() {
		n = 1_000
	}
	if s := os.Getenv("PLUMB_DIFF_FILES"); s != "" {
		fmt.Sscan(s, &n)
	}
	db := openDB(t)
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(13, 13))
	type batch struct {
		k, ncols int
		content  []byte
	}
	var batches []batch
	for files := 0; files < n; {
		ncols := 1 + rng.IntN(4)
		content := genCSV(rng, ncols, true)
		files++
		for range rng.IntN(14) {
			if files == n {
				break
			}
			if len(content) > 0 && content[len(content)-1] != '\n' {
				content = append(content, '\n')
			}
			content = append(content, genCSV(rng, ncols, false)...)
			files++
		}
		batches = append(batches, batch{len(batches), ncols, content})
	}
	var (
		mu       sync.Mutex
		failures int
		wg       sync.WaitGroup
		next     = make(chan batch)
	)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range next {
				if d := differ(t, db, dir, b.k, b.content, b.ncols); d != "" {
					mu.Lock()
					failures++
					if failures <= 10 {
						t.Errorf("batch %d (%d columns): %s\n%q", b.k, b.ncols, d, b.content)
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, b := range batches {
		mu.Lock()
		stop := failures >= 10
		mu.Unlock()
		if stop {
			break
		}
		next <- b
	}
	close(next)
	wg.Wait()
	t.Logf("%d generated files in %d loads", n, len(batches))
}

// FuzzLoadCSV holds plumb's CSV load to the reference reader on files the
// fuzzer makes from a seed and a column count.
func FuzzLoadCSV(f *testing.F) {
	f.Add(uint64(1), uint8(3))
	f.Add(uint64(2), uint8(1))
	f.Add(uint64(3), uint8(2))
	db := openDB(f)
	dir := f.TempDir()
	k := 0
	f.Fuzz(func(t *testing.T, seed uint64, cols uint8) {
		ncols := 1 + int(cols%4)
		content := genCSV(rand.New(rand.NewPCG(seed, 13)), ncols, true)
		k++
		if d := differ(t, db, dir, k, content, ncols); d != "" {
			t.Errorf("%q: %s", content, d)
		}
	})
}
