//go:build duckdb_arrow

package reconcile

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/plumb-data/plumb/engine"
)

// ExprError is an error in SQL a user wrote in the Options: a filter or a
// transformation that is not one expression, or that DuckDB refused when
// it ran. Origin says where the SQL came from (see Origins); Err, an
// *engine.ExprError unless the parser itself failed, quotes the SQL and
// says why.
type ExprError struct {
	Origin string
	Err    error
}

func (e *ExprError) Error() string { return e.Origin + ": " + e.Err.Error() }
func (e *ExprError) Unwrap() error { return e.Err }

// fragment is a piece of SQL a user wrote, read by DuckDB's parser as one
// expression, with where it came from.
type fragment struct {
	origin string
	expr   engine.Expr
}

// refused is the error for a fragment DuckDB would not run: its origin,
// the fragment and DuckDB's reason, without the SQL around it.
func (f *fragment) refused(err error) error {
	return &ExprError{Origin: f.origin, Err: &engine.ExprError{Fragment: f.expr.String(), Reason: engine.ErrorReason(err)}}
}

// userSQL is the SQL a user wrote in the options, vetted.
type userSQL struct {
	// filters are the conditions each side is filtered on.
	filters [2][]*fragment
	// exprs are the source expressions of pairs (Pair.Expr), by their
	// text.
	exprs map[string]*fragment
}

// Check vets the SQL a user wrote in opts, its filters and
// transformations, with DuckDB's parser and without reading any table:
// each must be exactly one expression. A command can call it to refuse
// bad SQL before loading its sources; Run checks again.
func Check(ctx context.Context, db *engine.DB, opts Options) error {
	_, err := vetUserSQL(ctx, db, opts)
	return err
}

// vetUserSQL has DuckDB's parser read every piece of SQL in opts as one
// expression, before any of it is run.
func vetUserSQL(ctx context.Context, db *engine.DB, opts Options) (*userSQL, error) {
	u := &userSQL{exprs: map[string]*fragment{}}
	vet := func(text, origin string) (*fragment, error) {
		e, err := db.ParseExpr(ctx, text)
		if err != nil {
			return nil, &ExprError{Origin: origin, Err: err}
		}
		return &fragment{origin: origin, expr: e}, nil
	}
	for _, f := range []struct {
		text, origin string
		sides        []int
	}{
		{opts.Where, cmp.Or(opts.Origins.Where, "where"), []int{srcSide, tgtSide}},
		{opts.SourceWhere, cmp.Or(opts.Origins.SourceWhere, "source where"), []int{srcSide}},
		{opts.TargetWhere, cmp.Or(opts.Origins.TargetWhere, "target where"), []int{tgtSide}},
	} {
		if strings.TrimSpace(f.text) == "" {
			continue
		}
		frag, err := vet(f.text, f.origin)
		if err != nil {
			return nil, err
		}
		for _, side := range f.sides {
			u.filters[side] = append(u.filters[side], frag)
		}
	}
	for _, group := range []struct {
		pairs  []Pair
		origin func(i int, p Pair) string
	}{
		{opts.Keys, func(_ int, p Pair) string { return "key " + p.Target }},
		{opts.Map, func(_ int, p Pair) string { return "map " + p.Target }},
		{opts.Mapping, func(i int, p Pair) string {
			at := fmt.Sprintf("mapping row %d", i+1)
			if i < len(opts.Origins.Mapping) && opts.Origins.Mapping[i] != "" {
				at = opts.Origins.Mapping[i]
			}
			return at + ": transformation for " + p.Target
		}},
	} {
		for i, p := range group.pairs {
			if _, done := u.exprs[p.Source]; done || !p.Expr {
				continue
			}
			frag, err := vet(p.Source, group.origin(i, p))
			if err != nil {
				return nil, err
			}
			u.exprs[p.Source] = frag
		}
	}
	return u, nil
}

// from is the FROM item of a side: its table under the side's name, so
// that DuckDB's messages about a user's SQL name the side, not plumb's
// table.
func (r *runner) from(side int) string {
	if side == srcSide {
		return engine.Ident(r.rel[srcSide]) + " AS source"
	}
	return engine.Ident(r.rel[tgtSide]) + " AS target"
}

// filter is the WHERE clause of a side, or "". Each condition gets
// parentheses of its own around Expr.SQL's: the parser accepts a
// fragment such as "a) OR (b" that reaches out of one pair, and must not
// reach the AND beside it.
func (r *runner) filter(side int) string {
	var conds []string
	for _, f := range r.user.filters[side] {
		conds = append(conds, "("+f.expr.SQL()+")")
	}
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// bindFilters has DuckDB bind each filter to the side it filters, so that
// an unknown column or function, or an aggregate, is reported with the
// filter's origin.
func (r *runner) bindFilters(ctx context.Context) error {
	for side, filters := range r.user.filters {
		for _, f := range filters {
			var n int64
			q := "SELECT count(*) FROM (DESCRIBE SELECT 1 AS v FROM " + r.from(side) + " WHERE " + f.expr.SQL() + ")"
			if err := r.db.QueryRowContext(ctx, q).Scan(&n); err != nil {
				return f.refused(err)
			}
		}
	}
	return nil
}

// refusedPerRow is the error for a source expression that DuckDB would
// not bind beside the source's columns (err): an aggregate, when it binds
// on its own, else DuckDB's reason.
func (r *runner) refusedPerRow(ctx context.Context, f *fragment, err error) error {
	var n int64
	q := "SELECT count(*) FROM (DESCRIBE SELECT " + f.expr.SQL() + " AS v FROM " + r.from(srcSide) + ")"
	if r.db.QueryRowContext(ctx, q).Scan(&n) == nil {
		return &ExprError{Origin: f.origin, Err: &engine.ExprError{Fragment: f.expr.String(),
			Reason: "an aggregate is not allowed: the expression must give one value per row"}}
	}
	return f.refused(err)
}

// explain turns an error from running the comparison into one that names
// the user's SQL at fault, when a piece fails on its own: each filter
// over its side, then each source expression over the filtered source.
// Otherwise it is err, showing DuckDB's reason but not plumb's SQL.
func (r *runner) explain(ctx context.Context, err error) error {
	if ee := (*ExprError)(nil); errors.As(err, &ee) || ctx.Err() != nil {
		return err
	}
	var v any
	for side, filters := range r.user.filters {
		for _, f := range filters {
			if qerr := r.db.QueryRowContext(ctx, "SELECT count(*) FROM "+r.from(side)+" WHERE "+f.expr.SQL()).Scan(&v); qerr != nil {
				return f.refused(qerr)
			}
		}
	}
	for _, c := range append(slices.Clone(r.keys), r.cols...) {
		if c.user == nil {
			continue
		}
		// hash reads every value, where count might not.
		q := "SELECT max(hash(v)) FROM (SELECT " + c.srcExpr + " AS v FROM " + r.from(srcSide) + r.filter(srcSide) + ")"
		if qerr := r.db.QueryRowContext(ctx, q).Scan(&v); qerr != nil {
			return c.user.refused(qerr)
		}
	}
	return &runError{err}
}

// runError shows an error from running plumb's SQL as DuckDB's reason,
// without the SQL DuckDB quotes after it.
type runError struct{ err error }

func (e *runError) Error() string { return engine.ErrorReason(e.err) }
func (e *runError) Unwrap() error { return e.err }
