package profile

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
)

// DefaultThresholds are the thresholds used when none are given.
var DefaultThresholds = Thresholds{RowCount: 0.1, NullShare: 0.05, DistinctRatio: 0.1, PatternShare: 0.5, RangeShift: 0.1}

// missingShare is the share of a column's values that are missing: null,
// empty, blank or a sentinel.
func missingShare(c Column) float64 {
	return c.Nulls.Share + c.Empty.Share + c.Whitespace.Share + c.Sentinels.Share
}

// Compare finds the drift of cur from base.
func Compare(base, cur *Result, baseName string, th Thresholds) *Drift {
	if th == (Thresholds{}) {
		th = DefaultThresholds
	}
	d := &Drift{Baseline: baseName, Thresholds: th, Changes: []Change{}}
	add := func(kind ChangeKind, col, before, after, detail string) {
		d.Changes = append(d.Changes, Change{Kind: kind, Column: col, Before: before, After: after, Detail: detail})
	}
	if b, c := base.Volume(), cur.Volume(); b > 0 {
		if rel := float64(c-b) / float64(b); math.Abs(rel) > th.RowCount {
			add(ChangeRowCount, "", fmt.Sprint(b), fmt.Sprint(c), fmt.Sprintf("%+.1f%% rows (threshold ±%.0f%%)", rel*100, th.RowCount*100))
		}
	}
	old := map[string]Column{}
	for _, c := range base.Columns {
		old[strings.ToLower(c.Name)] = c
	}
	now := map[string]Column{}
	for _, c := range cur.Columns {
		now[strings.ToLower(c.Name)] = c
	}
	var removed, added []Column
	for _, c := range base.Columns {
		if _, ok := now[strings.ToLower(c.Name)]; !ok {
			removed = append(removed, c)
		}
	}
	for _, c := range cur.Columns {
		b, ok := old[strings.ToLower(c.Name)]
		if !ok {
			added = append(added, c)
			continue
		}
		if b.InferredType != c.InferredType {
			add(ChangeRetyped, c.Name, b.InferredType, c.InferredType, "inferred type changed")
		}
		if diff := missingShare(c) - missingShare(b); math.Abs(diff) > th.NullShare {
			add(ChangeMissingShare, c.Name, percent(missingShare(b)), percent(missingShare(c)), fmt.Sprintf("nulls, empties and sentinels %+.1f points (threshold ±%.0f)", diff*100, th.NullShare*100))
		}
		if diff := c.Uniqueness - b.Uniqueness; math.Abs(diff) > th.DistinctRatio {
			add(ChangeDistinctRatio, c.Name, percent(b.Uniqueness), percent(c.Uniqueness), fmt.Sprintf("uniqueness %+.1f points (threshold ±%.0f)", diff*100, th.DistinctRatio*100))
		}
		if len(c.Patterns) > 0 && c.Patterns[0].Share >= th.PatternShare && (len(b.Patterns) == 0 || b.Patterns[0].Value != c.Patterns[0].Value) {
			before := ""
			if len(b.Patterns) > 0 {
				before = b.Patterns[0].Value
			}
			add(ChangeDominantPattern, c.Name, before, c.Patterns[0].Value, fmt.Sprintf("new dominant pattern holds %s of values (threshold %.0f%%)", percent(c.Patterns[0].Share), th.PatternShare*100))
		}
		if b.Numeric != nil && c.Numeric != nil {
			span := b.Numeric.Max - b.Numeric.Min
			if span == 0 {
				span = math.Max(math.Abs(b.Numeric.Max), 1)
			}
			if b.Numeric.Min-c.Numeric.Min > th.RangeShift*span || c.Numeric.Max-b.Numeric.Max > th.RangeShift*span {
				add(ChangeRange, c.Name, b.Numeric.MinValue+" .. "+b.Numeric.MaxValue, c.Numeric.MinValue+" .. "+c.Numeric.MaxValue,
					fmt.Sprintf("min/max moved beyond %.0f%% of the old range", th.RangeShift*100))
			}
		}
	}
	// A removed and an added column alike in type and shape look renamed.
	for _, r := range removed {
		renamed := ""
		for i, a := range added {
			if a.InferredType == r.InferredType && len(a.Patterns) > 0 && len(r.Patterns) > 0 && a.Patterns[0].Value == r.Patterns[0].Value &&
				math.Abs(a.Uniqueness-r.Uniqueness) <= th.DistinctRatio {
				renamed = a.Name
				added = append(added[:i], added[i+1:]...)
				break
			}
		}
		if renamed != "" {
			add(ChangeRenamed, r.Name, r.Name, renamed, "a removed and an added column share type, dominant pattern and uniqueness")
		} else {
			add(ChangeRemoved, r.Name, r.InferredType, "", "column removed")
		}
	}
	for _, a := range added {
		add(ChangeAdded, a.Name, "", a.InferredType, "column added")
	}
	return d
}

// percent writes a share as a percentage with one decimal.
func percent(f float64) string { return fmt.Sprintf("%.1f%%", f*100) }

// ReadBaseline reads a profile written by plumb profile --format json.
func ReadBaseline(r io.Reader) (*Result, error) {
	var doc struct {
		SchemaVersion int             `json:"schema_version"`
		Kind          string          `json:"kind"`
		Result        json.RawMessage `json:"result"`
	}
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("not a plumb JSON report: %w", err)
	}
	if doc.Kind != "profile" {
		return nil, fmt.Errorf("a %q report, not a profile (write one with plumb profile --format json)", doc.Kind)
	}
	if doc.SchemaVersion != 1 {
		return nil, fmt.Errorf("schema_version %d: this plumb reads version 1", doc.SchemaVersion)
	}
	var res Result
	if err := json.Unmarshal(doc.Result, &res); err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	return &res, nil
}
