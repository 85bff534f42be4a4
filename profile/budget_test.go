//go:build duckdb_arrow

package profile

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/plumb-data/plumb/internal/enginetest"
)

// TestMemoryBudget profiles the same extract exactly and within a budget
// far too small for its distinct values: within the budget, each
// column's quantiles must say they come from a KLL sketch and lie within
// its rank error of the exact ranks, the histogram must still count
// every value, mean and deviation stay exact, case variants must say
// they come from a sample and be within four standard errors of the
// exact count, and all else must be as the exact profile has it.
func TestMemoryBudget(t *testing.T) {
	t.Parallel()
	const rows = 150_000
	path := filepath.Join(t.TempDir(), "tall.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	r := rand.New(rand.NewPCG(5, 6))
	amounts := make([]float64, 0, rows)
	days := make([]float64, 0, rows)
	base := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	fmt.Fprintln(w, "id,amount,day,name")
	for i := range rows {
		a := math.Round(math.Exp(4+1.5*r.NormFloat64())*100) / 100
		d := base.AddDate(0, 0, r.IntN(20_000))
		name := fmt.Sprintf("name%d", r.IntN(rows))
		if r.IntN(10) == 0 {
			name = "N" + name[1:] // a case variant, where "name..." occurs too
		}
		amounts = append(amounts, a)
		days = append(days, float64(d.Unix()))
		fmt.Fprintf(w, "%d,%.2f,%s,%s\n", i, a, d.Format("2006-01-02"), name)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	db := enginetest.Open(t)
	tbl := enginetest.Load(t, db, path, true)
	exact, err := Run(t.Context(), db, tbl, Options{})
	if err != nil {
		t.Fatal(err)
	}
	small, err := Run(t.Context(), db, tbl, Options{MemoryBudget: 256 << 10})
	if err != nil {
		t.Fatal(err)
	}
	method := func(c Column, metric string) Method {
		for _, m := range c.Methods {
			if m.Metric == metric {
				return m
			}
		}
		t.Fatalf("%s: no method for %s in %+v", c.Name, metric, c.Methods)
		return Method{}
	}
	for i, c := range exact.Columns {
		for _, m := range c.Methods {
			if m.Method != MethodExact {
				t.Errorf("%s: %s by %s without a budget, want exact", c.Name, m.Metric, m.Method)
			}
		}
		s := small.Columns[i]
		t.Logf("%s: %+v", s.Name, s.Methods)
		var truth []float64
		switch c.Name {
		case "id":
			truth = make([]float64, rows)
			for i := range truth {
				truth[i] = float64(i)
			}
		case "amount":
			truth = amounts
		case "day":
			truth = days
		}
		if truth != nil {
			if m := method(s, MetricQuantiles); m.Method != MethodKLL || m.Error != kllRankError {
				t.Errorf("%s: quantiles by %+v, want %s within %v", c.Name, m, MethodKLL, kllRankError)
			}
			checkSketched(t, c.Name, s.Numeric, c.Numeric, truth)
			s.Numeric, s.Methods = c.Numeric, c.Methods // checked
			if got, want := findingCount(s, "skewed"), findingCount(c, "skewed"); math.Abs(float64(got-want)) > 2*kllRankError*rows {
				t.Errorf("%s: skewed %d, want %d within %v of the values", c.Name, got, want, 2*kllRankError)
			} else {
				s.Findings = c.Findings // checked
			}
		}
		if c.Name == "name" {
			m := method(s, MetricCaseVariants)
			got, want := findingCount(s, "case_variants"), findingCount(c, "case_variants")
			if m.Method != MethodHashSample || want == 0 || math.Abs(float64(got-want)) > 4*m.Error {
				t.Errorf("name: case variants %d by %+v, want %d within four standard errors", got, m, want)
			}
			s.Findings, s.Methods = c.Findings, c.Methods // checked
		}
		if !reflect.DeepEqual(s, c) {
			t.Errorf("%s: within the budget the profile differs from the exact one:%s", c.Name, differ(s, c))
		}
	}
}

// checkSketched holds statistics from a sketch (got) to the exact ones
// (want) over the values truth.
func checkSketched(t *testing.T, name string, got, want *Numeric, truth []float64) {
	t.Helper()
	truth = slices.Sorted(slices.Values(truth))
	for q, v := range got.Quantiles {
		p := 0.0
		for _, x := range quantiles {
			if x.name == q {
				p = x.q
			}
		}
		lo := float64(sortSearch(truth, v, false)) / float64(len(truth))
		hi := float64(sortSearch(truth, v, true)) / float64(len(truth))
		if p < lo-kllRankError || p > hi+kllRankError {
			t.Errorf("%s: %s %v has ranks %.4f..%.4f, want within %v of %v (exact: %v)", name, q, v, lo, hi, kllRankError, p, want.Quantiles[q])
		}
	}
	if got.Min != want.Min || got.Max != want.Max || got.MinValue != want.MinValue || got.MaxValue != want.MaxValue {
		t.Errorf("%s: range %v..%v, want %v..%v", name, got.Min, got.Max, want.Min, want.Max)
	}
	if math.Abs(got.Mean-want.Mean) > 1e-6*max(1, math.Abs(want.Mean)) || math.Abs(got.Stddev-want.Stddev) > 1e-6*max(1, want.Stddev) {
		t.Errorf("%s: mean %v sd %v, want %v sd %v", name, got.Mean, got.Stddev, want.Mean, want.Stddev)
	}
	var n, m int64
	for i, b := range got.Histogram {
		n += b.Count
		m += want.Histogram[i].Count
		if d := math.Abs(float64(b.Count - want.Histogram[i].Count)); d > 2*kllRankError*float64(len(truth)) {
			t.Errorf("%s: histogram bin %d counts %d, want %d within %v of the values", name, i, b.Count, want.Histogram[i].Count, 2*kllRankError)
		}
	}
	if n != m {
		t.Errorf("%s: the histogram counts %d values, want %d", name, n, m)
	}
}

// sortSearch is how many of the sorted values are below v (or, with
// orEqual, at most v).
func sortSearch(sorted []float64, v float64, orEqual bool) int {
	i, _ := slices.BinarySearch(sorted, v)
	if orEqual {
		for i < len(sorted) && sorted[i] == v {
			i++
		}
	}
	return i
}
