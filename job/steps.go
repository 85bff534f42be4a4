package job

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/plumb-data/plumb/internal/yamlconf"
	"github.com/plumb-data/plumb/profile"
	"github.com/plumb-data/plumb/reconcile"
	"github.com/plumb-data/plumb/rules"
)

// keyType is the type of a step option, for the parser and the schema.
type keyType int

const (
	typeString    keyType = iota // one value
	typeStrings                  // a value or a list of values
	typeBool                     // true or false
	typeInt                      // a whole number
	typeNumber                   // a number
	typeColumns                  // true (every column) or a list of columns
	typeTolerance                // a number, a percentage, or {column: tolerance}
	typeChecks                   // a list of checks, as in a rules file
	typeSample                   // a row count or a percentage
	typeFile                     // a side file's name in the run's folder
)

// key is one option a step takes.
type key struct {
	name string
	typ  keyType
	doc  string
}

// commonKeys are the options every step takes.
var commonKeys = []key{
	{"name", typeString, "names the step's reports and metrics (default: the kind, numbered from the second on)"},
	{"source", typeString, "the source the step reads, by its name under sources"},
	{"continue_on_error", typeBool, "false stops the run when this step cannot run (default: true)"},
	{"allow_rejects", typeBool, "rows rejected at load are expected: they are no finding"},
	{"rejects", typeFile, "write every row rejected at load to this file in the run's folder (.csv, .ndjson or .parquet)"},
}

// kindKeys are the options of each kind of step: those of its command.
var kindKeys = map[Kind][]key{
	Inspect: {},
	Profile: {
		{"columns", typeStrings, "profile only these columns"},
		{"top", typeInt, "how many top values and patterns to keep (default: 10)"},
		{"sample", typeSample, "profile a reproducible sample: N rows or P%"},
		{"approx", typeBool, "estimate distinct counts"},
		{"sentinels", typeStrings, "values that mean no value ([] for none)"},
		{"baseline", typeString, `"previous" (the previous run's profile, the default), "none", or a profile JSON file`},
	},
	Check: {
		{"rules", typeString, "a rules file (see docs/rules.md)"},
		{"checks", typeChecks, "checks inline, as under checks: in a rules file"},
		{"as_of", typeString, "judge freshness as of this time (RFC 3339 or a date)"},
		{"quarantine", typeFile, "write every failing row, with its line and failed checks, to this file in the run's folder (.csv or .parquet)"},
		{"passing", typeFile, "write every row that fails no check to this file in the run's folder (.csv or .parquet)"},
	},
	Diff: {
		{"target", typeString, "the source the diff compares with source, by its name under sources"},
		{"key", typeStrings, "key columns; src=tgt where the names differ"},
		{"map", typeStrings, "pairs of differently named columns: src=tgt"},
		{"columns", typeStrings, "compare only these columns"},
		{"ignore", typeStrings, "leave these columns out"},
		{"mapping", typeString, "a mapping spec CSV: source_field,transformation,target_field"},
		{"tolerance", typeTolerance, "numeric tolerance: 0.001, 0.1%, or {column: tolerance}"},
		{"ignore_case", typeColumns, "compare text ignoring case: true, or a list of columns"},
		{"trim", typeColumns, "trim surrounding spaces: true, or a list of columns"},
		{"null_equals_empty", typeColumns, "treat NULL and empty text as equal: true, or a list of columns"},
		{"where", typeString, "SQL filter applied to both sides"},
		{"source_where", typeString, "SQL filter applied to the source"},
		{"target_where", typeString, "SQL filter applied to the target"},
		{"group_by", typeStrings, "compare row counts (and sum) per group of these columns"},
		{"sum", typeStrings, "with group_by: also compare the sums of these columns"},
		{"samples", typeInt, "examples to keep per column and category (0: none)"},
		{"diffs", typeFile, "write every difference in long form to this file in the run's folder (.csv or .parquet)"},
	},
	Dedupe: {
		{"config", typeString, "a dedupe config (see docs/dedupe.md)"},
		{"threshold", typeNumber, "match probability needed to link a pair (default: the config's)"},
		{"truth", typeString, "a column of true entity labels to score against"},
		{"seed", typeInt, "seed for the random pairs the model is trained on (default: 1)"},
		{"clusters", typeFile, "write every record with cluster_id and cluster_size to this file in the run's folder (.csv or .parquet)"},
		{"pairs", typeFile, "write every linked pair with its fields' similarities to this file in the run's folder (.csv or .parquet)"},
	},
}

// required are the options a kind of step cannot do without, beside
// source.
var required = map[Kind][]string{Diff: {"target"}, Dedupe: {"config"}}

func kindNames() string {
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// parseStep reads one item of steps: {kind: {options}}, or {kind:
// source} for a step that needs nothing more.
func parseStep(item *yaml.Node, in *input) (*Step, error) {
	if item.Kind != yaml.MappingNode || len(item.Content) != 2 {
		return nil, yamlconf.At(item, "step: want one kind with its options, like {profile: {source: orders}} (kinds: %s)", kindNames())
	}
	k, body := item.Content[0], item.Content[1]
	s := &Step{Kind: Kind(k.Value), ContinueOnError: true, Line: item.Line, Column: item.Column, Baseline: BaselinePrevious}
	if !slices.Contains(Kinds, s.Kind) {
		return nil, yamlconf.At(k, "unknown step %q (want %s)", k.Value, kindNames())
	}
	allowed := append(slices.Clone(commonKeys), kindKeys[s.Kind]...)
	seen := map[string]bool{}
	switch {
	case body.Kind == yaml.ScalarNode && body.Tag != "!!null":
		s.Source, seen["source"] = body.Value, true
	case body.Kind == yaml.MappingNode:
		err := yamlconf.Pairs(body, func(k, v *yaml.Node) error {
			i := slices.IndexFunc(allowed, func(a key) bool { return a.name == k.Value })
			if i < 0 {
				names := make([]string, len(allowed))
				for i, a := range allowed {
					names[i] = a.name
				}
				return yamlconf.At(k, "%s takes no %q (want %s)", s.Kind, k.Value, strings.Join(names, ", "))
			}
			seen[k.Value] = true
			return s.option(k, v, in)
		})
		if err != nil {
			return nil, err
		}
	default:
		return nil, yamlconf.At(body, "%s: want a mapping like {source: orders}", s.Kind)
	}
	for _, r := range append([]string{"source"}, required[s.Kind]...) {
		if !seen[r] {
			return nil, yamlconf.At(body, "%s: no %s", s.Kind, r)
		}
	}
	if s.Kind == Check && seen["rules"] == seen["checks"] {
		return nil, yamlconf.At(body, "check: give rules (a file) or checks (inline), one of them")
	}
	return s, nil
}

// option reads one option of a step.
func (s *Step) option(k, v *yaml.Node, in *input) error {
	var err error
	str := func(dst *string) {
		*dst, err = yamlconf.Scalar(v, k.Value)
	}
	strs := func(dst *[]string) {
		*dst, err = yamlconf.StringList(v, k.Value)
	}
	whole := func() int {
		f, e := yamlconf.Number(v, k.Value)
		if e == nil && (f < 0 || f != float64(int64(f))) {
			e = yamlconf.At(v, "%s %s: want a whole number, 0 or more", k.Value, v.Value)
		}
		err = e
		return int(f)
	}
	pairs := func(dst *[]reconcile.Pair) {
		var list []string
		if list, err = yamlconf.StringList(v, k.Value); err == nil {
			if *dst, err = reconcile.ParsePairs(strings.Join(list, ",")); err != nil {
				err = yamlconf.At(v, "%s: %v", k.Value, err)
			}
		}
	}
	columns := func(dst *reconcile.ColumnSet) {
		if v.Tag == "!!bool" {
			var on bool
			if on, err = yamlconf.Bool(v, k.Value); err == nil && on {
				*dst = reconcile.ColumnSet{All: true}
			}
			return
		}
		dst.Columns, err = yamlconf.StringList(v, k.Value)
	}
	d := &s.Diff
	switch k.Value {
	case "name":
		if str(&s.Name); err == nil && !namePattern.MatchString(s.Name) {
			err = yamlconf.At(v, "name %q: want letters, digits, '.', '_' and '-' (it names the step's reports)", s.Name)
		}
	case "source":
		str(&s.Source)
	case "target":
		str(&s.Target)
	case "continue_on_error":
		s.ContinueOnError, err = yamlconf.Bool(v, k.Value)
	case "allow_rejects":
		s.AllowRejects, err = yamlconf.Bool(v, k.Value)
	case "columns":
		if s.Kind == Profile {
			strs(&s.Profile.Columns)
		} else {
			strs(&d.Columns)
		}
	case "top":
		if s.Profile.Top = whole(); err == nil && s.Profile.Top < 1 {
			err = yamlconf.At(v, "top %s: want at least 1", v.Value)
		}
	case "sample":
		var spec string
		if str(&spec); err == nil {
			if s.Profile.Sample, err = profile.ParseSample(spec); err != nil {
				err = yamlconf.At(v, "%v", err)
			}
		}
	case "approx":
		s.Profile.Approx, err = yamlconf.Bool(v, k.Value)
	case "sentinels":
		if v.Kind == yaml.SequenceNode && len(v.Content) == 0 {
			s.Profile.Sentinels = []string{}
		} else {
			strs(&s.Profile.Sentinels)
		}
	case "baseline":
		str(&s.Baseline)
	case "rules":
		str(&s.RulesPath)
	case "checks":
		s.Rules, err = inlineChecks(k, v, in)
	case "as_of":
		str(&s.AsOf)
	case "key":
		pairs(&d.Keys)
	case "map":
		pairs(&d.Map)
	case "ignore":
		strs(&d.Ignore)
	case "mapping":
		str(&s.MappingPath)
	case "tolerance":
		err = s.tolerance(v)
	case "ignore_case":
		columns(&d.IgnoreCase)
	case "trim":
		columns(&d.Trim)
	case "null_equals_empty":
		columns(&d.NullEqualsEmpty)
	case "where":
		str(&d.Where)
		d.Origins.Where = place(v)
	case "source_where":
		str(&d.SourceWhere)
		d.Origins.SourceWhere = place(v)
	case "target_where":
		str(&d.TargetWhere)
		d.Origins.TargetWhere = place(v)
	case "group_by":
		strs(&d.GroupBy)
	case "sum":
		strs(&d.Sum)
	case "samples":
		if d.Samples = whole(); err == nil && d.Samples == 0 {
			d.Samples = -1
		}
	case "config":
		str(&s.ConfigPath)
	case "threshold":
		if s.DedupeOpts.Threshold, err = yamlconf.Number(v, k.Value); err == nil && (s.DedupeOpts.Threshold <= 0 || s.DedupeOpts.Threshold >= 1) {
			err = yamlconf.At(v, "threshold %s: want a probability between 0 and 1", v.Value)
		}
	case "truth":
		str(&s.DedupeOpts.Truth)
	case "seed":
		s.DedupeOpts.Seed = uint64(whole())
	case "rejects", "quarantine", "passing", "diffs", "clusters", "pairs":
		var name string
		if str(&name); err == nil {
			err = s.addSideFile(k.Value, name, v)
		}
	}
	return err
}

// sideFileExts are the formats side files are written in, by extension.
var sideFileExts = []string{".csv", ".parquet", ".pq", ".ndjson", ".jsonl"}

// addSideFile names a data file the step writes into the run's folder: a
// plain file name, no folder, in a format the writers know, not taken by
// the step's reports or another side file.
func (s *Step) addSideFile(option, name string, v *yaml.Node) error {
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case !namePattern.MatchString(name) || strings.HasPrefix(name, "."):
		return yamlconf.At(v, "%s %q: want a file name (letters, digits, '.', '_' and '-'): it is written into the run's folder", option, name)
	case !slices.Contains(sideFileExts, ext) || (option != "rejects" && (ext == ".ndjson" || ext == ".jsonl")):
		return yamlconf.At(v, "%s %q: want a .csv or .parquet file%s", option, name, map[bool]string{true: " (or .ndjson)"}[option == "rejects"])
	case name == "summary.json" || name == "index.html" || name == historyPage || name == trendsName:
		return yamlconf.At(v, "%s %q: the run's folder keeps that name for plumb's own file", option, name)
	}
	for _, f := range s.SideFiles {
		if f.Name == name {
			return yamlconf.At(v, "%s %q: %s writes that file already", option, name, f.Option)
		}
	}
	s.SideFiles = append(s.SideFiles, SideFile{Option: option, Name: name})
	return nil
}

// place names where a value is in the job file, for errors in the SQL
// it holds.
func place(v *yaml.Node) string { return fmt.Sprintf("line %d, column %d", v.Line, v.Column) }

// tolerance reads a diff's tolerance: one for every numeric column, or a
// mapping of columns to tolerances.
func (s *Step) tolerance(v *yaml.Node) error {
	if v.Kind == yaml.ScalarNode {
		_, tol, err := reconcile.ParseTolerance(v.Value)
		if err != nil {
			return yamlconf.At(v, "%v", err)
		}
		s.Diff.Tolerance = tol
		return nil
	}
	if v.Kind != yaml.MappingNode {
		return yamlconf.At(v, "tolerance: want a number like 0.01, a percentage like 0.1%%, or {column: tolerance}")
	}
	s.Diff.PerColumn = map[string]reconcile.Tolerance{}
	return yamlconf.Pairs(v, func(k, v *yaml.Node) error {
		if v.Kind != yaml.ScalarNode {
			return yamlconf.At(v, "tolerance of %s: want a number or a percentage", k.Value)
		}
		_, tol, err := reconcile.ParseTolerance(v.Value)
		if err != nil {
			return yamlconf.At(v, "%v", err)
		}
		s.Diff.PerColumn[k.Value] = tol
		return nil
	})
}

// inlineChecks parses a check step's inline checks with the rules file
// parser, so that they are read exactly as in a rules file and its
// errors keep their lines and columns: every line of the job file but
// those of checks is blanked, and what remains is a rules file.
func inlineChecks(k, v *yaml.Node, in *input) (*rules.Rules, error) {
	if v.Style&yaml.FlowStyle != 0 || k.Style&yaml.FlowStyle != 0 {
		return nil, yamlconf.At(v, "checks: write inline checks as a block list, one check per line under checks:")
	}
	last := lastLine(v)
	lines := bytes.SplitAfter(in.data, []byte("\n"))
	var b bytes.Buffer
	for i, line := range lines {
		n := i + 1
		switch {
		case n < k.Line || n > last:
			if bytes.HasSuffix(line, []byte("\n")) {
				b.WriteByte('\n')
			}
		case n == k.Line:
			b.WriteString(strings.Repeat(" ", k.Column-1))
			b.Write(line[min(k.Column-1, len(line)):])
		default:
			b.Write(line)
		}
	}
	text, err := expandText(b.String(), in.lookup)
	if err != nil {
		return nil, err
	}
	return rules.Parse([]byte(text))
}

// lastLine is the last line a node's values are on.
func lastLine(n *yaml.Node) int {
	last := n.Line
	if n.Kind == yaml.ScalarNode {
		last += strings.Count(strings.TrimRight(n.Value, "\n"), "\n")
	}
	for _, c := range n.Content {
		last = max(last, lastLine(c))
	}
	return last
}
