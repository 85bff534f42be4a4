package profile

import "github.com/plumb-data/plumb/result"

// The profile's result types live in package result (plain data, no
// DuckDB), so that reports and library users can read them without the
// engine; these are their names in this package.
type (
	Result     = result.Profile
	Column     = result.ProfileColumn
	Count      = result.Count
	Share      = result.Share
	Numeric    = result.Numeric
	Bin        = result.Bin
	Length     = result.Length
	LimitCount = result.LimitCount
	Drift      = result.Drift
	Change     = result.Change
	ChangeKind = result.ChangeKind
	Thresholds = result.Thresholds
)

// The types plumb infers.
const (
	TypeBoolean   = result.TypeBoolean
	TypeInteger   = result.TypeInteger
	TypeDecimal   = result.TypeDecimal
	TypeDate      = result.TypeDate
	TypeTimestamp = result.TypeTimestamp
	TypeText      = result.TypeText
)

// The kinds of Change.
const (
	ChangeRowCount        = result.ChangeRowCount
	ChangeRetyped         = result.ChangeRetyped
	ChangeMissingShare    = result.ChangeMissingShare
	ChangeDistinctRatio   = result.ChangeDistinctRatio
	ChangeDominantPattern = result.ChangeDominantPattern
	ChangeRange           = result.ChangeRange
	ChangeRenamed         = result.ChangeRenamed
	ChangeRemoved         = result.ChangeRemoved
	ChangeAdded           = result.ChangeAdded
)

// TargetLimits are the column widths, in characters, that Length.Over
// counts values past: VARCHAR(50) and VARCHAR(100), the 255 of many a
// schema, and the 4,000 of Oracle's VARCHAR2 and SQL Server's NVARCHAR.
var TargetLimits = []int{50, 100, 255, 4000}
