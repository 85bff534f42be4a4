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
	"io"
	"strings"

	"github.com/plumb-data/plumb/dedupe"
	"github.com/plumb-data/plumb/inspect"
	"github.com/plumb-data/plumb/profile"
	"github.com/plumb-data/plumb/reconcile"
	"github.com/plumb-data/plumb/rules"
)

// SchemaVersion is the version of the JSON documents plumb writes. It
// changes when a field is removed or changes meaning, not when one is
// added.
const SchemaVersion = 1

// Renderer writes a result in one format.
type Renderer interface {
	// Render writes result to w; it fails for result types the format
	// does not render.
	Render(w io.Writer, result any) error
}

// Formats lists the formats New accepts.
var Formats = []string{"text", "json", "markdown", "html", "junit"}

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
func kind(result any) (string, error) {
	switch result.(type) {
	case *inspect.Result, []*inspect.Result:
		return "inspect", nil
	case *reconcile.Result:
		return "diff", nil
	case *dedupe.Result:
		return "dedupe", nil
	case *profile.Result:
		return "profile", nil
	case *rules.Result:
		return "check", nil
	}
	return "", fmt.Errorf("report: cannot render %T", result)
}
