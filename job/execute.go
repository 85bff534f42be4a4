package job

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/plumb-data/plumb/dedupe"
	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/inspect"
	"github.com/plumb-data/plumb/profile"
	"github.com/plumb-data/plumb/reconcile"
	"github.com/plumb-data/plumb/report"
	"github.com/plumb-data/plumb/rules"
	"github.com/plumb-data/plumb/source"
)

// outcome is what running one step gave: its result, and whether that
// result holds findings.
type outcome struct {
	kind     report.Kind
	result   any
	findings bool
}

// execute runs one step in a session of its own, opened, loaded and
// confined as the step's command would.
// Its side files are written into dir, the run's folder.
func (r *runner) execute(ctx context.Context, s *Step, dir string) (*outcome, error) {
	var outputs []string
	for _, f := range s.SideFiles {
		outputs = append(outputs, filepath.Join(dir, f.Name))
	}
	db, closeDB, err := r.opts.Open(ctx, outputs...)
	if err != nil {
		return nil, err
	}
	defer closeDB()
	sx := &stepRun{runner: r, s: s, db: db, dir: dir}
	switch s.Kind {
	case Inspect:
		return sx.inspect(ctx)
	case Profile:
		return sx.profile(ctx)
	case Check:
		return sx.check(ctx)
	case Diff:
		return sx.diff(ctx)
	case Dedupe:
		return sx.dedupe(ctx)
	}
	return nil, fmt.Errorf("unknown step kind %q", s.Kind)
}

// stepRun is one step running in its session.
type stepRun struct {
	*runner
	s   *Step
	db  *engine.DB
	dir string // the run's folder, where side files go
}

// side returns the path of the side file option names, or "".
func (x *stepRun) side(option string) string {
	if name := x.s.sideFile(option); name != "" {
		return filepath.Join(x.dir, name)
	}
	return ""
}

// writeRejects writes the rows rejected at load, when the step says
// where.
func (x *stepRun) writeRejects(ctx context.Context, tables ...*engine.Table) error {
	if path := x.side("rejects"); path != "" {
		return x.db.WriteRejects(ctx, path, tables...)
	}
	return nil
}

// source reads a source of the job by name; relative paths are read from
// the job's folder.
func (r *runner) source(name string) (source.Source, error) {
	src, err := source.Parse(r.job.Sources[name])
	if err != nil {
		return src, fmt.Errorf("source %s: %w", name, err)
	}
	for i, p := range src.Paths {
		if p != "-" {
			src.Paths[i] = r.job.Path(p)
		}
	}
	return src, nil
}

// load reads a source of the job into the session.
func (r *runner) load(ctx context.Context, db *engine.DB, name string, opts engine.LoadOptions) (*engine.Table, error) {
	src, err := r.source(name)
	if err != nil {
		return nil, err
	}
	opts.Stdin = r.opts.Stdin
	return db.Load(ctx, src, opts)
}

// rejected says whether rows rejected at load are a finding of s.
func rejected(s *Step, tables ...*engine.Table) bool {
	if s.AllowRejects {
		return false
	}
	for _, t := range tables {
		if t != nil && t.RowsRejected > 0 {
			return true
		}
	}
	return false
}

func (x *stepRun) inspect(ctx context.Context) (*outcome, error) {
	r, s, db := x.runner, x.s, x.db
	src, err := r.source(s.Source)
	if err != nil {
		return nil, err
	}
	opts := inspect.Options{MaxRejects: 10}
	opts.Load.Stdin = r.opts.Stdin
	res, t, err := inspect.Run(ctx, db, src, opts)
	if err != nil {
		return nil, err
	}
	if err := x.writeRejects(ctx, t); err != nil {
		return nil, err
	}
	return &outcome{report.KindInspect, res, res.RowsRejected > 0 && !s.AllowRejects}, nil
}

func (x *stepRun) profile(ctx context.Context) (*outcome, error) {
	r, s, db := x.runner, x.s, x.db
	opts := s.Profile
	opts.MemoryBudget = r.opts.ProfileBudget
	switch s.Baseline {
	case BaselineNone:
	case BaselinePrevious:
		// The previous run's profile of this step, if there is one.
		if prev := r.previous(s.Name + ".json"); prev != "" {
			if err := readBaseline(prev, &opts); err != nil {
				return nil, err
			}
			opts.BaselineName = "the previous run (" + filepath.Base(filepath.Dir(prev)) + ")"
		}
	default:
		if err := readBaseline(r.job.Path(s.Baseline), &opts); err != nil {
			return nil, err
		}
		opts.BaselineName = s.Baseline
	}
	t, err := r.load(ctx, db, s.Source, profile.LoadOptions(opts))
	if err != nil {
		return nil, err
	}
	if err := x.writeRejects(ctx, t); err != nil {
		return nil, err
	}
	// The profile needs no file once the source is loaded.
	if err := db.Confine(ctx); err != nil {
		return nil, err
	}
	res, err := profile.Run(ctx, db, t, opts)
	if err != nil {
		return nil, err
	}
	drift := res.Drift != nil && len(res.Drift.Changes) > 0
	return &outcome{report.KindProfile, res, drift || rejected(s, t)}, nil
}

func readBaseline(path string, opts *profile.Options) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	defer f.Close()
	if opts.Baseline, err = profile.ReadBaseline(f); err != nil {
		return fmt.Errorf("baseline %s: %w", path, err)
	}
	return nil
}

func (x *stepRun) check(ctx context.Context) (*outcome, error) {
	r, s, db := x.runner, x.s, x.db
	opts := rules.Options{AllowRejects: s.AllowRejects, BaseDir: r.job.Dir, Quarantine: x.side("quarantine"), Passing: x.side("passing")}
	if s.RulesPath != "" {
		opts.BaseDir = filepath.Dir(r.job.Path(s.RulesPath))
	}
	if s.AsOf != "" {
		at, err := time.Parse(time.RFC3339, s.AsOf)
		if err != nil {
			if at, err = time.Parse(time.DateOnly, s.AsOf); err != nil {
				return nil, fmt.Errorf("as_of %q: want a time like 2024-06-01T12:00:00Z or a date", s.AsOf)
			}
		}
		opts.Now = func() time.Time { return at }
	}
	t, err := r.load(ctx, db, s.Source, rules.LoadOptions())
	if err != nil {
		return nil, err
	}
	if err := x.writeRejects(ctx, t); err != nil {
		return nil, err
	}
	// rules.Run loads references, then confines the session.
	res, err := rules.Run(ctx, db, t, s.Rules, opts)
	var ce *rules.ConfigError
	if errors.As(err, &ce) {
		// A check DuckDB refused, at its place in the rules file (or,
		// inline, in the job file).
		return nil, fmt.Errorf("%s: %w", checksOrigin(s.RulesPath), err)
	}
	if err != nil {
		return nil, err
	}
	return &outcome{report.KindCheck, res, res.Failed() || rejected(s, t)}, nil
}

func (x *stepRun) diff(ctx context.Context) (*outcome, error) {
	r, s, db := x.runner, x.s, x.db
	opts := s.Diff
	opts.DiffsPath = x.side("diffs")
	opts.AllowRejects = s.AllowRejects
	if s.MappingPath != "" {
		f, err := os.Open(r.job.Path(s.MappingPath))
		if err != nil {
			return nil, fmt.Errorf("mapping: %w", err)
		}
		opts.Mapping, opts.Origins.Mapping, err = reconcile.ParseMappingFile(f, s.MappingPath)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("mapping %s: %w", s.MappingPath, err)
		}
	}
	// SQL the user wrote is vetted before the sources load.
	if err := reconcile.Check(ctx, db, opts); err != nil {
		return nil, err
	}
	var tables [2]*engine.Table
	for i, name := range []string{s.Source, s.Target} {
		var err error
		// Delimited text loads as written, as plumb diff loads it.
		if tables[i], err = r.load(ctx, db, name, engine.LoadOptions{Raw: true}); err != nil {
			return nil, err
		}
	}
	if err := x.writeRejects(ctx, tables[:]...); err != nil {
		return nil, err
	}
	if err := db.Confine(ctx); err != nil {
		return nil, err
	}
	res, err := reconcile.Run(ctx, db, tables[0], tables[1], opts)
	if err != nil {
		return nil, err
	}
	return &outcome{report.KindDiff, res, !res.LoadedEqual || rejected(s, tables[:]...)}, nil
}

func (x *stepRun) dedupe(ctx context.Context) (*outcome, error) {
	r, s, db := x.runner, x.s, x.db
	opts := s.DedupeOpts
	opts.ClustersPath, opts.PairsPath = x.side("clusters"), x.side("pairs")
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	t, err := r.load(ctx, db, s.Source, dedupe.LoadOptions())
	if err != nil {
		return nil, err
	}
	if err := x.writeRejects(ctx, t); err != nil {
		return nil, err
	}
	// Blocking rules are user SQL: the session reads no file from here.
	if err := db.Confine(ctx); err != nil {
		return nil, err
	}
	res, err := dedupe.Run(ctx, db, t, s.DedupeConfig, opts)
	var ce *dedupe.ConfigError
	if errors.As(err, &ce) {
		return nil, fmt.Errorf("%s: %w", s.ConfigPath, err)
	}
	if err != nil {
		return nil, err
	}
	return &outcome{report.KindDedupe, res, res.Links > 0 || rejected(s, t)}, nil
}

// checksOrigin names where a step's checks were read: its rules file, or the
// job file for inline checks.
func checksOrigin(rulesPath string) string {
	if rulesPath == "" {
		return "the job file"
	}
	return rulesPath
}
