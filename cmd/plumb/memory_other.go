//go:build duckdb_arrow && !linux

package main

// physicalMemory is unknown here: DuckDB keeps its own default.
func physicalMemory() uint64 { return 0 }
