//go:build duckdb_arrow

package dedupe

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/parquet-go/parquet-go"
	"github.com/plumb-data/plumb/engine"
)

// writeClusters writes every record with its cluster: no record is lost.
func (r *runner) writeClusters(ctx context.Context, clusters string) error {
	q := "SELECT s.* EXCLUDE (rid), c.cluster_id, c.cluster_size FROM " + r.numbered() + " s JOIN " + engine.Ident(clusters) + " c USING (rid) ORDER BY c.rid"
	return r.db.CopyQuery(ctx, q, r.opts.ClustersPath)
}

// pairRow is one linked pair with the explanation of its match.
type pairRow struct {
	A      string      `parquet:"a"`
	B      string      `parquet:"b"`
	Weight float64     `parquet:"weight"`
	Prob   float64     `parquet:"probability"`
	Fields []pairField `parquet:"fields"`
}

type pairField struct {
	Column     string  `parquet:"column"`
	A          *string `parquet:"a,optional"`
	B          *string `parquet:"b,optional"`
	Similarity float64 `parquet:"similarity"`
	Level      string  `parquet:"level"`
	Weight     float64 `parquet:"weight"`
}

// writePairs writes the linked pairs, field by field, from Go: Parquet
// through parquet-go, or CSV with a row per pair and a similarity, level
// and weight column per field.
func (r *runner) writePairs(ctx context.Context, threshold float64) error {
	idExpr := "rid"
	if r.cfg.ID != "" {
		idExpr = "CAST(" + engine.Ident(r.cfg.ID) + " AS VARCHAR)"
	}
	// The record ids are numbered once and joined to both sides of a pair.
	ids := "WITH ids AS MATERIALIZED (SELECT rid, " + idExpr + " AS id FROM " + r.numbered() + ") "
	pt, err := r.linkPatterns(ctx, threshold)
	if err != nil {
		return err
	}
	sel := []string{"CAST(ia.id AS VARCHAR)", "CAST(ib.id AS VARCHAR)", "s.pattern"}
	for i := range r.cfg.Fields {
		sel = append(sel, "x."+r.fieldCol(i), "y."+r.fieldCol(i))
	}
	q := ids + "SELECT " + strings.Join(sel, ", ") + " FROM " + engine.Ident(r.scored) + " s JOIN " + engine.Ident(pt) + " USING (pattern) JOIN " +
		engine.Ident(r.norm) + " x ON x.rid = s.a JOIN " + engine.Ident(r.norm) + " y ON y.rid = s.b JOIN ids ia ON ia.rid = s.a JOIN ids ib ON ib.rid = s.b ORDER BY s.a, s.b"
	rr, err := r.db.QueryArrow(ctx, q)
	if err != nil {
		return fmt.Errorf("linked pairs: %w", err)
	}
	defer rr.Release()
	f, err := os.Create(r.opts.PairsPath)
	if err != nil {
		return err
	}
	defer f.Close()
	parquetOut := strings.EqualFold(filepath.Ext(r.opts.PairsPath), ".parquet")
	var pw *parquet.GenericWriter[pairRow]
	var cw *csv.Writer
	if parquetOut {
		pw = parquet.NewGenericWriter[pairRow](f)
	} else {
		cw = csv.NewWriter(f)
		head := []string{"a", "b", "weight", "probability"}
		for _, fl := range r.cfg.Fields {
			c := fl.Column
			head = append(head, c+"_a", c+"_b", c+"_similarity", c+"_level", c+"_weight")
		}
		cw.Write(head)
	}
	for rr.Next() {
		rec := rr.RecordBatch()
		as, bs := rec.Column(0).(*array.String), rec.Column(1).(*array.String)
		ps := rec.Column(2).(*array.Uint64)
		batch := make([]pairRow, 0, rec.NumRows())
		for j := 0; j < int(rec.NumRows()); j++ {
			p := pattern(ps.Value(j))
			row := pairRow{A: as.Value(j), B: bs.Value(j), Weight: round(r.md.weight(p)), Prob: round(r.md.prob(p))}
			for i, fl := range r.cfg.Fields {
				x, y := rec.Column(3+2*i).(*array.String), rec.Column(4+2*i).(*array.String)
				var xv, yv *string
				if x.IsValid(j) {
					v := x.Value(j)
					xv = &v
				}
				if y.IsValid(j) {
					v := y.Value(j)
					yv = &v
				}
				sim, l := compare(fl.Compare, deref(xv), deref(yv))
				row.Fields = append(row.Fields, pairField{Column: fl.Column, A: xv, B: yv, Similarity: round(sim), Level: l.String(), Weight: round(r.md.fieldWeight(i, l))})
			}
			batch = append(batch, row)
		}
		if parquetOut {
			if _, err := pw.Write(batch); err != nil {
				return fmt.Errorf("write %s: %w", r.opts.PairsPath, err)
			}
			continue
		}
		for _, row := range batch {
			rec := []string{row.A, row.B, ftoa(row.Weight), ftoa(row.Prob)}
			for _, pf := range row.Fields {
				rec = append(rec, deref(pf.A), deref(pf.B), ftoa(pf.Similarity), pf.Level, ftoa(pf.Weight))
			}
			cw.Write(rec)
		}
	}
	if err := rr.Err(); err != nil {
		return err
	}
	if parquetOut {
		err = pw.Close()
	} else {
		cw.Flush()
		err = cw.Error()
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", r.opts.PairsPath, err)
	}
	return f.Close()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
