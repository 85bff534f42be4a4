//go:build duckdb_arrow

package engine

import (
	"bytes"
	"compress/gzip"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/plumb-data/plumb/source"
)

// wantReject is a reject as a test expects it: its line, and its text
// when want.text is not "".
type wantReject struct {
	line int64
	text string
}

// loadText writes content to a file named name and loads it.
func loadText(t *testing.T, db *DB, name string, content []byte, csv source.CSVOptions, opts LoadOptions) *Table {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if strings.HasSuffix(name, ".gz") {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(content)
		zw.Close()
		content = b.Bytes()
	}
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	tbl, err := load(t, db, path, csv, opts)
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

// checkAccount checks a table's counts, that they add up, and its rejects.
func checkAccount(t *testing.T, db *DB, tbl *Table, read, loaded int64, rejects []wantReject) {
	t.Helper()
	if tbl.RowsRead != read || tbl.RowsLoaded != loaded || tbl.RowsRejected != int64(len(rejects)) {
		t.Errorf("got %d read = %d loaded + %d rejected; want %d = %d + %d",
			tbl.RowsRead, tbl.RowsLoaded, tbl.RowsRejected, read, loaded, len(rejects))
	}
	if n := countRows(t, db, tbl.Name); n != tbl.RowsLoaded {
		t.Errorf("table holds %d rows, RowsLoaded says %d", n, tbl.RowsLoaded)
	}
	got, err := db.Rejects(t.Context(), tbl, 0)
	if err != nil {
		t.Fatal(err)
	}
	var gotLines, wantLines []int64
	for _, r := range got {
		gotLines = append(gotLines, r.Line)
	}
	for _, r := range rejects {
		wantLines = append(wantLines, r.line)
	}
	if !slices.Equal(gotLines, wantLines) {
		t.Errorf("reject lines: got %v, want %v", gotLines, wantLines)
		return
	}
	for i, r := range rejects {
		if r.text != "" && got[i].Text != r.text {
			t.Errorf("reject on line %d: text %q, want %q", r.line, trimTo(got[i].Text, 80), trimTo(r.text, 80))
		}
	}
}

func trimTo(s string, n int) string {
	if len(s) > n {
		return s[:n] + fmt.Sprintf("…(%d bytes)", len(s))
	}
	return s
}

// numbered returns a header and n data rows "i,ri", with row k replaced
// by bad (rows counted from 1).
func numbered(n int, bad map[int]string, eol string) []byte {
	var b strings.Builder
	b.WriteString("id,v" + eol)
	for i := 1; i <= n; i++ {
		if s, ok := bad[i]; ok {
			b.WriteString(s + eol)
			continue
		}
		fmt.Fprintf(&b, "%d,r%d%s", i, i, eol)
	}
	return []byte(b.String())
}

// rfcQuote asks for RFC 4180's quote: a file whose only quotes are
// broken reads best (and is sniffed) without quoting.
var rfcQuote = source.CSVOptions{Quote: `"`}

// TestLoadAccountsForEveryRecord holds the bookkeeping of issue 13 (items
// 2, 3 and 4): every record is loaded or rejected once, on its physical
// line, with its original bytes, and RowsRead is counted from the file.
func TestLoadAccountsForEveryRecord(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	long := "7," + strings.Repeat("x", 20_000) + ",extra"
	tests := []struct {
		name         string
		file         string
		content      []byte
		csv          source.CSVOptions
		read, loaded int64
		rejects      []wantReject
	}{
		{name: "crlf consecutive rejects", file: "a.csv", content: []byte("a,b\r\n1,x,E1\r\n2,y,E2\r\n3,z\r\n"),
			read: 3, loaded: 1, rejects: []wantReject{{2, "1,x,E1"}, {3, "2,y,E2"}}},
		{name: "crlf many rejects", file: "a.csv", content: numbered(50, map[int]string{10: "10,a,b", 11: "11,a,b", 12: "12,a,b", 50: "50,a,b"}, "\r\n"),
			read: 50, loaded: 46, rejects: []wantReject{{11, "10,a,b"}, {12, "11,a,b"}, {13, "12,a,b"}, {51, "50,a,b"}}},
		{name: "blank lines before a reject", file: "a.csv", content: []byte("a,b\n1,x\n\n\n2,y,EXTRA\n3,z\n"),
			read: 3, loaded: 2, rejects: []wantReject{{5, "2,y,EXTRA"}}},
		{name: "blank crlf lines before a reject", file: "a.csv", content: []byte("a,b\r\n1,x\r\n\r\n\r\n2,y,EXTRA\r\n3,z\r\n"),
			read: 3, loaded: 2, rejects: []wantReject{{5, "2,y,EXTRA"}}},
		{name: "unterminated quote mid-file", file: "a.csv", csv: rfcQuote, content: numbered(10_000, map[int]string{5000: `5000,"oops`}, "\n"),
			read: 10_000, loaded: 9_999, rejects: []wantReject{{5001, `5000,"oops`}}},
		{name: "unterminated quote mid-file, crlf, gzip", file: "a.csv.gz", csv: rfcQuote, content: numbered(3_000, map[int]string{1500: `1500,"oops`}, "\r\n"),
			read: 3_000, loaded: 2_999, rejects: []wantReject{{1501, `1500,"oops`}}},
		{name: "two unterminated quotes", file: "a.csv", csv: rfcQuote, content: numbered(100, map[int]string{20: `20,"a`, 80: `80,"b`}, "\n"),
			read: 100, loaded: 98, rejects: []wantReject{{21, `20,"a`}, {81, `80,"b`}}},
		{name: "quote closed by a value", file: "a.csv", csv: rfcQuote, content: []byte("a,b\n1,\"abc\"def\n2,ok\n"),
			read: 2, loaded: 1, rejects: []wantReject{{2, `1,"abc"def`}}},
		{name: "reject text is not capped", file: "a.csv", content: numbered(10, map[int]string{7: long}, "\n"),
			read: 10, loaded: 9, rejects: []wantReject{{8, long}}},
		{name: "reject text keeps the bytes", file: "a.csv", csv: source.CSVOptions{Encoding: source.EncodingUTF8}, content: []byte("a,b\n1,Jos\xe9,30\n2,ok\n"),
			read: 2, loaded: 1, rejects: []wantReject{{2, `1,Jos\xe9,30`}}},
		{name: "latin-1 crlf", file: "a.csv", csv: source.CSVOptions{Encoding: source.EncodingLatin1},
			content: []byte("a,b\r\n1,Jos\xe9,30\r\n2,M\xfcller\r\n3,x,y\r\n"),
			read:    3, loaded: 1, rejects: []wantReject{{2, "1,José,30"}, {4, "3,x,y"}}},
		{name: "multi-line value before a reject", file: "a.csv", content: []byte("a,b\n1,\"x\n\ny\"\n2,y,EXTRA\n"),
			read: 2, loaded: 1, rejects: []wantReject{{5, "2,y,EXTRA"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tbl := loadText(t, db, tt.file, tt.content, tt.csv, LoadOptions{Raw: true})
			checkAccount(t, db, tbl, tt.read, tt.loaded, tt.rejects)
		})
	}
}

// TestLoadUnterminatedQuoteKeepsTheRowsAfter checks the rows after an
// unterminated quote are loaded with their own values, in order.
func TestLoadUnterminatedQuoteKeepsTheRowsAfter(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	tbl := loadText(t, db, "a.csv", numbered(10_000, map[int]string{5000: `5000,"oops`}, "\n"), source.CSVOptions{}, LoadOptions{})
	var n, sum int64
	var last string
	err := db.QueryRowContext(t.Context(), "SELECT count(*), sum(id), last(v ORDER BY id) FROM "+Ident(tbl.Name)+" WHERE id > 5000").Scan(&n, &sum, &last)
	if err != nil {
		t.Fatal(err)
	}
	if n != 5000 || last != "r10000" || sum != (5001+10000)*5000/2 {
		t.Errorf("rows after the bad one: got %d rows, sum %d, last %q", n, sum, last)
	}
	li, err := db.LineIndex(t.Context(), tbl)
	if err != nil {
		t.Fatal(err)
	}
	li.Drop(t.Context(), db)
}

// TestLoadDialectOnEvidence holds issue 13 item 1: one bad quote does not
// decide the dialect of a file, and every flag given is honoured exactly.
func TestLoadDialectOnEvidence(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	uq := []byte("id,name,city\n1,\"Smith, John\",Boston\n2,\"Doe, Jane\",NYC\n3,\"Broken,Chicago\n4,\"Lee, Ann\",LA\n")
	tests := []struct {
		name    string
		content []byte
		csv     source.CSVOptions
	}{
		{name: "sniffed", content: uq},
		{name: "quote given", content: uq, csv: source.CSVOptions{Quote: `"`}},
		{name: "quote and delimiter given", content: uq, csv: source.CSVOptions{Quote: `"`, Delimiter: ","}},
		{name: "semicolons", content: bytes.ReplaceAll(uq, []byte(","), []byte(";"))},
		{name: "crlf", content: bytes.ReplaceAll(uq, []byte("\n"), []byte("\r\n"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tbl := loadText(t, db, "uq.csv", tt.content, tt.csv, LoadOptions{Raw: true})
			if d := tbl.Files[0].Dialect; d.Quote != `"` {
				t.Errorf("quote: got %q, want \"", d.Quote)
			}
			checkAccount(t, db, tbl, 4, 3, []wantReject{{4, ""}})
			want := "Lee, Ann|LA"
			if tt.name == "semicolons" {
				want = "Lee; Ann|LA"
			}
			wantValue("SELECT name || '|' || city FROM %s WHERE id = '4'", want)(t, db, tbl)
		})
	}
	// A file too small for a majority: as many records read whole with
	// the quote as without it. The quote the file uses wins the tie, in
	// either order of the good and the broken record.
	for i, content := range []string{
		"id,name,city\n1,\"Smith, John\",Boston\n3,\"Broken,Chicago\n",
		"id,name,city\n3,\"Broken,Chicago\n1,\"Smith, John\",Boston\n",
		"id;name;city\n1;\"Smith; John\";Boston\n3;\"Broken;Chicago\n",
	} {
		t.Run(fmt.Sprintf("tiny %d", i), func(t *testing.T) {
			t.Parallel()
			tbl := loadText(t, db, "tiny.csv", []byte(content), source.CSVOptions{}, LoadOptions{Raw: true})
			if d := tbl.Files[0].Dialect; d.Quote != `"` {
				t.Errorf("quote: got %q, want \"", d.Quote)
			}
			line := int64(3)
			if i == 1 {
				line = 2
			}
			checkAccount(t, db, tbl, 2, 1, []wantReject{{line, ""}})
			wantValue("SELECT city FROM %s WHERE id = '1'", "Boston")(t, db, tbl)
		})
	}
}

// TestLoadRawKeepsValuesAsWritten holds issue 13 item 9: in a raw load a
// quoted empty value is an empty string (an unquoted one is NULL), and a
// line break inside a quoted value keeps its bytes, CRLF included, in the
// straight load and in the numbered copy a broken record sends it to.
// Generated variants hold every value of random files to what was
// written.
func TestLoadRawKeepsValuesAsWritten(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	type row struct {
		id    string
		v     string
		null  bool
		quote bool
	}
	render := func(rows []row, eol string, broken int) []byte {
		var b strings.Builder
		b.WriteString("id,v" + eol)
		for i, r := range rows {
			if i == broken {
				b.WriteString(`x,"bro"ken` + eol)
			}
			b.WriteString(r.id + ",")
			switch {
			case r.null:
			case r.quote:
				b.WriteString(`"` + strings.ReplaceAll(r.v, `"`, `""`) + `"`)
			default:
				b.WriteString(r.v)
			}
			b.WriteString(eol)
		}
		return []byte(b.String())
	}
	fixed := []row{{id: "1", v: "", quote: true}, {id: "2", null: true}, {id: "3", v: "a\r\nb", quote: true},
		{id: "4", v: "a\nb", quote: true}, {id: "5", v: "\r\n", quote: true}, {id: "6", v: `say "hi"`, quote: true}}
	type variant struct {
		name   string
		rows   []row
		eol    string
		broken int // index of the row a broken record goes before; -1 for none
	}
	variants := []variant{
		{"lf", fixed, "\n", -1}, {"crlf", fixed, "\r\n", -1},
		{"lf, numbered copy", fixed, "\n", 2}, {"crlf, numbered copy", fixed, "\r\n", 4},
	}
	rng := rand.New(rand.NewPCG(9, 13))
	pieces := []string{"", "a", "b c", ",", "\r\n", "\n", `"`, "é", " ", "\r\n\r\n"}
	for k := range 6 {
		n := 20 + rng.IntN(3000)
		if k == 5 {
			n = 60_000 // past DuckDB's parallel buffers
		}
		rows := make([]row, n)
		for i := range rows {
			var v strings.Builder
			for range rng.IntN(4) {
				v.WriteString(pieces[rng.IntN(len(pieces))])
			}
			r := row{id: strconv.Itoa(i + 1), v: v.String()}
			switch {
			case r.v == "" && rng.IntN(2) == 0:
				r.null = true
			case r.v == "" || strings.ContainsAny(r.v, ",\r\n\"") || rng.IntN(3) == 0:
				r.quote = true
			}
			rows[i] = r
		}
		broken := -1
		if k%2 == 1 {
			broken = rng.IntN(n)
		}
		variants = append(variants, variant{fmt.Sprintf("generated %d", k), rows, []string{"\n", "\r\n"}[k%2], broken})
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			tbl := loadText(t, db, "a.csv", render(v.rows, v.eol, v.broken), source.CSVOptions{Quote: `"`, Delimiter: ","}, LoadOptions{Raw: true})
			want := int64(len(v.rows))
			if v.broken >= 0 {
				want++
			}
			if tbl.RowsRead != want || tbl.RowsLoaded != int64(len(v.rows)) {
				t.Fatalf("got %d read, %d loaded; want %d, %d", tbl.RowsRead, tbl.RowsLoaded, want, len(v.rows))
			}
			rows, err := db.QueryContext(t.Context(), "SELECT id, v FROM "+Ident(tbl.Name)+" ORDER BY id::INTEGER")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			i := 0
			for ; rows.Next(); i++ {
				var id string
				var got sql.NullString
				if err := rows.Scan(&id, &got); err != nil {
					t.Fatal(err)
				}
				w := v.rows[i]
				if id != w.id || got.Valid == w.null || got.String != w.v {
					t.Fatalf("row %s: got %q (valid %t), want %q (null %t)", w.id, got.String, got.Valid, w.v, w.null)
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
		})
	}
}
