//go:build duckdb_arrow

package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/plumb-data/plumb/dedupe"
	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/report"
	"github.com/spf13/cobra"
)

func newDedupeCmd(g *globals) *cobra.Command {
	var (
		src        sourceFlags
		rep        reportFlags
		configPath string
		opts       dedupe.Options
	)
	c := &cobra.Command{
		Use:   "dedupe SOURCE --config dedupe.yaml",
		Short: "Find fuzzy duplicate records, with clusters and an explanation of every link",
		Long: `dedupe normalizes the configured fields, pairs records that agree on all
keys of a blocking rule, scores each pair with a Fellegi-Sunter model
trained without labels (u from random pairs, m by expectation-
maximisation), links pairs whose match probability reaches the threshold,
and groups linked records into clusters.

Exit 0 when no duplicates are found, 1 when some are, 2 on error.

Every key of a dedupe config is described in docs/dedupe.md; plumb
schema dedupe prints its JSON Schema, for editors.`,
		Example: `  plumb dedupe testdata/dedupe/people.csv --config testdata/dedupe/dedupe.yaml
  plumb dedupe customers.csv --config dedupe.yaml --clusters clusters.parquet --pairs pairs.csv
  plumb dedupe labelled.csv --config dedupe.yaml --truth entity_id --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rd, err := rep.renderer()
			if err != nil {
				return err
			}
			cfg, err := modelConfig(configPath, opts.Threshold, dedupe.Parse)
			if err != nil {
				return err
			}
			opts.Progress = g.progress().Stage
			// Values are compared as written: load CSV as text.
			return g.runOne(cmd.Context(), &src, args[0], dedupe.LoadOptions(), []string{opts.ClustersPath, opts.PairsPath}, &rep, rd, func(ctx context.Context, db *engine.DB, t *engine.Table) (any, bool, error) {
				// From here on the session reads no file and writes only
				// --clusters and --pairs: blocking rules are user SQL.
				if err := db.Confine(ctx); err != nil {
					return nil, false, err
				}
				res, err := dedupe.Run(ctx, db, t, cfg, opts)
				var ce *dedupe.ConfigError
				if errors.As(err, &ce) {
					// A blocking key DuckDB refused, at its place in the config.
					return nil, false, fmt.Errorf("%s: %w", configPath, ce)
				}
				if err != nil {
					return nil, false, err
				}
				return res, res.Links > 0, nil
			})
		},
	}
	src.add(c)
	rep.add(c, report.KindDedupe)
	f := c.Flags()
	f.StringVar(&configPath, "config", "", "dedupe config (YAML): fields, blocking rules, threshold")
	f.Float64Var(&opts.Threshold, "threshold", 0, "match probability needed to link a pair (default: the config's)")
	f.StringVar(&opts.Truth, "truth", "", "a column of true entity labels: report precision, recall and F1 against it")
	f.StringVar(&opts.ClustersPath, "clusters", "", "write every record with cluster_id and cluster_size to this CSV or Parquet file")
	f.StringVar(&opts.PairsPath, "pairs", "", "write every linked pair with each field's similarity, level and weight to this CSV or Parquet file")
	f.Uint64Var(&opts.Seed, "seed", 1, "seed for the random pairs the model's u is estimated from")
	return c
}

// modelConfig reads the --config of dedupe or link with parse, and checks
// --threshold (0: the config's).
func modelConfig[T any](path string, threshold float64, parse func([]byte) (T, error)) (T, error) {
	var zero T
	if path == "" {
		return zero, fmt.Errorf("--config is required")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return zero, fmt.Errorf("--config: %w", err)
	}
	cfg, err := parse(data)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", path, err)
	}
	if threshold != 0 && (threshold <= 0 || threshold >= 1) {
		return zero, fmt.Errorf("--threshold %v: want a probability between 0 and 1", threshold)
	}
	return cfg, nil
}
