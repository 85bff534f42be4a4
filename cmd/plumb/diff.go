//go:build duckdb_arrow

package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/reconcile"
	"github.com/plumb-data/plumb/report"
	"github.com/plumb-data/plumb/source"
	"github.com/spf13/cobra"
)

func newDiffCmd(g *globals) *cobra.Command {
	var (
		src                         sourceFlags
		rep                         reportFlags
		keys, maps, columns, ignore string
		mapping, diffs              string
		tolerances                  []string
		ignoreCase, trim, nullEmpty string
		opts                        reconcile.Options
		samples                     int
		xdb                         dbdiffFlags
	)
	c := &cobra.Command{
		Use:   "diff SOURCE TARGET",
		Short: "Reconcile a target with its source: rows only on one side, changed fields",
		Long: `diff compares two sources row by row on a key (or, without --key, as
multisets of whole rows; with --group-by, as counts and sums per group).

Delimited text (CSV, TSV, ...) is compared as written: 00123 differs from
123, and CSV 1.50 from CSV 1.5. Where both sides carry real types
(Parquet, Arrow, JSON numbers) values compare as typed values. Text
beside a typed column is read as the column's type when every one of its
values is written plainly as one (Parquet 1.5 equals CSV 1.50; one 00123
or ABC among them and the column compares as text). A column's own
--tolerance (col=0.01, or col=0 for exact numbers) compares values that
read as numbers as numbers; a default --tolerance applies to text
columns whose every value is a number. Filters (--where) see a text
column typed when every value of it reads as one type (--raw: as text).

Duplicate keys are reported, never paired; rows with NULL keys are
counted. Rows rejected at load (malformed) are reported and make the
sides unequal, since they were not compared.

Where a side is on a PostgreSQL or MySQL/MariaDB server, --strategy says
how its rows are reached: pull (read both sides whole), merge (read both
in key order a segment at a time, in bounded memory) or bisect (compare
counts and checksums of key segments inside each database, and read only
the rows of the segments that differ). auto, the default, picks one and
says why on stderr; --explain prints the plan and what each side moved.
Rows read are always compared with their own types, as pull compares
them: the checksum only decides which rows to read.

Exit 0 when the sides are equal (within tolerance), 1 when they differ
or rows were rejected at load (--allow-rejects: when they differ), 2 on
error.`,
		Example: `  plumb diff old.parquet new.csv --key id
  plumb diff legacy.csv crm.csv --key cust_no=customer_id --mapping mapping.csv --diffs diffs.csv
  plumb diff a.csv b.csv --key id --tolerance balance=0.01 --ignore-case=email --trim
  plumb diff a.csv b.csv --group-by country --sum balance
  plumb diff 'postgres://app@pg/crm?table=public.customers' 'mysql://app@legacy/crm?table=customers' --key id --strategy bisect --explain`,
		Args: diffArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			rd, err := rep.renderer()
			if err != nil {
				return err
			}
			if samples < 0 {
				return fmt.Errorf("--samples: %d is negative; give 0 for no examples", samples)
			}
			var sources [2]source.Source
			for i, arg := range args {
				if sources[i], err = src.source(arg); err != nil {
					return err
				}
			}
			if keys != "" {
				if opts.Keys, err = reconcile.ParsePairs(keys); err != nil {
					return fmt.Errorf("--key: %w", err)
				}
			}
			if maps != "" {
				if opts.Map, err = reconcile.ParsePairs(maps); err != nil {
					return fmt.Errorf("--map: %w", err)
				}
			}
			if columns != "" {
				opts.Columns = reconcile.ParseColumnSet(columns).Columns
			}
			if ignore != "" {
				opts.Ignore = reconcile.ParseColumnSet(ignore).Columns
			}
			if mapping != "" {
				f, err := os.Open(mapping)
				if err != nil {
					return fmt.Errorf("--mapping: %w", err)
				}
				opts.Mapping, opts.Origins.Mapping, err = reconcile.ParseMappingFile(f, mapping)
				f.Close()
				if err != nil {
					return fmt.Errorf("--mapping %s: %w", mapping, err)
				}
			}
			for _, t := range tolerances {
				col, tol, err := reconcile.ParseTolerance(t)
				if err != nil {
					return fmt.Errorf("--tolerance: %w", err)
				}
				if col == "" {
					opts.Tolerance = tol
					continue
				}
				if opts.PerColumn == nil {
					opts.PerColumn = map[string]reconcile.Tolerance{}
				}
				opts.PerColumn[col] = tol
			}
			for _, f := range []struct {
				flag string
				val  string
				dst  *reconcile.ColumnSet
			}{{"ignore-case", ignoreCase, &opts.IgnoreCase}, {"trim", trim, &opts.Trim}, {"null-equals-empty", nullEmpty, &opts.NullEqualsEmpty}} {
				if cmd.Flags().Changed(f.flag) {
					*f.dst = reconcile.ParseColumnSet(f.val)
				}
			}
			if len(opts.Sum) > 0 && len(opts.GroupBy) == 0 {
				return fmt.Errorf("--sum needs --group-by")
			}
			opts.Samples = samples
			if samples == 0 {
				opts.Samples = -1
			}
			opts.DiffsPath = diffs
			opts.SQLSeesText, opts.AllowRejects = src.raw, src.allowRejects
			opts.Origins.Where, opts.Origins.SourceWhere, opts.Origins.TargetWhere = "--where", "--source-where", "--target-where"
			ctx := cmd.Context()
			var outputs []string
			if diffs != "" {
				outputs = append(outputs, diffs)
			}
			db, closeDB, err := g.openDBFor(ctx, args, outputs...)
			if err != nil {
				return err
			}
			defer closeDB()
			// SQL the user wrote is vetted before the sources load.
			if err := reconcile.Check(ctx, db, opts); err != nil {
				return err
			}
			opts.Progress = g.progress().Stage
			if onServer(sources) {
				if err := xdb.set(); err != nil {
					return err
				}
				res, err := xdb.run(ctx, g, db, sources, opts)
				g.progress().Done()
				if err != nil {
					return err
				}
				if err := rep.write(g, rd, res); err != nil {
					return err
				}
				if !res.LoadedEqual || !src.allowRejects && res.SourceRejected+res.TargetRejected > 0 {
					return errFindings
				}
				return nil
			}
			// Delimited text loads as written, every value text: types
			// decided by DuckDB's sniffer from a sample would rewrite
			// 00123 as 123, and reject the rows that do not fit.
			var tables [2]*engine.Table
			for i, s := range sources {
				if tables[i], err = g.load(ctx, db, s, engine.LoadOptions{Raw: true}); err != nil {
					return err
				}
			}
			// From here on the session reads no file and writes only --diffs.
			if err := db.Confine(ctx); err != nil {
				return err
			}
			opts.Progress = g.progress().Stage
			res, err := reconcile.Run(ctx, db, tables[0], tables[1], opts)
			g.progress().Done()
			if err != nil {
				return err
			}
			if err := rep.write(g, rd, res); err != nil {
				return err
			}
			if !res.LoadedEqual || rejectsFinding(&src, tables[:]...) {
				return errFindings
			}
			return nil
		},
	}
	src.add(c)
	rep.add(c, report.KindDiff)
	f := c.Flags()
	f.StringVar(&keys, "key", "", "key columns, comma-separated; src=tgt where the names differ (default: keyless multiset diff)")
	f.StringVar(&maps, "map", "", "pair differently named columns: src=tgt,...")
	f.StringVar(&columns, "columns", "", "compare only these columns")
	f.StringVar(&ignore, "ignore", "", "leave these columns out")
	f.StringVar(&mapping, "mapping", "", "mapping spec CSV: source_field,transformation,target_field (transformation: empty or a DuckDB SQL expression)")
	f.StringArrayVar(&tolerances, "tolerance", nil, "numeric tolerance: 0.001 for all numeric columns, col=0.01 absolute, col=0.1% relative, col=0 exact numbers (repeatable)")
	f.StringVar(&ignoreCase, "ignore-case", "", "compare text ignoring case: alone for all columns, or =col,col")
	f.StringVar(&trim, "trim", "", "trim surrounding spaces before comparing: alone for all columns, or =col,col")
	f.StringVar(&nullEmpty, "null-equals-empty", "", "treat NULL and empty text as equal: alone for all columns, or =col,col")
	for _, n := range []string{"ignore-case", "trim", "null-equals-empty"} {
		f.Lookup(n).NoOptDefVal = "*"
	}
	f.StringVar(&opts.Where, "where", "", "SQL filter applied to both sides")
	f.StringVar(&opts.SourceWhere, "source-where", "", "SQL filter applied to the source")
	f.StringVar(&opts.TargetWhere, "target-where", "", "SQL filter applied to the target")
	f.StringSliceVar(&opts.GroupBy, "group-by", nil, "aggregate reconciliation: compare row counts (and --sum) per group of these columns")
	f.StringArrayVar(&opts.Sum, "sum", nil, "with --group-by: also compare the sum of this column (repeatable)")
	f.IntVar(&samples, "samples", 5, "examples to show per column and category (0: none)")
	f.StringVar(&diffs, "diffs", "", "write every difference in long form to this CSV or Parquet file")
	xdb.add(f)
	return c
}

// optionalValueFlags take a value only after '=': given alone they apply
// to every column.
var optionalValueFlags = []string{"ignore-case", "trim", "null-equals-empty"}

// diffArgs wants SOURCE and TARGET, and says what was meant when a column
// list was given to an optional-value flag after a space.
func diffArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 2 {
		return nil
	}
	if len(args) > 2 {
		for _, name := range optionalValueFlags {
			if f := cmd.Flags().Lookup(name); f != nil && f.Changed && f.Value.String() == f.NoOptDefVal {
				return fmt.Errorf("diff takes SOURCE and TARGET, and got %d arguments (%s): --%s takes its columns after '=', "+
					"as in --%s=%s; alone it applies to every column", len(args), strings.Join(args, " "), name, name, args[len(args)-1])
			}
		}
	}
	return cobra.ExactArgs(2)(cmd, args)
}
