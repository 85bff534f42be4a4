package job

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/plumb-data/plumb/source"
)

// Alert is one thing a run tells a webhook: a step that could not run, a
// step's findings, a metric's anomaly, or the recovery from earlier
// alerts. Key identifies it across runs, for suppression.
type Alert struct {
	Event   Event  `json:"event"`
	Key     string `json:"key"`
	Step    string `json:"step,omitempty"`
	Message string `json:"message"`
}

// AlertResult is what became of one webhook's alert in a run.
type AlertResult struct {
	Webhook string `json:"webhook"`
	// URL is the webhook's scheme and host only: the rest of a webhook
	// URL is usually its secret.
	URL string `json:"url"`
	// Alerts are the keys posted; Suppressed those held back because
	// they were posted less than notify.suppress ago.
	Alerts     []string `json:"alerts"`
	Suppressed []string `json:"suppressed,omitempty"`
	Delivered  bool     `json:"delivered"`
	Attempts   int      `json:"attempts"`
	// Status is the last HTTP status the webhook answered, 0 for none.
	Status int    `json:"status,omitempty"`
	Error  string `json:"error,omitempty"`
}

// AlertDocument is the body posted to a webhook of format json.
type AlertDocument struct {
	SchemaVersion int       `json:"schema_version"`
	Job           string    `json:"job"`
	Run           string    `json:"run"`
	At            time.Time `json:"at"`
	// ExitCode and Status are the run's data verdict.
	ExitCode int     `json:"exit_code"`
	Status   Status  `json:"status"`
	Events   []Event `json:"events"`
	Alerts   []Alert `json:"alerts"`
	// Suppressed counts the alerts held back as repeats.
	Suppressed int `json:"suppressed"`
	// Reports is the run's folder.
	Reports string `json:"reports"`
}

// alertsOf lists what a run has to tell, for every event but recovery.
func alertsOf(sum *Summary) []Alert {
	var out []Alert
	for _, s := range sum.Steps {
		switch s.Status {
		case StatusError:
			out = append(out, Alert{Event: EventFailure, Key: "failure/" + s.Name, Step: s.Name,
				Message: fmt.Sprintf("step %s (%s) could not run: %s", s.Name, s.Kind, s.Error)})
		case StatusFindings:
			out = append(out, Alert{Event: EventFindings, Key: "findings/" + s.Name, Step: s.Name,
				Message: fmt.Sprintf("step %s (%s) has findings: %s", s.Name, s.Kind, findingsText(s))})
		}
	}
	for _, a := range sum.Anomalies {
		name := MetricName(a.Metric, a.Column, a.Check)
		msg := fmt.Sprintf("%s %s = %s, expected %s to %s (median %s of %d runs)", a.Step, name,
			FormatNumber(a.Value), FormatNumber(a.Low), FormatNumber(a.High), FormatNumber(a.Median), len(a.History))
		if a.Bound != "" {
			msg = fmt.Sprintf("%s %s = %s, past its %s of %s", a.Step, name, FormatNumber(a.Value), a.Bound, FormatNumber(map[string]float64{"min": a.Low, "max": a.High}[a.Bound]))
		}
		out = append(out, Alert{Event: EventAnomaly, Key: "anomaly/" + a.Step + "/" + name, Step: a.Step, Message: msg})
	}
	return out
}

// findingsText says in a few words what a step found, from its metrics.
func findingsText(s StepSummary) string {
	var names []string
	switch s.Kind {
	case Check:
		names = []string{"checks_failed", "failing_rows", "rows_rejected"}
	case Diff:
		names = []string{"only_in_source", "only_in_target", "changed", "source_rejected", "target_rejected"}
	case Dedupe:
		names = []string{"links", "clusters"}
	default:
		names = []string{"rows_rejected"}
	}
	var parts []string
	for _, m := range s.Metrics {
		if m.Column == "" && m.Check == "" && m.Value != 0 && slices.Contains(names, m.Name) {
			parts = append(parts, fmt.Sprintf("%s %s", strings.ReplaceAll(m.Name, "_", " "), FormatNumber(m.Value)))
		}
	}
	if len(parts) == 0 {
		return "see its report"
	}
	return strings.Join(parts, ", ")
}

// MetricName names a metric with its column or check: null_share(email),
// failed[not_null_email].
func MetricName(metric, column, check string) string {
	switch {
	case column != "":
		return metric + "(" + column + ")"
	case check != "":
		return metric + "[" + check + "]"
	}
	return metric
}

// FormatNumber writes a metric's value with up to four decimals.
func FormatNumber(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.4f", f), "0"), ".")
}

// alertPlan is what one webhook is to be told of a run, and how its
// alert state in the history changes once it has been.
type alertPlan struct {
	hook       Webhook
	alerts     []Alert
	suppressed []string
	// cleared are the open alerts of earlier runs that this run no
	// longer has.
	cleared []string
}

// planAlerts decides, for each webhook, what the run tells it: the run's
// alerts of the webhook's events, less those posted less than Suppress
// ago, and a recovery when the run has none and earlier runs had some.
func planAlerts(sum *Summary, n Notify, open map[string]map[string]time.Time) []alertPlan {
	all := alertsOf(sum)
	var plans []alertPlan
	for _, w := range n.Webhooks {
		events := n.events(&w)
		p := alertPlan{hook: w}
		current := map[string]bool{}
		for _, a := range all {
			if !slices.Contains(events, a.Event) {
				continue
			}
			current[a.Key] = true
			if sent, ok := open[w.Name][a.Key]; ok && n.Suppress > 0 && sum.At.Sub(sent) < n.Suppress {
				p.suppressed = append(p.suppressed, a.Key)
				continue
			}
			p.alerts = append(p.alerts, a)
		}
		for key := range open[w.Name] {
			if !current[key] {
				p.cleared = append(p.cleared, key)
			}
		}
		slices.Sort(p.cleared)
		if len(current) == 0 && len(p.cleared) > 0 && slices.Contains(events, EventRecovery) {
			p.alerts = append(p.alerts, Alert{Event: EventRecovery, Key: "recovery",
				Message: fmt.Sprintf("recovered: no more %s", strings.Join(p.cleared, ", "))})
		}
		plans = append(plans, p)
	}
	return plans
}

// notifier posts alerts to webhooks.
type notifier struct {
	client *http.Client
	opts   Notify
	// sleep waits d, or until ctx is done.
	sleep func(ctx context.Context, d time.Duration) error
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// send posts each plan's alerts to its webhook; a plan with nothing to
// post is reported as delivered with no attempt.
func (nt *notifier) send(ctx context.Context, sum *Summary, runDir string, plans []alertPlan) []AlertResult {
	var out []AlertResult
	for _, p := range plans {
		res := AlertResult{Webhook: p.hook.Name, URL: RedactURL(p.hook.URL), Alerts: []string{}, Suppressed: p.suppressed, Delivered: true}
		for _, a := range p.alerts {
			res.Alerts = append(res.Alerts, a.Key)
		}
		if len(p.alerts) == 0 {
			if len(p.suppressed) > 0 {
				out = append(out, res)
			}
			continue
		}
		body, err := payload(p.hook.Format, sum, runDir, p)
		if err == nil {
			res.Attempts, res.Status, err = nt.post(ctx, p.hook.URL, body)
		}
		if err != nil {
			res.Delivered = false
			res.Error = redactHook(err.Error(), p.hook.URL)
		}
		out = append(out, res)
	}
	return out
}

// post posts body to a webhook until it answers 2xx, a 4xx other than
// 408 and 429 refuses it, the retries are spent, or the next wait would
// pass the timeout. The waits double from Backoff.
func (nt *notifier) post(ctx context.Context, hook string, body []byte) (attempts, status int, err error) {
	ctx, cancel := context.WithTimeoutCause(ctx, nt.opts.Timeout, fmt.Errorf("timed out after %s", nt.opts.Timeout))
	defer cancel()
	wait := nt.opts.Backoff
	for attempts = 1; ; attempts++ {
		status, err = postOnce(ctx, nt.client, hook, body)
		if err == nil {
			return attempts, status, nil
		}
		var perm *permanentError
		if errors.As(err, &perm) || attempts > *nt.opts.Retries || ctx.Err() != nil {
			break
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			err = fmt.Errorf("%w (no time left for a retry within %s)", err, nt.opts.Timeout)
			break
		}
		if serr := nt.sleep(ctx, wait); serr != nil {
			break
		}
		wait *= 2
	}
	return attempts, status, fmt.Errorf("gave up after %d attempt(s): %w", attempts, err)
}

// permanentError is an answer that retrying will not change.
type permanentError struct{ status int }

func (e *permanentError) Error() string {
	return fmt.Sprintf("the webhook refused the alert: HTTP %d", e.status)
}

func postOnce(ctx context.Context, client *http.Client, hook string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook, bytes.NewReader(body))
	if err != nil {
		return 0, errors.New("bad webhook url")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "plumb")
	resp, err := client.Do(req)
	if err != nil {
		// A url.Error quotes the URL: keep only its cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		if ctx.Err() != nil {
			err = context.Cause(ctx)
		}
		return 0, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return resp.StatusCode, nil
	case resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != 408 && resp.StatusCode != 429:
		return resp.StatusCode, &permanentError{resp.StatusCode}
	}
	return resp.StatusCode, fmt.Errorf("HTTP %d", resp.StatusCode)
}

// RedactURL shows a webhook URL as its scheme and host: its path and
// query usually hold its secret.
func RedactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "(webhook)"
	}
	return u.Scheme + "://" + u.Host + "/…"
}

// redactHook removes a webhook's URL, whole or in part, from a message.
func redactHook(msg, hook string) string {
	msg = strings.ReplaceAll(msg, hook, RedactURL(hook))
	if u, err := url.Parse(hook); err == nil && len(u.Path) > 1 {
		msg = strings.ReplaceAll(msg, u.Path, "/…")
	}
	return source.Redact(msg)
}

// payload is the body of a webhook's alert.
func payload(format string, sum *Summary, runDir string, p alertPlan) ([]byte, error) {
	var events []Event
	for _, a := range p.alerts {
		if !slices.Contains(events, a.Event) {
			events = append(events, a.Event)
		}
	}
	doc := AlertDocument{SchemaVersion: SchemaVersion, Job: sum.Job, Run: sum.Run, At: sum.At, ExitCode: sum.ExitCode,
		Status: statusOf(sum.ExitCode), Events: events, Alerts: p.alerts, Suppressed: len(p.suppressed), Reports: runDir}
	if format == FormatSlack {
		return json.Marshal(slackPayload(&doc))
	}
	return json.Marshal(doc)
}

// slackMax is how many alerts a Slack message lists; Slack cuts a
// section's text at 3000 characters.
const slackMax = 15

// slackPayload is a Slack incoming-webhook message: text (what
// notifications show) and blocks.
func slackPayload(doc *AlertDocument) map[string]any {
	title := headline(doc)
	var lines []string
	for i, a := range doc.Alerts {
		if i == slackMax {
			lines = append(lines, fmt.Sprintf("… and %d more", len(doc.Alerts)-slackMax))
			break
		}
		lines = append(lines, "• "+clip(slackEscape(a.Message), 180))
	}
	footer := fmt.Sprintf("run %s · exit %d · reports: %s", doc.Run, doc.ExitCode, slackEscape(doc.Reports))
	if doc.Suppressed > 0 {
		footer += fmt.Sprintf(" · %d repeat(s) suppressed", doc.Suppressed)
	}
	type obj = map[string]any
	return obj{
		"text": title,
		"blocks": []any{
			obj{"type": "section", "text": obj{"type": "mrkdwn", "text": "*" + slackEscape(title) + "*"}},
			obj{"type": "section", "text": obj{"type": "mrkdwn", "text": strings.Join(lines, "\n")}},
			obj{"type": "context", "elements": []any{obj{"type": "mrkdwn", "text": footer}}},
		},
	}
}

// headline says in a line what an alert is about.
func headline(doc *AlertDocument) string {
	counts := map[Event]int{}
	for _, a := range doc.Alerts {
		counts[a.Event]++
	}
	var parts []string
	for _, e := range []struct {
		ev          Event
		one, others string
	}{{EventFailure, "step could not run", "steps could not run"}, {EventFindings, "step with findings", "steps with findings"}, {EventAnomaly, "anomaly", "anomalies"}} {
		switch n := counts[e.ev]; n {
		case 0:
		case 1:
			parts = append(parts, "1 "+e.one)
		default:
			parts = append(parts, fmt.Sprintf("%d %s", n, e.others))
		}
	}
	if counts[EventRecovery] > 0 {
		parts = append(parts, "recovered")
	}
	return fmt.Sprintf("plumb job %s: %s", doc.Job, strings.Join(parts, ", "))
}

// slackEscape escapes the three characters Slack's mrkdwn gives meaning.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
