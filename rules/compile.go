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
		i := cc.cols[0]
		x, lit := ev.number(i), func(b *Bound) string { return fmt.Sprintf("%v", b.Number) }
		if (c.Min != nil && c.Min.Text != "") || (c.Max != nil && c.Max.Text != "") {
			x = ev.timestamp(i)
			lit = func(b *Bound) string { return "CAST(" + engine.Literal(b.Text) + " AS TIMESTAMP)" }
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
			bad = append(bad, fmt.Sprintf("length(%s) < %d", v, int64(c.Min.Number)))
		}
		if c.Max != nil {
			bad = append(bad, fmt.Sprintf("length(%s) > %d", v, int64(c.Max.Number)))
		}
		valueCheck("(" + strings.Join(bad, " OR ") + ")")
	case Type:
		valueCheck(typeFails(v, c.Type, c.Format))
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
		valueCheck(v + " NOT IN (SELECT CAST(" + key + " AS VARCHAR) FROM " + engine.Ident(ref.Name) + " WHERE " + key + " IS NOT NULL)")
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
		cc.agg, cc.aggArg = "max", ev.timestamp(cc.cols[0])
	case Schema:
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

// typeFails is the SQL that says a text value is not of a type.
func typeFails(v, typ, format string) string {
	switch typ {
	case "boolean":
		return "TRY_CAST(" + v + " AS BOOLEAN) IS NULL"
	case "integer":
		return "TRY_CAST(" + v + " AS HUGEINT) IS NULL"
	case "decimal":
		return "TRY_CAST(" + v + " AS DOUBLE) IS NULL"
	}
	sqlType := map[string]string{"date": "DATE", "timestamp": "TIMESTAMP"}[typ]
	if format != "" {
		return "try_strptime(" + v + ", " + engine.Literal(format) + ") IS NULL"
	}
	return "TRY_CAST(" + v + " AS " + sqlType + ") IS NULL"
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
