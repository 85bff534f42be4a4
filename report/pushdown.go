package report

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/plumb-data/plumb/result"
)

// textPushdown says, under a report's heading, that the work ran in the
// database, and what was computed on a sample instead.
func textPushdown(w *bufio.Writer, p *result.Pushdown) {
	if p == nil {
		return
	}
	fmt.Fprintf(w, "  pushed down into %s (%s): %s queries, %s rows moved\n", p.Database, p.Reason, num(int64(p.Queries)), num(p.RowsMoved))
	var local []string
	for _, m := range p.Metrics {
		if m.Computed != result.ComputedSample {
			continue
		}
		name := m.Metric
		if len(m.Columns) > 0 {
			name += " (" + strings.Join(m.Columns, ", ") + ")"
		}
		local = append(local, name)
	}
	if len(local) == 0 {
		return
	}
	from := "every row, read"
	if p.Sampled != "" {
		from = fmt.Sprintf("%s rows sampled", num(p.SampleRows))
	}
	wrapped(w, "    ", fmt.Sprintf("computed locally on %s: %s", from, strings.Join(local, ", ")))
}
