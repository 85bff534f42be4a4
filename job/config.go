package job

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/plumb-data/plumb/internal/yamlconf"
)

// DayOfWeek is the seasonality that scores a metric against the runs on
// the same weekday only.
const DayOfWeek = "day_of_week"

// MetricRule overrides how the metrics it matches are scored. Empty
// Step, Metric, Column and Check match every value.
type MetricRule struct {
	Step, Metric, Column, Check string
	// Threshold and MinRuns, when not 0, replace the job's.
	Threshold float64
	MinRuns   int
	// Min and Max, when set, are absolute bounds: a value outside them
	// is an anomaly whatever its history, even with no history.
	Min, Max *float64
	// Ignore leaves the metric unscored (its bounds too).
	Ignore bool
	// Line is where the rule is in the job file.
	Line int
}

func (m *MetricRule) matches(step, metric, column, check string) bool {
	return (m.Step == "" || m.Step == step) && (m.Metric == "" || m.Metric == metric) &&
		(m.Column == "" || m.Column == column) && (m.Check == "" || m.Check == check)
}

// anomalyKeys are the keys of anomalies:, and metricRuleKeys those of one
// of its metrics.
var (
	anomalyKeys    = []string{"window", "min_runs", "threshold", "seasonality", "metrics"}
	metricRuleKeys = []string{"step", "metric", "column", "check", "threshold", "min_runs", "min", "max", "ignore"}
)

func parseAnomalies(n *yaml.Node) (AnomalyOptions, error) {
	var a AnomalyOptions
	if n.Kind != yaml.MappingNode {
		return a, yamlconf.At(n, "anomalies: want a mapping like {window: 14, min_runs: 5, threshold: 3}")
	}
	err := yamlconf.Pairs(n, func(k, v *yaml.Node) error {
		var err error
		switch k.Value {
		case "window":
			a.Window, err = wholeAtLeast(v, k.Value, 1, "runs")
		case "min_runs":
			a.MinRuns, err = wholeAtLeast(v, k.Value, 1, "runs")
		case "threshold":
			a.Threshold, err = positive(v, k.Value)
		case "seasonality":
			if a.Seasonality, err = yamlconf.Scalar(v, k.Value); err == nil && a.Seasonality != DayOfWeek && a.Seasonality != "none" {
				err = yamlconf.At(v, "seasonality %q: want day_of_week or none", a.Seasonality)
			}
			if a.Seasonality == "none" {
				a.Seasonality = ""
			}
		case "metrics":
			a.Metrics, err = parseMetricRules(v)
		default:
			err = yamlconf.At(k, "anomalies takes no %q (want %s)", k.Value, strings.Join(anomalyKeys, ", "))
		}
		return err
	})
	return a, err
}

func parseMetricRules(n *yaml.Node) ([]MetricRule, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, yamlconf.At(n, "metrics: want a list like [{step: diff, metric: only_in_source, max: 0}]")
	}
	var out []MetricRule
	for _, item := range n.Content {
		if item.Kind != yaml.MappingNode {
			return nil, yamlconf.At(item, "metrics: want a mapping like {metric: null_share, column: email, threshold: 5}")
		}
		m := MetricRule{Line: item.Line}
		err := yamlconf.Pairs(item, func(k, v *yaml.Node) error {
			var err error
			switch k.Value {
			case "step":
				m.Step, err = yamlconf.Scalar(v, k.Value)
			case "metric":
				m.Metric, err = yamlconf.Scalar(v, k.Value)
			case "column":
				m.Column, err = yamlconf.Scalar(v, k.Value)
			case "check":
				m.Check, err = yamlconf.Scalar(v, k.Value)
			case "threshold":
				m.Threshold, err = positive(v, k.Value)
			case "min_runs":
				m.MinRuns, err = wholeAtLeast(v, k.Value, 1, "runs")
			case "min", "max":
				var f float64
				if f, err = yamlconf.Number(v, k.Value); err == nil {
					if k.Value == "min" {
						m.Min = &f
					} else {
						m.Max = &f
					}
				}
			case "ignore":
				m.Ignore, err = yamlconf.Bool(v, k.Value)
			default:
				err = yamlconf.At(k, "a metric rule takes no %q (want %s)", k.Value, strings.Join(metricRuleKeys, ", "))
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		if m.Min != nil && m.Max != nil && *m.Min > *m.Max {
			return nil, yamlconf.At(item, "metrics: min %v is above max %v", *m.Min, *m.Max)
		}
		out = append(out, m)
	}
	return out, nil
}

// Event is what a run did that a webhook may be told of.
type Event string

// The events of a run.
const (
	EventFailure  Event = "failure"  // a step could not run
	EventFindings Event = "findings" // a step found something (failed checks, differences, rejects)
	EventAnomaly  Event = "anomaly"  // a metric left its band
	EventRecovery Event = "recovery" // nothing to tell after runs that told something
)

// Events lists the events, in the order docs list them.
var Events = []Event{EventFailure, EventFindings, EventAnomaly, EventRecovery}

// defaultEvents are what a webhook is told of when the job does not say.
var defaultEvents = []Event{EventFailure, EventAnomaly, EventRecovery}

// Webhook formats.
const (
	FormatJSON  = "json"  // plumb's alert document
	FormatSlack = "slack" // Slack's incoming webhook payload: text and blocks
)

// Notify says which webhooks a run tells of what, and how hard it tries.
// The zero value tells no one.
type Notify struct {
	Webhooks []Webhook
	// On are the events that make an alert; nil means failure, anomaly
	// and recovery. A webhook may say otherwise.
	On []Event
	// Suppress is how long an alert of the same thing (the same failed
	// step, the same metric's anomaly) is not repeated; 0 repeats every
	// run.
	Suppress time.Duration
	// Timeout bounds the time spent on one webhook, every attempt and
	// wait included; 0 means 30s.
	Timeout time.Duration
	// Retries is how many times a failed delivery is tried again; nil
	// means 3.
	Retries *int
	// Backoff is the wait before the first retry, doubled before each
	// next; 0 means 1s.
	Backoff time.Duration
}

// Webhook is one address a run's alerts are posted to.
type Webhook struct {
	// Name names the webhook in summaries and in the history's alert
	// state; it defaults to webhook-N (N from 1, in file order).
	Name string
	// URL is where the alert is posted; it usually holds a secret
	// (${SLACK_WEBHOOK}) and is never shown whole.
	URL string
	// Format is FormatJSON (the default) or FormatSlack.
	Format string
	// On, when set, replaces Notify.On for this webhook.
	On []Event
}

// events are the events a webhook is told of.
func (n *Notify) events(w *Webhook) []Event {
	switch {
	case w.On != nil:
		return w.On
	case n.On != nil:
		return n.On
	}
	return defaultEvents
}

func (n Notify) withDefaults() Notify {
	if n.Timeout <= 0 {
		n.Timeout = 30 * time.Second
	}
	if n.Retries == nil {
		three := 3
		n.Retries = &three
	}
	if n.Backoff <= 0 {
		n.Backoff = time.Second
	}
	return n
}

var (
	notifyKeys  = []string{"webhooks", "on", "suppress", "timeout", "retries", "backoff"}
	webhookKeys = []string{"name", "url", "format", "on"}
)

func parseNotify(n *yaml.Node) (Notify, error) {
	var nt Notify
	if n.Kind != yaml.MappingNode {
		return nt, yamlconf.At(n, "notify: want a mapping like {webhooks: [{url: '${SLACK_WEBHOOK}', format: slack}]}")
	}
	var hooks *yaml.Node
	err := yamlconf.Pairs(n, func(k, v *yaml.Node) error {
		var err error
		switch k.Value {
		case "webhooks":
			hooks = v
			nt.Webhooks, err = parseWebhooks(v)
		case "on":
			nt.On, err = parseEvents(v)
		case "suppress":
			nt.Suppress, err = duration(v, k.Value, true)
		case "timeout":
			nt.Timeout, err = duration(v, k.Value, false)
		case "backoff":
			nt.Backoff, err = duration(v, k.Value, false)
		case "retries":
			var r int
			if r, err = wholeAtLeast(v, k.Value, 0, "retries"); err == nil {
				nt.Retries = &r
			}
		default:
			err = yamlconf.At(k, "notify takes no %q (want %s)", k.Value, strings.Join(notifyKeys, ", "))
		}
		return err
	})
	if err == nil && hooks == nil {
		err = yamlconf.At(n, "notify: no webhooks")
	}
	return nt, err
}

func parseWebhooks(n *yaml.Node) ([]Webhook, error) {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		return nil, yamlconf.At(n, "webhooks: want a list like [{url: '${SLACK_WEBHOOK}', format: slack}]")
	}
	var out []Webhook
	names := map[string]bool{}
	for i, item := range n.Content {
		w := Webhook{Format: FormatJSON}
		if item.Kind != yaml.MappingNode {
			return nil, yamlconf.At(item, "webhook: want a mapping like {url: '${HOOK}', format: slack}")
		}
		err := yamlconf.Pairs(item, func(k, v *yaml.Node) error {
			var err error
			switch k.Value {
			case "name":
				if w.Name, err = yamlconf.Scalar(v, k.Value); err == nil && !namePattern.MatchString(w.Name) {
					err = yamlconf.At(v, "webhook name %q: want letters, digits, '.', '_' and '-'", w.Name)
				}
			case "url":
				w.URL, err = yamlconf.Scalar(v, k.Value)
			case "format":
				if w.Format, err = yamlconf.Scalar(v, k.Value); err == nil && w.Format != FormatJSON && w.Format != FormatSlack {
					err = yamlconf.At(v, "format %q: want json or slack", w.Format)
				}
			case "on":
				w.On, err = parseEvents(v)
			default:
				err = yamlconf.At(k, "a webhook takes no %q (want %s)", k.Value, strings.Join(webhookKeys, ", "))
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		if w.URL == "" {
			return nil, yamlconf.At(item, "webhook: no url")
		}
		// The URL is not quoted back: it holds the secret.
		if u, err := url.Parse(w.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, yamlconf.At(item, "webhook: the url is not an http or https URL")
		}
		if w.Name == "" {
			w.Name = "webhook-" + strconv.Itoa(i+1)
		}
		if names[w.Name] {
			return nil, yamlconf.At(item, "webhook name %q is taken: give one a name", w.Name)
		}
		names[w.Name] = true
		out = append(out, w)
	}
	return out, nil
}

func parseEvents(n *yaml.Node) ([]Event, error) {
	list, err := yamlconf.StringList(n, "on")
	if err != nil {
		return nil, err
	}
	out := []Event{}
	for _, e := range list {
		if !slices.Contains(Events, Event(e)) {
			return nil, yamlconf.At(n, "on: unknown event %q (want failure, findings, anomaly, recovery)", e)
		}
		out = append(out, Event(e))
	}
	return out, nil
}

// Retain says which runs' report folders a job keeps (history keeps every
// run). The zero value keeps every folder. The latest run is always kept.
type Retain struct {
	// Runs keeps the newest this many runs; 0 means no limit.
	Runs int
	// Days keeps the runs of the last this many days before the run
	// that prunes; 0 means no limit.
	Days int
}

func parseRetain(n *yaml.Node) (Retain, error) {
	var r Retain
	if n.Kind != yaml.MappingNode {
		return r, yamlconf.At(n, "retain: want a mapping like {runs: 90, days: 180}")
	}
	err := yamlconf.Pairs(n, func(k, v *yaml.Node) error {
		var err error
		switch k.Value {
		case "runs":
			r.Runs, err = wholeAtLeast(v, k.Value, 1, "runs")
		case "days":
			r.Days, err = wholeAtLeast(v, k.Value, 1, "days")
		default:
			err = yamlconf.At(k, "retain takes no %q (want runs, days)", k.Value)
		}
		return err
	})
	return r, err
}

// wholeAtLeast reads a whole number no less than least.
func wholeAtLeast(v *yaml.Node, what string, least int, unit string) (int, error) {
	f, err := yamlconf.Number(v, what)
	if err != nil {
		return 0, err
	}
	if f < float64(least) || f != float64(int(f)) {
		return 0, yamlconf.At(v, "%s %s: want a whole number of %s, at least %d", what, v.Value, unit, least)
	}
	return int(f), nil
}

func positive(v *yaml.Node, what string) (float64, error) {
	f, err := yamlconf.Number(v, what)
	if err == nil && f <= 0 {
		err = yamlconf.At(v, "%s %s: want a positive number", what, v.Value)
	}
	return f, err
}

// duration reads a Go duration such as 30s, 10m or 24h; zeroOK allows 0.
func duration(v *yaml.Node, what string, zeroOK bool) (time.Duration, error) {
	s, err := yamlconf.Scalar(v, what)
	if err != nil {
		return 0, err
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 || (d == 0 && !zeroOK) {
		return 0, yamlconf.At(v, "%s %q: want a duration like 30s, 10m or 24h", what, s)
	}
	return d, nil
}
