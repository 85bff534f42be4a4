//go:build duckdb_arrow

package dedupe

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/plumb-data/plumb/engine"
)

// linkedPairs writes the pairs at or over the threshold to a table
// (a, b, weight), in DuckDB: a pattern's weight comes from a table of the
// distinct patterns, to which a pair adds its term-frequency bits.
func (r *runner) linkedPairs(ctx context.Context, threshold float64) (string, error) {
	if r.links != "" {
		return r.links, nil
	}
	pt, err := r.table(ctx, "plumb_dedupe_patterns", "(pattern UBIGINT, weight DOUBLE)")
	if err != nil {
		return "", err
	}
	rows, err := r.db.QueryContext(ctx, "SELECT DISTINCT pattern FROM "+engine.Ident(r.scored))
	if err != nil {
		return "", err
	}
	var pats []pattern
	for rows.Next() {
		var p uint64
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return "", err
		}
		pats = append(pats, pattern(p))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", err
	}
	app, err := r.db.NewAppender(ctx, pt)
	if err != nil {
		return "", err
	}
	for _, p := range pats {
		if err := app.Append(uint64(p), r.patternWeight(p)); err != nil {
			app.Close()
			return "", err
		}
	}
	if err := app.Close(); err != nil {
		return "", err
	}
	minWeight := math.Log2(threshold / (1 - threshold))
	w := "p.weight + " + r.tfExpr()
	lt, err := r.table(ctx, "plumb_dedupe_links", fmt.Sprintf("AS SELECT s.a, s.b, %s AS weight FROM %s s JOIN %s p USING (pattern) WHERE %s >= %s",
		w, engine.Ident(r.scored), engine.Ident(pt), w, strconv.FormatFloat(minWeight, 'g', -1, 64)))
	if err != nil {
		return "", err
	}
	if r.res.Links, err = r.db.Count(ctx, lt); err != nil {
		return "", err
	}
	r.links = lt
	return lt, nil
}

// components are the connected components of the linked pairs, by
// union-find over the records that are in a link (the others are
// clusters of one): Go holds four bytes for each of those records and
// nothing for the rest.
type components struct {
	ids    []int32 // record numbers in a link, ascending
	parent []int32 // index in ids of each one's parent
	size   []int64 // records in the component, at its root's index
}

// newComponents makes singleton components of the record numbers in ids.
func newComponents(ids []int32) *components {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	c := &components{ids: ids, parent: make([]int32, len(ids)), size: make([]int64, len(ids))}
	for i := range c.parent {
		c.parent[i] = int32(i)
	}
	return c
}

// index is where record rid is in ids, which must hold it.
func (c *components) index(rid int32) int32 {
	i, _ := slices.BinarySearch(c.ids, rid)
	return int32(i)
}

func (c *components) find(i int32) int32 {
	for c.parent[i] != i {
		c.parent[i] = c.parent[c.parent[i]]
		i = c.parent[i]
	}
	return i
}

// union joins the components of records a and b; the root stays the
// smaller index, so a cluster's id is its smallest record number.
func (c *components) union(a, b int32) {
	ra, rb := c.find(c.index(a)), c.find(c.index(b))
	if ra == rb {
		return
	}
	if ra < rb {
		c.parent[rb] = ra
	} else {
		c.parent[ra] = rb
	}
}

// flatten points every record at its root and counts the sizes.
func (c *components) flatten() {
	for i := range c.parent {
		root := c.find(int32(i))
		c.parent[i] = root
		c.size[root]++
	}
}

// cluster returns the root record number of a record in a link.
func (c *components) cluster(rid int32) int32 { return c.ids[c.parent[c.index(rid)]] }

// cluster finds connected components of the linked pairs and returns the
// table of (rid, cluster_id, cluster_size) of the records in a link; a
// record in none is its own cluster (cluster_id = rid, size 1).
func (r *runner) cluster(ctx context.Context, threshold float64) (string, error) {
	lt, err := r.linkedPairs(ctx, threshold)
	if err != nil {
		return "", err
	}
	// The links are few next to the candidate pairs (a share of the
	// records), and are kept to judge clusters' weakest links.
	links := make([]link, 0, r.res.Links)
	rows, err := r.db.QueryContext(ctx, "SELECT a, b, weight FROM "+engine.Ident(lt)+" ORDER BY a, b")
	if err != nil {
		return "", err
	}
	for rows.Next() {
		var l link
		if err := rows.Scan(&l.a, &l.b, &l.w); err != nil {
			rows.Close()
			return "", err
		}
		links = append(links, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", err
	}
	ids := make([]int32, 0, 2*len(links))
	for _, l := range links {
		ids = append(ids, l.a, l.b)
	}
	comp := newComponents(ids)
	for _, l := range links {
		comp.union(l.a, l.b)
	}
	comp.flatten()
	n := r.res.Records
	linked := int64(len(comp.ids))
	minWeight := math.Log2(threshold / (1 - threshold))
	bySize := map[int64]int64{}
	if n > linked {
		bySize[1] = n - linked
	}
	for i, s := range comp.size {
		if s > 0 && comp.parent[i] == int32(i) {
			bySize[s]++
			r.res.Clusters++
		}
	}
	r.res.Clusters += n - linked
	for s, c := range bySize {
		r.res.ClusterSizes = append(r.res.ClusterSizes, SizeCount{Size: s, Clusters: c})
	}
	slices.SortFunc(r.res.ClusterSizes, func(x, y SizeCount) int { return int(x.Size - y.Size) })
	if n > 0 {
		r.res.DuplicateShare = float64(n-r.res.Clusters) / float64(n)
	}
	// Weak links: a cluster whose weakest link barely clears the threshold
	// (within 3 bits of it) while its links average 10 bits (a thousand
	// times the odds) more: one weak link may be chaining two entities.
	// Each cluster's link weights, at its root's index: flat slices, not
	// a map of pointers, as linked records may number millions.
	minW, sumW, nW := make([]float64, len(comp.ids)), make([]float64, len(comp.ids)), make([]int32, len(comp.ids))
	for i := range minW {
		minW[i] = math.Inf(1)
	}
	for _, l := range links {
		root := comp.parent[comp.index(l.a)]
		minW[root] = math.Min(minW[root], l.w)
		sumW[root] += l.w
		nW[root]++
	}
	for root, n := range nW {
		if n < 2 {
			continue
		}
		avg := sumW[root] / float64(n)
		if minW[root] < minWeight+3 && avg-minW[root] >= 10 {
			r.res.WeakClusters = append(r.res.WeakClusters, WeakCluster{Cluster: int64(comp.ids[root]), Size: comp.size[root], MinWeight: round(minW[root]), AvgWeight: round(avg)})
		}
	}
	slices.SortFunc(r.res.WeakClusters, func(x, y WeakCluster) int {
		return int(x.Cluster - y.Cluster)
	})
	if err := r.topClusters(ctx, comp, links); err != nil {
		return "", fmt.Errorf("top clusters: %w", err)
	}
	ct, err := r.table(ctx, "plumb_dedupe_clusters", "(rid BIGINT, cluster_id BIGINT, cluster_size BIGINT)")
	if err != nil {
		return "", err
	}
	app, err := r.db.NewAppender(ctx, ct)
	if err != nil {
		return "", err
	}
	for i, rid := range comp.ids {
		root := comp.parent[i]
		if err := app.Append(int64(rid), int64(comp.ids[root]), comp.size[root]); err != nil {
			app.Close()
			return "", err
		}
	}
	return ct, app.Close()
}

// clustersOfAll selects every record's (rid, cluster_id, cluster_size)
// from the table cluster returns, records in no link as clusters of one.
func (r *runner) clustersOfAll(clusters string) string {
	return "SELECT n.rid, coalesce(c.cluster_id, n.rid) AS cluster_id, coalesce(c.cluster_size, 1) AS cluster_size FROM " +
		engine.Ident(r.norm) + " n LEFT JOIN " + engine.Ident(clusters) + " c USING (rid)"
}
