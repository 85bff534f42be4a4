//go:build duckdb_arrow

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/pushdown"
	"github.com/plumb-data/plumb/report"
	"github.com/plumb-data/plumb/rules"
	"github.com/spf13/cobra"
)

func newCheckCmd(g *globals) *cobra.Command {
	var (
		src       sourceFlags
		rep       reportFlags
		rulesPath string
		asOf      string
		opts      rules.Options
		push      pushdownFlags
	)
	c := &cobra.Command{
		Use:   "check SOURCE --rules checks.yaml",
		Short: "Apply declarative data-quality rules; quarantine the rows that fail",
		Long: `check evaluates a rules file against a source: not_null, unique (also
composite), accepted_values, range, pattern, length, type, semantic,
row_count, freshness, references (to another source), expression (any SQL
condition), duplicate_rows and schema. Every check takes name, severity
(error or warn), max_failures (a count like 10 or a share like 5%) and
where (a SQL filter). Values are checked as written; nulls pass value
checks unless the check says allow_null: false.

Aggregate checks measure a column and hold the measure between min and
max (either may be left out): avg, sum, min, max, stddev,
distinct_count, missing_percent (null, empty, blank or a sentinel like
N/A) and duplicate_percent, in percent. With group_by: [col, ...] each
group is measured, and the groups out of bounds are listed:
  - avg: {column: balance, min: 0, max: 5000, group_by: [country]}
  - missing_percent: {column: email, max: 2%}

Each check reports its failing rows and share, and up to 5 failing values
with their source line numbers. Rows rejected at load (see plumb inspect)
could not be checked: they fail a check of their own, "load", which only
warns with --allow-rejects. --quarantine writes every failing row with its
line and the checks it failed, and every rejected row with its line, the
reason and its text; --passing writes the rest, so the two add up to
every row read.

A database table the catalog estimates at --pushdown-threshold rows or
more (or any, with --pushdown) is checked inside the database: the
built-in row checks, unique, duplicate_rows, row_count and references
within the server in its SQL; checks written in SQL (expression, where)
and the rest locally, on a sample (docs/pushdown.md).

Exit 0 when no error-severity check fails, 1 when one does, 2 for a bad
rules file or source.

Every kind and key of a rules file is described in docs/rules.md; plumb
schema rules prints its JSON Schema, for editors.`,
		Example: `  plumb check testdata/customers.csv --rules testdata/check/customers.yaml
  plumb check orders.csv --rules checks.yaml --quarantine bad.csv --passing good.parquet
  plumb check orders.parquet --rules checks.yaml --format json -o report.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rd, err := rep.renderer()
			if err != nil {
				return err
			}
			if rulesPath == "" {
				return fmt.Errorf("--rules is required")
			}
			data, err := os.ReadFile(rulesPath)
			if err != nil {
				return fmt.Errorf("--rules: %w", err)
			}
			r, err := rules.Parse(data)
			if err != nil {
				return fmt.Errorf("%s: %w", rulesPath, err)
			}
			opts.BaseDir = filepath.Dir(rulesPath)
			opts.AllowRejects = src.allowRejects
			opts.Progress = g.progress().Stage
			if asOf != "" {
				at, err := time.Parse(time.RFC3339, asOf)
				if err != nil {
					if at, err = time.Parse(time.DateOnly, asOf); err != nil {
						return fmt.Errorf("--as-of %q: want a time like 2024-06-01T12:00:00Z or a date", asOf)
					}
				}
				opts.Now = func() time.Time { return at }
			}
			if done, err := push.run(cmd.Context(), g, &src, args[0], nil, &rep, rd, func(ctx context.Context, db *engine.DB, plan *pushdown.Plan) (any, bool, error) {
				res, err := pushdown.Check(ctx, db, plan, r, opts)
				var ce *rules.ConfigError
				if errors.As(err, &ce) {
					return nil, false, fmt.Errorf("%s: %w", rulesPath, err)
				}
				if err != nil {
					return nil, false, err
				}
				return res, res.Failed(), nil
			}); done {
				return err
			}
			// Values are checked as written: load CSV as text.
			return g.runOne(cmd.Context(), &src, args[0], rules.LoadOptions(), []string{opts.Quarantine, opts.Passing}, &rep, rd, func(ctx context.Context, db *engine.DB, t *engine.Table) (any, bool, error) {
				res, err := rules.Run(ctx, db, t, r, opts)
				var ce *rules.ConfigError
				if errors.As(err, &ce) {
					return nil, false, fmt.Errorf("%s: %w", rulesPath, err)
				}
				if err != nil {
					return nil, false, err
				}
				return res, res.Failed(), nil
			})
		},
	}
	src.add(c)
	push.add(c)
	rep.add(c, report.KindCheck)
	f := c.Flags()
	f.StringVar(&rulesPath, "rules", "", "rules file (YAML)")
	f.StringVar(&opts.Quarantine, "quarantine", "", "write every failing row, with its line and failed checks, to this CSV or Parquet file")
	f.StringVar(&asOf, "as-of", "", "judge freshness as of this time (RFC 3339 or a date) instead of now")
	f.StringVar(&opts.Passing, "passing", "", "write every row that fails no check to this CSV or Parquet file")
	return c
}
