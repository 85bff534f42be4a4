package source

// Account is how a source was read: its files, their dialects, the
// columns found and every row accounted for. Results carry it so that a
// report can say what was read without a database at hand.
type Account struct {
	// Source is the source spec as given (passwords redacted).
	Source string `json:"source"`
	Format Format `json:"format"`
	// Files are the files read, in order, each with its own account.
	Files   []File   `json:"files"`
	Columns []Column `json:"columns"`
	// Renamed lists header names that were changed to make every column
	// name unique and non-empty.
	Renamed []Rename `json:"renamed,omitempty"`
	// RowsRead = RowsLoaded + RowsRejected.
	RowsRead     int64 `json:"rows_read"`
	RowsLoaded   int64 `json:"rows_loaded"`
	RowsRejected int64 `json:"rows_rejected"`
	// Catalog is set for a database source.
	Catalog *Catalog `json:"catalog,omitempty"`
}

// File is the account of one file of a source.
type File struct {
	Path         string   `json:"path"`
	Format       Format   `json:"format"`
	Compression  string   `json:"compression"`
	Dialect      *Dialect `json:"dialect,omitempty"`
	RowsLoaded   int64    `json:"rows_loaded"`
	RowsRejected int64    `json:"rows_rejected"`
	// InvalidEncoding counts rows rejected for bytes that are not valid in
	// the encoding read; many of them suggest the wrong encoding.
	InvalidEncoding int64 `json:"invalid_encoding,omitempty"`
	// CastErrors counts rows rejected because a value did not fit the type
	// inferred from the sniffer's sample; a raw load keeps them.
	CastErrors int64 `json:"cast_errors,omitempty"`
}

// Dialect is how a delimited text file was read.
type Dialect struct {
	Delimiter string `json:"delimiter"`
	Quote     string `json:"quote"`
	Escape    string `json:"escape"`
	NewLine   string `json:"newline"`
	Header    bool   `json:"header"`
	Skip      int    `json:"skip"`
	Encoding  string `json:"encoding"`
	// DateFormat and TimestampFormat are the strptime formats the sniffer
	// found for dates and timestamps, when they are not ISO 8601.
	DateFormat      string `json:"date_format,omitempty"`
	TimestampFormat string `json:"timestamp_format,omitempty"`
	// Detected says which of the above DuckDB's sniffer chose, rather
	// than the user.
	Detected []string `json:"detected,omitempty"`
}

// Column is a loaded column.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
	// Detected is the type DuckDB's sniffer saw in a raw CSV load, where
	// Type is VARCHAR; empty otherwise.
	Detected string `json:"detected_type,omitempty"`
}

// Rename records a header name that could not be used as written.
type Rename struct {
	File     string `json:"file"`
	Position int    `json:"position"` // 1-based
	Header   string `json:"header"`
	Name     string `json:"name"`
	Reason   string `json:"reason"`
}

// Reject is a row that could not be loaded, with where it was and why.
type Reject struct {
	File string `json:"file"`
	Line int64  `json:"line"`
	// Columns names the columns at fault, where the reader knows them.
	Columns string `json:"columns,omitempty"`
	// Reason is the kind of error, e.g. "TOO MANY COLUMNS",
	// "UNQUOTED VALUE", "INVALID ENCODING", "CAST", "INVALID JSON".
	Reason  string `json:"reason"`
	Message string `json:"message"`
	// Text is the original line as read.
	Text string `json:"text"`
}
