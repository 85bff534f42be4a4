//go:build duckdb_arrow

package dedupe

import (
	"context"

	"github.com/plumb-data/plumb/engine"
)

// accuracy scores the clusters against the truth column, pairwise and
// with B-cubed.
func (r *runner) accuracy(ctx context.Context, clusters string) (*Accuracy, error) {
	a := &Accuracy{Column: r.opts.Truth}
	q := `WITH j AS (SELECT c.cluster_id, CAST(s.` + engine.Ident(r.opts.Truth) + ` AS VARCHAR) AS label FROM (` + r.clustersOfAll(clusters) + `) c JOIN ` + r.numbered() + ` s USING (rid)),
		cl AS (SELECT cluster_id, count(*) AS n FROM j GROUP BY ALL),
		lb AS (SELECT label, count(*) AS n FROM j GROUP BY ALL),
		cl_lb AS (SELECT cluster_id, label, count(*) AS n FROM j GROUP BY ALL)
	SELECT (SELECT sum(n * (n - 1) // 2) FROM lb)::BIGINT, (SELECT sum(n * (n - 1) // 2) FROM cl)::BIGINT, (SELECT sum(n * (n - 1) // 2) FROM cl_lb)::BIGINT,
		(SELECT sum(b.n * b.n / c.n) / sum(b.n) FROM cl_lb b JOIN cl c USING (cluster_id)),
		(SELECT sum(b.n * b.n / l.n) / sum(b.n) FROM cl_lb b JOIN lb l USING (label))`
	if err := r.db.QueryRowContext(ctx, q).Scan(&a.TruePairs, &a.PredictedPairs, &a.TruePositivePairs, &a.B3Precision, &a.B3Recall); err != nil {
		return nil, err
	}
	a.Precision, a.Recall = ratio(a.TruePositivePairs, a.PredictedPairs), ratio(a.TruePositivePairs, a.TruePairs)
	a.F1 = f1(a.Precision, a.Recall)
	a.B3F1 = f1(a.B3Precision, a.B3Recall)
	for _, p := range []*float64{&a.Precision, &a.Recall, &a.F1, &a.B3Precision, &a.B3Recall, &a.B3F1} {
		*p = round(*p)
	}
	return a, nil
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}
