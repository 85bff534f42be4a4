// Package report renders plumb's typed results for people and programs:
// text for terminals, Markdown for tickets, self-contained HTML pages
// (inline style and script, nothing fetched) for browsers, JUnit XML of
// check and diff results for CI systems, and JSON (stable, with a
// schema_version) for programs.
//
//	r, err := report.For("json", report.KindProfile)
//	err = r.Profile(os.Stdout, profileResult)
package report

import (
	"fmt"
	"github.com/plumb-data/plumb/result"
	"io"
	"strings"
)

// SchemaVersion is the version of the JSON documents plumb writes. It
// changes when a field is removed or changes meaning, not when one is
// added.
const SchemaVersion = 1

// Renderer writes each kind of result in one format: one method per
// result type, so that the compiler checks what is rendered. A format
// that does not render a kind returns an error from its method; callers
// ask Supports (or For) before doing any work.
type Renderer interface {
	// Inspect writes the accounts of one or more inspected sources.
	Inspect(w io.Writer, rs []*result.Inspect) error
	Profile(w io.Writer, r *result.Profile) error
	Check(w io.Writer, r *result.Check) error
	Diff(w io.Writer, r *result.Diff) error
	Dedupe(w io.Writer, r *result.Dedupe) error
	Link(w io.Writer, r *result.Link) error
}

// unsupported is the error of a Renderer method for a kind its format
// does not render.
func unsupported(format string, k Kind) error {
	return fmt.Errorf("report: %s reports have no %s format (want %s)", k, format, strings.Join(supported[k], ", "))
}

// Formats lists the formats New accepts.
var Formats = []string{"text", "json", "markdown", "html", "junit"}

// Kind names a kind of result: the command that makes it.
type Kind string

// The kinds of result plumb reports.
const (
	KindInspect Kind = "inspect"
	KindProfile Kind = "profile"
	KindCheck   Kind = "check"
	KindDiff    Kind = "diff"
	KindDedupe  Kind = "dedupe"
	KindLink    Kind = "link"
)

// supported lists the formats each kind is rendered in.
var supported = map[Kind][]string{
	KindInspect: {"text", "json", "markdown"},
	KindProfile: {"text", "json", "markdown", "html"},
	KindCheck:   {"text", "json", "markdown", "html", "junit"},
	KindDiff:    {"text", "json", "markdown", "html", "junit"},
	KindDedupe:  {"text", "json", "markdown", "html"},
	KindLink:    {"text", "json", "markdown", "html"},
}

// FormatsFor lists the formats a kind of result is rendered in.
func FormatsFor(k Kind) []string { return supported[k] }

// Supports reports whether format renders results of kind k, so that a
// command can refuse a format before doing any work.
func Supports(format string, k Kind) bool {
	f := strings.ToLower(format)
	if f == "" {
		f = "text"
	} else if f == "md" {
		f = "markdown"
	}
	for _, s := range supported[k] {
		if s == f {
			return true
		}
	}
	return false
}

// For returns the renderer of format for results of kind k, or an error
// naming the formats k has.
func For(format string, k Kind) (Renderer, error) {
	rd, err := New(format)
	if err != nil {
		return nil, fmt.Errorf("unknown report format %q for %s (want %s)", format, k, strings.Join(supported[k], ", "))
	}
	if !Supports(format, k) {
		return nil, fmt.Errorf("%s reports have no %s format (want %s)", k, strings.ToLower(format), strings.Join(supported[k], ", "))
	}
	return rd, nil
}

// New returns the renderer for a format named in Formats.
func New(format string) (Renderer, error) {
	switch strings.ToLower(format) {
	case "text", "":
		return textRenderer{}, nil
	case "json":
		return jsonRenderer{}, nil
	case "markdown", "md":
		return markdownRenderer{}, nil
	case "html":
		return htmlRenderer{}, nil
	case "junit":
		return junitRenderer{}, nil
	}
	return nil, fmt.Errorf("unknown report format %q (want %s)", format, strings.Join(Formats, ", "))
}

// Render writes res, a result of any kind, with rd: the one place that
// dispatches on a result's type, for callers that hold results of
// several kinds.
func Render(rd Renderer, w io.Writer, res any) error {
	switch r := res.(type) {
	case *result.Inspect:
		return rd.Inspect(w, []*result.Inspect{r})
	case []*result.Inspect:
		return rd.Inspect(w, r)
	case *result.Profile:
		return rd.Profile(w, r)
	case *result.Check:
		return rd.Check(w, r)
	case *result.Diff:
		return rd.Diff(w, r)
	case *result.Dedupe:
		return rd.Dedupe(w, r)
	case *result.Link:
		return rd.Link(w, r)
	}
	return fmt.Errorf("report: cannot render %T", res)
}
