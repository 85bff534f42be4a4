package dedupe

import "github.com/plumb-data/plumb/result"

// The dedupe's result types live in package result (plain data, no
// DuckDB), so that reports and library users can read them without the
// engine; these are their names in this package.
type (
	Result        = result.Dedupe
	Rule          = result.DedupeRule
	SizeCount     = result.SizeCount
	FieldModel    = result.FieldModel
	LevelModel    = result.LevelModel
	WeakCluster   = result.WeakCluster
	Accuracy      = result.Accuracy
	Stage         = result.DedupeStage
	ClusterDetail = result.ClusterDetail
	ClusterRecord = result.ClusterRecord
	Link          = result.DedupeLink
	LinkField     = result.DedupeLinkField
	Comparator    = result.Comparator
	Warning       = result.DedupeWarning
	WarningKind   = result.DedupeWarningKind
)

// The kinds of Warning.
const (
	WarnFewMatches      = result.WarnFewMatches
	WarnUntrained       = result.WarnUntrained
	WarnMatchesDisagree = result.WarnMatchesDisagree
)

// The comparators a field may use.
const (
	CompareExact       = result.CompareExact
	CompareJaroWinkler = result.CompareJaroWinkler
	CompareJaro        = result.CompareJaro
	CompareLevenshtein = result.CompareLevenshtein
	CompareSoundex     = result.CompareSoundex
	CompareNumeric     = result.CompareNumeric
	CompareDate        = result.CompareDate
)

// Comparators lists every Comparator, in the order errors name them.
var Comparators = result.Comparators
