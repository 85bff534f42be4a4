//go:build duckdb_arrow

package dedupe

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
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
		// Each explanation adds up: the prior plus the fields' weights
		// is the match weight.
		prior := math.Log2(res.Lambda / (1 - res.Lambda))
		for _, l := range res.Weakest {
			sum := prior
			for _, f := range l.Fields {
				sum += f.Weight
			}
			if math.Abs(sum-l.Weight) > 1e-4 {
				t.Errorf("match %s-%s: prior and field weights add up to %.6f, want %.6f", l.A, l.B, sum, l.Weight)
			}
		}
		if len(res.Weakest) == 0 || res.Weakest[0].Weight < math.Log2(0.9/0.1) {
			t.Errorf("weakest matches: %+v", res.Weakest)
		}
		t.Logf("one-to-one %v: %d candidate pairs, %d links, %d matches, F1 %.4f", one, res.CandidatePairs, res.Links, res.Matches, res.Truth.F1)
	}
}

// TestTermFrequency: with term_frequency an exact agreement on a rare
// value weighs more than on a common one, by log2 of their frequencies'
// ratio, and the explanation says which frequency it used.
func TestTermFrequency(t *testing.T) {
	t.Parallel()
	r := &runner{cfg: &Config{Fields: []Field{{Column: "last_name", Compare: CompareJaroWinkler, TermFrequency: true}, {Column: "email"}}},
		tf: []string{"plumb_tf_last_name", ""}, swap: []int{-1, -1}}
	r.md = newModel([][]Level{fieldLevels(r.cfg.Fields[0]), fieldLevels(r.cfg.Fields[1])}, map[pattern]int64{})
	r.md.lambda = 0.001
	r.md.m[0][LevelExact], r.md.u[0][LevelExact] = 0.9, 0.01
	p := pattern(0).with(0, LevelExact).with(1, LevelExact)
	rare, common := 0.0001, 0.05
	wRare, wCommon := r.pairWeight(p, -math.Log2(rare)), r.pairWeight(p, -math.Log2(common))
	if got, want := wRare-wCommon, math.Log2(common/rare); math.Abs(got-want) > 1e-9 {
		t.Errorf("rare minus common: got %.6f bits, want %.6f", got, want)
	}
	// With the field's own u as the value's frequency, nothing changes.
	if got, want := r.pairWeight(p, -math.Log2(0.01)), r.md.weight(p); math.Abs(got-want) > 1e-9 {
		t.Errorf("a value as frequent as the field's u: got %.6f, want the plain weight %.6f", got, want)
	}
	// The explanation's field weights add up to the pair's weight.
	prior := math.Log2(r.md.lambda / (1 - r.md.lambda))
	sum := prior + r.fieldWeight(0, comparison{level: LevelExact, tf: rare}) + r.fieldWeight(1, comparison{level: LevelExact})
	if math.Abs(sum-wRare) > 1e-9 {
		t.Errorf("explained weights add up to %.6f, want %.6f", sum, wRare)
	}
	lf := r.explain([]string{"zyx", "a@b"}, []string{"zyx", "a@b"}, []float64{rare, 0})
	if lf[0].TermFrequency != rare || lf[1].TermFrequency != 0 || lf[0].Level != "exact" {
		t.Errorf("explanation: %+v", lf)
	}
}

// TestComponents holds union-find over the linked records to a plain
// labelling of random links.
func TestComponents(t *testing.T) {
	t.Parallel()
	for seed := range uint64(20) {
		r := rand.New(rand.NewPCG(seed, 1))
		var links [][2]int32
		var ids []int32
		for range 1 + r.IntN(50) {
			a, b := 1+r.Int32N(100), 1+r.Int32N(100)
			if a == b {
				continue
			}
			a, b = min(a, b), max(a, b)
			links = append(links, [2]int32{a, b})
			ids = append(ids, a, b)
		}
		c := newComponents(slices.Clone(ids))
		for _, l := range links {
			c.union(l[0], l[1])
		}
		c.flatten()
		// The plain way: relabel until nothing changes; a cluster is
		// named by its smallest record.
		label := map[int32]int32{}
		for _, id := range ids {
			label[id] = id
		}
		for changed := true; changed; {
			changed = false
			for _, l := range links {
				m := min(label[l[0]], label[l[1]])
				for _, x := range l {
					if label[x] != m {
						label[x], changed = m, true
					}
				}
			}
		}
		size := map[int32]int64{}
		for _, l := range label {
			size[l]++
		}
		for id, l := range label {
			if got := c.cluster(id); got != l {
				t.Fatalf("seed %d: record %d in cluster %d, want %d", seed, id, got, l)
			}
			if got := c.size[c.parent[c.index(id)]]; got != size[l] {
				t.Fatalf("seed %d: record %d's cluster has %d records, want %d", seed, id, got, size[l])
			}
		}
	}
}
