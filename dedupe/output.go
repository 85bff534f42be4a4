//go:build duckdb_arrow

package dedupe

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/source"
)

// writeClusters writes every record with its cluster: no record is lost.
func (r *runner) writeClusters(ctx context.Context, clusters string) error {
	q := "SELECT s.* EXCLUDE (rid), c.cluster_id, c.cluster_size FROM " + r.numbered() + " s JOIN " + engine.Ident(clusters) + " c USING (rid) ORDER BY c.rid"
	return r.db.WriteQuery(ctx, q, r.opts.ClustersPath)
}

// pairFieldColumns are the columns each field adds to a linked pair in
// the pairs file, after the field's name.
var pairFieldColumns = []string{"a", "b", "similarity", "level", "weight"}

// writePairs writes the linked pairs with each field's normalized values,
// similarity, level and weight, worked out in Go as scoring did. The rows
// go to a scratch table and from there to the file: CSV gets a row per
// pair with five columns per field; Parquet and JSON a row per pair with
// a list of fields.
func (r *runner) writePairs(ctx context.Context, threshold float64) error {
	pt, err := r.linkPatterns(ctx, threshold)
	if err != nil {
		return err
	}
	// The numbers are kept as Go formats them, the shortest text that
	// reads back as the same float: CSV shows them so, and the typed
	// formats cast them back exactly.
	cols := []string{"ra BIGINT", "rb BIGINT", "a VARCHAR", "b VARCHAR", "weight VARCHAR", "probability VARCHAR"}
	for i := range r.cfg.Fields {
		for _, c := range pairFieldColumns {
			cols = append(cols, fmt.Sprintf("f%d_%s VARCHAR", i, c))
		}
	}
	out, err := r.table(ctx, "plumb_dedupe_linked", "("+strings.Join(cols, ", ")+")")
	if err != nil {
		return err
	}
	app, err := r.db.NewAppender(ctx, out)
	if err != nil {
		return err
	}
	err = streamChunks(ctx, r.db, r.linkedQuery(pt), r.pairRows, func(rows [][]driver.Value) error {
		for _, row := range rows {
			if err := app.Append(row...); err != nil {
				return err
			}
		}
		return nil
	})
	if err := errors.Join(err, app.Close()); err != nil {
		return fmt.Errorf("linked pairs: %w", err)
	}
	return r.db.WriteQuery(ctx, r.pairsFileQuery(out), r.opts.PairsPath)
}

// linkedQuery selects the linked pairs: record numbers a and b, their
// ids, the pattern, then field i of a and of b at columns 5+2i and 6+2i.
func (r *runner) linkedQuery(patterns string) string {
	idExpr := "rid"
	if r.cfg.ID != "" {
		idExpr = "CAST(" + engine.Ident(r.cfg.ID) + " AS VARCHAR)"
	}
	// The record ids are numbered once and joined to both sides of a pair.
	ids := "WITH ids AS MATERIALIZED (SELECT rid, " + idExpr + " AS id FROM " + r.numbered() + ") "
	sel := []string{"s.a", "s.b", "CAST(ia.id AS VARCHAR)", "CAST(ib.id AS VARCHAR)", "s.pattern"}
	for i := range r.cfg.Fields {
		sel = append(sel, "x."+r.fieldCol(i), "y."+r.fieldCol(i))
	}
	return ids + "SELECT " + strings.Join(sel, ", ") + " FROM " + engine.Ident(r.scored) + " s JOIN " + engine.Ident(patterns) + " USING (pattern) JOIN " +
		engine.Ident(r.norm) + " x ON x.rid = s.a JOIN " + engine.Ident(r.norm) + " y ON y.rid = s.b JOIN ids ia ON ia.rid = s.a JOIN ids ib ON ib.rid = s.b"
}

// pairRows explains a chunk of linkedQuery's pairs, as rows of the
// scratch table writePairs fills.
func (r *runner) pairRows(c *engine.Chunk) [][]driver.Value {
	rows := make([][]driver.Value, c.Len())
	for j := range rows {
		ra, _ := c.Int64(0, j)
		rb, _ := c.Int64(1, j)
		p, _ := c.Int64(4, j)
		pat := pattern(p)
		row := []driver.Value{ra, rb, text(c, 2, j), text(c, 3, j), ftoa(round(r.md.weight(pat))), ftoa(round(r.md.prob(pat)))}
		for i, f := range r.cfg.Fields {
			x, y := text(c, 5+2*i, j), text(c, 6+2*i, j)
			xs, _ := x.(string)
			ys, _ := y.(string)
			sim, l := compare(f.Compare, xs, ys)
			row = append(row, x, y, ftoa(round(sim)), l.String(), ftoa(round(r.md.fieldWeight(i, l))))
		}
		rows[j] = row
	}
	return rows
}

// text is a chunk's string, copied out of DuckDB's memory, or nil for
// NULL.
func text(c *engine.Chunk, col, row int) driver.Value {
	if s, ok := c.String(col, row); ok {
		return strings.Clone(s)
	}
	return nil
}

// pairsFileQuery selects the pairs file's rows from writePairs' table, in
// the order of their record numbers.
func (r *runner) pairsFileQuery(table string) string {
	sel := []string{"a", "b"}
	if engine.OutputFormat(r.opts.PairsPath) == source.FormatCSV {
		sel = append(sel, "weight", "probability")
		for i, f := range r.cfg.Fields {
			for _, c := range pairFieldColumns {
				sel = append(sel, fmt.Sprintf("f%d_%s AS %s", i, c, engine.Ident(f.Column+"_"+c)))
			}
		}
	} else {
		sel = append(sel, "CAST(weight AS DOUBLE) AS weight", "CAST(probability AS DOUBLE) AS probability")
		fields := make([]string, len(r.cfg.Fields))
		for i, f := range r.cfg.Fields {
			fields[i] = fmt.Sprintf("{'column': %s, 'a': f%[2]d_a, 'b': f%[2]d_b, 'similarity': CAST(f%[2]d_similarity AS DOUBLE), "+
				"'level': f%[2]d_level, 'weight': CAST(f%[2]d_weight AS DOUBLE)}", engine.Literal(f.Column), i)
		}
		sel = append(sel, "["+strings.Join(fields, ", ")+"] AS fields")
	}
	return "SELECT " + strings.Join(sel, ", ") + " FROM " + engine.Ident(table) + " ORDER BY ra, rb"
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
