//go:build duckdb_arrow

package dbdiff

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// bound is a key value, one text a key part, as keyText writes it; a
// segment's bounds are real keys of a side, never points computed in the
// key space, so that text, UUID, timestamp and compound keys cut alike
// and no segment is empty by construction.
type bound []string

// segment is the keys from lo (inclusive) to hi (exclusive); a nil bound
// is open. NULL keys are in no segment.
type segment struct{ lo, hi bound }

// segStat is a segment's row count and checksum on a side.
type segStat struct {
	count int64
	sum   string
}

// cuts reads, in key order, every step-th key of seg on s: the lower
// bounds of sub-segments of about step rows, the first being seg's own.
// Equal keys are never split: a key's rows are in one sub-segment.
// dups holds the sub-segments where s has a key more than once (found
// from adjacent equal keys, at no extra scan), which an equal checksum
// would hide and which must be read for the diff to set them aside.
func (s *side) cuts(ctx context.Context, seg segment, step int64) (cuts []bound, dups map[int]bool, err error) {
	ord := s.orderKeys()
	order := "ORDER BY " + strings.Join(ord, ", ")
	var inner, outer, same []string
	for i, k := range s.keys {
		inner = append(inner, fmt.Sprintf("q.%s AS c%d", s.d.ident(k), i))
		outer = append(outer, s.d.keyText(fmt.Sprintf("s.c%d", i), s.types[i], s.kinds[i]))
		same = append(same, ord[i]+" = lag("+ord[i]+") OVER ("+order+")")
	}
	q := "SELECT " + strings.Join(outer, ", ") + ", rn, dup FROM (SELECT " + strings.Join(inner, ", ") +
		", row_number() OVER (" + order + ") AS rn, CASE WHEN " + strings.Join(same, " AND ") + " THEN 1 ELSE 0 END AS dup FROM " +
		s.from() + " WHERE " + s.pred(seg) + ") s WHERE (rn - 1) % " + fmt.Sprint(step) + " = 0 OR dup = 1 ORDER BY rn"
	dups = map[int]bool{}
	nk := len(s.keys)
	err = s.query(ctx, "cuts", q, func(row []*string) error {
		rn, err := atoi(row[nk])
		if err != nil {
			return err
		}
		if (rn-1)%step == 0 {
			b := make(bound, nk)
			for i := range b {
				if row[i] == nil {
					return fmt.Errorf("key part %d is NULL", i+1)
				}
				if err := checkCut(*row[i], s.kinds[i]); err != nil {
					return err
				}
				b[i] = *row[i]
			}
			if len(cuts) == 0 || !slices.Equal(cuts[len(cuts)-1], b) {
				cuts = append(cuts, b)
			}
		}
		if row[nk+1] != nil && *row[nk+1] == "1" && len(cuts) > 0 {
			dups[len(cuts)-1] = true
		}
		return nil
	})
	return cuts, dups, err
}

// subSegments are the segments seg is cut into at cuts (whose first is
// seg's own start).
func subSegments(seg segment, cuts []bound) []segment {
	out := make([]segment, len(cuts))
	for i := range cuts {
		lo, hi := seg.lo, seg.hi
		if i > 0 {
			lo = cuts[i]
		}
		if i+1 < len(cuts) {
			hi = cuts[i+1]
		}
		out[i] = segment{lo: lo, hi: hi}
	}
	return out
}

// checksums counts and checksums, on s, the rows of each sub-segment of
// seg cut at cuts, in one scan of seg: a row's sub-segment is found by a
// binary search written as nested CASE.
func (s *side) checksums(ctx context.Context, seg segment, cuts []bound, fields []*field, p Policy) ([]segStat, error) {
	var bucket func(lo, hi int) string
	bucket = func(lo, hi int) string {
		if hi-lo == 1 {
			return fmt.Sprint(lo)
		}
		mid := (lo + hi) / 2
		return "CASE WHEN " + s.cmp(cuts[mid], "<") + " THEN " + bucket(lo, mid) + " ELSE " + bucket(mid, hi) + " END"
	}
	b := ""
	if bk, ok := s.d.(interface {
		bucket(*side, []bound) (string, bool)
	}); ok && len(cuts) > 1 {
		b, _ = bk.bucket(s, cuts)
	}
	if b == "" {
		b = bucket(0, len(cuts))
	}
	q := "SELECT b, count(*), " + s.d.sumText("h") + " FROM (SELECT " + b + " AS b, " +
		rowHash(s.d, s.idx, fields, p) + " AS h FROM " + s.from() + " WHERE " + s.pred(seg) + ") s GROUP BY b"
	out := make([]segStat, len(cuts))
	err := s.query(ctx, "checksum", q, func(row []*string) error {
		b, err := atoi(row[0])
		if err != nil || b < 0 || int(b) >= len(out) {
			return fmt.Errorf("bad segment number %v", row[0])
		}
		n, err := atoi(row[1])
		if err != nil {
			return err
		}
		sum := ""
		if row[2] != nil {
			sum = *row[2]
		}
		out[b] = segStat{count: n, sum: sum}
		return nil
	})
	return out, err
}

// coalesce joins adjacent segments (one's end the next's start) of a
// list in key order.
func coalesce(segs []segment) []segment {
	var out []segment
	for _, s := range segs {
		if n := len(out); n > 0 && out[n-1].hi != nil && s.lo != nil && slices.Equal(out[n-1].hi, s.lo) {
			out[n-1].hi = s.hi
			continue
		}
		out = append(out, s)
	}
	return out
}
