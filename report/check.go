package report

import (
	"bufio"
	"fmt"
	"github.com/plumb-data/plumb/internal/numfmt"
	"github.com/plumb-data/plumb/result"
	"strconv"
	"strings"
)

// sampleText writes a failing value for a report line.
func sampleText(s result.CheckSample, unit string, n int) string {
	if s.Group != "" {
		// A group of an aggregate check, and its measure.
		v := "no values"
		if !s.Null {
			v = s.Value
		}
		return "group " + clip(s.Group, n) + ": " + v
	}
	v := "NULL"
	if !s.Null {
		v = strconv.Quote(clip(s.Value, n))
	}
	at := fmt.Sprintf("%s %d", unit, s.Line)
	if s.File != "" {
		at = s.File + " " + at
	}
	if s.Reason != "" {
		v = s.Reason + " " + v
	}
	return at + ": " + v
}

// checkCounts writes "12 of 3,000 rows fail (0.40%), allowed 0" or a
// dataset check's detail.
func checkCounts(c result.CheckResult) string {
	switch {
	case c.Detail != "":
		return c.Detail
	case c.Kind == result.KindLoad:
		return fmt.Sprintf("%s of %s rows read were rejected at load and not checked (%s)", num(c.Failed), num(c.Rows), pct(c.Share))
	case c.Rows == 0:
		return "no rows to check"
	case c.Failed == 0 && c.Rows == 1:
		return "the one row passes"
	case c.Failed == 0:
		return fmt.Sprintf("all %s rows pass", num(c.Rows))
	}
	return fmt.Sprintf("%s of %s fail (%s), allowed %s", num(c.Failed), numfmt.Count(c.Rows, "row"), pct(c.Share), c.Threshold)
}

func textCheck(w *bufio.Writer, r *result.Check) {
	title := r.Source
	if r.Dataset != "" {
		title = r.Dataset + " (" + r.Source + ")"
	}
	verdict := "PASSED"
	switch {
	case r.Summary.Failed > 0:
		verdict = "FAILED"
	case r.Summary.Warned > 0:
		verdict = "PASSED with warnings"
	}
	fmt.Fprintf(w, "%s: %s\n", title, verdict)
	fmt.Fprintf(w, "  checks   %d passed, %d warned, %d failed\n", r.Summary.Passed, r.Summary.Warned, r.Summary.Failed)
	fmt.Fprintf(w, "  rows     %s checked, %s fail a row check", num(r.Rows), num(r.FailingRows))
	if r.RowsRejected > 0 {
		fmt.Fprintf(w, ", %s rejected at load and not checked", num(r.RowsRejected))
	}
	w.WriteString("\n")
	textPushdown(w, r.Pushdown)
	w.WriteString("\n")
	for _, c := range r.Checks {
		mark := map[string]string{result.StatusPass: "ok  ", result.StatusWarn: "WARN", result.StatusFail: "FAIL"}[c.Status]
		fmt.Fprintf(w, "  %s  %s\n", mark, clip(c.Name, width-8))
		wrapped(w, "        ", checkCounts(c))
		for _, s := range c.Samples {
			wrapped(w, "          ", sampleText(s, r.LineUnit, 48))
		}
	}
}

func markdownCheck(w *bufio.Writer, r *result.Check) {
	title := r.Source
	if r.Dataset != "" {
		title = r.Dataset + " (`" + r.Source + "`)"
	}
	fmt.Fprintf(w, "# Checks: %s\n\n", title)
	fmt.Fprintf(w, "%d passed, %d warned, %d failed. %s rows checked, %s fail at least one row check",
		r.Summary.Passed, r.Summary.Warned, r.Summary.Failed, num(r.Rows), num(r.FailingRows))
	if r.RowsRejected > 0 {
		fmt.Fprintf(w, "; %s rejected at load", num(r.RowsRejected))
	}
	w.WriteString(".\n\n| status | check | failing | share | allowed | samples |\n|---|---|---:|---:|---:|---|\n")
	for _, c := range r.Checks {
		failing, share, allowed := num(c.Failed), pct(c.Share), c.Threshold.String()
		samples := make([]string, len(c.Samples))
		for i, s := range c.Samples {
			samples[i] = mdEscape(sampleText(s, r.LineUnit, 40))
		}
		if c.Detail != "" {
			failing, share, allowed = "", "", ""
			samples = append([]string{mdEscape(c.Detail)}, samples...)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", strings.ToUpper(c.Status), mdEscape(c.Name), failing, share, allowed,
			strings.Join(samples, "<br>"))
	}
}
