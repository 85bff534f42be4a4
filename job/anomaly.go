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
// sets: the median of the last Window runs, give or take Threshold robust
// deviations (madScale × MAD). A metric with fewer than MinRuns past
// values is not scored.
func (h *history) score(ctx context.Context, sum *Summary, opts AnomalyOptions) ([]Anomaly, error) {
	opts = opts.withDefaults()
	past, err := h.past(ctx, sum.Job, sum.At, opts.Window)
	if err != nil {
		return nil, err
	}
	out := []Anomaly{}
	for _, s := range sum.Steps {
		for _, m := range s.Metrics {
			hist := past[series{s.Name, m.Name, m.Column, m.Check}]
			if len(hist) < opts.MinRuns {
				continue
			}
			med, low, high := band(hist, m.Name, opts.Threshold)
			if m.Value >= low && m.Value <= high {
				continue
			}
			out = append(out, Anomaly{Step: s.Name, Metric: m.Name, Column: m.Column, Check: m.Check,
				Value: m.Value, Median: med, Low: low, High: high, History: hist})
		}
	}
	return out, nil
}

// band is the expected range of a metric given its history. Its half
// width is threshold robust deviations, and never less than a floor, so
// that a metric that has never moved is not flagged for the least
// change: one percentage point for a share, else 2% of the median (and
// at least 1, for small counts).
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
	return med, med - half, med + half
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
