//go:build duckdb_arrow

package reconcile

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/plumb-data/plumb/engine"
)

// keyed pairs the rows of the two sides on their keys and compares the
// paired rows column by column. Rows with a NULL key part, and every row
// of a key duplicated on either side, are counted and set aside.
func (r *runner) keyed(ctx context.Context) error {
	if err := r.countKeyedSides(ctx); err != nil {
		return err
	}
	dups, hasDups, err := r.duplicateKeys(ctx)
	if err != nil {
		return err
	}
	d, err := r.joinOnKeys(ctx, dups, hasDups)
	if err != nil {
		return fmt.Errorf("join: %w", err)
	}
	if err := r.countDifferences(ctx, d); err != nil {
		return err
	}
	if err := r.closeness(ctx, dups, hasDups); err != nil {
		return err
	}
	if err := r.keyedSamples(ctx, d, dups, hasDups); err != nil {
		return err
	}
	r.res.LoadedEqual = r.res.OnlyInSource == 0 && r.res.OnlyInTarget == 0 && r.res.Changed == 0 &&
		!hasDups && r.res.NullKeys.Source == 0 && r.res.NullKeys.Target == 0
	if r.opts.DiffsPath != "" {
		return r.writeKeyedDiffs(ctx, d, dups, hasDups)
	}
	return nil
}

// keyColumns lists the key columns of the side views: "k0, k1".
func (r *runner) keyColumns() string {
	bare := make([]string, len(r.keys))
	for i := range bare {
		bare[i] = fmt.Sprintf("k%d", i)
	}
	return strings.Join(bare, ", ")
}

// keysMeet is the SQL condition on which a row s of the source side and
// a row t of the target side pair: "s.k0 = t.k0 AND …".
func (r *runner) keysMeet() string {
	on := make([]string, len(r.keys))
	for i := range on {
		on[i] = fmt.Sprintf("s.k%d = t.k%d", i, i)
	}
	return strings.Join(on, " AND ")
}

// eitherKey selects the key of a pair of rows s and t, either of which
// may be missing: "coalesce(s.k0, t.k0) AS k0, …".
func (r *runner) eitherKey() string {
	sel := make([]string, len(r.keys))
	for i := range sel {
		sel[i] = fmt.Sprintf("coalesce(s.k%d, t.k%d) AS k%d", i, i, i)
	}
	return strings.Join(sel, ", ")
}

// nullKey is a SQL condition that is true when a key part is NULL.
func (r *runner) nullKey() string {
	var nullCond []string
	for i := range r.keys {
		nullCond = append(nullCond, fmt.Sprintf("k%d IS NULL", i))
	}
	return strings.Join(nullCond, " OR ")
}

// countKeyedSides counts the rows of each side, and those with a NULL key
// part.
func (r *runner) countKeyedSides(ctx context.Context) error {
	for side, view := range []string{r.srcView, r.tgtView} {
		var rows, nulls int64
		if err := r.db.QueryRowContext(ctx, "SELECT count(*), count(*) FILTER (WHERE "+r.nullKey()+") FROM "+engine.Ident(view)).Scan(&rows, &nulls); err != nil {
			return err
		}
		if side == 0 {
			r.res.SourceRows, r.res.NullKeys.Source = rows, nulls
		} else {
			r.res.TargetRows, r.res.NullKeys.Target = rows, nulls
		}
	}
	return nil
}

// duplicateKeys collects the keys that occur more than once on either
// side into a scratch table of k…, sn, tn (the count on each side), and
// counts them and the rows they hold. It returns the table and whether it
// has any rows.
func (r *runner) duplicateKeys(ctx context.Context) (string, bool, error) {
	kcols, isNull := r.keyColumns(), r.nullKey()
	dups, err := r.createTable(ctx, "plumb_diff_dups",
		"SELECT "+kcols+", sum(sn)::BIGINT AS sn, sum(tn)::BIGINT AS tn FROM ("+
			"SELECT "+kcols+", count(*) AS sn, 0 AS tn FROM "+engine.Ident(r.srcView)+" WHERE NOT ("+isNull+") GROUP BY ALL HAVING count(*) > 1 "+
			"UNION ALL SELECT "+kcols+", 0, count(*) FROM "+engine.Ident(r.tgtView)+" WHERE NOT ("+isNull+") GROUP BY ALL HAVING count(*) > 1"+
			") GROUP BY ALL")
	if err != nil {
		return "", false, fmt.Errorf("find duplicate keys: %w", err)
	}
	nDup, err := r.db.Count(ctx, dups)
	if err != nil {
		return "", false, err
	}
	if nDup == 0 {
		return dups, false, nil
	}
	d := &r.res.DuplicateKeys
	if err := r.db.QueryRowContext(ctx, "SELECT count(*) FILTER (WHERE sn > 1), count(*) FILTER (WHERE tn > 1) FROM "+engine.Ident(dups)).Scan(&d.SourceKeys, &d.TargetKeys); err != nil {
		return "", false, err
	}
	// Every row of a key duplicated on either side is set aside.
	for side, view := range []string{r.srcView, r.tgtView} {
		var rows int64
		q := "SELECT count(*) FROM " + engine.Ident(view) + " SEMI JOIN " + engine.Ident(dups) + " USING (" + kcols + ")"
		if err := r.db.QueryRowContext(ctx, q).Scan(&rows); err != nil {
			return "", false, err
		}
		if side == 0 {
			d.SourceRows = rows
		} else {
			d.TargetRows = rows
		}
	}
	return dups, true, nil
}

// pairable is the rows of a side view that can be paired: no NULL key
// part, no key duplicated on either side.
func (r *runner) pairable(view, dups string, hasDups bool) string {
	q := "SELECT * FROM " + engine.Ident(view) + " WHERE NOT (" + r.nullKey() + ")"
	if hasDups {
		q = "SELECT * FROM (" + q + ") ANTI JOIN " + engine.Ident(dups) + " USING (" + r.keyColumns() + ")"
	}
	return q
}

// closeness completes the numeric columns' account over every matched
// pair, not only the mismatched ones: the largest |Δ| (so a column within
// its tolerance still says how close it came), and, where a column mixes
// numbers and text, how many pairs were compared as text. It costs one
// more join, run only when a column has a tolerance or mixes.
func (r *runner) closeness(ctx context.Context, dups string, hasDups bool) error {
	var aggs []string
	var idx []int
	for i, c := range r.cols {
		mixed := c.comparedAs == AsNumberOrText
		if !mixed && !(c.comparedAs == AsNumber && c.tol != (Tolerance{})) {
			continue
		}
		ns, nt := fmt.Sprintf("TRY_CAST(s.v%d AS DOUBLE)", i), fmt.Sprintf("TRY_CAST(t.v%d AS DOUBLE)", i)
		aggs = append(aggs, "max(abs("+ns+" - "+nt+"))",
			fmt.Sprintf("count(*) FILTER (WHERE (%s IS NULL OR %s IS NULL) AND NOT (s.v%d IS NULL AND t.v%d IS NULL))", ns, nt, i, i))
		idx = append(idx, i)
	}
	if len(aggs) == 0 || r.res.Matched == 0 {
		return nil
	}
	deltas, fallbacks := make([]sql.NullFloat64, len(idx)), make([]int64, len(idx))
	vals := make([]any, 0, 2*len(idx))
	for j := range idx {
		vals = append(vals, &deltas[j], &fallbacks[j])
	}
	q := "SELECT " + strings.Join(aggs, ", ") + " FROM (" + r.pairable(r.srcView, dups, hasDups) + ") s JOIN (" +
		r.pairable(r.tgtView, dups, hasDups) + ") t ON " + r.keysMeet()
	if err := r.db.QueryRowContext(ctx, q).Scan(vals...); err != nil {
		return fmt.Errorf("closeness: %w", err)
	}
	for j, i := range idx {
		col := &r.res.Columns[i]
		if deltas[j].Valid {
			v := deltas[j].Float64
			col.MaxAbsDelta = &v
		}
		if r.cols[i].comparedAs == AsNumberOrText {
			col.AsText = fallbacks[j]
		}
	}
	return nil
}

// joinOnKeys joins the pairable rows of the two sides on their keys
// into a scratch table of the rows that differ: k…, status, then per
// column m<i> (it differs), s<i> and t<i> (its values). A join too big
// for DuckDB's memory first narrows the rows to those whose values may
// differ (changedKeys), then runs in parts (see joinParts), each the
// rows whose keys hash to it, appended to the one table.
func (r *runner) joinOnKeys(ctx context.Context, dups string, hasDups bool) (string, error) {
	parts, err := r.joinParts(ctx, [2]int64{r.res.SourceRows, r.res.TargetRows})
	if err != nil {
		return "", err
	}
	var changed, hash string
	if parts > 1 {
		if hash, err = r.keyHash(ctx); err != nil {
			return "", err
		}
		var n int64
		if changed, n, err = r.changedKeys(ctx, dups, hasDups); err != nil {
			return "", err
		}
		if parts, err = r.joinParts(ctx, [2]int64{n, n}); err != nil {
			return "", err
		}
	}
	// Each part is the rows whose keys hash to it, of the changed keys
	// that hash to it: a semi-join with every changed key at once, 15M
	// of them where every row differed, ran out of memory beside the
	// join. Part rem of mod is the rows whose key hash is rem modulo mod.
	inPart := func(rel string, mod, rem int) string {
		if mod == 1 {
			return rel
		}
		return "(SELECT * FROM " + rel + " WHERE " + hash + fmt.Sprintf(" %% %d = %d)", mod, rem)
	}
	side := func(view string, mod, rem int) string {
		q := "SELECT * FROM " + inPart("("+r.pairable(view, dups, hasDups)+")", mod, rem)
		if changed != "" {
			q += " SEMI JOIN " + inPart(engine.Ident(changed), mod, rem) + " USING (" + r.keyColumns() + ")"
		}
		return q
	}
	sel := []string{r.eitherKey()}
	var flags []string
	sel = append(sel, "CASE WHEN t.__t IS NULL THEN 'only_in_source' WHEN s.__s IS NULL THEN 'only_in_target' ELSE 'changed' END AS status")
	for i := range r.cols {
		sel = append(sel, fmt.Sprintf("coalesce(%s, false) AS m%d, s.v%d AS s%d, t.v%d AS t%d", r.differs(i), i, i, i, i, i))
		flags = append(flags, fmt.Sprintf("m%d", i))
	}
	join := func(mod, rem int) string {
		return "SELECT * FROM (SELECT " + strings.Join(sel, ", ") + " FROM (SELECT *, true AS __s FROM (" + side(r.srcView, mod, rem) + ")) s FULL OUTER JOIN (SELECT *, true AS __t FROM (" +
			side(r.tgtView, mod, rem) + ")) t ON " + r.keysMeet() + ") WHERE status <> 'changed' OR " + strings.Join(flags, " OR ")
	}
	d, err := r.createTable(ctx, "plumb_diff", join(1, 0)+" LIMIT 0")
	if err != nil {
		return "", err
	}
	// run adds part rem of mod to the table. The parts are an estimate:
	// a part that still runs out of memory runs again as its two halves
	// (rem and rem + mod of 2·mod), which together hold its rows.
	var run func(mod, rem int) error
	run = func(mod, rem int) error {
		var err error
		if mod < r.opts.splitBelow {
			err = errSplitBelow
		} else {
			_, err = r.db.ExecContext(ctx, "INSERT INTO "+engine.Ident(d)+" "+join(mod, rem))
		}
		if err == nil || !engine.OutOfMemory(err) || mod >= maxJoinParts || ctx.Err() != nil {
			return err
		}
		if hash == "" {
			if hash, err = r.keyHash(ctx); err != nil {
				return err
			}
		}
		if err := run(2*mod, rem); err != nil {
			return err
		}
		return run(2*mod, rem+mod)
	}
	for part := range parts {
		if r.opts.Progress != nil && parts > 1 {
			r.opts.Progress(fmt.Sprintf("comparing part %d of %d", part+1, parts))
		}
		if err := run(parts, part); err != nil {
			return "", err
		}
	}
	return d, nil
}

// errSplitBelow is the out-of-memory error (engine.OutOfMemory) a part
// meets when Options.splitBelow says it would.
var errSplitBelow = fmt.Errorf("%s: as splitBelow says", "Out of Memory Error")

// maxJoinParts is the most parts a part of a join that runs out of
// memory is split into.
const maxJoinParts = 1 << 12

// joinParts is how many parts the join of the sides runs in, with rows
// rows a side (engine.PartsFor): as many as the bigger side needs.
func (r *runner) joinParts(ctx context.Context, rows [2]int64) (int, error) {
	if r.opts.parts > 0 {
		return r.opts.parts, nil
	}
	var values []string
	for i := range r.keys {
		values = append(values, fmt.Sprintf("k%d", i))
	}
	for i := range r.cols {
		values = append(values, fmt.Sprintf("v%d", i))
	}
	parts := 1
	for side, view := range []string{r.srcView, r.tgtView} {
		n, err := r.db.PartsFor(ctx, engine.Ident(view), values, rows[side])
		if err != nil {
			return 0, fmt.Errorf("%s: %w", sideName(side), err)
		}
		parts = max(parts, n)
	}
	return parts, nil
}

// changedKeys keeps, in a scratch table of k…, the keys of the pairable
// rows that are on one side only or whose values differ as loaded (a
// hash of them differs), and counts them. It is one join of keys and
// hashes, which spills where a join of every column could not: 21 s for
// two 15M-row sides within a 183 MB limit. Rows it leaves out hold
// identical values on both sides, which compare equal however they are
// compared (see numDiffers); two different rows are taken for identical
// only when their 64-bit hashes collide.
func (r *runner) changedKeys(ctx context.Context, dups string, hasDups bool) (string, int64, error) {
	vals := make([]string, len(r.cols))
	for i := range vals {
		vals[i] = fmt.Sprintf("v%d", i)
	}
	hashed := func(view string) string {
		return "SELECT " + r.keyColumns() + ", hash(" + strings.Join(vals, ", ") + ") AS h FROM (" + r.pairable(view, dups, hasDups) + ")"
	}
	changed, err := r.createTable(ctx, "plumb_diff_changed", "SELECT "+r.eitherKey()+" FROM ("+hashed(r.srcView)+") s FULL OUTER JOIN ("+
		hashed(r.tgtView)+") t ON "+r.keysMeet()+" WHERE s.h IS DISTINCT FROM t.h")
	if err != nil {
		return "", 0, fmt.Errorf("changed keys: %w", err)
	}
	n, err := r.db.Count(ctx, changed)
	if err != nil {
		return "", 0, err
	}
	return changed, n, nil
}

// keyHash is a SQL hash of a side's key columns that is the same for
// keys the join pairs: each key column is cast first to the type DuckDB
// compares the two sides' columns in (the type of a list of both), as
// hash(5::INTEGER) and hash(5::BIGINT) need not agree.
func (r *runner) keyHash(ctx context.Context) (string, error) {
	var lists []string
	for i := range r.keys {
		lists = append(lists, fmt.Sprintf("[s.k%d, t.k%d] AS k%d", i, i, i))
	}
	q := "SELECT column_type FROM (DESCRIBE SELECT " + strings.Join(lists, ", ") + " FROM " + engine.Ident(r.srcView) + " s, " + engine.Ident(r.tgtView) + " t)"
	var cast []string
	var typ string
	err := r.eachRow(ctx, q, []any{&typ}, func() {
		cast = append(cast, fmt.Sprintf("CAST(k%d AS %s)", len(cast), strings.TrimSuffix(typ, "[]")))
	})
	if err != nil {
		return "", fmt.Errorf("key types: %w", err)
	}
	if len(cast) != len(r.keys) {
		return "", fmt.Errorf("key types: %d of %d", len(cast), len(r.keys))
	}
	return "hash(" + strings.Join(cast, ", ") + ")", nil
}

// countDifferences counts, in one pass over the differences, the rows of
// each status and the mismatches and largest numeric delta of each
// column, and adds the columns to the result.
func (r *runner) countDifferences(ctx context.Context, d string) error {
	aggs := []string{"count(*) FILTER (WHERE status = 'only_in_source')", "count(*) FILTER (WHERE status = 'only_in_target')", "count(*) FILTER (WHERE status = 'changed')"}
	for i, c := range r.cols {
		aggs = append(aggs, fmt.Sprintf("count(*) FILTER (WHERE status = 'changed' AND m%d)", i))
		if c.comparedAs == AsNumber || c.comparedAs == AsNumberOrText {
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
	for i, c := range r.cols {
		col := Column{Column: c.name, Source: c.srcShow, ComparedAs: c.comparedAs, Mismatches: counts[3+i], Samples: []Sample{}}
		if c.comparedAs == AsNumber || c.comparedAs == AsNumberOrText {
			col.Tolerance = c.tol.String()
		}
		if r.res.Matched > 0 {
			col.Share = float64(col.Mismatches) / float64(r.res.Matched)
		}
		if deltas[i].Valid {
			v := deltas[i].Float64
			col.MaxAbsDelta = &v
		}
		r.res.Columns = append(r.res.Columns, col)
	}
	return nil
}

// keyedSamples reads the first few differences of each kind, in key
// order: changed values per column, keys on one side only, duplicated
// keys.
func (r *runner) keyedSamples(ctx context.Context, d, dups string, hasDups bool) error {
	if r.opts.Samples <= 0 {
		return nil
	}
	nk, order := len(r.keys), r.keyColumns()
	key := make(texts, nk)
	for i := range r.res.Columns {
		col := &r.res.Columns[i]
		if col.Mismatches == 0 {
			continue
		}
		q := fmt.Sprintf("SELECT %s, CAST(s%d AS VARCHAR), CAST(t%d AS VARCHAR) FROM %s WHERE status = 'changed' AND m%d ORDER BY %s LIMIT %d",
			castKeys(nk), i, i, engine.Ident(d), i, order, r.opts.Samples)
		var src, tgt sql.NullString
		err := r.eachRow(ctx, q, append(key.dest(), &src, &tgt), func() {
			col.Samples = append(col.Samples, Sample{Key: key.strings(), Source: nullString(src), Target: nullString(tgt)})
		})
		if err != nil {
			return err
		}
	}
	for _, st := range []string{"only_in_source", "only_in_target"} {
		q := fmt.Sprintf("SELECT %s FROM %s WHERE status = '%s' ORDER BY %s LIMIT %d", castKeys(nk), engine.Ident(d), st, order, r.opts.Samples)
		err := r.eachRow(ctx, q, key.dest(), func() {
			row := Row{Values: key.values(), Count: 1}
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
	if hasDups {
		q := fmt.Sprintf("SELECT %s, sn, tn FROM %s ORDER BY %s LIMIT %d", castKeys(nk), engine.Ident(dups), order, r.opts.Samples)
		var sn, tn int64
		err := r.eachRow(ctx, q, append(key.dest(), &sn, &tn), func() {
			r.res.DuplicateSamples = append(r.res.DuplicateSamples, Dup{Key: key.strings(), Source: sn, Target: tn})
		})
		if err != nil {
			return err
		}
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
