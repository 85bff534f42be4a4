//go:build duckdb_arrow

// Package inspect answers what a data steward asks first of an extract:
// what format and dialect is it, which columns with which types, and how
// many rows loaded and were rejected, with the first rejects and where
// they are.
//
//	res, err := inspect.Run(ctx, db, src, inspect.Options{MaxRejects: 10})
//	// res.RowsRead == res.RowsLoaded + res.RowsRejected
package inspect

import (
	"context"
	"fmt"

	"github.com/plumb-data/plumb/engine"
)

// Options say how to inspect a source. The zero value loads with inferred
// types and lists no rejects.
type Options struct {
	// Load is passed to engine.Load.
	Load engine.LoadOptions
	// MaxRejects is how many rejects to list; the counts cover them all.
	MaxRejects int
}

// Result is what inspect found; plain data for reports.
type Result struct {
	Source       string   `json:"source"`
	Format       string   `json:"format"`
	Files        []File   `json:"files"`
	Columns      []Column `json:"columns"`
	Renamed      []Rename `json:"renamed"`
	RowsRead     int64    `json:"rows_read"`
	RowsLoaded   int64    `json:"rows_loaded"`
	RowsRejected int64    `json:"rows_rejected"`
	// Rejects are the first rejects, in file and line order.
	Rejects []Reject `json:"rejects"`
	// Hints suggest what to change when the rejects point at a cause.
	Hints []string `json:"hints"`
}

// File is one file read.
type File struct {
	Path         string   `json:"path"`
	Format       string   `json:"format"`
	Compression  string   `json:"compression"`
	Dialect      *Dialect `json:"dialect,omitempty"`
	RowsLoaded   int64    `json:"rows_loaded"`
	RowsRejected int64    `json:"rows_rejected"`
}

// Dialect is how delimited text was read.
type Dialect struct {
	Delimiter string   `json:"delimiter"`
	Quote     string   `json:"quote"`
	Escape    string   `json:"escape"`
	NewLine   string   `json:"newline"`
	Header    bool     `json:"header"`
	Skip      int      `json:"skip"`
	Encoding  string   `json:"encoding"`
	Detected  []string `json:"detected"`
}

// Column is a loaded column.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Rename is a header name that was changed.
type Rename struct {
	File     string `json:"file"`
	Position int    `json:"position"`
	Header   string `json:"header"`
	Name     string `json:"name"`
	Reason   string `json:"reason"`
}

// Reject is a row that could not be loaded.
type Reject struct {
	File    string `json:"file"`
	Line    int64  `json:"line"`
	Columns string `json:"columns,omitempty"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
	Text    string `json:"text"`
}

// Run loads a source and describes it. The loaded table is returned too,
// for callers that go on to write its rejects out.
func Run(ctx context.Context, db *engine.DB, src engine.Source, opts Options) (*Result, *engine.Table, error) {
	t, err := db.Load(ctx, src, opts.Load)
	if err != nil {
		return nil, nil, err
	}
	res := &Result{
		Source: t.Source, Format: string(t.Format),
		RowsRead: t.RowsRead, RowsLoaded: t.RowsLoaded, RowsRejected: t.RowsRejected,
		Files: []File{}, Columns: []Column{}, Renamed: []Rename{}, Rejects: []Reject{}, Hints: []string{},
	}
	for _, f := range t.Files {
		rf := File{Path: f.Path, Format: string(f.Format), Compression: f.Compression, RowsLoaded: f.RowsLoaded, RowsRejected: f.RowsRejected}
		if d := f.Dialect; d != nil {
			rf.Dialect = &Dialect{Delimiter: d.Delimiter, Quote: d.Quote, Escape: d.Escape, NewLine: d.NewLine,
				Header: d.Header, Skip: d.Skip, Encoding: d.Encoding, Detected: d.Detected}
			if f.InvalidEncoding > 0 && d.Encoding == engine.EncodingUTF8 {
				res.Hints = append(res.Hints, fmt.Sprintf("%s: %d rows are not valid UTF-8; if the file is in another encoding, try --encoding latin-1 (or utf-16)", f.Path, f.InvalidEncoding))
			}
			if f.CastErrors > 0 {
				res.Hints = append(res.Hints, fmt.Sprintf("%s: %d rows have values that do not fit the type inferred from a sample; --raw keeps every value as text", f.Path, f.CastErrors))
			}
		}
		res.Files = append(res.Files, rf)
	}
	for _, c := range t.Columns {
		res.Columns = append(res.Columns, Column(c))
	}
	for _, r := range t.Renamed {
		res.Renamed = append(res.Renamed, Rename(r))
	}
	if opts.MaxRejects > 0 {
		rj, err := db.Rejects(ctx, t, opts.MaxRejects)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range rj {
			res.Rejects = append(res.Rejects, Reject(r))
		}
	}
	return res, t, nil
}
