//go:build duckdb_arrow

package reconcile

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/plumb-data/plumb/engine"
)

// pairColumns decides which source expression is compared with which
// target column, and how.
func (r *runner) pairColumns(ctx context.Context) error {
	tgtCols := map[string]engine.Column{}
	for _, c := range r.tgt.Columns {
		tgtCols[strings.ToLower(c.Name)] = c
	}
	srcCols := map[string]engine.Column{}
	for _, c := range r.src.Columns {
		srcCols[strings.ToLower(c.Name)] = c
	}
	lookupTgt := func(name string) (engine.Column, error) {
		c, ok := tgtCols[strings.ToLower(name)]
		if !ok {
			return c, fmt.Errorf("target has no column %q", name)
		}
		return c, nil
	}
	srcExpr := func(p Pair) (string, error) {
		if p.Expr {
			return "(" + p.Source + ")", nil
		}
		if _, ok := srcCols[strings.ToLower(p.Source)]; !ok {
			return "", fmt.Errorf("source has no column %q", p.Source)
		}
		return engine.Ident(p.Source), nil
	}
	// The mapping spec, when given, also says how keys map.
	byTarget := map[string]Pair{}
	bySource := map[string]Pair{}
	for _, p := range r.opts.Mapping {
		byTarget[strings.ToLower(p.Target)] = p
		if !p.Expr {
			bySource[strings.ToLower(p.Source)] = p
		}
	}
	used := map[string]bool{} // target columns paired
	usedSrc := map[string]bool{}
	for _, k := range r.opts.Keys {
		if m, ok := bySource[strings.ToLower(k.Source)]; ok && k.Source == k.Target {
			k.Target = m.Target
		}
		se, err := srcExpr(k)
		if err != nil {
			return fmt.Errorf("key: %w", err)
		}
		tc, err := lookupTgt(k.Target)
		if err != nil {
			return fmt.Errorf("key: %w", err)
		}
		r.keys = append(r.keys, compared{name: tc.Name, srcExpr: se, srcShow: k.Source, tgtExpr: engine.Ident(tc.Name)})
		used[strings.ToLower(tc.Name)] = true
		usedSrc[strings.ToLower(k.Source)] = true
	}
	var pairs []Pair
	switch {
	case len(r.opts.Mapping) > 0:
		pairs = r.opts.Mapping
	default:
		mapped := map[string]Pair{}
		for _, p := range r.opts.Map {
			mapped[strings.ToLower(p.Source)] = p
		}
		for _, c := range r.src.Columns {
			if p, ok := mapped[strings.ToLower(c.Name)]; ok {
				pairs = append(pairs, p)
			} else if _, ok := tgtCols[strings.ToLower(c.Name)]; ok {
				pairs = append(pairs, Pair{Source: c.Name, Target: c.Name})
			}
		}
		for _, p := range r.opts.Map {
			if _, ok := srcCols[strings.ToLower(p.Source)]; !ok {
				return fmt.Errorf("--map: source has no column %q", p.Source)
			}
		}
	}
	for _, p := range pairs {
		tc, err := lookupTgt(p.Target)
		if err != nil {
			return err
		}
		if used[strings.ToLower(tc.Name)] {
			continue
		}
		if len(r.opts.Columns) > 0 && !containsFold(r.opts.Columns, tc.Name) && !containsFold(r.opts.Columns, p.Source) {
			continue
		}
		if containsFold(r.opts.Ignore, tc.Name) || containsFold(r.opts.Ignore, p.Source) {
			continue
		}
		se, err := srcExpr(p)
		if err != nil {
			return err
		}
		tol, ok := r.opts.PerColumn[tc.Name]
		if !ok {
			for k, v := range r.opts.PerColumn {
				if strings.EqualFold(k, tc.Name) || strings.EqualFold(k, p.Source) {
					tol, ok = v, true
				}
			}
		}
		if !ok {
			tol = r.opts.Tolerance
		}
		r.cols = append(r.cols, compared{name: tc.Name, srcExpr: se, srcShow: p.Source, tgtExpr: engine.Ident(tc.Name), tol: tol})
		used[strings.ToLower(tc.Name)] = true
		if !p.Expr {
			usedSrc[strings.ToLower(p.Source)] = true
		}
	}
	for _, c := range append(slices.Clone(r.opts.Columns), keysOf(r.opts.PerColumn)...) {
		if !used[strings.ToLower(c)] && !usedSrc[strings.ToLower(c)] {
			return fmt.Errorf("column %q is not compared: it is not on both sides (or is a key)", c)
		}
	}
	// A column is on one side only when nothing on the other side pairs
	// with it, whatever --columns and --ignore choose to compare.
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
	// Types of both sides decide how values compare.
	for _, group := range [][]compared{r.keys, r.cols} {
		for i := range group {
			c := &group[i]
			var err error
			if c.srcType, err = r.typeOf(ctx, r.src.Name, c.srcExpr); err != nil {
				return fmt.Errorf("source %s: %w", c.srcShow, err)
			}
			if c.tgtType, err = r.typeOf(ctx, r.tgt.Name, c.tgtExpr); err != nil {
				return fmt.Errorf("target %s: %w", c.name, err)
			}
			c.comparedAs = compareClass(c.srcType, c.tgtType)
		}
	}
	for _, c := range r.cols {
		if c.srcType != c.tgtType {
			r.res.TypeDifferences = append(r.res.TypeDifferences, TypeDiff{Column: c.name, SourceType: c.srcType, TargetType: c.tgtType, ComparedAs: c.comparedAs})
		}
	}
	if len(r.cols) == 0 && len(r.opts.GroupBy) == 0 {
		return errors.New("no columns to compare: the sides share no column names (use --map or --mapping)")
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

func (r *runner) typeOf(ctx context.Context, table, expr string) (string, error) {
	var name, typ string
	var null, key, def, extra sql.NullString
	err := r.db.QueryRowContext(ctx, "DESCRIBE SELECT "+expr+" AS v FROM "+engine.Ident(table)).Scan(&name, &typ, &null, &key, &def, &extra)
	return typ, err
}
