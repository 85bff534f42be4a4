//go:build duckdb_arrow

package main

import (
	"context"
	"fmt"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/pushdown"
	"github.com/plumb-data/plumb/report"
	"github.com/spf13/cobra"
)

// pushdownFlags say when profile and check work inside the database.
type pushdownFlags struct {
	opts pushdown.Options
}

func (p *pushdownFlags) add(c *cobra.Command) {
	f := c.Flags()
	f.Var(&p.opts.Mode, "pushdown", "compute in the database (on), load the rows (off), or push down tables on another host that the catalog estimates at --pushdown-threshold rows or more (auto)")
	f.Lookup("pushdown").NoOptDefVal = "on"
	f.Int64Var(&p.opts.Threshold, "pushdown-threshold", pushdown.DefaultThreshold, "with --pushdown=auto, the catalog's row estimate from which to push down")
	f.BoolVar(&p.opts.Remote, "remote", false, "with --pushdown=auto, treat a server on this host (a tunnel) as one across a network")
	f.Int64Var(&p.opts.SampleRows, "pushdown-sample", pushdown.DefaultSampleRows, "with pushdown, the rows read for what the database cannot compute")
}

// run pushes the command's work on a database source down into the
// database when the flags and the catalog say so, and reports whether
// it did; a file source, or a decision to load the rows, leaves the
// work to the caller. The decision is said on stderr.
func (p *pushdownFlags) run(ctx context.Context, g *globals, src *sourceFlags, arg string, outputs []string, rep *reportFlags, rd report.Renderer,
	work func(ctx context.Context, db *engine.DB, plan *pushdown.Plan) (result any, findings bool, err error)) (bool, error) {
	s, err := src.source(arg)
	if err != nil {
		return false, err
	}
	if s.Database == nil || p.opts.Mode == pushdown.Off {
		return false, nil
	}
	if p.opts.Threshold < 1 || p.opts.SampleRows < 1 {
		return false, fmt.Errorf("--pushdown-threshold and --pushdown-sample: want at least 1")
	}
	g.progress().Stage("reading the catalog of " + s.Spec)
	plan, err := pushdown.Prepare(ctx, s, p.opts)
	g.progress().Done()
	if err != nil {
		return false, err
	}
	if !g.quiet {
		state := "off"
		if plan.Push {
			state = "on"
		}
		fmt.Fprintf(g.stderr, "plumb: pushdown %s for %s: %s\n", state, s.Spec, plan.Reason)
	}
	if !plan.Push {
		return false, nil
	}
	db, closeDB, err := g.openDB(ctx, outputs...)
	if err != nil {
		return true, err
	}
	defer closeDB()
	res, findings, err := work(ctx, db, plan)
	g.progress().Done()
	if err != nil {
		return true, err
	}
	if err := rep.write(g, rd, res); err != nil {
		return true, err
	}
	if findings {
		return true, errFindings
	}
	return true, nil
}
