package rules

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/plumb-data/plumb/engine"
)

// fragment is a piece of SQL a rules file gives (a check's where, an
// expression's sql), read by DuckDB's parser as one expression.
type fragment struct {
	key  string // "where" or "sql"
	expr engine.Expr
	at   place
}

// readFragment checks that text, the value of key in check c, is one SQL
// expression: no second statement, no FROM, no subquery. It runs before
// any query holds it; a fragment that is not one is a *ConfigError at the
// value in the rules file that wraps an *engine.ExprError.
func (ev *evaluation) readFragment(ctx context.Context, c Check, key, text string, at place) (*fragment, error) {
	if at == (place{}) {
		at = place{c.Line, c.Column}
	}
	expr, err := ev.db.ParseExpr(ctx, text)
	var ee *engine.ExprError
	if errors.As(err, &ee) {
		return nil, &ConfigError{Line: at.line, Column: at.column, Err: fmt.Errorf("%s: %s: %w", c.Name, key, err)}
	}
	if err != nil {
		return nil, err
	}
	return &fragment{key: key, expr: expr, at: at}, nil
}

// failure turns an error from a query that reads check cc's SQL into a
// *ConfigError: at the check's where or sql when that is what fails, else
// at the check. It quotes the user's fragment and DuckDB's reason, never
// the SQL plumb built around them.
func (ev *evaluation) failure(ctx context.Context, cc *compiled, err error, bindOnly bool) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if perr := ev.probe(ctx, cc, bindOnly); perr != nil {
		return perr
	}
	return checkError(cc.Check, "%s", ev.reason(cc, err))
}

// probe runs check cc's SQL alone, its where first, and returns a
// *ConfigError at the part that fails, or nil when none does. bindOnly
// binds the SQL without reading rows, which finds every mistake but text
// that does not convert.
func (ev *evaluation) probe(ctx context.Context, cc *compiled, bindOnly bool) error {
	run := func(cond string) error {
		q := "SELECT count(*) FILTER (WHERE " + cond + ") FROM " + ev.rel() + " r"
		if bindOnly {
			q = "SELECT " + cond + " FROM " + ev.rel() + " r LIMIT 0"
		}
		rows, err := ev.db.QueryContext(ctx, q)
		if err == nil {
			err = rows.Close()
		}
		return err
	}
	// pin puts a failure on f, or on the check when f is nil.
	pin := func(f *fragment, err error) error {
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case f != nil:
			return ev.fragmentError(cc, f, err)
		}
		return checkError(cc.Check, "%s", ev.reason(cc, err))
	}
	if cc.where != nil {
		if err := run(cc.applies); err != nil {
			return pin(cc.where, err)
		}
	}
	switch {
	case cc.fails != "" && !cc.isSet():
		if err := run(cc.applies + " AND " + cc.fails); err != nil {
			return pin(cc.sql, err)
		}
	case cc.aggArg != "":
		if err := run(cc.applies + " AND " + cc.aggArg + " IS NULL"); err != nil {
			return pin(nil, err)
		}
	}
	return nil
}

// queryError is the error of a query over every check: pinned on the
// check that fails alone when one does, else DuckDB's reason without the
// SQL plumb built.
func (ev *evaluation) queryError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if cerr := ev.culprit(ctx); cerr != nil {
		return cerr
	}
	return fmt.Errorf("check %s: %s", ev.t.Source, ev.reason(nil, err))
}

// culprit probes the checks one at a time, those with SQL of the rules
// file's own first, to pin an error that only shows when rows are read
// (most often text that does not convert to the type an expression
// compares it with) on its check.
func (ev *evaluation) culprit(ctx context.Context) error {
	for _, userSQL := range []bool{true, false} {
		for _, cc := range ev.checks {
			if (cc.where != nil || cc.sql != nil) != userSQL {
				continue
			}
			if err := ev.probe(ctx, cc, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// fragmentError is a *ConfigError at a fragment that DuckDB could not run.
func (ev *evaluation) fragmentError(cc *compiled, f *fragment, err error) error {
	return &ConfigError{Line: f.at.line, Column: f.at.column,
		Err: fmt.Errorf("%s: %s %s: %s", cc.Name, f.key, strconv.Quote(f.expr.String()), ev.reason(cc, err))}
}

// internalName matches the names plumb gives its raw columns
// (names.raw) and its tables.
var internalName = regexp.MustCompile(`plumb\d*_raw_\d+|plumb_[a-z_]+_\d+`)

// reason is what DuckDB said is wrong, without the SQL plumb built: the
// first line of its message, with plumb's names for the source's columns
// turned back into theirs and its tables' names left out, and advice when
// the mistake is a text column compared with another type (cc may be nil).
func (ev *evaluation) reason(cc *compiled, err error) string {
	msg, _, _ := strings.Cut(err.Error(), "\n")
	msg = internalName.ReplaceAllStringFunc(strings.TrimSpace(msg), func(m string) string {
		if _, ok := ev.cols[m]; ok {
			return m // the source's own column
		}
		if s, ok := strings.CutPrefix(m, ev.names.prefix+"raw_"); ok {
			if i, err := strconv.Atoi(s); err == nil && i < len(ev.t.Columns) {
				return ev.t.Columns[i].Name
			}
		}
		return "(a working table)"
	})
	if cc == nil {
		return msg
	}
	return ev.hint(cc, msg)
}

var plainIdent = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// hint adds advice to a SQL error about text columns compared with other
// types: a column whose values are not all of one type stays text.
func (ev *evaluation) hint(cc *compiled, msg string) string {
	if !strings.Contains(msg, "Conversion Error") && !strings.Contains(msg, "Cannot compare values of type VARCHAR") &&
		!strings.Contains(msg, "No function matches") {
		return msg
	}
	cols := ev.mentioned(cc.SQL + " " + cc.Where)
	// The column DuckDB names, when it names one, comes first.
	if k := slices.IndexFunc(cols, func(i int) bool { return strings.Contains(msg, "column "+ev.t.Columns[i].Name) }); k > 0 {
		named := cols[k]
		cols = append([]int{named}, slices.Delete(cols, k, k+1)...)
	}
	for _, i := range cols {
		c := ev.t.Columns[i]
		if c.Type == "VARCHAR" && c.Detected == "" {
			name := c.Name
			if !plainIdent.MatchString(name) {
				name = engine.Ident(name)
			}
			return msg + fmt.Sprintf(" (%s is text: its values are not all of one type; convert it, e.g. TRY_CAST(%s AS INTEGER))", c.Name, name)
		}
	}
	return msg
}
