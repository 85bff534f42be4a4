package report

import (
	"bufio"
	"fmt"
	"io"

	"github.com/plumb-data/plumb/dedupe"
	"github.com/plumb-data/plumb/inspect"
	"github.com/plumb-data/plumb/profile"
	"github.com/plumb-data/plumb/reconcile"
	"github.com/plumb-data/plumb/rules"
)

type markdownRenderer struct{}

func (markdownRenderer) Render(w io.Writer, result any) error {
	bw := bufio.NewWriter(w)
	switch r := result.(type) {
	case *inspect.Result:
		markdownInspect(bw, r)
	case []*inspect.Result:
		for i, x := range r {
			if i > 0 {
				bw.WriteString("\n")
			}
			markdownInspect(bw, x)
		}
	case *reconcile.Result:
		markdownDiff(bw, r)
	case *dedupe.Result:
		markdownDedupe(bw, r)
	case *profile.Result:
		markdownProfile(bw, r)
	case *rules.Result:
		markdownCheck(bw, r)
	default:
		return fmt.Errorf("report: markdown cannot render %T", result)
	}
	return bw.Flush()
}

func markdownInspect(w *bufio.Writer, r *inspect.Result) {
	fmt.Fprintf(w, "## %s (%s)\n\n", mdCode(r.Source), r.Format)
	fmt.Fprintf(w, "%s rows read = %s loaded + %s rejected\n\n", num(r.RowsRead), num(r.RowsLoaded), num(r.RowsRejected))
	fmt.Fprintf(w, "| # | column | type |\n|---:|---|---|\n")
	for i, c := range r.Columns {
		fmt.Fprintf(w, "| %d | %s | %s |\n", i+1, mdEscape(c.Name), c.Type)
	}
	if len(r.Rejects) > 0 {
		fmt.Fprintf(w, "\n| file | line | reason | text |\n|---|---:|---|---|\n")
		for _, x := range r.Rejects {
			fmt.Fprintf(w, "| %s | %d | %s | %s |\n", mdEscape(x.File), x.Line, x.Reason, mdCode(x.Text))
		}
	}
}
