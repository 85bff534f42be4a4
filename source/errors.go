package source

import (
	"errors"
	"fmt"
)

// ErrEmpty is returned (wrapped in a LoadError) for a source with no
// bytes at all: no header, no rows, nothing to name columns after.
var ErrEmpty = errors.New("source is empty: no header and no rows")

// ErrNoFiles is returned (wrapped in a LoadError) when a glob matches
// nothing.
var ErrNoFiles = errors.New("no files match")

// LoadError reports a source that could not be loaded, with the place in
// it where that is known. Rows that merely fail to parse are not errors:
// they are kept as rejects.
type LoadError struct {
	Path   string // the file, or the source spec
	Line   int64  // 1-based line in the file; 0 when unknown
	Column string // column name; "" when unknown
	Err    error
}

func (e *LoadError) Error() string {
	s := e.Path
	if e.Line > 0 {
		s += fmt.Sprintf(":%d", e.Line)
	}
	if e.Column != "" {
		s += fmt.Sprintf(": column %q", e.Column)
	}
	return s + ": " + e.Err.Error()
}

func (e *LoadError) Unwrap() error { return e.Err }
