package result

// Profile is a profile of a dataset; plain data for reports, and what
// --baseline reads back.
type Profile struct {
	Source       string `json:"source"`
	Rows         int64  `json:"rows"`
	ColumnCount  int    `json:"column_count"`
	RowsRejected int64  `json:"rows_rejected"`
	// Sampled is set when the profile covers a sample of the rows.
	Sampled string `json:"sampled,omitempty"`
	// SourceRows, when set, is how many rows the source has: with
	// estimated distinct counts, which cover every row, even when the rest
	// covers a sample.
	SourceRows int64 `json:"source_rows,omitempty"`
	// DuplicateRows counts rows that repeat an earlier row exactly.
	DuplicateRows int64 `json:"duplicate_rows"`
	// KeyCandidates are columns, or failing those column pairs, whose
	// values are unique and never null.
	KeyCandidates [][]string `json:"key_candidates"`
	// ColumnsSelected is set when the profile covers some columns only:
	// duplicate rows and key candidates are then within those columns.
	ColumnsSelected bool            `json:"columns_selected,omitempty"`
	Columns         []ProfileColumn `json:"columns"`
	Drift           *Drift          `json:"drift,omitempty"`
	// Pushdown is set when the profile was computed in the database.
	Pushdown *Pushdown `json:"pushdown,omitempty"`
}

// Volume is how many rows the source has, as far as the profile tells:
// SourceRows when it read every row (an approximate profile), else the
// rows profiled (for a sample, its size, which follows the source's).
func (p *Profile) Volume() int64 {
	if p.SourceRows > 0 {
		return p.SourceRows
	}
	return p.Rows
}

// ProfileColumn is the profile of one column, computed on the text as written.
type ProfileColumn struct {
	Name string `json:"name"`
	// LoadedType is the type it was loaded as (VARCHAR for delimited text).
	LoadedType string `json:"loaded_type"`
	Rows       int64  `json:"rows"`
	Nulls      Count  `json:"nulls"`
	Empty      Count  `json:"empty"`
	Whitespace Count  `json:"whitespace_only"`
	Sentinels  Count  `json:"sentinels"`
	// Valid counts values that are none of the above.
	Valid Count `json:"valid"`

	InferredType string `json:"inferred_type"`
	// Conformity is the share of valid values that parse as each type.
	Conformity []Share `json:"conformity"`
	// DateFormats are the date or timestamp formats seen, with the share
	// of valid values in each; InvalidExamples are values that fit none.
	DateFormats     []Share  `json:"date_formats,omitempty"`
	InvalidExamples []string `json:"invalid_examples,omitempty"`

	Distinct        int64   `json:"distinct"`
	DistinctApprox  bool    `json:"distinct_approx,omitempty"`
	Uniqueness      float64 `json:"uniqueness"`
	DuplicateValues int64   `json:"duplicate_values"`

	MinText string   `json:"min_text,omitempty"`
	MaxText string   `json:"max_text,omitempty"`
	Numeric *Numeric `json:"numeric,omitempty"`

	Length Length `json:"length"`

	Patterns        []Share `json:"patterns"`
	CompactPatterns []Share `json:"compact_patterns"`
	Top             []Share `json:"top_values"`
	Semantic        []Share `json:"semantic"`
	SemanticType    string  `json:"semantic_type,omitempty"`
	Findings        []Share `json:"findings"`

	// Methods say how each metric that can be estimated was computed:
	// exactly, or by which estimate within what error. Over its memory
	// budget a profile estimates rather than fail; it never does so
	// without saying.
	Methods []Method `json:"methods,omitempty"`
}

// Method says how one metric of a column was computed.
type Method struct {
	// Metric is what it covers: MetricDistinct, MetricQuantiles or
	// MetricCaseVariants.
	Metric string `json:"metric"`
	// Method is MethodExact, or the estimate used. Exact is over the
	// rows profiled: a sample of them where Profile.Sampled says so.
	Method string `json:"method"`
	// Error bounds an estimate, as its Method says: for MethodKLL the
	// rank error as a share of the values (the value reported as the
	// p-th percentile lies between the true (p-100·Error)th and
	// (p+100·Error)th), for MethodHyperLogLog the relative standard
	// error of the count, for MethodHashSample the standard error of the
	// finding's count, in rows.
	Error float64 `json:"error,omitempty"`
	// SampleRate is, for MethodHashSample, the share of the distinct
	// values the estimate was made on.
	SampleRate float64 `json:"sample_rate,omitempty"`
}

// The metrics of Method.
const (
	// MetricDistinct is the distinct count and the uniqueness.
	MetricDistinct = "distinct"
	// MetricQuantiles is the quantiles, the histogram and the skewed
	// finding of a numeric or temporal column; its mean and standard
	// deviation are always computed over every value.
	MetricQuantiles = "quantiles"
	// MetricCaseVariants is the case_variants finding.
	MetricCaseVariants = "case_variants"
)

// The methods of Method.
const (
	MethodExact = "exact"
	// MethodHyperLogLog is a HyperLogLog estimate over every row.
	MethodHyperLogLog = "hyperloglog"
	// MethodKLL is a KLL quantile sketch of the values, held to a rank
	// error.
	MethodKLL = "kll"
	// MethodHashSample is the finding over a sample of the distinct
	// values picked by hash (every spelling of a value kept together),
	// its count scaled up.
	MethodHashSample = "hash_sample"
)

// Approximate reports whether the method is an estimate.
func (m Method) Approximate() bool { return m.Method != MethodExact }

// Count is a count and its share of the column's rows.
type Count struct {
	Count int64   `json:"count"`
	Share float64 `json:"share"`
}

// Share is a labelled count with its share, and examples where useful.
type Share struct {
	Value    string   `json:"value"`
	Count    int64    `json:"count"`
	Share    float64  `json:"share"`
	Examples []string `json:"examples,omitempty"`
}

// Numeric holds the statistics of a numeric or temporal column, over the
// values that parse (temporal values as Unix seconds).
type Numeric struct {
	Min       float64            `json:"min"`
	Max       float64            `json:"max"`
	Mean      float64            `json:"mean"`
	Stddev    float64            `json:"stddev"`
	Quantiles map[string]float64 `json:"quantiles"`
	Histogram []Bin              `json:"histogram"`
	// MinValue and MaxValue are the extremes as written.
	MinValue string `json:"min_value"`
	MaxValue string `json:"max_value"`
}

// Bin is a histogram bin [Low, High).
type Bin struct {
	Low   float64 `json:"low"`
	High  float64 `json:"high"`
	Count int64   `json:"count"`
}

// Length describes value lengths in characters.
type Length struct {
	Min  int     `json:"min"`
	Max  int     `json:"max"`
	Mean float64 `json:"mean"`
	P50  int     `json:"p50"`
	P95  int     `json:"p95"`
	// Over255 is Over's count past 255, kept where JSON readers of
	// earlier profiles find it.
	Over255 int64 `json:"over_255"`
	// Over counts the values longer than each of TargetLimits.
	Over []LimitCount `json:"over"`
}

// LimitCount is how many values are longer than a length limit.
type LimitCount struct {
	Limit int   `json:"limit"`
	Count int64 `json:"count"`
}

// Types plumb infers, from most to least specific.
const (
	TypeBoolean   = "boolean"
	TypeInteger   = "integer"
	TypeDecimal   = "decimal"
	TypeDate      = "date"
	TypeTimestamp = "timestamp"
	TypeText      = "text"
)

// Thresholds say how much change counts as drift. The zero value uses
// the defaults of DefaultThresholds.
type Thresholds struct {
	RowCount      float64 `json:"row_count"`      // relative change in rows
	NullShare     float64 `json:"null_share"`     // absolute change in the share of nulls, empties and sentinels
	DistinctRatio float64 `json:"distinct_ratio"` // absolute change in uniqueness
	PatternShare  float64 `json:"pattern_share"`  // share a new top pattern must have
	RangeShift    float64 `json:"range_shift"`    // min/max shift relative to the old range
}

// Drift is what changed since a baseline profile.
type Drift struct {
	Baseline   string     `json:"baseline"`
	Thresholds Thresholds `json:"thresholds"`
	Changes    []Change   `json:"changes"`
}

// Change is one change beyond its threshold.
type Change struct {
	Kind   ChangeKind `json:"kind"`
	Column string     `json:"column,omitempty"`
	Before string     `json:"before,omitempty"`
	After  string     `json:"after,omitempty"`
	Detail string     `json:"detail"`
}

// ChangeKind says what changed.
type ChangeKind string

// The kinds of Change.
const (
	ChangeRowCount        ChangeKind = "row_count"        // the number of rows
	ChangeRetyped         ChangeKind = "retyped"          // a column's inferred type
	ChangeMissingShare    ChangeKind = "missing_share"    // a column's share of nulls, empties and sentinels
	ChangeDistinctRatio   ChangeKind = "distinct_ratio"   // a column's uniqueness
	ChangeDominantPattern ChangeKind = "dominant_pattern" // a column's most common pattern
	ChangeRange           ChangeKind = "range"            // a column's minimum or maximum
	ChangeRenamed         ChangeKind = "renamed"          // a column removed and one like it added
	ChangeRemoved         ChangeKind = "removed"
	ChangeAdded           ChangeKind = "added"
)
