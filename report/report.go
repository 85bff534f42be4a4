// Package report renders plumb's typed results for people and programs:
// text for terminals, Markdown for tickets, self-contained HTML pages
// (inline style and script, nothing fetched) for browsers, JUnit XML of
// check and diff results for CI systems, and JSON (stable, with a
// schema_version) for programs.
//
//	r, err := report.New("json")
//	err = r.Render(os.Stdout, result)
package report

import (
	"fmt"
	"github.com/plumb-data/plumb/result"
	"io"
	"strings"

	"github.com/plumb-data/plumb/dedupe"
	"github.com/plumb-data/plumb/reconcile"
)

// SchemaVersion is the version of the JSON documents plumb writes. It
// changes when a field is removed or changes meaning, not when one is
// added.
const SchemaVersion = 1

// Renderer writes a result in one format.
type Renderer interface {
	// Render writes result to w; it fails for result types the format
	// does not render.
	Render(w io.Writer, res any) error
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
)

// supported lists the formats each kind is rendered in.
var supported = map[Kind][]string{
	KindInspect: {"text", "json", "markdown"},
	KindProfile: {"text", "json", "markdown", "html"},
	KindCheck:   {"text", "json", "markdown", "html", "junit"},
	KindDiff:    {"text", "json", "markdown", "html", "junit"},
	KindDedupe:  {"text", "json", "markdown", "html"},
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

// kind names a result type in JSON documents.
func kind(res any) (string, error) {
	switch res.(type) {
	case *result.Inspect, []*result.Inspect:
		return "inspect", nil
	case *reconcile.Result:
		return "diff", nil
	case *dedupe.Result:
		return "dedupe", nil
	case *result.Profile:
		return "profile", nil
	case *result.Check:
		return "check", nil
	}
	return "", fmt.Errorf("report: cannot render %T", res)
}
