package report

import (
	"bufio"
	"fmt"
	"github.com/plumb-data/plumb/result"
	"io"
)

type markdownRenderer struct{}

func (markdownRenderer) Inspect(w io.Writer, rs []*result.Inspect) error {
	return buffered(w, rs, func(bw *bufio.Writer, rs []*result.Inspect) {
		for i, r := range rs {
			if i > 0 {
				bw.WriteString("\n")
			}
			markdownInspect(bw, r)
		}
	})
}

func (markdownRenderer) Profile(w io.Writer, r *result.Profile) error {
	return buffered(w, r, markdownProfile)
}
func (markdownRenderer) Check(w io.Writer, r *result.Check) error {
	return buffered(w, r, markdownCheck)
}
func (markdownRenderer) Diff(w io.Writer, r *result.Diff) error { return buffered(w, r, markdownDiff) }
func (markdownRenderer) Dedupe(w io.Writer, r *result.Dedupe) error {
	return buffered(w, r, markdownDedupe)
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
