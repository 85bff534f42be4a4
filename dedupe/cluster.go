//go:build duckdb_arrow

package dedupe

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/plumb-data/plumb/engine"
)

// linkPatterns writes the patterns at or over the threshold, with their
// weights, to a table.
func (r *runner) linkPatterns(ctx context.Context, threshold float64) (string, error) {
	if r.links != "" {
		return r.links, nil
	}
	pt, err := r.table(ctx, "plumb_dedupe_patterns", "(pattern UBIGINT, weight DOUBLE, prob DOUBLE)")
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
		if pr := r.md.prob(p); pr >= threshold {
			if err := app.Append(uint64(p), r.md.weight(p), pr); err != nil {
				app.Close()
				return "", err
			}
		}
	}
	r.links = pt
	return pt, app.Close()
}

// cluster links pairs over the threshold and finds connected components
// with union-find; it returns the table of (rid, cluster_id, cluster_size).
func (r *runner) cluster(ctx context.Context, threshold float64) (string, error) {
	pt, err := r.linkPatterns(ctx, threshold)
	if err != nil {
		return "", err
	}
	n := r.res.Records
	parent := make([]int32, n+1)
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	var links []link // linked pairs are few; kept to judge clusters' weakest links
	rows, err := r.db.QueryContext(ctx, "SELECT s.a, s.b, p.weight FROM "+engine.Ident(r.scored)+" s JOIN "+engine.Ident(pt)+" p USING (pattern) ORDER BY s.a, s.b")
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
		if ra, rb := find(l.a), find(l.b); ra != rb {
			if ra < rb {
				parent[rb] = ra
			} else {
				parent[ra] = rb
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", err
	}
	r.res.Links = int64(len(links))
	minWeight := math.Log2(threshold / (1 - threshold))
	// Cluster ids are the smallest record number of each cluster: unions
	// always keep the smaller root.
	size := make(map[int32]int64)
	for i := int32(1); i <= int32(n); i++ {
		root := find(i)
		parent[i] = root
		size[root]++
	}
	bySize := map[int64]int64{}
	for _, s := range size {
		bySize[s]++
	}
	r.res.Clusters = int64(len(size))
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
	type stat struct {
		min, sum float64
		n        int
	}
	stats := map[int32]*stat{}
	for _, l := range links {
		root := parent[l.a]
		s := stats[root]
		if s == nil {
			s = &stat{min: math.Inf(1)}
			stats[root] = s
		}
		s.min = math.Min(s.min, l.w)
		s.sum += l.w
		s.n++
	}
	for root, s := range stats {
		avg := s.sum / float64(s.n)
		if s.n >= 2 && s.min < minWeight+3 && avg-s.min >= 10 {
			r.res.WeakClusters = append(r.res.WeakClusters, WeakCluster{Cluster: int64(root), Size: size[root], MinWeight: round(s.min), AvgWeight: round(avg)})
		}
	}
	slices.SortFunc(r.res.WeakClusters, func(x, y WeakCluster) int {
		return int(x.Cluster - y.Cluster)
	})
	if err := r.topClusters(ctx, parent, size, links); err != nil {
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
	for i := int32(1); i <= int32(n); i++ {
		root := parent[i]
		if err := app.Append(int64(i), int64(root), size[root]); err != nil {
			app.Close()
			return "", err
		}
	}
	return ct, app.Close()
}
