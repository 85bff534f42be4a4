package report

import (
	"bufio"
	"fmt"
	"github.com/plumb-data/plumb/internal/numfmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/plumb-data/plumb/result"
	"github.com/plumb-data/plumb/source"
)

func str(p *string) string {
	if p == nil {
		return "NULL"
	}
	return strconv.Quote(*p)
}

func pct(share float64) string {
	return strconv.FormatFloat(share*100, 'f', 2, 64) + "%"
}

// keyNames writes the key columns, a pair of differing names joined by
// sep.
func keyNames(r *result.Diff, sep string) []string {
	var ks []string
	for _, k := range r.Keys {
		if k.Source == k.Target {
			ks = append(ks, k.Source)
		} else {
			ks = append(ks, k.Source+sep+k.Target)
		}
	}
	return ks
}

// diffVerdict is a diff's verdict: EQUAL or DIFFERENT, and when rows were
// rejected at load, ROWS REJECTED (the loaded rows agree, but rows are
// missing from the comparison) or DIFFERENT, ROWS REJECTED. It never says
// equal while rows are missing.
func diffVerdict(r *result.Diff) string {
	rejected := r.SourceRejected+r.TargetRejected > 0
	switch {
	case r.Equal && !rejected:
		return "EQUAL"
	case rejected && r.LoadedEqual:
		return "ROWS REJECTED"
	case rejected:
		return "DIFFERENT, ROWS REJECTED"
	}
	return "DIFFERENT"
}

// rejectedCounts writes the rows rejected at load per side: "1 source, 0
// target, not compared", and whether they were expected.
func rejectedCounts(r *result.Diff) string {
	s := fmt.Sprintf("%s source, %s target, not compared", num(r.SourceRejected), num(r.TargetRejected))
	if r.RejectsAllowed {
		s += " (allowed)"
	}
	return s
}

// sideRejects are the rows of one side of a diff rejected at load: how
// many, and the first few. Source names the side's source.
type sideRejects struct {
	Side    string
	Source  string
	Total   int64
	Samples []source.Reject
}

// rejectedSides are the rows rejected at load of each side of r.
func rejectedSides(r *result.Diff) []sideRejects {
	return []sideRejects{{"source", r.Source, r.SourceRejected, r.SourceRejectedSamples}, {"target", r.Target, r.TargetRejected, r.TargetRejectedSamples}}
}

// at is where a rejected row was: its line, and its file when the side
// has several.
func (s sideRejects) at(x source.Reject) string {
	if x.File == s.Source {
		return fmt.Sprintf("line %d", x.Line)
	}
	return fmt.Sprintf("%s:%d", x.File, x.Line)
}

// typeNote is a type difference's note in parentheses after how it is
// compared: "text: 1 value of the target does not read as BIGINT".
func typeNote(t result.TypeDiff) string {
	if t.Note == "" {
		return string(t.ComparedAs)
	}
	return string(t.ComparedAs) + ": " + t.Note
}

func textDiff(w *bufio.Writer, r *result.Diff) {
	fmt.Fprintf(w, "%s  vs  %s: %s (%s)\n", r.Source, r.Target, diffVerdict(r), r.Mode)
	if len(r.Keys) > 0 {
		fmt.Fprintf(w, "  key                %s\n", strings.Join(keyNames(r, "="), ", "))
	}
	fmt.Fprintf(w, "  rows               %s source, %s target\n", num(r.SourceRows), num(r.TargetRows))
	if r.SourceRejected+r.TargetRejected > 0 {
		fmt.Fprintf(w, "  rejected at load   %s\n", rejectedCounts(r))
	}
	if r.Mode == "aggregate" {
		fmt.Fprintf(w, "  groups             %s matched (%s equal, %s differ), %s only in source, %s only in target\n",
			num(r.Matched), num(r.Unchanged), num(r.Changed), num(r.OnlyInSource), num(r.OnlyInTarget))
		textGroups(w, r)
		textRejected(w, r)
		return
	}
	fmt.Fprintf(w, "  matched            %s (%s unchanged, %s changed)\n", num(r.Matched), num(r.Unchanged), num(r.Changed))
	fmt.Fprintf(w, "  only in source     %s\n", num(r.OnlyInSource))
	fmt.Fprintf(w, "  only in target     %s\n", num(r.OnlyInTarget))
	if r.Mode == "keyed" {
		d := r.DuplicateKeys
		fmt.Fprintf(w, "  duplicate keys     %s source, %s target (rows set aside: %s source, %s target)\n", num(d.SourceKeys), num(d.TargetKeys), num(d.SourceRows), num(d.TargetRows))
		fmt.Fprintf(w, "  null keys          %s source, %s target\n", num(r.NullKeys.Source), num(r.NullKeys.Target))
	}
	if len(r.SourceOnlyColumns) > 0 {
		fmt.Fprintf(w, "  source-only cols   %s\n", clip(strings.Join(r.SourceOnlyColumns, ", "), width-21))
	}
	if len(r.TargetOnlyColumns) > 0 {
		fmt.Fprintf(w, "  target-only cols   %s\n", clip(strings.Join(r.TargetOnlyColumns, ", "), width-21))
	}
	for _, t := range r.TypeDifferences {
		fmt.Fprintf(w, "  type difference    %s: %s vs %s (compared as %s)\n", t.Column, t.SourceType, t.TargetType, typeNote(t))
	}
	if r.Mode == "keyed" && len(r.Columns) > 0 {
		fmt.Fprintf(w, "\n  %-24s %10s %8s %12s  %s\n", "column", "mismatches", "share", "max |Δ|", "compared as")
		for _, c := range r.Columns {
			delta := ""
			if c.MaxAbsDelta != nil {
				delta = strconv.FormatFloat(*c.MaxAbsDelta, 'g', 6, 64)
			}
			as := comparedAs(c)
			fmt.Fprintf(w, "  %-24s %10s %8s %12s  %s\n", clip(c.Column, 24), num(c.Mismatches), pct(c.Share), delta, as)
		}
		for _, c := range r.Columns {
			if len(c.Samples) == 0 {
				continue
			}
			fmt.Fprintf(w, "\n  %s: first %d of %s\n", c.Column, len(c.Samples), num(c.Mismatches))
			for _, s := range c.Samples {
				line := fmt.Sprintf("    %s: %s -> %s", strings.Join(s.Key, ", "), str(s.Source), str(s.Target))
				fmt.Fprintln(w, clip(line, width))
			}
		}
	}
	for _, part := range []struct {
		title string
		rows  []result.DiffRow
		total int64
	}{{"only in source", r.OnlyInSourceSamples, r.OnlyInSource}, {"only in target", r.OnlyInTargetSamples, r.OnlyInTarget}} {
		if len(part.rows) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n  %s: first %d of %s\n", part.title, len(part.rows), num(part.total))
		for _, row := range part.rows {
			vals := make([]string, len(row.Values))
			for i, v := range row.Values {
				vals[i] = str(v)
				if r.Mode == "keyed" && v != nil {
					vals[i] = *v
				}
			}
			line := "    " + strings.Join(vals, ", ")
			if r.Mode == "keyless" {
				line = fmt.Sprintf("    %d× %s", row.Count, strings.Join(vals, ", "))
			}
			fmt.Fprintln(w, clip(line, width))
		}
	}
	if len(r.DuplicateSamples) > 0 {
		fmt.Fprintf(w, "\n  duplicate keys: first %d\n", len(r.DuplicateSamples))
		for _, d := range r.DuplicateSamples {
			fmt.Fprintf(w, "    %s: %d in source, %d in target\n", strings.Join(d.Key, ", "), d.Source, d.Target)
		}
	}
	textRejected(w, r)
}

// textRejected writes the first rows of each side rejected at load, as
// plumb inspect does: where, why, and the line as read.
func textRejected(w *bufio.Writer, r *result.Diff) {
	for _, part := range rejectedSides(r) {
		if len(part.Samples) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n  rejected at load, %s: first %d of %s\n", part.Side, len(part.Samples), num(part.Total))
		for _, x := range part.Samples {
			head := fmt.Sprintf("    %s  %s", part.at(x), x.Reason)
			fmt.Fprintf(w, "%s  %s\n", head, clip(strconv.Quote(x.Text), width-utf8.RuneCountInString(head)-2))
		}
	}
}

func textGroups(w *bufio.Writer, r *result.Diff) {
	shown := 0
	for _, g := range r.Groups {
		if !g.Differs && g.SourceRows > 0 && g.TargetRows > 0 {
			continue
		}
		if shown == 0 {
			fmt.Fprintf(w, "\n  groups that differ (%s):\n", strings.Join(r.GroupColumns, ", "))
		}
		shown++
		keys := make([]string, len(g.Key))
		for i, k := range g.Key {
			keys[i] = str(k)
		}
		line := fmt.Sprintf("    %s: rows %s vs %s", strings.Join(keys, ", "), num(g.SourceRows), num(g.TargetRows))
		for i, s := range r.SumColumns {
			line += fmt.Sprintf("; sum(%s) %s vs %s", s, flt(g.SourceSums[i]), flt(g.TargetSums[i]))
		}
		fmt.Fprintln(w, clip(line, 2*width))
	}
}

func flt(f *float64) string {
	if f == nil {
		return "NULL"
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

func markdownDiff(w *bufio.Writer, r *result.Diff) {
	fmt.Fprintf(w, "## diff %s vs %s: %s\n\n", mdCode(r.Source), mdCode(r.Target), strings.ToLower(diffVerdict(r)))
	fmt.Fprintf(w, "| | count |\n|---|---:|\n")
	rows := [][2]string{{"source rows", num(r.SourceRows)}, {"target rows", num(r.TargetRows)}}
	if r.SourceRejected+r.TargetRejected > 0 {
		rows = append(rows, [2]string{"rejected at load (source / target)", num(r.SourceRejected) + " / " + num(r.TargetRejected)})
	}
	rows = append(rows, [][2]string{{"matched", num(r.Matched)},
		{"unchanged", num(r.Unchanged)}, {"changed", num(r.Changed)}, {"only in source", num(r.OnlyInSource)}, {"only in target", num(r.OnlyInTarget)}}...)
	if r.Mode == "keyed" {
		rows = append(rows, [2]string{"duplicate keys (source / target)", num(r.DuplicateKeys.SourceKeys) + " / " + num(r.DuplicateKeys.TargetKeys)},
			[2]string{"null keys (source / target)", num(r.NullKeys.Source) + " / " + num(r.NullKeys.Target)})
	}
	for _, row := range rows {
		fmt.Fprintf(w, "| %s | %s |\n", row[0], row[1])
	}
	if r.Mode == "keyed" && len(r.Columns) > 0 {
		fmt.Fprintf(w, "\n| column | mismatches | share | max abs delta | compared as |\n|---|---:|---:|---:|---|\n")
		for _, c := range r.Columns {
			delta := ""
			if c.MaxAbsDelta != nil {
				delta = strconv.FormatFloat(*c.MaxAbsDelta, 'g', 6, 64)
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", mdEscape(c.Column), num(c.Mismatches), pct(c.Share), delta, comparedAs(c))
		}
		for _, c := range r.Columns {
			if len(c.Samples) == 0 {
				continue
			}
			fmt.Fprintf(w, "\n**%s** (first %d of %s)\n\n| key | source | target |\n|---|---|---|\n", mdEscape(c.Column), len(c.Samples), num(c.Mismatches))
			for _, s := range c.Samples {
				fmt.Fprintf(w, "| %s | %s | %s |\n", mdEscape(strings.Join(s.Key, ", ")), mdEscape(str(s.Source)), mdEscape(str(s.Target)))
			}
		}
	}
	if len(r.TypeDifferences) > 0 {
		fmt.Fprintf(w, "\n| column | source type | target type | compared as |\n|---|---|---|---|\n")
		for _, t := range r.TypeDifferences {
			fmt.Fprintf(w, "| %s | %s | %s | %s |\n", mdEscape(t.Column), t.SourceType, t.TargetType, mdEscape(typeNote(t)))
		}
	}
	if len(r.SourceRejectedSamples)+len(r.TargetRejectedSamples) > 0 {
		fmt.Fprintf(w, "\n**rejected at load** (%s)\n\n| side | file | line | reason | text |\n|---|---|---:|---|---|\n", rejectedCounts(r))
		for _, part := range rejectedSides(r) {
			for _, x := range part.Samples {
				fmt.Fprintf(w, "| %s | %s | %d | %s | %s |\n", part.Side, mdEscape(x.File), x.Line, mdEscape(x.Reason), mdCode(x.Text))
			}
		}
	}
}

// mdEscape makes data safe as Markdown text (a table cell, a line): no
// raw HTML (ticket systems render it: a value "<script>" must show as
// written), no cell break, no line break.
func mdEscape(s string) string {
	return mdReplacer.Replace(s)
}

var mdReplacer = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "|", `\|`, "\n", " ", "\r", " ")

// mdCode writes data as a Markdown code span, exactly as written: the
// fence is one backtick longer than the longest run of backticks in it,
// and a cell's pipes and line breaks are escaped as in mdEscape.
func mdCode(s string) string {
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	s = strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ").Replace(s)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// comparedAs says how a column was compared: the comparison, its
// tolerance, and how many pairs of a mixed column were compared as text.
func comparedAs(c result.DiffColumn) string {
	as := string(c.ComparedAs)
	if c.Tolerance != "" {
		as += " ±" + c.Tolerance
	}
	if c.AsText > 0 {
		as += " (" + numfmt.Count(c.AsText, "pair") + " as text)"
	}
	return as
}
