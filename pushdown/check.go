//go:build duckdb_arrow

package pushdown

import (
	"context"
	"database/sql"
	"fmt"
	"math/big"
	"slices"
	"strings"

	d "github.com/plumb-data/plumb/dialect"
	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/engine/dbsource"
	"github.com/plumb-data/plumb/internal/numfmt"
	"github.com/plumb-data/plumb/result"
	"github.com/plumb-data/plumb/rules"
	"github.com/plumb-data/plumb/source"
)

// ComputedPartial is where a check report's failing rows were counted
// when some row checks were computed on a sample: in the database, over
// the checks pushed down only.
const ComputedPartial = "database, over the checks pushed down only"

// pushed is a check computed in the database: a row predicate (fails),
// or row_count.
type pushed struct {
	c rules.Check
	// fails says a row fails; value is the text shown for it.
	fails, value d.Expr
	rowCount     bool
	res          result.CheckResult
}

// Check checks the plan's source against r in its database, with the
// options rules.Run takes, and returns what rules.Run would. Checks of
// the built-in kinds are rendered in the database's dialect: not_null,
// accepted_values (of text), range (of numbers), length, unique,
// duplicate_rows, row_count, and references to a table on the same
// server, each with its failing count and a few failing rows (LIMIT).
// The others — and every check with a where, whose SQL is DuckDB's — run
// locally, on a sample (every row when the source has no more than
// Options.SampleRows); res.Pushdown says which check ran where.
func Check(ctx context.Context, db *engine.DB, p *Plan, r *rules.Rules, opts rules.Options) (*result.Check, error) {
	if opts.Quarantine != "" || opts.Passing != "" {
		return nil, fmt.Errorf("--quarantine and --passing write every row: they need the rows loaded (--pushdown=off)")
	}
	if opts.Samples <= 0 {
		opts.Samples = 5
	}
	s, err := open(ctx, p)
	if err != nil {
		return nil, err
	}
	defer s.close()
	var push []*pushed
	var local []rules.Check
	for _, c := range r.Checks {
		pc, err := s.compile(c)
		if err != nil {
			return nil, err
		}
		if pc == nil {
			local = append(local, c)
			continue
		}
		push = append(push, pc)
	}
	res := &result.Check{Dataset: r.Dataset, Source: p.Source.Spec, Rows: s.total, LineUnit: "row"}
	rowChecksLocal := slices.ContainsFunc(local, func(c rules.Check) bool { return rowCheck(c.Kind) })
	var sample *result.Check
	whole := false
	if len(local) > 0 {
		t, err := s.sample(ctx, db, rules.LoadOptions())
		if err != nil {
			return nil, err
		}
		// With every row read, every check also runs locally when some
		// row checks must: the rows failing any of them are counted
		// exactly there.
		whole = s.info.Sampled == "" && rowChecksLocal
		run := local
		if whole {
			run = r.Checks
		}
		if sample, err = rules.Run(ctx, db, t, &rules.Rules{Dataset: r.Dataset, Checks: run}, opts); err != nil {
			return nil, err
		}
		res.RowsRejected, res.LineUnit = sample.RowsRejected, sample.LineUnit
	}
	failing, err := s.evaluate(ctx, push, opts.Samples)
	if err != nil {
		return nil, err
	}
	res.FailingRows = failing
	// The checks in the rules file's order, the load check first.
	byName := map[string]result.CheckResult{}
	if sample != nil {
		for _, c := range sample.Checks {
			if c.Kind == result.KindLoad {
				res.Checks = append(res.Checks, c)
				continue
			}
			byName[c.Name] = c
		}
	}
	for _, pc := range push {
		byName[pc.c.Name] = pc.res
	}
	for _, c := range r.Checks {
		res.Checks = append(res.Checks, byName[c.Name])
		if slices.ContainsFunc(local, func(l rules.Check) bool { return l.Name == c.Name }) {
			s.note(c.Name, result.ComputedSample)
		} else {
			s.note(c.Name, result.ComputedDatabase)
		}
	}
	switch {
	case whole:
		res.FailingRows = sample.FailingRows
		s.note("failing_rows", result.ComputedSample)
	case rowChecksLocal:
		s.note("failing_rows", ComputedPartial)
	default:
		s.note("failing_rows", result.ComputedDatabase)
	}
	for _, c := range res.Checks {
		switch c.Status {
		case result.StatusPass:
			res.Summary.Passed++
		case result.StatusWarn:
			res.Summary.Warned++
		case result.StatusFail:
			res.Summary.Failed++
		}
	}
	res.Pushdown = s.info
	return res, nil
}

// rowCheck reports whether checks of kind k judge rows one by one (and
// so count among a report's failing rows).
func rowCheck(k rules.Kind) bool {
	switch k {
	case rules.RowCount, rules.Freshness, rules.Schema:
		return false
	}
	return !k.IsAggregate()
}

// compile renders check c in the dialect; nil when it runs locally.
func (s *session) compile(c rules.Check) (*pushed, error) {
	p := s.p
	if c.Where != "" {
		return nil, nil // DuckDB SQL
	}
	cols := make([]int, len(c.Columns))
	for k, name := range c.Columns {
		if cols[k] = p.column(name); cols[k] < 0 && c.Kind != rules.Schema {
			return nil, &rules.ConfigError{Line: c.Line, Column: c.Column,
				Err: fmt.Errorf("%s: no column %q in %s", c.Name, name, p.Source.Spec)}
		}
	}
	pc := &pushed{c: c, res: result.CheckResult{Name: c.Name, Kind: string(c.Kind), Columns: c.Columns, Severity: c.Severity,
		Threshold: c.MaxFailures, Line: c.Line}}
	value := func(bad d.Expr) {
		v := p.text(cols[0])
		pc.value = v
		// bad is never NULL for a value that is not.
		if c.AllowNull {
			pc.fails = d.And(d.NotNull(v), bad)
		} else {
			pc.fails = d.Or(d.IsNull(v), bad)
		}
	}
	switch c.Kind {
	case rules.NotNull:
		// A failing row's value is NULL, whatever the column's type.
		pc.value = d.Null()
		if p.exactText(cols[0]) {
			pc.value = p.text(cols[0])
		}
		pc.fails = d.IsNull(d.Col(p.Columns[cols[0]].Name))
	case rules.AcceptedValues:
		if p.class(cols[0]) != d.ClassText || c.IgnoreCase {
			return nil, nil
		}
		list := make([]d.Expr, len(c.Values))
		for k, v := range c.Values {
			list[k] = d.Str(v)
		}
		value(d.NotIn(d.Bin(p.text(cols[0])), list...))
	case rules.Range:
		class := p.class(cols[0])
		if class != d.ClassInteger && class != d.ClassDecimal || !p.exactText(cols[0]) || c.Min != nil && c.Min.Text != "" || c.Max != nil && c.Max.Text != "" {
			return nil, nil
		}
		x := d.Col(p.Columns[cols[0]].Name)
		var bad []d.Expr
		if c.Min != nil {
			bad = append(bad, d.Op(x, "<", d.Number(c.Min.String())))
		}
		if c.Max != nil {
			bad = append(bad, d.Op(x, ">", d.Number(c.Max.String())))
		}
		value(d.Or(bad...))
	case rules.Length:
		if !p.exactText(cols[0]) {
			return nil, nil
		}
		l := d.Fn(d.Length, p.text(cols[0]))
		var bad []d.Expr
		if c.Min != nil {
			bad = append(bad, d.Op(l, "<", d.Number(c.Min.String())))
		}
		if c.Max != nil {
			bad = append(bad, d.Op(l, ">", d.Number(c.Max.String())))
		}
		value(d.Or(bad...))
	case rules.Unique:
		if !p.Dialect.Caps.Windows {
			// One key column: its repeated values, by a grouped subquery.
			if len(cols) != 1 || !p.exactText(cols[0]) {
				return nil, nil
			}
			col, key := d.Col(p.Columns[cols[0]].Name), s.groupKey(cols[0])
			pc.fails = d.And(d.NotNull(col), d.InSelect(key, d.Select{Items: []d.Expr{key}, From: p.from(), Where: d.NotNull(col),
				GroupBy: []d.Expr{key}, Having: d.Op(d.CountAll(), ">", d.Int(1))}))
			pc.value = p.text(cols[0])
			break
		}
		var keys, notNull []d.Expr
		for _, i := range cols {
			if !p.exactText(i) {
				return nil, nil
			}
			keys = append(keys, s.groupKey(i))
			notNull = append(notNull, d.NotNull(d.Col(p.Columns[i].Name)))
		}
		pc.fails = d.And(append(notNull, d.Op(d.Over(d.CountAll(), keys, nil), ">", d.Int(1)))...)
		pc.value = p.text(cols[0])
		if len(cols) > 1 {
			pc.value = s.rowText(cols)
		}
	case rules.DuplicateRows:
		if !p.Dialect.Caps.Windows {
			return nil, nil
		}
		all := make([]int, len(p.Columns))
		var keys []d.Expr
		for i := range p.Columns {
			if !p.exactText(i) {
				return nil, nil
			}
			all[i] = i
			keys = append(keys, s.groupKey(i))
		}
		pc.fails = d.Op(d.Over(d.Fn(d.RowNumber), keys, s.order()), ">", d.Int(1))
		pc.value = s.rowText(all)
	case rules.RowCount:
		pc.rowCount = true
	case rules.References:
		ref, key, ok := s.reference(c, cols[0])
		if !ok || !p.exactText(cols[0]) {
			return nil, nil
		}
		x := d.Col(p.Columns[cols[0]].Name)
		k := d.Col(key)
		if p.class(cols[0]) == d.ClassText {
			x = d.Bin(x)
		}
		kb := k
		if p.class(cols[0]) == d.ClassText {
			kb = d.Bin(k)
		}
		value(d.NotInSelect(x, d.Select{Items: []d.Expr{kb}, From: d.Table(ref...), Where: d.NotNull(k)}))
	default:
		return nil, nil
	}
	if pc.fails != nil && !p.Dialect.Caps.Windows && s.intKey() < 0 {
		return nil, nil // no row positions for the samples
	}
	return pc, nil
}

// reference is the table and key column of a references check, when it
// is another table on the same server and database as the source, with
// values of the same class as the checked column's.
func (s *session) reference(c rules.Check, col int) ([]string, string, bool) {
	src, err := source.Parse(c.To)
	if err != nil || src.Database == nil || src.Database.Query != "" || s.p.Source.Database.Query != "" {
		return nil, "", false
	}
	a, b := s.p.Source.Database, src.Database
	if a.Format != b.Format || a.Host != b.Host || a.Port != b.Port || a.Name != b.Name || a.User != b.User || a.Path != b.Path ||
		slices.Equal(a.Table, b.Table) {
		return nil, "", false
	}
	cols, _, err := dbsource.Describe(s.ctx, b)
	if err != nil {
		return nil, "", false
	}
	ref := &Plan{Dialect: s.p.Dialect, Columns: cols}
	k := ref.column(c.Key)
	if k < 0 || ref.class(k) != s.p.class(col) {
		return nil, "", false
	}
	return b.Table, cols[k].Name, true
}

// order is the order rows are numbered in, as the local path reads
// them: by primary key (MySQL's reader pages by it; PostgreSQL's reads a
// table in its stored order, which for a table written in key order is
// the same).
func (s *session) order() []d.Expr {
	var out []d.Expr
	if s.p.Catalog != nil && s.p.Source.Database.Query == "" {
		for _, k := range s.p.Catalog.PrimaryKey {
			out = append(out, d.Col(k))
		}
	}
	return out
}

// intKey is the source's primary key column when it is one integer
// column, else -1.
func (s *session) intKey() int {
	if s.p.Catalog == nil || s.p.Source.Database.Query != "" || len(s.p.Catalog.PrimaryKey) != 1 {
		return -1
	}
	i := s.p.column(s.p.Catalog.PrimaryKey[0])
	if i < 0 || s.p.class(i) != d.ClassInteger {
		return -1
	}
	return i
}

// rowText is columns cols as a row's text: "a=1, b=NULL", as rules shows
// a failing key or row.
func (s *session) rowText(cols []int) d.Expr {
	var parts []d.Expr
	for k, i := range cols {
		if k > 0 {
			parts = append(parts, d.Str(", "))
		}
		parts = append(parts, d.Str(s.p.Columns[i].Name+"="), d.Fn(d.Coalesce, s.p.text(i), d.Str("NULL")))
	}
	return d.Fn(d.Concat, parts...)
}

// evaluate computes the pushed checks: each row predicate's failing
// count and first failing rows, in one scan and one query per failing
// check; it returns the rows failing at least one.
func (s *session) evaluate(ctx context.Context, push []*pushed, samples int) (int64, error) {
	p := s.p
	// Rows are numbered by a window where the dialect has them, else
	// (ClickHouse 18.16) by counting the rows before each sample's key.
	items := []d.Expr{d.As(d.Col(p.Columns[max(s.intKey(), 0)].Name), "plumb_rn")}
	if p.Dialect.Caps.Windows {
		items[0] = d.As(d.Over(d.Fn(d.RowNumber), nil, s.order()), "plumb_rn")
	}
	var counts, anyFails []d.Expr
	var preds []*pushed
	for _, pc := range push {
		if pc.rowCount {
			pc.res.Rows = s.total
			ok := true
			var want []string
			if pc.c.Min != nil {
				want = append(want, fmt.Sprintf("at least %v", pc.c.Min))
				ok = ok && cmpBound(s.total, pc.c.Min) >= 0
			}
			if pc.c.Max != nil {
				want = append(want, fmt.Sprintf("at most %v", pc.c.Max))
				ok = ok && cmpBound(s.total, pc.c.Max) <= 0
			}
			pc.res.Detail = fmt.Sprintf("%s rows; want %s", numfmt.Int(s.total), strings.Join(want, " and "))
			pc.res.Status = status(pc.c, ok)
			continue
		}
		k := len(preds)
		f, v := fmt.Sprintf("plumb_f%d", k), fmt.Sprintf("plumb_v%d", k)
		items = append(items, d.As(pc.fails, f), d.As(pc.value, v))
		counts = append(counts, d.Fn(d.CountIf, d.Col(f)))
		anyFails = append(anyFails, d.Col(f))
		preds = append(preds, pc)
	}
	if len(preds) == 0 {
		return 0, nil
	}
	flags := d.Select{Items: items, From: p.from()}
	got := make([]int64, len(counts)+1)
	dst := make([]any, len(got))
	for k := range got {
		dst[k] = &got[k]
	}
	if err := s.one(ctx, d.Select{Items: append(counts, d.Fn(d.CountIf, d.Or(anyFails...))), From: d.Sub(flags)}, dst...); err != nil {
		return 0, err
	}
	for k, pc := range preds {
		r := &pc.res
		r.Rows, r.Failed = s.total, got[k]
		if r.Rows > 0 {
			r.Share = float64(r.Failed) / float64(r.Rows)
		}
		r.Status = status(pc.c, pc.c.MaxFailures.Allows(r.Failed, r.Rows))
		if r.Failed == 0 {
			continue
		}
		if err := s.query(ctx, d.Select{Items: []d.Expr{d.Col("plumb_rn"), d.Col(fmt.Sprintf("plumb_v%d", k))}, From: d.Sub(flags),
			Where: d.Col(fmt.Sprintf("plumb_f%d", k)), OrderBy: []d.Order{{X: d.Col("plumb_rn")}}, Limit: int64(samples)},
			func(rows *sql.Rows) error {
				var sm result.CheckSample
				var v sql.NullString
				if err := rows.Scan(&sm.Line, &v); err != nil {
					return err
				}
				sm.Value, sm.Null = v.String, !v.Valid
				r.Samples = append(r.Samples, sm)
				return nil
			}); err != nil {
			return 0, fmt.Errorf("%s: %w", pc.c.Name, err)
		}
		if !p.Dialect.Caps.Windows {
			// Line holds the sample's key: its row is one past the rows
			// of smaller keys.
			for k := range r.Samples {
				var before int64
				if err := s.one(ctx, d.Select{Items: []d.Expr{d.CountAll()}, From: p.from(),
					Where: d.Op(d.Col(p.Columns[s.intKey()].Name), "<", d.Int(r.Samples[k].Line))}, &before); err != nil {
					return 0, err
				}
				r.Samples[k].Line = before + 1
			}
		}
	}
	return got[len(got)-1], nil
}

// cmpBound compares n with a numeric bound, exactly.
func cmpBound(n int64, b *rules.Bound) int {
	r, ok := new(big.Rat).SetString(b.String())
	if !ok {
		r = new(big.Rat).SetFloat64(b.Number)
	}
	return new(big.Rat).SetInt64(n).Cmp(r)
}

// status is a check's status: pass when ok, else by its severity.
func status(c rules.Check, ok bool) string {
	switch {
	case ok:
		return result.StatusPass
	case c.Severity == result.SeverityWarn:
		return result.StatusWarn
	}
	return result.StatusFail
}
