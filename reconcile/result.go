package reconcile

import "github.com/plumb-data/plumb/result"

// The diff's result types live in package result (plain data, no
// DuckDB), so that reports and library users can read them without the
// engine; these are their names in this package.
type (
	Result        = result.Diff
	Pair          = result.ColumnPair
	SidePair      = result.SidePair
	DuplicateKeys = result.DuplicateKeys
	TypeDiff      = result.TypeDiff
	Column        = result.DiffColumn
	Sample        = result.DiffSample
	Row           = result.DiffRow
	Dup           = result.DiffDup
	Group         = result.DiffGroup
	Mode          = result.DiffMode
	Comparison    = result.Comparison
)

// The modes of a diff.
const (
	ModeKeyed     = result.ModeKeyed
	ModeKeyless   = result.ModeKeyless
	ModeAggregate = result.ModeAggregate
)

// How a pair of columns is compared.
const (
	AsNumber         = result.AsNumber
	AsNumberOrText   = result.AsNumberOrText
	AsTemporal       = result.AsTemporal
	AsTemporalOrText = result.AsTemporalOrText
	AsBoolean        = result.AsBoolean
	AsText           = result.AsText
	AsOther          = result.AsOther
)
