//go:build duckdb_arrow

package reconcile

import (
	"fmt"
	"strings"

	"github.com/plumb-data/plumb/engine"
)

// compareClass says how two typed values are compared.
func compareClass(a, b string) Comparison {
	ca, cb := class(a), class(b)
	switch {
	case ca == cb && ca != AsText:
		return ca
	case ca == AsNumber || cb == AsNumber:
		return AsNumberOrText
	case ca == AsTemporal || cb == AsTemporal:
		return AsTemporalOrText
	}
	return AsText
}

// class is how two values of the same type compare.
func class(typ string) Comparison {
	switch c := engine.Classify(typ); {
	case c.IsNumeric():
		return AsNumber
	case c == engine.ClassDate || c == engine.ClassTimestamp:
		return AsTemporal
	case c == engine.ClassBoolean:
		return AsBoolean
	case c == engine.ClassText:
		return AsText
	}
	return AsOther
}

// joinsAsText reports whether a key pair is joined on its text: when its
// two sides hold different kinds of value, or text of different types (a
// UUID and a VARCHAR, which DuckDB would join by casting the VARCHAR).
func joinsAsText(k compared) bool {
	a, b := class(k.srcType), class(k.tgtType)
	return a != b || a == AsText && !strings.EqualFold(k.srcType, k.tgtType)
}

func isInteger(typ string) bool {
	return engine.Classify(typ) == engine.ClassInteger
}

// typ is the type of side's values of c.
func (c compared) typ(side int) string {
	if side == tgtSide {
		return c.tgtType
	}
	return c.srcType
}

// as is the type side's values of c are compared as: their own, or the
// type their text reads as (see Values as written in the package
// documentation).
func (c compared) as(side int) string {
	as := c.srcAs
	if side == tgtSide {
		as = c.tgtAs
	}
	if as == "" {
		return c.typ(side)
	}
	return as
}

// value is v, a value of side of c, as the type it is compared as.
func (c compared) value(side int, v string) string {
	if as := c.as(side); !strings.EqualFold(as, c.typ(side)) {
		return "CAST(" + v + " AS " + as + ")"
	}
	return v
}

// differs is a SQL condition, over s.v<i> and t.v<i>, that is true when
// column i differs.
func (r *runner) differs(i int) string {
	c := r.cols[i]
	sv, tv := fmt.Sprintf("s.v%d", i), fmt.Sprintf("t.v%d", i)
	s, t := c.value(srcSide, sv), c.value(tgtSide, tv)
	sa, ta := c.as(srcSide), c.as(tgtSide)
	switch c.comparedAs {
	case AsNumber:
		if c.tol == (Tolerance{}) && isInteger(sa) && isInteger(ta) {
			return s + " IS DISTINCT FROM " + t
		}
		return numDiffers(s+"::DOUBLE", t+"::DOUBLE", c.tol)
	case AsNumberOrText:
		ns, nt := "TRY_CAST("+s+" AS DOUBLE)", "TRY_CAST("+t+" AS DOUBLE)"
		return "CASE WHEN " + ns + " IS NOT NULL AND " + nt + " IS NOT NULL THEN " + numDiffers(ns, nt, c.tol) +
			" ELSE " + r.text(i, srcSide, sv) + " IS DISTINCT FROM " + r.text(i, tgtSide, tv) + " END"
	case AsTemporal:
		return coarse(s, sa, ta) + " IS DISTINCT FROM " + coarse(t, sa, ta)
	case AsTemporalOrText:
		ts, tt := coarse("TRY_CAST("+s+" AS TIMESTAMP)", sa, ta), coarse("TRY_CAST("+t+" AS TIMESTAMP)", sa, ta)
		return "CASE WHEN " + ts + " IS NOT NULL AND " + tt + " IS NOT NULL THEN " + ts + " IS DISTINCT FROM " + tt +
			" ELSE " + r.text(i, srcSide, sv) + " IS DISTINCT FROM " + r.text(i, tgtSide, tv) + " END"
	case AsBoolean:
		return s + " IS DISTINCT FROM " + t
	}
	return r.text(i, srcSide, sv) + " IS DISTINCT FROM " + r.text(i, tgtSide, tv)
}

func numDiffers(s, t string, tol Tolerance) string {
	bound := "0"
	switch {
	case tol.Rel > 0:
		bound = fmt.Sprintf("%g * greatest(abs(%s), abs(%s))", tol.Rel, s, t)
	case tol.Abs > 0:
		bound = fmt.Sprintf("%g", tol.Abs)
	}
	// Identical values never differ: not two NaNs, nor two infinities of
	// a sign, whose difference is NaN.
	return fmt.Sprintf("NOT ((%[1]s IS NULL AND %[2]s IS NULL) OR coalesce(%[1]s = %[2]s OR abs(%[1]s - %[2]s) <= %[3]s + 1e-12 * greatest(abs(%[1]s), abs(%[2]s)), false))", s, t, bound)
}

// coarse truncates a temporal value to the coarser precision of two types.
func coarse(v, a, b string) string {
	prec := func(t string) int {
		switch strings.ToUpper(t) {
		case "DATE":
			return 0
		case "TIMESTAMP_S":
			return 1
		case "TIMESTAMP_MS":
			return 2
		case "TIMESTAMP_NS":
			return 4
		}
		return 3
	}
	switch min(prec(a), prec(b)) {
	case 0:
		return "CAST(" + v + " AS DATE)"
	case 1:
		return "date_trunc('second', CAST(" + v + " AS TIMESTAMP))"
	case 2:
		return "date_trunc('millisecond', CAST(" + v + " AS TIMESTAMP))"
	}
	return "CAST(" + v + " AS TIMESTAMP)"
}

// text normalizes a value of side for a text comparison of column i.
func (r *runner) text(i, side int, v string) string {
	c := r.cols[i]
	e := textOf(v, c.typ(side))
	if r.opts.Trim.Has(c.name) || r.opts.Trim.Has(c.srcShow) {
		e = "trim(" + e + ")"
	}
	if r.opts.IgnoreCase.Has(c.name) || r.opts.IgnoreCase.Has(c.srcShow) {
		e = "lower(" + e + ")"
	}
	if r.opts.NullEqualsEmpty.Has(c.name) || r.opts.NullEqualsEmpty.Has(c.srcShow) {
		e = "coalesce(" + e + ", '')"
	}
	return e
}

// normal is the form of column i, a value v of side, that keyless
// comparison groups on.
func (r *runner) normal(i, side int, v string) string {
	c := r.cols[i]
	sa, ta := c.as(srcSide), c.as(tgtSide)
	switch c.comparedAs {
	case AsNumber, AsNumberOrText:
		return "coalesce(CAST(TRY_CAST(" + v + " AS DOUBLE) AS VARCHAR), " + r.text(i, side, v) + ")"
	case AsTemporal:
		return coarse(c.value(side, v), sa, ta)
	case AsTemporalOrText:
		return "coalesce(CAST(" + coarse("TRY_CAST("+v+" AS TIMESTAMP)", sa, ta) + " AS VARCHAR), " + r.text(i, side, v) + ")"
	case AsBoolean:
		return c.value(side, v)
	}
	return r.text(i, side, v)
}
