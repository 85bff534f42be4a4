package report

import (
	"bufio"
	"fmt"
	"github.com/plumb-data/plumb/internal/numfmt"
	"github.com/plumb-data/plumb/result"
	"strconv"
	"strings"
)

func textDedupe(w *bufio.Writer, r *result.Dedupe) {
	fmt.Fprintf(w, "%s: %s records, %s clusters, %s duplicates (%s)\n", r.Source, num(r.Records), num(r.Clusters),
		num(r.Records-r.Clusters), pct(r.DuplicateShare))
	fmt.Fprintf(w, "  fields           %s\n", clip(strings.Join(r.Fields, ", "), width-19))
	for i, rule := range r.Rules {
		fmt.Fprintf(w, "  blocking rule %d  %s: %s pairs\n", i+1, clip(strings.Join(rule.Keys, ", "), 40), num(rule.Pairs))
	}
	fmt.Fprintf(w, "  candidate pairs  %s\n", num(r.CandidatePairs))
	fmt.Fprintf(w, "  links            %s at match probability >= %s\n", num(r.Links), strconv.FormatFloat(r.Threshold, 'g', -1, 64))
	var sizes []string
	for _, s := range r.ClusterSizes {
		sizes = append(sizes, fmt.Sprintf("%s×%d", num(s.Clusters), s.Size))
	}
	fmt.Fprintf(w, "  cluster sizes    %s\n", clip(strings.Join(sizes, ", "), width-19))
	fmt.Fprintf(w, "  model            prior %.3g that two records match, %d EM iterations\n", r.Lambda, r.EMIterations)
	for _, warn := range r.Warnings {
		fmt.Fprintf(w, "  warning          %s\n", warn.Message)
	}
	textModel(w, r.Model)
	if len(r.WeakClusters) > 0 {
		fmt.Fprintf(w, "\n  weak clusters (one link barely over the threshold, the rest far above): %d\n", len(r.WeakClusters))
		for i, c := range r.WeakClusters {
			if i == 10 {
				fmt.Fprintf(w, "    …\n")
				break
			}
			fmt.Fprintf(w, "    cluster %d: %s, weakest link %.2f, average %.2f\n", c.Cluster, numfmt.Count(int64(c.Size), "record"), c.MinWeight, c.AvgWeight)
		}
	}
	if t := r.Truth; t != nil {
		fmt.Fprintf(w, "\n  against %s: pairwise precision %.4f, recall %.4f, F1 %.4f\n", t.Column, t.Precision, t.Recall, t.F1)
		fmt.Fprintf(w, "  %s true pairs, %s predicted, %s both; B³ precision %.4f, recall %.4f, F1 %.4f\n",
			num(t.TruePairs), num(t.PredictedPairs), num(t.TruePositivePairs), t.B3Precision, t.B3Recall, t.B3F1)
	}
	var stages []string
	for _, s := range r.Stages {
		stages = append(stages, fmt.Sprintf("%s %.2fs", s.Name, s.Seconds))
	}
	fmt.Fprintf(w, "\n  elapsed          %s\n", strings.Join(stages, ", "))
}

func markdownDedupe(w *bufio.Writer, r *result.Dedupe) {
	fmt.Fprintf(w, "## dedupe %s\n\n", mdCode(r.Source))
	fmt.Fprintf(w, "| | |\n|---|---:|\n| records | %s |\n| candidate pairs | %s |\n| links | %s |\n| clusters | %s |\n| duplicate share | %s |\n",
		num(r.Records), num(r.CandidatePairs), num(r.Links), num(r.Clusters), pct(r.DuplicateShare))
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
		fmt.Fprintf(w, "\nAgainst %s: precision %.4f, recall %.4f, F1 %.4f (B³ F1 %.4f)\n", mdCode(t.Column), t.Precision, t.Recall, t.F1, t.B3F1)
	}
}

// untrainedMark is mark when no EM session learned the field's m (its m
// are starting values), else nothing.
func untrainedMark(f result.FieldModel, mark string) string {
	if f.Trained {
		return ""
	}
	return mark
}

// textModel lists each field's levels with m, u and weight.
func textModel(w *bufio.Writer, model []result.FieldModel) {
	fmt.Fprintf(w, "\n  %-20s %-13s %-7s %9s %9s %8s\n", "field", "compare", "level", "m", "u", "weight")
	for _, f := range model {
		for _, l := range f.Levels {
			if l.Level == "null" {
				continue
			}
			fmt.Fprintf(w, "  %-20s %-13s %-7s %9.5f %9.5f %8.2f%s%s\n", clip(f.Column, 20), f.Compare, l.Level, l.M, l.U, l.Weight,
				untrainedMark(f, "  m untrained"), tfMark(f, l, "  u by term frequency"))
		}
	}
}

// markdownModel is textModel as a Markdown table.
func markdownModel(w *bufio.Writer, model []result.FieldModel) {
	fmt.Fprintf(w, "\n| field | level | m | u | weight |\n|---|---|---:|---:|---:|\n")
	for _, f := range model {
		for _, l := range f.Levels {
			if l.Level != "null" {
				fmt.Fprintf(w, "| %s | %s | %.5f%s | %.5f%s | %.2f |\n", mdEscape(f.Column), l.Level, l.M, untrainedMark(f, " (untrained)"), l.U,
					tfMark(f, l, " (by term frequency)"), l.Weight)
			}
		}
	}
}

// tfMark is mark on the exact level of a field weighed by term
// frequency: its u, and so its weight, are the average of the values'.
func tfMark(f result.FieldModel, l result.LevelModel, mark string) string {
	if f.TermFrequency && l.Level == "exact" {
		return mark
	}
	return ""
}
