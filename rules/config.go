package rules

import (
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/plumb-data/plumb/internal/yamlconf"
	"github.com/plumb-data/plumb/profile"
)

// ConfigError points at the place in a rules file that is wrong.
type ConfigError = yamlconf.Error

// Parse reads a rules file. Unknown keys, wrong types, bad thresholds and
// bad regexes are errors that name the line and column.
func Parse(data []byte) (*Rules, error) {
	root, err := yamlconf.Root(data, "checks")
	if err != nil {
		return nil, err
	}
	r := &Rules{}
	var checksNode *yaml.Node
	err = yamlconf.Pairs(root, func(k, v *yaml.Node) error {
		var err error
		switch k.Value {
		case "dataset":
			r.Dataset, err = yamlconf.Scalar(v, "dataset")
		case "checks":
			checksNode = v
			r.Checks, err = parseChecks(v)
		default:
			err = yamlconf.At(k, "unknown key %q (want dataset, checks)", k.Value)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if checksNode == nil || len(r.Checks) == 0 {
		return nil, yamlconf.At(root, "no checks")
	}
	names := map[string]*Check{}
	for i := range r.Checks {
		c := &r.Checks[i]
		if prev := names[c.Name]; prev != nil {
			return nil, &ConfigError{Line: c.Line, Column: c.Column,
				Err: fmt.Errorf("check name %q is taken by the check on line %d: give one a name", c.Name, prev.Line)}
		}
		names[c.Name] = c
	}
	return r, nil
}

func parseChecks(n *yaml.Node) ([]Check, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, yamlconf.At(n, "checks: want a list")
	}
	var out []Check
	for _, item := range n.Content {
		cs, err := parseCheck(item)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
}

// commonKeys are the keys every check takes, beside or inside its arguments.
var commonKeys = []string{"name", "severity", "max_failures", "where", "allow_null", "ignore_case"}

// checkArgs holds the keys of a check's argument mapping and its siblings.
type checkArgs struct {
	kind Kind
	node *yaml.Node            // the check's item
	vals map[string]*yaml.Node // key → value
	keys map[string]*yaml.Node // key → key node
}

func parseCheck(item *yaml.Node) ([]Check, error) {
	if item.Kind != yaml.MappingNode || len(item.Content) == 0 {
		return nil, yamlconf.At(item, "check: want a mapping like {not_null: [column]}")
	}
	c := Check{Severity: SeverityError, AllowNull: true, Line: item.Line, Column: item.Column}
	a := checkArgs{node: item, vals: map[string]*yaml.Node{}, keys: map[string]*yaml.Node{}}
	var body *yaml.Node
	err := yamlconf.Pairs(item, func(k, v *yaml.Node) error {
		if slices.Contains(Kinds, Kind(k.Value)) {
			if a.kind != "" {
				return yamlconf.At(k, "one check per list item: %s and %s", a.kind, k.Value)
			}
			a.kind, body = Kind(k.Value), v
			return nil
		}
		if !slices.Contains(commonKeys, k.Value) {
			return yamlconf.At(k, "unknown key %q (want a check: %s; or %s)", k.Value,
				kindList(), strings.Join(commonKeys, ", "))
		}
		a.vals[k.Value], a.keys[k.Value] = v, k
		return nil
	})
	if err != nil {
		return nil, err
	}
	if a.kind == "" {
		return nil, yamlconf.At(item, "no check in this item (want one of %s)", kindList())
	}
	c.Kind = a.kind
	// Arguments: a mapping merges with the siblings; a list or a value
	// stands for the check's main argument.
	switch {
	case body.Kind == yaml.MappingNode:
		err = yamlconf.Pairs(body, func(k, v *yaml.Node) error {
			if prev := a.keys[k.Value]; prev != nil {
				return yamlconf.At(k, "%s is given twice (also on line %d)", k.Value, prev.Line)
			}
			a.vals[k.Value], a.keys[k.Value] = v, k
			return nil
		})
	case body.Tag == "!!null":
	default:
		main := map[Kind]string{NotNull: "columns", Unique: "columns", Expression: "sql", Schema: "columns"}[a.kind]
		if main == "" {
			return nil, yamlconf.At(body, "%s: want a mapping like {%s}", a.kind, strings.Join(kindKeys[a.kind], ", "))
		}
		a.vals[main], a.keys[main] = body, body
	}
	if err != nil {
		return nil, err
	}
	allowed := append(slices.Clone(commonKeys), kindKeys[a.kind]...)
	for k, kn := range a.keys {
		if !slices.Contains(allowed, k) {
			return nil, yamlconf.At(kn, "%s takes no %q (want %s)", a.kind, k, strings.Join(allowed, ", "))
		}
	}
	if err := c.commonArgs(a); err != nil {
		return nil, err
	}
	if err := c.kindArgs(a); err != nil {
		return nil, err
	}
	if a.vals["name"] == nil {
		c.Name = c.DefaultName()
	}
	// not_null over several columns is one check per column, so that each
	// column's failures are counted apart.
	if c.Kind == NotNull && len(c.Columns) > 1 {
		out := make([]Check, len(c.Columns))
		for i, col := range c.Columns {
			out[i] = c
			out[i].Columns = []string{col}
			if a.vals["name"] == nil {
				out[i].Name = out[i].DefaultName()
			} else {
				out[i].Name = c.Name + " (" + col + ")"
			}
		}
		return out, nil
	}
	return []Check{c}, nil
}

// kindList lists the kinds for an error message.
func kindList() string {
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// kindKeys are the argument keys of each kind.
var kindKeys = map[Kind][]string{
	NotNull:        {"columns", "column"},
	Unique:         {"columns", "column"},
	AcceptedValues: {"column", "values"},
	Range:          {"column", "min", "max"},
	Pattern:        {"column", "regex"},
	Length:         {"column", "min", "max"},
	Type:           {"column", "type", "format"},
	Semantic:       {"column", "type"},
	RowCount:       {"min", "max"},
	Freshness:      {"column", "max_age"},
	References:     {"column", "to", "key"},
	Expression:     {"sql"},
	DuplicateRows:  {},
	Schema:         {"columns", "allow_extra"},
	// The aggregates (AggregateKinds).
	Avg:              aggregateKeys,
	Sum:              aggregateKeys,
	Min:              aggregateKeys,
	Max:              aggregateKeys,
	Stddev:           aggregateKeys,
	DistinctCount:    aggregateKeys,
	MissingPercent:   aggregateKeys,
	DuplicatePercent: aggregateKeys,
}

var aggregateKeys = []string{"column", "min", "max", "group_by"}

// commonArgs reads the keys every check takes.
func (c *Check) commonArgs(a checkArgs) error {
	var err error
	for _, k := range commonKeys {
		v := a.vals[k]
		if v == nil {
			continue
		}
		switch k {
		case "name":
			c.Name, err = yamlconf.Scalar(v, "name")
		case "severity":
			var s string
			if s, err = yamlconf.Scalar(v, "severity"); err == nil {
				c.Severity = Severity(s)
				if c.Severity != SeverityError && c.Severity != SeverityWarn {
					err = yamlconf.At(v, "severity %q: want error or warn", s)
				}
			}
		case "max_failures":
			var s string
			if s, err = yamlconf.Scalar(v, "max_failures"); err == nil {
				if c.MaxFailures, err = ParseThreshold(s); err != nil {
					err = yamlconf.At(v, "max_failures %v", err)
				}
			}
		case "where":
			c.Where, c.whereAt, err = sqlText(v, "where")
		case "allow_null":
			c.AllowNull, err = yamlconf.Bool(v, "allow_null")
		case "ignore_case":
			if c.IgnoreCase, err = yamlconf.Bool(v, "ignore_case"); err == nil && a.kind != AcceptedValues && a.kind != Pattern && c.IgnoreCase {
				err = yamlconf.At(a.keys[k], "ignore_case applies to accepted_values and pattern checks")
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// kindArgs reads the keys of the check's kind.
func (c *Check) kindArgs(a checkArgs) error {
	v := a.vals
	need := func(key string) (*yaml.Node, error) {
		if v[key] == nil {
			return nil, yamlconf.At(a.node, "%s needs %s", a.kind, key)
		}
		return v[key], nil
	}
	column := func() error {
		n, err := need("column")
		if err != nil {
			return err
		}
		col, err := yamlconf.Scalar(n, "column")
		c.Columns = []string{col}
		return err
	}
	switch a.kind {
	case NotNull, Unique:
		n := v["columns"]
		if n == nil {
			n = v["column"]
		}
		if n == nil {
			return yamlconf.At(a.node, "%s needs columns", a.kind)
		}
		cols, err := yamlconf.StringList(n, "columns")
		if err != nil {
			return err
		}
		if len(cols) == 0 {
			return yamlconf.At(n, "%s: no columns", a.kind)
		}
		c.Columns = cols
	case AcceptedValues:
		if err := column(); err != nil {
			return err
		}
		n, err := need("values")
		if err != nil {
			return err
		}
		if n.Kind != yaml.SequenceNode {
			return yamlconf.At(n, "values: want a list")
		}
		for _, e := range n.Content {
			if e.Kind != yaml.ScalarNode {
				return yamlconf.At(e, "values: want single values")
			}
			c.Values = append(c.Values, e.Value)
		}
		if len(c.Values) == 0 {
			return yamlconf.At(n, "values: empty list")
		}
	case Range, Length, RowCount, Avg, Sum, Min, Max, Stddev, DistinctCount, MissingPercent, DuplicatePercent:
		if a.kind != RowCount {
			if err := column(); err != nil {
				return err
			}
		}
		if n := v["group_by"]; n != nil {
			cols, err := yamlconf.StringList(n, "group_by")
			if err != nil {
				return err
			}
			if len(cols) == 0 {
				return yamlconf.At(n, "group_by: no columns")
			}
			c.GroupBy = cols
		}
		for _, k := range []string{"min", "max"} {
			n := v[k]
			if n == nil {
				continue
			}
			b, err := parseBound(n, a.kind)
			if err != nil {
				return err
			}
			if k == "min" {
				c.Min = b
			} else {
				c.Max = b
			}
		}
		if c.Min == nil && c.Max == nil {
			return yamlconf.At(a.node, "%s needs min, max or both", a.kind)
		}
		if c.Min != nil && c.Max != nil && (c.Min.Text == "") != (c.Max.Text == "") {
			return yamlconf.At(v["max"], "%s: min and max must both be numbers or both dates", a.kind)
		}
		if c.Min != nil && c.Max != nil && c.Min.Text == "" && c.Min.rat().Cmp(c.Max.rat()) > 0 {
			return yamlconf.At(v["max"], "%s: max %v is below min %v", a.kind, c.Max, c.Min)
		}
	case Pattern:
		if err := column(); err != nil {
			return err
		}
		n, err := need("regex")
		if err != nil {
			return err
		}
		if c.Regex, err = yamlconf.Scalar(n, "regex"); err != nil {
			return err
		}
		if _, err := regexp.Compile(c.Regex); err != nil {
			return yamlconf.At(n, "regex %q: %v", c.Regex, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		}
	case Type, Semantic:
		if err := column(); err != nil {
			return err
		}
		n, err := need("type")
		if err != nil {
			return err
		}
		if c.Type, err = yamlconf.Scalar(n, "type"); err != nil {
			return err
		}
		want := Types
		if a.kind == Semantic {
			want = profile.SemanticTypes
		}
		if !slices.Contains(want, c.Type) {
			return yamlconf.At(n, "%s %q: want one of %s", a.kind, c.Type, strings.Join(want, ", "))
		}
		if n := v["format"]; n != nil {
			if c.Format, err = yamlconf.Scalar(n, "format"); err != nil {
				return err
			}
			if c.Type != "date" && c.Type != "timestamp" {
				return yamlconf.At(n, "format applies to date and timestamp types")
			}
			if !strings.Contains(c.Format, "%") {
				return yamlconf.At(n, "format %q: want a strptime format like %%Y-%%m-%%d", c.Format)
			}
		}
	case Freshness:
		if err := column(); err != nil {
			return err
		}
		n, err := need("max_age")
		if err != nil {
			return err
		}
		s, err := yamlconf.Scalar(n, "max_age")
		if err != nil {
			return err
		}
		if c.MaxAge, err = ParseDuration(s); err != nil {
			return yamlconf.At(n, "max_age %v", err)
		}
	case References:
		if err := column(); err != nil {
			return err
		}
		for _, k := range []string{"to", "key"} {
			n, err := need(k)
			if err != nil {
				return err
			}
			s, err := yamlconf.Scalar(n, k)
			if err != nil {
				return err
			}
			if k == "to" {
				c.To = s
			} else {
				c.Key = s
			}
		}
	case Expression:
		n, err := need("sql")
		if err != nil {
			return err
		}
		if c.SQL, c.sqlAt, err = sqlText(n, "sql"); err != nil {
			return err
		}
	case Schema:
		n, err := need("columns")
		if err != nil {
			return err
		}
		if c.Columns, err = yamlconf.StringList(n, "columns"); err != nil {
			return err
		}
		if n := v["allow_extra"]; n != nil {
			if c.AllowExtra, err = yamlconf.Bool(n, "allow_extra"); err != nil {
				return err
			}
		}
	}
	return nil
}

// sqlText reads a SQL condition and where it is. Run checks that it is
// one expression (with DuckDB's parser) before any query runs.
func sqlText(n *yaml.Node, what string) (string, place, error) {
	s, err := yamlconf.Scalar(n, what)
	if err != nil {
		return "", place{}, err
	}
	if strings.TrimSpace(s) == "" {
		return "", place{}, yamlconf.At(n, "%s: empty condition", what)
	}
	return s, place{n.Line, n.Column}, nil
}

func parseBound(n *yaml.Node, kind Kind) (*Bound, error) {
	dates := kind == Range || kind == Min || kind == Max
	want := "a number"
	if dates {
		want = "a number or a date like 2024-01-31"
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return nil, yamlconf.At(n, "%s: want %s", kind, want)
	}
	text := n.Value
	percent := kind == MissingPercent || kind == DuplicatePercent
	if percent {
		text = strings.TrimSpace(strings.TrimSuffix(text, "%"))
	}
	if b, ok := parseNumber(text); ok {
		switch {
		case (kind == Length || kind == RowCount || kind == DistinctCount) && !b.isWhole():
			return nil, yamlconf.At(n, "%s: want a whole number, not %s", kind, n.Value)
		case percent && (b.rat().Sign() < 0 || b.rat().Cmp(big.NewRat(100, 1)) > 0):
			return nil, yamlconf.At(n, "%s: want a percentage from 0 to 100, not %s", kind, n.Value)
		}
		return b, nil
	}
	if dates && isDateText(n.Value) {
		return &Bound{Text: n.Value}, nil
	}
	return nil, yamlconf.At(n, "%s %q: want %s", kind, n.Value, want)
}

// isDateText accepts ISO dates and timestamps.
func isDateText(s string) bool {
	for _, layout := range []string{"2006-01-02", "2006-01-02 15:04:05", "2006-01-02T15:04:05", time.RFC3339} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}
