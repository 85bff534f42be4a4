package rules

import (
	"regexp"
	"strings"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/source"
)

// rel is the relation every check reads: each row's position, every
// column as read (names.raw), and every column under its own name, typed
// as the sniffer saw it, for where clauses and expressions.
func (ev *evaluation) rel() string {
	file, row := ev.t.PositionNames()
	items := []string{engine.Ident(file) + " AS " + ev.names.file, engine.Ident(row) + " AS " + ev.names.row}
	for i, c := range ev.t.Columns {
		items = append(items, engine.Ident(c.Name)+" AS "+ev.names.raw(i))
	}
	for _, c := range ev.t.Columns {
		items = append(items, ev.typed(c)+" AS "+engine.Ident(c.Name))
	}
	return "(SELECT " + strings.Join(items, ", ") + " FROM " + ev.t.Positioned() + ")"
}

// typed is column c as the type a typed load would have given it.
func (ev *evaluation) typed(c source.Column) string {
	id := engine.Ident(c.Name)
	if c.Type != "VARCHAR" || c.Detected == "" {
		return id
	}
	var d source.Dialect
	if len(ev.t.Files) > 0 && ev.t.Files[0].Dialect != nil {
		d = *ev.t.Files[0].Dialect
	}
	switch engine.Classify(c.Detected) {
	case engine.ClassDate:
		if d.DateFormat != "" {
			return "CAST(try_strptime(" + id + ", " + engine.Literal(d.DateFormat) + ") AS DATE)"
		}
	case engine.ClassTimestamp:
		if d.TimestampFormat != "" {
			return "try_strptime(" + id + ", " + engine.Literal(d.TimestampFormat) + ")"
		}
	}
	return "TRY_CAST(" + id + " AS " + c.Detected + ")"
}

// isDateOrTimestamp reports whether a DuckDB type holds dates or
// timestamps.
func isDateOrTimestamp(duckdbType string) bool {
	class := engine.Classify(duckdbType)
	return class == engine.ClassDate || class == engine.ClassTimestamp
}

// text is column i as text.
func (ev *evaluation) text(i int) string {
	if ev.t.Columns[i].Type == "VARCHAR" {
		return ev.names.raw(i)
	}
	return "CAST(" + ev.names.raw(i) + " AS VARCHAR)"
}

// number is column i as a DOUBLE, NULL where it is not a number.
func (ev *evaluation) number(i int) string {
	if engine.Classify(ev.t.Columns[i].Type).IsNumeric() {
		return "CAST(" + ev.names.raw(i) + " AS DOUBLE)"
	}
	return "TRY_CAST(" + ev.text(i) + " AS DOUBLE)"
}

// timestamp is column i as a TIMESTAMP, NULL where it is not one.
func (ev *evaluation) timestamp(i int) string {
	c := ev.t.Columns[i]
	switch {
	case isDateOrTimestamp(c.Type):
		return "CAST(" + ev.names.raw(i) + " AS TIMESTAMP)"
	case c.Type == "VARCHAR" && isDateOrTimestamp(c.Detected):
		return "coalesce(TRY_CAST(" + ev.typed(c) + " AS TIMESTAMP), TRY_CAST(" + ev.names.raw(i) + " AS TIMESTAMP))"
	}
	return "TRY_CAST(" + ev.text(i) + " AS TIMESTAMP)"
}

var identRE = regexp.MustCompile(`"(?:[^"]|"")+"|[\pL_][\pL\pN_]*`)

// mentioned returns the columns a SQL text names, in table order.
func (ev *evaluation) mentioned(sqlText string) []int {
	seen := map[int]bool{}
	for _, m := range identRE.FindAllString(sqlText, -1) {
		if strings.HasPrefix(m, `"`) {
			m = strings.ReplaceAll(m[1:len(m)-1], `""`, `"`)
		}
		if i, ok := ev.cols[m]; ok {
			seen[i] = true
			continue
		}
		for i, c := range ev.t.Columns {
			if strings.EqualFold(c.Name, m) {
				seen[i] = true
			}
		}
	}
	var out []int
	for i := range ev.t.Columns {
		if seen[i] {
			out = append(out, i)
		}
	}
	return out
}

// rowText shows columns as "name=value, ..." (all columns when none are
// given).
func (ev *evaluation) rowText(cols []int) string {
	if len(cols) == 0 {
		for i := range ev.t.Columns {
			cols = append(cols, i)
		}
	}
	parts := make([]string, len(cols))
	for k, i := range cols {
		parts[k] = engine.Literal(ev.t.Columns[i].Name+"=") + " || coalesce(" + ev.text(i) + ", 'NULL')"
	}
	return "concat_ws(', ', " + strings.Join(parts, ", ") + ")"
}
