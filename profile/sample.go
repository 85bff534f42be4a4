//go:build duckdb_arrow

package profile

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/internal/numfmt"
	"github.com/plumb-data/plumb/source"
)

// ApproxSampleRows is about how many rows Approx profiles value by value
// when Sample is not set: shares within about 0.3 points either way (95%
// confidence), for a tenth of the value-level work of 1,000,000 rows.
const ApproxSampleRows = 100_000

// Sample says which rows a profile reads value by value, taken
// reproducibly: Percent of them when it is over 0, else Rows of them when
// that is over 0. The zero value reads every row. ParseSample reads it
// from its spec, "N" or "P%"; a *Sample is also a flag value (Set parses
// the spec).
type Sample struct {
	// Rows is how many rows the sample keeps.
	Rows int64
	// Percent is the share of rows, in percent, the sample keeps
	// (about: each row is kept or left by its hash).
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
// when it reads every row, as it does when s would hold as many rows as t
// has. The sample is copied into a table of scratch, read once for all
// columns.
//
// Rows are chosen by a hash of their values, not their place: a share
// keeps the rows whose hash falls below that share of the hash's range,
// a row count the rows of smallest hash. So the same rows come back
// whatever order the load stored them in (an unordered load is quicker)
// and however many threads read them; identical rows are taken or left
// together, which leaves each value's expected share as it is.
func sampled(ctx context.Context, db *engine.DB, scratch *engine.Scratch, t *engine.Table, s Sample) (rel, spec string, err error) {
	rel = engine.Ident(t.Name)
	switch {
	case s.IsZero(), s.Percent == 0 && s.Rows >= t.RowsLoaded:
		return rel, "", nil
	case s.Percent >= 100:
		return rel, s.String(), nil
	}
	h := rowHash(t.Columns)
	var rows string
	if s.Percent > 0 {
		rows = "SELECT * FROM " + rel + " WHERE " + h + " < " + hashBelow(s.Percent/100)
	} else {
		// The smallest hashes are found beside where their rows are
		// stored, not beside whole rows.
		file, row := t.PositionNames()
		f, r := engine.Ident(file), engine.Ident(row)
		rows = fmt.Sprintf("SELECT p.* EXCLUDE (%[1]s, %[2]s) FROM %[3]s p SEMI JOIN (SELECT %[1]s, %[2]s FROM %[3]s ORDER BY %[4]s LIMIT %[5]d) s USING (%[1]s, %[2]s)",
			f, r, t.Positioned(), h, s.Rows)
	}
	table := scratch.Table("plumb_profile_sample")
	if _, err := db.ExecContext(ctx, "CREATE TABLE "+engine.Ident(table)+" AS "+rows); err != nil {
		return "", "", fmt.Errorf("sample: %w", err)
	}
	return engine.Ident(table), s.String(), nil
}

// rowHash is the SQL of a 64-bit hash of a row's values.
func rowHash(cols []source.Column) string { return "hash(" + columnList(cols) + ")" }

// columnList is the SQL list of the columns' names, quoted.
func columnList(cols []source.Column) string { return strings.Join(columnIdents(cols), ", ") }

// columnIdents are the columns' names, quoted.
func columnIdents(cols []source.Column) []string {
	ids := make([]string, len(cols))
	for i, c := range cols {
		ids[i] = engine.Ident(c.Name)
	}
	return ids
}

// hashBelow is the UBIGINT literal below which a share f (0 < f < 1) of
// 64-bit hashes falls.
func hashBelow(f float64) string {
	return strconv.FormatUint(uint64(math.Ldexp(f, 64)), 10) + "::UBIGINT"
}
