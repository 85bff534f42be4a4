//go:build duckdb_arrow

package main

import (
	"fmt"

	"github.com/plumb-data/plumb/dedupe"
	"github.com/plumb-data/plumb/job"
	"github.com/plumb-data/plumb/rules"
	"github.com/spf13/cobra"
)

// schemas are the JSON Schemas plumb prints, by the file they describe.
var schemas = map[string]func() []byte{"rules": rules.JSONSchema, "dedupe": dedupe.JSONSchema, "link": dedupe.LinkJSONSchema, "job": job.JSONSchema}

func newSchemaCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "schema rules|dedupe|link|job",
		Short: "Print the JSON Schema of a rules file, a dedupe or link config or a job file, for editors",
		Long: `schema prints the JSON Schema of a plumb rules file (plumb check) or
dedupe config (plumb dedupe), link config (plumb link) or job file (plumb run). Save it beside your files and point your
editor at it, e.g. with a first line

  # yaml-language-server: $schema=plumb-rules.schema.json

Every kind and key is described in docs/rules.md, docs/dedupe.md,
docs/link.md and docs/jobs.md.`,
		Example: `  plumb schema rules > plumb-rules.schema.json
  plumb schema dedupe > plumb-dedupe.schema.json
  plumb schema link > plumb-link.schema.json
  plumb schema job > plumb-job.schema.json`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"rules", "dedupe", "link", "job"},
		RunE: func(cmd *cobra.Command, args []string) error {
			schema, ok := schemas[args[0]]
			if !ok {
				return fmt.Errorf("no schema for %q (want rules, dedupe, link or job)", args[0])
			}
			_, err := g.stdout.Write(schema())
			return err
		},
	}
}
