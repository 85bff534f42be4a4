//go:build duckdb_arrow

package dedupe

import (
	"fmt"
	"github.com/plumb-data/plumb/internal/golden"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/internal/enginetest"
	"github.com/plumb-data/plumb/internal/missing"
)

func setup(t *testing.T) (*engine.DB, *engine.Table, *Config) {
	t.Helper()
	db := enginetest.Open(t)
	tbl := enginetest.Load(t, db, enginetest.Fixture("dedupe/people.csv"), true)
	data, err := os.ReadFile(filepath.Join("..", "testdata", "dedupe", "dedupe.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return db, tbl, cfg
}

func fixedClock() func() time.Time {
	t := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(time.Second); return t }
}

// TestGoldenClusters checks the clusters of the labelled fixture against
// a golden file of customer_id,cluster_id,cluster_size, and that every
// record is in exactly one cluster.
func TestGoldenClusters(t *testing.T) {
	t.Parallel()
	db, tbl, cfg := setup(t)
	out := filepath.Join(t.TempDir(), "clusters.csv")
	res, err := Run(t.Context(), db, tbl, cfg, Options{Truth: "entity_id", ClustersPath: out, Now: fixedClock(), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	recs := enginetest.ReadCSV(t, out)
	head := recs[0]
	idCol, clCol, sizeCol := index(head, "customer_id"), index(head, "cluster_id"), index(head, "cluster_size")
	if len(recs)-1 != int(res.Records) || res.Records != 400 {
		t.Fatalf("clusters file has %d records, result says %d, want 400", len(recs)-1, res.Records)
	}
	var b strings.Builder
	b.WriteString("customer_id,cluster_id,cluster_size\n")
	seen := map[string]bool{}
	for _, r := range recs[1:] {
		if seen[r[idCol]] {
			t.Errorf("record %s is in two clusters", r[idCol])
		}
		seen[r[idCol]] = true
		b.WriteString(r[idCol] + "," + r[clCol] + "," + r[sizeCol] + "\n")
	}
	golden.Check(t, filepath.Join("..", "testdata", "golden", "dedupe_people_clusters.csv"), []byte(b.String()))
	if res.Truth == nil || res.Truth.F1 < 0.95 || res.Truth.B3F1 < 0.95 {
		t.Errorf("accuracy against entity_id: %+v", res.Truth)
	}
	if res.Records-res.Clusters <= 0 || res.Links == 0 || len(res.Model) != len(cfg.Fields) || len(res.Stages) == 0 {
		t.Errorf("result: %+v", res)
	}
	var sum int64
	for _, s := range res.ClusterSizes {
		sum += s.Size * s.Clusters
	}
	if sum != res.Records {
		t.Errorf("cluster sizes cover %d records, want %d", sum, res.Records)
	}
}

func index(head []string, name string) int {
	for i, h := range head {
		if h == name {
			return i
		}
	}
	return -1
}

// TestThresholdMonotonic: a higher threshold never adds links nor merges
// clusters.
func TestThresholdMonotonic(t *testing.T) {
	t.Parallel()
	db, tbl, cfg := setup(t)
	var prevLinks, prevClusters int64 = 1 << 62, 0
	for _, th := range []float64{0.01, 0.5, 0.9, 0.999, 0.999999} {
		res, err := Run(t.Context(), db, tbl, cfg, Options{Threshold: th, Now: fixedClock(), Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if res.Links > prevLinks || res.Clusters < prevClusters {
			t.Errorf("threshold %g: %d links, %d clusters after %d, %d", th, res.Links, res.Clusters, prevLinks, prevClusters)
		}
		prevLinks, prevClusters = res.Links, res.Clusters
	}
}

func TestBlockingGuard(t *testing.T) {
	t.Parallel()
	db, tbl, cfg := setup(t)
	c := *cfg
	c.Blocking = [][]string{{"substr(email, 1, 1)"}}
	c.MaxPairs = 100
	_, err := Run(t.Context(), db, tbl, &c, Options{})
	if err == nil || !strings.Contains(err.Error(), "candidate pairs, over the limit of 100") {
		t.Errorf("got %v, want the blocking rule refused with its count", err)
	}
}

func TestPairsExplainLinks(t *testing.T) {
	t.Parallel()
	db, tbl, cfg := setup(t)
	dir := t.TempDir()
	csvOut, pqOut := filepath.Join(dir, "pairs.csv"), filepath.Join(dir, "pairs.parquet")
	res, err := Run(t.Context(), db, tbl, cfg, Options{PairsPath: csvOut, Now: fixedClock()})
	if err != nil {
		t.Fatal(err)
	}
	recs := enginetest.ReadCSV(t, csvOut)
	if int64(len(recs)-1) != res.Links || len(recs[0]) != 4+5*len(cfg.Fields) {
		t.Errorf("pairs.csv: %d rows of %d columns for %d links", len(recs)-1, len(recs[0]), res.Links)
	}
	if _, err := Run(t.Context(), db, tbl, cfg, Options{PairsPath: pqOut, Now: fixedClock()}); err != nil {
		t.Fatal(err)
	}
	var n, fields int64
	q := "SELECT count(*), max(len(fields)) FROM read_parquet(" + engine.Literal(pqOut) + ")"
	if err := db.QueryRowContext(t.Context(), q).Scan(&n, &fields); err != nil {
		t.Fatal(err)
	}
	if n != res.Links || fields != int64(len(cfg.Fields)) {
		t.Errorf("pairs.parquet: %d pairs of %d fields, want %d of %d", n, fields, res.Links, len(cfg.Fields))
	}
}

func TestRunErrors(t *testing.T) {
	t.Parallel()
	db, tbl, cfg := setup(t)
	c := *cfg
	c.Fields = append([]Field{{Column: "nope", Compare: "exact"}}, c.Fields...)
	if _, err := Run(t.Context(), db, tbl, &c, Options{}); err == nil || !strings.Contains(err.Error(), `no column "nope"`) {
		t.Errorf("got %v", err)
	}
	c = *cfg
	c.Blocking = [][]string{{"nope(email)"}}
	if _, err := Run(t.Context(), db, tbl, &c, Options{}); err == nil || !strings.Contains(err.Error(), "blocking rule 1") {
		t.Errorf("got %v", err)
	}
}

// TestNormalizeSQL holds the DuckDB normalizers to the Go reference,
// Normalize and missing.IsMarker, on tricky strings and on every value of the
// fixture.
func TestNormalizeSQL(t *testing.T) {
	t.Parallel()
	db, tbl, cfg := setup(t)
	inputs := []string{"  José  ", "Zoë Ødegaard", "a   b \t c", " \t\n", "(555) 123-4567", "O'Brien-Smith 2", "N/A", " n/a ", "-", "NULL",
		"Chloé\u00a0Martin", "ÀÉÎÕÜ", "x\ny", "日本 語", "", "#N/A", "none", "e\u0301"}
	for _, c := range tbl.Columns {
		if c.Name == "notes" {
			continue
		}
		rows, err := db.QueryContext(t.Context(), "SELECT DISTINCT CAST("+engine.Ident(c.Name)+" AS VARCHAR) FROM "+engine.Ident(tbl.Name)+" WHERE "+engine.Ident(c.Name)+" IS NOT NULL LIMIT 200")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var v string
			rows.Scan(&v)
			inputs = append(inputs, v)
		}
		rows.Close()
	}
	chains := [][]Normalizer{{"trim", "lower", "unaccent"}, {"digits_only"}, {"alnum_only", "lower"}, {"collapse_spaces"}, {"upper"}, {"trim"}, {}}
	for _, f := range cfg.Fields {
		chains = append(chains, f.Normalize)
	}
	values := make([]string, len(inputs))
	for i, in := range inputs {
		values[i] = fmt.Sprintf("(%d, %s)", i, engine.Literal(in))
	}
	for _, steps := range chains {
		q := "SELECT i, " + nullMarkerSQL("n") + " FROM (SELECT i, " + normalizeSQL("s", steps) + " AS n FROM (VALUES " + strings.Join(values, ", ") + ") v(i, s)) ORDER BY i"
		rows, err := db.QueryContext(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var i int
			var got *string
			if err := rows.Scan(&i, &got); err != nil {
				t.Fatal(err)
			}
			in := inputs[i]
			want := Normalize(in, steps)
			if missing.IsMarker(want) {
				if got != nil {
					t.Errorf("%v(%q): SQL %q, Go NULL", steps, in, *got)
				}
				continue
			}
			if got == nil || *got != want {
				t.Errorf("%v(%q): SQL %q, Go %q", steps, in, deref(got), want)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
}
