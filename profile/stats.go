package profile

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

type weighted struct {
	v float64
	n int64
}

// extreme tracks the smallest and largest parsed value as written.
type extreme struct {
	lo, hi       float64
	loRaw, hiRaw string
	set          bool
}

func (e *extreme) offer(v float64, raw string) {
	if !e.set || v < e.lo || v == e.lo && raw < e.loRaw {
		e.lo, e.loRaw = v, strings.Clone(raw)
	}
	if !e.set || v > e.hi || v == e.hi && raw < e.hiRaw {
		e.hi, e.hiRaw = v, strings.Clone(raw)
	}
	e.set = true
}

func (e *extreme) merge(o extreme) {
	if o.set {
		e.offer(o.lo, o.loRaw)
		e.offer(o.hi, o.hiRaw)
	}
}

// lengthCounts counts values by length: short lengths in an array,
// others in a map.
type lengthCounts struct {
	short [256]int64
	long  map[int]int64
}

func (c *lengthCounts) add(l int, n int64) {
	if l < len(c.short) {
		c.short[l] += n
		return
	}
	if c.long == nil {
		c.long = map[int]int64{}
	}
	c.long[l] += n
}

// over counts the values longer than each limit.
func (c *lengthCounts) over(limits []int) []LimitCount {
	out := make([]LimitCount, len(limits))
	for i, lim := range limits {
		out[i].Limit = lim
		for l := lim + 1; l < len(c.short); l++ {
			out[i].Count += c.short[l]
		}
		for l, n := range c.long {
			if l > lim {
				out[i].Count += n
			}
		}
	}
	return out
}

func lengthQuantile(m lengthCounts, total int64, q float64) int {
	keys := make([]int, 0, len(m.long))
	for k := range m.long {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	target := int64(math.Ceil(q * float64(total)))
	var run int64
	for k, n := range m.short {
		run += n
		if run >= target && n > 0 {
			return k
		}
	}
	for _, k := range keys {
		run += m.long[k]
		if run >= target {
			return k
		}
	}
	return 0
}

var quantiles = []struct {
	name string
	q    float64
}{{"p1", 0.01}, {"p5", 0.05}, {"p25", 0.25}, {"p50", 0.5}, {"p75", 0.75}, {"p95", 0.95}, {"p99", 0.99}}

// tail is the values of a skewed column far out on its long side.
type tail struct {
	skewness float64 // the sample's skewness (g1)
	count    int64   // values more than three standard deviations out on the side of the skew
}

// numericStats computes statistics of weighted values: exact quantiles
// (nearest rank), an equal-width histogram of at most 20 bins, and the
// long tail.
func numericStats(ws []weighted, ext extreme) (*Numeric, tail) {
	if len(ws) == 0 {
		return nil, tail{}
	}
	sortWeighted(ws)
	var n int64
	var sum float64
	for _, w := range ws {
		n += w.n
		sum += w.v * float64(w.n)
	}
	mean := sum / float64(n)
	var sq, cube float64
	for _, w := range ws {
		sq += (w.v - mean) * (w.v - mean) * float64(w.n)
	}
	if sq > 0 {
		for _, w := range ws {
			d := w.v - mean
			cube += d * d * d * float64(w.n)
		}
	}
	return describe(ws, moments{float64(n), mean, sq, cube}, ws[0].v, ws[len(ws)-1].v, ext)
}

// describe computes the statistics of values whose moments are m, from
// ws, the values (or a sketch's) sorted, with weights that add up to
// m.n: quantiles (nearest rank), an equal-width histogram of at most 20
// bins from lo to hi, and the long tail.
func describe(ws []weighted, m moments, lo, hi float64, ext extreme) (*Numeric, tail) {
	n, mean, sq := int64(m.n), m.mean, m.m2
	num := &Numeric{Min: lo, Max: hi, Mean: round6(mean), Quantiles: map[string]float64{},
		MinValue: ext.loRaw, MaxValue: ext.hiRaw}
	if n > 1 {
		num.Stddev = round6(math.Sqrt(sq / float64(n-1)))
	}
	var tl tail
	if sq > 0 {
		m2 := sq / float64(n)
		tl.skewness = m.m3 / float64(n) / math.Pow(m2, 1.5)
		sd := math.Sqrt(m2)
		for _, w := range ws {
			if tl.skewness > 0 && w.v > mean+3*sd || tl.skewness < 0 && w.v < mean-3*sd {
				tl.count += w.n
			}
		}
	}
	i, run := 0, int64(0)
	for _, q := range quantiles {
		target := int64(math.Ceil(q.q * float64(n)))
		for run+ws[i].n < target && i < len(ws)-1 {
			run += ws[i].n
			i++
		}
		num.Quantiles[q.name] = ws[i].v
	}
	bins := 20
	width := (num.Max - num.Min) / float64(bins)
	if width == 0 {
		num.Histogram = []Bin{{Low: num.Min, High: num.Max, Count: n}}
		return num, tl
	}
	num.Histogram = make([]Bin, bins)
	for b := range num.Histogram {
		num.Histogram[b] = Bin{Low: round6(num.Min + float64(b)*width), High: round6(num.Min + float64(b+1)*width)}
	}
	for _, w := range ws {
		b := max(0, min(int((w.v-num.Min)/width), bins-1))
		num.Histogram[b].Count += w.n
	}
	return num, tl
}

// moments are the count, mean, and sums of squared and cubed deviations
// from the mean of weighted values, kept as values come (Pébay's
// one-pass formulas, which merge as they add).
type moments struct {
	n, mean, m2, m3 float64
}

func (m *moments) add(v float64, n int64) { m.merge(moments{n: float64(n), mean: v}) }

func (m *moments) merge(o moments) {
	if o.n == 0 {
		return
	}
	if m.n == 0 {
		*m = o
		return
	}
	n := m.n + o.n
	d := o.mean - m.mean
	m.m3 += o.m3 + d*d*d*m.n*o.n*(m.n-o.n)/(n*n) + 3*d*(m.n*o.m2-o.n*m.m2)/n
	m.m2 += o.m2 + d*d*m.n*o.n/n
	m.mean += d * o.n / n
	m.n = n
}

func round6(f float64) float64 { return math.Round(f*1e6) / 1e6 }

// sortWeighted sorts by value: a radix sort on the bits of the floats,
// which for the millions of distinct numbers of a large column is many
// times quicker than comparing. NaN does not occur (parseDecimal refuses
// it).
func sortWeighted(ws []weighted) {
	if len(ws) < 1<<12 {
		slices.SortFunc(ws, func(x, y weighted) int { return cmp.Compare(x.v, y.v) })
		return
	}
	key := func(f float64) uint64 {
		if f == 0 {
			f = 0 // -0 sorts with 0, as cmp.Compare has it
		}
		b := math.Float64bits(f)
		if b>>63 == 1 {
			return ^b
		}
		return b | 1<<63
	}
	tmp := make([]weighted, len(ws))
	src, dst := ws, tmp
	for shift := uint(0); shift < 64; shift += 8 {
		var counts [256]int
		for _, w := range src {
			counts[key(w.v)>>shift&0xff]++
		}
		if counts[key(src[0].v)>>shift&0xff] == len(src) {
			continue // every key has this byte: nothing to move
		}
		pos := 0
		for i, c := range counts {
			counts[i] = pos
			pos += c
		}
		for _, w := range src {
			b := key(w.v) >> shift & 0xff
			dst[counts[b]] = w
			counts[b]++
		}
		src, dst = dst, src
	}
	if &src[0] != &ws[0] {
		copy(ws, src)
	}
}
