//go:build duckdb_arrow

package reconcile

import (
	"context"
	"fmt"
	"strings"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/source"
)

// sqlTypes are the types a column of delimited text may take for the
// user's SQL, best first, when every value of it reads as one.
var sqlTypes = []readAs{{readInteger, "BIGINT"}, {readNumber, "DOUBLE"}, {readDate, "DATE"}, {readTimestamp, "TIMESTAMP"}, {readBoolean, "BOOLEAN"}}

// typeForSQL gives each side of delimited text that the user's SQL reads
// (a filter; on the source, an expression) a view in which a column is
// typed when every value of it reads as one of sqlTypes, so that the SQL
// is written as against typed data ("id < 5"). The text of each such
// column stays beside it under a name of its own (see column), for
// comparison as written. Options.SQLSeesText, and the source side of a
// Mapping, keep the text.
func (r *runner) typeForSQL(ctx context.Context) error {
	for side, t := range []*engine.Table{r.src, r.tgt} {
		read := len(r.user.filters[side]) > 0 || side == srcSide && len(r.user.exprs) > 0
		if !read || r.opts.SQLSeesText || side == srcSide && len(r.opts.Mapping) > 0 || t.Format != source.FormatCSV {
			continue
		}
		var text []source.Column
		for _, c := range t.Columns {
			if strings.EqualFold(c.Type, "VARCHAR") {
				text = append(text, c)
			}
		}
		if len(text) == 0 {
			continue
		}
		types, err := r.wholeColumnTypes(ctx, t, text)
		if err != nil {
			return fmt.Errorf("%s: type columns for SQL: %w", sideName(side), err)
		}
		if err := r.typedView(ctx, side, t, types); err != nil {
			return fmt.Errorf("%s: type columns for SQL: %w", sideName(side), err)
		}
	}
	return nil
}

// wholeColumnTypes finds, in one pass over a table, the first of sqlTypes
// that every value of each text column reads as, by column name; a
// column that reads as none, or holds only NULLs, is left out.
func (r *runner) wholeColumnTypes(ctx context.Context, t *engine.Table, text []source.Column) (map[string]string, error) {
	var aggs []string
	counts := make([][]int64, len(text))
	var dest []any
	for i, c := range text {
		v := engine.Ident(c.Name)
		aggs = append(aggs, "count("+v+")")
		counts[i] = make([]int64, 1+len(sqlTypes))
		dest = append(dest, &counts[i][0])
		for j, ra := range sqlTypes {
			aggs = append(aggs, "count(*) FILTER (WHERE "+v+" IS NOT NULL AND NOT coalesce("+ra.rd.reads(v, ra.as)+", false))")
			dest = append(dest, &counts[i][1+j])
		}
	}
	q := "SELECT " + strings.Join(aggs, ", ") + " FROM " + engine.Ident(t.Name)
	if err := r.db.QueryRowContext(ctx, q).Scan(dest...); err != nil {
		return nil, err
	}
	types := map[string]string{}
	for i, c := range text {
		if counts[i][0] == 0 {
			continue
		}
		for j, ra := range sqlTypes {
			if counts[i][1+j] == 0 {
				types[c.Name] = ra.as
				break
			}
		}
	}
	return types, nil
}

// typedView creates the view of a side for the user's SQL: each column
// under its own name, cast to its type in types if it has one, and the
// text of each cast column under a name no column has.
func (r *runner) typedView(ctx context.Context, side int, t *engine.Table, types map[string]string) error {
	if len(types) == 0 {
		return nil
	}
	taken := map[string]bool{}
	for _, c := range t.Columns {
		taken[strings.ToLower(c.Name)] = true
	}
	var sel, text []string
	r.textCols[side] = map[string]string{}
	for i, c := range t.Columns {
		typ, ok := types[c.Name]
		if !ok {
			sel = append(sel, engine.Ident(c.Name))
			continue
		}
		sel = append(sel, "CAST("+engine.Ident(c.Name)+" AS "+typ+") AS "+engine.Ident(c.Name))
		hidden := fmt.Sprintf("plumb_text_%d", i)
		for taken[hidden] {
			hidden = "_" + hidden
		}
		taken[hidden] = true
		text = append(text, engine.Ident(c.Name)+" AS "+engine.Ident(hidden))
		r.textCols[side][strings.ToLower(c.Name)] = hidden
	}
	view, err := r.createView(ctx, "plumb_diff_typed", "SELECT "+strings.Join(append(sel, text...), ", ")+" FROM "+engine.Ident(t.Name))
	if err != nil {
		return err
	}
	r.rel[side] = view
	return nil
}

// column is a column of a side as loaded, named in any case: in a view
// typed for the user's SQL, the text it holds.
func (r *runner) column(side int, name string) string {
	if hidden, ok := r.textCols[side][strings.ToLower(name)]; ok {
		return engine.Ident(hidden)
	}
	return engine.Ident(name)
}
