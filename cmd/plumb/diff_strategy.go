//go:build duckdb_arrow

package main

import (
	"context"
	"fmt"

	"github.com/plumb-data/plumb/dbdiff"
	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/reconcile"
	"github.com/plumb-data/plumb/source"
	"github.com/spf13/pflag"
)

// dbdiffFlags are diff's flags for a side on a database server.
type dbdiffFlags struct {
	strategy, timePrecision string
	floatScale              int
	explain                 bool
	opts                    dbdiff.Options
}

func (x *dbdiffFlags) add(f *pflag.FlagSet) {
	f.StringVar(&x.strategy, "strategy", "auto", "with a database server side: auto, pull, merge or bisect")
	f.BoolVar(&x.explain, "explain", false, "print the diff's plan and, after it, the queries run and the rows and bytes each side moved (stderr)")
	f.BoolVar(&x.opts.Remote, "remote", false, "servers on this host are across a slow link (an SSH tunnel): let auto bisect")
	f.IntVar(&x.floatScale, "float-scale", 0, "bisect: round floats to this many decimal places in the checksum (0: exact)")
	f.StringVar(&x.timePrecision, "time-precision", "us", "bisect: precision of timestamps in the checksum: s, ms or us")
}

// set reads the flags into the options.
func (x *dbdiffFlags) set() error {
	var err error
	if x.opts.Strategy, err = dbdiff.ParseStrategy(x.strategy); err != nil {
		return fmt.Errorf("--strategy: %w", err)
	}
	if x.opts.Policy.TimePrecision, err = dbdiff.ParseTimePrecision(x.timePrecision); err != nil {
		return fmt.Errorf("--time-precision: %w", err)
	}
	if x.floatScale < 0 || x.floatScale > 15 {
		return fmt.Errorf("--float-scale: %d: want 0 to 15", x.floatScale)
	}
	x.opts.Policy.FloatScale = x.floatScale
	x.opts.KeepQueries = x.explain
	return nil
}

// onServer says whether a side is on a database server.
func onServer(sources [2]source.Source) bool {
	for _, s := range sources {
		if s.Format == source.FormatPostgres || s.Format == source.FormatMySQL {
			return true
		}
	}
	return false
}

// run diffs with a database server side through dbdiff, which picks how
// the rows are reached.
func (x *dbdiffFlags) run(ctx context.Context, g *globals, db *engine.DB, sources [2]source.Source, opts reconcile.Options) (*reconcile.Result, error) {
	o := x.opts
	o.Reconcile = opts
	o.Load = func(ctx context.Context, db *engine.DB, s source.Source) (*engine.Table, error) {
		return g.load(ctx, db, s, engine.LoadOptions{Raw: true})
	}
	o.Log = func(msg string) { fmt.Fprintln(g.stderr, "plumb: "+msg) }
	res, plan, err := dbdiff.Run(ctx, db, sources[0], sources[1], o)
	if x.explain && plan != nil && plan.Strategy != "" {
		plan.WriteText(g.stderr, 160)
	} else if plan != nil {
		for _, w := range plan.Warnings {
			fmt.Fprintln(g.stderr, "plumb: warning: "+w)
		}
	}
	return res, err
}
