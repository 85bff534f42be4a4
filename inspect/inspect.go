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
	"github.com/plumb-data/plumb/result"
	"github.com/plumb-data/plumb/source"
)

// Options say how to inspect a source. The zero value loads with inferred
// types and lists no rejects.
type Options struct {
	// Load is passed to engine.Load.
	Load engine.LoadOptions
	// MaxRejects is how many rejects to list; the counts cover them all.
	MaxRejects int
}

// Result is what inspect found (see result.Inspect).
type Result = result.Inspect

// Run loads a source and describes it. The loaded table is returned too,
// for callers that go on to write its rejects out.
func Run(ctx context.Context, db *engine.DB, src source.Source, opts Options) (*Result, *engine.Table, error) {
	t, err := db.Load(ctx, src, opts.Load)
	if err != nil {
		return nil, nil, err
	}
	res := &Result{
		Source: t.Source, Format: string(t.Format), Files: t.Files, Columns: t.Columns, Renamed: t.Renamed,
		RowsRead: t.RowsRead, RowsLoaded: t.RowsLoaded, RowsRejected: t.RowsRejected,
		Rejects: []source.Reject{}, Hints: []string{}, Database: t.Catalog,
	}
	if res.Renamed == nil {
		res.Renamed = []source.Rename{}
	}
	for _, f := range t.Files {
		if f.InvalidEncoding > 0 && f.Dialect != nil && f.Dialect.Encoding == source.EncodingUTF8 {
			res.Hints = append(res.Hints, fmt.Sprintf("%s: %d rows are not valid UTF-8; if the file is in another encoding, try --encoding latin-1 (or utf-16)", f.Path, f.InvalidEncoding))
		}
		if f.Format.IsDatabase() && f.RowsRejected > 0 {
			res.Hints = append(res.Hints, fmt.Sprintf("%s: %d rows hold values with no DuckDB value (see the rejects); cast them in a ?query= to load them", f.Path, f.RowsRejected))
		}
		if f.CastErrors > 0 {
			res.Hints = append(res.Hints, fmt.Sprintf("%s: %d rows have values that do not fit the type inferred from a sample; --raw keeps every value as text", f.Path, f.CastErrors))
		}
	}
	if opts.MaxRejects > 0 {
		rj, err := db.Rejects(ctx, t, opts.MaxRejects)
		if err != nil {
			return nil, nil, err
		}
		res.Rejects = append(res.Rejects, rj...)
	}
	return res, t, nil
}
