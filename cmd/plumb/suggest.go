//go:build duckdb_arrow

package main

import (
	"context"
	"fmt"
	"github.com/plumb-data/plumb/internal/numfmt"
	"os"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/profile"
	"github.com/plumb-data/plumb/suggest"
	"github.com/spf13/cobra"
)

func newSuggestCmd(g *globals) *cobra.Command {
	var (
		src    sourceFlags
		output string
	)
	c := &cobra.Command{
		Use:   "suggest SOURCE [-o checks.yaml]",
		Short: "Write a rules file for plumb check, inferred from a profile of the source",
		Long: `suggest profiles a source and proposes the checks its data supports:
not_null where there are no nulls, unique for key candidates,
accepted_values for low-cardinality columns, range from min and max, type,
semantic type, pattern from a dominant shape, length, row count, duplicate
rows and schema, each under a comment giving its evidence.

Every proposed check is tried on the same data: one that a few rows fail
(at most 5%) gets a max_failures just above today's share, one that more
fail is left out and listed at the end. So plumb check with the suggested
rules passes on the data they were drawn from, and fails when it changes.`,
		Example: `  plumb suggest testdata/customers.csv -o checks.yaml
  plumb check testdata/customers.csv --rules checks.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var sug *suggest.Result
			err := g.withSource(cmd.Context(), &src, args[0], suggest.LoadOptions(), nil, func(ctx context.Context, db *engine.DB, t *engine.Table) error {
				p, err := profile.Run(ctx, db, t, profile.Options{Top: 25, Progress: g.progress().Stage, MemoryBudget: g.profileBudget})
				if err != nil {
					return err
				}
				g.progress().Stage("trying the suggested checks")
				sug, err = suggest.Run(ctx, db, t, p)
				return err
			})
			if err != nil {
				return err
			}
			if output == "" || output == "-" {
				return sug.WriteYAML(g.stdout)
			}
			f, err := os.Create(output)
			if err != nil {
				return err
			}
			if err := sug.WriteYAML(f); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			fmt.Fprintf(g.stderr, "plumb: wrote %s to %s\n", numfmt.Count(int64(len(sug.Rules.Checks)), "check"), output)
			return nil
		},
	}
	src.add(c)
	c.Flags().StringVarP(&output, "output", "o", "", "write the rules file here instead of stdout")
	return c
}
