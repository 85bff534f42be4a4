package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/plumb-data/plumb/source"
)

// names are the names of the columns Run adds beside the source's own,
// chosen so that they never hide one of the source's, whatever it calls
// its columns: every working column (positions, raw values, flags) starts
// with a prefix no column of the source starts with, plumb_ unless one
// does; the quarantine's extra columns get more leading underscores while
// the source has a column of that name (_line, then __line).
type names struct {
	prefix string
	// file and row hold a row's position (engine.Table.Positioned), pos
	// both in one number that orders rows as read, bits the set checks a
	// row fails, and any whether a row fails some row check.
	file, row, pos, bits, any string
	// line, source, checks, reason and text are the quarantine's extra
	// columns.
	line, source, checks, reason, text string
}

func newNames(cols []source.Column) names {
	prefix := "plumb_"
	for i := 2; slices.ContainsFunc(cols, func(c source.Column) bool { return hasPrefixFold(c.Name, prefix) }); i++ {
		prefix = fmt.Sprintf("plumb%d_", i)
	}
	extra := func(base string) string {
		for slices.ContainsFunc(cols, func(c source.Column) bool { return strings.EqualFold(c.Name, base) }) {
			base = "_" + base
		}
		return base
	}
	return names{prefix: prefix,
		file: prefix + "file", row: prefix + "row", pos: prefix + "pos", bits: prefix + "bits", any: prefix + "any",
		line: extra(QuarantineLine), source: extra(QuarantineFile), checks: extra(QuarantineChecks),
		reason: extra(QuarantineReason), text: extra(QuarantineText)}
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// raw names the column holding the source's column i as read.
func (n names) raw(i int) string { return fmt.Sprintf("%sraw_%d", n.prefix, i) }

// flag names the column saying whether a row fails row check k.
func (n names) flag(k int) string { return fmt.Sprintf("%sf%d", n.prefix, k) }

// value names the column holding the value row check k shows for a row.
func (n names) value(k int) string { return fmt.Sprintf("%sv%d", n.prefix, k) }

// order orders rows by where they were read.
func (n names) order() string { return "((" + n.file + "::BIGINT << 40) + " + n.row + ")" }
