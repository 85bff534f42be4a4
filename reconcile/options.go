package reconcile

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Options say what to compare and how. The zero value compares every
// column the two sides share by name, exactly, as a keyless multiset diff.
type Options struct {
	// Keys pair the key columns of the two sides; none means a keyless
	// multiset diff of whole rows.
	Keys []Pair
	// Map pairs source expressions with target columns beyond (or instead
	// of) same-named columns: a source column name or a DuckDB SQL
	// expression over source columns.
	Map []Pair
	// Mapping is an integration mapping spec (see ParseMapping). When
	// given, exactly its rows are compared.
	Mapping []Pair
	// Columns restricts the comparison to these (target-side) columns;
	// Ignore leaves these out.
	Columns, Ignore []string
	// Tolerance is the default for numeric columns (of text, those whose
	// every value reads as a number on both sides); PerColumn overrides
	// it by target column name, and asks for a column to be compared as
	// numbers even where a side is text (a tolerance of 0 compares
	// numbers exactly). See Values as written in the package
	// documentation.
	Tolerance Tolerance
	PerColumn map[string]Tolerance
	// IgnoreCase, Trim and NullEqualsEmpty apply to text comparisons.
	IgnoreCase, Trim, NullEqualsEmpty ColumnSet
	// Where filters both sides; SourceWhere and TargetWhere one side each.
	// Each is one DuckDB SQL expression over the side's columns.
	Where, SourceWhere, TargetWhere string
	// SQLSeesText has the SQL a user wrote (filters, expressions) see the
	// columns of delimited text as text, as written. By default such a
	// column is typed for that SQL when every value of it reads as one
	// type (whole numbers, numbers, ISO dates and timestamps, true and
	// false), so that a filter such as id < 5 works. The source side of a
	// Mapping always sees text: transformations are written against the
	// source as its system wrote it.
	SQLSeesText bool
	// AllowRejects declares rows rejected at load expected: the result
	// still counts them, and Equal is still false, but RejectsAllowed
	// tells reports not to fail on them.
	AllowRejects bool
	// GroupBy and Sum switch to aggregate reconciliation: row counts and
	// sums per group.
	GroupBy, Sum []string
	// Samples is how many examples to keep per column and category; 0
	// means 5, negative means none.
	Samples int
	// DiffsPath, when set, receives every difference in long form, in
	// the format its name asks for (see engine.OutputFormat: Parquet,
	// NDJSON or CSV). It appears only when complete.
	DiffsPath string
	// Origins name where the SQL in these options came from, for errors.
	Origins Origins
	// Progress, when set, is told what is being done as the work moves
	// on (for a progress line); it may be called from several goroutines.
	Progress func(stage string)

	// parts, when set, is how many parts a keyed join runs in, whatever
	// the memory limit says (for tests of the parted join).
	parts int
	// splitBelow, when set, has every part of fewer than that many parts
	// run out of memory, as if it had (for tests of the split).
	splitBelow int
}

// Origins name the places the SQL a user wrote in Options came from,
// such as a command's flags or the cells of a mapping file: an error in
// that SQL begins with its origin. An empty name falls back to the
// option's own ("where", "mapping row 2").
type Origins struct {
	Where, SourceWhere, TargetWhere string
	// Mapping holds the origin of each row of Options.Mapping, as
	// ParseMappingFile returns them.
	Mapping []string
}

// Tolerance is how far apart two numbers may be and still be equal: at
// most Abs apart, or at most Rel times the larger magnitude. The zero
// value demands equality.
type Tolerance struct {
	Abs float64 `json:"abs,omitempty"`
	Rel float64 `json:"rel,omitempty"`
}

func (t Tolerance) String() string {
	switch {
	case t.Rel > 0:
		return strconv.FormatFloat(t.Rel*100, 'g', -1, 64) + "%"
	case t.Abs > 0:
		return strconv.FormatFloat(t.Abs, 'g', -1, 64)
	}
	return ""
}

// ColumnSet is a set of columns an option applies to: All, or the named
// ones.
type ColumnSet struct {
	All     bool
	Columns []string
}

// Has reports whether the set includes a column.
func (s ColumnSet) Has(col string) bool {
	if s.All {
		return true
	}
	for _, c := range s.Columns {
		if strings.EqualFold(c, col) {
			return true
		}
	}
	return false
}

// ParseColumnSet reads "*" or "" as all columns, else a comma-separated
// list.
func ParseColumnSet(s string) ColumnSet {
	s = strings.TrimSpace(s)
	if s == "" || s == "*" {
		return ColumnSet{All: true}
	}
	return ColumnSet{Columns: splitList(s)}
}

// ParsePairs reads "a,b=c": a pairs with a, b with c.
func ParsePairs(s string) ([]Pair, error) {
	var out []Pair
	for _, item := range splitList(s) {
		src, tgt, ok := strings.Cut(item, "=")
		src, tgt = strings.TrimSpace(src), strings.TrimSpace(tgt)
		if !ok {
			tgt = src
		}
		if src == "" || tgt == "" {
			return nil, fmt.Errorf("%q: want name or source=target", item)
		}
		out = append(out, Pair{Source: src, Target: tgt})
	}
	if len(out) == 0 {
		return nil, errors.New("no columns given")
	}
	return out, nil
}

// ParseTolerance reads "0.01" (absolute), "0.1%" (relative) or either
// prefixed with "column=". It returns the column, or "" for all numeric
// columns.
func ParseTolerance(s string) (string, Tolerance, error) {
	col, val, ok := strings.Cut(s, "=")
	if !ok {
		col, val = "", s
	}
	col, val = strings.TrimSpace(col), strings.TrimSpace(val)
	rel := strings.HasSuffix(val, "%")
	f, err := strconv.ParseFloat(strings.TrimSuffix(val, "%"), 64)
	if err != nil || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return "", Tolerance{}, fmt.Errorf("tolerance %q: want a non-negative number, or a percentage like 0.1%%", s)
	}
	if ok && col == "" {
		return "", Tolerance{}, fmt.Errorf("tolerance %q: no column before =", s)
	}
	if rel {
		return col, Tolerance{Rel: f / 100}, nil
	}
	return col, Tolerance{Abs: f}, nil
}

// MappingError points at a bad row of a mapping spec.
type MappingError struct {
	Line int
	Err  error
}

func (e *MappingError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *MappingError) Unwrap() error { return e.Err }

// ParseMapping reads an integration mapping spec: CSV with a header that
// has the columns source_field, transformation and target_field (in any
// order, any case; other columns such as source_system, target_system or
// notes are ignored). An empty transformation copies source_field; else
// it is a DuckDB SQL expression over source columns.
func ParseMapping(r io.Reader) ([]Pair, error) {
	pairs, _, err := ParseMappingFile(r, "")
	return pairs, err
}

// ParseMappingFile reads a mapping spec, named name, as ParseMapping does,
// and also returns the origin of each row for Origins.Mapping: the name,
// line and column of its transformation cell ("mapping.csv:3:12").
func ParseMappingFile(r io.Reader, name string) ([]Pair, []string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, nil, &MappingError{Line: 1, Err: errors.New("empty mapping: want a header with source_field, transformation, target_field")}
	}
	if err != nil {
		return nil, nil, mappingCSVError(err)
	}
	idx := map[string]int{}
	for i, h := range header {
		idx[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, need := range []string{"source_field", "transformation", "target_field"} {
		if _, ok := idx[need]; !ok {
			return nil, nil, &MappingError{Line: 1, Err: fmt.Errorf("header lacks %s (have %s)", need, strings.Join(header, ", "))}
		}
	}
	var out []Pair
	var origins []string
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, mappingCSVError(err)
		}
		line, _ := cr.FieldPos(0)
		get := func(name string) string {
			if i := idx[name]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		src, expr, tgt := get("source_field"), get("transformation"), get("target_field")
		if src == "" && expr == "" && tgt == "" {
			continue
		}
		if tgt == "" {
			return nil, nil, &MappingError{Line: line, Err: errors.New("target_field is empty")}
		}
		p := Pair{Source: expr, Target: tgt, Expr: true, Field: src}
		if expr == "" {
			if src == "" {
				return nil, nil, &MappingError{Line: line, Err: fmt.Errorf("target %s: neither source_field nor transformation", tgt)}
			}
			p = Pair{Source: src, Target: tgt}
		}
		if prev, dup := seen[strings.ToLower(tgt)]; dup {
			return nil, nil, &MappingError{Line: line, Err: fmt.Errorf("target %s is mapped twice (also on line %d)", tgt, prev)}
		}
		seen[strings.ToLower(tgt)] = line
		out = append(out, p)
		cellLine, cellColumn := line, 1
		if i := idx["transformation"]; i < len(rec) {
			cellLine, cellColumn = cr.FieldPos(i)
		}
		origins = append(origins, fmt.Sprintf("%s:%d:%d", name, cellLine, cellColumn))
	}
	if len(out) == 0 {
		return nil, nil, &MappingError{Line: 1, Err: errors.New("mapping has no rows")}
	}
	return out, origins, nil
}

func mappingCSVError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &MappingError{Line: pe.Line, Err: pe.Err}
	}
	return err
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
