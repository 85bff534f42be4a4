//go:build duckdb_arrow

package main

import (
	"context"
	"fmt"
	"os"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/profile"
	"github.com/plumb-data/plumb/pushdown"
	"github.com/plumb-data/plumb/report"
	"github.com/spf13/cobra"
)

func newProfileCmd(g *globals) *cobra.Command {
	var (
		src      sourceFlags
		rep      reportFlags
		opts     profile.Options
		baseline string
		noSent   bool
		push     pushdownFlags
	)
	c := &cobra.Command{
		Use:   "profile SOURCE",
		Short: "Profile every column: missing values, types, patterns, top values, findings, drift",
		Long: `profile describes each column on the text as written: nulls, empties,
whitespace-only values and sentinels (N/A, NULL, -, …); the inferred type
with the share of values that conform, and the date formats seen;
distinct counts; range, quantiles and histogram of numbers and dates;
lengths; shape patterns (A upper, a lower, 9 digit); top values; semantic
types (email, URL, UUID, phone, IPv4, postal code, country code, credit
card, boolean-like); and findings such as stray whitespace, case
variants, non-ASCII and control characters, mixed date formats and
numbers with thousands separators. For the dataset: duplicate rows and
key candidates.

With --baseline PREV.json (an earlier --format json profile) it reports
drift and exits 1 when anything moved beyond its threshold.

A database table the catalog estimates at --pushdown-threshold rows or
more (or any, with --pushdown) is profiled inside the database: counts,
distinct values, extremes, lengths, top values, patterns and numbers in
its SQL, the rest on a sample; the report says which (docs/pushdown.md).`,
		Example: `  plumb profile testdata/customers.csv
  plumb profile extract.csv --format json -o monday.json
  plumb profile extract.csv --baseline monday.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rd, err := rep.renderer()
			if err != nil {
				return err
			}
			if noSent {
				opts.Sentinels = []string{}
			}
			if opts.Top < 1 {
				return fmt.Errorf("--top %d: want at least 1", opts.Top)
			}
			if baseline != "" {
				f, err := os.Open(baseline)
				if err != nil {
					return fmt.Errorf("--baseline: %w", err)
				}
				opts.Baseline, err = profile.ReadBaseline(f)
				f.Close()
				if err != nil {
					return fmt.Errorf("--baseline %s: %w", baseline, err)
				}
				opts.BaselineName = baseline
			}
			opts.Progress = g.progress().Stage
			if done, err := push.run(cmd.Context(), g, &src, args[0], nil, &rep, rd, func(ctx context.Context, db *engine.DB, plan *pushdown.Plan) (any, bool, error) {
				res, err := pushdown.Profile(ctx, db, plan, opts)
				if err != nil {
					return nil, false, err
				}
				return res, res.Drift != nil && len(res.Drift.Changes) > 0, nil
			}); done {
				return err
			}
			return g.runOne(cmd.Context(), &src, args[0], profile.LoadOptions(opts), nil, &rep, rd, func(ctx context.Context, db *engine.DB, t *engine.Table) (any, bool, error) {
				// The profile needs no file once the source is loaded.
				if err := db.Confine(ctx); err != nil {
					return nil, false, err
				}
				opts.MemoryBudget = g.profileBudget
				res, err := profile.Run(ctx, db, t, opts)
				if err != nil {
					return nil, false, err
				}
				return res, res.Drift != nil && len(res.Drift.Changes) > 0, nil
			})
		},
	}
	src.add(c)
	push.add(c)
	rep.add(c, report.KindProfile)
	f := c.Flags()
	f.StringSliceVar(&opts.Columns, "columns", nil, "profile only these columns")
	f.IntVar(&opts.Top, "top", 10, "how many top values and patterns to show")
	f.Var(&opts.Sample, "sample", "profile a reproducible sample: N rows or P%")
	f.BoolVar(&opts.Approx, "approx", false, "estimate distinct counts (HyperLogLog, every row) and, over 100,000 rows, take the rest from a sample of that many unless --sample says otherwise")
	f.StringSliceVar(&opts.Sentinels, "sentinels", nil, "values that mean no value (default: N/A,NA,n/a,NULL,null,None,-,?,#N/A)")
	f.BoolVar(&noSent, "no-sentinels", false, "treat no value as a sentinel")
	f.StringVar(&baseline, "baseline", "", "an earlier profile (--format json) to report drift against")
	c.MarkFlagsMutuallyExclusive("sentinels", "no-sentinels")
	return c
}
