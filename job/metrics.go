package job

import "github.com/plumb-data/plumb/result"

// metricsOf measures a step's result for the history: volumes, missing
// values and distinct counts by column, failures by check, differences
// by column, duplicates.
func metricsOf(res any) []Metric {
	var m []Metric
	add := func(name string, v float64) { m = append(m, Metric{Name: name, Value: v}) }
	switch r := res.(type) {
	case *result.Inspect:
		add("rows_read", float64(r.RowsRead))
		add("rows_loaded", float64(r.RowsLoaded))
		add("rows_rejected", float64(r.RowsRejected))
	case *result.Profile:
		rows := r.Volume() // the source's, not a sample's
		add("rows_read", float64(rows+r.RowsRejected))
		add("rows_loaded", float64(rows))
		add("rows_rejected", float64(r.RowsRejected))
		add("duplicate_rows", float64(r.DuplicateRows))
		for _, c := range r.Columns {
			for _, v := range []struct {
				name  string
				value float64
			}{{"null_share", c.Nulls.Share}, {"empty_share", c.Empty.Share}, {"sentinel_share", c.Sentinels.Share}, {"distinct", float64(c.Distinct)}} {
				m = append(m, Metric{Name: v.name, Column: c.Name, Value: v.value})
			}
		}
	case *result.Check:
		add("rows_read", float64(r.Rows+r.RowsRejected))
		add("rows_loaded", float64(r.Rows))
		add("rows_rejected", float64(r.RowsRejected))
		add("failing_rows", float64(r.FailingRows))
		add("checks_failed", float64(r.Summary.Failed))
		for _, c := range r.Checks {
			m = append(m, Metric{Name: "failed", Check: c.Name, Value: float64(c.Failed)},
				Metric{Name: "failed_share", Check: c.Name, Value: c.Share})
		}
	case *result.Diff:
		add("source_rows", float64(r.SourceRows))
		add("target_rows", float64(r.TargetRows))
		add("source_rejected", float64(r.SourceRejected))
		add("target_rejected", float64(r.TargetRejected))
		add("matched", float64(r.Matched))
		add("only_in_source", float64(r.OnlyInSource))
		add("only_in_target", float64(r.OnlyInTarget))
		add("changed", float64(r.Changed))
		for _, c := range r.Columns {
			m = append(m, Metric{Name: "mismatches", Column: c.Column, Value: float64(c.Mismatches)})
		}
	case *result.Dedupe:
		add("records", float64(r.Records))
		add("links", float64(r.Links))
		add("clusters", float64(r.Clusters))
		add("duplicate_share", r.DuplicateShare)
	}
	return m
}

// shareMetrics are the metrics that are shares (0 to 1), for the band's
// floor (see band).
var shareMetrics = map[string]bool{"null_share": true, "empty_share": true, "sentinel_share": true,
	"failed_share": true, "duplicate_share": true}
