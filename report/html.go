package report

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"github.com/plumb-data/plumb/internal/numfmt"
	"github.com/plumb-data/plumb/result"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The page's style and script are inlined into every report, so that a
// report is one file that opens anywhere, with nothing fetched.
var (
	//go:embed html/style.css
	pageCSS string
	//go:embed html/script.js
	pageJS string
	//go:embed html/page.tmpl
	pageTmpl string
)

type htmlRenderer struct{}

// page is what the layout template renders.
type page struct {
	Title    string
	Subtitle string
	Kind     Kind
	Body     template.HTML
	CSS      template.CSS
	JS       template.JS
	Version  int
}

var templates = template.Must(template.New("page").Funcs(template.FuncMap{
	"num":      num,
	"pct":      pct,
	"share":    func(f float64) string { return strconv.FormatFloat(f*100, 'f', 1, 64) + "%" },
	"g":        shortNumber,
	"bar":      bar,
	"stack":    stack,
	"hist":     histogram,
	"str":      str,
	"orNull":   orNull,
	"clip":     clip,
	"join":     strings.Join,
	"add":      func(a, b int) int { return a + b },
	"under":    func(s any) string { return strings.ReplaceAll(fmt.Sprint(s), "_", " ") },
	"diffval":  diffValue,
	"f4":       func(f float64) string { return strconv.FormatFloat(f, 'f', 4, 64) },
	"f2":       func(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) },
	"lower":    strings.ToLower,
	"checkBar": checkBar,
	"visible":  visible,
}).Parse(pageTmpl))

func (htmlRenderer) Inspect(io.Writer, []*result.Inspect) error {
	return unsupported("html", KindInspect)
}

func (htmlRenderer) Profile(w io.Writer, r *result.Profile) error {
	p := page{Title: "Profile of " + r.Source, Subtitle: numfmt.Count(r.Rows, "row") + ", " + numfmt.Count(int64(r.ColumnCount), "column"), Kind: KindProfile}
	view, err := profileView(r)
	if err != nil {
		return err
	}
	return writePage(w, p, "profile", view)
}

func (htmlRenderer) Check(w io.Writer, r *result.Check) error {
	title := r.Source
	if r.Dataset != "" {
		title = r.Dataset + " (" + r.Source + ")"
	}
	p := page{Title: "Checks: " + title, Subtitle: fmt.Sprintf("%d passed, %d warned, %d failed", r.Summary.Passed, r.Summary.Warned, r.Summary.Failed), Kind: KindCheck}
	return writePage(w, p, "check", r)
}

func (htmlRenderer) Diff(w io.Writer, r *result.Diff) error {
	p := page{Title: "Diff: " + r.Source + " vs " + r.Target, Subtitle: strings.ToLower(diffVerdict(r)) + ", " + string(r.Mode), Kind: KindDiff}
	return writePage(w, p, "diff", diffView(r))
}

func (htmlRenderer) Dedupe(w io.Writer, r *result.Dedupe) error {
	p := page{Title: "Duplicates in " + r.Source, Subtitle: fmt.Sprintf("%s records, %s clusters", num(r.Records), num(r.Clusters)), Kind: KindDedupe}
	return writePage(w, p, "dedupe", dedupeView(r))
}

func (htmlRenderer) Link(w io.Writer, r *result.Link) error {
	p := page{Title: "Link: " + r.Left.Source + " and " + r.Right.Source, Subtitle: fmt.Sprintf("%s matches, %s and %s unmatched", num(r.Matches), num(r.Left.Unmatched), num(r.Right.Unmatched)), Kind: KindLink}
	return writePage(w, p, "link", r)
}

// writePage renders a kind's body template into the page layout.
func writePage(w io.Writer, p page, tmpl string, view any) error {
	var body bytes.Buffer
	if err := templates.ExecuteTemplate(&body, tmpl, view); err != nil {
		return fmt.Errorf("report: html: %w", err)
	}
	p.Body, p.CSS, p.JS, p.Version = template.HTML(body.String()), template.CSS(pageCSS), template.JS(pageJS), SchemaVersion
	return templates.ExecuteTemplate(w, "page", p)
}

func orNull(p *string) string {
	if p == nil {
		return "NULL"
	}
	return *p
}

// bar is a horizontal bar for a share between 0 and 1.
func bar(share float64, class string) template.HTML {
	w := math.Max(0, math.Min(1, share)) * 100
	return template.HTML(fmt.Sprintf(`<span class="bar %s" title="%s"><span style="width:%.1f%%"></span></span>`,
		template.HTMLEscapeString(class), pct(share), w))
}

// checkBar is a check's failing share as a bar, with a mark where its
// threshold allows.
func checkBar(c result.CheckResult) template.HTML {
	th := c.Threshold
	allowed := th.Share
	if !th.IsShare && c.Rows > 0 {
		allowed = float64(th.Count) / float64(c.Rows)
	}
	w := math.Max(0, math.Min(1, c.Share)) * 100
	mark := ""
	if allowed > 0 {
		mark = fmt.Sprintf(`<i style="left:%.1f%%" title="allowed %s"></i>`, math.Min(1, allowed)*100, template.HTMLEscapeString(th.String()))
	}
	return template.HTML(fmt.Sprintf(`<span class="bar %s" title="%s"><span style="width:%.1f%%"></span>%s</span>`,
		template.HTMLEscapeString(c.Status), pct(c.Share), w, mark))
}

// part is a segment of a stacked bar.
type part struct {
	Label string
	Share float64
	Class string
}

// stack is a stacked bar of parts that add up to at most 1.
func stack(parts []part) template.HTML {
	var b strings.Builder
	b.WriteString(`<span class="stack">`)
	for _, p := range parts {
		if p.Share <= 0 {
			continue
		}
		fmt.Fprintf(&b, `<span class="%s" style="width:%.2f%%" title="%s %s"></span>`,
			template.HTMLEscapeString(p.Class), p.Share*100, template.HTMLEscapeString(p.Label), pct(p.Share))
	}
	b.WriteString(`</span>`)
	return template.HTML(b.String())
}

// histogram draws bins as an inline SVG bar chart.
func histogram(bins []result.Bin, temporal bool) template.HTML {
	if len(bins) == 0 {
		return ""
	}
	var top int64
	for _, b := range bins {
		top = max(top, b.Count)
	}
	const w, h = 300.0, 80.0
	bw := w / float64(len(bins))
	var s strings.Builder
	fmt.Fprintf(&s, `<svg class="hist" viewBox="0 0 %g %g" width="%g" height="%g" role="img" aria-label="histogram">`, w, h+14, w, h+14)
	for i, b := range bins {
		bh := 0.0
		if top > 0 {
			bh = float64(b.Count) / float64(top) * h
		}
		lo, hi := shortNumber(b.Low), shortNumber(b.High)
		if temporal {
			lo, hi = unixDate(b.Low), unixDate(b.High)
		}
		fmt.Fprintf(&s, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s – %s: %s</title></rect>`,
			float64(i)*bw+0.5, h-bh, math.Max(bw-1, 0.5), bh, template.HTMLEscapeString(lo), template.HTMLEscapeString(hi), num(b.Count))
	}
	first, last := shortNumber(bins[0].Low), shortNumber(bins[len(bins)-1].High)
	if temporal {
		first, last = unixDate(bins[0].Low), unixDate(bins[len(bins)-1].High)
	}
	fmt.Fprintf(&s, `<text x="0" y="%g">%s</text><text x="%g" y="%g" text-anchor="end">%s</text></svg>`,
		h+12, template.HTMLEscapeString(first), w, h+12, template.HTMLEscapeString(last))
	return template.HTML(s.String())
}

// diffValue shows a value with the part that differs from the other
// side's marked: the common prefix and suffix stay plain.
func diffValue(p, other *string) template.HTML {
	if p == nil {
		return `<span class="null">NULL</span>`
	}
	a := *p
	if other == nil {
		return template.HTML(`<mark>` + template.HTMLEscapeString(clip(a, 120)) + `</mark>`)
	}
	b := *other
	ra, rb := []rune(a), []rune(b)
	pre := 0
	for pre < len(ra) && pre < len(rb) && ra[pre] == rb[pre] {
		pre++
	}
	suf := 0
	for suf < len(ra)-pre && suf < len(rb)-pre && ra[len(ra)-1-suf] == rb[len(rb)-1-suf] {
		suf++
	}
	mid := string(ra[pre : len(ra)-suf])
	if strings.TrimSpace(mid) == "" && mid != "" {
		// Differences in whitespace only: make them visible.
		mid = strings.NewReplacer(" ", "·", "\t", "→", "\n", "↵").Replace(mid)
	}
	if utf8.RuneCountInString(a) > 120 {
		return template.HTML(`<mark>` + template.HTMLEscapeString(clip(a, 120)) + `</mark>`)
	}
	return template.HTML(template.HTMLEscapeString(string(ra[:pre])) + `<mark>` + template.HTMLEscapeString(mid) + `</mark>` +
		template.HTMLEscapeString(string(ra[len(ra)-suf:])))
}

// profileColumn is a column of the profile as the page shows it.
type profileColumn struct {
	result.ProfileColumn
	Index       int
	Missing     []part
	MissingRate float64
	Conforms    float64 // share of valid values of the inferred type
	HasValid    bool    // whether there are valid values to conform
	Temporal    bool
	Quantiles   []result.Share
	Estimates   []string // the metrics estimated, how (all others are exact)
}

// maxKeyCards is the most key candidates the overview card names: a
// short file of 10,000 columns has thousands, which filled the first
// screen of the page.
const maxKeyCards = 10

func profileView(r *result.Profile) (any, error) {
	var cols []profileColumn
	for i, c := range r.Columns {
		pc := profileColumn{ProfileColumn: c, Index: i + 1}
		pc.Missing = []part{
			{"null", c.Nulls.Share, "null"}, {"empty", c.Empty.Share, "empty"},
			{"whitespace-only", c.Whitespace.Share, "blank"}, {"sentinel", c.Sentinels.Share, "sentinel"},
			{"valid", c.Valid.Share, "valid"},
		}
		pc.MissingRate = c.Nulls.Share + c.Empty.Share + c.Whitespace.Share + c.Sentinels.Share
		pc.Conforms, pc.HasValid = 1, c.Valid.Count > 0
		if !pc.HasValid {
			pc.Conforms = 0
		}
		for _, s := range c.Conformity {
			if s.Value == c.InferredType {
				pc.Conforms = s.Share
			}
		}
		pc.Temporal = c.InferredType == result.TypeDate || c.InferredType == result.TypeTimestamp
		pc.Estimates = estimates(c)
		if n := c.Numeric; n != nil {
			for _, q := range []string{"p1", "p5", "p25", "p50", "p75", "p95", "p99"} {
				v, ok := n.Quantiles[q]
				if !ok {
					continue
				}
				s := shortNumber(v)
				if pc.Temporal {
					s = unixDate(v)
				}
				pc.Quantiles = append(pc.Quantiles, result.Share{Value: q + " " + s})
			}
		}
		cols = append(cols, pc)
	}
	var keys []string
	for _, k := range r.KeyCandidates[:min(len(r.KeyCandidates), maxKeyCards)] {
		keys = append(keys, strings.Join(k, " + "))
	}
	if more := len(r.KeyCandidates) - maxKeyCards; more > 0 {
		keys = append(keys, fmt.Sprintf("and %d more", more))
	}
	packed, err := packDetails(cols)
	if err != nil {
		return nil, err
	}
	return struct {
		*result.Profile
		Cols   []profileColumn
		Keys   []string
		Packed string
	}{r, cols, keys, packed}, nil
}

// packedColumns is the column count past which a profile page carries
// its columns' detail panels packed: a JSON list of their HTML, gzipped,
// in one attribute (base64url, which HTML attributes take unescaped),
// that the page's script unpacks the first time a detail is opened. At
// 10,000 columns the panels written out were 38 MB of a 45 MB page that
// Chromium took 40 s to open; packed, they are a small part of it.
const packedColumns = 500

// packDetails renders each column's detail panels and packs them, or
// returns "" for a profile of packedColumns columns or fewer, whose
// panels are written in place.
func packDetails(cols []profileColumn) (string, error) {
	if len(cols) <= packedColumns {
		return "", nil
	}
	panels := make([]string, len(cols))
	var b strings.Builder
	for i, c := range cols {
		b.Reset()
		if err := templates.ExecuteTemplate(&b, "columnDetail", c); err != nil {
			return "", fmt.Errorf("report: html: %w", err)
		}
		panels[i] = b.String()
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if err := json.NewEncoder(zw).Encode(panels); err != nil {
		return "", fmt.Errorf("report: html: %w", err)
	}
	if err := zw.Close(); err != nil {
		return "", fmt.Errorf("report: html: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(gz.Bytes()), nil
}

func diffView(r *result.Diff) any {
	keys := keyNames(r, " = ")
	return struct {
		*result.Diff
		KeyNames     []string
		MatchedShare float64
		Verdict      string
		Rejected     []sideRejects
	}{r, keys, ratio(r.Matched, max(r.SourceRows, r.TargetRows)), strings.ToLower(diffVerdict(r)), rejectedSides(r)}
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// sizeBar is a cluster size with its share of the largest count.
type sizeBar struct {
	result.SizeCount
	Share float64
}

func dedupeView(r *result.Dedupe) any {
	var top int64
	for _, s := range r.ClusterSizes {
		top = max(top, s.Clusters)
	}
	var sizes []sizeBar
	for _, s := range r.ClusterSizes {
		// A log scale, so that a few pairs show beside many singletons.
		share := 0.0
		if top > 1 {
			share = math.Log1p(float64(s.Clusters)) / math.Log1p(float64(top))
		} else if top == 1 {
			share = 1
		}
		sizes = append(sizes, sizeBar{s, share})
	}
	return struct {
		*result.Dedupe
		Sizes []sizeBar
	}{r, sizes}
}

// visible shows a value from the data so that what a person cannot see
// becomes visible: an empty value as (empty), spaces at either end and a
// value of spaces only as ␣, tabs as → and line breaks as ↵ (the page's
// footer says so), clipped to n characters.
func visible(s string, n int) template.HTML {
	if s == "" {
		return `<span class="null">(empty)</span>`
	}
	s = clip(s, n)
	core := strings.TrimLeft(s, " ")
	lead := len(s) - len(core)
	trimmed := strings.TrimRight(core, " ")
	trail := len(core) - len(trimmed)
	ws := func(k int) string {
		if k == 0 {
			return ""
		}
		return `<span class="ws">` + strings.Repeat("␣", k) + `</span>`
	}
	inner := template.HTMLEscapeString(strings.NewReplacer("\t", "→", "\r\n", "↵", "\n", "↵", "\r", "↵").Replace(trimmed))
	return template.HTML(ws(lead) + inner + ws(trail))
}
