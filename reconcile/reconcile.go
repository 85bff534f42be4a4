//go:build duckdb_arrow

package reconcile

import (
	"context"
	"fmt"
	"strings"

	"github.com/plumb-data/plumb/engine"
)

// Run reconciles two loaded tables as opts say. Differences are findings
// in the result; an error means the comparison could not be made (an
// unknown column, a bad expression).
func Run(ctx context.Context, db *engine.DB, src, tgt *engine.Table, opts Options) (*Result, error) {
	user, err := vetUserSQL(ctx, db, opts)
	if err != nil {
		return nil, fmt.Errorf("diff %s %s: %w", src.Source, tgt.Source, err)
	}
	r := &runner{db: db, src: src, tgt: tgt, opts: opts, user: user, scratch: db.NewScratch(), rel: [2]string{src.Name, tgt.Name}}
	if r.opts.Samples == 0 {
		r.opts.Samples = 5
	}
	defer r.scratch.Drop(ctx)
	res, err := r.run(ctx)
	if err != nil {
		return nil, fmt.Errorf("diff %s %s: %w", src.Source, tgt.Source, err)
	}
	return res, nil
}

type runner struct {
	db               *engine.DB
	src, tgt         *engine.Table
	opts             Options
	user             *userSQL
	scratch          *engine.Scratch
	res              *Result
	cols             []compared
	keys             []compared
	srcView, tgtView string // the filtered sides (see sides)
	// rel is the relation each side is read from: its table, or a view
	// of it typed for the user's SQL (see typeForSQL), whose textCols
	// name, by lower-case column name, where the text of each typed
	// column is kept.
	rel      [2]string
	textCols [2]map[string]string
}

// The sides, as indexes.
const (
	srcSide = 0
	tgtSide = 1
)

// compared is a column pair with how it is compared.
type compared struct {
	name    string    // target column name, used in reports
	srcExpr string    // SQL over the source table
	srcShow string    // as the user wrote it
	user    *fragment // the user's SQL for srcExpr, if any
	tgtExpr string
	srcType string
	tgtType string
	// srcAs and tgtAs are the types the sides are compared as: their
	// own, or for text that reads as a type, that type (see Values as
	// written in the package documentation).
	srcAs, tgtAs string
	comparedAs   Comparison
	tol          Tolerance
	// tolAsked is set when the column has a tolerance of its own, which
	// asks for numbers even where a side is text.
	tolAsked bool
	// note says why text beside a typed side compares as text.
	note string
}

// createTable creates a scratch table, named from prefix, as query.
func (r *runner) createTable(ctx context.Context, prefix, query string) (string, error) {
	name := r.scratch.Table(prefix)
	_, err := r.db.ExecContext(ctx, "CREATE TABLE "+engine.Ident(name)+" AS "+query)
	return name, err
}

// createView creates a scratch view, named from prefix, as query.
func (r *runner) createView(ctx context.Context, prefix, query string) (string, error) {
	name := r.scratch.View(prefix)
	_, err := r.db.ExecContext(ctx, "CREATE VIEW "+engine.Ident(name)+" AS "+query)
	return name, err
}

func (r *runner) run(ctx context.Context) (*Result, error) {
	r.res = &Result{Source: r.src.Source, Target: r.tgt.Source, Keys: r.opts.Keys,
		SourceOnlyColumns: []string{}, TargetOnlyColumns: []string{}, TypeDifferences: []TypeDiff{}, Columns: []Column{},
		OnlyInSourceSamples: []Row{}, OnlyInTargetSamples: []Row{}, DuplicateSamples: []Dup{}}
	if r.res.Keys == nil {
		r.res.Keys = []Pair{}
	}
	if err := r.rejected(ctx); err != nil {
		return nil, err
	}
	if err := r.typeForSQL(ctx); err != nil {
		return nil, err
	}
	if err := r.bindFilters(ctx); err != nil {
		return nil, err
	}
	if err := r.pairColumns(ctx); err != nil {
		return nil, err
	}
	if err := r.sides(ctx); err != nil {
		return nil, r.explain(ctx, err)
	}
	if r.opts.Progress != nil {
		r.opts.Progress("comparing " + r.src.Source + " with " + r.tgt.Source)
	}
	var err error
	switch {
	case len(r.opts.GroupBy) > 0:
		r.res.Mode = ModeAggregate
		err = r.aggregate(ctx)
	case len(r.keys) > 0:
		r.res.Mode = ModeKeyed
		err = r.keyed(ctx)
	default:
		r.res.Mode = ModeKeyless
		err = r.keyless(ctx)
	}
	if err != nil {
		return nil, r.explain(ctx, err)
	}
	r.res.Equal = r.res.LoadedEqual && r.res.SourceRejected == 0 && r.res.TargetRejected == 0
	return r.res, nil
}

// sides creates the filtered views of both sides: key columns k0…,
// compared columns v0….
func (r *runner) sides(ctx context.Context) error {
	build := func(side int) (string, error) {
		var sel []string
		for i, k := range r.keys {
			e := k.srcExpr
			if side == tgtSide {
				e = k.tgtExpr
			}
			if joinsAsText(compared{srcType: k.as(srcSide), tgtType: k.as(tgtSide)}) {
				e = textOf(e, k.typ(side))
			} else {
				e = k.value(side, e)
			}
			sel = append(sel, e+fmt.Sprintf(" AS k%d", i))
		}
		for i, c := range r.cols {
			e := c.srcExpr
			if side == tgtSide {
				e = c.tgtExpr
			}
			sel = append(sel, e+fmt.Sprintf(" AS v%d", i))
		}
		for i, g := range r.opts.GroupBy {
			sel = append(sel, r.groupColumn(side, g)+fmt.Sprintf(" AS g%d", i))
		}
		for i, s := range r.opts.Sum {
			sel = append(sel, "TRY_CAST("+r.column(side, s)+fmt.Sprintf(" AS DOUBLE) AS a%d", i))
		}
		return r.createView(ctx, "plumb_diff_side", "SELECT "+strings.Join(sel, ", ")+" FROM "+r.from(side)+r.filter(side))
	}
	var err error
	if r.srcView, err = build(srcSide); err != nil {
		return fmt.Errorf("source: %w", err)
	}
	if r.tgtView, err = build(tgtSide); err != nil {
		return fmt.Errorf("target: %w", err)
	}
	return nil
}

// groupColumn is a group column of a side: the column as loaded, or its
// text when the sides hold it in types that do not compare (see
// joinsAsText), such as BIGINT beside text, which DuckDB would compare
// by casting the text to a number.
func (r *runner) groupColumn(side int, name string) string {
	typeOf := func(t *engine.Table) string {
		for _, c := range t.Columns {
			if strings.EqualFold(c.Name, name) {
				return c.Type
			}
		}
		return ""
	}
	g := compared{srcType: typeOf(r.src), tgtType: typeOf(r.tgt)}
	if g.srcType == "" || g.tgtType == "" || !joinsAsText(g) {
		return r.column(side, name)
	}
	return textOf(r.column(side, name), g.typ(side))
}
