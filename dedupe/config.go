package dedupe

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/plumb-data/plumb/internal/yamlconf"
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
	// ID is the column that identifies a record; in a link config, the
	// left source's (RightID is the right's, the same unless the id was
	// given as {left, right}).
	ID        string     `json:"id,omitempty"`
	RightID   string     `json:"right_id,omitempty"`
	Fields    []Field    `json:"fields"`
	Blocking  [][]string `json:"blocking"`
	Threshold float64    `json:"threshold"`
	// MaxPairs is the most candidate pairs one blocking rule may produce
	// before dedupe refuses to run; 0 means 25,000,000.
	MaxPairs int64 `json:"max_pairs,omitempty"`

	// keysAt are where Parse read each blocking key, for errors
	// that Run finds in a key (DuckDB reads them only then).
	keysAt [][]keyPlace
}

// keyPlace is where a blocking key was read in a config file.
type keyPlace struct {
	key          string
	line, column int
}

// Field is a column compared between records.
type Field struct {
	// Column names the field, and the column on both sides unless Left
	// or Right (link configs only) name another.
	Column    string       `json:"column"`
	Normalize []Normalizer `json:"normalize,omitempty"`
	Compare   Comparator   `json:"compare"`
	// TermFrequency weighs an exact agreement by how rare the value is:
	// its u is the value's share of all records, not the field's.
	TermFrequency bool `json:"term_frequency,omitempty"`
	// SwapWith names another field this one may be swapped with (first
	// and last name): the pair's level is swapped when each record's
	// value equals the other's value of that field.
	SwapWith string `json:"swap_with,omitempty"`
	// Left and Right are the field's columns in a link's left and right
	// source; empty means Column.
	Left  string `json:"left,omitempty"`
	Right string `json:"right,omitempty"`
}

// LeftColumn is the field's column in the left source (in dedupe, the
// only source).
func (f Field) LeftColumn() string { return cmp.Or(f.Left, f.Column) }

// RightColumn is the field's column in a link's right source.
func (f Field) RightColumn() string { return cmp.Or(f.Right, f.Column) }

// ConfigError points at the place in a YAML config that is wrong.
type ConfigError = yamlconf.Error

// Parse reads a YAML dedupe config. Unknown keys, wrong types,
// unknown normalizers and comparators are errors that name the line and
// column.
func Parse(data []byte) (*Config, error) { return parse(data, false) }

// ParseLink reads a YAML link config: a dedupe config whose id and
// fields may name a different column on each side ({left, right}).
func ParseLink(data []byte) (*Config, error) { return parse(data, true) }

func parse(data []byte, link bool) (*Config, error) {
	root, err := yamlconf.Root(data, "fields and blocking")
	if err != nil {
		return nil, err
	}
	cfg := &Config{Threshold: 0.9}
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if seen[k.Value] {
			return nil, yamlconf.At(k, "%s is given twice", k.Value)
		}
		seen[k.Value] = true
		var err error
		switch k.Value {
		case "id":
			if v.Kind == yaml.MappingNode {
				if !link {
					err = yamlconf.At(v, "id: a column on each side ({left, right}) is for plumb link configs (dedupe reads one source)")
					break
				}
				cfg.ID, cfg.RightID, err = sides(v, "id")
				break
			}
			cfg.ID, err = yamlconf.Scalar(v, "id")
			cfg.RightID = cfg.ID
		case "fields":
			cfg.Fields, err = fields(v, link)
		case "blocking":
			cfg.Blocking, cfg.keysAt, err = blocking(v)
		case "threshold":
			cfg.Threshold, err = yamlconf.Number(v, "threshold")
			if err == nil && (cfg.Threshold <= 0 || cfg.Threshold >= 1) {
				err = yamlconf.At(v, "threshold %v: want a probability between 0 and 1", cfg.Threshold)
			}
		case "max_pairs":
			var f float64
			f, err = yamlconf.Number(v, "max_pairs")
			cfg.MaxPairs = int64(f)
			if err == nil && (f < 1 || f != float64(cfg.MaxPairs)) {
				err = yamlconf.At(v, "max_pairs %v: want a positive whole number", v.Value)
			}
		default:
			err = yamlconf.At(k, "unknown key %q (want id, fields, blocking, threshold, max_pairs)", k.Value)
		}
		if err != nil {
			return nil, err
		}
	}
	if len(cfg.Fields) == 0 {
		return nil, yamlconf.At(root, "no fields to compare")
	}
	if len(cfg.Blocking) == 0 {
		return nil, yamlconf.At(root, "no blocking rules: without them every pair of records would be compared")
	}
	return cfg, nil
}

// sides reads {left: a, right: b}, both required.
func sides(n *yaml.Node, what string) (left, right string, err error) {
	err = yamlconf.Pairs(n, func(k, v *yaml.Node) error {
		var err error
		switch k.Value {
		case "left":
			left, err = yamlconf.Scalar(v, what+".left")
		case "right":
			right, err = yamlconf.Scalar(v, what+".right")
		default:
			err = yamlconf.At(k, "unknown key %q in %s (want left, right)", k.Value, what)
		}
		return err
	})
	if err == nil && (left == "" || right == "") {
		err = yamlconf.At(n, "%s: want both left and right", what)
	}
	return left, right, err
}

func fields(n *yaml.Node, link bool) ([]Field, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, yamlconf.At(n, "fields: want a list of {column, normalize, compare}")
	}
	var out []Field
	cols := map[string]bool{}
	for _, item := range n.Content {
		if item.Kind != yaml.MappingNode {
			return nil, yamlconf.At(item, "field: want a mapping with column, normalize and compare")
		}
		f := Field{Compare: CompareExact}
		for i := 0; i+1 < len(item.Content); i += 2 {
			k, v := item.Content[i], item.Content[i+1]
			var err error
			switch k.Value {
			case "column":
				f.Column, err = yamlconf.Scalar(v, "column")
			case "left", "right":
				if !link {
					err = yamlconf.At(k, "%s: a column on one side is for plumb link configs (dedupe reads one source)", k.Value)
					break
				}
				var col string
				col, err = yamlconf.Scalar(v, k.Value)
				if k.Value == "left" {
					f.Left = col
				} else {
					f.Right = col
				}
			case "swap_with":
				f.SwapWith, err = yamlconf.Scalar(v, "swap_with")
			case "term_frequency":
				f.TermFrequency, err = yamlconf.Bool(v, "term_frequency")
			case "normalize":
				var names []string
				names, err = yamlconf.StringList(v, "normalize")
				for j, name := range names {
					if !slices.Contains(Normalizers, Normalizer(name)) {
						at := v
						if v.Kind == yaml.SequenceNode {
							at = v.Content[j]
						}
						err = yamlconf.At(at, "unknown normalizer %q (want %s)", name, join(Normalizers))
						break
					}
					f.Normalize = append(f.Normalize, Normalizer(name))
				}
			case "compare":
				var name string
				name, err = yamlconf.Scalar(v, "compare")
				f.Compare = Comparator(name)
				if err == nil && !slices.Contains(Comparators, f.Compare) {
					err = yamlconf.At(v, "unknown comparison %q (want %s)", f.Compare, join(Comparators))
				}
			default:
				err = yamlconf.At(k, "unknown key %q in a field (want %s)", k.Value, fieldKeys(link))
			}
			if err != nil {
				return nil, err
			}
		}
		if f.Column == "" && link && f.Left != "" && f.Right != "" {
			f.Column = f.Left
		}
		if f.Column == "" {
			if link {
				return nil, yamlconf.At(item, "field without a column (want column, or left and right)")
			}
			return nil, yamlconf.At(item, "field without a column")
		}
		if cols[strings.ToLower(f.Column)] {
			return nil, yamlconf.At(item, "column %s is compared twice", f.Column)
		}
		cols[strings.ToLower(f.Column)] = true
		out = append(out, f)
	}
	if len(out) > maxFields {
		return nil, yamlconf.At(n, "%d fields: at most %d can be compared", len(out), maxFields)
	}
	for i, f := range out {
		if f.SwapWith == "" {
			continue
		}
		if strings.EqualFold(f.SwapWith, f.Column) || !cols[strings.ToLower(f.SwapWith)] {
			return nil, yamlconf.At(n.Content[i], "swap_with %q: want another field's column", f.SwapWith)
		}
	}
	return out, nil
}

// fieldKeys lists the keys a field may have, for errors.
func fieldKeys(link bool) string {
	if link {
		return "column, left, right, normalize, compare, term_frequency, swap_with"
	}
	return "column, normalize, compare, term_frequency, swap_with"
}

// blocking reads the blocking rules and where each key was written. A key
// is SQL, read by DuckDB only when Run checks it (see keyError).
func blocking(n *yaml.Node) ([][]string, [][]keyPlace, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, nil, yamlconf.At(n, "blocking: want a list of rules, each a list of keys")
	}
	var out [][]string
	var places [][]keyPlace
	for _, r := range n.Content {
		items, err := yamlconf.StringList(r, "blocking rule")
		if err != nil {
			return nil, nil, err
		}
		keys, first, err := joinCalls(items)
		if err != nil {
			return nil, nil, yamlconf.At(r, "blocking rule: %v", err)
		}
		if len(keys) == 0 {
			return nil, nil, yamlconf.At(r, "empty blocking rule")
		}
		var at []keyPlace
		for j, k := range keys {
			node := r
			if r.Kind == yaml.SequenceNode {
				node = r.Content[first[j]]
			}
			if strings.TrimSpace(k) == "" {
				return nil, nil, yamlconf.At(node, "empty blocking key: want a column or an expression over columns")
			}
			at = append(at, keyPlace{key: k, line: node.Line, column: node.Column})
		}
		out = append(out, keys)
		places = append(places, at)
	}
	return out, places, nil
}

// joinCalls undoes YAML's split of a flow sequence at the commas inside
// function calls: [substr(first_name, 1, 3), zip] is two keys, not four.
// first holds the index of each key's first item.
func joinCalls(items []string) (keys []string, first []int, err error) {
	var cur []string
	depth := 0
	for i, it := range items {
		if len(cur) == 0 {
			first = append(first, i)
		}
		cur = append(cur, it)
		depth += strings.Count(it, "(") - strings.Count(it, ")")
		if depth < 0 {
			return nil, nil, fmt.Errorf("unbalanced parentheses in %q", strings.Join(cur, ", "))
		}
		if depth == 0 {
			keys = append(keys, strings.Join(cur, ", "))
			cur = nil
		}
	}
	if depth != 0 {
		return nil, nil, fmt.Errorf("unbalanced parentheses in %q", strings.Join(cur, ", "))
	}
	return keys, first, nil
}

// keyError says that key j of blocking rule i is wrong, at its place in
// the config file when Parse read it there.
func (c *Config) keyError(i, j int, err error) error {
	err = fmt.Errorf("blocking rule %d: %w", i+1, err)
	if i < len(c.keysAt) && j < len(c.keysAt[i]) && i < len(c.Blocking) && j < len(c.Blocking[i]) {
		if at := c.keysAt[i][j]; at.key == c.Blocking[i][j] {
			return &ConfigError{Line: at.line, Column: at.column, Err: err}
		}
	}
	return err
}

// join lists names for an error message: a, b, c.
func join[S ~string](names []S) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = string(n)
	}
	return strings.Join(out, ", ")
}
