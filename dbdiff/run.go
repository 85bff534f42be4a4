//go:build duckdb_arrow

package dbdiff

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/engine/dbsource"
	"github.com/plumb-data/plumb/reconcile"
	"github.com/plumb-data/plumb/source"
)

// ErrStrategy is the error for a strategy the options rule out (a
// keyless diff asked to bisect).
var ErrStrategy = errors.New("dbdiff: strategy not possible")

// smallRows is the size below which auto pulls: reading the rows costs
// less than planning.
const smallRows = 100_000

// Run diffs src against tgt with the strategy opts ask for (or, for
// Auto, the one their sizes and places call for), and returns the result
// of the comparison, the same result reconcile.Run gives for the whole
// tables, and the plan it followed.
func Run(ctx context.Context, db *engine.DB, src, tgt source.Source, opts Options) (*reconcile.Result, *Plan, error) {
	start := time.Now()
	if opts.Strategy == "" {
		opts.Strategy = Auto
	}
	if opts.Load == nil {
		opts.Load = func(ctx context.Context, db *engine.DB, s source.Source) (*engine.Table, error) {
			return db.Load(ctx, s, engine.LoadOptions{Raw: true})
		}
	}
	r := &run{db: db, opts: opts, plan: &Plan{Asked: opts.Strategy}, mu: &sync.Mutex{}}
	r.plan.Sides[0].Source, r.plan.Sides[1].Source = src.Spec, tgt.Spec
	defer r.close()
	res, err := r.run(ctx, [2]source.Source{src, tgt})
	r.plan.Elapsed = time.Since(start)
	if err != nil {
		return nil, r.plan, err
	}
	return res, r.plan, nil
}

type run struct {
	db    *engine.DB
	opts  Options
	plan  *Plan
	mu    *sync.Mutex
	sides [2]*side
	// fields are the compared columns, keys first.
	fields []*field
	// drop are DuckDB tables made along the way.
	drop []string
	// local are the sides read whole already (files, SQLite files), which
	// pull need not read again.
	local [2]*engine.Table
}

func (r *run) close() {
	for _, s := range r.sides {
		if s != nil && s.conn != nil {
			s.conn.Close()
		}
	}
	r.dropTables(context.Background())
}

// dropLater has tables dropped when the run ends (or, in merge, when
// the segment has been compared); it may be called from both sides'
// goroutines.
func (r *run) dropLater(tables ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, t := range tables {
		if t != "" {
			r.drop = append(r.drop, t)
		}
	}
}

func (r *run) dropTables(ctx context.Context) {
	for _, t := range r.drop {
		r.db.ExecContext(ctx, "DROP TABLE IF EXISTS "+engine.Ident(t))
	}
	r.drop = nil
}

func (r *run) log(format string, args ...any) {
	if r.opts.Log != nil {
		r.opts.Log(fmt.Sprintf(format, args...))
	}
}

func (r *run) progress(stage string) {
	if r.opts.Reconcile.Progress != nil {
		r.opts.Reconcile.Progress(stage)
	}
}

func (r *run) run(ctx context.Context, srcs [2]source.Source) (*reconcile.Result, error) {
	asked := r.opts.Strategy
	why, possible := r.staticReason(srcs)
	if !possible {
		if asked != Auto && asked != Pull {
			return nil, fmt.Errorf("%w: --strategy %s: %s", ErrStrategy, asked, why)
		}
		return r.pull(ctx, srcs, why)
	}
	if asked == Pull {
		return r.pull(ctx, srcs, "asked")
	}
	if asked == Auto && r.onThisHost(srcs) {
		// Decided before any query: planning would only cost time.
		return r.pull(ctx, srcs, "the servers run on this host, where sending rows costs less than checksumming them; --remote (or --strategy bisect) when the link is slow")
	}
	if err := r.open(ctx, srcs); err != nil {
		return nil, err
	}
	if why, ok := r.columns(ctx); !ok {
		if asked != Auto {
			return nil, fmt.Errorf("%w: --strategy %s: %s", ErrStrategy, asked, why)
		}
		r.plan.Warnings = nil
		r.closeSides()
		return r.pull(ctx, srcs, why)
	}
	if err := r.both(ctx, func(ctx context.Context, s *side) error { return s.count(ctx) }); err != nil {
		return nil, err
	}
	for i, s := range r.sides {
		r.plan.Sides[i].Rows = s.rows
	}
	strategy, why := asked, "asked"
	if asked == Auto {
		strategy, why = r.choose(srcs)
	}
	if strategy == Merge && r.opts.Reconcile.DiffsPath != "" {
		if asked == Merge {
			return nil, fmt.Errorf("%w: --strategy merge compares a segment at a time and cannot write --diffs; use bisect or pull", ErrStrategy)
		}
		strategy, why = Bisect, why+"; --diffs needs one comparison"
	}
	switch strategy {
	case Pull:
		r.plan.Warnings = nil
		r.closeSides()
		return r.pull(ctx, srcs, why)
	case Merge:
		r.plan.Warnings = nil // the checksum's, and merge has none
		r.decided(Merge, why)
		return r.merge(ctx)
	}
	r.plan.Policy = r.opts.Policy.String()
	r.decided(Bisect, why)
	res, err := r.bisect(ctx, asked == Auto)
	if errors.Is(err, errTooDifferent) {
		r.plan.Warnings = nil
		r.closeSides()
		return r.pull(ctx, srcs, err.Error())
	}
	return res, err
}

func (r *run) decided(s Strategy, why string) {
	r.plan.Strategy, r.plan.Reason = s, why
	r.log("diff strategy %s: %s", s, why)
	if s == Bisect {
		r.log("checksum encoding: %s", r.plan.Policy)
	}
}

// staticReason says why only pull can do this diff, from the options and
// the sources alone; possible is false then.
func (r *run) staticReason(srcs [2]source.Source) (why string, possible bool) {
	o := r.opts.Reconcile
	server := false
	for _, s := range srcs {
		server = server || s.Format == source.FormatPostgres || s.Format == source.FormatMySQL
	}
	switch {
	case !server:
		return "no side is on a database server", false
	case len(o.Keys) == 0:
		return "merge and bisect need --key", false
	case len(o.GroupBy) > 0:
		return "merge and bisect do not aggregate (--group-by)", false
	case o.Where != "" || o.SourceWhere != "" || o.TargetWhere != "":
		return "filters (--where) are DuckDB SQL, run where the rows are read", false
	}
	for _, p := range o.Mapping {
		if p.Expr {
			return "a mapping's transformations are DuckDB SQL, run where the rows are read", false
		}
	}
	return "", true
}

// open reaches each side: a connection to a server, or the whole side
// read into DuckDB when it is a file or a SQLite file; and its columns.
func (r *run) open(ctx context.Context, srcs [2]source.Source) error {
	for i, src := range srcs {
		s := &side{idx: i, src: src, plan: r.plan, keep: r.opts.KeepQueries, mu: r.mu, traffic: &dbsource.Traffic{}}
		r.sides[i] = s
		tctx := dbsource.WithTraffic(ctx, s.traffic)
		if src.Format != source.FormatPostgres && src.Format != source.FormatMySQL {
			t, err := r.opts.Load(ctx, r.db, src)
			if err != nil {
				return err
			}
			r.local[i] = t
			s.local, s.probe, s.d, s.conn = t, t, duckdb{}, duckConn{r.db}
			s.base = "SELECT * FROM " + engine.Ident(t.Name)
			r.plan.Sides[i].Where = "local"
			continue
		}
		r.plan.Sides[i].Where = "server"
		s.d = postgres{}
		if src.Format == source.FormatMySQL {
			s.d = mysql{}
		}
		s.base = baseQuery(src.Database, s.d)
		conn, err := dbsource.ConnectText(tctx, src.Database)
		if err != nil {
			return fmt.Errorf("%s: %w", src.Spec, err)
		}
		s.conn = conn
		if s.probe, err = r.fetchWhere(tctx, s, "1 = 0"); err != nil {
			return err
		}
	}
	return nil
}

func (r *run) closeSides() {
	r.finish()
	for i, s := range r.sides {
		if s != nil && s.conn != nil {
			s.conn.Close()
		}
		r.sides[i] = nil
	}
	r.dropTables(context.Background())
}

// baseQuery is the SELECT of a server side's rows.
func baseQuery(d *source.Database, dl dialect) string {
	if d.Query != "" {
		return strings.TrimRight(strings.TrimSpace(d.Query), "; \t\r\n")
	}
	parts := make([]string, len(d.Table))
	for i, p := range d.Table {
		parts[i] = dl.ident(p)
	}
	return "SELECT * FROM " + strings.Join(parts, ".")
}

// columns pairs the columns as reconcile would, decides each pair's
// encoding and each key's kind; ok is false, with why, when a column
// cannot be compared where the rows are.
func (r *run) columns(ctx context.Context) (why string, ok bool) {
	for _, s := range r.sides {
		if s.local != nil && s.local.Format == source.FormatCSV {
			return s.src.Spec + " is delimited text, compared as written only when read whole", false
		}
	}
	o := r.opts.Reconcile
	keys, cols, err := reconcile.Columns(ctx, r.db, r.sides[0].probe, r.sides[1].probe, o)
	if err != nil {
		return err.Error(), false
	}
	name := func(t *engine.Table, n string) (string, bool) {
		for _, c := range t.Columns {
			if strings.EqualFold(c.Name, n) {
				return c.Name, true
			}
		}
		return "", false
	}
	for i, c := range append(keys, cols...) {
		if c.Expr {
			return "column " + c.Target + " is a transformation, DuckDB SQL run where the rows are read", false
		}
		f := &field{target: c.Target, types: [2]string{c.SourceType, c.TargetType}, key: i < len(keys)}
		var ok0, ok1 bool
		f.cols[0], ok0 = name(r.sides[0].probe, c.Source)
		f.cols[1], ok1 = name(r.sides[1].probe, c.Target)
		if !ok0 || !ok1 {
			return "column " + c.Target + " is not a column on both sides", false
		}
		if w := f.decide(r.opts.Policy); w != "" {
			r.plan.Warnings = append(r.plan.Warnings, w)
		}
		has := func(set reconcile.ColumnSet) bool { return set.Has(c.Target) || set.Has(c.Source) }
		f.trim, f.lower, f.nullEmpty = has(o.Trim), has(o.IgnoreCase), has(o.NullEqualsEmpty)
		if f.key {
			k := keyKindOf(c.SourceType, c.TargetType)
			if k == keyNone {
				return fmt.Sprintf("key %s is %s beside %s, which the two sides do not order alike", c.Target, c.SourceType, c.TargetType), false
			}
			for j, s := range r.sides {
				s.keys = append(s.keys, f.cols[j])
				s.types = append(s.types, f.types[j])
				s.kinds = append(s.kinds, k)
			}
		}
		r.fields = append(r.fields, f)
	}
	return "", true
}

// choose is auto's strategy once the sides are counted: pull when the
// tables are small, else bisect, which first probes a sample of
// segments and gives up to pull when most differ. (Servers on this host
// were sent to pull before counting: there a checksum costs the server
// more than sending the rows, measured, see docs/dbdiff.md.)
func (r *run) choose(srcs [2]source.Source) (Strategy, string) {
	n := max(r.sides[0].rows, r.sides[1].rows)
	small := int64(smallRows)
	if r.opts.smallRows > 0 {
		small = r.opts.smallRows
	}
	if n < small {
		return Pull, fmt.Sprintf("%d rows at most on a side: reading them costs less than checksums", n)
	}
	return Bisect, fmt.Sprintf("%d rows on a side across a network link: checksums move less than rows", n)
}

// onThisHost says whether every server side runs on this host (loopback
// or a socket) and Options.Remote does not say otherwise.
func (r *run) onThisHost(srcs [2]source.Source) bool {
	if r.opts.Remote {
		return false
	}
	for _, s := range srcs {
		if (s.Format == source.FormatPostgres || s.Format == source.FormatMySQL) && !s.Database.OnThisHost() {
			return false
		}
	}
	return true
}

// both runs fn on both sides at once: they are different servers.
func (r *run) both(ctx context.Context, fn func(ctx context.Context, s *side) error) error {
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, s := range r.sides {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fn(dbsource.WithTraffic(ctx, s.traffic), s)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// pull reads both sides whole and compares them.
func (r *run) pull(ctx context.Context, srcs [2]source.Source, why string) (*reconcile.Result, error) {
	r.decided(Pull, why)
	var tables [2]*engine.Table
	for i, src := range srcs {
		tr := &dbsource.Traffic{}
		t := r.local[i]
		if t == nil {
			var err error
			if t, err = r.opts.Load(dbsource.WithTraffic(ctx, tr), r.db, src); err != nil {
				return nil, err
			}
		}
		tables[i] = t
		st := &r.plan.Sides[i]
		st.Rows, st.RowsMoved = t.RowsRead, st.RowsMoved+t.RowsRead
		// Added to what planning moved, if it went before (finish).
		st.BytesRead += tr.Read.Load()
		st.BytesWritten += tr.Written.Load()
		st.Where = "local"
		if src.Format == source.FormatPostgres || src.Format == source.FormatMySQL {
			st.Where = "server"
		}
	}
	if err := r.db.Confine(ctx); err != nil {
		return nil, err
	}
	return reconcile.Run(ctx, r.db, tables[0], tables[1], r.opts.Reconcile)
}

// fetchWhere reads the rows of a server side that cond selects.
func (r *run) fetchWhere(ctx context.Context, s *side, cond string) (*engine.Table, error) {
	if s.local != nil {
		name := r.db.TempName("plumb_dbdiff_rows")
		if _, err := r.db.ExecContext(ctx, "CREATE TABLE "+engine.Ident(name)+" AS SELECT * FROM "+s.from()+" WHERE "+cond); err != nil {
			return nil, fmt.Errorf("%s: %w", s.src.Spec, err)
		}
		r.dropLater(name)
		n, err := r.db.Count(ctx, name)
		if err != nil {
			return nil, err
		}
		t := &engine.Table{Name: name, Account: s.local.Account}
		t.RowsRead, t.RowsLoaded, t.RowsRejected = n, n, 0
		return t, nil
	}
	ctx = dbsource.WithTraffic(ctx, s.traffic)
	d := *s.src.Database
	d.Table, d.Query = nil, "SELECT * FROM "+s.from()+" WHERE "+cond
	start := time.Now()
	t, err := r.db.Load(ctx, source.Source{Spec: s.src.Spec, Format: s.src.Format, Database: &d}, engine.LoadOptions{})
	if err != nil {
		return nil, err
	}
	r.dropLater(t.Name, t.RejectsTable)
	t.Source = s.src.Spec
	r.mu.Lock()
	s.stats().RowsMoved += t.RowsRead
	s.stats().Queries++
	rec := Query{Side: s.idx, Kind: "fetch", Rows: t.RowsRead, Elapsed: time.Since(start)}
	if s.keep {
		rec.SQL = d.Query
	}
	r.plan.Queries = append(r.plan.Queries, rec)
	r.mu.Unlock()
	return t, nil
}

// finish puts the bytes each side moved in the plan.
func (r *run) finish() {
	for i, s := range r.sides {
		if s != nil && s.traffic != nil {
			r.plan.Sides[i].BytesRead, r.plan.Sides[i].BytesWritten = s.traffic.Read.Load(), s.traffic.Written.Load()
		}
	}
}
