package rules

import (
	"context"
	"strings"

	"github.com/plumb-data/plumb/engine"
)

// loadName is the name of the load check.
const loadName = "load"

// loadCheck is the check Run adds when rows were rejected at load: they
// were read but could not be checked, so they fail the run, or only warn
// when Options.AllowRejects says they are expected. Its samples are the
// first rejects, with their line, reason and text as read.
func (ev *evaluation) loadCheck(ctx context.Context) (CheckResult, error) {
	t := ev.t
	c := CheckResult{Name: loadName, Kind: string(Load), Severity: SeverityError, Status: StatusFail,
		Rows: t.RowsRead, Failed: t.RowsRejected}
	if ev.opts.AllowRejects {
		c.Severity, c.Status = SeverityWarn, StatusWarn
	}
	if t.RowsRead > 0 {
		c.Share = float64(t.RowsRejected) / float64(t.RowsRead)
	}
	rejects, err := ev.db.Rejects(ctx, t, ev.opts.Samples)
	if err != nil {
		return c, err
	}
	for _, r := range rejects {
		s := Sample{Line: r.Line, Value: r.Text, Reason: r.Reason}
		if len(t.Files) > 1 {
			s.File = r.File
		}
		c.Samples = append(c.Samples, s)
	}
	return c, nil
}

// rejectedRows is the quarantine's query for the rows rejected at load,
// with the columns of the failing rows' query: the line, the file (when
// files, the literal list of the source's files, is set), the load
// check's name, the reason and the text, NULL for each of the source's
// columns, and the file's index for the order.
func (ev *evaluation) rejectedRows(files string) string {
	n := ev.names
	items := []string{"j.line"}
	index := "0"
	if files != "" {
		items = append(items, "j.file")
		index = "list_position(" + files + ", j.file) - 1"
	}
	items = append(items, engine.Literal(loadName), "j.reason", "j.text")
	for range ev.t.Columns {
		items = append(items, "NULL")
	}
	items = append(items, index+" AS "+n.file)
	return "SELECT " + strings.Join(items, ", ") + " FROM " + engine.Ident(ev.t.RejectsTable) + " j"
}
