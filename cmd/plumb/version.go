//go:build duckdb_arrow

package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func newVersionCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print plumb's version and the DuckDB it embeds",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			version, duck := "(devel)", "unknown"
			if bi, ok := debug.ReadBuildInfo(); ok {
				if bi.Main.Version != "" {
					version = bi.Main.Version
				}
				for _, d := range bi.Deps {
					if d.Path == "github.com/duckdb/duckdb-go/v2" {
						duck = "duckdb-go " + d.Version
					}
				}
			}
			db, closeDB, err := g.openDB(cmd.Context())
			if err != nil {
				return err
			}
			defer closeDB()
			var lib string
			if err := db.QueryRowContext(cmd.Context(), "SELECT library_version FROM pragma_version()").Scan(&lib); err != nil {
				return err
			}
			_, err = fmt.Fprintf(g.stdout, "plumb %s\nDuckDB %s (%s)\n", version, lib, duck)
			return err
		},
	}
}
