//go:build duckdb_arrow

// Command plumb profiles, checks, reconciles and deduplicates data
// extracts with an embedded DuckDB. Run "plumb help" for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
