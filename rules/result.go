package rules

// Result is what checking a source against a rules file found.
type Result struct {
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
	Summary  Summary       `json:"summary"`
}

// Summary counts checks by status.
type Summary struct {
	Passed int `json:"passed"`
	Warned int `json:"warned"`
	Failed int `json:"failed"`
}

// Statuses of a check.
const (
	StatusPass = "pass"
	StatusWarn = "warn"
	StatusFail = "fail"
)

// CheckResult is one check's outcome.
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
	// Threshold is the tolerated number of failures as the rules file
	// gives it (0, 10, 5%).
	Threshold string `json:"threshold"`
	// MaxFailures is Threshold as a value, set by Run; it is not in the
	// JSON, where Threshold carries the same text.
	MaxFailures Threshold `json:"-"`
	// Detail says what a dataset check saw.
	Detail  string   `json:"detail,omitempty"`
	Samples []Sample `json:"samples,omitempty"`
	// Line is where the check is in the rules file.
	Line int `json:"line"`
}

// Sample is a failing value and where it was read.
type Sample struct {
	File  string `json:"file,omitempty"` // set when the source has several files
	Line  int64  `json:"line"`
	Value string `json:"value"`
	Null  bool   `json:"null,omitempty"`
	file  int64  // index of the file, while Line is still a position
}

// Failed reports whether any error-severity check failed.
func (r *Result) Failed() bool { return r.Summary.Failed > 0 }
