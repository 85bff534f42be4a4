//go:build duckdb_arrow

// Package dedupe finds records that describe the same entity, with a
// Fellegi-Sunter model trained without labels. Fields are normalized and
// candidate pairs come from blocking rules, both in DuckDB; each pair's
// fields fall into comparison levels (exact, close, far, null) in Go over
// Arrow batches; u comes from random record pairs and m from
// expectation-maximisation over the counts of distinct agreement
// patterns; links over the threshold form clusters (connected
// components).
//
//	cfg, err := dedupe.ParseConfig(yamlBytes)
//	res, err := dedupe.Run(ctx, db, table, dedupe.Options{Config: cfg, ClustersPath: "clusters.csv"})
package dedupe

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/parquet-go/parquet-go"
	"github.com/plumb-data/plumb/engine"
)

// Options say how to deduplicate. Config is required.
type Options struct {
	Config *Config
	// Threshold overrides the config's when > 0.
	Threshold float64
	// Truth names a column of true entity labels to score against.
	Truth string
	// ClustersPath receives every record with cluster_id and cluster_size;
	// PairsPath every linked pair with each field's similarity, level and
	// weight. CSV, or Parquet for a .parquet name.
	ClustersPath, PairsPath string
	// Now is the clock for stage timings; nil means time.Now.
	Now func() time.Time
	// Seed drives the random pairs u is estimated from.
	Seed uint64
	// Progress, when set, is told what is being done as the work moves
	// on (for a progress line); it may be called from several goroutines.
	Progress func(stage string)
}

type runner struct {
	db     *engine.DB
	t      *engine.Table
	opts   Options
	cfg    *Config
	res    *Result
	drops  []string
	norm   string // table of normalized fields: rid, f0, f1, …
	pairs  string // candidate pairs: a, b
	scored string // a, b, pattern
	links  string // patterns at or over the threshold, with weights
	md     *model
	last   time.Time
}

// Run deduplicates a loaded table.
func Run(ctx context.Context, db *engine.DB, t *engine.Table, opts Options) (*Result, error) {
	if opts.Config == nil {
		return nil, errors.New("dedupe: no config")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	r := &runner{db: db, t: t, opts: opts, cfg: opts.Config, last: opts.Now()}
	defer func() {
		for i := len(r.drops) - 1; i >= 0; i-- {
			db.ExecContext(context.WithoutCancel(ctx), r.drops[i])
		}
	}()
	res, err := r.run(ctx)
	if err != nil {
		return nil, fmt.Errorf("dedupe %s: %w", t.Source, err)
	}
	return res, nil
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

func (r *runner) table(ctx context.Context, prefix, def string) (string, error) {
	name := r.db.TempName(prefix)
	if _, err := r.db.ExecContext(ctx, "CREATE TABLE "+engine.Ident(name)+" "+def); err != nil {
		return "", err
	}
	r.drops = append(r.drops, "DROP TABLE IF EXISTS "+engine.Ident(name))
	return name, nil
}

func (r *runner) run(ctx context.Context) (*Result, error) {
	threshold := r.cfg.Threshold
	if r.opts.Threshold > 0 {
		threshold = r.opts.Threshold
	}
	r.res = &Result{Source: r.t.Source, Threshold: threshold, Rules: []Rule{}, WeakClusters: []WeakCluster{}, TopClusters: []ClusterDetail{}, Stages: []Stage{}}
	for _, f := range r.cfg.Fields {
		r.res.Fields = append(r.res.Fields, f.Column)
	}
	if err := r.checkColumns(); err != nil {
		return nil, err
	}
	if r.opts.Progress != nil {
		r.opts.Progress("normalizing " + strings.Join(r.res.Fields, ", "))
	}
	if err := r.normalize(ctx); err != nil {
		return nil, fmt.Errorf("normalize: %w", err)
	}
	r.stage("normalize")
	if err := r.block(ctx); err != nil {
		return nil, err
	}
	r.stage("block")
	counts, err := r.score(ctx)
	if err != nil {
		return nil, fmt.Errorf("score pairs: %w", err)
	}
	r.stage("score")
	if err := r.train(ctx, counts); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	r.stage("train")
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
		if err := r.writePairs(ctx, threshold); err != nil {
			return nil, err
		}
	}
	r.stage("report")
	return r.res, nil
}

func (r *runner) checkColumns() error {
	have := map[string]bool{}
	for _, c := range r.t.Columns {
		have[strings.ToLower(c.Name)] = true
	}
	need := append([]string(nil), r.res.Fields...)
	if r.cfg.ID != "" {
		need = append(need, r.cfg.ID)
	}
	if r.opts.Truth != "" {
		need = append(need, r.opts.Truth)
	}
	for _, c := range need {
		if !have[strings.ToLower(c)] {
			return fmt.Errorf("no column %q in the source", c)
		}
	}
	return nil
}

// fieldCol names field i in the normalized table: the field's own name,
// so blocking rules read naturally.
func (r *runner) fieldCol(i int) string { return engine.Ident(r.cfg.Fields[i].Column) }

// normalize numbers the records (rid, in source order) and writes their
// normalized fields to a table, with empty values and null markers
// (N/A, NULL, -, …) as NULL: two records that both lack a birth date do
// not agree on it. It runs in DuckDB; Normalize is its reference.
func (r *runner) normalize(ctx context.Context) error {
	inner := []string{"row_number() OVER () AS rid"}
	outer := []string{"rid"}
	for i, f := range r.cfg.Fields {
		inner = append(inner, normalizeSQL("CAST("+engine.Ident(f.Column)+" AS VARCHAR)", f.Normalize)+fmt.Sprintf(" AS f%d", i))
		outer = append(outer, nullMarkerSQL(fmt.Sprintf("f%d", i))+" AS "+r.fieldCol(i))
	}
	var err error
	r.norm, err = r.table(ctx, "plumb_dedupe_norm", "AS SELECT "+strings.Join(outer, ", ")+" FROM (SELECT "+strings.Join(inner, ", ")+" FROM "+engine.Ident(r.t.Name)+")")
	if err != nil {
		return err
	}
	return r.db.QueryRowContext(ctx, "SELECT count(*) FROM "+engine.Ident(r.norm)).Scan(&r.res.Records)
}

// block counts each rule's pairs first, refusing rules that would
// explode, then writes the union of their pairs (a < b).
func (r *runner) block(ctx context.Context) error {
	maxPairs := r.cfg.MaxPairs
	if maxPairs == 0 {
		maxPairs = 25_000_000
	}
	var parts []string
	for i, rule := range r.cfg.Blocking {
		var keys, notNull []string
		for j, k := range rule {
			keys = append(keys, fmt.Sprintf("(%s) AS k%d", k, j))
			notNull = append(notNull, fmt.Sprintf("k%d IS NOT NULL", j))
		}
		kt, err := r.table(ctx, "plumb_dedupe_keys", "AS SELECT * FROM (SELECT rid, "+strings.Join(keys, ", ")+" FROM "+engine.Ident(r.norm)+") WHERE "+strings.Join(notNull, " AND "))
		if err != nil {
			return fmt.Errorf("blocking rule %d [%s]: %w", i+1, strings.Join(rule, ", "), err)
		}
		kcols := make([]string, len(rule))
		on := make([]string, len(rule))
		for j := range rule {
			kcols[j] = fmt.Sprintf("k%d", j)
			on[j] = fmt.Sprintf("x.k%d = y.k%d", j, j)
		}
		var n int64
		q := "SELECT coalesce(sum(c * (c - 1) // 2), 0)::BIGINT FROM (SELECT count(*) AS c FROM " + engine.Ident(kt) + " GROUP BY " + strings.Join(kcols, ", ") + ")"
		if err := r.db.QueryRowContext(ctx, q).Scan(&n); err != nil {
			return err
		}
		if n > maxPairs {
			return fmt.Errorf("blocking rule %d [%s] would make %d candidate pairs, over the limit of %d: make it stricter (or raise max_pairs)",
				i+1, strings.Join(rule, ", "), n, maxPairs)
		}
		r.res.Rules = append(r.res.Rules, Rule{Keys: rule, Pairs: n})
		parts = append(parts, fmt.Sprintf("SELECT x.rid AS a, y.rid AS b, %d AS rule FROM %s x JOIN %s y ON %s AND x.rid < y.rid",
			1<<i, engine.Ident(kt), engine.Ident(kt), strings.Join(on, " AND ")))
	}
	var err error
	// Each pair remembers which rules found it, for training per rule.
	if r.pairs, err = r.table(ctx, "plumb_dedupe_pairs", "AS SELECT a, b, bit_or(rule)::UBIGINT AS rules FROM ("+strings.Join(parts, " UNION ALL ")+") GROUP BY a, b"); err != nil {
		return fmt.Errorf("candidate pairs: %w", err)
	}
	return r.db.QueryRowContext(ctx, "SELECT count(*) FROM "+engine.Ident(r.pairs)).Scan(&r.res.CandidatePairs)
}

// pairQuery selects pairs with both records' normalized fields: a, b,
// rules, then field i of a and of b at columns 3+2i and 4+2i.
func (r *runner) pairQuery(pairs, where string) string {
	sel := []string{"p.a", "p.b", "p.rules"}
	for i := range r.cfg.Fields {
		sel = append(sel, "x."+r.fieldCol(i), "y."+r.fieldCol(i))
	}
	q := "SELECT " + strings.Join(sel, ", ") + " FROM " + pairs + " p JOIN " + engine.Ident(r.norm) + " x ON x.rid = p.a JOIN " + engine.Ident(r.norm) + " y ON y.rid = p.b"
	if where != "" {
		q += " WHERE " + where
	}
	return q
}

// patterns streams pairs from q and computes each pair's agreement
// pattern in two goroutines, handing results to emit in batch order.
func (r *runner) patterns(ctx context.Context, q string, emit func(a, b []int64, rules []uint64, p []pattern) error) error {
	rr, err := r.db.QueryArrow(ctx, q)
	if err != nil {
		return err
	}
	defer rr.Release()
	type job struct {
		rec   arrow.RecordBatch
		done  chan struct{}
		a, b  []int64
		rules []uint64
		p     []pattern
	}
	jobs := make(chan *job, 4)
	order := make(chan *job, 4)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				j.a, j.b, j.rules, j.p = r.patternBatch(j.rec)
				j.rec.Release()
				close(j.done)
			}
		}()
	}
	var emitErr error
	var collector sync.WaitGroup
	collector.Add(1)
	go func() {
		defer collector.Done()
		for j := range order {
			<-j.done
			if emitErr == nil {
				emitErr = emit(j.a, j.b, j.rules, j.p)
			}
		}
	}()
	for rr.Next() {
		rec := rr.RecordBatch()
		rec.Retain()
		j := &job{rec: rec, done: make(chan struct{})}
		order <- j
		jobs <- j
	}
	close(jobs)
	close(order)
	wg.Wait()
	collector.Wait()
	return errors.Join(rr.Err(), emitErr)
}

func (r *runner) patternBatch(rec arrow.RecordBatch) ([]int64, []int64, []uint64, []pattern) {
	n := int(rec.NumRows())
	as, bs, rs := rec.Column(0).(*array.Int64), rec.Column(1).(*array.Int64), rec.Column(2).(*array.Uint64)
	a, b, rules, p := make([]int64, n), make([]int64, n), make([]uint64, n), make([]pattern, n)
	for j := range n {
		a[j], b[j], rules[j] = as.Value(j), bs.Value(j), rs.Value(j)
	}
	for i, f := range r.cfg.Fields {
		x, y := rec.Column(3+2*i).(*array.String), rec.Column(4+2*i).(*array.String)
		for j := range n {
			var xv, yv string
			if x.IsValid(j) {
				xv = x.Value(j)
			}
			if y.IsValid(j) {
				yv = y.Value(j)
			}
			_, l := compare(f.Compare, xv, yv)
			p[j] = p[j].with(i, l)
		}
	}
	return a, b, rules, p
}

// ruleCounts counts candidate pairs by the rules that found them and
// their agreement pattern.
type ruleCounts map[[2]uint64]int64

// score computes every candidate pair's pattern, keeps (a, b, pattern)
// in a table and counts the distinct (rules, pattern) combinations.
func (r *runner) score(ctx context.Context) (ruleCounts, error) {
	var err error
	if r.scored, err = r.table(ctx, "plumb_dedupe_scored", "(a BIGINT, b BIGINT, pattern UBIGINT)"); err != nil {
		return nil, err
	}
	app, err := r.db.NewAppender(ctx, r.scored)
	if err != nil {
		return nil, err
	}
	counts := ruleCounts{}
	err = r.patterns(ctx, r.pairQuery(engine.Ident(r.pairs), ""), func(a, b []int64, rules []uint64, p []pattern) error {
		for j := range a {
			counts[[2]uint64{rules[j], uint64(p[j])}]++
			if err := app.Append(a[j], b[j], uint64(p[j])); err != nil {
				return err
			}
		}
		return nil
	})
	return counts, errors.Join(err, app.Close())
}

// train estimates u from random record pairs, then m the way splink
// does: one EM session per blocking rule over the pairs it found, with
// the fields the rule made agree left out, each field's m averaged over
// the sessions that learned it; last, lambda over all candidate pairs.
func (r *runner) train(ctx context.Context, counts ruleCounts) error {
	sample := min(r.res.Records, 200_000)
	seed := r.opts.Seed % 1_000_000
	q := fmt.Sprintf("(SELECT x.rid AS a, y.rid AS b, 0::UBIGINT AS rules FROM (SELECT rid, row_number() OVER () AS i FROM (SELECT rid FROM %[1]s USING SAMPLE reservoir(%[2]d ROWS) REPEATABLE (%[3]d))) x "+
		"JOIN (SELECT rid, row_number() OVER () AS i FROM (SELECT rid FROM %[1]s USING SAMPLE reservoir(%[2]d ROWS) REPEATABLE (%[4]d))) y ON x.i = y.i AND x.rid <> y.rid)",
		engine.Ident(r.norm), sample, seed+1, seed+2)
	random := map[pattern]int64{}
	err := r.patterns(ctx, r.pairQuery(q, ""), func(_, _ []int64, _ []uint64, p []pattern) error {
		for _, x := range p {
			random[x]++
		}
		return nil
	})
	if err != nil {
		return err
	}
	nf := len(r.cfg.Fields)
	r.md = newModel(nf, random)
	var sum [][numLevels]float64 = make([][numLevels]float64, nf)
	sessions := make([]int, nf)
	var matches float64 // matching pairs found by the most productive rule
	for i, rule := range r.cfg.Blocking {
		byPattern := map[pattern]int64{}
		for k, n := range counts {
			if k[0]&(1<<i) != 0 {
				byPattern[pattern(k[1])] += n
			}
		}
		// Fields the rule makes agree carry no evidence among its pairs:
		// those its keys name, and those that agree exactly on nearly all
		// of its pairs anyway (a name inside an email address).
		used := r.fieldsIn(rule)
		for f, share := range exactShares(byPattern, nf) {
			used[f] = used[f] || share >= 0.95
		}
		learn := make([]bool, nf)
		for f := range learn {
			learn[f] = !used[f]
		}
		md := newModel(nf, random)
		r.res.EMIterations += md.train(without(byPattern, used), learn, 200)
		var pairs int64
		for _, n := range byPattern {
			pairs += n
		}
		matches = max(matches, md.lambda*float64(pairs))
		for f := range nf {
			if learn[f] {
				for l := range numLevels {
					sum[f][l] += md.m[f][l]
				}
				sessions[f]++
			}
		}
	}
	for f := range nf {
		if sessions[f] > 0 {
			for l := LevelExact; l < numLevels; l++ {
				r.md.m[f][l] = sum[f][l] / float64(sessions[f])
			}
		}
	}
	// The prior is the chance that two random records match, not that a
	// candidate pair does: blocking already chose pairs that agree, and
	// that agreement is counted again by the fields' weights.
	n := float64(r.res.Records)
	if all := n * (n - 1) / 2; all > 0 {
		r.md.lambda = clampPrior(math.Max(matches, 1) / all)
	}
	r.res.Lambda = r.md.lambda
	for i, f := range r.cfg.Fields {
		fm := FieldModel{Column: f.Column, Compare: f.Compare}
		for l := range numLevels {
			fm.Levels = append(fm.Levels, LevelModel{Level: LevelNames[l], M: round(r.md.m[i][l]), U: round(r.md.u[i][l]), Weight: round(r.md.fieldWeight(i, l))})
		}
		r.res.Model = append(r.res.Model, fm)
	}
	return nil
}

// exactShares is, per field, the share of pairs whose values agree
// exactly, among pairs where both are present.
func exactShares(counts map[pattern]int64, nf int) []float64 {
	out := make([]float64, nf)
	for f := range nf {
		var exact, present int64
		for p, n := range counts {
			switch p.level(f) {
			case LevelNull:
			case LevelExact:
				exact += n
				present += n
			default:
				present += n
			}
		}
		if present > 0 {
			out[f] = float64(exact) / float64(present)
		}
	}
	return out
}

// fieldsIn says which fields a blocking rule's keys mention.
func (r *runner) fieldsIn(rule []string) []bool {
	used := make([]bool, len(r.cfg.Fields))
	for f, fl := range r.cfg.Fields {
		re := regexp.MustCompile(`(?i)(^|[^A-Za-z0-9_])"?` + regexp.QuoteMeta(fl.Column) + `"?($|[^A-Za-z0-9_])`)
		for _, k := range rule {
			if re.MatchString(k) {
				used[f] = true
			}
		}
	}
	return used
}

func round(f float64) float64 { return math.Round(f*1e6) / 1e6 }

// linkPatterns writes the patterns at or over the threshold, with their
// weights, to a table.
func (r *runner) linkPatterns(ctx context.Context, threshold float64) (string, error) {
	if r.links != "" {
		return r.links, nil
	}
	pt, err := r.table(ctx, "plumb_dedupe_patterns", "(pattern UBIGINT, weight DOUBLE, prob DOUBLE)")
	if err != nil {
		return "", err
	}
	rows, err := r.db.QueryContext(ctx, "SELECT DISTINCT pattern FROM "+engine.Ident(r.scored))
	if err != nil {
		return "", err
	}
	var pats []pattern
	for rows.Next() {
		var p uint64
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return "", err
		}
		pats = append(pats, pattern(p))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", err
	}
	app, err := r.db.NewAppender(ctx, pt)
	if err != nil {
		return "", err
	}
	for _, p := range pats {
		if pr := r.md.prob(p); pr >= threshold {
			if err := app.Append(uint64(p), r.md.weight(p), pr); err != nil {
				app.Close()
				return "", err
			}
		}
	}
	r.links = pt
	return pt, app.Close()
}

// cluster links pairs over the threshold and finds connected components
// with union-find; it returns the table of (rid, cluster_id, cluster_size).
func (r *runner) cluster(ctx context.Context, threshold float64) (string, error) {
	pt, err := r.linkPatterns(ctx, threshold)
	if err != nil {
		return "", err
	}
	n := r.res.Records
	parent := make([]int32, n+1)
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	var links []link // linked pairs are few; kept to judge clusters' weakest links
	rows, err := r.db.QueryContext(ctx, "SELECT s.a, s.b, p.weight FROM "+engine.Ident(r.scored)+" s JOIN "+engine.Ident(pt)+" p USING (pattern)")
	if err != nil {
		return "", err
	}
	for rows.Next() {
		var l link
		if err := rows.Scan(&l.a, &l.b, &l.w); err != nil {
			rows.Close()
			return "", err
		}
		links = append(links, l)
		if ra, rb := find(l.a), find(l.b); ra != rb {
			if ra < rb {
				parent[rb] = ra
			} else {
				parent[ra] = rb
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", err
	}
	r.res.Links = int64(len(links))
	minWeight := math.Log2(threshold / (1 - threshold))
	// Cluster ids are the smallest record number of each cluster: unions
	// always keep the smaller root.
	size := make(map[int32]int64)
	for i := int32(1); i <= int32(n); i++ {
		root := find(i)
		parent[i] = root
		size[root]++
	}
	bySize := map[int64]int64{}
	for _, s := range size {
		bySize[s]++
	}
	r.res.Clusters = int64(len(size))
	for s, c := range bySize {
		r.res.ClusterSizes = append(r.res.ClusterSizes, SizeCount{Size: s, Clusters: c})
	}
	slices.SortFunc(r.res.ClusterSizes, func(x, y SizeCount) int { return int(x.Size - y.Size) })
	if n > 0 {
		r.res.DuplicateShare = float64(n-r.res.Clusters) / float64(n)
	}
	// Weak links: a cluster whose weakest link barely clears the threshold
	// (within 3 bits of it) while its links average 10 bits (a thousand
	// times the odds) more: one weak link may be chaining two entities.
	type stat struct {
		min, sum float64
		n        int
	}
	stats := map[int32]*stat{}
	for _, l := range links {
		root := parent[l.a]
		s := stats[root]
		if s == nil {
			s = &stat{min: math.Inf(1)}
			stats[root] = s
		}
		s.min = math.Min(s.min, l.w)
		s.sum += l.w
		s.n++
	}
	for root, s := range stats {
		avg := s.sum / float64(s.n)
		if s.n >= 2 && s.min < minWeight+3 && avg-s.min >= 10 {
			r.res.WeakClusters = append(r.res.WeakClusters, WeakCluster{Cluster: int64(root), Size: size[root], MinWeight: round(s.min), AvgWeight: round(avg)})
		}
	}
	slices.SortFunc(r.res.WeakClusters, func(x, y WeakCluster) int {
		return int(x.Cluster - y.Cluster)
	})
	if err := r.topClusters(ctx, parent, size, links); err != nil {
		return "", fmt.Errorf("top clusters: %w", err)
	}
	ct, err := r.table(ctx, "plumb_dedupe_clusters", "(rid BIGINT, cluster_id BIGINT, cluster_size BIGINT)")
	if err != nil {
		return "", err
	}
	app, err := r.db.NewAppender(ctx, ct)
	if err != nil {
		return "", err
	}
	for i := int32(1); i <= int32(n); i++ {
		root := parent[i]
		if err := app.Append(int64(i), int64(root), size[root]); err != nil {
			app.Close()
			return "", err
		}
	}
	return ct, app.Close()
}

// numbered is the source with its record numbers, as normalize gave them.
func (r *runner) numbered() string {
	return "(SELECT row_number() OVER () AS rid, * FROM " + engine.Ident(r.t.Name) + ")"
}

// accuracy scores the clusters against the truth column, pairwise and
// with B-cubed.
func (r *runner) accuracy(ctx context.Context, clusters string) (*Accuracy, error) {
	a := &Accuracy{Column: r.opts.Truth}
	q := `WITH j AS (SELECT c.cluster_id, CAST(s.` + engine.Ident(r.opts.Truth) + ` AS VARCHAR) AS label FROM ` + engine.Ident(clusters) + ` c JOIN ` + r.numbered() + ` s USING (rid)),
		cl AS (SELECT cluster_id, count(*) AS n FROM j GROUP BY ALL),
		lb AS (SELECT label, count(*) AS n FROM j GROUP BY ALL),
		cl_lb AS (SELECT cluster_id, label, count(*) AS n FROM j GROUP BY ALL)
	SELECT (SELECT sum(n * (n - 1) // 2) FROM lb)::BIGINT, (SELECT sum(n * (n - 1) // 2) FROM cl)::BIGINT, (SELECT sum(n * (n - 1) // 2) FROM cl_lb)::BIGINT,
		(SELECT sum(b.n * b.n / c.n) / sum(b.n) FROM cl_lb b JOIN cl c USING (cluster_id)),
		(SELECT sum(b.n * b.n / l.n) / sum(b.n) FROM cl_lb b JOIN lb l USING (label))`
	if err := r.db.QueryRowContext(ctx, q).Scan(&a.TruePairs, &a.PredictedPairs, &a.TruePositivePairs, &a.B3Precision, &a.B3Recall); err != nil {
		return nil, err
	}
	a.Precision, a.Recall = ratio(a.TruePositivePairs, a.PredictedPairs), ratio(a.TruePositivePairs, a.TruePairs)
	a.F1 = f1(a.Precision, a.Recall)
	a.B3F1 = f1(a.B3Precision, a.B3Recall)
	for _, p := range []*float64{&a.Precision, &a.Recall, &a.F1, &a.B3Precision, &a.B3Recall, &a.B3F1} {
		*p = round(*p)
	}
	return a, nil
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// writeClusters writes every record with its cluster: no record is lost.
func (r *runner) writeClusters(ctx context.Context, clusters string) error {
	q := "SELECT s.* EXCLUDE (rid), c.cluster_id, c.cluster_size FROM " + r.numbered() + " s JOIN " + engine.Ident(clusters) + " c USING (rid) ORDER BY c.rid"
	return r.db.CopyQuery(ctx, q, r.opts.ClustersPath)
}

// pairRow is one linked pair with the explanation of its match.
type pairRow struct {
	A      string      `parquet:"a"`
	B      string      `parquet:"b"`
	Weight float64     `parquet:"weight"`
	Prob   float64     `parquet:"probability"`
	Fields []pairField `parquet:"fields"`
}

type pairField struct {
	Column     string  `parquet:"column"`
	A          *string `parquet:"a,optional"`
	B          *string `parquet:"b,optional"`
	Similarity float64 `parquet:"similarity"`
	Level      string  `parquet:"level"`
	Weight     float64 `parquet:"weight"`
}

// writePairs writes the linked pairs, field by field, from Go: Parquet
// through parquet-go, or CSV with a row per pair and a similarity, level
// and weight column per field.
func (r *runner) writePairs(ctx context.Context, threshold float64) error {
	idExpr := "rid"
	if r.cfg.ID != "" {
		idExpr = "CAST(" + engine.Ident(r.cfg.ID) + " AS VARCHAR)"
	}
	// The record ids are numbered once and joined to both sides of a pair.
	ids := "WITH ids AS MATERIALIZED (SELECT rid, " + idExpr + " AS id FROM " + r.numbered() + ") "
	pt, err := r.linkPatterns(ctx, threshold)
	if err != nil {
		return err
	}
	sel := []string{"CAST(ia.id AS VARCHAR)", "CAST(ib.id AS VARCHAR)", "s.pattern"}
	for i := range r.cfg.Fields {
		sel = append(sel, "x."+r.fieldCol(i), "y."+r.fieldCol(i))
	}
	q := ids + "SELECT " + strings.Join(sel, ", ") + " FROM " + engine.Ident(r.scored) + " s JOIN " + engine.Ident(pt) + " USING (pattern) JOIN " +
		engine.Ident(r.norm) + " x ON x.rid = s.a JOIN " + engine.Ident(r.norm) + " y ON y.rid = s.b JOIN ids ia ON ia.rid = s.a JOIN ids ib ON ib.rid = s.b ORDER BY s.a, s.b"
	rr, err := r.db.QueryArrow(ctx, q)
	if err != nil {
		return fmt.Errorf("linked pairs: %w", err)
	}
	defer rr.Release()
	f, err := os.Create(r.opts.PairsPath)
	if err != nil {
		return err
	}
	defer f.Close()
	parquetOut := strings.EqualFold(filepath.Ext(r.opts.PairsPath), ".parquet")
	var pw *parquet.GenericWriter[pairRow]
	var cw *csv.Writer
	if parquetOut {
		pw = parquet.NewGenericWriter[pairRow](f)
	} else {
		cw = csv.NewWriter(f)
		head := []string{"a", "b", "weight", "probability"}
		for _, fl := range r.cfg.Fields {
			c := fl.Column
			head = append(head, c+"_a", c+"_b", c+"_similarity", c+"_level", c+"_weight")
		}
		cw.Write(head)
	}
	for rr.Next() {
		rec := rr.RecordBatch()
		as, bs := rec.Column(0).(*array.String), rec.Column(1).(*array.String)
		ps := rec.Column(2).(*array.Uint64)
		batch := make([]pairRow, 0, rec.NumRows())
		for j := 0; j < int(rec.NumRows()); j++ {
			p := pattern(ps.Value(j))
			row := pairRow{A: as.Value(j), B: bs.Value(j), Weight: round(r.md.weight(p)), Prob: round(r.md.prob(p))}
			for i, fl := range r.cfg.Fields {
				x, y := rec.Column(3+2*i).(*array.String), rec.Column(4+2*i).(*array.String)
				var xv, yv *string
				if x.IsValid(j) {
					v := x.Value(j)
					xv = &v
				}
				if y.IsValid(j) {
					v := y.Value(j)
					yv = &v
				}
				sim, l := compare(fl.Compare, deref(xv), deref(yv))
				row.Fields = append(row.Fields, pairField{Column: fl.Column, A: xv, B: yv, Similarity: round(sim), Level: LevelNames[l], Weight: round(r.md.fieldWeight(i, l))})
			}
			batch = append(batch, row)
		}
		if parquetOut {
			if _, err := pw.Write(batch); err != nil {
				return fmt.Errorf("write %s: %w", r.opts.PairsPath, err)
			}
			continue
		}
		for _, row := range batch {
			rec := []string{row.A, row.B, ftoa(row.Weight), ftoa(row.Prob)}
			for _, pf := range row.Fields {
				rec = append(rec, deref(pf.A), deref(pf.B), ftoa(pf.Similarity), pf.Level, ftoa(pf.Weight))
			}
			cw.Write(rec)
		}
	}
	if err := rr.Err(); err != nil {
		return err
	}
	if parquetOut {
		err = pw.Close()
	} else {
		cw.Flush()
		err = cw.Error()
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", r.opts.PairsPath, err)
	}
	return f.Close()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
