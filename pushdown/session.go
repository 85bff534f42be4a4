//go:build duckdb_arrow

package pushdown

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/plumb-data/plumb/dialect"
	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/engine/dbsource"
	"github.com/plumb-data/plumb/result"
	"github.com/plumb-data/plumb/source"
)

// session runs a plan's queries on one connection and keeps the
// account of what was computed where.
type session struct {
	p    *Plan
	conn *dbsource.Conn
	info *result.Pushdown
	// total is the source's rows, counted in the database.
	total int64
	ctx   context.Context
}

func open(ctx context.Context, p *Plan) (*session, error) {
	if !p.Push {
		return nil, fmt.Errorf("pushdown: not planned (%s)", p.Reason)
	}
	conn, err := dbsource.Connect(ctx, p.Source.Database)
	if err != nil {
		return nil, err
	}
	s := &session{p: p, conn: conn, ctx: ctx, info: &result.Pushdown{Database: p.Catalog.Server, Dialect: p.Dialect.Name, Reason: p.Reason}}
	if err := s.one(ctx, dialect.Select{Items: []dialect.Expr{dialect.CountAll()}, From: p.from()}, &s.total); err != nil {
		conn.Close()
		return nil, err
	}
	return s, nil
}

func (s *session) close() error { return s.conn.Close() }

// query runs q and hands each row to scan; every row counts as moved.
func (s *session) query(ctx context.Context, q dialect.Select, scan func(rows *sql.Rows) error) error {
	text, err := s.p.Dialect.Render(q)
	if err != nil {
		return err
	}
	s.info.Queries++
	rows, err := s.conn.QueryContext(ctx, text)
	if err != nil {
		return s.err(err)
	}
	defer rows.Close()
	for rows.Next() {
		s.info.RowsMoved++
		if err := scan(rows); err != nil {
			return s.err(err)
		}
	}
	return s.err(rows.Err())
}

// one runs a query of one row into dst.
func (s *session) one(ctx context.Context, q dialect.Select, dst ...any) error {
	found := false
	err := s.query(ctx, q, func(rows *sql.Rows) error {
		found = true
		return rows.Scan(dst...)
	})
	if err == nil && !found {
		err = fmt.Errorf("no row")
	}
	return err
}

func (s *session) err(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s in the database (%s): %s", s.p.Source.Spec, s.p.Catalog.Server, source.Redact(err.Error()))
}

// note records how a metric was computed, for some columns or all.
func (s *session) note(metric, where string, cols ...string) {
	for i, m := range s.info.Metrics {
		if m.Metric == metric && m.Computed == where && (len(m.Columns) == 0) == (len(cols) == 0) {
			s.info.Metrics[i].Columns = append(s.info.Metrics[i].Columns, cols...)
			return
		}
	}
	s.info.Metrics = append(s.info.Metrics, result.PushdownMetric{Metric: metric, Computed: where, Columns: cols})
}

// sample loads the rows the metrics that cannot be pushed down are
// computed on: the whole source when it has no more than SampleRows
// rows, else a reproducible sample of about that many.
func (s *session) sample(ctx context.Context, db *engine.DB, opts engine.LoadOptions) (*engine.Table, error) {
	p := s.p
	n := p.opts.sampleRows()
	d := *p.Source.Database
	base := dialect.Select{Items: []dialect.Expr{dialect.Star()}, From: p.from()}
	switch {
	case s.total <= n:
		// Every row, numbered as the database numbers failing rows.
		s.info.SampleRows = s.total
		for _, k := range s.order() {
			base.OrderBy = append(base.OrderBy, dialect.Order{X: k})
		}
	case p.Source.Database.Query == "" && p.Dialect.Caps.Sample:
		base.From = base.From.Sample(float64(n)/float64(s.total), p.opts.seed())
		s.info.Sampled = fmt.Sprintf("a reproducible sample of about %d rows (seed %d)", n, p.opts.seed())
	default:
		base.Limit = n
		s.info.Sampled = fmt.Sprintf("the first %d rows the database returns", n)
	}
	q, err := p.Dialect.Render(base)
	if err != nil {
		return nil, err
	}
	d.Query, d.Table = q, nil
	src := p.Source
	src.Database = &d
	t, err := db.Load(ctx, src, opts)
	if err != nil {
		return nil, err
	}
	if s.info.Sampled != "" {
		s.info.SampleRows = t.RowsRead
	}
	s.info.RowsMoved += t.RowsRead
	t.Source = p.Source.Spec
	return t, nil
}

func progress(f func(string), stage string) {
	if f != nil {
		f(stage)
	}
}
