package job

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/plumb-data/plumb/dedupe"
	"github.com/plumb-data/plumb/internal/yamlconf"
	"github.com/plumb-data/plumb/profile"
	"github.com/plumb-data/plumb/reconcile"
	"github.com/plumb-data/plumb/rules"
)

// ConfigError points at the place in a job file that is wrong.
type ConfigError = yamlconf.Error

// Kind names what a step does: the plumb command it runs.
type Kind string

// The kinds of step.
const (
	Inspect Kind = "inspect"
	Profile Kind = "profile"
	Check   Kind = "check"
	Diff    Kind = "diff"
	Dedupe  Kind = "dedupe"
)

// Kinds lists the kinds of step, in the order docs list them.
var Kinds = []Kind{Inspect, Profile, Check, Diff, Dedupe}

// Job is a parsed job file.
type Job struct {
	// Name names the job's folder under the reports folder.
	Name string
	// Sources are source specs by name, variables substituted.
	Sources map[string]string
	Steps   []Step
	// Anomalies says how metrics are scored against their history.
	Anomalies AnomalyOptions
	// Notify says which webhooks are told of a run, and when.
	Notify Notify
	// Retain says which runs' report folders are kept (history keeps all).
	Retain Retain
	// Dir is the job file's folder: relative paths in the job (sources,
	// rules files, configs) are read from it.
	Dir string
}

// AnomalyOptions say how each metric is scored against its own history.
// The zero value means the defaults.
type AnomalyOptions struct {
	// Window is how many past runs a metric is scored against; 0 means 14.
	Window int
	// MinRuns is how many past runs a metric needs before it is scored;
	// 0 means 5.
	MinRuns int
	// Threshold is how many robust deviations (1.4826 × MAD) from the
	// median a value may be before it is an anomaly; 0 means 3.
	Threshold float64
	// Seasonality DayOfWeek scores a metric against the runs on the same
	// weekday only (UTC); "" against every past run.
	Seasonality string
	// Metrics override Threshold and MinRuns, and set absolute bounds,
	// for the metrics they match; when several match, the later wins
	// for each setting it gives.
	Metrics []MetricRule
}

func (a AnomalyOptions) withDefaults() AnomalyOptions {
	if a.Window <= 0 {
		a.Window = 14
	}
	if a.MinRuns <= 0 {
		a.MinRuns = 5
	}
	if a.Threshold <= 0 {
		a.Threshold = 3
	}
	return a
}

// Step is one step of a job, with the options its command takes.
type Step struct {
	// Name names the step's reports and metrics; it defaults to the
	// kind, numbered from the second step of a kind on (diff-2).
	Name string
	Kind Kind
	// Source names the step's source in Job.Sources; Target the diff's
	// other side.
	Source, Target string
	// ContinueOnError false stops the run when this step cannot run.
	ContinueOnError bool
	// AllowRejects declares rows rejected at load expected, as
	// --allow-rejects does.
	AllowRejects bool

	// Profile options. Baseline is "previous" (the previous run's
	// profile, the default), "none", or a profile JSON file.
	Profile  profile.Options
	Baseline string
	// Check options: the rules, read from RulesPath or given inline.
	Rules     *rules.Rules
	RulesPath string
	AsOf      string
	// Diff options.
	Diff reconcile.Options
	// MappingPath is a diff's mapping spec CSV.
	MappingPath string
	// Dedupe options: the config, read from ConfigPath.
	DedupeConfig *dedupe.Config
	ConfigPath   string
	DedupeOpts   dedupe.Options

	// SideFiles are the data files the step writes into the run's
	// folder, as its command's flags would: rejects, quarantine,
	// passing, diffs, clusters, pairs.
	SideFiles []SideFile

	// Line and Column are where the step is in the job file.
	Line, Column int
}

// SideFile is a data file a step writes into the run's folder.
type SideFile struct {
	// Option is the step's option that names it (the flag of its
	// command): rejects, quarantine, passing, diffs, clusters or pairs.
	Option string
	// Name is the file's name in the run's folder.
	Name string
}

// sideFile returns the name of the side file option names, or "".
func (s *Step) sideFile(option string) string {
	for _, f := range s.SideFiles {
		if f.Option == option {
			return f.Name
		}
	}
	return ""
}

// BaselinePrevious and BaselineNone are the special values of a profile
// step's baseline.
const (
	BaselinePrevious = "previous"
	BaselineNone     = "none"
)

// namePattern is what a job or step name may be: it names folders and
// files.
var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// Load reads a job file and the rules files and dedupe configs it names.
// lookup reads environment variables (os.LookupEnv); an unset variable is
// an error that names it.
func Load(path string, lookup func(string) (string, bool)) (*Job, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	j, err := Parse(data, lookup)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	j.Dir = filepath.Dir(path)
	for i := range j.Steps {
		s := &j.Steps[i]
		switch {
		case s.Kind == Check && s.Rules == nil:
			data, err := os.ReadFile(j.Path(s.RulesPath))
			if err != nil {
				return nil, fmt.Errorf("%s: step %s: rules: %w", path, s.Name, err)
			}
			if s.Rules, err = rules.Parse(data); err != nil {
				return nil, fmt.Errorf("%s: %w", j.Path(s.RulesPath), err)
			}
		case s.Kind == Dedupe:
			data, err := os.ReadFile(j.Path(s.ConfigPath))
			if err != nil {
				return nil, fmt.Errorf("%s: step %s: config: %w", path, s.Name, err)
			}
			if s.DedupeConfig, err = dedupe.Parse(data); err != nil {
				return nil, fmt.Errorf("%s: %w", j.Path(s.ConfigPath), err)
			}
		}
	}
	return j, nil
}

// Path resolves a path named in the job file against the job's folder.
func (j *Job) Path(p string) string {
	if p == "" || filepath.IsAbs(p) || j.Dir == "" {
		return p
	}
	return filepath.Join(j.Dir, p)
}

// Parse reads a job file. Unknown keys, wrong types, unknown sources and
// unset variables are errors that name the line and column. Rules files
// and dedupe configs are named, not read (Load reads them); inline checks
// are parsed.
func Parse(data []byte, lookup func(string) (string, bool)) (*Job, error) {
	root, err := yamlconf.Root(data, "name, sources and steps")
	if err != nil {
		return nil, err
	}
	if err := substitute(root, lookup); err != nil {
		return nil, err
	}
	j := &Job{Sources: map[string]string{}}
	var sourcesNode, stepsNode *yaml.Node
	err = yamlconf.Pairs(root, func(k, v *yaml.Node) error {
		var err error
		switch k.Value {
		case "name":
			if j.Name, err = yamlconf.Scalar(v, "name"); err == nil && !namePattern.MatchString(j.Name) {
				err = yamlconf.At(v, "name %q: want letters, digits, '.', '_' and '-' (it names the reports folder)", j.Name)
			}
		case "sources":
			sourcesNode = v
			err = j.parseSources(v)
		case "steps":
			stepsNode = v
		case "anomalies":
			j.Anomalies, err = parseAnomalies(v)
		case "notify":
			j.Notify, err = parseNotify(v)
		case "retain":
			j.Retain, err = parseRetain(v)
		default:
			err = yamlconf.At(k, "unknown key %q (want %s)", k.Value, strings.Join(topKeys, ", "))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	switch {
	case j.Name == "":
		return nil, yamlconf.At(root, "no name: give the job a name, e.g. name: nightly")
	case sourcesNode == nil || len(j.Sources) == 0:
		return nil, yamlconf.At(root, "no sources: name them, e.g. sources: {orders: orders.csv}")
	case stepsNode == nil:
		return nil, yamlconf.At(root, "no steps")
	}
	if err := j.parseSteps(stepsNode, &input{data, lookup}); err != nil {
		return nil, err
	}
	return j, nil
}

// input is a job file's text and where its variables come from.
type input struct {
	data   []byte
	lookup func(string) (string, bool)
}

// topKeys are the keys of a job file.
var topKeys = []string{"name", "sources", "steps", "anomalies", "notify", "retain"}

func (j *Job) parseSources(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return yamlconf.At(n, "sources: want a mapping of names to sources, e.g. {orders: orders.csv}")
	}
	return yamlconf.Pairs(n, func(k, v *yaml.Node) error {
		if !namePattern.MatchString(k.Value) {
			return yamlconf.At(k, "source name %q: want letters, digits, '.', '_' and '-'", k.Value)
		}
		spec, err := yamlconf.Scalar(v, "source "+k.Value)
		if err != nil {
			return err
		}
		j.Sources[k.Value] = spec
		return nil
	})
}

func (j *Job) parseSteps(n *yaml.Node, in *input) error {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		return yamlconf.At(n, "steps: want a list like [{profile: {source: orders}}]")
	}
	names := map[string]*Step{}
	counts := map[Kind]int{}
	for _, item := range n.Content {
		s, err := parseStep(item, in)
		if err != nil {
			return err
		}
		counts[s.Kind]++
		if s.Name == "" {
			s.Name = string(s.Kind)
			if counts[s.Kind] > 1 {
				s.Name = fmt.Sprintf("%s-%d", s.Kind, counts[s.Kind])
			}
		}
		if prev := names[s.Name]; prev != nil {
			return yamlconf.At(item, "step name %q is taken by the step on line %d: give one a name", s.Name, prev.Line)
		}
		for _, src := range []struct{ what, name string }{{"source", s.Source}, {"target", s.Target}} {
			if src.name == "" {
				continue
			}
			if _, ok := j.Sources[src.name]; !ok {
				return yamlconf.At(item, "%s %s: %s %q is not among the sources (%s)", s.Kind, s.Name, src.what, src.name, strings.Join(j.sourceNames(), ", "))
			}
		}
		j.Steps = append(j.Steps, *s)
		names[s.Name] = &j.Steps[len(j.Steps)-1]
	}
	return nil
}

func (j *Job) sourceNames() []string {
	names := make([]string, 0, len(j.Sources))
	for n := range j.Sources {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
