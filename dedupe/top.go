//go:build duckdb_arrow

package dedupe

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/plumb-data/plumb/engine"
)

// link is a linked pair of record numbers and its weight.
type link struct {
	a, b int32
	w    float64
}

// maxTopClusters is how many of the largest clusters a result describes.
const maxTopClusters = 10

// topClusters describes the largest clusters of two or more records:
// their records as written, and their links with each field's comparison
// recomputed from the normalized values.
func (r *runner) topClusters(ctx context.Context, comp *components, links []link) error {
	var roots []int32
	for i, n := range comp.size {
		if n > 1 && comp.parent[i] == int32(i) {
			roots = append(roots, int32(i))
		}
	}
	slices.SortFunc(roots, func(x, y int32) int {
		if comp.size[x] != comp.size[y] {
			return int(comp.size[y] - comp.size[x])
		}
		return int(x - y)
	})
	if len(roots) > maxTopClusters {
		roots = roots[:maxTopClusters]
	}
	if len(roots) == 0 {
		return nil
	}
	top := map[int32]int{}
	for i, root := range roots {
		top[root] = i
		r.res.TopClusters = append(r.res.TopClusters, ClusterDetail{Cluster: int64(comp.ids[root]), Size: comp.size[root], Records: []ClusterRecord{}, Links: []Link{}})
	}
	var rids []string
	for i, rid := range comp.ids {
		if _, ok := top[comp.parent[i]]; ok {
			rids = append(rids, fmt.Sprint(rid))
		}
	}
	idExpr := "CAST(rid AS VARCHAR)"
	if r.cfg.ID != "" {
		idExpr = "CAST(" + engine.Ident(r.cfg.ID) + " AS VARCHAR)"
	}
	sel := []string{"s.rid", idExpr}
	for i := range r.cfg.Fields {
		sel = append(sel, "CAST(s."+r.fieldCol(i)+" AS VARCHAR)", "n."+r.fieldCol(i))
	}
	for _, tf := range r.tf {
		if tf != "" {
			sel = append(sel, "CAST(n."+engine.Ident(tf)+" AS VARCHAR)")
		}
	}
	q := "SELECT " + strings.Join(sel, ", ") + " FROM " + r.numbered() + " s JOIN " + engine.Ident(r.norm) + " n USING (rid) WHERE s.rid IN (" +
		strings.Join(rids, ", ") + ") ORDER BY s.rid"
	rows, err := r.db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	ids := map[int32]string{}
	norm := map[int32][]string{}
	tfs := map[int32][]float64{}
	nf := len(r.cfg.Fields)
	ntf := 0
	for _, tf := range r.tf {
		if tf != "" {
			ntf++
		}
	}
	for rows.Next() {
		var rid int64
		var id sql.NullString
		vals := make([]sql.NullString, 2*nf+ntf)
		dest := []any{&rid, &id}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		rec := ClusterRecord{ID: id.String}
		nv := make([]string, nf)
		for i := 0; i < nf; i++ {
			if v := vals[2*i]; v.Valid {
				s := v.String
				rec.Values = append(rec.Values, &s)
			} else {
				rec.Values = append(rec.Values, nil)
			}
			nv[i] = vals[2*i+1].String
		}
		tf := make([]float64, nf)
		k := 2 * nf
		for i := range nf {
			if r.tf[i] != "" {
				tf[i], _ = strconv.ParseFloat(vals[k].String, 64)
				k++
			}
		}
		ids[int32(rid)], norm[int32(rid)], tfs[int32(rid)] = id.String, nv, tf
		c := &r.res.TopClusters[top[comp.parent[comp.index(int32(rid))]]]
		c.Records = append(c.Records, rec)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, l := range links {
		i, ok := top[comp.parent[comp.index(l.a)]]
		if !ok {
			continue
		}
		lk := Link{A: ids[l.a], B: ids[l.b], Weight: round(l.w), Probability: round(probOf(l.w))}
		lk.Fields = r.explain(norm[l.a], norm[l.b], tfs[l.a])
		r.res.TopClusters[i].Links = append(r.res.TopClusters[i].Links, lk)
	}
	for i := range r.res.TopClusters {
		slices.SortFunc(r.res.TopClusters[i].Links, func(x, y Link) int {
			return strings.Compare(x.A+"\x00"+x.B, y.A+"\x00"+y.B)
		})
	}
	return nil
}

// explain compares the normalized values x and y of two records field by
// field, as scoring did, with the term frequencies tf of x's values.
func (r *runner) explain(x, y []string, tf []float64) []LinkField {
	var out []LinkField
	for f, fl := range r.cfg.Fields {
		var fc comparison
		if s := r.swap[f]; s >= 0 {
			fc.sim, fc.level = compareSwap(fl.Compare, x[f], y[f], x[s], y[s])
		} else {
			fc.sim, fc.level = compare(fl.Compare, x[f], y[f])
		}
		lf := LinkField{Column: fl.Column, Similarity: round(fc.sim), Level: fc.level.String()}
		if fc.level == LevelExact && r.tf[f] != "" {
			fc.tf = tf[f]
			lf.TermFrequency = sig(fc.tf)
		}
		lf.Weight = round(r.fieldWeight(f, fc))
		out = append(out, lf)
	}
	return out
}
