//go:build duckdb_arrow

package dedupe

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestCandidatesInParts checks that reading the candidate pairs in parts
// (as when their fields would not fit DuckDB's memory) scores, trains
// and clusters exactly as reading them at once: the same result, pairs
// and clusters files.
func TestCandidatesInParts(t *testing.T) {
	t.Parallel()
	db, tbl, cfg := setup(t)
	dir := t.TempDir()
	var want *Result
	var wantFiles [2][]byte
	for _, parts := range []int{1, 3, 16} {
		clusters, pairs := filepath.Join(dir, fmt.Sprintf("c%d.csv", parts)), filepath.Join(dir, fmt.Sprintf("p%d.csv", parts))
		res, err := Run(t.Context(), db, tbl, cfg, Options{ClustersPath: clusters, PairsPath: pairs, Now: fixedClock(), Seed: 1, parts: parts})
		if err != nil {
			t.Fatal(err)
		}
		var files [2][]byte
		for i, p := range []string{clusters, pairs} {
			if files[i], err = os.ReadFile(p); err != nil {
				t.Fatal(err)
			}
		}
		res.Stages = nil // timings
		if parts == 1 {
			if res.CandidatePairs == 0 || res.Links == 0 {
				t.Fatalf("the fixture should make candidate pairs and links: %+v", res)
			}
			want, wantFiles = res, files
			continue
		}
		if !reflect.DeepEqual(res, want) {
			t.Errorf("%d parts:\n%+v\nat once:\n%+v", parts, res, want)
		}
		if !reflect.DeepEqual(files, wantFiles) {
			t.Errorf("%d parts: the clusters or pairs file differs from reading the pairs at once", parts)
		}
	}
}
