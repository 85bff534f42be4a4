package job

import (
	"context"
	"math"
	"slices"
)

// madScale turns a median absolute deviation into an estimate of the
// standard deviation of normally distributed values.
const madScale = 1.4826

// score flags the run's metrics that leave the band their own history
// sets: the median of the last Window runs (on the same weekday, with
// day-of-week seasonality), give or take Threshold robust deviations
// (madScale × MAD). A metric with fewer than MinRuns past values is not
// scored against its history; a metric outside the absolute bounds a
// metric rule sets is an anomaly whatever its history.
func (h *history) score(ctx context.Context, sum *Summary, opts AnomalyOptions) ([]Anomaly, error) {
	opts = opts.withDefaults()
	past, err := h.past(ctx, sum.Job, sum.At, opts.Window, opts.Seasonality == DayOfWeek)
	if err != nil {
		return nil, err
	}
	out := []Anomaly{}
	for _, s := range sum.Steps {
		for _, m := range s.Metrics {
			sc := opts.scoring(s.Name, m.Name, m.Column, m.Check)
			if sc.ignore {
				continue
			}
			hist := past[series{s.Name, m.Name, m.Column, m.Check}]
			a := Anomaly{Step: s.Name, Metric: m.Name, Column: m.Column, Check: m.Check, Value: m.Value, History: hist}
			if hist == nil {
				a.History = []float64{}
			}
			scored := len(hist) >= sc.minRuns
			if scored {
				a.Median, a.Low, a.High = band(hist, m.Name, sc.threshold)
			}
			switch {
			case sc.min != nil && m.Value < *sc.min:
				a.Bound = "min"
			case sc.max != nil && m.Value > *sc.max:
				a.Bound = "max"
			case !scored || m.Value >= a.Low && m.Value <= a.High:
				continue
			}
			if a.Bound != "" {
				a.bounds(sc, scored)
			}
			out = append(out, a)
		}
	}
	return out, nil
}

// bounds sets the band of an anomaly that broke an absolute bound: the
// bounds, a missing one taken from the history's band or, with too little
// history, from the other bound; Median is the history's, or the broken
// bound.
func (a *Anomaly) bounds(sc scoring, scored bool) {
	broken := sc.max
	if a.Bound == "min" {
		broken = sc.min
	}
	if !scored {
		a.Median, a.Low, a.High = *broken, *broken, *broken
	}
	if sc.min != nil {
		a.Low = *sc.min
	}
	if sc.max != nil {
		a.High = *sc.max
	}
}

// scoring is how one metric is scored, after the metric rules.
type scoring struct {
	threshold float64
	minRuns   int
	min, max  *float64
	ignore    bool
}

// scoring applies the metric rules that match a metric, in order.
func (a AnomalyOptions) scoring(step, metric, column, check string) scoring {
	sc := scoring{threshold: a.Threshold, minRuns: a.MinRuns}
	for i := range a.Metrics {
		r := &a.Metrics[i]
		if !r.matches(step, metric, column, check) {
			continue
		}
		if r.Threshold > 0 {
			sc.threshold = r.Threshold
		}
		if r.MinRuns > 0 {
			sc.minRuns = r.MinRuns
		}
		if r.Min != nil {
			sc.min = r.Min
		}
		if r.Max != nil {
			sc.max = r.Max
		}
		sc.ignore = r.Ignore
	}
	return sc
}

// band is the expected range of a metric given its history. Its half
// width is threshold robust deviations, and never less than a floor, so
// that a metric that has never moved is not flagged for the least
// change: one percentage point for a share, else 2% of the median (and
// at least 1, for small counts). The band stops at 0.
func band(hist []float64, metric string, threshold float64) (med, low, high float64) {
	med = median(hist)
	dev := make([]float64, len(hist))
	for i, v := range hist {
		dev[i] = math.Abs(v - med)
	}
	half := threshold * madScale * median(dev)
	floor := max(1, 0.02*math.Abs(med))
	if shareMetrics[metric] {
		floor = 0.01
	}
	half = max(half, floor)
	// Every metric is a count or a share: none goes below 0.
	return med, max(med-half, 0), med + half
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
