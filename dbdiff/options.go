//go:build duckdb_arrow

package dbdiff

import (
	"fmt"
	"strings"
	"time"

	"github.com/plumb-data/plumb/reconcile"
)

// Strategy is how a keyed diff with a database side reaches its rows.
type Strategy string

// The strategies.
const (
	// Auto picks one from the sides' sizes, where the servers are and
	// what the options ask for, and says why.
	Auto Strategy = "auto"
	// Pull reads both sides whole into DuckDB and compares them there.
	Pull Strategy = "pull"
	// Merge reads both sides in key order, a segment of keys at a time,
	// and compares each segment pair: memory holds one segment.
	Merge Strategy = "merge"
	// Bisect compares the count and checksum of key segments inside each
	// database, splits the segments that differ, and reads only the rows
	// of the smallest segments that still differ.
	Bisect Strategy = "bisect"
)

// ParseStrategy reads a --strategy value.
func ParseStrategy(s string) (Strategy, error) {
	switch st := Strategy(strings.ToLower(strings.TrimSpace(s))); st {
	case "":
		return Auto, nil
	case Auto, Pull, Merge, Bisect:
		return st, nil
	}
	return "", fmt.Errorf("strategy %q: want auto, pull, merge or bisect", s)
}

// Policy is how values are written for the checksum, the one row encoding
// every database computes alike. The checksum only chooses which rows to
// read: rows are always compared with their own types by reconcile, so a
// value a database writes differently costs a read, never a reported
// difference. What the encoding rounds away the checksum cannot see:
// two rows that differ only there compare equal in an equal segment.
type Policy struct {
	// FloatScale, when above 0, writes floating-point values rounded to
	// that many decimal places where 10^-FloatScale ≤ |x| <
	// 10^(15-FloatScale), for sides that hold a value at different widths
	// (float4 beside float8); a change smaller than that is then not seen.
	// 0 writes a float's shortest round-trip text: exact, and the same in
	// every database (see floatText).
	FloatScale int `json:"float_scale"`
	// TimePrecision is the precision timestamps are written to, in UTC:
	// time.Second, time.Millisecond or time.Microsecond (0 means
	// microseconds).
	TimePrecision time.Duration `json:"time_precision"`
}

// timeWidth is how many characters of "YYYY-MM-DD HH:MM:SS.ffffff" the
// policy keeps.
func (p Policy) timeWidth() int {
	switch p.TimePrecision {
	case time.Second:
		return 19
	case time.Millisecond:
		return 23
	}
	return 26
}

// String states the policy as the output shows it.
func (p Policy) String() string {
	prec := map[int]string{19: "seconds", 23: "milliseconds", 26: "microseconds"}[p.timeWidth()]
	floats := "floats exact (shortest round-trip text)"
	if p.FloatScale > 0 {
		floats = fmt.Sprintf("floats to %d decimal places (exact text beyond 1e-%d..1e%d)", p.FloatScale, p.FloatScale, 15-p.FloatScale)
	}
	return fmt.Sprintf("%s, timestamps in UTC to %s, booleans as 0/1, exact numbers at the larger scale of the two sides, "+
		"text as its UTF-8 bytes (with --trim/--ignore-case applied), NULL marked", floats, prec)
}

// ParseTimePrecision reads s, ms or us.
func ParseTimePrecision(s string) (time.Duration, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "s", "second", "seconds":
		return time.Second, nil
	case "ms", "millisecond", "milliseconds":
		return time.Millisecond, nil
	case "us", "µs", "microsecond", "microseconds", "":
		return time.Microsecond, nil
	}
	return 0, fmt.Errorf("time precision %q: want s, ms or us", s)
}

// Options say how to diff; Reconcile holds what to compare and how (see
// reconcile.Options). The zero value picks a strategy automatically.
type Options struct {
	Reconcile reconcile.Options
	Strategy  Strategy
	Policy    Policy
	// LeafRows is the largest segment bisect reads rather than splits; 0
	// means 256. PageRows is the segment merge reads at a time; 0 means
	// 50,000.
	LeafRows, PageRows int64
	// Load reads a whole side into DuckDB (pull, and files and SQLite
	// files, which are read where plumb runs); nil means db.Load with
	// delimited text as written.
	Load Loader
	// Log, when set, is told the strategy chosen and why.
	Log func(msg string)
	// KeepQueries keeps every query's text in the plan (for --explain).
	KeepQueries bool
	// Remote has Auto treat servers on this host as across a network
	// link (a link known to be slow; tests).
	Remote bool
	// smallRows overrides, in tests, the size below which Auto pulls.
	smallRows int64
}

func (o Options) leafRows() int64 {
	if o.LeafRows <= 0 {
		return 256
	}
	return o.LeafRows
}

func (o Options) pageRows() int64 {
	if o.PageRows <= 0 {
		return 50_000
	}
	return o.PageRows
}
