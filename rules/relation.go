package rules

import (
	"fmt"
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

// text is column i as text.
func (ev *evaluation) text(i int) string {
	if ev.t.Columns[i].Type == "VARCHAR" {
		return ev.names.raw(i)
	}
	return "CAST(" + ev.names.raw(i) + " AS VARCHAR)"
}

// How a check reads a column depends on its type class (engine.Classify,
// the one table of DuckDB types): the loaded type, or for a column loaded
// raw as text, the type DuckDB's sniffer saw in it. Checks that compare
// magnitudes (range, freshness, the aggregates) read a column of numbers
// as numbers and one of dates as dates; a column of text is read value
// by value, and one that holds neither kind is a *ConfigError at the
// check, never a SQL error.

// readClass is the class column i is read as: its loaded type's, or for
// a column loaded raw as text, the class of the type the sniffer saw
// (text when it saw none).
func (ev *evaluation) readClass(i int) engine.TypeClass {
	c := ev.t.Columns[i]
	if class := engine.Classify(c.Type); class != engine.ClassText || c.Detected == "" {
		return class
	}
	return engine.Classify(c.Detected)
}

// readType is the DuckDB type column i is read as (see readClass).
func (ev *evaluation) readType(i int) string {
	c := ev.t.Columns[i]
	if engine.Classify(c.Type) == engine.ClassText && c.Detected != "" {
		return c.Detected
	}
	return c.Type
}

// typedValue is column i as its read type: the loaded value, or the text
// read as the sniffer's type (NULL where it does not read); rel holds it
// under the column's own name.
func (ev *evaluation) typedValue(i int) string { return engine.Ident(ev.t.Columns[i].Name) }

// describe says what column i holds, for an error: "d holds date values
// (DATE)".
func (ev *evaluation) describe(i int) string {
	c := ev.t.Columns[i]
	typ := c.Type
	if c.Type != ev.readType(i) {
		typ = c.Type + " read as " + ev.readType(i)
	}
	return fmt.Sprintf("%s holds %s values (%s)", c.Name, ev.readClass(i), typ)
}

// number is column i as a number to compare with a numeric bound: its
// value in its own type when it holds numbers (so that big integers and
// decimals compare exactly), a text value read as a DOUBLE (NULL where it
// is not a number); false when the column holds other values.
func (ev *evaluation) number(i int) (string, bool) {
	switch class := ev.readClass(i); {
	case class.IsNumeric():
		return ev.typedValue(i), true
	case class == engine.ClassText:
		return "TRY_CAST(" + ev.text(i) + " AS DOUBLE)", true
	}
	return "", false
}

// temporal is column i as a point in time to compare with a date bound,
// and the type to read such a bound as (CAST(bound AS boundType)): a
// column of dates or timestamps in its own type (falling back to DuckDB's
// ISO reading for raw text the sniffer's format missed), a text value
// read as a TIMESTAMP (NULL where it is not one); false when the column
// holds other values.
func (ev *evaluation) temporal(i int) (value, boundType string, ok bool) {
	typ := ev.readType(i)
	fallback := func(v string) string {
		if ev.t.Columns[i].Type == typ {
			return v
		}
		return "coalesce(" + v + ", TRY_CAST(" + ev.names.raw(i) + " AS " + typ + "))"
	}
	switch ev.readClass(i) {
	case engine.ClassDate:
		// A DATE compares with a TIMESTAMP bound as its midnight.
		return fallback(ev.typedValue(i)), "TIMESTAMP", true
	case engine.ClassTimestamp:
		return fallback(ev.typedValue(i)), typ, true
	case engine.ClassText:
		return "TRY_CAST(" + ev.text(i) + " AS TIMESTAMP)", "TIMESTAMP", true
	}
	return "", "", false
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
