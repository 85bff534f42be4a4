//go:build !duckdb_arrow

package main

// plumb streams query results through duckdb-go's Arrow interface, which
// is compiled only with its build tag. Without it the build stops here,
// with the tag's name in the error:
//
//	go build -tags duckdb_arrow ./cmd/plumb
//	go install -tags duckdb_arrow github.com/plumb-data/plumb/cmd/plumb@latest
var _ = plumb_must_be_built_with_tags_duckdb_arrow // build with: go build -tags duckdb_arrow ./cmd/plumb
