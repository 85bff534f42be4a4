//go:build duckdb_arrow

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/inspect"
	"github.com/plumb-data/plumb/report"
	"github.com/spf13/cobra"
)

func newInspectCmd(g *globals) *cobra.Command {
	var (
		src        sourceFlags
		rep        reportFlags
		rejects    string
		maxRejects int
	)
	c := &cobra.Command{
		Use:   "inspect SOURCE...",
		Short: "Show format, dialect, columns and types, and rows loaded and rejected",
		Long: `inspect loads each source and tells what was found: the format and CSV
dialect, the encoding, the columns with their types, and how many rows
were read, loaded and rejected, with the first rejects and their lines.

A SOURCE is a file, a glob (quoted, e.g. 'exports/*.csv'), or - for
standard input, optionally prefixed with a format, e.g. tsv:export.txt.

Exit 0 when every row loaded, 1 when rows were rejected, 2 when a source
cannot be read.`,
		Example: `  plumb inspect testdata/customers.csv
  plumb inspect 'exports/*.csv.gz' --rejects rejects.csv
  gunzip -c extract.gz | plumb inspect csv:- --format json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rd, err := rep.renderer()
			if err != nil {
				return err
			}
			if maxRejects < 0 {
				return fmt.Errorf("--max-rejects: %d is negative", maxRejects)
			}
			ctx := cmd.Context()
			db, closeDB, err := g.openDBFor(ctx, args, rejects)
			if err != nil {
				return err
			}
			defer closeDB()
			log, _ := g.logger()
			var results []*inspect.Result
			var rejected bool
			opts := inspect.Options{MaxRejects: maxRejects}
			opts.Load.Raw, opts.Load.Stdin = src.raw, g.stdin
			var tables []*engine.Table
			// One source that cannot be read does not hide the others:
			// each is reported, and the exit code is the worst.
			var failed []error
			for _, arg := range args {
				s, err := src.source(arg)
				if err == nil {
					start := time.Now()
					var res *inspect.Result
					var tbl *engine.Table
					if res, tbl, err = inspect.Run(ctx, db, s, opts); err == nil {
						if err = padHints(ctx, db, tbl, res, s.CSV.PadMissing); err != nil {
							return err
						}
						log.Info("loaded", slog.String("source", res.Source), slog.Int64("rows", res.RowsLoaded),
							slog.Int64("rejected", res.RowsRejected), slog.Duration("elapsed", time.Since(start)))
						results = append(results, res)
						tables = append(tables, tbl)
						rejected = rejected || res.RowsRejected > 0
						continue
					}
				}
				if ctx.Err() != nil {
					return err
				}
				failed = append(failed, err)
			}
			if len(results) == 0 {
				return errors.Join(failed...)
			}
			if rejects != "" {
				if err := db.WriteRejects(ctx, rejects, tables...); err != nil {
					return err
				}
			}
			var out any = results
			if len(results) == 1 {
				out = results[0]
			}
			if err := rep.write(g, rd, out); err != nil {
				return err
			}
			if len(failed) > 0 {
				return errors.Join(failed...)
			}
			if rejected && !src.allowRejects {
				return errFindings
			}
			return nil
		},
	}
	src.add(c)
	rep.add(c, report.KindInspect)
	c.Flags().StringVar(&rejects, "rejects", "", "write every rejected row (file, line, columns, reason, message, text) to this CSV, NDJSON or Parquet file")
	c.Flags().IntVar(&maxRejects, "max-rejects", 10, "how many rejects to list in the report")
	return c
}

// padHints says how many short rows --pad-missing padded, or offers it
// when every reject is a row with too few fields.
func padHints(ctx context.Context, db *engine.DB, t *engine.Table, res *inspect.Result, padding bool) error {
	if t.Padded > 0 {
		res.Hints = append(res.Hints, fmt.Sprintf("%d rows had fewer fields than the header and were padded with NULL (--pad-missing)", t.Padded))
	}
	if padding || t.RowsRejected == 0 {
		return nil
	}
	reasons, err := db.RejectReasons(ctx, t)
	if err != nil {
		return err
	}
	if len(reasons) == 1 && reasons["MISSING COLUMNS"] > 0 {
		res.Hints = append(res.Hints, fmt.Sprintf("every rejected row (%d) has fewer fields than the header; --pad-missing reads them with the missing trailing fields as NULL", t.RowsRejected))
	}
	return nil
}
