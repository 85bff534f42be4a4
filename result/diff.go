package result

import "github.com/plumb-data/plumb/source"

// Diff is the reconciliation of a source with a target; plain data for
// reports.
type Diff struct {
	Source string `json:"source"`
	Target string `json:"target"`
	// Mode is "keyed", "keyless" (multiset of whole rows) or "aggregate".
	Mode DiffMode     `json:"mode"`
	Keys []ColumnPair `json:"keys"`
	// Equal is true when the sides are equal: every row of each was
	// loaded, and nothing differs among them (within tolerance). Rows
	// rejected at load were never compared, so Equal is false when there
	// are any, even when they were expected (RejectsAllowed).
	Equal bool `json:"equal"`
	// LoadedEqual is true when nothing differs among the rows loaded: what
	// Equal says, leaving rows rejected at load aside.
	LoadedEqual bool `json:"loaded_equal"`

	SourceRows int64 `json:"source_rows"`
	TargetRows int64 `json:"target_rows"`
	// SourceRejected and TargetRejected count the rows of each side that
	// could not be loaded (malformed, see plumb inspect) and so were not
	// compared; SourceRows and TargetRows count only rows loaded.
	SourceRejected int64 `json:"source_rejected"`
	TargetRejected int64 `json:"target_rejected"`
	// RejectsAllowed says rows rejected at load were declared expected
	// (plumb diff --allow-rejects): they are reported, not a failure.
	RejectsAllowed bool `json:"rejects_allowed"`

	Matched      int64 `json:"matched"`
	OnlyInSource int64 `json:"only_in_source"`
	OnlyInTarget int64 `json:"only_in_target"`
	Changed      int64 `json:"changed"`
	Unchanged    int64 `json:"unchanged"`
	// DuplicateKeys counts keys that occur more than once on a side, and
	// the rows they hold; such keys are reported, never paired.
	DuplicateKeys DuplicateKeys `json:"duplicate_keys"`
	// NullKeys counts rows whose key has a NULL part, per side.
	NullKeys SidePair `json:"null_keys"`

	SourceOnlyColumns []string     `json:"source_only_columns"`
	TargetOnlyColumns []string     `json:"target_only_columns"`
	TypeDifferences   []TypeDiff   `json:"type_differences"`
	Columns           []DiffColumn `json:"columns"`

	OnlyInSourceSamples []DiffRow `json:"only_in_source_samples"`
	OnlyInTargetSamples []DiffRow `json:"only_in_target_samples"`
	DuplicateSamples    []DiffDup `json:"duplicate_samples"`
	// SourceRejectedSamples and TargetRejectedSamples are the first rows
	// of each side rejected at load, in file and line order.
	SourceRejectedSamples []source.Reject `json:"source_rejected_samples"`
	TargetRejectedSamples []source.Reject `json:"target_rejected_samples"`
	Groups                []DiffGroup     `json:"groups,omitempty"`
	// GroupColumns and SumColumns name the aggregate mode's columns.
	GroupColumns []string `json:"group_columns,omitempty"`
	SumColumns   []string `json:"sum_columns,omitempty"`
}

// SidePair is a count per side.
type SidePair struct {
	Source int64 `json:"source"`
	Target int64 `json:"target"`
}

// DuplicateKeys counts the keys duplicated on each side, and the rows
// set aside on each side because their key is duplicated on either side.
type DuplicateKeys struct {
	SourceKeys int64 `json:"source_keys"`
	SourceRows int64 `json:"source_rows"`
	TargetKeys int64 `json:"target_keys"`
	TargetRows int64 `json:"target_rows"`
}

// TypeDiff is a compared column whose two sides have different types.
type TypeDiff struct {
	Column     string     `json:"column"`
	SourceType string     `json:"source_type"`
	TargetType string     `json:"target_type"`
	ComparedAs Comparison `json:"compared_as"`
	// Note says why a column of text beside a typed one compares as text:
	// how many of its values do not read as the other side's type, and
	// the least of them.
	Note string `json:"note,omitempty"`
}

// DiffColumn is the comparison of one mapped column over matched rows.
type DiffColumn struct {
	Column     string     `json:"column"`
	Source     string     `json:"source"`
	ComparedAs Comparison `json:"compared_as"`
	Tolerance  string     `json:"tolerance,omitempty"`
	Mismatches int64      `json:"mismatches"`
	// Share is Mismatches over matched rows.
	Share       float64  `json:"share"`
	MaxAbsDelta *float64 `json:"max_abs_delta,omitempty"`
	// AsText counts the matched pairs of a column that mixes numbers and
	// text (compared as number-or-text) where a side did not read as a
	// number, so the pair was compared as text.
	AsText  int64        `json:"as_text,omitempty"`
	Samples []DiffSample `json:"samples"`
}

// DiffSample is one differing value.
type DiffSample struct {
	Key    []string `json:"key"`
	Source *string  `json:"source"`
	Target *string  `json:"target"`
}

// DiffRow is a key (keyed mode) or a whole row (keyless mode) found on one
// side only; Count is its multiplicity in keyless mode.
type DiffRow struct {
	Values []*string `json:"values"`
	Count  int64     `json:"count"`
}

// DiffDup is a duplicated key with its count on each side.
type DiffDup struct {
	Key    []string `json:"key"`
	Source int64    `json:"source"`
	Target int64    `json:"target"`
}

// DiffGroup is one group of an aggregate reconciliation.
type DiffGroup struct {
	Key        []*string  `json:"key"`
	SourceRows int64      `json:"source_rows"`
	TargetRows int64      `json:"target_rows"`
	SourceSums []*float64 `json:"source_sums"`
	TargetSums []*float64 `json:"target_sums"`
	Differs    bool       `json:"differs"`
}

// DiffMode is how a reconciliation pairs rows; Diff.Mode holds it as text.
type DiffMode string

// The modes.
const (
	// ModeKeyed pairs rows on their keys and compares them column by
	// column.
	ModeKeyed DiffMode = "keyed"
	// ModeKeyless compares the sides as multisets of whole rows.
	ModeKeyless DiffMode = "keyless"
	// ModeAggregate compares row counts and sums per group.
	ModeAggregate DiffMode = "aggregate"
)

// Comparison is how the values of a column pair are compared, decided by
// the types of the two sides and, where a side is text (delimited text is
// always text, as written), by what every value of it reads as; see
// package reconcile. DiffColumn.ComparedAs and TypeDiff.ComparedAs hold
// it as text.
type Comparison string

// The comparisons.
const (
	// AsNumber compares numbers, within the column's tolerance.
	AsNumber Comparison = "number"
	// AsNumberOrText compares values that parse as numbers on both sides
	// as numbers, others as text.
	AsNumberOrText Comparison = "number-or-text"
	// AsTemporal compares dates and timestamps at the coarser precision
	// of the two sides.
	AsTemporal Comparison = "temporal"
	// AsTemporalOrText compares values that parse as timestamps on both
	// sides as timestamps, others as text.
	AsTemporalOrText Comparison = "temporal-or-text"
	// AsBoolean compares booleans.
	AsBoolean Comparison = "boolean"
	// AsText compares text, as the column's text options say.
	AsText Comparison = "text"
	// AsOther compares two values of another type alike (time, interval,
	// blob, nested) as text.
	AsOther Comparison = "other"
)

// ColumnPair names a source column (or, with Expr, a DuckDB SQL expression
// over source columns) and its target column. Field is the source column
// a mapping spec's transformation row names (its source_field), if any.
type ColumnPair struct {
	Source string `json:"source"`
	Target string `json:"target"`
	Expr   bool   `json:"expr,omitempty"`
	Field  string `json:"field,omitempty"`
}
