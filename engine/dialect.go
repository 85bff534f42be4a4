//go:build duckdb_arrow

package engine

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/plumb-data/plumb/source"
)

// dialectSample is how much of a file the dialect candidates are
// weighed on.
const (
	dialectSampleBytes   = 8 << 20
	dialectSampleRecords = 20_000
)

// candidate is a delimiter and quote a file may be read with.
type candidate struct{ delim, quote byte }

// evidence is what a sample read with a candidate dialect shows: the
// fields of its header (or of most records), the records read whole with
// that many fields, those broken or of another width, and whether any
// record read whole holds a quoted value.
type evidence struct {
	fields, good, bad int
	quoted            bool
}

// weigh reads a sample of the file with a candidate and returns its
// evidence.
func weigh(ctx context.Context, path string, skip int, header bool, c candidate, sample int64) (ev evidence, err error) {
	r, _, err := openText(path)
	if err != nil {
		return ev, err
	}
	defer r.Close()
	s := &recordSplitter{recordScanner: recordScanner{skip: skip, delim: c.delim, quote: c.quote, escape: c.quote, nl: '\n'}, fields: true}
	counts := map[int]int{}
	var first []int
	var quoted []bool
	stop := errors.New("enough")
	err = s.split(ctx, io.LimitReader(r, sample), nil, func(rec *record) error {
		if rec.fault == "" {
			counts[rec.fields]++
		}
		if len(first) < dialectSampleRecords {
			if rec.fault != "" {
				first = append(first, -1)
			} else {
				first = append(first, rec.fields)
			}
			quoted = append(quoted, rec.quoted)
			return nil
		}
		return stop
	})
	if err != nil && err != stop {
		return ev, err
	}
	if len(first) == 0 {
		return ev, nil
	}
	if header && first[0] > 0 {
		ev.fields = first[0]
	} else {
		for f, n := range counts {
			if n > counts[ev.fields] || n == counts[ev.fields] && f > ev.fields {
				ev.fields = f
			}
		}
	}
	for i, f := range first {
		switch {
		case header && i == 0:
		case f == ev.fields:
			ev.good++
			ev.quoted = ev.quoted || quoted[i]
		default:
			ev.bad++
		}
	}
	return ev, nil
}

// chooseDialect weighs the dialect DuckDB sniffed against RFC 4180
// quoting and common delimiters on a sample of the file, so that one bad
// quote in the sniffer's sample cannot decide how the whole file is read:
// a candidate scores its fields times the records it reads whole; on a
// tie, one whose quote the file uses (a record read whole with a quoted
// value) wins over one that keeps the quote marks as text, then the one
// with more fields, then the sniffed dialect. Other delimiters than the sniffed one are
// weighed only when it reads one column. What the user gave is never changed. It
// returns the sniffed dialect, or the better candidate with sniffed set to
// false.
func chooseDialect(ctx context.Context, path string, o source.CSVOptions, sn *sniffed) (candidate, bool, error) {
	skip, header := sn.skip, sn.header
	var sniffedC candidate
	if sn.delim != "" {
		sniffedC.delim = sn.delim[0]
	}
	if sn.quote != "" {
		sniffedC.quote = sn.quote[0]
	}
	if len(sn.delim) > 1 || len(o.Delimiter) > 1 || sn.escape != "" && sn.escape != sn.quote || o.Escape != "" {
		return sniffedC, true, nil // outside what the splitter weighs
	}
	var delims []byte
	if o.Delimiter != "" {
		delims = []byte{o.Delimiter[0]}
	} else {
		delims = []byte{sniffedC.delim, ',', '\t', ';', '|'}
	}
	quotes := []byte{sniffedC.quote, '"', 0}
	if o.Quote != "" {
		quotes = []byte{o.Quote[0]}
	}
	best, bestScore := sniffedC, -1
	var bestEv evidence
	var tried []candidate
	for k, d := range delims {
		if k > 0 && bestEv.fields >= 2 {
			break // other delimiters only when the sniffed one reads one column
		}
		for _, q := range quotes {
			c := candidate{d, q}
			if d == 0 || d == q || slices.Contains(tried, c) {
				continue
			}
			tried = append(tried, c)
			ev, err := weigh(ctx, path, skip, header, c, dialectSampleBytes)
			if err != nil {
				return sniffedC, true, err
			}
			score := ev.fields * ev.good
			usesQuote, bestUsesQuote := c.quote != 0 && ev.quoted, best.quote != 0 && bestEv.quoted
			if score > bestScore || score == bestScore && (usesQuote && !bestUsesQuote ||
				usesQuote == bestUsesQuote && (ev.fields > bestEv.fields || ev.fields == bestEv.fields && c == sniffedC)) {
				best, bestScore, bestEv = c, score, ev
			}
		}
	}
	return best, best == sniffedC, nil
}

// sniffSample sniffs a copy of the start of a file without its broken
// records, with the dialect fixed: DuckDB's sniffer fails on a file whose
// sample it cannot read whole in the dialect it is told.
func (db *DB) sniffSample(ctx context.Context, conn *sql.Conn, path string, c candidate, sn *sniffed, user []string) (*sniffed, error) {
	r, _, err := openText(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	tmp, err := os.CreateTemp(db.cfg.TempDir, "plumb-sample-*.csv")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	var buf bytes.Buffer
	s := &recordSplitter{recordScanner: recordScanner{skip: sn.skip, delim: c.delim, quote: c.quote, escape: c.quote, nl: '\n'}}
	n := 0
	err = s.split(ctx, io.LimitReader(r, dialectSampleBytes), func(int64) bool { return true }, func(rec *record) error {
		if rec.fault == "" && n < dialectSampleRecords {
			buf.Write(rec.text)
			buf.WriteByte('\n')
			n++
		}
		return nil
	})
	if err := errOr(err, os.WriteFile(tmp.Name(), buf.Bytes(), 0o600), tmp.Close()); err != nil {
		return nil, err
	}
	var args []string
	for _, u := range user {
		if !hasAnyPrefix(u, "delim=", "quote=", "escape=", "skip=") {
			args = append(args, u)
		}
	}
	q := ""
	if c.quote != 0 {
		q = string(c.quote)
	}
	args = append(args, "delim="+Literal(string(c.delim)), "quote="+Literal(q), "escape="+Literal(q), "skip=0")
	got, err := sniffCSV(ctx, conn, tmp.Name(), args)
	if err != nil {
		return nil, fmt.Errorf("sniff with delimiter %q and quote %q: %w", c.delim, c.quote, err)
	}
	got.skip, got.newline = sn.skip, sn.newline
	return got, nil
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if len(s) >= len(p) && s[:len(p)] == p {
			return true
		}
	}
	return false
}
