//go:build duckdb_arrow

package engine

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/plumb-data/plumb/source"
)

// csvRead is a CSV read whose dialect is settled.
type csvRead struct {
	args     []string // read_csv's arguments for the file as it is, columns included
	clean    []string // read_csv's arguments for a cleaned copy (see readCleaned), columns excluded
	columns  []string // the columns={...} entries
	enc      string
	anyOrder bool
	rejects  string // the table's rejects table
	split    *recordSplitter
	pad      bool    // short records are padded (null_padding): note them
	short    []int64 // with pad, the indexes of records with fewer fields than columns
	// marks, for a file read as it is on disk (not decompressed), are
	// where every markEvery-th record starts: the pass that keeps the
	// rejected records' bytes seeks to them rather than reading the
	// whole file again.
	marks []mark
}

// markEvery spaces the marks of a file's records: a rejected record
// costs a read of at most this many records around it.
const markEvery = 1024

// scanned is the physical account of a file: its data records, counted
// by plumb, independently of what DuckDB reads.
type scanned struct {
	count  int64
	dends  ascending // per record, its end in DuckDB's decoded text
	faults int64     // records plumb rejects itself
	short  []int64   // records short of fields, when they are padded
	marks  []mark    // every markEvery-th record's start, when asked for
	err    error
}

// rejected is what is known about one rejected record.
type rejected struct {
	reasons, columns, messages []string
}

func (r *rejected) add(reason, column, message string) {
	for _, p := range []struct {
		list *[]string
		v    string
	}{{&r.reasons, reason}, {&r.columns, column}, {&r.messages, message}} {
		if p.v != "" && !slices.Contains(*p.list, p.v) {
			*p.list = append(*p.list, p.v)
		}
	}
}

// readCSV reads a CSV file whose bytes plumb can split (not UTF-16) so
// that every data record is accounted for: plumb counts the records
// itself while DuckDB loads the file, maps each of DuckDB's errors to
// the record it is in, and when a record is broken beyond what DuckDB
// can isolate (an unterminated quote, a line too long) or the counts
// do not add up, it loads a copy without the broken records in which
// each record carries its index, so that the records loaded, rejected
// and missing are known one by one. RowsRead is the count of records.
func (db *DB) readCSV(ctx context.Context, conn *sql.Conn, f *loadedFile, path string, rd *csvRead) error {
	sc := make(chan scanned, 1)
	seekable := f.Compression == CompressionNone
	go func() {
		var s scanned
		s.err = splitFile(ctx, path, rd.split, nil, func(r *record) error {
			s.count++
			s.dends.add(r.dend)
			if seekable && r.index%markEvery == 0 {
				s.marks = append(s.marks, markOf(r))
			}
			if r.fault != "" {
				s.faults++
			} else if rd.pad && r.fields < len(rd.columns) {
				s.short = append(s.short, r.index)
			}
			return nil
		})
		sc <- s
	}()
	tmpErrs, tmpScans := db.uniqueName("plumb_reject_errors"), db.uniqueName("plumb_reject_scans")
	defer conn.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+Ident(tmpErrs)+"; DROP TABLE IF EXISTS "+Ident(tmpScans))
	var loadErr error
	read := func() error {
		target, err := db.wideTarget(ctx, conn, f, path, len(rd.columns))
		if err != nil {
			return err
		}
		args := append(slices.Clone(rd.args), "store_rejects=true", "rejects_table="+Literal(tmpErrs), "rejects_scan="+Literal(tmpScans))
		q := "CREATE OR REPLACE TABLE " + target + " AS SELECT * FROM " + readCall("read_csv", path, args...)
		return db.createWideTable(ctx, conn, q, rd.anyOrder, len(rd.columns))
	}
	loadErr = read()
	s := <-sc
	if s.err != nil {
		return fmt.Errorf("scan records: %w", s.err)
	}
	f.read = s.count
	rd.short, rd.marks = s.short, s.marks
	if s.faults > 0 {
		db.log.Debug("csv: records plumb rejects itself; reading a numbered copy", "file", f.Path, "records", s.count, "broken", s.faults)
		return db.readCleaned(ctx, conn, f, path, rd)
	}
	if loadErr != nil {
		return csvError(f.Path, loadErr)
	}
	var err error
	if f.RowsLoaded, err = countRef(ctx, conn, f.ref()); err != nil {
		return err
	}
	bad := map[int64]*rejected{}
	unplaced := false
	err = eachError(ctx, conn, tmpErrs, &s.dends, func(k int, reason, column, message string) {
		if k < 0 {
			unplaced = true
			return
		}
		i := int64(k)
		if bad[i] == nil {
			bad[i] = &rejected{}
		}
		bad[i].add(reason, column, message)
	})
	if err != nil {
		return fmt.Errorf("read rejects: %w", err)
	}
	if unplaced || f.RowsLoaded+int64(len(bad)) != s.count {
		db.log.Debug("csv: records do not add up; reading a numbered copy", "file", f.Path,
			"records", s.count, "loaded", f.RowsLoaded, "rejected", len(bad))
		return db.readCleaned(ctx, conn, f, path, rd)
	}
	return db.keepRejects(ctx, f, path, rd, bad)
}

// eachError calls fn with each error DuckDB stored for a read, placed in
// the records whose ends in the decoded text are dends: the index of the
// record it is in, or -1 where it cannot be placed.
func eachError(ctx context.Context, conn *sql.Conn, errs string, dends *ascending, fn func(i int, reason, column, message string)) error {
	return eachErrorAt(ctx, conn, errs, func(line, at sql.NullInt64, reason, column, message string) {
		fn(placeError(dends, line, at), reason, column, message)
	})
}

// placeError finds the record an error is in from the byte position of
// its line and of the error itself. DuckDB gives the line's position as
// the start of the blank lines before it, so where the error's own
// position lies past the end of that record and its line break, that
// position places it.
func placeError(dends *ascending, line, at sql.NullInt64) int {
	if !line.Valid {
		return -1
	}
	i := dends.search(line.Int64 - 1)
	if i < dends.len() && at.Valid && at.Int64-1 >= dends.at(i)+2 {
		i = dends.search(at.Int64 - 1)
	}
	if i >= dends.len() {
		return -1
	}
	return i
}

// eachErrorAt calls fn with each error DuckDB stored for a read, with the
// byte positions of its line and of the error.
func eachErrorAt(ctx context.Context, conn *sql.Conn, errs string, fn func(line, at sql.NullInt64, reason, column, message string)) error {
	rows, err := conn.QueryContext(ctx, "SELECT line_byte_position, byte_position, error_type::VARCHAR, coalesce(column_name, ''), coalesce(error_message, '') FROM "+Ident(errs))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var line, at sql.NullInt64
		var reason, column, message string
		if err := rows.Scan(&line, &at, &reason, &column, &message); err != nil {
			return err
		}
		fn(line, at, reason, column, message)
	}
	return rows.Err()
}

// readCleaned loads a copy of the file that holds only its data records
// without faults, each after its index as an extra first column, so that
// which records DuckDB loaded is known exactly; records neither loaded
// nor rejected by DuckDB are rejected as NOT LOADED, never dropped.
func (db *DB) readCleaned(ctx context.Context, conn *sql.Conn, f *loadedFile, path string, rd *csvRead) error {
	tmp, err := os.CreateTemp(db.cfg.TempDir, "plumb-csv-*.csv")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriterSize(tmp, 1<<20)
	var (
		dends   ascending // per written record, its end in the copy's decoded text
		indexes ascending // per written record, its index in the file
		dpos    int64
		n       int64
	)
	bad := map[int64]*rejected{}
	delim := rd.split.delim
	err = splitFile(ctx, path, rd.split, func(int64) bool { return true }, func(r *record) error {
		n++
		if r.fault != "" {
			bad[r.index] = &rejected{reasons: []string{r.fault}, messages: []string{faultMessage(r.fault, rd.split.maxLine)}}
			return nil
		}
		head := strconv.AppendInt(nil, r.index, 10)
		head = append(head, delim)
		w.Write(head)
		w.Write(r.text)
		w.WriteByte('\n')
		dpos += int64(len(head)) + (r.dend - r.dstart)
		dends.add(dpos)
		indexes.add(r.index)
		dpos++
		return nil
	})
	if err := errOr(err, w.Flush(), tmp.Close()); err != nil {
		return fmt.Errorf("copy records: %w", err)
	}
	f.read = n
	tmpErrs, tmpScans := db.uniqueName("plumb_reject_errors"), db.uniqueName("plumb_reject_scans")
	defer conn.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+Ident(tmpErrs)+"; DROP TABLE IF EXISTS "+Ident(tmpScans))
	args := append(slices.Clone(rd.clean), "columns={'plumb_rec': 'BIGINT', "+strings.Join(rd.columns, ", ")+"}",
		"store_rejects=true", "rejects_table="+Literal(tmpErrs), "rejects_scan="+Literal(tmpScans))
	q := "CREATE OR REPLACE TABLE " + f.ref() + " AS SELECT * FROM " + readCall("read_csv", tmp.Name(), args...)
	if indexes.len() > 0 {
		if err := db.createWideTable(ctx, conn, q, rd.anyOrder, len(rd.columns)); err != nil {
			return csvError(f.Path, err)
		}
	} else if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TABLE "+f.ref()+" AS SELECT * FROM "+readCall("read_csv", path, rd.args...)+" LIMIT 0"); err != nil {
		return csvError(f.Path, err)
	}
	loaded := make([]bool, n)
	if indexes.len() > 0 {
		rows, err := conn.QueryContext(ctx, "SELECT plumb_rec FROM "+f.ref())
		if err != nil {
			return err
		}
		for rows.Next() {
			var i int64
			if err := rows.Scan(&i); err != nil {
				rows.Close()
				return err
			}
			if i >= 0 && i < n {
				loaded[i] = true
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		err = eachError(ctx, conn, tmpErrs, &dends, func(k int, reason, column, message string) {
			if k < 0 || loaded[indexes.at(k)] {
				return
			}
			message = uncountRecColumn(message)
			i := indexes.at(k)
			if bad[i] == nil {
				bad[i] = &rejected{}
			}
			bad[i].add(reason, column, message)
		})
		if err != nil {
			return fmt.Errorf("read rejects: %w", err)
		}
		if _, err := conn.ExecContext(ctx, "ALTER TABLE "+f.ref()+" DROP COLUMN plumb_rec"); err != nil {
			return err
		}
	}
	f.RowsLoaded = 0
	for i, ok := range loaded {
		if ok {
			f.RowsLoaded++
		} else if bad[int64(i)] == nil {
			bad[int64(i)] = &rejected{reasons: []string{"NOT LOADED"}, messages: []string{"the CSV reader neither loaded nor rejected this record"}}
		}
	}
	return db.keepRejects(ctx, f, path, rd, bad)
}

var columnCountRE = regexp.MustCompile(`Expected Number of Columns: (\d+) Found: (\d+)`)

// uncountRecColumn takes the copy's index column out of the counts in a
// DuckDB message about a record of the numbered copy.
func uncountRecColumn(msg string) string {
	return columnCountRE.ReplaceAllStringFunc(msg, func(m string) string {
		g := columnCountRE.FindStringSubmatch(m)
		want, _ := strconv.Atoi(g[1])
		found, _ := strconv.Atoi(g[2])
		return fmt.Sprintf("Expected Number of Columns: %d Found: %d", want-1, found-1)
	})
}

func faultMessage(fault string, maxLine int64) string {
	if maxLine <= 0 {
		maxLine = defaultMaxLineSize
	}
	switch fault {
	case faultUnterminated:
		return "a quoted value opened on this line is not closed (before the end of the file, or within the maximum line size); the rest of the file is read from the next line"
	case faultBadQuote:
		return "a quoted value is closed by a quote that is not followed by a delimiter or a line break, or a quote follows spaces at the start of a value"
	case faultTooMany:
		return "the record has more fields than the header"
	case faultTooLong:
		return fmt.Sprintf("the record is longer than the maximum line size (%d bytes)", maxLine)
	}
	return fault
}

// keepRejects writes one rejects row per rejected record, with its
// physical line and its original bytes, and counts them.
func (db *DB) keepRejects(ctx context.Context, f *loadedFile, path string, rd *csvRead, bad map[int64]*rejected) error {
	f.RowsRejected = int64(len(bad))
	for _, i := range rd.short {
		if bad[i] == nil {
			f.padded++
		}
	}
	if len(bad) == 0 {
		return nil
	}
	app, err := db.NewAppender(ctx, rd.rejects)
	if err != nil {
		return err
	}
	want := make([]int64, 0, len(bad))
	for i := range bad {
		want = append(want, i)
	}
	slices.Sort(want)
	err = splitSome(ctx, path, rd.split, rd.marks, want, func(r *record) error {
		b := bad[r.index]
		slices.Sort(b.reasons)
		slices.Sort(b.columns)
		slices.Sort(b.messages)
		if slices.Contains(b.reasons, "INVALID ENCODING") {
			f.InvalidEncoding++
		}
		if len(b.reasons) == 1 && b.reasons[0] == "CAST" {
			f.CastErrors++ // only where a raw load would keep the record
		}
		var cols any
		if len(b.columns) > 0 {
			cols = strings.Join(b.columns, ", ")
		}
		return app.Append(f.Path, r.line, cols, strings.Join(b.reasons, ", "), strings.Join(b.messages, "; "), recordText(r.text, rd.enc))
	})
	if cerr := app.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("keep rejects: %w", err)
	}
	return nil
}

// recordText renders a record's original bytes as text: decoded from
// latin-1 when the file is read so, as is when they are valid UTF-8, and
// otherwise with each byte that is not valid UTF-8 written as \xNN.
func recordText(b []byte, enc string) string {
	if enc == source.EncodingLatin1 {
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = rune(c)
		}
		return string(r)
	}
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			fmt.Fprintf(&sb, `\x%02x`, b[0])
			b = b[1:]
			continue
		}
		sb.Write(b[:size])
		b = b[size:]
	}
	return sb.String()
}

// splitFile splits a file's decompressed bytes into records.
func splitFile(ctx context.Context, path string, s *recordSplitter, keep func(int64) bool, fn func(*record) error) error {
	r, _, err := openText(path)
	if err != nil {
		return err
	}
	defer r.Close()
	return s.split(ctx, r, keep, fn)
}

// splitSome calls fn with the records of a file whose indexes are in
// want (sorted), with their text. With marks (see csvRead.marks) it
// seeks to the mark before each wanted record and splits from there,
// across a gap of more than the marks' spacing it seeks again; without,
// it splits the whole file.
func splitSome(ctx context.Context, path string, s *recordSplitter, marks []mark, want []int64, fn func(*record) error) error {
	wanted := func(i int64) bool {
		_, ok := slices.BinarySearch(want, i)
		return ok
	}
	next := 0 // the first record of want not yet given to fn
	each := func(r *record) error {
		if next < len(want) && r.index == want[next] {
			next++
			return fn(r)
		}
		return nil
	}
	if len(marks) == 0 || len(want) == 0 {
		return splitFile(ctx, path, s, wanted, each)
	}
	gap := int64(markEvery)
	if len(marks) > 1 {
		gap = marks[1].index - marks[0].index
	}
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	for next < len(want) {
		m := marks[max(sort.Search(len(marks), func(k int) bool { return marks[k].index > want[next] })-1, 0)]
		if _, err := file.Seek(m.offset, io.SeekStart); err != nil {
			return err
		}
		err := s.splitFrom(ctx, file, m, wanted, func(r *record) error {
			if err := each(r); err != nil {
				return err
			}
			if next == len(want) || want[next]-r.index > gap {
				return errSplitDone
			}
			return nil
		})
		if err != nil && err != errSplitDone {
			return err
		}
		if err == nil && next < len(want) {
			return fmt.Errorf("%s: record %d is past the end of the file", path, want[next]+1)
		}
	}
	return nil
}

// errSplitDone stops a split that has found what it was looking for.
var errSplitDone = errors.New("split done")

func errOr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
