//go:build duckdb_arrow

package dedupe

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
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
func (r *runner) topClusters(ctx context.Context, parent []int32, size map[int32]int64, links []link) error {
	var roots []int32
	for root, n := range size {
		if n > 1 {
			roots = append(roots, root)
		}
	}
	slices.SortFunc(roots, func(x, y int32) int {
		if size[x] != size[y] {
			return int(size[y] - size[x])
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
		r.res.TopClusters = append(r.res.TopClusters, ClusterDetail{Cluster: int64(root), Size: size[root], Records: []ClusterRecord{}, Links: []Link{}})
	}
	var rids []string
	for i := 1; i < len(parent); i++ {
		if _, ok := top[parent[i]]; ok {
			rids = append(rids, fmt.Sprint(i))
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
	q := "SELECT " + strings.Join(sel, ", ") + " FROM " + r.numbered() + " s JOIN " + engine.Ident(r.norm) + " n USING (rid) WHERE s.rid IN (" +
		strings.Join(rids, ", ") + ") ORDER BY s.rid"
	rows, err := r.db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	ids := map[int32]string{}
	norm := map[int32][]string{}
	nf := len(r.cfg.Fields)
	for rows.Next() {
		var rid int64
		var id sql.NullString
		vals := make([]sql.NullString, 2*nf)
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
		ids[int32(rid)], norm[int32(rid)] = id.String, nv
		c := &r.res.TopClusters[top[parent[rid]]]
		c.Records = append(c.Records, rec)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, l := range links {
		i, ok := top[parent[l.a]]
		if !ok {
			continue
		}
		lk := Link{A: ids[l.a], B: ids[l.b], Weight: round(l.w), Probability: round(probOf(l.w))}
		for f, fl := range r.cfg.Fields {
			sim, lv := compare(fl.Compare, norm[l.a][f], norm[l.b][f])
			lk.Fields = append(lk.Fields, LinkField{Column: fl.Column, Similarity: round(sim), Level: lv.String(), Weight: round(r.md.fieldWeight(f, lv))})
		}
		r.res.TopClusters[i].Links = append(r.res.TopClusters[i].Links, lk)
	}
	for i := range r.res.TopClusters {
		slices.SortFunc(r.res.TopClusters[i].Links, func(x, y Link) int {
			return strings.Compare(x.A+"\x00"+x.B, y.A+"\x00"+y.B)
		})
	}
	return nil
}
