//go:build duckdb_arrow

package dedupe

import (
	"cmp"
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/source"
)

// writeClusters writes every record with its cluster: no record is lost.
func (r *runner) writeClusters(ctx context.Context, clusters string) error {
	q := "SELECT s.* EXCLUDE (rid), c.cluster_id, c.cluster_size FROM " + r.numbered() + " s JOIN (" + r.clustersOfAll(clusters) + ") c USING (rid) ORDER BY rid"
	return r.db.WriteQuery(ctx, q, r.opts.ClustersPath)
}

// pairFieldColumns are the columns each field adds to a linked pair in
// the pairs file, after the field's name.
var pairFieldColumns = []string{"a", "b", "similarity", "level", "weight"}

// writePairs writes the pairs of a links table (a, b, weight) to path
// with each field's normalized values, similarity, level and weight,
// worked out in Go as scoring did; idsA and idsB select the (rid, id) of
// each side, nameA and nameB name the ids' columns. The rows go to a
// scratch table and from there to the file: CSV gets a row per pair with
// five columns per field; Parquet and JSON a row per pair with a list of
// fields.
func (r *runner) writePairs(ctx context.Context, links, idsA, idsB, path, nameA, nameB string) error {
	// The numbers are kept as Go formats them, the shortest text that
	// reads back as the same float: CSV shows them so, and the typed
	// formats cast them back exactly.
	cols := []string{"ra BIGINT", "rb BIGINT", "a VARCHAR", "b VARCHAR", "weight VARCHAR", "probability VARCHAR"}
	for i := range r.cfg.Fields {
		for _, c := range r.pairFieldColumns(i) {
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
	err = streamChunks(ctx, r.db, r.linkedQuery(links, idsA, idsB), r.pairRows, func(rows [][]driver.Value) error {
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
	return r.db.WriteQuery(ctx, r.pairsFileQuery(out, path, nameA, nameB), path)
}

// pairFieldColumns are the columns field i adds to a linked pair in the
// pairs file, after the field's name: its values, similarity, level and
// weight, and the term frequency of an exact agreement's value when the
// field has term_frequency.
func (r *runner) pairFieldColumns(i int) []string {
	if r.tf[i] != "" {
		return append(slices.Clone(pairFieldColumns), "tf")
	}
	return pairFieldColumns
}

// ids selects the records of t with their ids, (rid, id): the id column
// as text, or the record's line when there is none; record numbers start
// after offset.
func (r *runner) ids(t *engine.Table, idCol string, offset int64) string {
	idExpr := fmt.Sprintf("rid - %d", offset)
	if idCol != "" {
		idExpr = "CAST(" + engine.Ident(idCol) + " AS VARCHAR)"
	}
	return fmt.Sprintf("SELECT rid, CAST(%s AS VARCHAR) AS id FROM (SELECT row_number() OVER () + %d AS rid, * FROM %s)", idExpr, offset, engine.Ident(t.Name))
}

// linkedQuery selects the linked pairs of the table linkedPairs wrote:
// record numbers a and b, their ids (from the (rid, id) queries idsA and
// idsB), the weight, then field i of a and of b at columns 5+2i and 6+2i
// and the term frequencies (as pairQuery lays them out).
func (r *runner) linkedQuery(links, idsA, idsB string) string {
	// The record ids are numbered once and joined to each side of a pair.
	with := "WITH ia AS MATERIALIZED (" + idsA + "), ib AS MATERIALIZED (" + idsB + ") "
	if idsA == idsB {
		with = "WITH ia AS MATERIALIZED (" + idsA + ") "
	}
	sel := []string{"s.a", "s.b", "ia.id", "ib.id", "s.weight"}
	for i := range r.cfg.Fields {
		sel = append(sel, "x."+r.fieldCol(i), "y."+r.fieldCol(i))
	}
	for _, tf := range r.tf {
		if tf != "" {
			sel = append(sel, "x."+engine.Ident(tf))
		}
	}
	ib := "ib"
	if idsA == idsB {
		ib = "ia"
	}
	return with + "SELECT " + strings.Join(sel, ", ") + " FROM " + engine.Ident(links) + " s JOIN " +
		engine.Ident(r.norm) + " x ON x.rid = s.a JOIN " + engine.Ident(r.norm) + " y ON y.rid = s.b JOIN ia ON ia.rid = s.a JOIN " + ib + " ib ON ib.rid = s.b"
}

// pairRows explains a chunk of linkedQuery's pairs, as rows of the
// scratch table writePairs fills.
func (r *runner) pairRows(c *engine.Chunk) [][]driver.Value {
	rows := make([][]driver.Value, c.Len())
	tfCol := r.tfCols(5)
	for j := range rows {
		ra, _ := c.Int64(0, j)
		rb, _ := c.Int64(1, j)
		w, _ := c.Float64(4, j)
		row := []driver.Value{ra, rb, text(c, 2, j), text(c, 3, j), ftoa(round(w)), ftoa(round(probOf(w)))}
		for i := range r.cfg.Fields {
			fc := r.compareAt(c, i, j, 5, tfCol)
			row = append(row, text(c, 5+2*i, j), text(c, 6+2*i, j), ftoa(round(fc.sim)), fc.level.String(), ftoa(round(r.fieldWeight(i, fc))))
			if r.tf[i] != "" {
				var tf driver.Value
				if fc.tf > 0 {
					tf = ftoa(sig(fc.tf))
				}
				row = append(row, tf)
			}
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

// pairsFileQuery selects the rows of a pairs file (path) from
// writePairs' table, in the order of their record numbers; a and b name
// the two ids' columns.
func (r *runner) pairsFileQuery(table, path, a, b string) string {
	sel := []string{"a AS " + engine.Ident(a), "b AS " + engine.Ident(b)}
	// A field's values are a and b in dedupe's pairs, left and right in
	// link's cross-reference.
	side := map[string]string{"a": "a", "b": "b"}
	if r.side != nil {
		side = map[string]string{"a": "left", "b": "right"}
	}
	if engine.OutputFormat(path) == source.FormatCSV {
		sel = append(sel, "weight", "probability")
		for i, f := range r.cfg.Fields {
			for _, c := range r.pairFieldColumns(i) {
				sel = append(sel, fmt.Sprintf("f%d_%s AS %s", i, c, engine.Ident(f.Column+"_"+cmp.Or(side[c], c))))
			}
		}
	} else {
		sel = append(sel, "CAST(weight AS DOUBLE) AS weight", "CAST(probability AS DOUBLE) AS probability")
		fields := make([]string, len(r.cfg.Fields))
		for i, f := range r.cfg.Fields {
			tf := ""
			if r.hasTF() {
				v := "NULL"
				if r.tf[i] != "" {
					v = fmt.Sprintf("f%d_tf", i)
				}
				tf = ", 'term_frequency': CAST(" + v + " AS DOUBLE)"
			}
			fields[i] = fmt.Sprintf("{'column': %s, %[4]s: f%[2]d_a, %[5]s: f%[2]d_b, 'similarity': CAST(f%[2]d_similarity AS DOUBLE), "+
				"'level': f%[2]d_level, 'weight': CAST(f%[2]d_weight AS DOUBLE)%[3]s}", engine.Literal(f.Column), i, tf, engine.Literal(side["a"]), engine.Literal(side["b"]))
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

// sig rounds f to six significant digits: a term frequency may be far
// below round's millionths.
func sig(f float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 6, 64), 64)
	return v
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
