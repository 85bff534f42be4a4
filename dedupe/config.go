package dedupe

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Config is a dedupe configuration, as read from YAML:
//
//	id: record_id                 # optional; default: the record's row number
//	fields:
//	  - column: email
//	    normalize: [trim, lower]
//	    compare: exact
//	  - column: last_name
//	    normalize: [trim, lower, unaccent]
//	    compare: jaro_winkler
//	blocking:                     # candidate pairs agree on all keys of a rule
//	  - [email]
//	  - [soundex(last_name), birth_date]
//	threshold: 0.9                # match probability needed to link a pair
type Config struct {
	ID        string     `json:"id,omitempty"`
	Fields    []Field    `json:"fields"`
	Blocking  [][]string `json:"blocking"`
	Threshold float64    `json:"threshold"`
	// MaxPairs is the most candidate pairs one blocking rule may produce
	// before dedupe refuses to run; 0 means 25,000,000.
	MaxPairs int64 `json:"max_pairs,omitempty"`
}

// Field is a column compared between records.
type Field struct {
	Column    string   `json:"column"`
	Normalize []string `json:"normalize,omitempty"`
	Compare   string   `json:"compare"`
}

// Comparators a field may use.
var Comparators = []string{"exact", "jaro_winkler", "jaro", "levenshtein", "soundex", "numeric", "date"}

// ConfigError points at the place in a YAML config that is wrong.
type ConfigError struct {
	Line, Column int
	Err          error
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("line %d, column %d: %v", e.Line, e.Column, e.Err)
}
func (e *ConfigError) Unwrap() error { return e.Err }

func errAt(n *yaml.Node, format string, args ...any) error {
	return &ConfigError{Line: n.Line, Column: n.Column, Err: fmt.Errorf(format, args...)}
}

// ParseConfig reads a YAML dedupe config. Unknown keys, wrong types,
// unknown normalizers and comparators are errors that name the line and
// column.
func ParseConfig(data []byte) (*Config, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(err)
	}
	if len(doc.Content) == 0 {
		return nil, &ConfigError{Line: 1, Column: 1, Err: errors.New("empty config: want fields and blocking")}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, errAt(root, "want a mapping with fields and blocking")
	}
	cfg := &Config{Threshold: 0.9}
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if seen[k.Value] {
			return nil, errAt(k, "%s is given twice", k.Value)
		}
		seen[k.Value] = true
		var err error
		switch k.Value {
		case "id":
			cfg.ID, err = scalar(v, "id")
		case "fields":
			cfg.Fields, err = fields(v)
		case "blocking":
			cfg.Blocking, err = blocking(v)
		case "threshold":
			cfg.Threshold, err = number(v, "threshold")
			if err == nil && (cfg.Threshold <= 0 || cfg.Threshold >= 1) {
				err = errAt(v, "threshold %v: want a probability between 0 and 1", cfg.Threshold)
			}
		case "max_pairs":
			var f float64
			f, err = number(v, "max_pairs")
			cfg.MaxPairs = int64(f)
			if err == nil && (f < 1 || f != float64(cfg.MaxPairs)) {
				err = errAt(v, "max_pairs %v: want a positive whole number", v.Value)
			}
		default:
			err = errAt(k, "unknown key %q (want id, fields, blocking, threshold, max_pairs)", k.Value)
		}
		if err != nil {
			return nil, err
		}
	}
	if len(cfg.Fields) == 0 {
		return nil, errAt(root, "no fields to compare")
	}
	if len(cfg.Blocking) == 0 {
		return nil, errAt(root, "no blocking rules: without them every pair of records would be compared")
	}
	return cfg, nil
}

func yamlError(err error) error {
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
	return &ConfigError{Line: max(line, 1), Column: 1, Err: errors.New(msg)}
}

func scalar(n *yaml.Node, what string) (string, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", errAt(n, "%s: want a single value", what)
	}
	return n.Value, nil
}

func number(n *yaml.Node, what string) (float64, error) {
	if n.Kind != yaml.ScalarNode {
		return 0, errAt(n, "%s: want a number", what)
	}
	f, err := strconv.ParseFloat(n.Value, 64)
	if err != nil {
		return 0, errAt(n, "%s %q: want a number", what, n.Value)
	}
	return f, nil
}

func stringList(n *yaml.Node, what string) ([]string, error) {
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		return []string{n.Value}, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, errAt(n, "%s: want a list", what)
	}
	var out []string
	for _, c := range n.Content {
		s, err := scalar(c, what)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func fields(n *yaml.Node) ([]Field, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, errAt(n, "fields: want a list of {column, normalize, compare}")
	}
	var out []Field
	cols := map[string]bool{}
	for _, item := range n.Content {
		if item.Kind != yaml.MappingNode {
			return nil, errAt(item, "field: want a mapping with column, normalize and compare")
		}
		f := Field{Compare: "exact"}
		for i := 0; i+1 < len(item.Content); i += 2 {
			k, v := item.Content[i], item.Content[i+1]
			var err error
			switch k.Value {
			case "column":
				f.Column, err = scalar(v, "column")
			case "normalize":
				f.Normalize, err = stringList(v, "normalize")
				for j, name := range f.Normalize {
					if !slices.Contains(Normalizers, name) {
						at := v
						if v.Kind == yaml.SequenceNode {
							at = v.Content[j]
						}
						err = errAt(at, "unknown normalizer %q (want %s)", name, strings.Join(Normalizers, ", "))
						break
					}
				}
			case "compare":
				f.Compare, err = scalar(v, "compare")
				if err == nil && !slices.Contains(Comparators, f.Compare) {
					err = errAt(v, "unknown comparison %q (want %s)", f.Compare, strings.Join(Comparators, ", "))
				}
			default:
				err = errAt(k, "unknown key %q in a field (want column, normalize, compare)", k.Value)
			}
			if err != nil {
				return nil, err
			}
		}
		if f.Column == "" {
			return nil, errAt(item, "field without a column")
		}
		if cols[strings.ToLower(f.Column)] {
			return nil, errAt(item, "column %s is compared twice", f.Column)
		}
		cols[strings.ToLower(f.Column)] = true
		out = append(out, f)
	}
	if len(out) > 30 {
		return nil, errAt(n, "%d fields: at most 30 can be compared", len(out))
	}
	return out, nil
}

func blocking(n *yaml.Node) ([][]string, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, errAt(n, "blocking: want a list of rules, each a list of keys")
	}
	var out [][]string
	for _, r := range n.Content {
		items, err := stringList(r, "blocking rule")
		if err != nil {
			return nil, err
		}
		keys, err := joinCalls(items)
		if err != nil {
			return nil, errAt(r, "blocking rule: %v", err)
		}
		if len(keys) == 0 {
			return nil, errAt(r, "empty blocking rule")
		}
		for _, k := range keys {
			if strings.TrimSpace(k) == "" || strings.Contains(k, ";") {
				return nil, errAt(r, "blocking key %q: want a column or an expression over columns", k)
			}
		}
		out = append(out, keys)
	}
	return out, nil
}

// joinCalls undoes YAML's split of a flow sequence at the commas inside
// function calls: [substr(first_name, 1, 3), zip] is two keys, not four.
func joinCalls(items []string) ([]string, error) {
	var out []string
	var cur []string
	depth := 0
	for _, it := range items {
		cur = append(cur, it)
		depth += strings.Count(it, "(") - strings.Count(it, ")")
		if depth < 0 {
			return nil, fmt.Errorf("unbalanced parentheses in %q", strings.Join(cur, ", "))
		}
		if depth == 0 {
			out = append(out, strings.Join(cur, ", "))
			cur = nil
		}
	}
	if depth != 0 {
		return nil, fmt.Errorf("unbalanced parentheses in %q", strings.Join(cur, ", "))
	}
	return out, nil
}
