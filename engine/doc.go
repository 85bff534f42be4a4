// Package engine is plumb's columnar engine: a DuckDB session that loads
// extracts into tables without losing a row, and streams query results to
// Go as Arrow record batches.
//
// A source is one or more files (globs allowed; "-" is standard input) in
// CSV/TSV/pipe-delimited text, Parquet, JSON, NDJSON or Arrow IPC,
// optionally gzip- or zstd-compressed. Load reads it into a table and
// accounts for every row: RowsLoaded + RowsRejected = RowsRead, and each
// rejected row is kept with its file, physical line number, reason and
// original text.
//
//	db, err := engine.Open(ctx, engine.Config{Threads: 2, MemoryLimit: "4GB", TempDir: "/tmp/plumb"})
//	if err != nil { ... }
//	defer db.Close()
//	src, err := engine.ParseSource("exports/*.csv.gz")
//	t, err := db.Load(ctx, src, engine.LoadOptions{Raw: true})
//	// t.Columns, t.RowsLoaded, t.RowsRejected, t.Files[0].Dialect
//	rejects, err := db.Rejects(ctx, t, 10)
//	rr, err := db.QueryArrow(ctx, "SELECT email FROM "+engine.Ident(t.Name))
//	defer rr.Release()
//
// CSV dialects are sniffed by DuckDB in its forgiving mode (so that a few
// ragged rows do not hide the dialect) and then spelled out for the scan,
// so the reported dialect is the one used. Header names are kept as
// written, except that surrounding spaces are trimmed, empty names become
// column_N and repeated names get _2, _3, …; every change is reported.
// In Raw mode every CSV value stays text exactly as written.
//
// Building needs the duckdb_arrow tag: go build -tags duckdb_arrow.
package engine
