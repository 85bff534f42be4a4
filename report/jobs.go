package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// JobTrends are a job's last runs and every metric's values over them,
// as plumb history shows them and the dashboard draws them.
type JobTrends struct {
	SchemaVersion int      `json:"schema_version"`
	Job           string   `json:"job"`
	Runs          []JobRun `json:"runs"`
	Series        []Series `json:"series"`
	// LastSuccess is when the job's latest run whose every step ran
	// (exit code 0 or 1) ran, nil when none did.
	LastSuccess *time.Time `json:"last_success,omitempty"`
}

// JobRun is one run of a job, as its history holds it.
type JobRun struct {
	Run       string    `json:"run"`
	At        time.Time `json:"at"`
	ExitCode  int       `json:"exit_code"`
	Anomalies int       `json:"anomalies"`
	Seconds   float64   `json:"seconds"`
	// Pruned says the run's report folder is gone (retain:); its
	// metrics stay in the history.
	Pruned bool `json:"pruned,omitempty"`
}

// Series is one metric over a job's runs: Values line up with
// JobTrends.Runs, null where the run did not measure it.
type Series struct {
	Step   string     `json:"step"`
	Metric string     `json:"metric"`
	Column string     `json:"column,omitempty"`
	Check  string     `json:"check,omitempty"`
	Values []*float64 `json:"values"`
}

// Name names the series: step metric(column) or step metric[check].
func (s *Series) Name() string {
	name := s.Step + " " + s.Metric
	switch {
	case s.Column != "":
		name += "(" + s.Column + ")"
	case s.Check != "":
		name += "[" + s.Check + "]"
	}
	return name
}

// Dashboard is every job under a reports folder, for its index.html.
type Dashboard struct {
	// Generated is when the page was written.
	Generated time.Time
	Jobs      []*JobTrends
}

// KeyMetrics are the metrics the dashboard draws for each job, where a
// step measures them: volumes, rejects, failures, differences,
// duplicates.
var KeyMetrics = []string{"rows_loaded", "source_rows", "target_rows", "records",
	"rows_rejected", "source_rejected", "target_rejected",
	"failing_rows", "checks_failed", "only_in_source", "only_in_target", "changed", "links"}

//go:embed html/jobs.tmpl
var jobsTmpl string

var jobTemplates = template.Must(template.Must(templates.Clone()).Funcs(template.FuncMap{
	"spark":    sparkSVG,
	"chart":    chartSVG,
	"status":   runStatus,
	"when":     func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"pathEsc":  url.PathEscape,
	"lastRun":  func(tr *JobTrends) JobRun { return tr.Runs[len(tr.Runs)-1] },
	"keySerie": keySeries,
	"latest":   latestValue,
	"rev":      reversed,
}).Parse(jobsTmpl))

// WriteDashboard writes the dashboard of a reports folder: every job,
// its latest run's status, the freshness of its last successful run,
// sparklines of its key metrics, and links to its runs' folders and its
// history page (JOB/history.html). The page is self-contained.
func WriteDashboard(w io.Writer, d *Dashboard) error {
	jobs := slices.Clone(d.Jobs)
	slices.SortFunc(jobs, func(a, b *JobTrends) int { return strings.Compare(a.Job, b.Job) })
	p := page{Title: "plumb jobs", Subtitle: fmt.Sprintf("%d jobs · written %s", len(jobs), d.Generated.UTC().Format("2006-01-02 15:04 UTC")), Kind: "dashboard"}
	return writeJobPage(w, p, "dashboard", struct {
		Jobs []*JobTrends
		Now  time.Time
	}{jobs, d.Generated})
}

// WriteJobHistory writes a job's history page: its runs, with links to
// their folders (relative to the page: the page sits in the job's
// folder), and a chart of every metric.
func WriteJobHistory(w io.Writer, tr *JobTrends) error {
	sub := "no runs"
	if n := len(tr.Runs); n > 0 {
		sub = fmt.Sprintf("%d runs, %s to %s", n, tr.Runs[0].Run, tr.Runs[n-1].Run)
	}
	p := page{Title: "History of job " + tr.Job, Subtitle: sub, Kind: "history"}
	return writeJobPage(w, p, "history", tr)
}

func writeJobPage(w io.Writer, p page, tmpl string, view any) error {
	var body bytes.Buffer
	if err := jobTemplates.ExecuteTemplate(&body, tmpl, view); err != nil {
		return fmt.Errorf("report: html: %w", err)
	}
	p.Body, p.CSS, p.JS, p.Version = template.HTML(body.String()), template.CSS(pageCSS+jobsCSS), template.JS(pageJS), SchemaVersion
	return jobTemplates.ExecuteTemplate(w, "page", p)
}

// jobsCSS styles what only the job pages have.
const jobsCSS = `
.runs{display:inline-flex;gap:2px;vertical-align:middle}
.runs a{display:block;width:9px;height:18px;border-radius:2px;background:var(--ok)}
.runs a.findings{background:var(--warn)}.runs a.error{background:var(--fail)}
.spark{vertical-align:middle}.spark polyline,.chart polyline{fill:none;stroke:var(--accent);stroke-width:1.5}
.chart circle{fill:var(--accent)}.chart circle.findings{fill:var(--warn)}.chart circle.error{fill:var(--fail)}
.chart text{font-size:10px;fill:var(--muted)}.chart line{stroke:var(--line)}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:12px}
.charts figure{margin:0;background:var(--card);border:1px solid var(--line);border-radius:6px;padding:8px 10px}
.charts figcaption{font-size:12px;margin-bottom:4px}
.kpis{display:grid;grid-template-columns:repeat(2,225px);gap:2px 12px}
.kpi{display:flex;align-items:center;gap:6px;font-size:12px}
.kpi span{flex:1;color:var(--muted);white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.kpi b{min-width:44px;text-align:right;font-weight:600;font-variant-numeric:tabular-nums}
`

// runStatus is the status an exit code stands for.
func runStatus(code int) string {
	switch code {
	case 0:
		return "clean"
	case 1:
		return "findings"
	}
	return "error"
}

// keySeries are a job's series of key metrics (whole steps), in the
// order of KeyMetrics.
func keySeries(tr *JobTrends) []Series {
	var out []Series
	for _, m := range KeyMetrics {
		for _, s := range tr.Series {
			if s.Metric == m && s.Column == "" && s.Check == "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// latestValue is a series' last value, or "" when its last run did not
// measure it.
func latestValue(s Series) string {
	if n := len(s.Values); n > 0 && s.Values[n-1] != nil {
		return shortNumber(*s.Values[n-1])
	}
	return ""
}

func reversed(runs []JobRun) []JobRun {
	out := slices.Clone(runs)
	slices.Reverse(out)
	return out
}

// scale maps a series' values to y pixels between top and bottom.
func scale(values []*float64, top, bottom float64) func(v float64) float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if v != nil {
			lo, hi = min(lo, *v), max(hi, *v)
		}
	}
	return func(v float64) float64 {
		if hi == lo {
			return (top + bottom) / 2
		}
		return bottom - (v-lo)/(hi-lo)*(bottom-top)
	}
}

func coord(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

// sparkSVG draws a series as a small line, oldest on the left.
func sparkSVG(s Series) template.HTML {
	const w, h = 70.0, 20.0
	y := scale(s.Values, 2, h-2)
	var pts []string
	n := len(s.Values)
	for i, v := range s.Values {
		if v == nil {
			continue
		}
		x := w / 2
		if n > 1 {
			x = 2 + float64(i)*(w-4)/float64(n-1)
		}
		pts = append(pts, coord(x)+","+coord(y(*v)))
	}
	return template.HTML(fmt.Sprintf(`<svg class="spark" width="%g" height="%g" viewBox="0 0 %g %g" role="img" aria-label="%s"><polyline points="%s"/></svg>`,
		w, h, w, h, template.HTMLEscapeString(s.Name()), strings.Join(pts, " ")))
}

// chartSVG draws a series over a job's runs with its range on the axis
// and a dot per run, coloured by the run's status.
func chartSVG(s Series, runs []JobRun) template.HTML {
	const w, h, left, top, bottom = 320.0, 110.0, 44.0, 8.0, 92.0
	y := scale(s.Values, top, bottom)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range s.Values {
		if v != nil {
			lo, hi = min(lo, *v), max(hi, *v)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" width="%g" height="%g" viewBox="0 0 %g %g" role="img" aria-label="%s">`, w, h, w, h, template.HTMLEscapeString(s.Name()))
	if !math.IsInf(lo, 0) {
		fmt.Fprintf(&b, `<line x1="%g" y1="%g" x2="%g" y2="%g"/><line x1="%g" y1="%g" x2="%g" y2="%g"/>`, left, top, w-4, top, left, bottom, w-4, bottom)
		fmt.Fprintf(&b, `<text x="0" y="%g">%s</text><text x="0" y="%g">%s</text>`, top+4, shortNumber(hi), bottom+4, shortNumber(lo))
	}
	n := len(s.Values)
	x := func(i int) float64 {
		if n < 2 {
			return (left + w) / 2
		}
		return left + 4 + float64(i)*(w-left-12)/float64(n-1)
	}
	var pts []string
	var dots strings.Builder
	for i, v := range s.Values {
		if v == nil {
			continue
		}
		pts = append(pts, coord(x(i))+","+coord(y(*v)))
		status := ""
		if i < len(runs) {
			status = runStatus(runs[i].ExitCode)
		}
		fmt.Fprintf(&dots, `<circle class="%s" cx="%s" cy="%s" r="2.5"><title>%s: %s</title></circle>`, status, coord(x(i)), coord(y(*v)),
			template.HTMLEscapeString(runName(runs, i)), shortNumber(*v))
	}
	fmt.Fprintf(&b, `<polyline points="%s"/>%s`, strings.Join(pts, " "), dots.String())
	if n > 0 && len(runs) == n {
		fmt.Fprintf(&b, `<text x="%g" y="%g">%s</text><text x="%g" y="%g" text-anchor="end">%s</text>`,
			left, h-2, runs[0].At.UTC().Format("01-02"), w-4, h-2, runs[n-1].At.UTC().Format("01-02"))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func runName(runs []JobRun, i int) string {
	if i < len(runs) {
		return runs[i].Run
	}
	return ""
}
