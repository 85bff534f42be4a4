//go:build duckdb_arrow

// Command plumb profiles, checks, reconciles and deduplicates data
// extracts with an embedded DuckDB. Run "plumb help" for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-sigs
		// The first signal stops the work: queries are cancelled, partial
		// outputs and spill files removed, and run returns 130 or 143.
		cancel(interrupted{s.(syscall.Signal)})
		// A second one does not wait for that.
		s = <-sigs
		os.Exit(128 + int(s.(syscall.Signal)))
	}()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	signal.Stop(sigs)
	os.Exit(code)
}
