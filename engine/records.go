//go:build duckdb_arrow

package engine

import (
	"bufio"
	"bytes"
	"context"
	"io"
)

// defaultMaxLineSize is the longest record plumb hands to DuckDB unless
// told otherwise: DuckDB's own max_line_size default. A longer record is
// rejected alone.
const defaultMaxLineSize = 2 << 20

// Faults of records that plumb rejects itself, before DuckDB reads the
// file: DuckDB cannot isolate them (an unterminated quote swallows the
// rest of the file, a line over max_line_size fails the whole load).
const (
	faultUnterminated = "UNTERMINATED QUOTE"
	faultBadQuote     = "UNQUOTED VALUE"
	faultTooLong      = "LINE TOO LONG"
	faultTooMany      = "TOO MANY COLUMNS" // found by plumb where DuckDB would drop the extra fields
)

// record is one data record of delimited text as recordSplitter finds it.
type record struct {
	index  int64  // 0-based among the file's data records
	line   int64  // the physical line it starts on, 1-based
	offset int64  // its first byte in the decompressed text (after a BOM)
	end    int64  // just past its last byte, line break excluded
	dstart int64  // offset in the text as DuckDB decodes it (UTF-8)
	dend   int64  // end in the decoded text: DuckDB's byte positions count there
	fields int    // its fields, when the splitter counts them
	quoted bool   // a quoted value opens in it (with a quote character)
	fault  string // "" for a record DuckDB is to read; else why plumb rejects it
	text   []byte // the record's bytes, when asked for (see split's keep)
}

// recordScanner says how delimited text is cut into records, as DuckDB
// reads it (recordSplitter does the cutting): a quote opens a quoted value only at the start of a
// field, newlines inside quoted values do not end the record, empty lines
// are no records (except in one-column files), and skip lines and the
// header come first.
type recordScanner struct {
	skip          int
	header        bool
	delim         byte
	quote, escape byte // 0: none
	nl            byte
	keepEmpty     bool // a one-column file: an empty line is a record
	skipBlank     bool // NDJSON: whitespace-only lines are no records
}

// recordSplitter is recordScanner with the isolation of broken records:
// a quoted value that never closes, or closes with something other than
// a delimiter or a line break after it, makes a broken record of the
// physical line it opened on, and splitting starts again on the next
// line, so that one bad quote cannot swallow the rows after it. A record
// longer than maxLine is rejected whole.
type recordSplitter struct {
	recordScanner
	latin1  bool  // DuckDB decodes the bytes as latin-1 (positions count UTF-8)
	maxLine int64 // 0: defaultMaxLineSize
	fields  bool  // count each record's fields
	// maxFields, when not 0, is the number of columns (with fields set):
	// a record with more fields, all the extra ones empty (or quoted), is
	// a broken one, since DuckDB drops empty extra fields without a word;
	// with lenient, so is any record with more fields (outside its strict
	// mode DuckDB drops them all).
	maxFields int
	lenient   bool
}

// mark is where a data record starts: splitting from its offset with
// its index and line gives the same records as splitting the whole file
// (a record always starts clean, outside any quote), so a second pass
// for a few records can seek instead of reading the file again.
type mark struct {
	index, line, offset, dstart int64
}

// markOf is the mark of a record split from the start of its file.
func markOf(r *record) mark {
	return mark{index: r.index, line: r.line, offset: r.offset, dstart: r.dstart}
}

// split calls fn with each data record in order. keep says which records
// (by index) need their text; nil keeps none. fn must not keep rec.
func (s *recordSplitter) split(ctx context.Context, r io.Reader, keep func(int64) bool, fn func(rec *record) error) error {
	return s.splitFrom(ctx, r, mark{}, keep, fn)
}

// splitFrom is split for a reader positioned at the start of the record
// at (the zero mark: the start of the file).
func (s *recordSplitter) splitFrom(ctx context.Context, r io.Reader, at mark, keep func(int64) bool, fn func(rec *record) error) error {
	maxLine := s.maxLine
	if maxLine <= 0 {
		maxLine = defaultMaxLineSize
	}
	br := bufio.NewReaderSize(r, 1<<20)
	fromStart := at == mark{}
	skip, header := s.skip, s.header
	if fromStart {
		at.line = 1
		if b, _ := br.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
			br.Discard(3)
			at.offset, at.dstart = 3, 3 // DuckDB counts a BOM
		}
	} else {
		skip, header = 0, false
	}
	var (
		replay     []byte                 // bytes to split again before reading on
		pos, dpos  = at.offset, at.dstart // offsets of the next byte (raw, decoded)
		line       = at.line
		index      = at.index
		inRecord   bool
		rec        record
		buf        []byte // the current record's bytes since its start, when spill
		spill      bool   // buf holds the record (it spans chunks, or is kept)
		kept       bool
		inQuote    bool
		pending    byte
		fieldStart bool
		empty      bool
		fault      string
		extra      bool // the record has a field past maxFields with an unquoted value
	)
	decodedLen := func(b []byte) int64 {
		n := int64(len(b))
		if s.latin1 {
			for _, c := range b {
				if c >= 0x80 {
					n++
				}
			}
		}
		return n
	}
	finish := func(last []byte) error {
		inRecord = false
		end, dend := pos, dpos
		if k := len(last); k > 0 && last[k-1] == s.nl {
			end, dend = end-1, dend-1
			if s.nl == '\n' && k > 1 && last[k-2] == '\r' {
				end, dend = end-1, dend-1
			}
		}
		if header {
			header = false
			return nil
		}
		if empty && (!s.keepEmpty || s.skipBlank) && fault == "" {
			return nil
		}
		if fault == "" && s.maxFields > 0 && rec.fields > s.maxFields && (!extra || s.lenient) {
			fault = faultTooMany
		}
		rec.index, rec.end, rec.dend, rec.fault, rec.text = index, end, dend, fault, nil
		if kept {
			rec.text = buf[:end-rec.offset]
		}
		index++
		return fn(&rec)
	}
	// restart ends the record at the end of its first line and splits
	// again from the line after.
	restart := func() error {
		first := buf
		if i := bytes.IndexByte(buf, s.nl); i >= 0 {
			first = buf[:i+1]
		}
		replay = append(append([]byte(nil), buf[len(first):]...), replay...)
		pos, dpos = rec.offset+int64(len(first)), rec.dstart+decodedLen(first)
		line = rec.line + 1
		return finish(first)
	}
	for n := 0; ; n++ {
		if n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		var chunk []byte
		var err error
		if len(replay) > 0 {
			if i := bytes.IndexByte(replay, s.nl); i >= 0 {
				chunk, replay = replay[:i+1], replay[i+1:]
			} else {
				chunk, replay = replay, nil
			}
		} else {
			chunk, err = br.ReadSlice(s.nl)
		}
		if len(chunk) > 0 {
			ended := chunk[len(chunk)-1] == s.nl
			body := chunk
			if ended {
				body = chunk[:len(chunk)-1]
			}
			if skip > 0 {
				pos, dpos = pos+int64(len(chunk)), dpos+decodedLen(chunk)
				if ended {
					skip--
					line++
				}
				if err != nil && err != bufio.ErrBufferFull {
					break
				}
				continue
			}
			if !inRecord {
				inRecord, fieldStart, empty, fault, extra = true, true, true, "", false
				inQuote, pending, spill = false, 0, false
				rec = record{line: line, offset: pos, dstart: dpos, fields: 1}
				kept = keep != nil && !header && keep(index)
				buf = buf[:0]
			}
			appended := false
			if kept || fault == "" && (spill || inQuote || !ended) {
				buf, spill, appended = append(buf, chunk...), true, true
			}
			if len(bytes.TrimRight(body, "\r")) > 0 {
				empty = false
			}
			if s.skipBlank && len(bytes.TrimSpace(body)) == 0 {
				empty = true
			}
			switch {
			case fault != "":
				// the rest of a broken or over-long first line
			case s.quote == 0 || !inQuote && pending == 0 && bytes.IndexByte(body, s.quote) < 0:
				if len(body) > 0 {
					fieldStart = body[len(body)-1] == s.delim
				}
				if s.fields {
					n := bytes.Count(body, []byte{s.delim})
					if s.maxFields > 0 && rec.fields+n > s.maxFields && !extra {
						extra = extraContent(body, s.delim, s.maxFields-rec.fields+1)
					}
					rec.fields += n
				}
			default:
				lead := false // only spaces since the start of the field
			scan:
				for _, c := range body {
					switch {
					case pending == s.escape && s.escape != s.quote:
						pending = 0
					case pending == s.quote:
						pending = 0
						if c == s.quote {
							continue // a doubled quote inside quotes
						}
						if c != s.delim && c != '\r' {
							fault = faultBadQuote
							break scan
						}
						inQuote = false
						fieldStart = c == s.delim
						if fieldStart {
							rec.fields++
						}
					case inQuote:
						if c == s.escape && s.escape != s.quote || c == s.quote {
							pending = c
						}
					case c == s.quote && fieldStart:
						inQuote, fieldStart, rec.quoted = true, false, true
					case c == s.quote && lead:
						// Readers differ on a quote after spaces (DuckDB
						// skips one space, not two, nor a tab): plumb
						// rejects the record rather than guess.
						fault = faultBadQuote
						break scan
					default:
						lead = c == ' ' && (fieldStart || lead)
						fieldStart = c == s.delim
						if fieldStart {
							rec.fields++
						} else if c != '\r' && s.maxFields > 0 && rec.fields > s.maxFields {
							extra = true
						}
					}
				}
			}
			if !appended && fault == "" && inQuote {
				buf, spill = append(buf, chunk...), true
			}
			if fault == "" && pos+int64(len(chunk))-rec.offset > maxLine {
				fault = faultTooLong
				if inQuote && line > rec.line {
					fault = faultUnterminated
				}
			}
			if fault != "" && line > rec.line {
				// A quote opened on an earlier line broke: the record is
				// that line alone, with its quote never closed on it.
				fault = faultUnterminated
				if err := restart(); err != nil {
					return err
				}
				if len(replay) > 0 || err == nil || err == bufio.ErrBufferFull {
					continue
				}
			} else {
				pos, dpos = pos+int64(len(chunk)), dpos+decodedLen(chunk)
				if ended {
					line++
					switch {
					case pending == s.quote: // a closing quote at the end of a line
						pending, inQuote = 0, false
					case pending != 0: // an escaped line break
						pending = 0
					}
					if !inQuote || fault != "" {
						if err := finish(chunk); err != nil {
							return err
						}
					}
				}
			}
		}
		if err == bufio.ErrBufferFull || err == nil {
			continue
		}
		if err != io.EOF {
			return err
		}
		if pending == s.quote { // a closing quote at the end of the file
			pending, inQuote = 0, false
		}
		switch {
		case inRecord && inQuote && fault == "" && line > rec.line:
			// A quote still open at the end of the file broke.
			fault = faultUnterminated
			if err := restart(); err != nil {
				return err
			}
			if len(replay) > 0 {
				continue
			}
		case inRecord:
			if inQuote && fault == "" {
				fault = faultUnterminated
			}
			return finish(nil)
		}
		return nil
	}
	return nil
}

// extraContent reports whether body, whose first k delimiters end the
// record's last fields that fit, has anything but delimiters and a
// carriage return after them.
func extraContent(body []byte, delim byte, k int) bool {
	for ; k > 0; k-- {
		i := bytes.IndexByte(body, delim)
		if i < 0 {
			return false
		}
		body = body[i+1:]
	}
	for _, c := range body {
		if c != delim && c != '\r' {
			return true
		}
	}
	return false
}
