//go:build duckdb_arrow

package dedupe

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/plumb-data/plumb/engine"
)

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
		for j, k := range rule {
			keys = append(keys, fmt.Sprintf("(%s) AS k%d", k, j))
			notNull = append(notNull, fmt.Sprintf("k%d IS NOT NULL", j))
		}
		kt, err := r.table(ctx, "plumb_dedupe_keys", "AS SELECT * FROM (SELECT rid, "+strings.Join(keys, ", ")+" FROM "+engine.Ident(r.norm)+") WHERE "+strings.Join(notNull, " AND "))
		if err != nil {
			return fmt.Errorf("blocking rule %d [%s]: %w", i+1, strings.Join(rule, ", "), err)
		}
		kcols := make([]string, len(rule))
		on := make([]string, len(rule))
		for j := range rule {
			kcols[j] = fmt.Sprintf("k%d", j)
			on[j] = fmt.Sprintf("x.k%d = y.k%d", j, j)
		}
		var n int64
		q := "SELECT coalesce(sum(c * (c - 1) // 2), 0)::BIGINT FROM (SELECT count(*) AS c FROM " + engine.Ident(kt) + " GROUP BY " + strings.Join(kcols, ", ") + ")"
		if err := r.db.QueryRowContext(ctx, q).Scan(&n); err != nil {
			return err
		}
		if n > maxPairs {
			return fmt.Errorf("blocking rule %d [%s] would make %d candidate pairs, over the limit of %d: make it stricter (or raise max_pairs)",
				i+1, strings.Join(rule, ", "), n, maxPairs)
		}
		r.res.Rules = append(r.res.Rules, Rule{Keys: rule, Pairs: n})
		parts = append(parts, fmt.Sprintf("SELECT x.rid AS a, y.rid AS b, %d AS rule FROM %s x JOIN %s y ON %s AND x.rid < y.rid",
			1<<i, engine.Ident(kt), engine.Ident(kt), strings.Join(on, " AND ")))
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
