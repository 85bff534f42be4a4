package rules

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/internal/missing"
	"github.com/plumb-data/plumb/internal/numfmt"
)

// An aggregate check measures its column over the rows it applies to, or
// over each group of them (group_by), in one query of its own, which
// judges each measure against the bounds in SQL: DuckDB compares a
// measure with a bound in a type that holds both, as range does.

// aggregate is an aggregate check's SQL.
type aggregate struct {
	measure string   // SQL: the measure, an aggregate over the rows of a group
	float   bool     // the measure is a DOUBLE (else it is shown as DuckDB writes it)
	within  string   // SQL over m, the measure: it is within the bounds
	groups  []string // SQL: the group_by columns, as read
	label   string   // group: the text that names a group
	// skipped counts the values of a text column left out because they
	// do not read as what (numbers, dates); "" for a typed column.
	skipped, what string
}

// compileAggregate builds an aggregate check's query parts.
func (ev *evaluation) compileAggregate(ctx context.Context, cc *compiled) error {
	c := cc.Check
	i := cc.cols[0]
	raw := ev.names.raw(i)
	a := &aggregate{}
	lit := (*Bound).literal
	text := ev.readClass(i) == engine.ClassText
	// read measures x; a text column's values that do not read as what
	// the measure needs are left out, and counted.
	read := func(fn, x, what string) {
		a.measure, cc.aggArg = fn+"("+x+")", x
		if text {
			a.skipped, a.what = "count(*) FILTER (WHERE "+raw+" IS NOT NULL AND "+x+" IS NULL)", what
		}
	}
	numeric := func(fn string) error {
		x, ok := ev.number(i)
		if !ok {
			hint := ""
			if ev.readClass(i).IsTemporal() && (c.Kind == Min || c.Kind == Max) {
				hint = ": give min and max as dates like 2024-01-31"
			}
			return checkError(c, "%s, not numbers%s", ev.describe(i), hint)
		}
		read(fn, x, "numbers")
		// Only sum, min and max of integers and decimals are exact.
		a.float = text || ev.readClass(i) == engine.ClassFloat || (fn != "sum" && fn != "min" && fn != "max")
		return nil
	}
	var err error
	switch c.Kind {
	case Avg:
		err = numeric("avg")
	case Sum:
		err = numeric("sum")
	case Stddev:
		err = numeric("stddev_samp")
	case Min, Max:
		fn := string(c.Kind)
		if (c.Min != nil && c.Min.Text != "") || (c.Max != nil && c.Max.Text != "") {
			x, typ, ok := ev.temporal(i)
			if !ok {
				return checkError(c, "%s, not dates or timestamps", ev.describe(i))
			}
			read(fn, x, "dates or timestamps")
			lit = func(b *Bound) string { return "CAST(" + engine.Literal(b.Text) + " AS " + typ + ")" }
			break
		}
		err = numeric(fn)
	case DistinctCount:
		a.measure, cc.aggArg = "count(DISTINCT "+raw+")", raw
	case DuplicatePercent:
		a.measure, a.float, cc.aggArg = "100.0 * (count("+raw+") - count(DISTINCT "+raw+")) / nullif(count("+raw+"), 0)", true, raw
	case MissingPercent:
		is, err := ev.missingSQL(ctx, i)
		if err != nil {
			return err
		}
		a.measure, a.float, cc.aggArg = "100.0 * count(*) FILTER (WHERE "+is+") / nullif(count(*), 0)", true, is
	}
	if err != nil {
		return err
	}
	var within []string
	if c.Min != nil {
		within = append(within, "m >= "+lit(c.Min))
	}
	if c.Max != nil {
		within = append(within, "m <= "+lit(c.Max))
	}
	a.within = "coalesce(" + strings.Join(within, " AND ") + ", false)"
	if len(c.GroupBy) > 0 {
		var cols []int
		for _, name := range c.GroupBy {
			g, err := ev.column(c, name)
			if err != nil {
				return err
			}
			cols = append(cols, g)
			a.groups = append(a.groups, ev.names.raw(g))
		}
		a.label = ev.rowText(cols)
	}
	cc.aggregate = a
	return nil
}

// missingSQL says that column i's value is missing as the profile counts
// it: null, or for text, empty, blank (Go's unicode spaces) or a sentinel
// once trimmed (missing.Sentinels). Values with no space at either end,
// most of them, are judged in SQL; the others by Go's own trimming.
func (ev *evaluation) missingSQL(ctx context.Context, i int) (string, error) {
	raw := ev.names.raw(i)
	if engine.Classify(ev.t.Columns[i].Type) != engine.ClassText {
		return raw + " IS NULL", nil
	}
	const name = "plumb_is_missing"
	sentinels := map[string]bool{}
	for _, s := range missing.Sentinels {
		sentinels[s] = true
	}
	err := ev.db.RegisterPredicate(ctx, name, func(s string) bool {
		t := strings.TrimSpace(s)
		return t == "" || sentinels[t]
	})
	if err != nil {
		return "", err
	}
	spaced := `regexp_matches(` + raw + `, '^[\s\v\pZ\x{85}]|[\s\v\pZ\x{85}]$')`
	return "(" + raw + " IS NULL OR CASE WHEN " + raw + " = '' OR " + spaced + " THEN " + name + "(" + raw + ") ELSE " +
		raw + " IN " + inList(missing.Sentinels) + " END)", nil
}

// measureAggregate runs an aggregate check's query and judges it.
func (ev *evaluation) measureAggregate(ctx context.Context, cc *compiled) error {
	a := cc.aggregate
	value := "m"
	if !a.float {
		value = "CAST(m AS VARCHAR)"
	}
	label, groupBy := "''", ""
	if len(a.groups) > 0 {
		label, groupBy = a.label, " GROUP BY "+strings.Join(a.groups, ", ")
	}
	skipped := "0"
	if a.skipped != "" {
		skipped = a.skipped
	}
	inner := "SELECT " + label + " AS g, count(*) AS n, " + skipped + " AS skipped, " + a.measure + " AS m FROM " + ev.rel() +
		" r WHERE " + cc.applies + groupBy
	q := fmt.Sprintf("SELECT count(*), coalesce(sum(n), 0)::BIGINT, coalesce(sum(skipped), 0)::BIGINT, count(*) FILTER (WHERE NOT ok), "+
		"(list({'g': g, 'v': v} ORDER BY g) FILTER (WHERE NOT ok))[1:%d], first(v), bool_and(ok) "+
		"FROM (SELECT g, n, skipped, %s AS v, %s AS ok FROM (%s))", ev.opts.Samples, value, a.within, inner)
	var groups, rows, left, failing, first, ok any
	var samples any
	if err := ev.row(ctx, q, []func(any){
		func(v any) { groups = v }, func(v any) { rows = v }, func(v any) { left = v }, func(v any) { failing = v },
		func(v any) { samples = v }, func(v any) { first = v }, func(v any) { ok = v },
	}); err != nil {
		return err
	}
	if n := toInt(left); n > 0 {
		// Said after the verdict, so that a cut line keeps the verdict.
		defer func() {
			cc.res.Detail += fmt.Sprintf(" (%s %s not %s, left out)", numfmt.Int(n), plural(n, "value is", "values are"), a.what)
		}()
	}
	r := &cc.res
	r.Rows = toInt(rows)
	r.Min, r.Max = boundText(cc.Min), boundText(cc.Max)
	want := ev.wantText(cc.Check)
	label = string(cc.Kind) + "(" + cc.Columns[0] + ")"
	if len(a.groups) == 0 {
		r.Value = measureText(first)
		passed, _ := ok.(bool)
		if !passed {
			r.Failed = 1
		}
		if r.Value == "" {
			r.Detail = fmt.Sprintf("%s: no values to measure; want %s", label, want)
		} else {
			r.Detail = fmt.Sprintf("%s is %s; want %s", label, r.Value+ev.unit(cc.Check), want)
		}
		r.Status = status(cc.Check, passed && cc.MaxFailures.Allows(r.Failed, 1))
		return nil
	}
	r.Groups, r.Failed = toInt(groups), toInt(failing)
	list, _ := samples.([]any)
	for _, e := range list {
		m, _ := e.(map[string]any)
		g, _ := m["g"].(string)
		s := Sample{Group: g, Value: measureText(m["v"])}
		if s.Value == "" {
			s.Null = true
		} else {
			s.Value += ev.unit(cc.Check)
		}
		r.Samples = append(r.Samples, s)
	}
	switch {
	case r.Groups == 0:
		r.Detail = fmt.Sprintf("%s: no groups to measure; want %s", label, want)
	case r.Failed == 0:
		r.Detail = fmt.Sprintf("%s is within bounds in all %s groups; want %s", label, numfmt.Int(r.Groups), want)
	default:
		r.Detail = fmt.Sprintf("%s is out of bounds in %s of %s groups; want %s", label, numfmt.Int(r.Failed), numfmt.Int(r.Groups), want)
	}
	r.Status = status(cc.Check, r.Groups > 0 && cc.MaxFailures.Allows(r.Failed, r.Groups))
	return nil
}

// unit is what follows a measure: % for the percentages.
func (ev *evaluation) unit(c Check) string {
	if c.Kind == MissingPercent || c.Kind == DuplicatePercent {
		return "%"
	}
	return ""
}

// wantText says what bounds a check wants: "between 0 and 20", "at least
// 5", "at most 2%".
func (ev *evaluation) wantText(c Check) string {
	u := ev.unit(c)
	switch {
	case c.Min != nil && c.Max != nil:
		return "between " + c.Min.String() + u + " and " + c.Max.String() + u
	case c.Min != nil:
		return "at least " + c.Min.String() + u
	}
	return "at most " + c.Max.String() + u
}

func boundText(b *Bound) string {
	if b == nil {
		return ""
	}
	return b.String()
}

// measureText writes a measure: a DOUBLE to 6 significant digits, or to
// 2 decimals from 100,000 up (a sum keeps its units), in full below 1e21
// (no 1.06987e+06); anything else as DuckDB wrote it; "" for none.
func measureText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return strconv.FormatFloat(x, 'g', -1, 64)
		}
		r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 6, 64), 64)
		if a := math.Abs(x); a >= 1e5 && a < 1e21 {
			r = math.Round(x*100) / 100
		}
		if a := math.Abs(r); a == 0 || (a >= 1e-6 && a < 1e21) {
			return strconv.FormatFloat(r, 'f', -1, 64)
		}
		return strconv.FormatFloat(r, 'g', -1, 64)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
