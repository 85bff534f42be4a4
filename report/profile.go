package report

import (
	"bufio"
	"cmp"
	"fmt"
	"github.com/plumb-data/plumb/internal/numfmt"
	"github.com/plumb-data/plumb/result"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

func textProfile(w *bufio.Writer, r *result.Profile) {
	fmt.Fprintf(w, "%s: %s, %s, %s rejected at load, %s%s\n", r.Source, numfmt.Count(r.Rows, "row"), numfmt.Count(int64(r.ColumnCount), "column"), num(r.RowsRejected), numfmt.Count(r.DuplicateRows, "duplicate row"), within(r))
	switch {
	case r.Sampled != "" && r.SourceRows > 0:
		fmt.Fprintf(w, "  sampled %s of %s rows; distinct counts over every row, estimated where marked ~\n", r.Sampled, num(r.SourceRows))
	case r.Sampled != "":
		fmt.Fprintf(w, "  sampled %s of the rows\n", r.Sampled)
	case r.SourceRows > 0:
		fmt.Fprintf(w, "  distinct counts estimated where marked ~\n")
	}
	textPushdown(w, r.Pushdown)
	var keys []string
	for _, k := range r.KeyCandidates {
		keys = append(keys, strings.Join(k, "+"))
	}
	if len(keys) == 0 {
		keys = []string{"none"}
	}
	fmt.Fprintf(w, "  key candidates%s: %s\n", within(r), clip(strings.Join(keys, ", "), width-18-len(within(r))))
	for _, c := range r.Columns {
		fmt.Fprintf(w, "\n%s  %s", c.Name, c.InferredType)
		if c.SemanticType != "" {
			fmt.Fprintf(w, ", %s", c.SemanticType)
		}
		fmt.Fprintf(w, "  (%s distinct, %s unique)\n", distinct(c), pct(c.Uniqueness))
		fmt.Fprintf(w, "  missing    %s null, %s empty, %s blank, %s sentinel\n", cnt(c.Nulls), cnt(c.Empty), cnt(c.Whitespace), cnt(c.Sentinels))
		var conf []string
		for _, s := range c.Conformity {
			if s.Count > 0 {
				conf = append(conf, fmt.Sprintf("%s %s", s.Value, pct(s.Share)))
			}
		}
		detail(w, "conforms", conf)
		var fs []string
		for _, f := range c.DateFormats {
			fs = append(fs, fmt.Sprintf("%s %s", f.Value, pct(f.Share)))
		}
		detail(w, "formats", fs)
		if len(c.InvalidExamples) > 0 {
			fmt.Fprintf(w, "  invalid    %s\n", clip(quoteAll(c.InvalidExamples), width-13))
		}
		if n := c.Numeric; n != nil {
			if c.InferredType == result.TypeInteger || c.InferredType == result.TypeDecimal {
				fmt.Fprintf(w, "  range      %s .. %s, mean %s, sd %s\n", n.MinValue, n.MaxValue, shortNumber(n.Mean), shortNumber(n.Stddev))
				fmt.Fprintf(w, "  quantiles  p1 %s  p25 %s  p50 %s  p75 %s  p99 %s\n", shortNumber(n.Quantiles["p1"]), shortNumber(n.Quantiles["p25"]), shortNumber(n.Quantiles["p50"]), shortNumber(n.Quantiles["p75"]), shortNumber(n.Quantiles["p99"]))
			} else {
				fmt.Fprintf(w, "  range      %s .. %s, median %s\n", n.MinValue, n.MaxValue, unixDate(n.Quantiles["p50"]))
			}
		}
		l := c.Length
		fmt.Fprintf(w, "  length     %d..%d, mean %s, p50 %d, p95 %d\n", l.Min, l.Max, shortNumber(l.Mean), l.P50, l.P95)
		var over []string
		for _, o := range l.Over {
			if o.Count > 0 {
				over = append(over, fmt.Sprintf("for %d: %s", o.Limit, num(o.Count)))
			}
		}
		detail(w, "too long", over)
		fmt.Fprintf(w, "  patterns   %s\n", clip(topShares(c.Patterns, 3), width-13))
		fmt.Fprintf(w, "  top        %s\n", clip(topShares(c.Top, 3), width-13))
		for _, e := range estimates(c) {
			wrapped(w, "  estimated  ", e)
		}
		for _, f := range c.Findings {
			ex := ""
			if len(f.Examples) > 0 {
				ex = ": " + quoteAll(f.Examples)
			}
			wrapped(w, "  finding    ", fmt.Sprintf("%s %s%s", strings.ReplaceAll(f.Value, "_", " "), num(f.Count), ex))
		}
	}
	if d := r.Drift; d != nil {
		fmt.Fprintf(w, "\ndrift since %s: %s\n", d.Baseline, numfmt.Count(int64(len(d.Changes)), "change"))
		for _, ch := range d.Changes {
			col := ""
			if ch.Column != "" {
				col = ch.Column + ": "
			}
			wrapped(w, fmt.Sprintf("  %-16s ", ch.Kind), fmt.Sprintf("%s%s -> %s; %s", col, ch.Before, ch.After, ch.Detail))
		}
	}
}

// within says, of a profile of some columns only, that duplicate rows and
// key candidates are within those columns.
func within(r *result.Profile) string {
	if r.ColumnsSelected {
		return " among the columns profiled"
	}
	return ""
}

func cnt(c result.Count) string {
	if c.Count == 0 {
		return "0"
	}
	return num(c.Count) + " (" + pct(c.Share) + ")"
}

// shortNumber writes a statistic for people: integers exactly (an id or a
// yyyymmdd date must not read 1.06987e+06), large values with two
// decimals, the rest to six significant digits.
func shortNumber(f float64) string {
	switch a := math.Abs(f); {
	case f == math.Trunc(f) && a < 1e15:
		return strconv.FormatFloat(f, 'f', 0, 64) // an id or a yyyymmdd date, exactly
	case a >= 1e5 && a < 1e15:
		return strconv.FormatFloat(f, 'f', 2, 64)
	}
	return strconv.FormatFloat(f, 'g', 6, 64)
}

// unixDate shows Unix seconds as a UTC date, or date and time.
func unixDate(sec float64) string {
	t := time.Unix(int64(sec), 0).UTC()
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04:05")
}

func quoteAll(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = strconv.Quote(clip(v, 30))
	}
	return strings.Join(q, ", ")
}

func topShares(ss []result.Share, k int) string {
	var out []string
	for i, s := range ss {
		if i == k {
			break
		}
		out = append(out, fmt.Sprintf("%s %s", strconv.Quote(clip(s.Value, 24)), pct(s.Share)))
	}
	return strings.Join(out, ", ")
}

// distinct is a column's distinct count, marked ~ when estimated.
func distinct(c result.ProfileColumn) string {
	if c.DistinctApprox {
		return "~" + num(c.Distinct)
	}
	return num(c.Distinct)
}

func markdownProfile(w *bufio.Writer, r *result.Profile) {
	fmt.Fprintf(w, "## profile %s\n\n%s, %s, %s rejected at load, %s%s\n\n", mdCode(r.Source), numfmt.Count(r.Rows, "row"), numfmt.Count(int64(r.ColumnCount), "column"), num(r.RowsRejected), numfmt.Count(r.DuplicateRows, "duplicate row"), within(r))
	if r.Sampled != "" {
		fmt.Fprintf(w, "Sampled %s of %s rows.\n\n", r.Sampled, cmp.Or(num(r.SourceRows), "the"))
	}
	if r.SourceRows > 0 {
		fmt.Fprintf(w, "Distinct counts marked ~ are estimates over every row.\n\n")
	}
	fmt.Fprintf(w, "| column | type | semantic | distinct | null | empty | sentinel | length | top pattern | findings |\n|---|---|---|---:|---:|---:|---:|---|---|---|\n")
	for _, c := range r.Columns {
		top := ""
		if len(c.Patterns) > 0 {
			top = mdCode(clip(c.Patterns[0].Value, 30)) + " " + pct(c.Patterns[0].Share)
		}
		var fs []string
		for _, f := range c.Findings {
			fs = append(fs, strings.ReplaceAll(f.Value, "_", " ")+" "+num(f.Count))
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %d..%d | %s | %s |\n", mdEscape(c.Name), c.InferredType, c.SemanticType, distinct(c),
			pct(c.Nulls.Share), pct(c.Empty.Share), pct(c.Sentinels.Share), c.Length.Min, c.Length.Max, top, mdEscape(strings.Join(fs, ", ")))
	}
	var est []string
	for _, c := range r.Columns {
		for _, e := range estimates(c) {
			est = append(est, "- "+mdEscape(c.Name)+": "+mdEscape(e))
		}
	}
	if len(est) > 0 {
		fmt.Fprintf(w, "\nEstimated (every other metric is exact):\n\n%s\n", strings.Join(est, "\n"))
	}
	if d := r.Drift; d != nil {
		fmt.Fprintf(w, "\n### drift since %s\n\n| kind | column | before | after | detail |\n|---|---|---|---|---|\n", mdCode(d.Baseline))
		for _, ch := range d.Changes {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", ch.Kind, mdEscape(ch.Column), mdEscape(ch.Before), mdEscape(ch.After), mdEscape(ch.Detail))
		}
	}
}

// detail writes a labelled line of a column's details, its parts joined,
// when it has any.
func detail(w io.Writer, label string, parts []string) {
	if len(parts) > 0 {
		fmt.Fprintf(w, "  %-11s%s\n", label, clip(strings.Join(parts, ", "), width-13))
	}
}

// estimates says, for each metric of a column that was estimated rather
// than computed exactly, how and within what error.
func estimates(c result.ProfileColumn) []string {
	var out []string
	for _, m := range c.Methods {
		if !m.Approximate() {
			continue
		}
		var how string
		switch m.Method {
		case result.MethodHyperLogLog:
			how = fmt.Sprintf("HyperLogLog, standard error %s", pctError(m.Error))
		case result.MethodKLL:
			how = fmt.Sprintf("KLL sketch, rank error within %s", pctError(m.Error))
		case result.MethodHashSample:
			how = fmt.Sprintf("1 in %s values, scaled up, standard error %s", num(int64(math.Round(1/m.SampleRate))), numfmt.Count(int64(m.Error), "row"))
			if m.Error == 0 {
				how = fmt.Sprintf("1 in %s values, none there", num(int64(math.Round(1/m.SampleRate))))
			}
		default:
			how = m.Method
		}
		metric := map[string]string{result.MetricDistinct: "distinct", result.MetricQuantiles: "quantiles, histogram, skew",
			result.MetricCaseVariants: "case variants"}[m.Metric]
		out = append(out, cmp.Or(metric, m.Metric)+": "+how)
	}
	return out
}

// pctError writes an error given as a share, as a percentage.
func pctError(f float64) string {
	return strconv.FormatFloat(f*100, 'g', 4, 64) + "%"
}
