package report

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"

	"github.com/plumb-data/plumb/result"
)

func textLink(w *bufio.Writer, r *result.Link) {
	fmt.Fprintf(w, "%s ↔ %s: %s matches\n", r.Left.Source, r.Right.Source, num(r.Matches))
	for _, s := range []struct {
		name string
		side result.LinkSide
	}{{"left ", r.Left}, {"right", r.Right}} {
		fmt.Fprintf(w, "  %s            %s records, %s matched, %s unmatched%s\n", s.name, num(s.side.Records), num(s.side.Matched), num(s.side.Unmatched), multiple(s.side))
	}
	var fields []string
	for _, f := range r.Fields {
		fields = append(fields, fieldMap(f))
	}
	fmt.Fprintf(w, "  fields           %s\n", clip(strings.Join(fields, ", "), width-19))
	for i, rule := range r.Rules {
		fmt.Fprintf(w, "  blocking rule %d  %s: %s pairs\n", i+1, clip(strings.Join(rule.Keys, ", "), 40), num(rule.Pairs))
	}
	fmt.Fprintf(w, "  candidate pairs  %s (left × right)\n", num(r.CandidatePairs))
	one := ""
	if r.OneToOne {
		one = fmt.Sprintf(", %s kept one-to-one", num(r.Matches))
	}
	fmt.Fprintf(w, "  links            %s at match probability >= %s%s\n", num(r.Links), strconv.FormatFloat(r.Threshold, 'g', -1, 64), one)
	fmt.Fprintf(w, "  model            prior %.3g that a left and a right record match, %d EM iterations\n", r.Lambda, r.EMIterations)
	for _, warn := range r.Warnings {
		fmt.Fprintf(w, "  warning          %s\n", warn.Message)
	}
	textModel(w, r.Model)
	if len(r.Weakest) > 0 {
		fmt.Fprintf(w, "\n  weakest matches (left id – right id, weight, then each field's level and weight)\n")
		for _, l := range r.Weakest {
			var parts []string
			for _, f := range l.Fields {
				parts = append(parts, fmt.Sprintf("%s %s %.2f", f.Column, f.Level, f.Weight))
			}
			fmt.Fprintf(w, "    %s – %s  %.2f  %s\n", l.A, l.B, l.Weight, clip(strings.Join(parts, ", "), width-10))
		}
	}
	if t := r.Truth; t != nil {
		fmt.Fprintf(w, "\n  against %s: precision %.4f, recall %.4f, F1 %.4f\n", truthColumns(t), t.Precision, t.Recall, t.F1)
		fmt.Fprintf(w, "  %s true pairs, %s predicted, %s both\n", num(t.TruePairs), num(t.PredictedPairs), num(t.TruePositivePairs))
	}
	var stages []string
	for _, s := range r.Stages {
		stages = append(stages, fmt.Sprintf("%s %.2fs", s.Name, s.Seconds))
	}
	fmt.Fprintf(w, "\n  elapsed          %s\n", strings.Join(stages, ", "))
}

func markdownLink(w *bufio.Writer, r *result.Link) {
	fmt.Fprintf(w, "## link %s ↔ %s\n\n", mdCode(r.Left.Source), mdCode(r.Right.Source))
	fmt.Fprintf(w, "| | left | right |\n|---|---:|---:|\n")
	fmt.Fprintf(w, "| records | %s | %s |\n| matched | %s | %s |\n| in several matches | %s | %s |\n| unmatched | %s | %s |\n",
		num(r.Left.Records), num(r.Right.Records), num(r.Left.Matched), num(r.Right.Matched),
		num(r.Left.Multiple), num(r.Right.Multiple), num(r.Left.Unmatched), num(r.Right.Unmatched))
	one := ""
	if r.OneToOne {
		one = " (one-to-one)"
	}
	fmt.Fprintf(w, "\n%s candidate pairs, %s links at p ≥ %s, %s matches%s\n", num(r.CandidatePairs), num(r.Links),
		strconv.FormatFloat(r.Threshold, 'g', -1, 64), num(r.Matches), one)
	fmt.Fprintf(w, "\n| blocking rule | pairs |\n|---|---:|\n")
	for _, rule := range r.Rules {
		fmt.Fprintf(w, "| %s | %s |\n", mdEscape(strings.Join(rule.Keys, ", ")), num(rule.Pairs))
	}
	if len(r.Warnings) > 0 {
		fmt.Fprintf(w, "\n")
		for _, warn := range r.Warnings {
			fmt.Fprintf(w, "- **warning:** %s\n", mdEscape(warn.Message))
		}
	}
	markdownModel(w, r.Model)
	if t := r.Truth; t != nil {
		fmt.Fprintf(w, "\nAgainst %s: precision %.4f, recall %.4f, F1 %.4f\n", mdEscape(truthColumns(t)), t.Precision, t.Recall, t.F1)
	}
}

// multiple says how many records of a side are in several matches.
func multiple(s result.LinkSide) string {
	if s.Multiple == 0 {
		return ""
	}
	return fmt.Sprintf(", %s in several matches", num(s.Multiple))
}

// fieldMap names a field and, where they differ, its column on each side.
func fieldMap(f result.LinkFieldMap) string {
	if f.Left == f.Column && f.Right == f.Column {
		return f.Column
	}
	return fmt.Sprintf("%s (%s=%s)", f.Column, f.Left, f.Right)
}

// truthColumns names the label columns of a link's truth.
func truthColumns(t *result.LinkAccuracy) string {
	if t.Left == t.Right {
		return t.Left
	}
	return t.Left + "=" + t.Right
}
