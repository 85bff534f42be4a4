//go:build duckdb_arrow

package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/plumb-data/plumb/dedupe"
	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/report"
	"github.com/plumb-data/plumb/source"
	"github.com/spf13/cobra"
)

func newLinkCmd(g *globals) *cobra.Command {
	var (
		src        sourceFlags
		rep        reportFlags
		configPath string
		truth      string
		opts       dedupe.LinkOptions
	)
	c := &cobra.Command{
		Use:   "link LEFT RIGHT --config link.yaml",
		Short: "Link the records of two sources that describe the same entity: a cross-reference of their ids",
		Long: `link finds the records of LEFT and RIGHT that describe the same entity,
as dedupe does within one source: fields are normalized, a left record
and a right record are paired when they agree on all keys of a blocking
rule (never two records of one side), each pair is scored with a
Fellegi-Sunter model trained without labels, and pairs whose match
probability reaches the threshold are linked.

A field may have a different column on each side ({column, left,
right} in the config), and so may the id. With --one-to-one each record
is matched to at most one on the other side, the best pair first.

Exit 0 when every record of both sides is matched, 1 when some are not,
2 on error.

The config is described in docs/link.md; plumb schema link prints its
JSON Schema, for editors.`,
		Example: `  plumb link testdata/dedupe/crm.csv testdata/dedupe/erp.csv --config testdata/dedupe/link.yaml
  plumb link crm.csv 'postgres://db/erp?table=customers' --config link.yaml --one-to-one --xref xref.csv --unmatched unmatched.csv
  plumb link crm.csv erp.csv --config link.yaml --truth person_id=entity --format json`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			rd, err := rep.renderer()
			if err != nil {
				return err
			}
			cfg, err := modelConfig(configPath, opts.Threshold, dedupe.ParseLink)
			if err != nil {
				return err
			}
			if truth != "" {
				l, r, ok := strings.Cut(truth, "=")
				if !ok {
					r = l
				}
				if l = strings.TrimSpace(l); r == "" || l == "" {
					return fmt.Errorf("--truth %q: want a label column, or left_column=right_column", truth)
				}
				opts.TruthLeft, opts.TruthRight = l, strings.TrimSpace(r)
			}
			var sources [2]source.Source
			for i, arg := range args {
				if sources[i], err = src.source(arg); err != nil {
					return err
				}
			}
			ctx := cmd.Context()
			db, closeDB, err := g.openDBFor(ctx, args, opts.XrefPath, opts.UnmatchedPath)
			if err != nil {
				return err
			}
			defer closeDB()
			// Values are compared as written: load CSV as text.
			var tables [2]*engine.Table
			for i, s := range sources {
				if tables[i], err = g.load(ctx, db, s, dedupe.LoadOptions()); err != nil {
					return err
				}
			}
			// From here on the session reads no file and writes only
			// --xref and --unmatched: blocking rules are user SQL.
			if err := db.Confine(ctx); err != nil {
				return err
			}
			opts.Progress = g.progress().Stage
			res, err := dedupe.RunLink(ctx, db, tables[0], tables[1], cfg, opts)
			g.progress().Done()
			var ce *dedupe.ConfigError
			if errors.As(err, &ce) {
				// A blocking key DuckDB refused, at its place in the config.
				return fmt.Errorf("%s: %w", configPath, ce)
			}
			if err != nil {
				return err
			}
			if err := rep.write(g, rd, res); err != nil {
				return err
			}
			if res.Left.Unmatched > 0 || res.Right.Unmatched > 0 || rejectsFinding(&src, tables[:]...) {
				return errFindings
			}
			return nil
		},
	}
	src.add(c)
	rep.add(c, report.KindLink)
	f := c.Flags()
	f.StringVar(&configPath, "config", "", "link config (YAML): fields and their columns on each side, blocking rules, threshold")
	f.Float64Var(&opts.Threshold, "threshold", 0, "match probability needed to link a pair (default: the config's)")
	f.BoolVar(&opts.OneToOne, "one-to-one", false, "match each record to at most one on the other side, the best pair first")
	f.StringVar(&truth, "truth", "", "true entity labels, a column on both sides or left_column=right_column: report precision, recall and F1")
	f.StringVar(&opts.XrefPath, "xref", "", "write the cross-reference (left_id, right_id, weight, probability, each field's explanation) to this CSV, JSON or Parquet file")
	f.StringVar(&opts.UnmatchedPath, "unmatched", "", "write the records of either side without a match (side, id, fields) to this CSV, JSON or Parquet file")
	f.Uint64Var(&opts.Seed, "seed", 1, "seed for the random pairs the model's u is estimated from")
	return c
}
