//go:build duckdb_arrow

package dbdiff

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Plan says how a diff was done: the strategy and why, the checksum
// policy, and what it cost on each side. It is plain data; WriteText
// renders it for --explain.
type Plan struct {
	Strategy Strategy `json:"strategy"`
	// Asked is the strategy asked for (auto, or one named).
	Asked  Strategy `json:"asked"`
	Reason string   `json:"reason"`
	// Policy is the checksum's row encoding (bisect).
	Policy string `json:"policy,omitempty"`
	// Warnings name column pairs whose types lose precision in the
	// checksum's encoding.
	Warnings []string `json:"warnings,omitempty"`
	Sides    [2]Side  `json:"sides"`
	// Segments counts the key segments compared by checksum (bisect) or
	// read (merge); Unequal those whose count or checksum differed;
	// Fetched those whose rows were read; Levels the depth of bisection.
	Segments int `json:"segments"`
	Unequal  int `json:"unequal"`
	Fetched  int `json:"fetched"`
	Levels   int `json:"levels"`
	// Queries are the queries run on the sides, in order.
	Queries []Query       `json:"queries,omitempty"`
	Elapsed time.Duration `json:"elapsed_ns"`
}

// Side is what a diff cost on one side.
type Side struct {
	Source string `json:"source"`
	// Where is "server" for a database server, "local" for a file or a
	// SQLite file read where plumb runs.
	Where   string `json:"where"`
	Rows    int64  `json:"rows"`
	Queries int    `json:"queries"`
	// RowsMoved counts rows read into plumb; KeysMoved key values read
	// to cut segments; ResultRows the rows of checksum and count results.
	RowsMoved  int64 `json:"rows_moved"`
	KeysMoved  int64 `json:"keys_moved"`
	ResultRows int64 `json:"result_rows"`
	// BytesRead and BytesWritten count what crossed the wire to and from
	// the server, protocol included (0 for a local side).
	BytesRead    int64 `json:"bytes_read"`
	BytesWritten int64 `json:"bytes_written"`
}

// Query is one query run on a side.
type Query struct {
	Side    int           `json:"side"`
	Kind    string        `json:"kind"` // count, cuts, checksum, fetch
	SQL     string        `json:"sql"`
	Rows    int64         `json:"rows"`
	Elapsed time.Duration `json:"elapsed_ns"`
}

// WriteText writes the plan as --explain shows it; queries are listed
// when kept, each cut to width characters.
func (p *Plan) WriteText(w io.Writer, width int) {
	fmt.Fprintf(w, "plan: strategy %s (asked %s): %s\n", p.Strategy, p.Asked, p.Reason)
	if p.Policy != "" {
		fmt.Fprintf(w, "checksum encoding: %s\n", p.Policy)
	}
	for _, x := range p.Warnings {
		fmt.Fprintf(w, "warning: %s\n", x)
	}
	if p.Segments > 0 {
		fmt.Fprintf(w, "segments: %d compared, %d unequal, %d read, %d levels\n", p.Segments, p.Unequal, p.Fetched, p.Levels)
	}
	for i, s := range p.Sides {
		name := [2]string{"source", "target"}[i]
		fmt.Fprintf(w, "%s %s (%s): %d rows; %d queries; moved %d rows, %d keys, %d result rows; %s read, %s written\n",
			name, s.Source, s.Where, s.Rows, s.Queries, s.RowsMoved, s.KeysMoved, s.ResultRows, bytes(s.BytesRead), bytes(s.BytesWritten))
	}
	for _, q := range p.Queries {
		text := strings.Join(strings.Fields(q.SQL), " ")
		if width > 3 && len(text) > width {
			text = text[:width-3] + "..."
		}
		fmt.Fprintf(w, "  [%s %s %d rows %s] %s\n", [2]string{"source", "target"}[q.Side], q.Kind, q.Rows, q.Elapsed.Round(time.Millisecond), text)
	}
	fmt.Fprintf(w, "elapsed: %s\n", p.Elapsed.Round(time.Millisecond))
}

func bytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
