package dialect

import (
	"strconv"
	"strings"
)

// Expr is an expression of a query, written by a dialect.
type Expr interface {
	render(d *Dialect) (string, error)
}

type colExpr struct{ parts []string }

// Col is a column, or a qualified name, by its name as the database has it.
func Col(parts ...string) Expr { return colExpr{parts} }

func (c colExpr) render(d *Dialect) (string, error) {
	q := make([]string, len(c.parts))
	for i, p := range c.parts {
		q[i] = d.Ident(p)
	}
	return strings.Join(q, "."), nil
}

type strExpr string

// Str is a text literal.
func Str(s string) Expr { return strExpr(s) }

func (s strExpr) render(d *Dialect) (string, error) { return d.Str(string(s)), nil }

type numExpr string

// Int is an integer literal.
func Int(n int64) Expr { return numExpr(strconv.FormatInt(n, 10)) }

// Float is a number literal that reads back as the same double.
func Float(f float64) Expr { return numExpr(float(f)) }

// Number is a number literal as written ("12.50"); the caller has
// checked that it is a plain decimal number.
func Number(s string) Expr { return numExpr(s) }

func (n numExpr) render(*Dialect) (string, error) { return string(n), nil }

type nullExpr struct{}

// Null is SQL's NULL.
func Null() Expr { return nullExpr{} }

func (nullExpr) render(*Dialect) (string, error) { return "NULL", nil }

type fnExpr struct {
	f    Func
	args []Expr
}

// Fn is function f of args.
func Fn(f Func, args ...Expr) Expr { return fnExpr{f, args} }

// CountAll is count(*).
func CountAll() Expr { return fnExpr{f: Count} }

func (e fnExpr) render(d *Dialect) (string, error) {
	args, err := renderAll(d, e.args)
	if err != nil {
		return "", err
	}
	return d.fn(e.f, args)
}

type opExpr struct {
	op   string
	l, r Expr
}

// Op is a binary operator: = <> < <= > >= + - * / AND OR.
func Op(l Expr, op string, r Expr) Expr { return opExpr{op, l, r} }

// And joins conditions with AND; none is true.
func And(xs ...Expr) Expr { return join("AND", xs) }

// Or joins conditions with OR; none is false.
func Or(xs ...Expr) Expr { return join("OR", xs) }

func join(op string, xs []Expr) Expr {
	if len(xs) == 0 {
		return Op(Int(1), map[string]string{"AND": "=", "OR": "<>"}[op], Int(1))
	}
	e := xs[0]
	for _, x := range xs[1:] {
		e = opExpr{op, e, x}
	}
	return e
}

func (e opExpr) render(d *Dialect) (string, error) {
	l, err := e.l.render(d)
	if err != nil {
		return "", err
	}
	r, err := e.r.render(d)
	if err != nil {
		return "", err
	}
	return "(" + l + " " + e.op + " " + r + ")", nil
}

type notExpr struct{ x Expr }

// Not negates a condition.
func Not(x Expr) Expr { return notExpr{x} }

func (e notExpr) render(d *Dialect) (string, error) {
	x, err := e.x.render(d)
	return "(NOT " + x + ")", err
}

type isNullExpr struct {
	x   Expr
	not bool
}

// IsNull is x IS NULL; NotNull x IS NOT NULL.
func IsNull(x Expr) Expr  { return isNullExpr{x, false} }
func NotNull(x Expr) Expr { return isNullExpr{x, true} }

func (e isNullExpr) render(d *Dialect) (string, error) {
	x, err := e.x.render(d)
	if e.not {
		return "(" + x + " IS NOT NULL)", err
	}
	return "(" + x + " IS NULL)", err
}

type inExpr struct {
	x    Expr
	list []Expr
	not  bool
}

// In is x IN (list); NotIn x NOT IN (list). An empty list is false
// (true for NotIn).
func In(x Expr, list ...Expr) Expr    { return inExpr{x, list, false} }
func NotIn(x Expr, list ...Expr) Expr { return inExpr{x, list, true} }

func (e inExpr) render(d *Dialect) (string, error) {
	if len(e.list) == 0 {
		if e.not {
			return And().render(d)
		}
		return Or().render(d)
	}
	x, err := e.x.render(d)
	if err != nil {
		return "", err
	}
	list, err := renderAll(d, e.list)
	if err != nil {
		return "", err
	}
	op := " IN ("
	if e.not {
		op = " NOT IN ("
	}
	return "(" + x + op + strings.Join(list, ", ") + "))", nil
}

type caseExpr struct {
	whens []Expr // condition, value, condition, value…
	els   Expr
}

// Case is CASE WHEN c1 THEN v1 … ELSE els END; whens alternate
// conditions and values; els may be nil.
func Case(els Expr, whens ...Expr) Expr { return caseExpr{whens, els} }

func (e caseExpr) render(d *Dialect) (string, error) {
	var b strings.Builder
	b.WriteString("CASE")
	for i := 0; i+1 < len(e.whens); i += 2 {
		c, err := e.whens[i].render(d)
		if err != nil {
			return "", err
		}
		v, err := e.whens[i+1].render(d)
		if err != nil {
			return "", err
		}
		b.WriteString(" WHEN " + c + " THEN " + v)
	}
	if e.els != nil {
		v, err := e.els.render(d)
		if err != nil {
			return "", err
		}
		b.WriteString(" ELSE " + v)
	}
	b.WriteString(" END")
	return b.String(), nil
}

type textExpr struct {
	x     Expr
	class Class
}

// Text is a value of class c as the text plumb's local profile reads
// (DuckDB's CAST(x AS VARCHAR) of the value as loaded); a dialect that
// cannot write it fails the query with an *UnsupportedError.
func Text(x Expr, c Class) Expr { return textExpr{x, c} }

func (e textExpr) render(d *Dialect) (string, error) {
	x, err := e.x.render(d)
	if err != nil {
		return "", err
	}
	s, ok := d.Text(x, e.class)
	if !ok {
		return "", &UnsupportedError{d.Name, Func("text of class " + strconv.Itoa(int(e.class)))}
	}
	return s, nil
}

// CanText reports whether d writes the text of values of class c.
func (d *Dialect) CanText(c Class) bool {
	_, ok := d.Text("x", c)
	return ok
}

type binExpr struct{ x Expr }

// Bin is text that compares, groups and orders byte by byte.
func Bin(x Expr) Expr { return binExpr{x} }

func (e binExpr) render(d *Dialect) (string, error) {
	x, err := e.x.render(d)
	return d.Bin(x), err
}

type asExpr struct {
	x    Expr
	name string
}

// As names a select item.
func As(x Expr, name string) Expr { return asExpr{x, name} }

func (e asExpr) render(d *Dialect) (string, error) {
	x, err := e.x.render(d)
	return x + " AS " + d.Ident(e.name), err
}

type existsExpr struct {
	q   Select
	not bool
}

// Exists is EXISTS (q); NotExists NOT EXISTS (q).
func Exists(q Select) Expr    { return existsExpr{q, false} }
func NotExists(q Select) Expr { return existsExpr{q, true} }

func (e existsExpr) render(d *Dialect) (string, error) {
	q, err := d.Render(e.q)
	if e.not {
		return "(NOT EXISTS (" + q + "))", err
	}
	return "(EXISTS (" + q + "))", err
}

func renderAll(d *Dialect, xs []Expr) ([]string, error) {
	out := make([]string, len(xs))
	for i, x := range xs {
		s, err := x.render(d)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

// From is what a query reads: a table, a query, or a subquery.
type From struct {
	table []string
	query string
	sub   *Select
	// sample, when above 0, reads a table as a sample of that fraction.
	sample float64
	seed   int
}

// Sample reads table f as a reproducible sample of about fraction of its
// rows (Caps.Sample).
func (f From) Sample(fraction float64, seed int) From {
	f.sample, f.seed = fraction, seed
	return f
}

// Table is a table by its qualified name, one part a level.
func Table(parts ...string) From { return From{table: parts} }

// Query is the rows of a query the source gives (the user's own SELECT,
// run as the source would run it).
func Query(sql string) From { return From{query: sql} }

// Sub is the rows of a subquery.
func Sub(q Select) From { return From{sub: &q} }

// Order is an ORDER BY item.
type Order struct {
	X    Expr
	Desc bool
}

// Select is a query: items over a table or query, filtered, grouped,
// ordered and limited.
type Select struct {
	Items   []Expr
	From    From
	Where   Expr
	GroupBy []Expr
	Having  Expr
	OrderBy []Order
	Limit   int64 // 0: no limit
}

// Render writes q in d's SQL, or says which function of q d lacks.
func (d *Dialect) Render(q Select) (string, error) {
	var b strings.Builder
	items, err := renderAll(d, q.Items)
	if err != nil {
		return "", err
	}
	b.WriteString("SELECT " + strings.Join(items, ", "))
	switch f := q.From; {
	case f.sub != nil:
		s, err := d.Render(*f.sub)
		if err != nil {
			return "", err
		}
		b.WriteString(" FROM (" + s + ") AS q")
	case f.query != "":
		b.WriteString(" FROM (" + f.query + ") AS q")
	case len(f.table) > 0 && f.sample > 0:
		if d.TableSample == nil {
			return "", &UnsupportedError{d.Name, "sample"}
		}
		s, _ := colExpr{f.table}.render(d)
		b.WriteString(" FROM " + d.TableSample(s, f.sample, f.seed))
	case len(f.table) > 0:
		s, _ := colExpr{f.table}.render(d)
		b.WriteString(" FROM " + s)
	}
	if q.Where != nil {
		w, err := q.Where.render(d)
		if err != nil {
			return "", err
		}
		b.WriteString(" WHERE " + w)
	}
	if len(q.GroupBy) > 0 {
		g, err := renderAll(d, q.GroupBy)
		if err != nil {
			return "", err
		}
		b.WriteString(" GROUP BY " + strings.Join(g, ", "))
	}
	if q.Having != nil {
		h, err := q.Having.render(d)
		if err != nil {
			return "", err
		}
		b.WriteString(" HAVING " + h)
	}
	if len(q.OrderBy) > 0 {
		var os []string
		for _, o := range q.OrderBy {
			s, err := o.X.render(d)
			if err != nil {
				return "", err
			}
			if o.Desc {
				s += " DESC"
			}
			os = append(os, s)
		}
		b.WriteString(" ORDER BY " + strings.Join(os, ", "))
	}
	if q.Limit > 0 {
		b.WriteString(" LIMIT " + strconv.FormatInt(q.Limit, 10))
	}
	return b.String(), nil
}

// Expression writes one expression in d's SQL.
func (d *Dialect) Expression(x Expr) (string, error) { return x.render(d) }

type starExpr struct{}

// Star is every column: *.
func Star() Expr { return starExpr{} }

func (starExpr) render(*Dialect) (string, error) { return "*", nil }

type overExpr struct {
	x                Expr
	partition, order []Expr
}

// Over is a window function: x (CountAll, or Fn(RowNumber)) over the rows
// with the same partition values, in order (Caps.Windows).
func Over(x Expr, partition, order []Expr) Expr { return overExpr{x, partition, order} }

func (e overExpr) render(d *Dialect) (string, error) {
	if !d.Caps.Windows {
		return "", &UnsupportedError{d.Name, "window functions"}
	}
	x, err := e.x.render(d)
	if err != nil {
		return "", err
	}
	var parts []string
	if len(e.partition) > 0 {
		p, err := renderAll(d, e.partition)
		if err != nil {
			return "", err
		}
		parts = append(parts, "PARTITION BY "+strings.Join(p, ", "))
	}
	if len(e.order) > 0 {
		o, err := renderAll(d, e.order)
		if err != nil {
			return "", err
		}
		parts = append(parts, "ORDER BY "+strings.Join(o, ", "))
	}
	return x + " OVER (" + strings.Join(parts, " ") + ")", nil
}

type inSelectExpr struct {
	x   Expr
	q   Select
	not bool
}

// InSelect is x IN (q); NotInSelect x NOT IN (q).
func InSelect(x Expr, q Select) Expr    { return inSelectExpr{x, q, false} }
func NotInSelect(x Expr, q Select) Expr { return inSelectExpr{x, q, true} }

func (e inSelectExpr) render(d *Dialect) (string, error) {
	x, err := e.x.render(d)
	if err != nil {
		return "", err
	}
	q, err := d.Render(e.q)
	if e.not {
		return "(" + x + " NOT IN (" + q + "))", err
	}
	return "(" + x + " IN (" + q + "))", err
}
