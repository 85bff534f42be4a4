package rules

import (
	"context"
	"fmt"
	"strings"
)

// lines turns the samples' positions into source line numbers.
func (ev *evaluation) lines(ctx context.Context, res *Result) error {
	fileIndex := make(map[string]int64, len(ev.t.Files))
	for i, f := range ev.t.Files {
		fileIndex[f.Path] = int64(i)
	}
	var values []string
	for _, r := range res.Checks {
		for _, s := range r.Samples {
			if s.Group == "" { // a group has no line
				values = append(values, fmt.Sprintf("(%d, %d)", fileIndex[s.File], s.Line))
			}
		}
	}
	if len(values) == 0 && ev.opts.Quarantine == "" {
		return nil
	}
	li, err := ev.db.LineIndex(ctx, ev.t)
	if err != nil {
		return err
	}
	ev.li = li
	ev.scratch.Adopt(li.Table)
	for _, ok := range li.Lines {
		if !ok {
			res.LineUnit = "row"
		}
	}
	if len(values) == 0 {
		return nil
	}
	join, line := li.Join("p.f", "p.r")
	q := "SELECT p.f, p.r, " + line + " FROM (VALUES " + strings.Join(values, ", ") + ") p(f, r)" + join
	rows, err := ev.db.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("sample lines: %w", err)
	}
	defer rows.Close()
	type key struct{ f, r int64 }
	m := map[key]int64{}
	for rows.Next() {
		var k key
		var l int64
		if err := rows.Scan(&k.f, &k.r, &l); err != nil {
			return err
		}
		m[k] = l
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for ci := range res.Checks {
		for si := range res.Checks[ci].Samples {
			s := &res.Checks[ci].Samples[si]
			if s.Group != "" {
				continue
			}
			s.Line = m[key{fileIndex[s.File], s.Line}]
			if len(ev.t.Files) == 1 {
				s.File = "" // the source names it
			}
		}
	}
	return nil
}
