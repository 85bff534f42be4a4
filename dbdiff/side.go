//go:build duckdb_arrow

package dbdiff

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/engine/dbsource"
	"github.com/plumb-data/plumb/source"
)

// Loader reads a whole source into DuckDB (see Options.Load).
type Loader func(ctx context.Context, db *engine.DB, src source.Source) (*engine.Table, error)

// querier runs the queries plumb writes on a side, reading every value
// as text.
type querier interface {
	Query(ctx context.Context, q string, fn func(row []*string) error) error
	Close() error
}

// side is one side of a diff where its rows are: a database server
// (queried through dbsource.ConnectText) or DuckDB (a file or SQLite file
// loaded whole where plumb runs).
type side struct {
	idx     int
	src     source.Source
	d       dialect
	conn    querier
	base    string // the SELECT of the side's rows, aliased q by callers
	traffic *dbsource.Traffic
	// local is the loaded table of a side read where plumb runs.
	local *engine.Table
	// probe is the side's columns and types as plumb loads them (an
	// empty load of a server's side; the table of a local one).
	probe *engine.Table
	// keys are the side's key columns, kinds their kinds (shared).
	keys  []string
	types []string
	kinds []keyKind
	plan  *Plan
	mu    *sync.Mutex // guards plan
	keep  bool
	// rows and nullKeys count the side's rows and those with a NULL key
	// part.
	rows, nullKeys int64
}

func (s *side) stats() *Side { return &s.plan.Sides[s.idx] }

// query runs q on the side, accounting for it in the plan.
func (s *side) query(ctx context.Context, kind, q string, fn func(row []*string) error) error {
	start := time.Now()
	var n int64
	err := s.conn.Query(ctx, q, func(row []*string) error { n++; return fn(row) })
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats()
	st.Queries++
	switch kind {
	case "cuts":
		st.KeysMoved += n
	default:
		st.ResultRows += n
	}
	rec := Query{Side: s.idx, Kind: kind, Rows: n, Elapsed: time.Since(start)}
	if s.keep {
		rec.SQL = q
	}
	s.plan.Queries = append(s.plan.Queries, rec)
	if err != nil {
		return fmt.Errorf("%s: %s query: %w", s.src.Spec, kind, err)
	}
	return nil
}

// from is the FROM clause of the side's rows.
func (s *side) from() string { return "(" + s.base + ") AS q" }

// keyCols are the side's key columns as ordered.
func (s *side) orderKeys() []string {
	out := make([]string, len(s.keys))
	for i, k := range s.keys {
		out[i] = s.d.orderKey("q."+s.d.ident(k), s.types[i], s.kinds[i])
	}
	return out
}

// notNull is the condition that no key part is NULL.
func (s *side) notNull() string {
	var out []string
	for _, k := range s.keys {
		out = append(out, "q."+s.d.ident(k)+" IS NOT NULL")
	}
	return strings.Join(out, " AND ")
}

func (s *side) anyNull() string {
	var out []string
	for _, k := range s.keys {
		out = append(out, "q."+s.d.ident(k)+" IS NULL")
	}
	return "(" + strings.Join(out, " OR ") + ")"
}

// cmp is the condition key op b in key order, op one of < or >=,
// compound keys compared part by part.
func (s *side) cmp(b bound, op string) string {
	ord := s.orderKeys()
	strict := map[string]string{"<": "<", ">=": ">"}[op]
	var build func(i int) string
	build = func(i int) string {
		lit := s.d.literal(b[i], s.types[i], s.kinds[i])
		if i == len(ord)-1 {
			return ord[i] + " " + op + " " + lit
		}
		return "(" + ord[i] + " " + strict + " " + lit + " OR (" + ord[i] + " = " + lit + " AND " + build(i+1) + "))"
	}
	return build(0)
}

// pred is the condition that a row's key lies in seg.
func (s *side) pred(seg segment) string {
	parts := []string{s.notNull()}
	if seg.lo != nil {
		parts = append(parts, s.cmp(seg.lo, ">="))
	}
	if seg.hi != nil {
		parts = append(parts, s.cmp(seg.hi, "<"))
	}
	return strings.Join(parts, " AND ")
}

// count counts the side's rows and those with a NULL key part.
func (s *side) count(ctx context.Context) error {
	q := "SELECT count(*), sum(CASE WHEN " + s.anyNull() + " THEN 1 ELSE 0 END) FROM " + s.from()
	return s.query(ctx, "count", q, func(row []*string) error {
		var err error
		s.rows, err = atoi(row[0])
		if err == nil {
			s.nullKeys, err = atoi(row[1])
		}
		return err
	})
}

// duckConn runs queries on plumb's DuckDB for a local side.
type duckConn struct{ db *engine.DB }

func (c duckConn) Query(ctx context.Context, q string, fn func([]*string) error) error {
	rows, err := c.db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	row := make([]*string, len(cols))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range vals {
			row[i] = nil
			switch v := v.(type) {
			case nil:
			case string:
				row[i] = &v
			case []byte:
				s := string(v)
				row[i] = &s
			default:
				s := fmt.Sprint(v)
				row[i] = &s
			}
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (duckConn) Close() error { return nil }

func atoi(s *string) (int64, error) {
	if s == nil {
		return 0, nil
	}
	var n int64
	if _, err := fmt.Sscan(*s, &n); err != nil {
		return 0, fmt.Errorf("not a count: %q", *s)
	}
	return n, nil
}

func itoa(n int64) string { return fmt.Sprint(n) }

// ctxFor is ctx counting s's bytes.
func ctxFor(ctx context.Context, s *side) context.Context {
	return dbsource.WithTraffic(ctx, s.traffic)
}
