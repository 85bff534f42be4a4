//go:build duckdb_arrow

package pushdown

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	d "github.com/plumb-data/plumb/dialect"
	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/profile"
	"github.com/plumb-data/plumb/result"
)

// The metrics of a profile, as result.PushdownMetric names them.
var (
	// profileDatabase are computed in the database for a column whose
	// text the dialect writes as the local path reads it (dialect.Text).
	profileDatabase = []string{"rows", "nulls", "empty", "whitespace_only", "sentinels", "valid", "distinct",
		"uniqueness", "duplicate_values", "min_text", "max_text", "length", "top_values"}
	// profileSample are computed locally, on the sample: they parse
	// each value in Go.
	profileSample = []string{"inferred_type", "conformity", "date_formats", "invalid_examples", "semantic", "findings"}
)

// Profile profiles the plan's source in its database, with the options
// profile.Run takes, and returns what profile.Run would: the counts,
// distinct counts, extremes, lengths, top values, numeric statistics,
// key candidates and duplicate rows computed in the database; the rest
// on a sample, loaded into db. res.Pushdown says which is which.
func Profile(ctx context.Context, db *engine.DB, p *Plan, opts profile.Options) (*result.Profile, error) {
	s, err := open(ctx, p)
	if err != nil {
		return nil, err
	}
	defer s.close()
	if opts.Top <= 0 {
		opts.Top = 10
	}
	baseline := opts.Baseline
	opts.Baseline = nil
	t, err := s.sample(ctx, db, profile.LoadOptions(opts))
	if err != nil {
		return nil, err
	}
	// Nothing else is read from a file or the network.
	if err := db.Confine(ctx); err != nil {
		return nil, err
	}
	res, err := profile.Run(ctx, db, t, opts)
	if err != nil {
		return nil, err
	}
	sentinels := opts.Sentinels
	if sentinels == nil {
		sentinels = profile.DefaultSentinels
	}
	idx := make([]int, len(res.Columns))
	for k := range res.Columns {
		idx[k] = p.column(res.Columns[k].Name)
		if idx[k] < 0 {
			return nil, fmt.Errorf("pushdown: no column %q in the database's description", res.Columns[k].Name)
		}
	}
	progress(opts.Progress, "counting in the database")
	counts, err := s.counts(ctx, idx, sentinels)
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", p.Source.Spec, err)
	}
	for k := range res.Columns {
		progress(opts.Progress, fmt.Sprintf("profiling column %d of %d in the database: %s", k+1, len(res.Columns), res.Columns[k].Name))
		if err := s.profileColumn(ctx, &res.Columns[k], idx[k], counts[k], sentinels, opts.Top); err != nil {
			return nil, fmt.Errorf("profile %s: column %s: %w", p.Source.Spec, res.Columns[k].Name, err)
		}
	}
	// Every count is of every row; a --sample asked for says how much of
	// the pushdown's sample the value-level metrics read.
	res.Rows, res.SourceRows = s.total, 0
	if opts.Sample.IsZero() {
		res.Sampled = ""
	}
	progress(opts.Progress, "looking for keys and duplicate rows in the database")
	if err := s.keys(ctx, res, idx); err != nil {
		return nil, fmt.Errorf("profile %s: %w", p.Source.Spec, err)
	}
	if baseline != nil {
		res.Drift = profile.Compare(baseline, res, opts.BaselineName, opts.Thresholds)
	}
	for _, m := range profileSample {
		s.note(m, result.ComputedSample)
	}
	s.info.Metrics = tidy(s.info.Metrics, len(res.Columns))
	res.Pushdown = s.info
	return res, nil
}

// profileColumn computes in the database what it can of column c (the
// plan's column i), over the sample's profile of it.
func (s *session) profileColumn(ctx context.Context, c *result.ProfileColumn, i int, cc colCounts, sentinels []string, top int) error {
	p := s.p
	col := d.Col(p.Columns[i].Name)
	name := c.Name
	total := s.total
	exact := p.exactText(i)
	class := p.class(i)
	nonNull, empty, blank, sent, distinct := cc.nonNull, cc.empty, cc.blank, cc.sent, cc.distinct
	minText, maxText := cc.minText, cc.maxText
	var v, valid d.Expr
	switch cc.kind {
	case countsText:
		v = d.Bin(p.text(i))
		valid = s.valid(i, sentinels)
	case countsNative:
		v = col
	default:
		s.note("rows", result.ComputedDatabase, name)
		s.note("nulls", result.ComputedDatabase, name)
		// What else it holds is read from the sample's text.
		c.Rows, c.Nulls = total, count(total-nonNull, total)
		for _, m := range append(profileDatabase[2:], "patterns", "compact_patterns") {
			s.note(m, result.ComputedSample, name)
		}
		return nil
	}
	c.Rows = total
	c.Nulls, c.Empty, c.Whitespace, c.Sentinels = count(total-nonNull, total), count(empty, total), count(blank, total), count(sent, total)
	c.Valid = count(nonNull-empty-blank-sent, total)
	c.Distinct, c.DistinctApprox, c.Uniqueness = distinct, false, 0
	if nonNull > 0 {
		c.Uniqueness = share(distinct, nonNull)
	}
	var dup int64
	var tops []result.Share
	if p.Dialect.Caps.Windows && exact {
		// The top values and the count of repeated ones from one grouping.
		if err := s.query(ctx, d.Select{Items: []d.Expr{d.Col("v"), d.Col("n"),
			d.Over(d.Fn(d.Sum, d.Case(d.Int(0), d.Op(d.Col("n"), ">", d.Int(1)), d.Int(1))), nil, nil)},
			From:    d.Sub(d.Select{Items: []d.Expr{d.As(v, "v"), d.As(d.CountAll(), "n")}, From: p.from(), Where: d.NotNull(col), GroupBy: []d.Expr{v}}),
			OrderBy: []d.Order{{X: d.Col("n"), Desc: true}, {X: d.Bin(d.Col("v"))}}, Limit: int64(top)},
			func(rows *sql.Rows) error {
				var sh result.Share
				if err := rows.Scan(&sh.Value, &sh.Count, &dup); err != nil {
					return err
				}
				sh.Share = share(sh.Count, total)
				tops = append(tops, sh)
				return nil
			}); err != nil {
			return err
		}
	} else if err := s.one(ctx, d.Select{Items: []d.Expr{d.CountAll()}, From: d.Sub(d.Select{
		Items: []d.Expr{d.As(d.Int(1), "one")}, From: p.from(), Where: d.NotNull(col),
		GroupBy: []d.Expr{v}, Having: d.Op(d.CountAll(), ">", d.Int(1))})}, &dup); err != nil {
		return err
	}
	c.DuplicateValues = dup
	for _, m := range []string{"rows", "nulls", "empty", "whitespace_only", "sentinels", "valid", "distinct", "uniqueness", "duplicate_values"} {
		s.note(m, result.ComputedDatabase, name)
	}
	if !exact {
		for _, m := range []string{"min_text", "max_text", "length", "top_values", "patterns", "compact_patterns"} {
			s.note(m, result.ComputedSample, name)
		}
		return nil
	}
	c.MinText, c.MaxText = minText.String, maxText.String
	// Top values, ties by value.
	c.Top = []result.Share{}
	if tops != nil || p.Dialect.Caps.Windows {
		c.Top = append(c.Top, tops...)
	} else if err := s.query(ctx, d.Select{Items: []d.Expr{v, d.CountAll()}, From: p.from(), Where: d.NotNull(col),
		GroupBy: []d.Expr{v}, OrderBy: []d.Order{{X: d.CountAll(), Desc: true}, {X: v}}, Limit: int64(top)},
		func(rows *sql.Rows) error {
			var sh result.Share
			if err := rows.Scan(&sh.Value, &sh.Count); err != nil {
				return err
			}
			sh.Share = share(sh.Count, total)
			c.Top = append(c.Top, sh)
			return nil
		}); err != nil {
		return err
	}
	// Lengths of the valid values, counted by length: from the masks of
	// an ASCII column (a mask is as long as its value), else counted.
	lengths, err := s.shapes(ctx, c, i, cc, valid, top)
	if err != nil {
		return err
	}
	if lengths == nil {
		length := d.Fn(d.Length, p.text(i))
		if err := s.query(ctx, d.Select{Items: []d.Expr{length, d.CountAll()}, From: p.from(), Where: valid, GroupBy: []d.Expr{length}},
			func(rows *sql.Rows) error {
				var lc lengthCount
				if err := rows.Scan(&lc.l, &lc.n); err != nil {
					return err
				}
				lengths = append(lengths, lc)
				return nil
			}); err != nil {
			return err
		}
	}
	c.Length = lengthOf(lengths)
	for _, m := range []string{"min_text", "max_text", "length", "top_values"} {
		s.note(m, result.ComputedDatabase, name)
	}
	if (class == d.ClassInteger || class == d.ClassDecimal) && c.Numeric != nil &&
		(c.InferredType == result.TypeInteger || c.InferredType == result.TypeDecimal) {
		return s.numeric(ctx, c, i)
	}
	if c.Numeric != nil {
		s.note("numeric", result.ComputedSample, name)
	}
	return nil
}

// patterns reports whether the dialect writes the shapes of ASCII text.
func (s *session) patterns() bool {
	dl := s.p.Dialect
	return dl.Has(d.MaskASCII) && dl.Has(d.OctetLength) && dl.Caps.Windows
}

// maxMasks is the most distinct masks a column's patterns are computed
// from in the database; a column of more (free text) takes its patterns
// from the sample, so that no more than that many rows cross the wire.
const maxMasks = 10_000

// shapes computes a column's patterns and compact patterns when its
// values are all ASCII: the database counts the values by mask (and
// whether they are over 40 characters, whose pattern is the compact
// mask), and the masks are collapsed and ranked here, as the local
// profile ranks them.
//
// It returns the count of values of each length, from the masks; nil
// when the patterns come from the sample.
func (s *session) shapes(ctx context.Context, c *result.ProfileColumn, i int, cc colCounts, valid d.Expr, top int) ([]lengthCount, error) {
	sample := func() ([]lengthCount, error) {
		s.note("patterns", result.ComputedSample, c.Name)
		s.note("compact_patterns", result.ComputedSample, c.Name)
		return nil, nil
	}
	if cc.nonASCII != 0 {
		return sample()
	}
	v := s.p.text(i)
	mask := d.Fn(d.MaskASCII, v)
	long := d.Case(d.Int(0), d.Op(d.Fn(d.Length, v), ">", d.Int(40)), d.Int(1))
	patterns, compact, byLength := map[string]int64{}, map[string]int64{}, map[int]int64{}
	var masks int64
	if err := s.query(ctx, d.Select{Items: []d.Expr{d.Col("m"), d.Col("l"), d.Col("n"), d.Over(d.CountAll(), nil, nil)},
		From:  d.Sub(d.Select{Items: []d.Expr{d.As(mask, "m"), d.As(long, "l"), d.As(d.CountAll(), "n")}, From: s.p.from(), Where: valid, GroupBy: []d.Expr{mask, long}}),
		Limit: maxMasks + 1},
		func(rows *sql.Rows) error {
			var m string
			var l, n int64
			if err := rows.Scan(&m, &l, &n, &masks); err != nil {
				return err
			}
			cm := collapseASCII(m)
			if l == 1 {
				patterns[cm] += n
			} else {
				patterns[m] += n
			}
			compact[cm] += n
			byLength[len(m)] += n
			return nil
		}); err != nil {
		return nil, err
	}
	if masks > maxMasks {
		return sample()
	}
	c.Patterns, c.CompactPatterns = topShares(patterns, c.Valid.Count, top), topShares(compact, c.Valid.Count, top)
	s.note("patterns", result.ComputedDatabase, c.Name)
	s.note("compact_patterns", result.ComputedDatabase, c.Name)
	lengths := []lengthCount{}
	for l, n := range byLength {
		lengths = append(lengths, lengthCount{l, n})
	}
	return lengths, nil
}

// collapseASCII drops repeats of a character from an ASCII mask.
func collapseASCII(m string) string {
	b := make([]byte, 0, len(m))
	for i := 0; i < len(m); i++ {
		if i == 0 || m[i] != m[i-1] {
			b = append(b, m[i])
		}
	}
	return string(b)
}

// topShares are the k values of m with the highest counts (ties by
// value), with their shares of total.
func topShares(m map[string]int64, total int64, k int) []result.Share {
	out := make([]result.Share, 0, len(m))
	for v, n := range m {
		out = append(out, result.Share{Value: v, Count: n, Share: share(n, total)})
	}
	slices.SortFunc(out, func(x, y result.Share) int {
		if x.Count != y.Count {
			return cmp.Compare(y.Count, x.Count)
		}
		return strings.Compare(x.Value, y.Value)
	})
	return out[:min(k, len(out))]
}

// How a column's counts are computed.
const (
	countsNulls  = iota // its nulls only: its text is not the local path's
	countsText          // on its text: empties, blanks, sentinels, distinct texts, extremes
	countsNative        // on its values: never empty, blank or a sentinel
)

// colCounts are a column's counts, from the one scan counts makes.
type colCounts struct {
	kind                                  int
	nonNull, empty, blank, sent, distinct int64
	minText, maxText                      sql.NullString
	// nonASCII counts valid values with other than ASCII characters, when
	// the dialect masks ASCII text (patterns); -1 when not counted.
	nonASCII int64
}

// countBatch is the most columns counted in one query.
const countBatch = 64

// counts counts, for the plan's columns idx, in one scan of the source
// (a scan per countBatch columns): non-null values, and where the
// column's text or values allow, empties, blanks, sentinels, distinct
// values and the extremes of the text.
func (s *session) counts(ctx context.Context, idx []int, sentinels []string) ([]colCounts, error) {
	p := s.p
	out := make([]colCounts, len(idx))
	for lo := 0; lo < len(idx); lo += countBatch {
		var items []d.Expr
		var dst []any
		for k := lo; k < min(lo+countBatch, len(idx)); k++ {
			i, cc := idx[k], &out[k]
			col := d.Col(p.Columns[i].Name)
			class := p.class(i)
			items, dst = append(items, d.Fn(d.Count, col)), append(dst, &cc.nonNull)
			switch {
			case p.exactText(i):
				cc.kind = countsText
				v := p.text(i)
				trimmed := d.Fn(d.TrimSpace, v)
				notEmpty := d.Op(d.Bin(v), "<>", d.Str(""))
				notBlank := d.Op(d.Bin(trimmed), "<>", d.Str(""))
				items = append(items,
					d.Fn(d.CountIf, d.Op(d.Bin(v), "=", d.Str(""))),
					d.Fn(d.CountIf, d.And(notEmpty, d.Op(d.Bin(trimmed), "=", d.Str("")))),
					d.Fn(d.CountIf, d.And(notEmpty, notBlank, d.In(d.Bin(trimmed), sentinelList(sentinels)...))),
					d.Fn(d.CountDistinct, d.Bin(v)),
					d.Fn(d.Min, d.Bin(v)), d.Fn(d.Max, d.Bin(v)))
				dst = append(dst, &cc.empty, &cc.blank, &cc.sent, &cc.distinct, &cc.minText, &cc.maxText)
				cc.nonASCII = -1
				if s.patterns() {
					// Over every value, blanks and sentinels too: one trim
					// less a row.
					items = append(items, d.Fn(d.CountIf, d.Op(d.Fn(d.OctetLength, v), "<>", d.Fn(d.Length, v))))
					dst = append(dst, &cc.nonASCII)
				}
			case class == d.ClassFloat || class == d.ClassTimestamp || class == d.ClassTimestampTZ || class == d.ClassDate || class == d.ClassBoolean:
				// Their text is never empty, blank or a sentinel; distinct
				// values are distinct texts.
				cc.kind = countsNative
				items, dst = append(items, d.Fn(d.CountDistinct, col)), append(dst, &cc.distinct)
			}
		}
		if err := s.one(ctx, d.Select{Items: items, From: p.from()}, dst...); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func sentinelList(sentinels []string) []d.Expr {
	var list []d.Expr
	for _, x := range sentinels {
		if x != "" {
			list = append(list, d.Str(x))
		}
	}
	return list
}

// valid says column i's value is valid: not null, empty, blank or a
// sentinel.
func (s *session) valid(i int, sentinels []string) d.Expr {
	v := s.p.text(i)
	trimmed := d.Fn(d.TrimSpace, v)
	return d.And(d.NotNull(d.Col(s.p.Columns[i].Name)), d.Op(d.Bin(v), "<>", d.Str("")), d.Op(d.Bin(trimmed), "<>", d.Str("")),
		d.NotIn(d.Bin(trimmed), sentinelList(sentinels)...))
}

// numeric computes a column of numbers' statistics in the database: as
// profile's numericStats does, over the values as doubles.
func (s *session) numeric(ctx context.Context, c *result.ProfileColumn, i int) error {
	p := s.p
	if !p.Dialect.Has(d.StddevSamp) || !p.Dialect.Has(d.Avg) {
		s.note("numeric", result.ComputedSample, c.Name)
		return nil
	}
	col := d.Col(p.Columns[i].Name)
	class := p.class(i)
	var lo, hi string
	var mean, sd sql.NullFloat64
	var n int64
	items := []d.Expr{d.Fn(d.Count, col), d.Text(d.Fn(d.Min, col), class), d.Text(d.Fn(d.Max, col), class),
		d.Fn(d.Avg, col), d.Fn(d.StddevSamp, col)}
	quantiles := []struct {
		name string
		q    float64
	}{{"p1", 0.01}, {"p5", 0.05}, {"p25", 0.25}, {"p50", 0.5}, {"p75", 0.75}, {"p95", 0.95}, {"p99", 0.99}}
	qs := make([]sql.NullString, len(quantiles))
	dst := []any{&n, &lo, &hi, &mean, &sd}
	if p.Dialect.Caps.Quantiles {
		for k, q := range quantiles {
			items = append(items, d.Text(d.Fn(d.QuantileDisc, col, d.Float(q.q)), class))
			dst = append(dst, &qs[k])
		}
	}
	if err := s.one(ctx, d.Select{Items: items, From: p.from(), Where: d.NotNull(col)}, dst...); err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	minV, err1 := strconv.ParseFloat(lo, 64)
	maxV, err2 := strconv.ParseFloat(hi, 64)
	if err1 != nil || err2 != nil {
		s.note("numeric", result.ComputedSample, c.Name)
		return nil
	}
	num := &result.Numeric{Min: minV, Max: maxV, Mean: round6(mean.Float64), MinValue: lo, MaxValue: hi,
		Quantiles: c.Numeric.Quantiles}
	if n > 1 {
		num.Stddev = round6(sd.Float64)
	}
	if p.Dialect.Caps.Quantiles {
		num.Quantiles = map[string]float64{}
		for k, q := range quantiles {
			f, err := strconv.ParseFloat(qs[k].String, 64)
			if err != nil {
				return fmt.Errorf("quantile %s: %q: %w", q.name, qs[k].String, err)
			}
			num.Quantiles[q.name] = f
		}
		s.note("quantiles", result.ComputedDatabase, c.Name)
	} else {
		s.note("quantiles", result.ComputedSample, c.Name)
	}
	const bins = 20
	width := (num.Max - num.Min) / bins
	if width == 0 {
		num.Histogram = []result.Bin{{Low: num.Min, High: num.Max, Count: n}}
	} else {
		num.Histogram = make([]result.Bin, bins)
		for b := range num.Histogram {
			num.Histogram[b] = result.Bin{Low: round6(num.Min + float64(b)*width), High: round6(num.Min + float64(b+1)*width)}
		}
		bin := d.Fn(d.Least, d.Fn(d.Floor, d.Op(d.Op(d.Fn(d.ToDouble, col), "-", d.Float(num.Min)), "/", d.Float(width))), d.Int(bins-1))
		if err := s.query(ctx, d.Select{Items: []d.Expr{bin, d.CountAll()}, From: p.from(), Where: d.NotNull(col), GroupBy: []d.Expr{bin}},
			func(rows *sql.Rows) error {
				var b float64
				var k int64
				if err := rows.Scan(&b, &k); err != nil {
					return err
				}
				num.Histogram[min(max(int(b), 0), bins-1)].Count += k
				return nil
			}); err != nil {
			return err
		}
	}
	c.Numeric = num
	s.note("numeric", result.ComputedDatabase, c.Name)
	s.note("mean_stddev", result.ComputedApprox, c.Name)
	return nil
}

// keys finds key candidates and counts duplicate rows in the database,
// as profile does: columns unique and never missing; failing those,
// pairs of the six most unique columns; duplicate rows when no column is
// a key.
func (s *session) keys(ctx context.Context, res *result.Profile, idx []int) error {
	p := s.p
	res.KeyCandidates = [][]string{}
	var near []result.ProfileColumn
	var nearIdx = map[string]int{}
	pushed := true
	for k, c := range res.Columns {
		class := p.class(idx[k])
		if !p.exactText(idx[k]) && class == d.ClassOther {
			pushed = false
			continue
		}
		switch {
		case s.total > 0 && c.Nulls.Count+c.Empty.Count+c.Whitespace.Count+c.Sentinels.Count == 0 && c.Distinct == s.total:
			res.KeyCandidates = append(res.KeyCandidates, []string{c.Name})
		case c.Uniqueness >= 0.5 && c.Rows > 0:
			near = append(near, c)
			nearIdx[c.Name] = idx[k]
		}
	}
	if len(res.KeyCandidates) == 0 && len(near) >= 2 && s.total > 0 {
		slices.SortFunc(near, func(a, b result.ProfileColumn) int { return int(b.Distinct - a.Distinct) })
		near = near[:min(len(near), 6)]
		for a := range near {
			for b := a + 1; b < len(near); b++ {
				ia, ib := nearIdx[near[a].Name], nearIdx[near[b].Name]
				ca, cb := d.Col(p.Columns[ia].Name), d.Col(p.Columns[ib].Name)
				conds := []d.Expr{d.NotNull(ca), d.NotNull(cb)}
				for _, i := range []int{ia, ib} {
					if p.exactText(i) {
						conds = append(conds, d.Op(d.Bin(d.Fn(d.TrimBlank, p.text(i))), "<>", d.Str("")))
					}
				}
				var n int64
				if !p.Dialect.Has(d.CountDistinctTuple) {
					pushed = false
					break
				}
				if err := s.one(ctx, d.Select{Items: []d.Expr{d.Fn(d.CountDistinctTuple, s.groupKey(ia), s.groupKey(ib))},
					From: p.from(), Where: d.And(conds...)}, &n); err != nil {
					return fmt.Errorf("key candidates: %w", err)
				}
				if n == s.total {
					res.KeyCandidates = append(res.KeyCandidates, []string{near[a].Name, near[b].Name})
				}
			}
		}
	}
	where := result.ComputedDatabase
	if !pushed {
		where = result.ComputedSample
	}
	s.note("key_candidates", where)
	res.DuplicateRows = 0
	if slices.ContainsFunc(res.KeyCandidates, func(k []string) bool { return len(k) == 1 }) {
		s.note("duplicate_rows", result.ComputedDatabase)
		return nil
	}
	var group []d.Expr
	for k := range res.Columns {
		if p.class(idx[k]) == d.ClassOther && !p.exactText(idx[k]) {
			s.note("duplicate_rows", result.ComputedSample)
			return nil
		}
		group = append(group, s.groupKey(idx[k]))
	}
	var n sql.NullInt64
	if err := s.one(ctx, d.Select{Items: []d.Expr{d.Fn(d.Sum, d.Op(d.Col("n"), "-", d.Int(1)))}, From: d.Sub(d.Select{
		Items: []d.Expr{d.As(d.CountAll(), "n")}, From: p.from(), GroupBy: group, Having: d.Op(d.CountAll(), ">", d.Int(1))})}, &n); err != nil {
		return fmt.Errorf("duplicate rows: %w", err)
	}
	res.DuplicateRows = n.Int64
	s.note("duplicate_rows", result.ComputedDatabase)
	return nil
}

// groupKey is column i as it groups: its text byte by byte where the
// dialect writes it, else its value.
func (s *session) groupKey(i int) d.Expr {
	if s.p.exactText(i) {
		return d.Bin(s.p.text(i))
	}
	return d.Col(s.p.Columns[i].Name)
}

type lengthCount struct {
	l int
	n int64
}

// lengthOf is what profile reports of values' lengths (in characters),
// from the count of values of each length.
func lengthOf(lc []lengthCount) result.Length {
	slices.SortFunc(lc, func(a, b lengthCount) int { return a.l - b.l })
	var out result.Length
	var total, sum int64
	for _, x := range lc {
		total += x.n
		sum += int64(x.l) * x.n
	}
	if total > 0 {
		out = result.Length{Min: lc[0].l, Max: lc[len(lc)-1].l, Mean: math.Round(float64(sum)/float64(total)*100) / 100,
			P50: nearestRank(lc, total, 0.5), P95: nearestRank(lc, total, 0.95)}
	}
	out.Over = make([]result.LimitCount, len(profile.TargetLimits))
	for k, lim := range profile.TargetLimits {
		out.Over[k].Limit = lim
		for _, x := range lc {
			if x.l > lim {
				out.Over[k].Count += x.n
			}
		}
		if lim == 255 {
			out.Over255 = out.Over[k].Count
		}
	}
	return out
}

func nearestRank(lc []lengthCount, total int64, q float64) int {
	target := int64(math.Ceil(q * float64(total)))
	var run int64
	for _, x := range lc {
		run += x.n
		if run >= target && x.n > 0 {
			return x.l
		}
	}
	return 0
}

func share(n, of int64) float64 {
	if of == 0 {
		return 0
	}
	return math.Round(float64(n)/float64(of)*1e6) / 1e6
}

func count(n, of int64) result.Count { return result.Count{Count: n, Share: share(n, of)} }

func round6(f float64) float64 { return math.Round(f*1e6) / 1e6 }

// tidy orders the notes and drops the column lists of metrics computed
// one way for all columns of the profile.
func tidy(ms []result.PushdownMetric, columns int) []result.PushdownMetric {
	perMetric := map[string]int{}
	for _, m := range ms {
		perMetric[m.Metric]++
	}
	for k := range ms {
		if perMetric[ms[k].Metric] == 1 && len(ms[k].Columns) == columns {
			ms[k].Columns = nil
		}
	}
	return ms
}
