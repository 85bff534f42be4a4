//go:build duckdb_arrow

package dedupe

import (
	"context"
	"fmt"
	"strings"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/internal/missing"
)

// normalize numbers the records (rid, in source order) and writes their
// normalized fields to a table, with empty values and null markers
// (N/A, NULL, -, …) as NULL: two records that both lack a birth date do
// not agree on it. It runs in DuckDB; Normalize is its reference.
func (r *runner) normalize(ctx context.Context) error {
	query := func(t *engine.Table, col func(Field) string, offset int64) string {
		inner := []string{fmt.Sprintf("row_number() OVER () + %d AS rid", offset)}
		outer := []string{"rid"}
		for i, f := range r.cfg.Fields {
			inner = append(inner, normalizeSQL("CAST("+engine.Ident(col(f))+" AS VARCHAR)", f.Normalize)+fmt.Sprintf(" AS f%d", i))
			outer = append(outer, nullMarkerSQL(fmt.Sprintf("f%d", i))+" AS "+r.fieldCol(i))
		}
		return "SELECT " + strings.Join(outer, ", ") + " FROM (SELECT " + strings.Join(inner, ", ") + " FROM " + engine.Ident(t.Name) + ")"
	}
	q := query(r.t, Field.LeftColumn, 0)
	var err error
	if r.side != nil {
		if r.side.left, err = r.db.Count(ctx, r.t.Name); err != nil {
			return err
		}
		q += " UNION ALL " + query(r.side.right, Field.RightColumn, r.side.left)
	}
	if r.norm, err = r.table(ctx, "plumb_dedupe_norm", "AS "+q); err != nil {
		return err
	}
	if err := r.termFrequencies(ctx); err != nil {
		return err
	}
	r.res.Records, err = r.db.Count(ctx, r.norm)
	return err
}

// termFrequencies adds to the normalized table, for each field with
// term_frequency, the share of all records (both sources when linking)
// that hold each value, as splink's term-frequency tables do.
func (r *runner) termFrequencies(ctx context.Context) error {
	sel := []string{"n.*"}
	var joins []string
	for i, tf := range r.tf {
		if tf == "" {
			continue
		}
		c := r.fieldCol(i)
		t := fmt.Sprintf("t%d", i)
		sel = append(sel, t+".tf AS "+engine.Ident(tf))
		joins = append(joins, " LEFT JOIN (SELECT "+c+" AS v, count(*) / sum(count(*)) OVER () AS tf FROM "+engine.Ident(r.norm)+" WHERE "+c+" IS NOT NULL GROUP BY "+c+") "+t+" ON "+t+".v = n."+c)
	}
	if len(joins) == 0 {
		return nil
	}
	withTF, err := r.table(ctx, "plumb_dedupe_norm", "AS SELECT "+strings.Join(sel, ", ")+" FROM "+engine.Ident(r.norm)+" n"+strings.Join(joins, "")+" ORDER BY n.rid")
	if err != nil {
		return err
	}
	if _, err := r.db.ExecContext(ctx, "DROP TABLE "+engine.Ident(r.norm)); err != nil {
		return err
	}
	r.norm = withTF
	return nil
}

// space is an RE2 class of the characters unicode.IsSpace accepts, so
// that SQL trims and collapses what strings.TrimSpace and strings.Fields
// do (no-break spaces included).
const space = `[\t\n\x{0B}\f\r \x{85}\p{Z}]`

// normalizeSQL is Normalize as a DuckDB expression over expr, so that
// normalization runs in DuckDB next to blocking; TestNormalizeSQL holds
// the two to the same results.
func normalizeSQL(expr string, steps []Normalizer) string {
	for _, st := range steps {
		switch st {
		case NormalizeTrim:
			expr = "regexp_replace(" + expr + ", '^" + space + "+|" + space + "+$', '', 'g')"
		case NormalizeLower:
			expr = "lower(" + expr + ")"
		case NormalizeUpper:
			expr = "upper(" + expr + ")"
		case NormalizeUnaccent:
			expr = "strip_accents(" + expr + ")"
		case NormalizeCollapseSpaces:
			expr = "trim(regexp_replace(" + expr + ", '" + space + "+', ' ', 'g'), ' ')"
		case NormalizeDigitsOnly:
			expr = "regexp_replace(" + expr + ", '[^0-9]', '', 'g')"
		case NormalizeAlnumOnly:
			expr = "regexp_replace(" + expr + `, '[^\pL\pN]', '', 'g')`
		}
	}
	return expr
}

// nullMarkerSQL is missing.IsMarker as a DuckDB expression: col, or NULL
// where it is empty or a marker of a missing value.
func nullMarkerSQL(col string) string {
	markers := []string{"''"}
	for _, m := range missing.Markers() {
		markers = append(markers, engine.Literal(m))
	}
	return "CASE WHEN lower(regexp_replace(" + col + ", '^" + space + "+|" + space + "+$', '', 'g')) IN (" + strings.Join(markers, ", ") + ") THEN NULL ELSE " + col + " END"
}
