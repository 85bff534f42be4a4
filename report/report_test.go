package report

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"github.com/plumb-data/plumb/internal/mdtest"
	"github.com/plumb-data/plumb/result"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// fromGolden reads a result back from a JSON golden file that the CLI
// tests keep current, so that these tests need no engine.
func fromGolden[T any](t testing.TB, name string) *T {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "golden", name))
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		Result *T `json:"result"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return env.Result
}

// results are one result of each kind the HTML renders, with the ids of
// the page's key sections.
func results(t testing.TB) []struct {
	name   string
	result any
	ids    []string
} {
	return []struct {
		name   string
		result any
		ids    []string
	}{
		{"profile", fromGolden[result.Profile](t, "profile_customers.json"), []string{"overview", "columns", "columns-table"}},
		{"check", fromGolden[result.Check](t, "check_customers.json"), []string{"overview", "checks", "checks-table"}},
		{"diff", fromGolden[result.Diff](t, "diff_keyed.json"), []string{"overview", "rows", "columns-table", "only"}},
		{"dedupe", fromGolden[result.Dedupe](t, "dedupe_people.json"), []string{"overview", "sizes", "clusters", "model"}},
	}
}

func TestFormats(t *testing.T) {
	t.Parallel()
	if _, err := New("yaml"); err == nil || !strings.Contains(err.Error(), "html, junit") {
		t.Errorf("got %v, want an error listing the formats", err)
	}
	for _, f := range Formats {
		if _, err := New(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestHTMLIsSelfContained(t *testing.T) {
	t.Parallel()
	r, _ := New("html")
	for _, c := range results(t) {
		var b bytes.Buffer
		if err := Render(r, &b, c.result); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		page := b.String()
		for _, bad := range []string{"http://", "https://", "<link", " src="} {
			if strings.Contains(page, bad) {
				t.Errorf("%s: the page holds %q: it must fetch nothing", c.name, bad)
			}
		}
		for _, id := range c.ids {
			if !strings.Contains(page, `id="`+id+`"`) {
				t.Errorf("%s: no element with id %q", c.name, id)
			}
		}
	}
}

// wideProfile is the customers profile widened to n columns.
func wideProfile(t testing.TB, n int) *result.Profile {
	p := fromGolden[result.Profile](t, "profile_customers.json")
	base := p.Columns
	p.Columns = nil
	for i := range n {
		c := base[i%len(base)]
		c.Name = fmt.Sprintf("%s_%03d", c.Name, i)
		p.Columns = append(p.Columns, c)
	}
	p.ColumnCount = n
	return p
}

func TestHTMLWideProfileStaysSmall(t *testing.T) {
	t.Parallel()
	r, _ := New("html")
	var b bytes.Buffer
	if err := Render(r, &b, wideProfile(t, 200)); err != nil {
		t.Fatal(err)
	}
	if b.Len() > 3<<20 {
		t.Errorf("a 200-column profile is %d bytes, want under 3 MB", b.Len())
	}
	t.Logf("a 200-column profile page is %d bytes", b.Len())
	if n := strings.Count(b.String(), `<tbody class="col"`); n != 200 {
		t.Errorf("got %d column groups, want 200", n)
	}
}

// TestHTMLPackedDetails checks a profile of many columns: its page
// carries every column's detail panels packed, which unpack to the same
// panels a small profile writes in place, and stays small at 10,000
// columns.
func TestHTMLPackedDetails(t *testing.T) {
	t.Parallel()
	r, _ := New("html")
	for _, n := range []int{packedColumns, packedColumns + 1, 10_000} {
		var b bytes.Buffer
		p := wideProfile(t, n)
		if err := Render(r, &b, p); err != nil {
			t.Fatal(err)
		}
		page := b.String()
		inPlace := strings.Count(page, `<div class="panels">`)
		m := regexp.MustCompile(`id="plumb-details" hidden data-gzip="([A-Za-z0-9_-]*)"`).FindStringSubmatch(page)
		if n <= packedColumns {
			if inPlace != n || m != nil {
				t.Errorf("%d columns: %d panels in place, packed %v; want all in place", n, inPlace, m != nil)
			}
			continue
		}
		if inPlace != 0 || m == nil {
			t.Fatalf("%d columns: %d panels in place, packed %v; want all packed", n, inPlace, m != nil)
		}
		if strings.Count(page, "<details data-col=") != n {
			t.Errorf("%d columns: want a detail to unpack into for each", n)
		}
		// Written in place, the panels took 38 MB of a 45 MB page of
		// 10,000 columns.
		if n == 10_000 && b.Len() > 20<<20 {
			t.Errorf("a 10,000-column profile page is %d bytes, want under 20 MB", b.Len())
		}
		gz, err := base64.RawURLEncoding.DecodeString(m[1])
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			t.Fatal(err)
		}
		var panels []string
		if err := json.NewDecoder(zr).Decode(&panels); err != nil {
			t.Fatal(err)
		}
		if len(panels) != n {
			t.Fatalf("%d columns: %d packed panels", n, len(panels))
		}
		// The packed panels are what a page of that column alone writes.
		for _, i := range []int{0, n / 2, n - 1} {
			one := *p
			one.Columns = p.Columns[i : i+1]
			var single bytes.Buffer
			if err := Render(r, &single, &one); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(single.String(), panels[i]) {
				t.Errorf("%d columns: the packed panel of column %d is not the one written in place", n, i+1)
			}
		}
		t.Logf("a %d-column profile page is %d bytes", n, b.Len())
	}
}

func TestHTMLRejectsOtherResults(t *testing.T) {
	t.Parallel()
	r, _ := New("html")
	if err := Render(r, &bytes.Buffer{}, 42); err == nil {
		t.Error("got no error for an int")
	}
}

// junitDoc is what CI parsers read of a JUnit file.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Cases    []struct {
			Classname string `xml:"classname,attr"`
			Name      string `xml:"name,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func parseJUnit(t *testing.T, result any) junitDoc {
	t.Helper()
	r, _ := New("junit")
	var b bytes.Buffer
	if err := Render(r, &b, result); err != nil {
		t.Fatal(err)
	}
	var doc junitDoc
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("the JUnit output does not parse: %v\n%s", err, b.String())
	}
	if len(doc.Suites) != 1 {
		t.Fatalf("got %d suites, want 1", len(doc.Suites))
	}
	s := doc.Suites[0]
	failures := 0
	for _, c := range s.Cases {
		if c.Name == "" || c.Classname == "" {
			t.Errorf("a testcase without name or classname: %+v", c)
		}
		if c.Failure != nil {
			failures++
			if c.Failure.Message == "" {
				t.Errorf("%s: a failure without a message", c.Name)
			}
		}
	}
	if doc.Tests != len(s.Cases) || s.Tests != len(s.Cases) || doc.Failures != failures || s.Failures != failures {
		t.Errorf("counts: tests %d/%d, failures %d/%d; the file holds %d cases, %d failing", doc.Tests, s.Tests, doc.Failures, s.Failures, len(s.Cases), failures)
	}
	return doc
}

func TestJUnitCheck(t *testing.T) {
	t.Parallel()
	res := fromGolden[result.Check](t, "check_customers.json")
	doc := parseJUnit(t, res)
	s := doc.Suites[0]
	if len(s.Cases) != len(res.Checks) || s.Failures != res.Summary.Failed {
		t.Errorf("got %d cases with %d failures, want %d checks with %d failed", len(s.Cases), s.Failures, len(res.Checks), res.Summary.Failed)
	}
	for i, c := range s.Cases {
		if c.Name != res.Checks[i].Name || (c.Failure != nil) != (res.Checks[i].Status == result.StatusFail) {
			t.Errorf("case %d: got %s (failure %t), want %s (%s)", i, c.Name, c.Failure != nil, res.Checks[i].Name, res.Checks[i].Status)
		}
		if c.Failure != nil && len(res.Checks[i].Samples) > 0 && !strings.Contains(c.Failure.Text, fmt.Sprintf("line %d", res.Checks[i].Samples[0].Line)) {
			t.Errorf("%s: the failure text does not hold the first sample's line", c.Name)
		}
	}
}

func TestJUnitDiff(t *testing.T) {
	t.Parallel()
	res := fromGolden[result.Diff](t, "diff_keyed.json")
	doc := parseJUnit(t, res)
	want := map[string]bool{"only in source": res.OnlyInSource > 0, "only in target": res.OnlyInTarget > 0,
		"unique keys": res.DuplicateKeys.SourceKeys+res.DuplicateKeys.TargetKeys > 0, "no null keys": res.NullKeys.Source+res.NullKeys.Target > 0}
	for _, c := range res.Columns {
		want[c.Column] = c.Mismatches > 0
	}
	s := doc.Suites[0]
	if len(s.Cases) != len(want) {
		t.Errorf("got %d cases, want %d", len(s.Cases), len(want))
	}
	for _, c := range s.Cases {
		if fail, ok := want[c.Name]; !ok || fail != (c.Failure != nil) {
			t.Errorf("%s: got failure %t, want %t (known %t)", c.Name, c.Failure != nil, fail, ok)
		}
	}
}

func TestJUnitRejectsOtherResults(t *testing.T) {
	t.Parallel()
	r, _ := New("junit")
	err := Render(r, &bytes.Buffer{}, fromGolden[result.Profile](t, "profile_customers.json"))
	if err == nil || !strings.Contains(err.Error(), "profile reports have no junit") {
		t.Errorf("got %v, want an error naming profile", err)
	}
}

// TestMarkdownEscapesData: values from the data never become Markdown
// markup or raw HTML, which ticket systems render.
func TestMarkdownEscapesData(t *testing.T) {
	t.Parallel()
	p := fromGolden[result.Profile](t, "profile_customers.json")
	hostile := "<script>alert(1)</script> | `x` ``y``"
	p.Source = "exports/" + hostile + ".csv"
	p.Columns[0].Name = hostile
	if len(p.Columns[0].Patterns) > 0 {
		p.Columns[0].Patterns[0].Value = hostile
	}
	var b bytes.Buffer
	if err := (markdownRenderer{}).Profile(&b, p); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, line := range strings.Split(out, "\n") {
		// Inside a code span HTML is text; elsewhere it must be escaped.
		if text := mdtest.OutsideCodeSpans(line); strings.ContainsAny(text, "<>") {
			t.Errorf("raw HTML outside a code span: %s", line)
		}
	}
	if !strings.Contains(out, "&lt;script&gt;") {
		t.Errorf("the column name is not escaped:\n%s", out)
	}
	if got := mdCode("a``b`"); got != "``` a``b` ```" {
		t.Errorf("mdCode(%q) = %q", "a``b`", got)
	}
}

// TestSupportsMatchesRenderers: a format Supports for a kind renders it,
// and one it does not support refuses it.
func TestSupportsMatchesRenderers(t *testing.T) {
	t.Parallel()
	res := map[Kind]any{
		KindProfile: fromGolden[result.Profile](t, "profile_customers.json"),
		KindCheck:   fromGolden[result.Check](t, "check_customers.json"),
		KindDiff:    fromGolden[result.Diff](t, "diff_keyed.json"),
		KindDedupe:  fromGolden[result.Dedupe](t, "dedupe_people.json"),
		KindInspect: fromGolden[result.Inspect](t, "inspect_customers.json"),
	}
	for _, f := range Formats {
		rd, err := New(f)
		if err != nil {
			t.Fatal(err)
		}
		for k, r := range res {
			err := Render(rd, io.Discard, r)
			if got := err == nil; got != Supports(f, k) {
				t.Errorf("%s of %s: rendered %t (%v), Supports says %t", f, k, got, err, Supports(f, k))
			}
			if _, err := For(f, k); (err == nil) != Supports(f, k) {
				t.Errorf("For(%s, %s) = %v, Supports says %t", f, k, err, Supports(f, k))
			}
		}
	}
}

func TestTextNumbersAndWrapping(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		f    float64
		want string
	}{{1069870, "1069870"}, {19501231, "19501231"}, {101499.5, "101499.50"}, {866.1700634, "866.17"}, {0.000123456, "0.000123456"}, {-5, "-5"}} {
		if got := shortNumber(tc.f); got != tc.want {
			t.Errorf("shortNumber(%v) = %q, want %q", tc.f, got, tc.want)
		}
	}
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	verdict := "newest ts is 2099-01-01 00:00:00, 27331d in the future; want one within 365d, and none after now"
	wrapped(w, "        ", verdict)
	w.Flush()
	if got := strings.Join(strings.Fields(b.String()), " "); got != verdict {
		t.Errorf("wrapping lost words: %q", b.String())
	}
	for _, line := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		if utf8.RuneCountInString(line) > width {
			t.Errorf("line over %d columns: %q", width, line)
		}
	}
}

// TestProfileEstimates renders a profile whose metrics were estimated in
// every format: each says which metric was estimated, how, and within
// what error; the JSON keeps the methods as data.
func TestProfileEstimates(t *testing.T) {
	t.Parallel()
	p := fromGolden[result.Profile](t, "profile_customers.json")
	c := &p.Columns[0]
	c.Methods = []result.Method{
		{Metric: result.MetricDistinct, Method: result.MethodHyperLogLog, Error: 0.0082},
		{Metric: result.MetricQuantiles, Method: result.MethodKLL, Error: 0.01},
		{Metric: result.MetricCaseVariants, Method: result.MethodHashSample, Error: 1733, SampleRate: 1.0 / 256},
	}
	want := []string{"distinct: HyperLogLog", "0.82%", "quantiles, histogram, skew: KLL sketch", "within 1%", "case variants: 1 in 256 values", "1,733"}
	for _, format := range []string{"text", "markdown", "html", "json"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			r, err := New(format)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := Render(r, &b, p); err != nil {
				t.Fatal(err)
			}
			out, want := b.String(), want
			if format == "json" {
				want = []string{`"method": "kll"`, `"error": 0.01`, `"sample_rate": 0.00390625`}
			}
			for _, w := range want {
				if !strings.Contains(out, w) {
					t.Errorf("no %q in:\n%s", w, out)
				}
			}
		})
	}
}

func TestHTMLKeyCandidatesCapped(t *testing.T) {
	t.Parallel()
	p := wideProfile(t, 200)
	p.KeyCandidates = nil
	for i := range 150 {
		p.KeyCandidates = append(p.KeyCandidates, []string{fmt.Sprintf("key_%03d", i)})
	}
	r, _ := New("html")
	var b bytes.Buffer
	if err := Render(r, &b, p); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if !strings.Contains(page, "key_009, and 140 more") || strings.Contains(page, "key_010") {
		t.Errorf("the key candidates card does not name the first %d and count the other 140", maxKeyCards)
	}
}
