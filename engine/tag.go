//go:build !duckdb_arrow

package engine

// plumb streams query results to Go as Arrow record batches, which
// duckdb-go only compiles with its Arrow interface enabled. Building
// without the tag stops here, with the tag's name in the error:
//
//	go build -tags duckdb_arrow ./...
var _ = plumb_must_be_built_with_tags_duckdb_arrow // build with: go build -tags duckdb_arrow
