package job

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plumb-data/plumb/internal/schematest"
)

func env(vars map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}
}

func TestLoadExample(t *testing.T) {
	t.Parallel()
	j, err := Load(filepath.Join("..", "testdata", "job", "customers.yaml"), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range j.Steps {
		names = append(names, s.Name)
	}
	if got, want := strings.Join(names, " "), "inspect profile check inline diff dedupe"; got != want {
		t.Errorf("steps: got %q, want %q", got, want)
	}
	if got := j.Steps[3].Rules; got == nil || len(got.Checks) != 2 {
		t.Errorf("inline checks: got %+v, want 2 checks", got)
	}
	if got := j.Steps[4].Diff.PerColumn["balance"].Abs; got != 0.01 {
		t.Errorf("tolerance of balance: got %v, want 0.01", got)
	}
	if !j.Steps[4].Diff.Trim.All {
		t.Error("trim: true should trim every column")
	}
	if j.Steps[5].DedupeConfig == nil {
		t.Error("the dedupe config was not read")
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	const head = "name: j\nsources:\n  a: a.csv\n  b: b.csv\nsteps:\n"
	vars := env(map[string]string{"PW": "s3cr3t#x: y", "DIR": "data"})
	tests := []struct {
		name string
		doc  string
		want string // the error, or "" for none
		test func(t *testing.T, j *Job)
	}{
		{name: "shorthand", doc: head + "  - inspect: a\n", test: func(t *testing.T, j *Job) {
			if s := j.Steps[0]; s.Source != "a" || !s.ContinueOnError || s.Name != "inspect" {
				t.Errorf("got %+v", s)
			}
		}},
		{name: "numbered names", doc: head + "  - inspect: a\n  - inspect: b\n", test: func(t *testing.T, j *Job) {
			if got := j.Steps[1].Name; got != "inspect-2" {
				t.Errorf("got %q, want inspect-2", got)
			}
		}},
		{name: "variables", doc: "name: j\nsources:\n  a: postgres://u:${PW}@h/db?table=t\n  b: ${DIR}/b.csv\nsteps:\n  - inspect: a\n", test: func(t *testing.T, j *Job) {
			if got := j.Sources["a"]; got != "postgres://u:s3cr3t#x: y@h/db?table=t" {
				t.Errorf("got %q", got)
			}
			if got := j.Sources["b"]; got != "data/b.csv" {
				t.Errorf("got %q", got)
			}
		}},
		{name: "literal dollar", doc: "name: j\nsources:\n  a: $${x}.csv\nsteps:\n  - inspect: a\n", test: func(t *testing.T, j *Job) {
			if got := j.Sources["a"]; got != "${x}.csv" {
				t.Errorf("got %q", got)
			}
		}},
		{name: "profile options", doc: head + "  - profile: {source: a, columns: [x, y], sample: 10%, sentinels: [], baseline: none}\n", test: func(t *testing.T, j *Job) {
			s := j.Steps[0]
			if len(s.Profile.Columns) != 2 || s.Profile.Sample.Percent != 10 || s.Profile.Sentinels == nil || s.Baseline != BaselineNone {
				t.Errorf("got %+v", s)
			}
		}},
		{name: "diff options", doc: head + "  - diff: {source: a, target: b, key: [id=ident], tolerance: 0.1%, ignore_case: [email], samples: 0, where: 'x > 1', continue_on_error: false}\n", test: func(t *testing.T, j *Job) {
			d := j.Steps[0].Diff
			if d.Keys[0].Target != "ident" || d.Tolerance.Rel != 0.001 || d.IgnoreCase.Columns[0] != "email" || d.Samples != -1 || d.Where != "x > 1" || j.Steps[0].ContinueOnError {
				t.Errorf("got %+v", d)
			}
			if got := d.Origins.Where; got != "line 6, column 109" {
				t.Errorf("origin of where: got %q", got)
			}
		}},
		{name: "anomalies", doc: head + "  - inspect: a\nanomalies: {window: 7, min_runs: 3, threshold: 2.5}\n", test: func(t *testing.T, j *Job) {
			if a := j.Anomalies; a.Window != 7 || a.MinRuns != 3 || a.Threshold != 2.5 {
				t.Errorf("got %+v", a)
			}
		}},
		{name: "notify, retain, seasonality, rules", doc: head + "  - check: {source: a, rules: r.yaml, quarantine: bad.csv}\n" +
			"anomalies: {seasonality: day_of_week, metrics: [{step: check, metric: failed, check: c, max: 0, min_runs: 2}]}\n" +
			"notify:\n  on: [failure, findings]\n  suppress: 24h\n  retries: 0\n  webhooks:\n    - {url: 'https://hooks.example/${PW}', format: slack}\n    - {name: ops, url: 'http://x/', on: recovery}\n" +
			"retain: {runs: 30, days: 90}\n", test: func(t *testing.T, j *Job) {
			n, a := j.Notify, j.Anomalies
			if len(n.Webhooks) != 2 || n.Webhooks[0].Name != "webhook-1" || n.Webhooks[0].Format != FormatSlack || n.Webhooks[1].On[0] != EventRecovery ||
				n.Suppress != 24*time.Hour || *n.Retries != 0 || len(n.On) != 2 {
				t.Errorf("notify: got %+v", n)
			}
			if a.Seasonality != DayOfWeek || len(a.Metrics) != 1 || *a.Metrics[0].Max != 0 || a.Metrics[0].MinRuns != 2 || a.Metrics[0].Check != "c" {
				t.Errorf("anomalies: got %+v", a)
			}
			if j.Retain != (Retain{Runs: 30, Days: 90}) || j.Steps[0].sideFile("quarantine") != "bad.csv" {
				t.Errorf("retain, side files: got %+v, %+v", j.Retain, j.Steps[0].SideFiles)
			}
		}},
		{name: "bad webhook url", doc: head + "  - inspect: a\nnotify: {webhooks: [{url: 'ftp://x/${PW}'}]}\n", want: "line 7, column 21: webhook: the url is not an http or https URL"},
		{name: "bad event", doc: head + "  - inspect: a\nnotify: {on: [sometimes], webhooks: [{url: 'http://x/'}]}\n", want: `line 7, column 14: on: unknown event "sometimes"`},
		{name: "bad suppress", doc: head + "  - inspect: a\nnotify: {suppress: 1d, webhooks: [{url: 'http://x/'}]}\n", want: `line 7, column 20: suppress "1d": want a duration`},
		{name: "no webhooks", doc: head + "  - inspect: a\nnotify: {suppress: 1h}\n", want: "line 7, column 9: notify: no webhooks"},
		{name: "bad retain", doc: head + "  - inspect: a\nretain: {runs: 0}\n", want: "line 7, column 16: runs 0: want a whole number of runs, at least 1"},
		{name: "bad seasonality", doc: head + "  - inspect: a\nanomalies: {seasonality: monthly}\n", want: `line 7, column 26: seasonality "monthly"`},
		{name: "bad metric rule", doc: head + "  - inspect: a\nanomalies: {metrics: [{metric: x, colour: red}]}\n", want: `line 7, column 35: a metric rule takes no "colour"`},
		{name: "min above max", doc: head + "  - inspect: a\nanomalies: {metrics: [{min: 2, max: 1}]}\n", want: "min 2 is above max 1"},
		{name: "side file in a folder", doc: head + "  - check: {source: a, rules: r.yaml, quarantine: ../bad.csv}\n", want: `line 6, column 51: quarantine "../bad.csv": want a file name`},
		{name: "side file format", doc: head + "  - diff: {source: a, target: b, diffs: d.xlsx}\n", want: `diffs "d.xlsx": want a .csv or .parquet file`},
		{name: "side file twice", doc: head + "  - check: {source: a, rules: r.yaml, quarantine: x.csv, passing: x.csv}\n", want: `passing "x.csv": quarantine writes that file already`},
		{name: "unset variable", doc: "name: j\nsources:\n  a: postgres://u:${NOPE}@h/db\nsteps:\n  - inspect: a\n",
			want: "line 3, column 6: environment variable NOPE is not set"},
		{name: "unknown key", doc: head + "  - inspect: a\ncolour: red\n", want: `line 7, column 1: unknown key "colour"`},
		{name: "unknown kind", doc: head + "  - sing: a\n", want: `line 6, column 5: unknown step "sing"`},
		{name: "unknown option", doc: head + "  - profile: {source: a, key: id}\n", want: `line 6, column 26: profile takes no "key"`},
		{name: "unknown source", doc: head + "  - diff: {source: a, target: c}\n", want: `line 6, column 5: diff diff: target "c" is not among the sources (a, b)`},
		{name: "no target", doc: head + "  - diff: {source: a}\n", want: "line 6, column 11: diff: no target"},
		{name: "no rules", doc: head + "  - check: {source: a}\n", want: "give rules (a file) or checks (inline)"},
		{name: "bad tolerance", doc: head + "  - diff: {source: a, target: b, tolerance: {x: lots}}\n", want: `line 6, column 49: tolerance "lots"`},
		{name: "bad sample", doc: head + "  - profile: {source: a, sample: 0%}\n", want: "line 6, column 34: sample"},
		{name: "bad name", doc: "name: ../x\nsources: {a: a.csv}\nsteps: [{inspect: a}]\n", want: "line 1, column 7: name"},
		{name: "same step name", doc: head + "  - inspect: {source: a, name: x}\n  - profile: {source: a, name: x}\n", want: "line 7, column 5: step name \"x\" is taken by the step on line 6"},
		{name: "no name", doc: "sources: {a: a.csv}\nsteps: [{inspect: a}]\n", want: "line 1, column 1: no name"},
		{name: "no steps", doc: "name: j\nsources: {a: a.csv}\n", want: "no steps"},
		{name: "bad threshold", doc: head + "  - inspect: a\nanomalies: {threshold: -1}\n", want: "line 7, column 24: threshold -1"},
		{name: "inline check error keeps its place", doc: head + "  - check:\n      source: a\n      checks:\n        - not_null: x\n        - range: {column: y, min: 1, colour: red}\n",
			want: `line 10, column 38: range takes no "colour"`},
		{name: "inline checks in flow style", doc: head + "  - check: {source: a, checks: [not_null: x]}\n", want: "block list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			j, err := Parse([]byte(tt.doc), vars)
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("got error %v, want one containing %q", err, tt.want)
				}
				var ce *ConfigError
				if !errors.As(err, &ce) {
					t.Errorf("got %T, want a *ConfigError", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.test(t, j)
		})
	}
}

// TestUnsetVariableHidesValues: the error names the variable, not the
// values of those that are set.
func TestUnsetVariableHidesValues(t *testing.T) {
	t.Parallel()
	doc := "name: j\nsources:\n  a: postgres://u:${PW}@h/${NOPE}\nsteps:\n  - inspect: a\n"
	_, err := Parse([]byte(doc), env(map[string]string{"PW": "hunter2"}))
	if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "NOPE") {
		t.Errorf("got %v, want an error naming NOPE and not showing hunter2", err)
	}
	var ue *UnsetError
	if !errors.As(err, &ue) || ue.Name != "NOPE" {
		t.Errorf("got %v, want an *UnsetError for NOPE", err)
	}
}

// TestSchemaAgreesWithParse: the job files Parse accepts validate against
// JSONSchema, and files with unknown kinds or options do not.
func TestSchemaAgreesWithParse(t *testing.T) {
	t.Parallel()
	s := schematest.Compile(t, JSONSchema())
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "job", "*.yaml"))
	if len(files) == 0 {
		t.Fatal("no job files in testdata/job")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(b, env(nil)); err != nil {
			t.Fatalf("%s does not parse: %v", f, err)
		}
		if err := schematest.Validate(s, b); err != nil {
			t.Errorf("%s parses but does not validate: %v", f, err)
		}
	}
	const head = "name: j\nsources: {a: a.csv}\nsteps:\n"
	for _, bad := range []string{
		head + "  - sing: a\n",
		head + "  - profile: {source: a, key: id}\n",
		head + "  - diff: {source: a}\n",
		head + "  - inspect: a\ncolour: red\n",
		"sources: {a: a.csv}\nsteps: [{inspect: a}]\n",
		head + "  - inspect: a\n    profile: a\n",
		head + "  - inspect: a\nnotify: {suppress: 1h}\n",
		head + "  - inspect: a\nnotify: {webhooks: [{url: 'http://x/', format: teams}]}\n",
		head + "  - inspect: a\nretain: {runs: 0}\n",
		head + "  - inspect: a\nanomalies: {seasonality: monthly}\n",
		head + "  - inspect: a\nanomalies: {metrics: [{metric: x, colour: red}]}\n",
		head + "  - inspect: {source: a, rejects: ../r.csv}\n",
		head + "  - inspect: {source: a, quarantine: q.csv}\n",
	} {
		if _, err := Parse([]byte(bad), env(nil)); err == nil {
			t.Errorf("Parse accepted %q", bad)
		}
		if err := schematest.Validate(s, []byte(bad)); err == nil {
			t.Errorf("the schema accepted %q, which Parse refuses", bad)
		}
	}
}
