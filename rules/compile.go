package rules

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/source"
)

func checkError(c Check, format string, args ...any) error {
	return &ConfigError{Line: c.Line, Column: c.Column, Err: fmt.Errorf("%s: "+format, append([]any{c.Name}, args...)...)}
}

// column resolves a column name: exactly, else ignoring case when that
// is unambiguous.
func (ev *evaluation) column(c Check, name string) (int, error) {
	if i, ok := ev.cols[name]; ok {
		return i, nil
	}
	found := -1
	for i, col := range ev.t.Columns {
		if strings.EqualFold(col.Name, name) {
			if found >= 0 {
				found = -2
				break
			}
			found = i
		}
	}
	if found >= 0 {
		return found, nil
	}
	names := make([]string, len(ev.t.Columns))
	for i, col := range ev.t.Columns {
		names[i] = col.Name
	}
	return 0, checkError(c, "no column %q in %s (columns: %s)", name, ev.t.Source, strings.Join(names, ", "))
}

// compile turns every check into SQL and binds it. The SQL fragments the
// rules file gives are read first, each as one expression, and the
// references loaded, before the session is confined and any query that
// holds a fragment runs.
func (ev *evaluation) compile(ctx context.Context, r *Rules) error {
	for _, c := range r.Checks {
		cc := &compiled{Check: c, applies: "true"}
		var err error
		if c.Where != "" {
			if cc.where, err = ev.readFragment(ctx, c, "where", c.Where, c.whereAt); err != nil {
				return err
			}
			cc.applies = "coalesce(" + cc.where.expr.SQL() + "::BOOLEAN, false)"
		}
		if c.Kind == Expression {
			if cc.sql, err = ev.readFragment(ctx, c, "sql", c.SQL, c.sqlAt); err != nil {
				return err
			}
		}
		ev.checks = append(ev.checks, cc)
	}
	// The other sources of references checks are loaded now; then the
	// session is confined, so that no SQL of the rules file reads or
	// writes a file or reaches the network.
	for _, cc := range ev.checks {
		if cc.Kind == References {
			if _, _, err := ev.reference(ctx, cc.Check); err != nil {
				return err
			}
		}
	}
	if err := ev.db.Confine(ctx); err != nil {
		return err
	}
	for _, cc := range ev.checks {
		c := cc.Check
		cc.res = CheckResult{Name: c.Name, Kind: string(c.Kind), Severity: c.Severity, Line: c.Line,
			Threshold: c.MaxFailures}
		if c.Kind != Schema {
			cc.res.Columns = c.Columns
			for _, name := range c.Columns {
				i, err := ev.column(c, name)
				if err != nil {
					return err
				}
				cc.cols = append(cc.cols, i)
			}
		}
		if err := ev.compileCheck(ctx, cc); err != nil {
			return err
		}
	}
	// Bind every check's SQL at once; when that fails, bind each alone,
	// so that a mistake is reported at its check.
	rel := ev.rel()
	bind := func(items []string) error {
		rows, err := ev.db.QueryContext(ctx, "SELECT "+strings.Join(items, ", ")+" FROM "+rel+" r LIMIT 0")
		if err == nil {
			err = rows.Close()
		}
		return err
	}
	var all [][]string
	for _, cc := range ev.checks {
		items := []string{cc.applies}
		if !cc.isSet() {
			for _, e := range []string{cc.fails, cc.value, cc.aggArg} {
				if e != "" {
					items = append(items, e)
				}
			}
		}
		all = append(all, items)
	}
	if bind(slices.Concat(all...)) == nil {
		return nil
	}
	for i, cc := range ev.checks {
		if err := bind(all[i]); err != nil {
			return ev.failure(ctx, cc, err, true)
		}
	}
	return nil
}

// compileCheck sets a check's predicates.
func (ev *evaluation) compileCheck(ctx context.Context, cc *compiled) error {
	c := cc.Check
	var v string // the checked value as text
	if len(cc.cols) > 0 {
		v = ev.text(cc.cols[0])
		cc.value = v
	}
	// valueCheck: bad says when a non-null value fails.
	valueCheck := func(bad string) {
		if c.AllowNull {
			cc.fails = "(" + v + " IS NOT NULL AND coalesce(" + bad + ", true))"
		} else {
			cc.fails = "(" + v + " IS NULL OR coalesce(" + bad + ", true))"
		}
	}
	switch c.Kind {
	case NotNull:
		cc.fails = "(" + v + " IS NULL)"
	case AcceptedValues:
		if typ, ok := ev.comparedTyped(cc.cols[0]); ok {
			list, err := ev.typedList(ctx, c, cc.cols[0], typ)
			if err != nil {
				return err
			}
			valueCheck(ev.typedValue(cc.cols[0]) + " NOT IN " + list)
			break
		}
		vals := c.Values
		x := v
		if c.IgnoreCase {
			x = "lower(" + v + ")"
			vals = make([]string, len(c.Values))
			for i, s := range c.Values {
				vals[i] = strings.ToLower(s)
			}
		}
		valueCheck(x + " NOT IN " + inList(vals))
	case Range:
		x, lit, err := ev.rangeValue(c, cc.cols[0])
		if err != nil {
			return err
		}
		bad := []string{x + " IS NULL"}
		if c.Min != nil {
			bad = append(bad, x+" < "+lit(c.Min))
		}
		if c.Max != nil {
			bad = append(bad, x+" > "+lit(c.Max))
		}
		valueCheck("(" + strings.Join(bad, " OR ") + ")")
	case Pattern:
		flags := ""
		if c.IgnoreCase {
			flags = ", 'i'"
		}
		valueCheck("NOT regexp_matches(" + v + ", " + engine.Literal(c.Regex) + flags + ")")
	case Length:
		var bad []string
		if c.Min != nil {
			bad = append(bad, "length("+v+") < "+c.Min.literal())
		}
		if c.Max != nil {
			bad = append(bad, "length("+v+") > "+c.Max.literal())
		}
		valueCheck("(" + strings.Join(bad, " OR ") + ")")
	case Type:
		if ev.hasType(cc.cols[0], c.Type) {
			valueCheck("false")
		} else {
			valueCheck(typeFails(v, c.Type, c.Format))
		}
	case Semantic:
		is, err := semanticSQL(ctx, ev.db, c.Type, v)
		if err != nil {
			return err
		}
		valueCheck("NOT " + is)
	case References:
		ref, keyCol, err := ev.reference(ctx, c)
		if err != nil {
			return err
		}
		key := engine.Ident(keyCol)
		x, typ := v, "VARCHAR"
		if t, ok := ev.comparedTyped(cc.cols[0]); ok {
			x, typ = ev.typedValue(cc.cols[0]), t
		}
		valueCheck(x + " NOT IN (SELECT TRY_CAST(" + key + " AS " + typ + ") FROM " + engine.Ident(ref.Name) + " WHERE " + key + " IS NOT NULL)")
	case Expression:
		if c.AllowNull {
			cc.fails = "coalesce(NOT " + cc.sql.expr.SQL() + "::BOOLEAN, false)"
		} else {
			cc.fails = "coalesce(NOT " + cc.sql.expr.SQL() + "::BOOLEAN, true)"
		}
		cc.value = ev.rowText(ev.mentioned(c.SQL + " " + c.Where))
	case Unique:
		return ev.compileUnique(ctx, cc)
	case DuplicateRows:
		return ev.compileDuplicateRows(ctx, cc)
	case RowCount:
		cc.agg = "count"
	case Freshness:
		x, _, ok := ev.temporal(cc.cols[0])
		if !ok {
			return checkError(c, "%s, not dates or timestamps", ev.describe(cc.cols[0]))
		}
		cc.agg, cc.aggArg = "max", x
	case Schema:
	case Avg, Sum, Min, Max, Stddev, DistinctCount, MissingPercent, DuplicatePercent:
		return ev.compileAggregate(ctx, cc)
	default:
		return checkError(c, "unknown kind %s", c.Kind)
	}
	return nil
}

func inList(vals []string) string {
	out := make([]string, len(vals))
	for i, s := range vals {
		out[i] = engine.Literal(s)
	}
	return "(" + strings.Join(out, ", ") + ")"
}

// comparedTyped reports whether values of column i are compared with
// the values a check lists as values of its loaded type (numbers,
// booleans, dates and times: 1.5 is 1.50 in a DECIMAL(10,2) column), and
// gives that type; columns loaded as text compare as written.
func (ev *evaluation) comparedTyped(i int) (string, bool) {
	typ := ev.t.Columns[i].Type
	switch class := engine.Classify(typ); {
	case class.IsNumeric(), class.IsTemporal(), class == engine.ClassBoolean:
		return typ, true
	}
	return "", false
}

// typedList writes the values of check c as a SQL list of typ, the type
// of column col, or says which of them is not a value of typ.
func (ev *evaluation) typedList(ctx context.Context, c Check, col int, typ string) (string, error) {
	values := c.Values
	items := make([]string, len(values))
	tests := make([]string, len(values))
	for i, s := range values {
		items[i] = "CAST(" + engine.Literal(s) + " AS " + typ + ")"
		tests[i] = "TRY_CAST(" + engine.Literal(s) + " AS " + typ + ") IS NULL"
	}
	var bad []bool
	rows, err := ev.db.QueryContext(ctx, "SELECT "+strings.Join(tests, ", "))
	if err != nil {
		return "", err
	}
	defer rows.Close()
	if rows.Next() {
		bad = make([]bool, len(values))
		ptrs := make([]any, len(values))
		for i := range bad {
			ptrs[i] = &bad[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return "", err
		}
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	for i, b := range bad {
		if b {
			return "", checkError(c, "value %q is not a %s, the type of column %s", values[i], typ, ev.t.Columns[col].Name)
		}
	}
	return "(" + strings.Join(items, ", ") + ")", nil
}

// rangeValue is column i as a range check compares it, and how it
// writes a bound: numbers with numeric bounds, points in time with dates.
func (ev *evaluation) rangeValue(c Check, i int) (string, func(*Bound) string, error) {
	if (c.Min != nil && c.Min.Text != "") || (c.Max != nil && c.Max.Text != "") {
		x, typ, ok := ev.temporal(i)
		if !ok {
			hint := ""
			if ev.readClass(i).IsNumeric() {
				hint = ": give min and max as numbers"
			}
			return "", nil, checkError(c, "%s, not dates or timestamps%s", ev.describe(i), hint)
		}
		return x, func(b *Bound) string { return "CAST(" + engine.Literal(b.Text) + " AS " + typ + ")" }, nil
	}
	x, ok := ev.number(i)
	if !ok {
		hint := ""
		if ev.readClass(i).IsTemporal() {
			hint = ": give min and max as dates like 2024-01-31"
		}
		return "", nil, checkError(c, "%s, not numbers%s", ev.describe(i), hint)
	}
	return x, (*Bound).literal, nil
}

// hasType reports whether column i is loaded as a type whose every value
// passes a type check of typ (a DATE column is of type date whatever
// format the check gives for text).
func (ev *evaluation) hasType(i int, typ string) bool {
	class := engine.Classify(ev.t.Columns[i].Type)
	switch typ {
	case "boolean":
		return class == engine.ClassBoolean
	case "integer":
		return class == engine.ClassInteger
	case "decimal":
		return class.IsNumeric()
	case "date":
		return class == engine.ClassDate
	case "timestamp":
		return class == engine.ClassDate || class == engine.ClassTimestamp
	}
	return false
}

// typeFails is the SQL that says a text value is not of a type.
func typeFails(v, typ, format string) string {
	switch typ {
	case "boolean":
		return "TRY_CAST(" + v + " AS BOOLEAN) IS NULL"
	case "integer":
		// DuckDB rounds text like 1.5 to an integer; an integer is digits.
		return "(NOT regexp_full_match(" + v + ", '\\s*[+-]?[0-9]+\\s*') OR TRY_CAST(" + v + " AS HUGEINT) IS NULL)"
	case "decimal":
		return "TRY_CAST(" + v + " AS DOUBLE) IS NULL"
	}
	if format != "" {
		return "try_strptime(" + v + ", " + engine.Literal(format) + ") IS NULL"
	}
	if typ == "date" {
		// DuckDB reads a timestamp as its date; a date has no time of day.
		return "(TRY_CAST(" + v + " AS DATE) IS NULL OR TRY_CAST(" + v + " AS TIMESTAMP) <> TRY_CAST(" + v + " AS DATE))"
	}
	return "TRY_CAST(" + v + " AS TIMESTAMP) IS NULL"
}

// reference loads a references check's other source (once per source).
func (ev *evaluation) reference(ctx context.Context, c Check) (*engine.Table, string, error) {
	spec := c.To
	if ev.opts.BaseDir != "" && !filepath.IsAbs(spec) && !strings.Contains(spec, "://") {
		if p := filepath.Join(ev.opts.BaseDir, spec); exists(p) || !exists(spec) {
			spec = p
		}
	}
	if ev.refs == nil {
		ev.refs = map[string]*engine.Table{}
	}
	ref := ev.refs[spec]
	if ref == nil {
		src, err := source.Parse(spec)
		if err != nil {
			return nil, "", checkError(c, "to %s: %v", source.Redact(c.To), err)
		}
		ref, err = ev.db.Load(ctx, src, engine.LoadOptions{Raw: true})
		if err != nil {
			return nil, "", checkError(c, "%v", err)
		}
		ev.scratch.Adopt(ref.Name)
		ev.scratch.Adopt(ref.RejectsTable)
		ev.refs[spec] = ref
	}
	for _, col := range ref.Columns {
		if col.Name == c.Key {
			return ref, col.Name, nil
		}
	}
	for _, col := range ref.Columns {
		if strings.EqualFold(col.Name, c.Key) {
			return ref, col.Name, nil
		}
	}
	return nil, "", checkError(c, "no column %q in %s", c.Key, source.Redact(c.To))
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
