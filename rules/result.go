package rules

import "github.com/plumb-data/plumb/result"

// The check results live in package result (plain data, no DuckDB), so
// that reports and library users can read them without the engine; these
// are their names in this package.
type (
	Result      = result.Check
	Summary     = result.CheckSummary
	CheckResult = result.CheckResult
	Sample      = result.CheckSample
	Severity    = result.Severity
	Threshold   = result.Threshold
)

// Statuses of a check.
const (
	StatusPass = result.StatusPass
	StatusWarn = result.StatusWarn
	StatusFail = result.StatusFail
)

// Severities of a check.
const (
	SeverityError = result.SeverityError
	SeverityWarn  = result.SeverityWarn
)

// ParseThreshold reads a count like "10" or a share like "5%".
var ParseThreshold = result.ParseThreshold
