package rules

import (
	"strings"
	"testing"

	"github.com/plumb-data/plumb/source"
)

// TestNamesAvoidTheSourcesColumns: whatever the source calls its columns,
// none is named like a column Run adds.
func TestNamesAvoidTheSourcesColumns(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name                 string
		cols                 []string
		prefix, line, checks string
	}{
		{"plain", []string{"id", "name"}, "plumb_", "_line", "_failed_checks"},
		{"a plumb_ column", []string{"id", "plumb_raw_0"}, "plumb2_", "_line", "_failed_checks"},
		{"in any case", []string{"PLUMB_X", "Plumb2_y"}, "plumb3_", "_line", "_failed_checks"},
		{"the quarantine's names", []string{"_LINE", "__line", "_failed_checks"}, "plumb_", "___line", "__failed_checks"},
		{"a prefix alone is no column of plumb's", []string{"plumb", "plumb2"}, "plumb_", "_line", "_failed_checks"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var cols []source.Column
			for _, n := range c.cols {
				cols = append(cols, source.Column{Name: n})
			}
			n := newNames(cols)
			if n.prefix != c.prefix || n.line != c.line || n.checks != c.checks {
				t.Errorf("got prefix %q, line %q, checks %q; want %q, %q, %q", n.prefix, n.line, n.checks, c.prefix, c.line, c.checks)
			}
			for _, own := range []string{n.file, n.row, n.pos, n.bits, n.any, n.raw(0), n.flag(1), n.value(2), n.line, n.source, n.checks} {
				for _, col := range c.cols {
					if hasPrefixFold(col, n.prefix) || strings.EqualFold(own, col) {
						t.Errorf("%s: the source has a column %s", own, col)
					}
				}
			}
		})
	}
}
