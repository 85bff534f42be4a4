//go:build duckdb_arrow

package profile

import (
	"context"
	"fmt"
	"regexp"
	"strconv"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/internal/numfmt"
)

// ApproxSampleRows is how many rows Approx profiles value by value when
// Sample is not set.
const ApproxSampleRows = 1_000_000

// Sample says which rows a profile reads value by value, taken
// reproducibly: Percent of them when it is over 0, else Rows of them when
// that is over 0. The zero value reads every row. ParseSample reads it
// from its spec, "N" or "P%"; a *Sample is also a flag value (Set parses
// the spec).
type Sample struct {
	// Rows is how many rows a reservoir sample keeps.
	Rows int64
	// Percent is the share of rows, in percent, a Bernoulli sample keeps.
	Percent float64
}

var sampleRE = regexp.MustCompile(`^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$`)

// ParseSample reads a sample spec: "N" rows or "P%" of rows; "" is the
// zero Sample, every row.
func ParseSample(spec string) (Sample, error) {
	if spec == "" {
		return Sample{}, nil
	}
	m := sampleRE.FindStringSubmatch(spec)
	if m == nil {
		return Sample{}, fmt.Errorf("sample %q: want a row count like 100000 or a percentage like 10%%", spec)
	}
	f, _ := strconv.ParseFloat(m[1], 64)
	if m[2] == "%" {
		if f <= 0 || f > 100 {
			return Sample{}, fmt.Errorf("sample %q: a percentage must be over 0 and at most 100", spec)
		}
		return Sample{Percent: f}, nil
	}
	if f < 1 || f != float64(int64(f)) {
		return Sample{}, fmt.Errorf("sample %q: want a whole number of rows", spec)
	}
	return Sample{Rows: int64(f)}, nil
}

// EmptySampleError is returned when a sample of a source with rows holds
// none: a share too small for the source.
type EmptySampleError struct {
	Sample Sample
	Rows   int64 // rows loaded
}

func (e *EmptySampleError) Error() string {
	return fmt.Sprintf("the sample %s of %s holds no row: give a larger share, or a row count", e.Sample, numfmt.Count(e.Rows, "row"))
}

// IsZero reports whether s reads every row.
func (s Sample) IsZero() bool { return s == Sample{} }

// String is the spec of s as Result.Sampled reports it: "N" or "P%", ""
// for every row.
func (s Sample) String() string {
	switch {
	case s.Percent > 0:
		return fmt.Sprintf("%g%%", s.Percent)
	case s.Rows > 0:
		return strconv.FormatInt(s.Rows, 10)
	}
	return ""
}

// Set parses a spec into s, as ParseSample does (pflag.Value).
func (s *Sample) Set(spec string) error {
	v, err := ParseSample(spec)
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Type is the kind of value a flag of a Sample takes, as help shows it:
// a string spec (pflag.Value).
func (*Sample) Type() string { return "string" }

// sampled returns the relation of the rows of t that s takes, which a
// profile reads value by value, and the spec Result.Sampled reports: ""
// when it reads every row, as it does when a reservoir would hold as many
// rows as t has. A reservoir sample is copied into a table of scratch.
func sampled(ctx context.Context, db *engine.DB, scratch *engine.Scratch, t *engine.Table, s Sample) (rel, spec string, err error) {
	rel = engine.Ident(t.Name)
	switch {
	case s.Percent > 0:
		// Not copied: a seeded Bernoulli sample keeps the same rows in
		// every query, whatever columns it reads and however many
		// threads scan it (TestSample holds DuckDB to that), and
		// each column's query reads its one column of every row
		// quicker than a copy of the sample is made.
		return "(SELECT * FROM " + rel + " USING SAMPLE " + s.String() + " (bernoulli, 42))", s.String(), nil
	case s.Rows <= 0 || s.Rows >= t.RowsLoaded:
		return rel, "", nil
	}
	reservoir := " USING SAMPLE reservoir(" + s.String() + " ROWS) REPEATABLE (42)"
	// A view over one table a file has no row ids.
	rows := "(SELECT * FROM " + rel + reservoir + ")"
	if len(t.Files) <= 1 {
		// A table: the reservoir holds row ids, not whole rows.
		rows = "(SELECT * FROM " + rel + " WHERE rowid IN (SELECT rowid FROM " + rel + reservoir + "))"
	}
	table := scratch.Table("plumb_profile_sample")
	if _, err := db.ExecContext(ctx, "CREATE TABLE "+engine.Ident(table)+" AS SELECT * FROM "+rows); err != nil {
		return "", "", fmt.Errorf("sample: %w", err)
	}
	return engine.Ident(table), s.String(), nil
}
