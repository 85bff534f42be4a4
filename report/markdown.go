package report

import (
	"bufio"
	"fmt"
	"github.com/plumb-data/plumb/result"
	"io"

	"github.com/plumb-data/plumb/dedupe"
	"github.com/plumb-data/plumb/reconcile"
)

type markdownRenderer struct{}

func (markdownRenderer) Render(w io.Writer, res any) error {
	bw := bufio.NewWriter(w)
	switch r := res.(type) {
	case *result.Inspect:
		markdownInspect(bw, r)
	case []*result.Inspect:
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
	case *result.Profile:
		markdownProfile(bw, r)
	case *result.Check:
		markdownCheck(bw, r)
	default:
		return fmt.Errorf("report: markdown cannot render %T", res)
	}
	return bw.Flush()
}

func markdownInspect(w *bufio.Writer, r *result.Inspect) {
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
