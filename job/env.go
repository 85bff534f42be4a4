package job

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/plumb-data/plumb/internal/yamlconf"
)

// substitute replaces ${VAR} in every value of a job file with the
// variable's value, so that secrets stay out of job files; $${ is a
// literal ${. An unset variable is an error that names it, never its
// neighbours' values.
func substitute(n *yaml.Node, lookup func(string) (string, bool)) error {
	if n.Kind == yaml.ScalarNode {
		v, err := expandText(n.Value, lookup)
		if err != nil {
			return &yamlconf.Error{Line: n.Line, Column: n.Column, Err: err}
		}
		n.Value = v
		return nil
	}
	for _, c := range n.Content {
		if err := substitute(c, lookup); err != nil {
			return err
		}
	}
	return nil
}

// UnsetError is the error for a ${VAR} whose variable is not set.
type UnsetError struct{ Name string }

func (e *UnsetError) Error() string {
	return fmt.Sprintf("environment variable %s is not set (the job refers to it as ${%s})", e.Name, e.Name)
}

// expandText replaces ${VAR} in s; $${ stands for ${.
func expandText(s string, lookup func(string) (string, bool)) (string, error) {
	if !strings.Contains(s, "${") {
		return s, nil
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		if i > 0 && s[i-1] == '$' {
			b.WriteString(s[:i-1] + "${")
			s = s[i+2:]
			continue
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return "", fmt.Errorf("${ without a closing }")
		}
		name := s[i+2 : i+end]
		if !validVar(name) {
			return "", fmt.Errorf("${%s}: want a variable name of letters, digits and _", name)
		}
		val, ok := lookup(name)
		if !ok {
			return "", &UnsetError{Name: name}
		}
		b.WriteString(s[:i] + val)
		s = s[i+end+1:]
	}
}

func validVar(name string) bool {
	if name == "" || name[0] >= '0' && name[0] <= '9' {
		return false
	}
	for _, r := range name {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
