// Package yamlconf reads YAML configuration files node by node, so that
// every error can name the line and column it is about.
package yamlconf

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Error points at the place in a YAML file that is wrong.
type Error struct {
	Line, Column int
	Err          error
}

func (e *Error) Error() string {
	return fmt.Sprintf("line %d, column %d: %v", e.Line, e.Column, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// At returns an *Error at n's position.
func At(n *yaml.Node, format string, args ...any) error {
	return &Error{Line: n.Line, Column: n.Column, Err: fmt.Errorf(format, args...)}
}

// Root parses data and returns its top-level node, which must be a
// mapping; what says what the mapping should hold, for the error.
func Root(data []byte, what string) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fromYAML(err)
	}
	if len(doc.Content) == 0 {
		return nil, &Error{Line: 1, Column: 1, Err: fmt.Errorf("empty config: want %s", what)}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, At(root, "want a mapping with %s", what)
	}
	return root, nil
}

// fromYAML turns a yaml.v3 syntax error, whose position is only in its
// message, into an *Error.
func fromYAML(err error) error {
	var te *yaml.TypeError
	msg := err.Error()
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := 1
	if i := strings.Index(msg, "line "); i >= 0 {
		fmt.Sscanf(msg[i+5:], "%d", &line)
		if _, rest, ok := strings.Cut(msg[i:], ": "); ok {
			msg = msg[:i] + rest
		}
	}
	return &Error{Line: max(line, 1), Column: 1, Err: errors.New(msg)}
}

// Pairs calls fn for each key and value of a mapping node in order, and
// refuses keys given twice.
func Pairs(n *yaml.Node, fn func(k, v *yaml.Node) error) error {
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			return At(k, "%s is given twice", k.Value)
		}
		seen[k.Value] = true
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

// Scalar returns a single non-null value.
func Scalar(n *yaml.Node, what string) (string, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", At(n, "%s: want a single value", what)
	}
	return n.Value, nil
}

// Number returns a number.
func Number(n *yaml.Node, what string) (float64, error) {
	if n.Kind != yaml.ScalarNode {
		return 0, At(n, "%s: want a number", what)
	}
	f, err := strconv.ParseFloat(n.Value, 64)
	if err != nil {
		return 0, At(n, "%s %q: want a number", what, n.Value)
	}
	return f, nil
}

// Bool returns a boolean.
func Bool(n *yaml.Node, what string) (bool, error) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		return false, At(n, "%s: want true or false", what)
	}
	return n.Value == "true" || n.Value == "True" || n.Value == "TRUE", nil
}

// StringList returns a list of single values; a lone value is a list of
// one.
func StringList(n *yaml.Node, what string) ([]string, error) {
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		return []string{n.Value}, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, At(n, "%s: want a list", what)
	}
	var out []string
	for _, c := range n.Content {
		s, err := Scalar(c, what)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}
