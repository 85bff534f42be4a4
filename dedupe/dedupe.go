//go:build duckdb_arrow

// Package dedupe finds records that describe the same entity, with a
// Fellegi-Sunter model trained without labels. Fields are normalized and
// candidate pairs come from blocking rules, both in DuckDB; each pair's
// fields fall into comparison levels (exact, swapped, close, loose, far,
// null) in Go, on DuckDB's threads as the pairs stream by; u comes from
// random record pairs and m from expectation-maximisation over the
// counts of distinct agreement patterns; links over the threshold form
// clusters (connected components).
//
// RunLink does the same across two sources (a left record paired with a
// right one, never two of one side) and returns a cross-reference
// instead of clusters. Candidate pairs are never held whole: each
// blocking rule's join streams its pairs (those no earlier rule found)
// into scoring, and only (a, b, pattern) goes back to DuckDB; union-find
// holds only the records in a link.
//
// A field has only the levels its comparator can produce (an exact
// comparator has no close). A field with term_frequency weighs an exact
// agreement by the value's frequency instead of the field's u. Weights
// fall from exact to close to far (pool-adjacent-violators on m/u after
// EM). A blocking rule whose pairs
// hold fewer than 10 matches trains nothing; fields no rule trained keep
// their starting m, marked untrained; the Result's Warnings say so.
//
//	cfg, err := dedupe.Parse(yamlBytes)
//	res, err := dedupe.Run(ctx, db, table, cfg, dedupe.Options{ClustersPath: "clusters.csv"})
//
//	lcfg, err := dedupe.ParseLink(yamlBytes)
//	xref, err := dedupe.RunLink(ctx, db, left, right, lcfg, dedupe.LinkOptions{OneToOne: true, XrefPath: "xref.csv"})
package dedupe

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/plumb-data/plumb/engine"
)

// Options say how to deduplicate with a config. The zero value uses the
// config's threshold, scores against no truth and writes no files.
type Options struct {
	// Threshold overrides the config's when > 0.
	Threshold float64
	// Truth names a column of true entity labels to score against.
	Truth string
	// ClustersPath receives every record with cluster_id and cluster_size;
	// PairsPath every linked pair with each field's similarity, level and
	// weight. Each is written in the format its name asks for
	// (engine.OutputFormat): Parquet, newline-delimited JSON or CSV.
	ClustersPath, PairsPath string
	// Now is the clock for stage timings; nil means time.Now.
	Now func() time.Time
	// Seed drives the random pairs u is estimated from.
	Seed uint64
	// Progress, when set, is told what is being done as the work moves
	// on (for a progress line); it may be called from several goroutines.
	Progress func(stage string)

	// parts, when set, is how many parts the candidate pairs are read in,
	// whatever the memory limit says (for tests).
	parts int
}

type runner struct {
	db      *engine.DB
	t       *engine.Table
	opts    Options
	cfg     *Config
	res     *Result
	scratch *engine.Scratch
	keys    [][]engine.Expr // the blocking rules' keys, checked
	norm    string          // table of normalized fields: rid, then one per field
	// candidates are the queries of the candidate pairs, each of a part
	// of them, laid out as pairQuery: a, b, rules, the fields of a and b,
	// the term frequencies.
	candidates []string
	scored     string // a, b, pattern
	links      string // patterns at or over the threshold, with weights
	md         *model
	last       time.Time
	// swap[f] is the field field f may be swapped with, or -1.
	swap []int
	// tf[f] names field f's term-frequency column in the normalized
	// table, "" for a field without term_frequency.
	tf []string
	// side is set when linking two sources: the right source's records
	// follow the left's in the normalized table (rid > side.left).
	side *linkSide
	// stored is set when the source is a table, not a view (numbered).
	stored bool
}

// linkSide is what a link run adds to a dedupe run: the right source and
// where its records start.
type linkSide struct {
	right *engine.Table
	left  int64 // records of the left source: rids 1..left
	opts  LinkOptions
}

// LoadOptions say how a source must be loaded to be deduplicated: values
// are compared as written, so delimited text stays text.
func LoadOptions() engine.LoadOptions { return engine.LoadOptions{Raw: true} }

// Run deduplicates a loaded table as cfg (from Parse) says.
func Run(ctx context.Context, db *engine.DB, t *engine.Table, cfg *Config, opts Options) (*Result, error) {
	if cfg == nil {
		return nil, errors.New("dedupe: no config")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	r := newRunner(db, t, cfg, opts)
	defer r.scratch.Drop(ctx)
	err := db.QueryRowContext(ctx, "SELECT count(*) > 0 FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = current_schema() AND table_name = ?",
		t.Name).Scan(&r.stored)
	if err != nil {
		return nil, fmt.Errorf("dedupe %s: %w", t.Source, err)
	}
	res, err := r.run(ctx)
	if err != nil {
		return nil, fmt.Errorf("dedupe %s: %w", t.Source, withoutSQL(err))
	}
	return res, nil
}

func newRunner(db *engine.DB, t *engine.Table, cfg *Config, opts Options) *runner {
	r := &runner{db: db, t: t, opts: opts, cfg: cfg, last: opts.Now(), scratch: db.NewScratch()}
	for _, f := range cfg.Fields {
		partner := -1
		for j, g := range cfg.Fields {
			if f.SwapWith != "" && strings.EqualFold(g.Column, f.SwapWith) {
				partner = j
			}
		}
		r.swap = append(r.swap, partner)
		tf := ""
		if f.TermFrequency {
			tf = "plumb_tf_" + f.Column
		}
		r.tf = append(r.tf, tf)
	}
	return r
}

func (r *runner) stage(name string) {
	if next := nextStage[name]; next != "" && r.opts.Progress != nil {
		r.opts.Progress(next)
	}
	now := r.opts.Now()
	r.res.Stages = append(r.res.Stages, Stage{Name: name, Seconds: math.Round(now.Sub(r.last).Seconds()*1000) / 1000})
	r.last = now
}

// nextStage says what comes after each stage, for the progress line.
var nextStage = map[string]string{"normalize": "blocking: finding candidate pairs", "block": "scoring candidate pairs",
	"score": "training the model", "train": "linking and clustering", "cluster": "writing the results"}

// table creates a scratch table, dropped when Run returns: def is its
// column list or AS query.
func (r *runner) table(ctx context.Context, prefix, def string) (string, error) {
	name := r.scratch.Table(prefix)
	if _, err := r.db.ExecContext(ctx, "CREATE TABLE "+engine.Ident(name)+" "+def); err != nil {
		return "", err
	}
	return name, nil
}

// model checks the config against the sources, normalizes, blocks,
// scores and trains: what dedupe and link share. It returns the
// threshold.
func (r *runner) model(ctx context.Context) (float64, error) {
	threshold := r.cfg.Threshold
	if r.opts.Threshold > 0 {
		threshold = r.opts.Threshold
	}
	r.res = &Result{Source: r.t.Source, Threshold: threshold, Rules: []Rule{}, Warnings: []Warning{}, WeakClusters: []WeakCluster{}, TopClusters: []ClusterDetail{}, Stages: []Stage{}}
	for _, f := range r.cfg.Fields {
		r.res.Fields = append(r.res.Fields, f.Column)
	}
	if err := r.checkColumns(); err != nil {
		return 0, err
	}
	if err := r.checkBlocking(ctx); err != nil {
		return 0, err
	}
	if r.opts.Progress != nil {
		r.opts.Progress("normalizing " + strings.Join(r.res.Fields, ", "))
	}
	if err := r.normalize(ctx); err != nil {
		return 0, fmt.Errorf("normalize: %w", err)
	}
	r.stage("normalize")
	if err := r.block(ctx); err != nil {
		return 0, err
	}
	r.stage("block")
	counts, err := r.score(ctx)
	if err != nil {
		return 0, fmt.Errorf("score pairs: %w", err)
	}
	r.stage("score")
	if err := r.train(ctx, counts); err != nil {
		return 0, fmt.Errorf("train: %w", err)
	}
	r.stage("train")
	return threshold, nil
}

func (r *runner) run(ctx context.Context) (*Result, error) {
	threshold, err := r.model(ctx)
	if err != nil {
		return nil, err
	}
	clusters, err := r.cluster(ctx, threshold)
	if err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	r.stage("cluster")
	if r.opts.Truth != "" {
		if r.res.Truth, err = r.accuracy(ctx, clusters); err != nil {
			return nil, fmt.Errorf("score against %s: %w", r.opts.Truth, err)
		}
	}
	if r.opts.ClustersPath != "" {
		if err := r.writeClusters(ctx, clusters); err != nil {
			return nil, err
		}
	}
	if r.opts.PairsPath != "" {
		links, err := r.linkedPairs(ctx, threshold)
		if err != nil {
			return nil, err
		}
		ids := r.ids(r.t, r.cfg.ID, 0)
		if err := r.writePairs(ctx, links, ids, ids, r.opts.PairsPath, "a", "b"); err != nil {
			return nil, err
		}
	}
	r.stage("report")
	return r.res, nil
}

func (r *runner) checkColumns() error {
	need := []string{}
	for _, f := range r.cfg.Fields {
		need = append(need, f.LeftColumn())
	}
	if r.cfg.ID != "" {
		need = append(need, r.cfg.ID)
	}
	if r.side == nil {
		if r.opts.Truth != "" {
			need = append(need, r.opts.Truth)
		}
		return hasColumns(r.t, "the source", need)
	}
	if r.side.opts.TruthLeft != "" {
		need = append(need, r.side.opts.TruthLeft)
	}
	if err := hasColumns(r.t, "the left source", need); err != nil {
		return err
	}
	need = need[:0]
	for _, f := range r.cfg.Fields {
		need = append(need, f.RightColumn())
	}
	if r.cfg.RightID != "" {
		need = append(need, r.cfg.RightID)
	}
	if r.side.opts.TruthRight != "" {
		need = append(need, r.side.opts.TruthRight)
	}
	return hasColumns(r.side.right, "the right source", need)
}

// hasColumns says which of need t lacks.
func hasColumns(t *engine.Table, what string, need []string) error {
	have := map[string]bool{}
	for _, c := range t.Columns {
		have[strings.ToLower(c.Name)] = true
	}
	for _, c := range need {
		if !have[strings.ToLower(c)] {
			return fmt.Errorf("no column %q in %s", c, what)
		}
	}
	return nil
}

// fieldCol names field i in the normalized table: the field's own name,
// so blocking rules read naturally.
func (r *runner) fieldCol(i int) string { return engine.Ident(r.cfg.Fields[i].Column) }

func round(f float64) float64 { return math.Round(f*1e6) / 1e6 }

// numbered is the source with its record numbers, as normalize gave them.
//
// A table's rowid numbers its rows in the order they are stored, which
// is the order row_number() OVER () reads them in, without the window:
// on 15M records that window gathered every row of the wide source in
// one partition. A view (of several files, say) has no rowid.
func (r *runner) numbered() string {
	if r.stored {
		return "(SELECT rowid + 1 AS rid, * FROM " + engine.Ident(r.t.Name) + ")"
	}
	return "(SELECT row_number() OVER () AS rid, * FROM " + engine.Ident(r.t.Name) + ")"
}

// withoutSQL shows err without the SQL it came from. DuckDB ends a
// message with the query around the fault ("LINE 2: …" over a caret) and
// may list candidate functions on indented lines; a user is shown the
// message alone, on one line, and never plumb's generated SQL.
func withoutSQL(err error) error {
	if err == nil {
		return nil
	}
	msg := engine.ErrorReason(err)
	if msg == err.Error() {
		return err
	}
	return &sqlFreeError{msg: msg, err: err}
}

// sqlFreeError is an error shown by withoutSQL.
type sqlFreeError struct {
	msg string
	err error
}

func (e *sqlFreeError) Error() string { return e.msg }
func (e *sqlFreeError) Unwrap() error { return e.err }
