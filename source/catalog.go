package source

// Catalog is what a database says of a database source: the server, and
// for a table its declared schema, constraints and the catalog's row
// estimate. Columns also say how each column was loaded.
type Catalog struct {
	// Server is the product and version, e.g. "PostgreSQL 15.20".
	Server string `json:"server"`
	// Table is the table's qualified name, or "query".
	Table string `json:"table"`
	// RowEstimate is the catalog's estimate of the table's rows
	// (PostgreSQL's reltuples, MySQL's table_rows); nil when unknown.
	RowEstimate *int64           `json:"row_estimate,omitempty"`
	Columns     []DeclaredColumn `json:"columns"`
	PrimaryKey  []string         `json:"primary_key,omitempty"`
	Unique      [][]string       `json:"unique,omitempty"`
	ForeignKeys []ForeignKey     `json:"foreign_keys,omitempty"`
	Checks      []string         `json:"checks,omitempty"`
}

// DeclaredColumn is a column as the database declares it, and as plumb
// loaded it.
type DeclaredColumn struct {
	Name string `json:"name"`
	// Type is the database's type, e.g. "numeric(12,2)", "bigint unsigned".
	Type string `json:"type"`
	// Nullable is nil when the database does not say (a query's columns).
	Nullable *bool `json:"nullable,omitempty"`
	// LoadedAs is the DuckDB type the values were loaded as.
	LoadedAs string `json:"loaded_as"`
	// Note says what was not kept as the database has it (a type loaded
	// as text, time zones normalised to UTC, SQLite's storage classes).
	Note string `json:"note,omitempty"`
}

// ForeignKey is a foreign key of a table.
type ForeignKey struct {
	Columns    []string `json:"columns"`
	References string   `json:"references"`
	RefColumns []string `json:"ref_columns"`
}
