//go:build duckdb_arrow

package reconcile

import (
	"context"
	"fmt"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/source"
)

// rejected puts in the result the rows of each side rejected at load,
// which the comparison cannot see: how many, and the first few of each
// side in file and line order.
func (r *runner) rejected(ctx context.Context) error {
	r.res.SourceRejected, r.res.TargetRejected = r.src.RowsRejected, r.tgt.RowsRejected
	r.res.RejectsAllowed = r.opts.AllowRejects
	for _, side := range []struct {
		t    *engine.Table
		dest *[]source.Reject
	}{{r.src, &r.res.SourceRejectedSamples}, {r.tgt, &r.res.TargetRejectedSamples}} {
		*side.dest = []source.Reject{}
		if r.opts.Samples <= 0 || side.t.RowsRejected == 0 {
			continue
		}
		rejects, err := r.db.Rejects(ctx, side.t, r.opts.Samples)
		if err != nil {
			return fmt.Errorf("rows rejected at load: %w", err)
		}
		*side.dest = append(*side.dest, rejects...)
	}
	return nil
}
