//go:build duckdb_arrow

package dedupe

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/internal/synth"
	"github.com/plumb-data/plumb/source"
)

// BenchmarkDedupe deduplicates a generated extract with known duplicate
// clusters (case, typos, missing fields) end to end, load included, and
// reports pairwise F1 against the generator's labels. The config is
// testdata/dedupe/dedupe.yaml, or the file there that
// PLUMB_BENCH_DEDUPE_CONFIG names (wide_blocking.yaml: ~20M pairs at 1M).
//
//	go test -tags duckdb_arrow -run '^$' -bench Dedupe -benchtime 1x ./dedupe
func BenchmarkDedupe(b *testing.B) {
	rows := 1_000_000
	if s := os.Getenv("PLUMB_BENCH_DEDUPE_ROWS"); s != "" {
		rows, _ = strconv.Atoi(s)
	}
	b.Run(fmt.Sprintf("records=%d", rows), func(b *testing.B) {
		path, err := synth.CachedFile(os.TempDir(), synth.Config{Rows: rows, Seed: 9, Mess: true, Entity: true})
		if err != nil {
			b.Fatal(err)
		}
		config := "dedupe.yaml"
		if c := os.Getenv("PLUMB_BENCH_DEDUPE_CONFIG"); c != "" {
			config = c
		}
		data, err := os.ReadFile(filepath.Join("..", "testdata", "dedupe", config))
		if err != nil {
			b.Fatal(err)
		}
		cfg, err := Parse(data)
		if err != nil {
			b.Fatal(err)
		}
		var res *Result
		for b.Loop() {
			db, err := engine.Open(b.Context(), engine.Config{Threads: 2, TempDir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			src, _ := source.Parse(path)
			t, err := db.Load(b.Context(), src, engine.LoadOptions{Raw: true})
			if err != nil {
				b.Fatal(err)
			}
			if res, err = Run(b.Context(), db, t, cfg, Options{Truth: "entity_id", Seed: 1}); err != nil {
				b.Fatal(err)
			}
			db.Close()
		}
		b.ReportMetric(res.Truth.F1, "pairwise_f1")
		b.ReportMetric(res.Truth.B3F1, "b3_f1")
		b.ReportMetric(float64(res.CandidatePairs), "candidate_pairs")
		b.ReportMetric(float64(res.Links), "links")
	})
}

// BenchmarkLink links the two sides of a generated pair of extracts
// (other ids and column names, typos, swapped names, missing fields)
// with testdata/dedupe/link.yaml, one-to-one, and reports F1 against
// the generator's labels.
//
//	PLUMB_BENCH_LINK_PEOPLE=100000 go test -tags duckdb_arrow -run '^$' -bench Link -benchtime 1x ./dedupe
func BenchmarkLink(b *testing.B) {
	people := 100_000
	if s := os.Getenv("PLUMB_BENCH_LINK_PEOPLE"); s != "" {
		people, _ = strconv.Atoi(s)
	}
	b.Run(fmt.Sprintf("people=%d", people), func(b *testing.B) {
		left, right, err := synth.CachedLinkFiles(os.TempDir(), synth.LinkConfig{People: people, Seed: 7})
		if err != nil {
			b.Fatal(err)
		}
		cfg := linkConfig(b)
		var res *LinkResult
		for b.Loop() {
			db, err := engine.Open(b.Context(), engine.Config{Threads: 2, TempDir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			var tables [2]*engine.Table
			for i, p := range []string{left, right} {
				src, _ := source.Parse(p)
				if tables[i], err = db.Load(b.Context(), src, LoadOptions()); err != nil {
					b.Fatal(err)
				}
			}
			if res, err = RunLink(b.Context(), db, tables[0], tables[1], cfg, LinkOptions{OneToOne: true, TruthLeft: "person", TruthRight: "entity", Seed: 1}); err != nil {
				b.Fatal(err)
			}
			db.Close()
		}
		b.ReportMetric(res.Truth.F1, "f1")
		b.ReportMetric(res.Truth.Precision, "precision")
		b.ReportMetric(res.Truth.Recall, "recall")
		b.ReportMetric(float64(res.CandidatePairs), "candidate_pairs")
		b.ReportMetric(float64(res.Matches), "matches")
	})
}

// linkConfig reads testdata/dedupe/link.yaml.
func linkConfig(tb testing.TB) *Config {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "dedupe", "link.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	cfg, err := ParseLink(data)
	if err != nil {
		tb.Fatal(err)
	}
	return cfg
}
