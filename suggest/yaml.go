package suggest

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/plumb-data/plumb/internal/numfmt"
	"github.com/plumb-data/plumb/rules"
)

// WriteYAML writes the suggestion as a rules file, each check under a
// comment giving its evidence.
func (s *Result) WriteYAML(w io.Writer) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Rules suggested by plumb from the profile of %s (%s rows).\n", s.Source, numfmt.Int(s.Rows))
	b.WriteString("# Each check was tried on that data and passes on it; review before relying on them.\n")
	fmt.Fprintf(&b, "dataset: %s\nchecks:\n", scalar(s.Rules.Dataset))
	for i, c := range s.Rules.Checks {
		fmt.Fprintf(&b, "  # %s\n", s.Evidence[i])
		b.WriteString("  - " + checkYAML(c) + "\n")
		if c.MaxFailures != (rules.Threshold{}) {
			fmt.Fprintf(&b, "    max_failures: %s\n", c.MaxFailures)
		}
		if c.IgnoreCase {
			b.WriteString("    ignore_case: true\n")
		}
	}
	if len(s.Left) > 0 {
		b.WriteString("# Considered and left out:\n")
		for _, l := range s.Left {
			fmt.Fprintf(&b, "#   %s\n", strings.ReplaceAll(l, "\n", " "))
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// checkYAML writes a check's kind and arguments on one line.
func checkYAML(c rules.Check) string {
	kind := string(c.Kind)
	col := ""
	if len(c.Columns) > 0 {
		col = "column: " + scalar(c.Columns[0])
	}
	bound := func(b *rules.Bound) string {
		if b.Text != "" {
			return scalar(b.Text)
		}
		return b.String()
	}
	bounds := func() string {
		var parts []string
		if c.Min != nil {
			parts = append(parts, "min: "+bound(c.Min))
		}
		if c.Max != nil {
			parts = append(parts, "max: "+bound(c.Max))
		}
		return strings.Join(parts, ", ")
	}
	switch c.Kind {
	case rules.NotNull, rules.Unique:
		if len(c.Columns) == 1 {
			return kind + ": " + scalar(c.Columns[0])
		}
		return kind + ": " + flowList(c.Columns)
	case rules.AcceptedValues:
		return kind + ": {" + col + ", values: " + flowList(c.Values) + "}"
	case rules.Range, rules.Length:
		return kind + ": {" + col + ", " + bounds() + "}"
	case rules.RowCount:
		return kind + ": {" + bounds() + "}"
	case rules.Pattern:
		return kind + ": {" + col + ", regex: " + scalar(c.Regex) + "}"
	case rules.Type:
		if c.Format != "" {
			return kind + ": {" + col + ", type: " + c.Type + ", format: " + scalar(c.Format) + "}"
		}
		return kind + ": {" + col + ", type: " + c.Type + "}"
	case rules.Semantic:
		return kind + ": {" + col + ", type: " + c.Type + "}"
	case rules.DuplicateRows:
		return kind + ": {}"
	case rules.Schema:
		return kind + ": {columns: " + flowList(c.Columns) + ", allow_extra: " + strconv.FormatBool(c.AllowExtra) + "}"
	}
	return kind + ": {}"
}

// scalar writes a YAML scalar, quoted when YAML would read it otherwise.
func scalar(s string) string {
	out, err := yaml.Marshal(s)
	if err != nil {
		return strconv.Quote(s)
	}
	out = bytes.TrimSuffix(out, []byte("\n"))
	if bytes.ContainsAny(out, "\n,[]{}#") && !bytes.HasPrefix(out, []byte(`"`)) && !bytes.HasPrefix(out, []byte(`'`)) {
		return strconv.Quote(s)
	}
	return string(out)
}

func flowList(items []string) string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = scalar(s)
	}
	return "[" + strings.Join(out, ", ") + "]"
}
