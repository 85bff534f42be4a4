//go:build duckdb_arrow

package dedupe

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/plumb-data/plumb/engine"
)

// checkBlocking reads every blocking key, before any work is done, as one
// SQL expression over the normalized fields: by DuckDB's parser (one
// expression, no second statement, no subquery) and its binder (known
// columns and functions, bound to a relation shaped like the normalized
// table). A key that fails is an error at its place in the config.
func (r *runner) checkBlocking(ctx context.Context) error {
	if err := r.db.RegisterTextFunc(ctx, "soundex", soundexCode); err != nil {
		return err
	}
	cols := []string{"NULL::BIGINT AS rid"}
	for i := range r.cfg.Fields {
		cols = append(cols, "NULL::VARCHAR AS "+r.fieldCol(i))
	}
	records := "(SELECT " + strings.Join(cols, ", ") + ") AS records"
	r.keys = make([][]engine.Expr, len(r.cfg.Blocking))
	for i, rule := range r.cfg.Blocking {
		for j, k := range rule {
			e, err := r.db.ParseExpr(ctx, k)
			if err == nil {
				err = r.bind(ctx, e, records)
			}
			if err != nil {
				if ctx.Err() != nil {
					return err
				}
				return r.cfg.keyError(i, j, err)
			}
			r.keys[i] = append(r.keys[i], e)
		}
	}
	return nil
}

// bind has DuckDB bind e over records without running it.
func (r *runner) bind(ctx context.Context, e engine.Expr, records string) error {
	rows, err := r.db.QueryContext(ctx, "SELECT "+e.SQL()+" FROM "+records+" LIMIT 0")
	if err != nil {
		return fmt.Errorf("%q: %w", e.String(), withoutSQL(err))
	}
	rows.Close()
	return rows.Err()
}

// block counts each rule's pairs first, refusing rules that would
// explode, then writes the union of their pairs (a < b).
func (r *runner) block(ctx context.Context) error {
	maxPairs := r.cfg.MaxPairs
	if maxPairs == 0 {
		maxPairs = 25_000_000
	}
	var parts []string
	for i, rule := range r.cfg.Blocking {
		var keys, notNull []string
		for j, k := range r.keys[i] {
			keys = append(keys, fmt.Sprintf("%s AS k%d", k.SQL(), j))
			notNull = append(notNull, fmt.Sprintf("k%d IS NOT NULL", j))
		}
		kt, err := r.table(ctx, "plumb_dedupe_keys", "AS SELECT * FROM (SELECT rid, "+strings.Join(keys, ", ")+" FROM "+engine.Ident(r.norm)+") WHERE "+strings.Join(notNull, " AND "))
		if err != nil {
			return fmt.Errorf("blocking rule %d [%s]: %w", i+1, strings.Join(rule, ", "), withoutSQL(err))
		}
		kcols := make([]string, len(rule))
		on := make([]string, len(rule))
		for j := range rule {
			kcols[j] = fmt.Sprintf("k%d", j)
			on[j] = fmt.Sprintf("x.k%d = y.k%d", j, j)
		}
		// Within one source a group of c records makes c(c-1)/2 pairs;
		// across two, its l left and r right records make l·r.
		count, cross := "sum(c * (c - 1) // 2)", "x.rid < y.rid"
		groups := "SELECT count(*) AS c FROM " + engine.Ident(kt) + " GROUP BY " + strings.Join(kcols, ", ")
		if r.side != nil {
			left := fmt.Sprintf("rid <= %d", r.side.left)
			count, cross = "sum(l * r)", fmt.Sprintf("x.rid <= %[1]d AND y.rid > %[1]d", r.side.left)
			groups = "SELECT count(*) FILTER (" + left + ") AS l, count(*) FILTER (NOT (" + left + ")) AS r FROM " + engine.Ident(kt) + " GROUP BY " + strings.Join(kcols, ", ")
		}
		var n int64
		q := "SELECT coalesce(" + count + ", 0)::BIGINT FROM (" + groups + ")"
		if err := r.db.QueryRowContext(ctx, q).Scan(&n); err != nil {
			return err
		}
		if n > maxPairs {
			return fmt.Errorf("blocking rule %d [%s] would make %d candidate pairs, over the limit of %d: make it stricter (or raise max_pairs)",
				i+1, strings.Join(rule, ", "), n, maxPairs)
		}
		r.res.Rules = append(r.res.Rules, Rule{Keys: rule, Pairs: n})
		parts = append(parts, fmt.Sprintf("SELECT x.rid AS a, y.rid AS b, %d AS rule FROM %s x JOIN %s y ON %s AND %s",
			1<<i, engine.Ident(kt), engine.Ident(kt), strings.Join(on, " AND "), cross))
	}
	var err error
	// Each pair remembers which rules found it, for training per rule.
	if r.pairs, err = r.table(ctx, "plumb_dedupe_pairs", "AS SELECT a, b, bit_or(rule)::UBIGINT AS rules FROM ("+strings.Join(parts, " UNION ALL ")+") GROUP BY a, b"); err != nil {
		return fmt.Errorf("candidate pairs: %w", err)
	}
	return r.db.QueryRowContext(ctx, "SELECT count(*) FROM "+engine.Ident(r.pairs)).Scan(&r.res.CandidatePairs)
}

// fieldsIn says which fields a blocking rule's keys mention.
func (r *runner) fieldsIn(rule []string) []bool {
	used := make([]bool, len(r.cfg.Fields))
	for f, fl := range r.cfg.Fields {
		re := regexp.MustCompile(`(?i)(^|[^A-Za-z0-9_])"?` + regexp.QuoteMeta(fl.Column) + `"?($|[^A-Za-z0-9_])`)
		for _, k := range rule {
			if re.MatchString(k) {
				used[f] = true
			}
		}
	}
	return used
}
