package result

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Check is what checking a source against a rules file found.
type Check struct {
	Dataset string `json:"dataset,omitempty"`
	Source  string `json:"source"`
	// Rows is the number of rows checked; RowsRejected were malformed and
	// could not be checked (see inspect --rejects).
	Rows         int64 `json:"rows"`
	RowsRejected int64 `json:"rows_rejected"`
	// FailingRows is the number of rows that fail at least one row check.
	FailingRows int64 `json:"failing_rows"`
	// LineUnit says what sample positions count: "line" (physical lines
	// of the source file) or "row" (row numbers, for formats without
	// lines).
	LineUnit string        `json:"line_unit"`
	Checks   []CheckResult `json:"checks"`
	Summary  CheckSummary  `json:"summary"`
	// Pushdown is set when the checks were computed in the database.
	Pushdown *Pushdown `json:"pushdown,omitempty"`
}

// CheckSummary counts checks by status.
type CheckSummary struct {
	Passed int `json:"passed"`
	Warned int `json:"warned"`
	Failed int `json:"failed"`
}

// KindLoad is the kind of the load check (see CheckResult).
const KindLoad = "load"

// Statuses of a check.
const (
	StatusPass = "pass"
	StatusWarn = "warn"
	StatusFail = "fail"
)

// CheckResult is one check's outcome: of a check of the rules file, or
// of the load check, kind "load", which a run adds first when rows were
// rejected at load: it fails (or warns, when rejects are allowed) with
// Failed the rows rejected of Rows read.
type CheckResult struct {
	Name     string   `json:"name"`
	Kind     string   `json:"kind"`
	Columns  []string `json:"columns,omitempty"`
	Severity Severity `json:"severity"`
	Status   string   `json:"status"`
	// Rows is the number of rows the check applied to (after its where);
	// Failed of them failed it, a Share of Rows. Dataset checks
	// (row_count, freshness, schema) leave Failed at 0 or 1 and explain
	// themselves in Detail.
	Rows   int64   `json:"rows"`
	Failed int64   `json:"failed"`
	Share  float64 `json:"share"`
	// Threshold is the tolerated number of failures (written 0, 10, 5%).
	Threshold Threshold `json:"threshold"`
	// Detail says what a dataset or aggregate check saw.
	Detail string `json:"detail,omitempty"`
	// Value is what an aggregate check (avg, sum, min, max, stddev,
	// distinct_count, missing_percent, duplicate_percent) measured over
	// the rows it applies to ("" when they hold no value to measure), and
	// Min and Max the bounds it held it to ("" when open), as the rules
	// file writes them (percentages without the %). With group_by it
	// measures each group instead: Groups counts them, Failed counts those
	// out of bounds, and each of those is a Sample with Group set.
	Value   string        `json:"value,omitempty"`
	Min     string        `json:"min,omitempty"`
	Max     string        `json:"max,omitempty"`
	Groups  int64         `json:"groups,omitempty"`
	Samples []CheckSample `json:"samples,omitempty"`
	// Line is where the check is in the rules file.
	Line int `json:"line"`
}

// CheckSample is a failing value and where it was read. A sample of the
// load check is a row rejected at load: Value is its text as read and
// Reason why it could not be read. A sample of an aggregate check with
// group_by is a group out of bounds: Group names it ("region=EU"), Value
// is its measure (Null when it has none) and Line is 0.
type CheckSample struct {
	File   string `json:"file,omitempty"` // set when the source has several files
	Line   int64  `json:"line"`
	Group  string `json:"group,omitempty"`
	Value  string `json:"value"`
	Null   bool   `json:"null,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// Failed reports whether any error-severity check failed.
func (r *Check) Failed() bool { return r.Summary.Failed > 0 }

// Severity says what a failing check means: an error fails the run, a
// warning is only reported.
type Severity string

// Severities of a check.
const (
	SeverityError Severity = "error"
	SeverityWarn  Severity = "warn"
)

// Threshold is a tolerated number of failures: a count, or a share of the
// rows a check applies to.
type Threshold struct {
	Count int64
	Share float64 // 0 to 1; used when IsShare
	// IsShare: the threshold is Share, not Count.
	IsShare bool
}

// String writes the threshold as the rules file would: 10 or 5%.
func (t Threshold) String() string {
	if t.IsShare {
		return strconv.FormatFloat(math.Round(t.Share*100*1e6)/1e6, 'f', -1, 64) + "%"
	}
	return strconv.FormatInt(t.Count, 10)
}

// MarshalText writes the threshold as the rules file would.
func (t Threshold) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText reads a threshold as the rules file gives it: 10 or 5%.
func (t *Threshold) UnmarshalText(text []byte) error {
	th, err := ParseThreshold(string(text))
	if err != nil {
		return err
	}
	*t = th
	return nil
}

// Allows reports whether failed of rows failing is within the threshold.
func (t Threshold) Allows(failed, rows int64) bool {
	if !t.IsShare {
		return failed <= t.Count
	}
	if rows == 0 {
		return true
	}
	// A little slack for shares written with a few decimals.
	return float64(failed)/float64(rows) <= t.Share+1e-12
}

// ParseThreshold reads a count like "10" or a share like "5%".
func ParseThreshold(s string) (Threshold, error) {
	s = strings.TrimSpace(s)
	if p, ok := strings.CutSuffix(s, "%"); ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || f < 0 || f > 100 || math.IsNaN(f) {
			return Threshold{}, fmt.Errorf("%q: want a share between 0%% and 100%%", s)
		}
		return Threshold{Share: f / 100, IsShare: true}, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return Threshold{}, fmt.Errorf("%q: want a count like 10 or a share like 5%%", s)
	}
	return Threshold{Count: n}, nil
}
