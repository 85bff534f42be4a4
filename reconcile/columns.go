//go:build duckdb_arrow

package reconcile

import (
	"context"
	"fmt"

	"github.com/plumb-data/plumb/engine"
)

// ComparedColumn is a pair of columns a keyed diff compares, as Run pairs
// them: the source column (or, for a mapping's transformation, Expr set
// and Source the expression) and the target column, with their types and
// how their values compare.
type ComparedColumn struct {
	Source, Target         string
	Expr                   bool
	SourceType, TargetType string
	ComparedAs             Comparison
	Tolerance              Tolerance
}

// Columns says, without comparing any row, which key columns and which
// value columns Run would compare with opts: the same pairing, by the
// same rules (keys, --map, a mapping spec, --columns, --ignore). Both
// tables may be empty when their types do not depend on their values
// (database sources), so that another strategy can compare the same
// columns where the rows are.
func Columns(ctx context.Context, db *engine.DB, src, tgt *engine.Table, opts Options) (keys, cols []ComparedColumn, err error) {
	user, err := vetUserSQL(ctx, db, opts)
	if err != nil {
		return nil, nil, err
	}
	r := &runner{db: db, src: src, tgt: tgt, opts: opts, user: user, scratch: db.NewScratch(), rel: [2]string{src.Name, tgt.Name}}
	defer r.scratch.Drop(ctx)
	r.res = &Result{}
	if err := r.typeForSQL(ctx); err != nil {
		return nil, nil, err
	}
	if err := r.bindFilters(ctx); err != nil {
		return nil, nil, err
	}
	if err := r.pairColumns(ctx); err != nil {
		return nil, nil, fmt.Errorf("diff %s %s: %w", src.Source, tgt.Source, err)
	}
	out := func(cs []compared) []ComparedColumn {
		var res []ComparedColumn
		for _, c := range cs {
			res = append(res, ComparedColumn{Source: c.srcShow, Target: c.name, Expr: c.user != nil,
				SourceType: c.srcType, TargetType: c.tgtType, ComparedAs: c.comparedAs, Tolerance: c.tol})
		}
		return res
	}
	return out(r.keys), out(r.cols), nil
}
