//go:build duckdb_arrow

package dedupe

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/internal/enginetest"
	"github.com/plumb-data/plumb/internal/synth"
	"github.com/plumb-data/plumb/source"
)

// linkSides writes a generated link of n people and loads both sides.
func linkSides(t *testing.T, n int, seed uint64) (*engine.DB, *engine.Table, *engine.Table, *synth.LinkTruth) {
	t.Helper()
	dir := t.TempDir()
	lp, rp := filepath.Join(dir, "left.csv"), filepath.Join(dir, "right.csv")
	lf, err := os.Create(lp)
	if err != nil {
		t.Fatal(err)
	}
	rf, err := os.Create(rp)
	if err != nil {
		t.Fatal(err)
	}
	truth, err := synth.WriteLink(lf, rf, synth.LinkConfig{People: n, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	lf.Close()
	rf.Close()
	db := enginetest.Open(t)
	var tables [2]*engine.Table
	for i, p := range []string{lp, rp} {
		src, err := source.Parse(p)
		if err != nil {
			t.Fatal(err)
		}
		if tables[i], err = db.Load(t.Context(), src, LoadOptions()); err != nil {
			t.Fatal(err)
		}
	}
	return db, tables[0], tables[1], truth
}

// TestLinkAccuracy links a small generated pair of extracts with known
// truth (other ids and column names, typos, swapped names, missing
// fields) and wants F1 of at least 0.98, one-to-one and not.
func TestLinkAccuracy(t *testing.T) {
	t.Parallel()
	db, left, right, truth := linkSides(t, 3000, 3)
	cfg := linkConfig(t)
	for _, one := range []bool{false, true} {
		res, err := RunLink(t.Context(), db, left, right, cfg, LinkOptions{OneToOne: one, TruthLeft: "person", TruthRight: "entity", Seed: 1, Now: fixedClock()})
		if err != nil {
			t.Fatal(err)
		}
		if res.Left.Records != int64(truth.Left) || res.Right.Records != int64(truth.Right) {
			t.Errorf("records: got %d and %d, want %d and %d", res.Left.Records, res.Right.Records, truth.Left, truth.Right)
		}
		if res.Truth.TruePairs != int64(truth.Both) {
			t.Errorf("true pairs: got %d, want %d", res.Truth.TruePairs, truth.Both)
		}
		if res.Truth.F1 < 0.98 {
			t.Errorf("one-to-one %v: F1 %.4f (precision %.4f, recall %.4f), want ≥ 0.98", one, res.Truth.F1, res.Truth.Precision, res.Truth.Recall)
		}
		if res.Left.Matched+res.Left.Unmatched != res.Left.Records || res.Right.Matched+res.Right.Unmatched != res.Right.Records {
			t.Errorf("matched and unmatched do not add up: %+v %+v", res.Left, res.Right)
		}
		if one && (res.Left.Multiple != 0 || res.Right.Multiple != 0 || res.Matches != res.Left.Matched) {
			t.Errorf("one-to-one left records in several matches: %+v %+v, %d matches", res.Left, res.Right, res.Matches)
		}
		t.Logf("one-to-one %v: %d candidate pairs, %d links, %d matches, F1 %.4f", one, res.CandidatePairs, res.Links, res.Matches, res.Truth.F1)
	}
}
