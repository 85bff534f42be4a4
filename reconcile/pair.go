//go:build duckdb_arrow

package reconcile

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/source"
)

// pairColumns decides which source expression is compared with which
// target column, and how.
func (r *runner) pairColumns(ctx context.Context) error {
	p := newPairing(r.src, r.tgt, r.user.exprs, r.column)
	if err := r.pairKeys(p); err != nil {
		return err
	}
	pairs, err := r.candidates(p)
	if err != nil {
		return err
	}
	if err := r.pairValues(p, pairs); err != nil {
		return err
	}
	for _, c := range append(slices.Clone(r.opts.Columns), keysOf(r.opts.PerColumn)...) {
		if !p.used[strings.ToLower(c)] && !p.usedSrc[strings.ToLower(c)] {
			return fmt.Errorf("column %q is not compared: it is not on both sides (or is a key)", c)
		}
	}
	r.oneSideColumns(pairs)
	if err := r.typeColumns(ctx); err != nil {
		return err
	}
	if len(r.cols) == 0 && len(r.opts.GroupBy) == 0 {
		return errors.New("no columns to compare: the sides share no column names (use --map or --mapping)")
	}
	return nil
}

// pairing is the state of pairColumns: both sides' columns by lower-case
// name, and the columns paired so far.
type pairing struct {
	srcCols, tgtCols map[string]source.Column
	exprs            map[string]*fragment // vetted source expressions, by text
	used             map[string]bool      // target columns paired, lower case
	usedSrc          map[string]bool      // source columns paired, lower case
	// column is the SQL of a side's column as loaded (runner.column).
	column func(side int, name string) string
}

func newPairing(src, tgt *engine.Table, exprs map[string]*fragment, column func(int, string) string) *pairing {
	p := &pairing{srcCols: map[string]source.Column{}, tgtCols: map[string]source.Column{}, exprs: exprs, used: map[string]bool{}, usedSrc: map[string]bool{},
		column: column}
	for _, c := range tgt.Columns {
		p.tgtCols[strings.ToLower(c.Name)] = c
	}
	for _, c := range src.Columns {
		p.srcCols[strings.ToLower(c.Name)] = c
	}
	return p
}

// target is the target column of that name, in any case.
func (p *pairing) target(name string) (source.Column, error) {
	c, ok := p.tgtCols[strings.ToLower(name)]
	if !ok {
		return c, fmt.Errorf("target has no column %q", name)
	}
	return c, nil
}

// source is the source side of a pair: its SQL and, for an expression,
// the vetted fragment.
func (p *pairing) source(pr Pair) (string, *fragment, error) {
	if pr.Expr {
		f := p.exprs[pr.Source]
		return f.expr.SQL(), f, nil
	}
	if _, ok := p.srcCols[strings.ToLower(pr.Source)]; !ok {
		return "", nil, fmt.Errorf("source has no column %q", pr.Source)
	}
	return p.column(srcSide, pr.Source), nil, nil
}

// pairKeys pairs the key columns. The mapping spec, when given, also says
// how keys map: a key named as its source field or its target field
// takes the mapping's row, transformation included (id with 'C' || id
// → code), and a key pair a=b takes the row that maps b from a.
func (r *runner) pairKeys(p *pairing) error {
	for _, k := range r.opts.Keys {
		if m, ok := r.mappedKey(k); ok {
			k = m
		}
		se, user, err := p.source(k)
		if err != nil {
			return fmt.Errorf("key: %w", err)
		}
		tc, err := p.target(k.Target)
		if err != nil {
			return fmt.Errorf("key: %w", err)
		}
		show := k.Source
		if k.Expr && k.Field != "" {
			show = k.Field
		}
		r.keys = append(r.keys, compared{name: tc.Name, srcExpr: se, srcShow: show, user: user, tgtExpr: p.column(tgtSide, tc.Name)})
		p.used[strings.ToLower(tc.Name)] = true
		p.usedSrc[strings.ToLower(show)] = true
	}
	return nil
}

// mappedKey is the mapping spec's row for a key, if it has one.
func (r *runner) mappedKey(k Pair) (Pair, bool) {
	same := func(a, b string) bool { return a != "" && strings.EqualFold(a, b) }
	for _, m := range r.opts.Mapping {
		field := m.Source
		if m.Expr {
			field = m.Field
		}
		if k.Source == k.Target {
			if same(field, k.Source) || same(m.Target, k.Target) {
				return m, true
			}
			continue
		}
		if same(m.Target, k.Target) && (same(field, k.Source) || field == "") {
			return m, true
		}
	}
	return Pair{}, false
}

// candidates are the pairs that may be compared: the mapping spec's rows,
// or else the columns the sides share by name, with --map's pairs in
// place of (or beside) them.
func (r *runner) candidates(p *pairing) ([]Pair, error) {
	if len(r.opts.Mapping) > 0 {
		return r.opts.Mapping, nil
	}
	var pairs []Pair
	mapped := map[string]Pair{}
	for _, m := range r.opts.Map {
		mapped[strings.ToLower(m.Source)] = m
	}
	for _, c := range r.src.Columns {
		if m, ok := mapped[strings.ToLower(c.Name)]; ok {
			pairs = append(pairs, m)
		} else if _, ok := p.tgtCols[strings.ToLower(c.Name)]; ok {
			pairs = append(pairs, Pair{Source: c.Name, Target: c.Name})
		}
	}
	for _, m := range r.opts.Map {
		if _, ok := p.srcCols[strings.ToLower(m.Source)]; !ok {
			return nil, fmt.Errorf("--map: source has no column %q", m.Source)
		}
	}
	return pairs, nil
}

// pairValues picks, from the candidates, the columns compared: those not
// keys, chosen by --columns and not left out by --ignore.
func (r *runner) pairValues(p *pairing, pairs []Pair) error {
	for _, pr := range pairs {
		tc, err := p.target(pr.Target)
		if err != nil {
			return err
		}
		if p.used[strings.ToLower(tc.Name)] {
			continue
		}
		if len(r.opts.Columns) > 0 && !containsFold(r.opts.Columns, tc.Name) && !containsFold(r.opts.Columns, pr.Source) {
			continue
		}
		if containsFold(r.opts.Ignore, tc.Name) || containsFold(r.opts.Ignore, pr.Source) {
			continue
		}
		se, user, err := p.source(pr)
		if err != nil {
			return err
		}
		tol, asked := r.tolerance(tc.Name, pr.Source)
		r.cols = append(r.cols, compared{name: tc.Name, srcExpr: se, srcShow: pr.Source, user: user, tgtExpr: p.column(tgtSide, tc.Name), tol: tol, tolAsked: asked})
		p.used[strings.ToLower(tc.Name)] = true
		if !pr.Expr {
			p.usedSrc[strings.ToLower(pr.Source)] = true
		}
	}
	return nil
}

// tolerance is the tolerance of a column, by its target name, else its
// source name in any case, else the default; asked is set when the
// column has a tolerance of its own.
func (r *runner) tolerance(target, source string) (Tolerance, bool) {
	tol, ok := r.opts.PerColumn[target]
	if !ok {
		for k, v := range r.opts.PerColumn {
			if strings.EqualFold(k, target) || strings.EqualFold(k, source) {
				tol, ok = v, true
			}
		}
	}
	if !ok {
		tol = r.opts.Tolerance
	}
	return tol, ok
}

// oneSideColumns lists the columns on one side only: those nothing on
// the other side pairs with, whatever --columns and --ignore choose to
// compare.
func (r *runner) oneSideColumns(pairs []Pair) {
	pairedTgt, pairedSrc := map[string]bool{}, map[string]bool{}
	for _, p := range append(slices.Clone(pairs), r.opts.Keys...) {
		pairedTgt[strings.ToLower(p.Target)] = true
		if !p.Expr {
			pairedSrc[strings.ToLower(p.Source)] = true
		}
	}
	for _, k := range r.keys {
		pairedTgt[strings.ToLower(k.name)] = true
	}
	if len(r.opts.Mapping) == 0 {
		for _, c := range r.src.Columns {
			if !pairedSrc[strings.ToLower(c.Name)] {
				r.res.SourceOnlyColumns = append(r.res.SourceOnlyColumns, c.Name)
			}
		}
	}
	for _, c := range r.tgt.Columns {
		if !pairedTgt[strings.ToLower(c.Name)] {
			r.res.TargetOnlyColumns = append(r.res.TargetOnlyColumns, c.Name)
		}
	}
}

// typeColumns finds the types of both sides of each pair, which decide
// with the text they hold how values compare (see decideComparisons),
// and lists the compared columns whose types differ.
func (r *runner) typeColumns(ctx context.Context) error {
	for _, group := range [][]compared{r.keys, r.cols} {
		for i := range group {
			c := &group[i]
			var err error
			if c.srcType, err = r.typeOf(ctx, srcSide, c.srcExpr); err != nil {
				if c.user != nil {
					return r.refusedPerRow(ctx, c.user, err)
				}
				return fmt.Errorf("source %s: %w", c.srcShow, err)
			}
			if c.tgtType, err = r.typeOf(ctx, tgtSide, c.tgtExpr); err != nil {
				return fmt.Errorf("target %s: %w", c.name, err)
			}
		}
	}
	if err := r.decideComparisons(ctx); err != nil {
		return err
	}
	for _, c := range r.cols {
		if c.srcType != c.tgtType {
			r.res.TypeDifferences = append(r.res.TypeDifferences, TypeDiff{Column: c.name, SourceType: c.srcType, TargetType: c.tgtType, ComparedAs: c.comparedAs, Note: c.note})
		}
	}
	return nil
}

func keysOf(m map[string]Tolerance) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

// typeOf is the DuckDB type of an expression over a side, bound beside
// the side's columns so that it must give one value per row.
func (r *runner) typeOf(ctx context.Context, side int, expr string) (string, error) {
	var typ string
	q := "SELECT column_type FROM (DESCRIBE SELECT *, " + expr + " AS __plumb_value FROM " + r.from(side) + ") WHERE column_name = '__plumb_value'"
	err := r.db.QueryRowContext(ctx, q).Scan(&typ)
	return typ, err
}
