//go:build duckdb_arrow

package reconcile

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/plumb-data/plumb/engine"
)

// reading is a type a text value can be read as, when it is written the
// plain way: no leading zeros, thousands separators or spaces; ISO dates.
type reading int

const (
	readInteger     reading = iota // 42, -7, 0
	readNumber                     // 42, 1.50, -0.5, 1e3
	readDate                       // 2024-01-02
	readTimestamp                  // 2024-01-02, 2024-01-02 10:00, 2024-01-02T10:00:00.123
	readTimestampTZ                // a timestamp, with Z or an offset such as +02:00
	readBoolean                    // true, false, in any case
)

const (
	integerPattern   = `[+-]?(0|[1-9][0-9]*)`
	numberPattern    = integerPattern + `(\.[0-9]+)?([eE][+-]?[0-9]+)?`
	datePattern      = `[0-9]{4}-[0-9]{2}-[0-9]{2}`
	timestampPattern = datePattern + `([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?)?`
	zonePattern      = `(Z|[+-][0-9]{2}(:?[0-9]{2})?)?`
)

// reads is a SQL condition, over a text value t, that is true when t
// reads as typ (a DuckDB type of rd's kind).
func (rd reading) reads(t, typ string) string {
	matches := func(pattern string) string {
		return "regexp_full_match(" + t + ", " + engine.Literal(pattern) + ")"
	}
	castable := " AND TRY_CAST(" + t + " AS " + typ + ") IS NOT NULL"
	switch rd {
	case readInteger:
		return matches(integerPattern) + castable
	case readNumber:
		return matches(numberPattern) + castable
	case readDate:
		return matches(datePattern) + castable
	case readTimestamp:
		return matches(timestampPattern) + castable
	case readTimestampTZ:
		return matches(timestampPattern+zonePattern) + castable
	}
	return "lower(" + t + ") IN ('true', 'false')"
}

// readAs is a reading of text beside a typed value, and the type the text
// is then cast to.
type readAs struct {
	rd reading
	as string
}

// readingsOf lists, best first, how text beside a value of type typ may
// be read so as to compare with it; none for the types text is only
// compared with as text. The text beside a DECIMAL is read as DOUBLE,
// not cast to the decimal's scale, which would round it.
func readingsOf(typ string) []readAs {
	switch engine.Classify(typ) {
	case engine.ClassInteger:
		return []readAs{{readInteger, typ}, {readNumber, "DOUBLE"}}
	case engine.ClassFloat:
		return []readAs{{readNumber, typ}}
	case engine.ClassDecimal:
		return []readAs{{readNumber, "DOUBLE"}}
	case engine.ClassDate:
		return []readAs{{readDate, "DATE"}}
	case engine.ClassTimestamp:
		if t := strings.ToUpper(typ); strings.Contains(t, "TIME ZONE") || strings.HasSuffix(t, "TZ") {
			return []readAs{{readTimestampTZ, typ}}
		}
		return []readAs{{readTimestamp, typ}}
	case engine.ClassBoolean:
		return []readAs{{readBoolean, "BOOLEAN"}}
	}
	return nil
}

// isText reports whether values of a type are text (VARCHAR, and the
// types DuckDB writes as text: UUID, JSON, ENUM).
func isText(typ string) bool { return engine.Classify(typ) == engine.ClassText }

// textOf is a value of type typ as text: a JSON value as the text it
// holds (a JSON string without its quotes), any other as DuckDB writes it.
func textOf(v, typ string) string {
	if strings.EqualFold(typ, "JSON") {
		return "json_extract_string(" + v + ", '$')"
	}
	return "CAST(" + v + " AS VARCHAR)"
}

// wholeCheck asks of every value of one side of a pair whether it reads
// as a type; Bad counts the values that do not, the least of which is
// Example.
type wholeCheck struct {
	side    int
	text    string // the side's value, as text
	reading readAs
	bad     int64
	example sql.NullString
}

// decideComparisons decides how each key and compared column compares,
// from the types found of its two sides and, where one side or both are
// text, from what every value of the text reads as (see Values as
// written in the package documentation).
func (r *runner) decideComparisons(ctx context.Context) error {
	var checks []*wholeCheck
	need := func(side int, c *compared, ra readAs) *wholeCheck {
		expr, typ := c.srcExpr, c.srcType
		if side == tgtSide {
			expr, typ = c.tgtExpr, c.tgtType
		}
		ch := &wholeCheck{side: side, text: textOf(expr, typ), reading: ra}
		checks = append(checks, ch)
		return ch
	}
	var then []func()
	for _, group := range []struct {
		cols []compared
		key  bool
	}{{r.keys, true}, {r.cols, false}} {
		for i := range group.cols {
			if c := &group.cols[i]; !group.key && len(r.opts.GroupBy) > 0 {
				// Aggregates compare counts and sums, not these columns.
				c.comparedAs = compareClass(c.srcType, c.tgtType)
				continue
			}
			if f := r.planComparison(&group.cols[i], group.key, need); f != nil {
				then = append(then, f)
			}
		}
	}
	if err := r.runChecks(ctx, checks); err != nil {
		return err
	}
	for _, f := range then {
		f()
	}
	return nil
}

// planComparison sets how c compares as far as its types say, asks with
// need for the checks of whole columns that the rest depends on, and
// returns what to do with their answers (nil when there are none).
func (r *runner) planComparison(c *compared, key bool, need func(int, *compared, readAs) *wholeCheck) func() {
	c.srcAs, c.tgtAs = c.srcType, c.tgtType
	srcText, tgtText := isText(c.srcType), isText(c.tgtType)
	switch {
	case !srcText && !tgtText:
		c.comparedAs = compareClass(c.srcType, c.tgtType)
		return nil
	case srcText && tgtText:
		c.comparedAs = AsText
		if key || !c.tolAsked && r.opts.Tolerance == (Tolerance{}) {
			return nil
		}
		var integer, number [2]*wholeCheck
		for side := range 2 {
			integer[side] = need(side, c, readAs{readInteger, "BIGINT"})
			number[side] = need(side, c, readAs{readNumber, "DOUBLE"})
		}
		return func() {
			if number[srcSide].bad == 0 && number[tgtSide].bad == 0 {
				c.comparedAs = AsNumber
				c.srcAs, c.tgtAs = integer[srcSide].numberType(), integer[tgtSide].numberType()
			} else if c.tolAsked {
				c.comparedAs = AsNumberOrText
			}
		}
	}
	textSide, typ := tgtSide, c.srcType
	if srcText {
		textSide, typ = srcSide, c.tgtType
	}
	c.comparedAs = AsText
	var checks []*wholeCheck
	for _, ra := range readingsOf(typ) {
		checks = append(checks, need(textSide, c, ra))
	}
	if len(checks) == 0 {
		return nil
	}
	return func() {
		for _, ch := range checks {
			if ch.bad == 0 {
				if textSide == srcSide {
					c.srcAs = ch.reading.as
				} else {
					c.tgtAs = ch.reading.as
				}
				c.comparedAs = compareClass(c.srcAs, c.tgtAs)
				return
			}
		}
		if !key && c.tolAsked && engine.Classify(typ).IsNumeric() {
			c.comparedAs = AsNumberOrText
		}
		ch := checks[len(checks)-1]
		c.note = fmt.Sprintf("%s of the %s does not read as %s", plural(ch.bad, "value"), sideName(textSide), typ)
		if ch.example.Valid {
			c.note += fmt.Sprintf(", e.g. %s", strconv.Quote(clip(ch.example.String, 40)))
		}
	}
}

// numberType is the type of a text column that reads as numbers: BIGINT
// when every value reads as one (ch is its integer check), else DOUBLE.
func (ch *wholeCheck) numberType() string {
	if ch.bad == 0 {
		return "BIGINT"
	}
	return "DOUBLE"
}

// runChecks answers the checks, in one pass over each side's rows (those
// its filters keep).
func (r *runner) runChecks(ctx context.Context, checks []*wholeCheck) error {
	for side := range 2 {
		var aggs []string
		var dest []any
		for _, ch := range checks {
			if ch.side != side {
				continue
			}
			fails := ch.text + " IS NOT NULL AND NOT coalesce(" + ch.reading.rd.reads(ch.text, ch.reading.as) + ", false)"
			aggs = append(aggs, "count(*) FILTER (WHERE "+fails+")", "min("+ch.text+") FILTER (WHERE "+fails+")")
			dest = append(dest, &ch.bad, &ch.example)
		}
		if len(aggs) == 0 {
			continue
		}
		q := "SELECT " + strings.Join(aggs, ", ") + " FROM " + r.from(side) + r.filter(side)
		if err := r.db.QueryRowContext(ctx, q).Scan(dest...); err != nil {
			// A filter that fails on some row fails here first.
			return r.explain(ctx, fmt.Errorf("%s: read the text of whole columns: %w", sideName(side), err))
		}
	}
	return nil
}

func sideName(side int) string {
	if side == srcSide {
		return "source"
	}
	return "target"
}

// plural writes a count of things: "1 value", "3 values".
func plural(n int64, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.FormatInt(n, 10) + " " + thing + "s"
}

// clip shortens s to at most n runes, marking the cut with "…".
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
