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

// block adds each rule's keys to the normalized table, counts each
// rule's pairs, refusing rules that would explode, and sets candidates to
// the query of their union. Nothing holds the pairs: scoring streams them
// from the join, each pair once (from the first rule that finds it, as
// splink does), with the bits of every rule that finds it.
func (r *runner) block(ctx context.Context) error {
	maxPairs := r.cfg.MaxPairs
	if maxPairs == 0 {
		maxPairs = 25_000_000
	}
	var keys []string
	for i := range r.cfg.Blocking {
		for j, k := range r.keys[i] {
			keys = append(keys, k.SQL()+" AS "+keyCol(i, j))
		}
	}
	keyed, err := r.table(ctx, "plumb_dedupe_keyed", "AS SELECT *, "+strings.Join(keys, ", ")+" FROM "+engine.Ident(r.norm))
	if err != nil {
		return r.keyError(ctx, err)
	}
	if _, err := r.db.ExecContext(ctx, "DROP TABLE "+engine.Ident(r.norm)); err != nil {
		return err
	}
	r.norm = keyed
	// sat[i] says that a pair agrees on every key of rule i.
	sat := make([]string, len(r.cfg.Blocking))
	var allKeys []string
	for i, rule := range r.cfg.Blocking {
		var on, kcols, notNull []string
		for j := range rule {
			on = append(on, fmt.Sprintf("x.%[1]s = y.%[1]s", keyCol(i, j)))
			kcols = append(kcols, keyCol(i, j))
			allKeys = append(allKeys, keyCol(i, j))
			notNull = append(notNull, keyCol(i, j)+" IS NOT NULL")
		}
		sat[i] = "(" + strings.Join(on, " AND ") + ")"
		// Within one source a group of c records makes c(c-1)/2 pairs;
		// across two, its l left and r right records make l·r. Groups
		// are told apart by a hash of their keys: grouping 15M rows by
		// two text keys ran out of a 183 MB limit where grouping by the
		// hash spilled and took 3.5 s; two keys sharing a hash (odds
		// about 10^-5 at 15M groups) could only overcount.
		count := "sum(c * (c - 1) // 2)"
		group := " GROUP BY hash(" + strings.Join(kcols, ", ") + ")"
		groups := "SELECT count(*) AS c FROM " + engine.Ident(r.norm) + " WHERE " + strings.Join(notNull, " AND ") + group
		if r.side != nil {
			left := fmt.Sprintf("rid <= %d", r.side.left)
			count = "sum(l * r)"
			groups = "SELECT count(*) FILTER (" + left + ") AS l, count(*) FILTER (NOT (" + left + ")) AS r FROM " + engine.Ident(r.norm) +
				" WHERE " + strings.Join(notNull, " AND ") + group
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
	}
	cross := "x.rid < y.rid"
	if r.side != nil {
		cross = fmt.Sprintf("x.rid <= %[1]d AND y.rid > %[1]d", r.side.left)
	}
	bits := make([]string, len(sat))
	for i, s := range sat {
		bits[i] = fmt.Sprintf("CASE WHEN coalesce(%s, false) THEN %d ELSE 0 END", s, uint64(1)<<i)
	}
	// The pairs are found first, as record ids alone: a join that
	// carries every field of both records ran out of a 183 MB limit on
	// 15M records, where one of ids and keys spilled. Their fields are
	// joined on after, in parts when they would not fit.
	ids := "(SELECT rid, " + strings.Join(allKeys, ", ") + " FROM " + engine.Ident(r.norm) + ")"
	var parts []string
	for i := range r.cfg.Blocking {
		q := "SELECT x.rid AS a, y.rid AS b, (" + strings.Join(bits, " + ") + ")::UBIGINT AS rules FROM " + ids + " x JOIN " + ids + " y ON " + sat[i] + " AND " + cross
		for _, earlier := range sat[:i] {
			q += " AND NOT coalesce(" + earlier + ", false)"
		}
		parts = append(parts, q)
	}
	pairs, err := r.table(ctx, "plumb_dedupe_pairs", "AS "+strings.Join(parts, " UNION ALL "))
	if err != nil {
		return err
	}
	return r.fieldsOfPairs(ctx, pairs)
}

// fieldsOfPairs sets candidates to the queries that give the pairs of
// the table pairs (a, b, rules) with the fields of both records, laid out
// as pairQuery: one query, or one a part of the pairs (by a) when the
// fields of one side of them would pass DuckDB's memory limit
// (engine.JoinParts).
func (r *runner) fieldsOfPairs(ctx context.Context, pairs string) error {
	n, err := r.db.Count(ctx, pairs)
	if err != nil {
		return err
	}
	sel := []string{"p.a", "p.b", "p.rules"}
	var values []string
	for i := range r.cfg.Fields {
		sel = append(sel, "x."+r.fieldCol(i), "y."+r.fieldCol(i))
		values = append(values, r.fieldCol(i))
	}
	for _, tf := range r.tf {
		if tf != "" {
			sel = append(sel, "x."+engine.Ident(tf))
			values = append(values, engine.Ident(tf))
		}
	}
	parts := r.opts.parts
	if parts == 0 {
		var err error
		if parts, err = r.db.PartsFor(ctx, engine.Ident(r.norm), values, n); err != nil {
			return fmt.Errorf("records: %w", err)
		}
	}
	r.candidates = nil
	for part := range parts {
		from := engine.Ident(pairs)
		if parts > 1 {
			from = fmt.Sprintf("(SELECT * FROM %s WHERE a %% %d = %d)", from, parts, part)
		}
		r.candidates = append(r.candidates, "SELECT "+strings.Join(sel, ", ")+" FROM "+from+" p JOIN "+engine.Ident(r.norm)+" x ON x.rid = p.a JOIN "+
			engine.Ident(r.norm)+" y ON y.rid = p.b")
	}
	return nil
}

// keyCol names key j of blocking rule i in the normalized table.
func keyCol(i, j int) string { return engine.Ident(fmt.Sprintf("plumb_key_%d_%d", i, j)) }

// keyError finds the blocking rule whose keys failed to compute (err)
// and says which it is.
func (r *runner) keyError(ctx context.Context, err error) error {
	for i, rule := range r.cfg.Blocking {
		// count(key) makes DuckDB compute each key (a key that is only
		// selected may be optimized away).
		var counts []string
		for _, k := range r.keys[i] {
			counts = append(counts, "count("+k.SQL()+")")
		}
		q := "SELECT " + strings.Join(counts, " + ") + " FROM " + engine.Ident(r.norm)
		var n int64
		if ruleErr := r.db.QueryRowContext(ctx, q).Scan(&n); ruleErr != nil {
			return fmt.Errorf("blocking rule %d [%s]: %w", i+1, strings.Join(rule, ", "), withoutSQL(ruleErr))
		}
	}
	return fmt.Errorf("blocking keys: %w", withoutSQL(err))
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
