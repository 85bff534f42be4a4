package job

import "time"

// SchemaVersion is the version of summary.json and of plumb history's
// JSON; it changes when a field is removed or changes meaning.
const SchemaVersion = 1

// Status is how a step ended.
type Status string

// The statuses of a step, from best to worst.
const (
	StatusClean    Status = "clean"    // it ran and found nothing
	StatusFindings Status = "findings" // it ran and found something (exit 1)
	StatusError    Status = "error"    // it could not run (exit 2)
	StatusSkipped  Status = "skipped"  // an earlier step that could not run stopped the run
)

// Exit codes of a run and its steps.
const (
	ExitClean    = 0
	ExitFindings = 1
	ExitError    = 2
)

// Summary is what a run did: written as summary.json in the run's folder.
type Summary struct {
	SchemaVersion int    `json:"schema_version"`
	Job           string `json:"job"`
	// Run names the run's folder under the job's reports folder: its UTC
	// timestamp, as in 20240601T020000Z.
	Run string    `json:"run"`
	At  time.Time `json:"at"`
	// ExitCode is the worst of the steps', and 1 at least when a metric
	// is an anomaly.
	ExitCode  int           `json:"exit_code"`
	Seconds   float64       `json:"seconds"`
	Steps     []StepSummary `json:"steps"`
	Anomalies []Anomaly     `json:"anomalies"`
	// Alerts are what the job's webhooks were told, and whether it got
	// there. An alert that did not changes no exit code above.
	Alerts []AlertResult `json:"alerts,omitempty"`
	// Warnings are what went wrong after the run was complete and kept
	// (retention, the dashboard, the alert state): none changes ExitCode.
	Warnings []string `json:"warnings,omitempty"`
	// Pruned are the runs retention removed after this one completed.
	Pruned []string `json:"pruned,omitempty"`
}

// AlertsFailed says whether an alert of the run could not be delivered.
func (s *Summary) AlertsFailed() bool {
	for _, a := range s.Alerts {
		if !a.Delivered {
			return true
		}
	}
	return false
}

// StepSummary is what one step did.
type StepSummary struct {
	Name     string `json:"name"`
	Kind     Kind   `json:"kind"`
	Status   Status `json:"status"`
	ExitCode int    `json:"exit_code"`
	Error    string `json:"error,omitempty"`
	// Warnings say which reports could not be written beside the JSON
	// report (which a step cannot do without).
	Warnings []string `json:"warnings,omitempty"`
	Seconds  float64  `json:"seconds"`
	// Reports are the step's report files, relative to the run's folder.
	Reports []string `json:"reports"`
	// Files are the data files the step wrote into the run's folder
	// (rejects, quarantine, passing, diffs, clusters, pairs).
	Files []string `json:"files,omitempty"`
	// Metrics are what the step measured, kept in the history.
	Metrics []Metric `json:"metrics"`
}

// Metric is one number a step measured, about the step's data as a whole,
// one column, or one check.
type Metric struct {
	Name   string  `json:"name"`
	Column string  `json:"column,omitempty"`
	Check  string  `json:"check,omitempty"`
	Value  float64 `json:"value"`
}

// Anomaly is a metric that left the band its history sets.
type Anomaly struct {
	Step   string  `json:"step"`
	Metric string  `json:"metric"`
	Column string  `json:"column,omitempty"`
	Check  string  `json:"check,omitempty"`
	Value  float64 `json:"value"`
	// Median and Low..High are the expected band: the median of the
	// history, give or take Threshold robust deviations.
	Median float64 `json:"median"`
	Low    float64 `json:"low"`
	High   float64 `json:"high"`
	// Bound is "min" or "max" when the value broke an absolute bound a
	// metric rule sets (Low and High are then the bounds), "" when it
	// left its history's band.
	Bound string `json:"bound,omitempty"`
	// History are the values the band was drawn from, oldest first.
	History []float64 `json:"history"`
}

// statusOf is the status an exit code stands for.
func statusOf(code int) Status {
	switch code {
	case ExitClean:
		return StatusClean
	case ExitFindings:
		return StatusFindings
	}
	return StatusError
}
