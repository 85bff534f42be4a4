package result

// Pushdown says how a profile or check of a database source was computed
// when it was pushed down into the database: what the database computed,
// and what was computed locally on a sample of the rows.
type Pushdown struct {
	// Database is the server, e.g. "PostgreSQL 15.20"; Dialect the SQL
	// dialect plumb wrote for it.
	Database string `json:"database"`
	Dialect  string `json:"dialect"`
	// Reason says why the work was pushed down ("--pushdown", or the
	// catalog's estimate against the threshold).
	Reason string `json:"reason"`
	// Queries is how many queries ran in the database; RowsMoved how many
	// rows crossed the wire, results and sample together.
	Queries   int   `json:"queries"`
	RowsMoved int64 `json:"rows_moved"`
	// SampleRows is how many rows were read for what is computed locally,
	// and Sampled, when set, says how they were chosen ("" when they are
	// every row: then nothing is approximate but what Metrics says).
	SampleRows int64  `json:"sample_rows"`
	Sampled    string `json:"sampled,omitempty"`
	// Metrics says, metric by metric (or check by check), where each was
	// computed.
	Metrics []PushdownMetric `json:"metrics"`
}

// Where a metric was computed.
const (
	// ComputedDatabase: in the database, over every row.
	ComputedDatabase = "database"
	// ComputedSample: locally, on the sample (every row when Sampled is
	// empty).
	ComputedSample = "sample"
	// ComputedApprox: in the database over every row, equal to the local
	// result but for floating-point rounding in the last digit kept.
	ComputedApprox = "database, rounding may differ"
)

// PushdownMetric is where one metric (a profile field, like "top_values",
// or a check, by its name) was computed, for the columns named (none:
// every column, or the dataset).
type PushdownMetric struct {
	Metric   string   `json:"metric"`
	Columns  []string `json:"columns,omitempty"`
	Computed string   `json:"computed"`
}
