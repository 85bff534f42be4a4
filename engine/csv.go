//go:build duckdb_arrow

package engine

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/plumb-data/plumb/source"
	"io"
	"slices"
	"strings"
)

// loadCSV loads delimited text. DuckDB's sniffer (in its forgiving mode,
// so that a few ragged rows do not make it give up on the dialect) picks
// what the user left open; the scan then runs with that dialect spelled
// out, so what is reported is what was used, and store_rejects keeps
// every row that does not parse.
func (db *DB) loadCSV(ctx context.Context, conn *sql.Conn, f *loadedFile, path string, pk peek, o source.CSVOptions, opts LoadOptions, rejects string) error {
	raw := opts.Raw
	enc := o.Encoding
	if enc == "" {
		enc = source.EncodingUTF8
		switch {
		case pk.utf16:
			enc = source.EncodingUTF16
		case pk.latin1:
			enc = source.EncodingLatin1
		}
	}
	user := csvUserOptions(o, enc, raw)
	sn, err := sniffCSV(ctx, conn, path, user)
	lenient := false
	if err != nil {
		// DuckDB's sniffer gives up on a file it could read: one with
		// mixed line endings (its strict mode refuses them) or a line
		// past its maximum size in the sample (plumb rejects that line
		// alone). Sniff again without those limits.
		long := fmt.Sprintf("max_line_size=%d", max(o.MaxLineSize, sniffMaxLineSize))
		retries := [][]string{{long}}
		if mixedLineEnds(path) {
			retries = [][]string{{"strict_mode=false"}, {long}, {"strict_mode=false", long}}
		}
		for _, extra := range retries {
			if again, aerr := sniffCSV(ctx, conn, path, append(slices.Clone(user), extra...)); aerr == nil {
				sn, err = again, nil
				if extra[0] == "strict_mode=false" {
					lenient = true
					user = append(user, "strict_mode=false")
				}
				break
			}
		}
	}
	forced := false
	if err != nil {
		if o.Quote == "" || enc == source.EncodingUTF16 {
			return err
		}
		// The user named the quote; the sniffer failed on its sample
		// (broken records in it): take the rest from a sniff without the
		// quote, or what the user gave, and sniff a cleaned sample.
		sn = &sniffed{delim: o.Delimiter, header: o.Header != source.HeaderNo, skip: o.Skip}
		if o.Delimiter == "" {
			free := o
			free.Quote, free.Escape = "", ""
			if sn, err = sniffCSV(ctx, conn, path, csvUserOptions(free, enc, raw)); err != nil {
				return err
			}
		}
		sn.quote, sn.escape = o.Quote, o.Quote
		forced = true
	}
	if sn.quote == "" && o.Quote == "" {
		// The sniffer leaves the quote empty when its sample holds no
		// quotes, but quoted fields may come later in the file: keep
		// RFC 4180's double quote unless it reads the sample worse.
		rfc, err := sniffCSV(ctx, conn, path, append(user, `quote='"'`, `escape='"'`))
		if err == nil && rfc.delim == sn.delim && len(rfc.columns) == len(sn.columns) && rfc.header == sn.header {
			sn.quote, sn.escape = rfc.quote, rfc.escape
		}
	}
	if enc != source.EncodingUTF16 {
		c, same, err := chooseDialect(ctx, path, o, sn)
		if err != nil {
			return &source.LoadError{Path: f.Path, Err: fmt.Errorf("weigh dialects: %w", err)}
		}
		if !same || forced {
			if sn, err = db.sniffSample(ctx, conn, path, c, sn, user); err != nil {
				return csvError(f.Path, err)
			}
		}
	}
	if lenient && sn.quote != "" && sn.escape == "" {
		// Outside strict mode DuckDB reads a doubled quote as RFC 4180
		// does only when told the escape is the quote (as the splitter
		// reads it).
		sn.escape = sn.quote
	}
	d := &source.Dialect{Delimiter: sn.delim, Quote: sn.quote, Escape: sn.escape, NewLine: sn.newline,
		Header: sn.header, Skip: sn.skip, Encoding: enc, DateFormat: sn.dateFormat, TimestampFormat: sn.timestampFormat}
	for _, c := range []struct {
		name string
		set  bool
	}{{"delimiter", o.Delimiter != ""}, {"quote", o.Quote != ""}, {"escape", o.Escape != ""},
		{"header", o.Header != source.HeaderAuto}, {"skip", o.Skip != 0}, {"encoding", o.Encoding != ""}} {
		if !c.set {
			d.Detected = append(d.Detected, c.name)
		}
	}
	f.Dialect = d

	dialect := []string{
		"auto_detect=false",
		"delim=" + Literal(sn.delim),
		"quote=" + Literal(sn.quote),
		"escape=" + Literal(sn.escape),
		fmt.Sprintf("skip=%d", sn.skip),
		fmt.Sprintf("header=%t", sn.header),
		"encoding=" + Literal(enc),
	}
	if lenient {
		// Mixed line endings: DuckDB reads each as a line break only
		// outside its strict mode (the splitter takes both).
		dialect = append(dialect, "strict_mode=false")
	} else if sn.newline != "" {
		dialect = append(dialect, "new_line="+Literal(sn.newline))
	}
	if f.Compression != CompressionNone {
		dialect = append(dialect, "compression="+Literal(f.Compression))
	}

	names := make([]string, len(sn.columns))
	for i, c := range sn.columns {
		names[i] = c.Name
	}
	if sn.header {
		if hdr, err := rawHeader(ctx, conn, path, dialect, len(sn.columns)); err == nil {
			names, f.renamed = columnNames(f.Path, hdr)
		}
	} else {
		for i := range names {
			names[i] = fmt.Sprintf("column_%d", i+1)
		}
	}
	if raw {
		// Note the types a typed read would have used, for callers
		// that want typed views over the text.
		typed, err := sniffCSV(ctx, conn, path, append(csvUserOptions(o, enc, false), dialect[1:6]...))
		if err == nil && len(typed.columns) == len(names) {
			for i, c := range typed.columns {
				if c.Type != "VARCHAR" {
					if f.detected == nil {
						f.detected = map[string]string{}
					}
					f.detected[names[i]] = c.Type
				}
			}
			d.DateFormat, d.TimestampFormat = typed.dateFormat, typed.timestampFormat
		}
	}
	cols := make([]string, len(sn.columns))
	for i, c := range sn.columns {
		typ := c.Type
		if raw {
			typ = "VARCHAR"
		}
		cols[i] = Literal(names[i]) + ": " + Literal(typ)
	}
	args := append(dialect, "columns={"+strings.Join(cols, ", ")+"}")
	if !raw {
		if sn.dateFormat != "" {
			args = append(args, "dateformat="+Literal(sn.dateFormat))
		}
		if sn.timestampFormat != "" {
			args = append(args, "timestampformat="+Literal(sn.timestampFormat))
		}
	}
	if o.NullStrings != nil {
		args = append(args, "nullstr="+List(o.NullStrings))
	}
	if raw {
		// As written: a quoted empty value is an empty string, not NULL.
		args = append(args, "allow_quoted_nulls=false")
	}
	if o.PadMissing {
		args = append(args, "null_padding=true")
	}
	if o.MaxLineSize > defaultMaxLineSize {
		args = append(args, fmt.Sprintf("max_line_size=%d", o.MaxLineSize))
	}
	if enc != source.EncodingUTF16 {
		f.split = csvSplitter(d, len(cols) == 1, enc)
		// Fields are counted so that the records with more fields than
		// DuckDB drops are rejected (see recordSplitter.maxFields).
		f.split.maxLine, f.split.fields, f.split.maxFields, f.split.lenient = o.MaxLineSize, true, len(cols), lenient
		rd := &csvRead{args: args, columns: cols, enc: enc, anyOrder: opts.AnyOrder, rejects: rejects, split: f.split, pad: o.PadMissing}
		rd.clean = []string{"auto_detect=false", dialect[1], dialect[2], dialect[3], "skip=0", "header=false",
			"encoding=" + Literal(enc), "new_line='\\n'"}
		rd.clean = append(rd.clean, args[len(dialect)+1:]...)
		return db.readCSV(ctx, conn, f, path, rd)
	}
	return db.readUTF16(ctx, conn, f, path, args, rejects, opts.AnyOrder)
}

// mixedLineEnds reports whether the start of a file ends some lines with
// CRLF and others with a bare LF.
func mixedLineEnds(path string) bool {
	r, _, err := openText(path)
	if err != nil {
		return false
	}
	defer r.Close()
	b, _ := io.ReadAll(io.LimitReader(r, dialectSampleBytes))
	crlf := bytes.Count(b, []byte("\r\n"))
	return crlf > 0 && crlf < bytes.Count(b, []byte("\n"))
}

// sniffMaxLineSize is the longest line DuckDB's sniffer is let read when
// a file's sample has a line past the maximum line size.
const sniffMaxLineSize = 64 << 20

// csvSplitter returns the record splitter for a dialect.
func csvSplitter(d *source.Dialect, oneColumn bool, enc string) *recordSplitter {
	sc := &recordSplitter{recordScanner: recordScanner{skip: d.Skip, header: d.Header, nl: '\n', keepEmpty: oneColumn},
		latin1: enc == source.EncodingLatin1}
	if d.Quote != "" {
		sc.quote, sc.escape = d.Quote[0], d.Quote[0]
		if d.Escape != "" {
			sc.escape = d.Escape[0]
		}
	}
	if d.Delimiter != "" {
		sc.delim = d.Delimiter[0]
	}
	if d.NewLine == `\r` {
		sc.nl = '\r'
	}
	return sc
}

// readUTF16 reads a UTF-16 file as DuckDB reports it: plumb cannot split
// its bytes, so the rows and lines are DuckDB's.
func (db *DB) readUTF16(ctx context.Context, conn *sql.Conn, f *loadedFile, path string, args []string, rejects string, anyOrder bool) error {
	var err error
	tmpErrs, tmpScans := db.uniqueName("plumb_reject_errors"), db.uniqueName("plumb_reject_scans")
	args = append(args, "store_rejects=true", "rejects_table="+Literal(tmpErrs), "rejects_scan="+Literal(tmpScans))
	defer conn.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+Ident(tmpErrs)+"; DROP TABLE IF EXISTS "+Ident(tmpScans))

	q := "CREATE OR REPLACE TABLE " + Ident(f.table) + " AS SELECT * FROM " + readCall("read_csv", path, args...)
	if err := createTable(ctx, conn, q, anyOrder); err != nil {
		return csvError(f.Path, err)
	}
	if f.RowsLoaded, err = count(ctx, conn, f.table); err != nil {
		return err
	}
	line := "e.line"
	ins := "INSERT INTO " + Ident(rejects) + ` SELECT ` + Literal(f.Path) + `, ` + line + `,
		string_agg(DISTINCT e.column_name, ', ' ORDER BY e.column_name),
		string_agg(DISTINCT e.error_type, ', ' ORDER BY e.error_type),
		string_agg(DISTINCT e.error_message, '; ' ORDER BY e.error_message),
		trim(min(e.csv_line), chr(13) || chr(10))
		FROM ` + Ident(tmpErrs) + ` e GROUP BY ` + line + ` ORDER BY ` + line
	res, err := conn.ExecContext(ctx, ins)
	if err != nil {
		return fmt.Errorf("keep rejects: %w", err)
	}
	if f.RowsRejected, err = res.RowsAffected(); err != nil {
		return err
	}
	f.read = f.RowsLoaded + f.RowsRejected
	if f.RowsRejected > 0 {
		err := conn.QueryRowContext(ctx, "SELECT count(DISTINCT line) FILTER (WHERE error_type = 'INVALID ENCODING'), "+
			"count(DISTINCT line) FILTER (WHERE error_type = 'CAST') FROM "+Ident(tmpErrs)).Scan(&f.InvalidEncoding, &f.CastErrors)
		if err != nil {
			return fmt.Errorf("count encoding rejects: %w", err)
		}
	}
	return nil
}

// csvUserOptions renders what the user fixed, for the sniffer.
func csvUserOptions(o source.CSVOptions, enc string, raw bool) []string {
	var out []string
	if o.Delimiter != "" {
		out = append(out, "delim="+Literal(o.Delimiter))
	}
	if o.Quote != "" {
		out = append(out, "quote="+Literal(o.Quote))
	}
	if o.Escape != "" {
		out = append(out, "escape="+Literal(o.Escape))
	}
	switch o.Header {
	case source.HeaderYes:
		out = append(out, "header=true")
	case source.HeaderNo:
		out = append(out, "header=false")
	}
	if o.Skip > 0 {
		out = append(out, fmt.Sprintf("skip=%d", o.Skip))
	}
	if o.NullStrings != nil {
		out = append(out, "nullstr="+List(o.NullStrings))
	}
	if o.MaxLineSize > defaultMaxLineSize {
		out = append(out, fmt.Sprintf("max_line_size=%d", o.MaxLineSize))
	}
	if raw {
		out = append(out, "all_varchar=true")
	}
	return append(out, "encoding="+Literal(enc))
}

type sniffed struct {
	delim, quote, escape, newline string
	skip                          int
	header                        bool
	columns                       []source.Column
	dateFormat, timestampFormat   string
}

// sniffCSV asks DuckDB's sniffer for the dialect and column types.
func sniffCSV(ctx context.Context, conn *sql.Conn, path string, user []string) (*sniffed, error) {
	q := "SELECT Delimiter, Quote, Escape, NewLineDelimiter, SkipRows, HasHeader, Columns, DateFormat, TimestampFormat FROM sniff_csv(" +
		Literal(path) + ", " + strings.Join(append(user, "ignore_errors=true"), ", ") + ")"
	var s sniffed
	var cols any
	var df, tf sql.NullString
	err := conn.QueryRowContext(ctx, q).Scan(&s.delim, &s.quote, &s.escape, &s.newline, &s.skip, &s.header, &cols, &df, &tf)
	if err != nil {
		return nil, csvError(path, err)
	}
	s.dateFormat, s.timestampFormat = df.String, tf.String
	for _, v := range []*string{&s.quote, &s.escape} {
		if *v == "(empty)" {
			*v = ""
		}
	}
	switch s.newline { // as DuckDB spells them, escaped
	case `\n`, `\r\n`, `\r`:
	default:
		s.newline = ""
	}
	list, ok := cols.([]any)
	if !ok {
		return nil, fmt.Errorf("sniff: unexpected columns %T", cols)
	}
	for _, c := range list {
		m, ok := c.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("sniff: unexpected column %T", c)
		}
		name, _ := m["name"].(string)
		typ, _ := m["type"].(string)
		s.columns = append(s.columns, source.Column{Name: name, Type: typ})
	}
	if len(s.columns) == 0 {
		return nil, errors.New("no columns found")
	}
	return &s, nil
}

// rawHeader reads the header row's fields as written.
func rawHeader(ctx context.Context, conn *sql.Conn, path string, dialect []string, n int) ([]string, error) {
	cols := make([]string, n)
	for i := range cols {
		cols[i] = fmt.Sprintf("'c%d': 'VARCHAR'", i)
	}
	args := make([]string, 0, len(dialect)+2)
	for _, a := range dialect {
		if !strings.HasPrefix(a, "header=") {
			args = append(args, a)
		}
	}
	// One thread, so that the first row read is the file's first row
	// whatever the session's preserve_insertion_order says.
	args = append(args, "header=false", "parallel=false", "columns={"+strings.Join(cols, ", ")+"}")
	q := "SELECT * FROM " + readCall("read_csv", path, args...) + " LIMIT 1"
	vals := make([]sql.NullString, n)
	ptrs := make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := conn.QueryRowContext(ctx, q).Scan(ptrs...); err != nil {
		return nil, err
	}
	out := make([]string, n)
	for i, v := range vals {
		out[i] = v.String
	}
	return out, nil
}

// columnNames turns header fields into unique, non-empty column names,
// reporting every change: surrounding spaces are trimmed, an empty name
// becomes column_N (N its 1-based position), and the second and later
// uses of a name get _2, _3, … (skipping names already taken). Names as
// written keep priority: the first use of each keeps its name, then the
// later uses and the generated names take what is left, in order, so a
// header ",column_1" keeps the written column_1 and names the empty one
// column_1_2.
func columnNames(file string, header []string) ([]string, []source.Rename) {
	names := make([]string, len(header))
	reasons := make([]string, len(header))
	generated := make([]bool, len(header))
	for i, h := range header {
		n := strings.TrimSpace(strings.ReplaceAll(h, "\x00", ""))
		switch {
		case strings.Contains(h, "\x00") && n != "":
			reasons[i] = "NUL bytes removed"
		case n == "":
			n = fmt.Sprintf("column_%d", i+1)
			reasons[i], generated[i] = "empty header", true
		case n != h:
			reasons[i] = "surrounding spaces trimmed"
		}
		names[i] = n
	}
	taken := make(map[string]bool, len(header))
	keeps := make([]bool, len(header))
	for i, n := range names {
		if key := strings.ToLower(n); !generated[i] && !taken[key] {
			taken[key], keeps[i] = true, true
		}
	}
	for i, n := range names {
		if keeps[i] {
			continue
		}
		if generated[i] && !taken[strings.ToLower(n)] {
			taken[strings.ToLower(n)] = true
			continue
		}
		for k := 2; ; k++ {
			cand := fmt.Sprintf("%s_%d", n, k)
			if !taken[strings.ToLower(cand)] {
				names[i] = cand
				taken[strings.ToLower(cand)] = true
				break
			}
		}
		if !generated[i] {
			reasons[i] = "duplicate header"
		}
	}
	var renamed []source.Rename
	for i, r := range reasons {
		if r != "" {
			renamed = append(renamed, source.Rename{File: file, Position: i + 1, Header: header[i], Name: names[i], Reason: r})
		}
	}
	return names, renamed
}

// csvError turns a DuckDB error about a CSV file into a LoadError with
// the line it names, where it names one.
func csvError(path string, err error) error {
	msg := err.Error()
	le := &source.LoadError{Path: path, Err: err}
	if i := strings.Index(msg, "CSV Error on Line: "); i >= 0 {
		fmt.Sscanf(msg[i+len("CSV Error on Line: "):], "%d", &le.Line)
	}
	if first, _, ok := strings.Cut(msg, "\n"); ok {
		le.Err = errors.New(first)
	}
	return le
}

// wideColumns is the column count from which a query that scans every
// column runs on one thread (OneThreadIfWide). DuckDB holds a few chunks
// of 2,048 values a column for each thread (32 KiB a text column each):
// at 10,000 columns about a gigabyte a thread, so that two threads
// overran a 2 GB memory limit on a 200-row file that one thread loads
// within 350 MB, and counting the duplicate rows of 10,000 x 10,000
// cells ran out of the 1.5 GB DuckDB has at --memory-limit 2GB (one
// thread was no slower: 18.6 s against 21.2 s on 10,000 x 5,000).
const wideColumns = 1000

// OneThreadIfWide runs fn, whose queries scan columns columns, on one
// DuckDB thread when they are wideColumns or more, and as it is
// otherwise.
func (db *DB) OneThreadIfWide(ctx context.Context, columns int, fn func() error) error {
	if columns < wideColumns {
		return fn()
	}
	return db.OneThreadEach(ctx, func(int) error { return fn() })
}

// createWideTable runs createTable, on one DuckDB thread when the table
// has wideColumns columns or more.
func (db *DB) createWideTable(ctx context.Context, conn *sql.Conn, q string, anyOrder bool, columns int) error {
	return db.OneThreadIfWide(ctx, columns, func() error { return createTable(ctx, conn, q, anyOrder) })
}

// createTable runs a CREATE TABLE ... AS statement; anyOrder lets DuckDB
// store the rows in any order (quicker), for this statement only: a
// statement that reads "the first row" needs the order kept.
func createTable(ctx context.Context, conn *sql.Conn, q string, anyOrder bool) error {
	if !anyOrder {
		_, err := conn.ExecContext(ctx, q)
		return err
	}
	if _, err := conn.ExecContext(ctx, "SET preserve_insertion_order = false"); err != nil {
		return err
	}
	_, err := conn.ExecContext(ctx, q)
	if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "RESET preserve_insertion_order"); err == nil {
		err = rerr
	}
	return err
}
