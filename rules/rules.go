package rules

import (
	"slices"
	"strings"
	"time"

	"github.com/plumb-data/plumb/result"
	"github.com/plumb-data/plumb/source"
)

// Rules is a rules file: an optional dataset label and its checks.
type Rules struct {
	Dataset string  `json:"dataset,omitempty"`
	Checks  []Check `json:"checks"`
}

// Kind is a kind of check: the key that introduces it in a rules file.
type Kind string

// Kinds of check.
const (
	NotNull        Kind = "not_null"
	Unique         Kind = "unique"
	AcceptedValues Kind = "accepted_values"
	Range          Kind = "range"
	Pattern        Kind = "pattern"
	Length         Kind = "length"
	Type           Kind = "type"
	Semantic       Kind = "semantic"
	RowCount       Kind = "row_count"
	Freshness      Kind = "freshness"
	References     Kind = "references"
	Expression     Kind = "expression"
	DuplicateRows  Kind = "duplicate_rows"
	Schema         Kind = "schema"

	// Aggregate checks: a measure of a column, over the rows or per group,
	// between bounds (see AggregateKinds).
	Avg              Kind = "avg"
	Sum              Kind = "sum"
	Min              Kind = "min"
	Max              Kind = "max"
	Stddev           Kind = "stddev"
	DistinctCount    Kind = "distinct_count"
	MissingPercent   Kind = "missing_percent"
	DuplicatePercent Kind = "duplicate_percent"
)

// Load is the kind of the check Run adds when rows were rejected at load
// (see Options.AllowRejects); it is no key of a rules file.
const Load Kind = result.KindLoad

// Kinds lists every kind of check, in the order the docs give them.
var Kinds = []Kind{NotNull, Unique, AcceptedValues, Range, Pattern, Length, Type, Semantic,
	RowCount, Freshness, References, Expression, DuplicateRows, Schema,
	Avg, Sum, Min, Max, Stddev, DistinctCount, MissingPercent, DuplicatePercent}

// AggregateKinds are the kinds that measure a column (or each group of
// rows, with group_by) and hold the measure between min and max: avg,
// sum, min, max and stddev (the sample standard deviation) of a column of
// numbers (min and max also of dates); distinct_count, the distinct
// non-null values; missing_percent, the share of rows, in percent, that
// are null, empty, blank or a sentinel (as the profile counts them); and
// duplicate_percent, the share of non-null values, in percent, that
// repeat an earlier one.
var AggregateKinds = []Kind{Avg, Sum, Min, Max, Stddev, DistinctCount, MissingPercent, DuplicatePercent}

// Types a type check accepts.
var Types = []string{"boolean", "integer", "decimal", "date", "timestamp"}

// Check is one check of a rules file. Which fields matter depends on Kind.
type Check struct {
	Kind     Kind     `json:"kind"`
	Name     string   `json:"name"`
	Severity Severity `json:"severity"`
	// MaxFailures is how many failing rows the check tolerates.
	MaxFailures Threshold `json:"max_failures"`
	// Where is a SQL filter on the rows the check applies to.
	Where string `json:"where,omitempty"`
	// AllowNull: nulls pass value checks (the default).
	AllowNull bool `json:"allow_null"`

	// Columns are the checked columns: one for value checks, the key for
	// unique, the expected columns for schema.
	Columns    []string `json:"columns,omitempty"`
	Values     []string `json:"values,omitempty"`
	IgnoreCase bool     `json:"ignore_case,omitempty"`
	// Min and Max bound a range (numbers, or dates and timestamps as
	// text), a length, a row count or an aggregate; nil is unbounded.
	Min *Bound `json:"min,omitempty"`
	Max *Bound `json:"max,omitempty"`
	// Regex is a pattern check's RE2 expression.
	Regex string `json:"regex,omitempty"`
	// Type is a type check's type (Types) or a semantic check's type.
	Type   string `json:"type,omitempty"`
	Format string `json:"format,omitempty"` // strptime format of a type check
	// MaxAge is how old a freshness check's newest value may be.
	MaxAge time.Duration `json:"max_age,omitempty"`
	// To and Key: a references check's other source and its key column.
	To  string `json:"to,omitempty"`
	Key string `json:"key,omitempty"`
	// SQL is an expression check's condition, which rows must meet.
	SQL        string `json:"sql,omitempty"`
	AllowExtra bool   `json:"allow_extra,omitempty"`
	// GroupBy: an aggregate check measures each group of rows with the
	// same values of these columns; none measures all the rows.
	GroupBy []string `json:"group_by,omitempty"`

	// Line and Column locate the check in its rules file.
	Line   int `json:"line"`
	Column int `json:"column"`
	// whereAt and sqlAt locate the Where and SQL values in the rules
	// file, for errors about them; zero when the check was not parsed.
	whereAt, sqlAt place
}

// place is a line and column in a rules file.
type place struct{ line, column int }

// DefaultName is the name a check gets when its rules file gives none:
// its kind and what it checks, like range(age) or unique(id, name).
func (c *Check) DefaultName() string {
	col := strings.Join(c.Columns, ", ")
	kind := string(c.Kind)
	switch c.Kind {
	case RowCount, DuplicateRows, Schema:
		return kind
	case Expression:
		return "expression(" + c.SQL + ")"
	case References:
		return "references(" + col + " → " + source.Redact(c.To) + "." + c.Key + ")"
	case Type, Semantic:
		return kind + "(" + col + ": " + c.Type + ")"
	}
	if len(c.GroupBy) > 0 {
		return kind + "(" + col + ") by " + strings.Join(c.GroupBy, ", ")
	}
	return kind + "(" + col + ")"
}

// IsAggregate reports whether the kind is one of AggregateKinds.
func (k Kind) IsAggregate() bool { return slices.Contains(AggregateKinds, k) }
