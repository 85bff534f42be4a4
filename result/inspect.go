package result

import "github.com/plumb-data/plumb/source"

// Inspect is what plumb inspect found of one source; plain data for reports.
type Inspect struct {
	Source       string          `json:"source"`
	Format       string          `json:"format"`
	Files        []source.File   `json:"files"`
	Columns      []source.Column `json:"columns"`
	Renamed      []source.Rename `json:"renamed"`
	RowsRead     int64           `json:"rows_read"`
	RowsLoaded   int64           `json:"rows_loaded"`
	RowsRejected int64           `json:"rows_rejected"`
	// Rejects are the first rejects, in file and line order.
	Rejects []source.Reject `json:"rejects"`
	// Hints suggest what to change when the rejects point at a cause.
	Hints []string `json:"hints"`
	// Database is what the database says of a database source: server
	// and version, declared schema, keys, the catalog's row estimate, and
	// how each column loaded. Absent for files.
	Database *source.Catalog `json:"database,omitempty"`
}
