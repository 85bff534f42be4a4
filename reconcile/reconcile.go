//go:build duckdb_arrow

package reconcile

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/plumb-data/plumb/engine"
)

// Run reconciles two loaded tables as opts say. Differences are findings
// in the result; an error means the comparison could not be made (an
// unknown column, a bad expression).
func Run(ctx context.Context, db *engine.DB, src, tgt *engine.Table, opts Options) (*Result, error) {
	r := &runner{db: db, src: src, tgt: tgt, opts: opts}
	if r.opts.Samples == 0 {
		r.opts.Samples = 5
	}
	defer r.cleanup()
	res, err := r.run(ctx)
	if err != nil {
		return nil, fmt.Errorf("diff %s %s: %w", src.Source, tgt.Source, err)
	}
	return res, nil
}

type runner struct {
	db       *engine.DB
	src, tgt *engine.Table
	opts     Options
	drops    []string
	res      *Result
	cols     []compared
	keys     []compared
	s, t     string // views of the filtered sides
}

// compared is a column pair with how it is compared.
type compared struct {
	name       string // target column name, used in reports
	srcExpr    string // SQL over the source table
	srcShow    string // as the user wrote it
	tgtExpr    string
	srcType    string
	tgtType    string
	comparedAs string
	tol        Tolerance
}

func (r *runner) cleanup() {
	for i := len(r.drops) - 1; i >= 0; i-- {
		r.db.ExecContext(context.Background(), r.drops[i])
	}
}

func (r *runner) scratch(ctx context.Context, kind, prefix, query string) (string, error) {
	name := r.db.TempName(prefix)
	if _, err := r.db.ExecContext(ctx, "CREATE "+kind+" "+engine.Ident(name)+" AS "+query); err != nil {
		return "", err
	}
	r.drops = append(r.drops, "DROP "+kind+" IF EXISTS "+engine.Ident(name))
	return name, nil
}

func (r *runner) run(ctx context.Context) (*Result, error) {
	r.res = &Result{Source: r.src.Source, Target: r.tgt.Source, Keys: r.opts.Keys,
		SourceOnlyColumns: []string{}, TargetOnlyColumns: []string{}, TypeDifferences: []TypeDiff{}, Columns: []Column{},
		OnlyInSourceSamples: []Row{}, OnlyInTargetSamples: []Row{}, DuplicateSamples: []Dup{}}
	if r.res.Keys == nil {
		r.res.Keys = []Pair{}
	}
	if err := r.pairColumns(ctx); err != nil {
		return nil, err
	}
	if err := r.sides(ctx); err != nil {
		return nil, err
	}
	if r.opts.Progress != nil {
		r.opts.Progress("comparing " + r.src.Source + " with " + r.tgt.Source)
	}
	var err error
	switch {
	case len(r.opts.GroupBy) > 0:
		r.res.Mode = "aggregate"
		err = r.aggregate(ctx)
	case len(r.keys) > 0:
		r.res.Mode = "keyed"
		err = r.keyed(ctx)
	default:
		r.res.Mode = "keyless"
		err = r.keyless(ctx)
	}
	if err != nil {
		return nil, err
	}
	return r.res, nil
}

// pairColumns decides which source expression is compared with which
// target column, and how.
func (r *runner) pairColumns(ctx context.Context) error {
	tgtCols := map[string]engine.Column{}
	for _, c := range r.tgt.Columns {
		tgtCols[strings.ToLower(c.Name)] = c
	}
	srcCols := map[string]engine.Column{}
	for _, c := range r.src.Columns {
		srcCols[strings.ToLower(c.Name)] = c
	}
	lookupTgt := func(name string) (engine.Column, error) {
		c, ok := tgtCols[strings.ToLower(name)]
		if !ok {
			return c, fmt.Errorf("target has no column %q", name)
		}
		return c, nil
	}
	srcExpr := func(p Pair) (string, error) {
		if p.Expr {
			return "(" + p.Source + ")", nil
		}
		if _, ok := srcCols[strings.ToLower(p.Source)]; !ok {
			return "", fmt.Errorf("source has no column %q", p.Source)
		}
		return engine.Ident(p.Source), nil
	}
	// The mapping spec, when given, also says how keys map.
	byTarget := map[string]Pair{}
	bySource := map[string]Pair{}
	for _, p := range r.opts.Mapping {
		byTarget[strings.ToLower(p.Target)] = p
		if !p.Expr {
			bySource[strings.ToLower(p.Source)] = p
		}
	}
	used := map[string]bool{} // target columns paired
	usedSrc := map[string]bool{}
	for _, k := range r.opts.Keys {
		if m, ok := bySource[strings.ToLower(k.Source)]; ok && k.Source == k.Target {
			k.Target = m.Target
		}
		se, err := srcExpr(k)
		if err != nil {
			return fmt.Errorf("key: %w", err)
		}
		tc, err := lookupTgt(k.Target)
		if err != nil {
			return fmt.Errorf("key: %w", err)
		}
		r.keys = append(r.keys, compared{name: tc.Name, srcExpr: se, srcShow: k.Source, tgtExpr: engine.Ident(tc.Name)})
		used[strings.ToLower(tc.Name)] = true
		usedSrc[strings.ToLower(k.Source)] = true
	}
	var pairs []Pair
	switch {
	case len(r.opts.Mapping) > 0:
		pairs = r.opts.Mapping
	default:
		mapped := map[string]Pair{}
		for _, p := range r.opts.Map {
			mapped[strings.ToLower(p.Source)] = p
		}
		for _, c := range r.src.Columns {
			if p, ok := mapped[strings.ToLower(c.Name)]; ok {
				pairs = append(pairs, p)
			} else if _, ok := tgtCols[strings.ToLower(c.Name)]; ok {
				pairs = append(pairs, Pair{Source: c.Name, Target: c.Name})
			}
		}
		for _, p := range r.opts.Map {
			if _, ok := srcCols[strings.ToLower(p.Source)]; !ok {
				return fmt.Errorf("--map: source has no column %q", p.Source)
			}
		}
	}
	for _, p := range pairs {
		tc, err := lookupTgt(p.Target)
		if err != nil {
			return err
		}
		if used[strings.ToLower(tc.Name)] {
			continue
		}
		if len(r.opts.Columns) > 0 && !containsFold(r.opts.Columns, tc.Name) && !containsFold(r.opts.Columns, p.Source) {
			continue
		}
		if containsFold(r.opts.Ignore, tc.Name) || containsFold(r.opts.Ignore, p.Source) {
			continue
		}
		se, err := srcExpr(p)
		if err != nil {
			return err
		}
		tol, ok := r.opts.PerColumn[tc.Name]
		if !ok {
			for k, v := range r.opts.PerColumn {
				if strings.EqualFold(k, tc.Name) || strings.EqualFold(k, p.Source) {
					tol, ok = v, true
				}
			}
		}
		if !ok {
			tol = r.opts.Tolerance
		}
		r.cols = append(r.cols, compared{name: tc.Name, srcExpr: se, srcShow: p.Source, tgtExpr: engine.Ident(tc.Name), tol: tol})
		used[strings.ToLower(tc.Name)] = true
		if !p.Expr {
			usedSrc[strings.ToLower(p.Source)] = true
		}
	}
	for _, c := range append(slices.Clone(r.opts.Columns), keysOf(r.opts.PerColumn)...) {
		if !used[strings.ToLower(c)] && !usedSrc[strings.ToLower(c)] {
			return fmt.Errorf("column %q is not compared: it is not on both sides (or is a key)", c)
		}
	}
	// A column is on one side only when nothing on the other side pairs
	// with it, whatever --columns and --ignore choose to compare.
	pairedTgt, pairedSrc := map[string]bool{}, map[string]bool{}
	for _, p := range append(slices.Clone(pairs), r.opts.Keys...) {
		pairedTgt[strings.ToLower(p.Target)] = true
		if !p.Expr {
			pairedSrc[strings.ToLower(p.Source)] = true
		}
	}
	for _, k := range r.keys {
		pairedTgt[strings.ToLower(k.name)] = true
	}
	if len(r.opts.Mapping) == 0 {
		for _, c := range r.src.Columns {
			if !pairedSrc[strings.ToLower(c.Name)] {
				r.res.SourceOnlyColumns = append(r.res.SourceOnlyColumns, c.Name)
			}
		}
	}
	for _, c := range r.tgt.Columns {
		if !pairedTgt[strings.ToLower(c.Name)] {
			r.res.TargetOnlyColumns = append(r.res.TargetOnlyColumns, c.Name)
		}
	}
	// Types of both sides decide how values compare.
	for _, group := range [][]compared{r.keys, r.cols} {
		for i := range group {
			c := &group[i]
			var err error
			if c.srcType, err = r.typeOf(ctx, r.src.Name, c.srcExpr); err != nil {
				return fmt.Errorf("source %s: %w", c.srcShow, err)
			}
			if c.tgtType, err = r.typeOf(ctx, r.tgt.Name, c.tgtExpr); err != nil {
				return fmt.Errorf("target %s: %w", c.name, err)
			}
			c.comparedAs = compareClass(c.srcType, c.tgtType)
		}
	}
	for _, c := range r.cols {
		if c.srcType != c.tgtType {
			r.res.TypeDifferences = append(r.res.TypeDifferences, TypeDiff{Column: c.name, SourceType: c.srcType, TargetType: c.tgtType, ComparedAs: c.comparedAs})
		}
	}
	if len(r.cols) == 0 && len(r.opts.GroupBy) == 0 {
		return errors.New("no columns to compare: the sides share no column names (use --map or --mapping)")
	}
	return nil
}

func keysOf(m map[string]Tolerance) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

func (r *runner) typeOf(ctx context.Context, table, expr string) (string, error) {
	var name, typ string
	var null, key, def, extra sql.NullString
	err := r.db.QueryRowContext(ctx, "DESCRIBE SELECT "+expr+" AS v FROM "+engine.Ident(table)).Scan(&name, &typ, &null, &key, &def, &extra)
	return typ, err
}

// compareClass says how two typed values are compared.
func compareClass(a, b string) string {
	ca, cb := class(a), class(b)
	switch {
	case ca == cb && ca != "text":
		return ca
	case ca == "number" || cb == "number":
		return "number-or-text"
	case ca == "temporal" || cb == "temporal":
		return "temporal-or-text"
	}
	return "text"
}

func class(typ string) string {
	t := strings.ToUpper(typ)
	switch {
	case strings.HasPrefix(t, "DECIMAL"), slices.Contains([]string{"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
		"UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE"}, t):
		return "number"
	case t == "DATE" || strings.HasPrefix(t, "TIMESTAMP"):
		return "temporal"
	case t == "BOOLEAN":
		return "boolean"
	case t == "VARCHAR":
		return "text"
	}
	return "other"
}

func isInteger(typ string) bool {
	return slices.Contains([]string{"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"}, strings.ToUpper(typ))
}

// sides creates the filtered views of both sides: key columns k0…,
// compared columns v0….
func (r *runner) sides(ctx context.Context) error {
	build := func(table string, side int, where string) (string, error) {
		var sel []string
		for i, k := range r.keys {
			e := k.srcExpr
			if side == 1 {
				e = k.tgtExpr
			}
			if class(k.srcType) != class(k.tgtType) {
				e = "CAST(" + e + " AS VARCHAR)"
			}
			sel = append(sel, e+fmt.Sprintf(" AS k%d", i))
		}
		for i, c := range r.cols {
			e := c.srcExpr
			if side == 1 {
				e = c.tgtExpr
			}
			sel = append(sel, e+fmt.Sprintf(" AS v%d", i))
		}
		for i, g := range r.opts.GroupBy {
			sel = append(sel, engine.Ident(g)+fmt.Sprintf(" AS g%d", i))
		}
		for i, s := range r.opts.Sum {
			sel = append(sel, "TRY_CAST("+engine.Ident(s)+fmt.Sprintf(" AS DOUBLE) AS a%d", i))
		}
		q := "SELECT " + strings.Join(sel, ", ") + " FROM " + engine.Ident(table)
		var conds []string
		for _, w := range []string{r.opts.Where, where} {
			if strings.TrimSpace(w) != "" {
				conds = append(conds, "("+w+")")
			}
		}
		if len(conds) > 0 {
			q += " WHERE " + strings.Join(conds, " AND ")
		}
		return r.scratch(ctx, "VIEW", "plumb_diff_side", q)
	}
	var err error
	if r.s, err = build(r.src.Name, 0, r.opts.SourceWhere); err != nil {
		return fmt.Errorf("source: %w", err)
	}
	if r.t, err = build(r.tgt.Name, 1, r.opts.TargetWhere); err != nil {
		return fmt.Errorf("target: %w", err)
	}
	return nil
}

// differs is a SQL condition, over s.v<i> and t.v<i>, that is true when
// column i differs.
func (r *runner) differs(i int) string {
	c := r.cols[i]
	s, t := fmt.Sprintf("s.v%d", i), fmt.Sprintf("t.v%d", i)
	switch c.comparedAs {
	case "number":
		if c.tol == (Tolerance{}) && isInteger(c.srcType) && isInteger(c.tgtType) {
			return s + " IS DISTINCT FROM " + t
		}
		return numDiffers(s+"::DOUBLE", t+"::DOUBLE", c.tol)
	case "number-or-text":
		ns, nt := "TRY_CAST("+s+" AS DOUBLE)", "TRY_CAST("+t+" AS DOUBLE)"
		return "CASE WHEN " + ns + " IS NOT NULL AND " + nt + " IS NOT NULL THEN " + numDiffers(ns, nt, c.tol) +
			" ELSE " + r.text(i, s) + " IS DISTINCT FROM " + r.text(i, t) + " END"
	case "temporal":
		return coarse(s, c.srcType, c.tgtType) + " IS DISTINCT FROM " + coarse(t, c.srcType, c.tgtType)
	case "temporal-or-text":
		ts, tt := coarse("TRY_CAST("+s+" AS TIMESTAMP)", c.srcType, c.tgtType), coarse("TRY_CAST("+t+" AS TIMESTAMP)", c.srcType, c.tgtType)
		return "CASE WHEN " + ts + " IS NOT NULL AND " + tt + " IS NOT NULL THEN " + ts + " IS DISTINCT FROM " + tt +
			" ELSE " + r.text(i, s) + " IS DISTINCT FROM " + r.text(i, t) + " END"
	case "boolean":
		return s + " IS DISTINCT FROM " + t
	}
	return r.text(i, s) + " IS DISTINCT FROM " + r.text(i, t)
}

func numDiffers(s, t string, tol Tolerance) string {
	bound := "0"
	switch {
	case tol.Rel > 0:
		bound = fmt.Sprintf("%g * greatest(abs(%s), abs(%s))", tol.Rel, s, t)
	case tol.Abs > 0:
		bound = fmt.Sprintf("%g", tol.Abs)
	}
	return fmt.Sprintf("NOT ((%[1]s IS NULL AND %[2]s IS NULL) OR coalesce(abs(%[1]s - %[2]s) <= %[3]s + 1e-12 * greatest(abs(%[1]s), abs(%[2]s)), false))", s, t, bound)
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

// text normalizes a value for a text comparison of column i.
func (r *runner) text(i int, v string) string {
	c := r.cols[i]
	e := "CAST(" + v + " AS VARCHAR)"
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

func (r *runner) keyed(ctx context.Context) error {
	nk := len(r.keys)
	var nullCond []string
	for i := range nk {
		nullCond = append(nullCond, fmt.Sprintf("k%d IS NULL", i))
	}
	isNull := strings.Join(nullCond, " OR ")
	bare := make([]string, nk)
	for i := range bare {
		bare[i] = fmt.Sprintf("k%d", i)
	}
	kcols := strings.Join(bare, ", ")
	// Counts and duplicate keys per side.
	for side, view := range []string{r.s, r.t} {
		var rows, nulls int64
		if err := r.db.QueryRowContext(ctx, "SELECT count(*), count(*) FILTER (WHERE "+isNull+") FROM "+engine.Ident(view)).Scan(&rows, &nulls); err != nil {
			return err
		}
		if side == 0 {
			r.res.SourceRows, r.res.NullKeys.Source = rows, nulls
		} else {
			r.res.TargetRows, r.res.NullKeys.Target = rows, nulls
		}
	}
	dups, err := r.scratch(ctx, "TABLE", "plumb_diff_dups",
		"SELECT "+kcols+", sum(sn)::BIGINT AS sn, sum(tn)::BIGINT AS tn FROM ("+
			"SELECT "+kcols+", count(*) AS sn, 0 AS tn FROM "+engine.Ident(r.s)+" WHERE NOT ("+isNull+") GROUP BY ALL HAVING count(*) > 1 "+
			"UNION ALL SELECT "+kcols+", 0, count(*) FROM "+engine.Ident(r.t)+" WHERE NOT ("+isNull+") GROUP BY ALL HAVING count(*) > 1"+
			") GROUP BY ALL")
	if err != nil {
		return fmt.Errorf("find duplicate keys: %w", err)
	}
	var nDup int64
	if err := r.db.QueryRowContext(ctx, "SELECT count(*) FROM "+engine.Ident(dups)).Scan(&nDup); err != nil {
		return err
	}
	pairable := func(view string) string {
		q := "SELECT * FROM " + engine.Ident(view) + " WHERE NOT (" + isNull + ")"
		if nDup > 0 {
			q = "SELECT * FROM (" + q + ") ANTI JOIN " + engine.Ident(dups) + " USING (" + kcols + ")"
		}
		return q
	}
	if nDup > 0 {
		d := &r.res.DuplicateKeys
		if err := r.db.QueryRowContext(ctx, "SELECT count(*) FILTER (WHERE sn > 1), count(*) FILTER (WHERE tn > 1) FROM "+engine.Ident(dups)).Scan(&d.SourceKeys, &d.TargetKeys); err != nil {
			return err
		}
		// Every row of a key duplicated on either side is set aside.
		for side, view := range []string{r.s, r.t} {
			var rows int64
			q := "SELECT count(*) FROM " + engine.Ident(view) + " SEMI JOIN " + engine.Ident(dups) + " USING (" + kcols + ")"
			if err := r.db.QueryRowContext(ctx, q).Scan(&rows); err != nil {
				return err
			}
			if side == 0 {
				d.SourceRows = rows
			} else {
				d.TargetRows = rows
			}
		}
	}
	// One join: only rows that differ are kept.
	var on []string
	for i := range nk {
		on = append(on, fmt.Sprintf("s.k%d = t.k%d", i, i))
	}
	var sel, flags []string
	for i := range nk {
		sel = append(sel, fmt.Sprintf("coalesce(s.k%d, t.k%d) AS k%d", i, i, i))
	}
	sel = append(sel, "CASE WHEN t.__t IS NULL THEN 'only_in_source' WHEN s.__s IS NULL THEN 'only_in_target' ELSE 'changed' END AS status")
	for i := range r.cols {
		sel = append(sel, fmt.Sprintf("coalesce(%s, false) AS m%d, s.v%d AS s%d, t.v%d AS t%d", r.differs(i), i, i, i, i, i))
		flags = append(flags, fmt.Sprintf("m%d", i))
	}
	q := "SELECT * FROM (SELECT " + strings.Join(sel, ", ") + " FROM (SELECT *, true AS __s FROM (" + pairable(r.s) + ")) s FULL OUTER JOIN (SELECT *, true AS __t FROM (" +
		pairable(r.t) + ")) t ON " + strings.Join(on, " AND ") + ") WHERE status <> 'changed' OR " + strings.Join(flags, " OR ")
	d, err := r.scratch(ctx, "TABLE", "plumb_diff", q)
	if err != nil {
		return fmt.Errorf("join: %w", err)
	}
	// Per-column counts in one pass over the differences.
	aggs := []string{"count(*) FILTER (WHERE status = 'only_in_source')", "count(*) FILTER (WHERE status = 'only_in_target')", "count(*) FILTER (WHERE status = 'changed')"}
	for i, c := range r.cols {
		aggs = append(aggs, fmt.Sprintf("count(*) FILTER (WHERE status = 'changed' AND m%d)", i))
		if c.comparedAs == "number" || c.comparedAs == "number-or-text" {
			aggs = append(aggs, fmt.Sprintf("max(abs(TRY_CAST(s%d AS DOUBLE) - TRY_CAST(t%d AS DOUBLE))) FILTER (WHERE status = 'changed' AND m%d)", i, i, i))
		} else {
			aggs = append(aggs, "NULL::DOUBLE")
		}
	}
	vals := make([]any, len(aggs))
	counts := make([]int64, 3+len(r.cols))
	deltas := make([]sql.NullFloat64, len(r.cols))
	vals[0], vals[1], vals[2] = &counts[0], &counts[1], &counts[2]
	for i := range r.cols {
		vals[3+2*i], vals[4+2*i] = &counts[3+i], &deltas[i]
	}
	if err := r.db.QueryRowContext(ctx, "SELECT "+strings.Join(aggs, ", ")+" FROM "+engine.Ident(d)).Scan(vals...); err != nil {
		return err
	}
	r.res.OnlyInSource, r.res.OnlyInTarget, r.res.Changed = counts[0], counts[1], counts[2]
	r.res.Matched = r.res.SourceRows - r.res.NullKeys.Source - r.res.DuplicateKeys.SourceRows - r.res.OnlyInSource
	r.res.Unchanged = r.res.Matched - r.res.Changed
	order := strings.Join(bare, ", ")
	for i, c := range r.cols {
		col := Column{Column: c.name, Source: c.srcShow, ComparedAs: c.comparedAs, Tolerance: c.tol.String(), Mismatches: counts[3+i], Samples: []Sample{}}
		if r.res.Matched > 0 {
			col.Share = float64(col.Mismatches) / float64(r.res.Matched)
		}
		if deltas[i].Valid {
			v := deltas[i].Float64
			col.MaxAbsDelta = &v
		}
		if col.Mismatches > 0 && r.opts.Samples > 0 {
			q := fmt.Sprintf("SELECT %s, CAST(s%d AS VARCHAR), CAST(t%d AS VARCHAR) FROM %s WHERE status = 'changed' AND m%d ORDER BY %s LIMIT %d",
				castKeys(nk), i, i, engine.Ident(d), i, order, r.opts.Samples)
			err := r.query(ctx, q, nk+2, func(v []*string) {
				col.Samples = append(col.Samples, Sample{Key: deref(v[:nk]), Source: v[nk], Target: v[nk+1]})
			})
			if err != nil {
				return err
			}
		}
		r.res.Columns = append(r.res.Columns, col)
	}
	if r.opts.Samples > 0 {
		for _, st := range []string{"only_in_source", "only_in_target"} {
			q := fmt.Sprintf("SELECT %s FROM %s WHERE status = '%s' ORDER BY %s LIMIT %d", castKeys(nk), engine.Ident(d), st, order, r.opts.Samples)
			err := r.query(ctx, q, nk, func(v []*string) {
				row := Row{Values: v, Count: 1}
				if st == "only_in_source" {
					r.res.OnlyInSourceSamples = append(r.res.OnlyInSourceSamples, row)
				} else {
					r.res.OnlyInTargetSamples = append(r.res.OnlyInTargetSamples, row)
				}
			})
			if err != nil {
				return err
			}
		}
		if nDup > 0 {
			q := fmt.Sprintf("SELECT %s, CAST(sn AS VARCHAR), CAST(tn AS VARCHAR) FROM %s ORDER BY %s LIMIT %d", castKeys(nk), engine.Ident(dups), order, r.opts.Samples)
			err := r.query(ctx, q, nk+2, func(v []*string) {
				var sn, tn int64
				fmt.Sscan(*v[nk], &sn)
				fmt.Sscan(*v[nk+1], &tn)
				r.res.DuplicateSamples = append(r.res.DuplicateSamples, Dup{Key: deref(v[:nk]), Source: sn, Target: tn})
			})
			if err != nil {
				return err
			}
		}
	}
	r.res.Equal = r.res.OnlyInSource == 0 && r.res.OnlyInTarget == 0 && r.res.Changed == 0 &&
		nDup == 0 && r.res.NullKeys.Source == 0 && r.res.NullKeys.Target == 0
	if r.opts.DiffsPath != "" {
		return r.writeKeyedDiffs(ctx, d, dups, nDup > 0)
	}
	return nil
}

func castKeys(n int) string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("CAST(k%d AS VARCHAR)", i)
	}
	return strings.Join(out, ", ")
}

func deref(v []*string) []string {
	out := make([]string, len(v))
	for i, p := range v {
		if p != nil {
			out[i] = *p
		}
	}
	return out
}

// query runs q and hands each row's n values, as nullable strings, to f.
func (r *runner) query(ctx context.Context, q string, n int, f func([]*string)) error {
	rows, err := r.db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		vals := make([]sql.NullString, n)
		ptrs := make([]any, n)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		out := make([]*string, n)
		for i, v := range vals {
			if v.Valid {
				s := v.String
				out[i] = &s
			}
		}
		f(out)
	}
	return rows.Err()
}

// writeKeyedDiffs writes every difference in long form: key columns,
// status, column, source_value, target_value.
func (r *runner) writeKeyedDiffs(ctx context.Context, d, dups string, hasDups bool) error {
	var keys []string
	for i, k := range r.keys {
		keys = append(keys, fmt.Sprintf("k%d AS %s", i, engine.Ident(k.srcShow)))
	}
	kc := strings.Join(keys, ", ")
	parts := []string{"SELECT " + kc + ", status, NULL::VARCHAR AS \"column\", NULL::VARCHAR AS source_value, NULL::VARCHAR AS target_value FROM " + engine.Ident(d) + " WHERE status <> 'changed'"}
	for i, c := range r.cols {
		parts = append(parts, fmt.Sprintf("SELECT %s, status, %s, CAST(s%d AS VARCHAR), CAST(t%d AS VARCHAR) FROM %s WHERE status = 'changed' AND m%d",
			kc, engine.Literal(c.name), i, i, engine.Ident(d), i))
	}
	if hasDups {
		parts = append(parts, "SELECT "+kc+", 'duplicate_key', NULL, CAST(sn AS VARCHAR), CAST(tn AS VARCHAR) FROM "+engine.Ident(dups))
	}
	order := make([]string, len(r.keys))
	for i := range order {
		order[i] = fmt.Sprint(i + 1)
	}
	q := strings.Join(parts, " UNION ALL ") + " ORDER BY " + strings.Join(order, ", ") + ", status, \"column\""
	return r.db.CopyQuery(ctx, q, r.opts.DiffsPath)
}

// keyless compares the sides as multisets of whole rows.
func (r *runner) keyless(ctx context.Context) error {
	var sv, tv, eq, cols []string
	for i := range r.cols {
		sv = append(sv, r.normal(i, fmt.Sprintf("v%d", i))+fmt.Sprintf(" AS v%d", i))
		tv = append(tv, r.normal(i, fmt.Sprintf("v%d", i))+fmt.Sprintf(" AS v%d", i))
		eq = append(eq, fmt.Sprintf("s.v%d IS NOT DISTINCT FROM t.v%d", i, i))
		cols = append(cols, fmt.Sprintf("coalesce(s.v%d, t.v%d) AS v%d", i, i, i))
	}
	q := "SELECT " + strings.Join(cols, ", ") + ", coalesce(s.n, 0) AS sn, coalesce(t.n, 0) AS tn FROM " +
		"(SELECT " + strings.Join(sv, ", ") + ", count(*) AS n FROM " + engine.Ident(r.s) + " GROUP BY ALL) s FULL OUTER JOIN " +
		"(SELECT " + strings.Join(tv, ", ") + ", count(*) AS n FROM " + engine.Ident(r.t) + " GROUP BY ALL) t ON " + strings.Join(eq, " AND ")
	d, err := r.scratch(ctx, "TABLE", "plumb_diff_rows", "SELECT * FROM ("+q+") WHERE sn <> tn")
	if err != nil {
		return fmt.Errorf("compare rows: %w", err)
	}
	for side, view := range []string{r.s, r.t} {
		var n int64
		if err := r.db.QueryRowContext(ctx, "SELECT count(*) FROM "+engine.Ident(view)).Scan(&n); err != nil {
			return err
		}
		if side == 0 {
			r.res.SourceRows = n
		} else {
			r.res.TargetRows = n
		}
	}
	var ois, oit sql.NullInt64
	if err := r.db.QueryRowContext(ctx, "SELECT sum(greatest(sn - tn, 0)), sum(greatest(tn - sn, 0)) FROM "+engine.Ident(d)).Scan(&ois, &oit); err != nil {
		return err
	}
	r.res.OnlyInSource, r.res.OnlyInTarget = ois.Int64, oit.Int64
	r.res.Matched = r.res.SourceRows - r.res.OnlyInSource
	r.res.Unchanged = r.res.Matched
	for _, c := range r.cols {
		r.res.Columns = append(r.res.Columns, Column{Column: c.name, Source: c.srcShow, ComparedAs: c.comparedAs, Samples: []Sample{}})
	}
	vcols := make([]string, len(r.cols))
	for i := range vcols {
		vcols[i] = fmt.Sprintf("CAST(v%d AS VARCHAR)", i)
	}
	if r.opts.Samples > 0 {
		for _, st := range []struct{ cond, count string }{{"sn > tn", "sn - tn"}, {"tn > sn", "tn - sn"}} {
			q := fmt.Sprintf("SELECT %s, CAST(%s AS VARCHAR) FROM %s WHERE %s ORDER BY ALL LIMIT %d", strings.Join(vcols, ", "), st.count, engine.Ident(d), st.cond, r.opts.Samples)
			err := r.query(ctx, q, len(vcols)+1, func(v []*string) {
				var n int64
				fmt.Sscan(*v[len(vcols)], &n)
				row := Row{Values: v[:len(vcols)], Count: n}
				if st.cond == "sn > tn" {
					r.res.OnlyInSourceSamples = append(r.res.OnlyInSourceSamples, row)
				} else {
					r.res.OnlyInTargetSamples = append(r.res.OnlyInTargetSamples, row)
				}
			})
			if err != nil {
				return err
			}
		}
	}
	r.res.Equal = r.res.OnlyInSource == 0 && r.res.OnlyInTarget == 0
	if r.opts.DiffsPath != "" {
		var named []string
		for i, c := range r.cols {
			named = append(named, fmt.Sprintf("v%d AS %s", i, engine.Ident(c.name)))
		}
		q := "SELECT " + strings.Join(named, ", ") + ", CASE WHEN sn > tn THEN 'only_in_source' ELSE 'only_in_target' END AS status, abs(sn - tn) AS count FROM " + engine.Ident(d) + " ORDER BY ALL"
		return r.db.CopyQuery(ctx, q, r.opts.DiffsPath)
	}
	return nil
}

// normal is the form of column i that keyless comparison groups on.
func (r *runner) normal(i int, v string) string {
	c := r.cols[i]
	switch c.comparedAs {
	case "number", "number-or-text":
		return "coalesce(CAST(TRY_CAST(" + v + " AS DOUBLE) AS VARCHAR), " + r.text(i, v) + ")"
	case "temporal":
		return coarse(v, c.srcType, c.tgtType)
	case "temporal-or-text":
		return "coalesce(CAST(" + coarse("TRY_CAST("+v+" AS TIMESTAMP)", c.srcType, c.tgtType) + " AS VARCHAR), " + r.text(i, v) + ")"
	case "boolean":
		return v
	}
	return r.text(i, v)
}

// aggregate compares row counts and sums per group.
func (r *runner) aggregate(ctx context.Context) error {
	r.res.GroupColumns, r.res.SumColumns = r.opts.GroupBy, r.opts.Sum
	if r.res.GroupColumns == nil {
		r.res.GroupColumns = []string{}
	}
	if r.res.SumColumns == nil {
		r.res.SumColumns = []string{}
	}
	var gs, sums, eq, sel []string
	for i := range r.opts.GroupBy {
		gs = append(gs, fmt.Sprintf("g%d", i))
		eq = append(eq, fmt.Sprintf("s.g%d IS NOT DISTINCT FROM t.g%d", i, i))
		sel = append(sel, fmt.Sprintf("CAST(coalesce(s.g%d, t.g%d) AS VARCHAR) AS g%d", i, i, i))
	}
	var differ []string
	for i := range r.opts.Sum {
		sums = append(sums, fmt.Sprintf("sum(a%d) AS a%d", i, i))
		sel = append(sel, fmt.Sprintf("s.a%d AS sa%d, t.a%d AS ta%d", i, i, i, i))
		tol := r.opts.Tolerance
		if v, ok := r.opts.PerColumn[r.opts.Sum[i]]; ok {
			tol = v
		}
		differ = append(differ, numDiffers(fmt.Sprintf("s.a%d", i), fmt.Sprintf("t.a%d", i), tol))
	}
	side := func(view string) string {
		q := "SELECT " + strings.Join(gs, ", ") + ", count(*) AS n"
		if len(sums) > 0 {
			q += ", " + strings.Join(sums, ", ")
		}
		return q + " FROM " + engine.Ident(view) + " GROUP BY ALL"
	}
	differ = append([]string{"coalesce(s.n, 0) <> coalesce(t.n, 0)"}, differ...)
	q := "SELECT " + strings.Join(sel, ", ") + ", coalesce(s.n, 0) AS sn, coalesce(t.n, 0) AS tn, (" + strings.Join(differ, " OR ") + ") AS differs FROM (" +
		side(r.s) + ") s FULL OUTER JOIN (" + side(r.t) + ") t ON " + strings.Join(eq, " AND ") + " ORDER BY " + strings.Join(gs, ", ")
	rows, err := r.db.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("aggregate: %w", err)
	}
	defer rows.Close()
	ng, ns := len(gs), len(r.opts.Sum)
	for rows.Next() {
		keys := make([]sql.NullString, ng)
		sv, tv := make([]sql.NullFloat64, ns), make([]sql.NullFloat64, ns)
		var g Group
		ptrs := []any{}
		for i := range keys {
			ptrs = append(ptrs, &keys[i])
		}
		for i := range ns {
			ptrs = append(ptrs, &sv[i], &tv[i])
		}
		ptrs = append(ptrs, &g.SourceRows, &g.TargetRows, &g.Differs)
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for _, k := range keys {
			if k.Valid {
				s := k.String
				g.Key = append(g.Key, &s)
			} else {
				g.Key = append(g.Key, nil)
			}
		}
		for i := range ns {
			g.SourceSums = append(g.SourceSums, nullFloat(sv[i]))
			g.TargetSums = append(g.TargetSums, nullFloat(tv[i]))
		}
		r.res.SourceRows += g.SourceRows
		r.res.TargetRows += g.TargetRows
		switch {
		case g.TargetRows == 0:
			r.res.OnlyInSource++
		case g.SourceRows == 0:
			r.res.OnlyInTarget++
		case g.Differs:
			r.res.Changed++
			r.res.Matched++
		default:
			r.res.Matched++
			r.res.Unchanged++
		}
		r.res.Groups = append(r.res.Groups, g)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	r.res.Equal = r.res.OnlyInSource == 0 && r.res.OnlyInTarget == 0 && r.res.Changed == 0
	return nil
}

func nullFloat(v sql.NullFloat64) *float64 {
	if !v.Valid {
		return nil
	}
	f := v.Float64
	return &f
}
