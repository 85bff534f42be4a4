//go:build duckdb_arrow

package profile

import (
	"context"
	"slices"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/source"
)

// nearKey is the estimated uniqueness from which a column is checked
// for a key: 3.5 standard errors of the HyperLogLog below 1.
const nearKey = 0.97

// keyCandidates finds columns that are unique and never missing (null,
// empty, blank or a sentinel); failing those, pairs among the six most
// unique columns. With estimated distinct counts (the profile perhaps of
// a sample), every says what reading every row found: each column's
// missing values and, for some, whether a value occurs twice; the other
// columns that look like keys are checked exactly over rel.
func keyCandidates(ctx context.Context, db *engine.DB, rel string, res *Result, every *everyRow) ([][]string, error) {
	out := [][]string{}
	var near []Column
	var check []int // places in res.Columns
	for i, c := range res.Columns {
		// filled: (an approximate profile) a value in every row.
		filled, unique, known := false, false, false
		if every != nil {
			filled = res.Rows > 0 && every.missing[i] == 0
			unique, known = every.unique[i]
		}
		switch {
		case every == nil && maybeKey(c, res.Rows), filled && known && unique:
			out = append(out, []string{c.Name})
		case filled && !known && c.Uniqueness >= nearKey:
			check = append(check, i)
		case c.Uniqueness >= 0.5 && c.Rows > 0:
			near = append(near, c)
		}
	}
	if len(check) > 0 {
		var aggs []string
		for _, i := range check {
			// As many distinct hashes as rows proves the values distinct
			// (and counting hashes is quicker); a collision could only
			// hide a key, at odds of about one in 10^6 at 5,000,000 rows.
			aggs = append(aggs, "count(DISTINCT hash("+engine.Ident(res.Columns[i].Name)+")) = count(*)")
		}
		// A distinct-count table each: maxBatch at a time, not 10,000.
		var ok []bool
		for b := range slices.Chunk(aggs, maxBatch) {
			part, err := aggregates[bool](ctx, db, rel, b)
			if err != nil {
				return nil, err
			}
			ok = append(ok, part...)
		}
		for j, i := range check {
			c := &res.Columns[i]
			if ok[j] {
				out = append(out, []string{c.Name})
				// Its values all differ: as many as there are, exactly.
				exactlyDistinct(c, every.nonNull[i])
			} else {
				near = append(near, *c)
			}
		}
	}
	if len(out) > 0 || len(near) < 2 || res.Rows == 0 {
		return out, nil
	}
	slices.SortFunc(near, func(a, b Column) int { return int(b.Distinct - a.Distinct) })
	near = near[:min(len(near), 6)]
	var aggs []string
	var pairs [][]string
	for i := range near {
		for j := i + 1; j < len(near); j++ {
			a, b := engine.Ident(near[i].Name), engine.Ident(near[j].Name)
			aggs = append(aggs, "count(DISTINCT ("+a+", "+b+")) FILTER (WHERE "+a+" IS NOT NULL AND "+b+" IS NOT NULL AND trim("+a+"::VARCHAR) <> '' AND trim("+b+"::VARCHAR) <> '') = count(*)")
			pairs = append(pairs, []string{near[i].Name, near[j].Name})
		}
	}
	ok, err := aggregates[bool](ctx, db, rel, aggs)
	if err != nil {
		return nil, err
	}
	for i, v := range ok {
		if v {
			out = append(out, pairs[i])
		}
	}
	return out, nil
}

// duplicateRows counts rows equal to an earlier row: candidates by a
// hash of the whole row, then counted exactly among those.
func duplicateRows(ctx context.Context, db *engine.DB, rel string, cols []source.Column) (int64, error) {
	h, list := rowHash(cols), columnList(cols)
	q := "WITH d AS (SELECT h FROM (SELECT " + h + " AS h FROM " + rel + ") GROUP BY h HAVING count(*) > 1) " +
		"SELECT coalesce(sum(n - 1), 0)::BIGINT FROM (SELECT count(*) AS n FROM " + rel + " WHERE " + h + " IN (SELECT h FROM d) GROUP BY " + list + ")"
	var n int64
	err := db.OneThreadIfWide(ctx, len(cols), func() error { return db.QueryRowContext(ctx, q).Scan(&n) })
	return n, err
}
