//go:build duckdb_arrow

package profile

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/plumb-data/plumb/internal/enginetest"
)

// addRef is the accumulator's first, plain implementation: every test run
// on every value. add must give the same profile; TestAddMatchesReference
// and FuzzAddMatchesReference hold it to that.
func (a *accumulator) addRef(v *string, n int64) {
	a.rows += n
	if v == nil {
		a.nulls += n
		return
	}
	s := *v
	a.distinct++
	if n > 1 {
		a.dupValues++
	}
	a.offerTop(s, n)
	if !a.hasText || s < a.minText {
		a.minText = strings.Clone(s)
	}
	if !a.hasText || s > a.maxText {
		a.maxText = strings.Clone(s)
	}
	a.hasText = true
	t := strings.TrimSpace(s)
	switch {
	case s == "":
		a.empty += n
		return
	case t == "":
		a.ws += n
		return
	case a.sentinels.values[t]:
		a.sent += n
		return
	}
	a.valid += n
	a.validDistinct++
	l := utf8.RuneCountInString(s)
	a.lenMin, a.lenMax = min(a.lenMin, l), max(a.lenMax, l)
	a.lenSum += int64(l) * n
	a.lengths.add(l, n)
	mask := Mask(s)
	compact := collapse(mask)
	if l > 40 {
		addBounded(a.patterns, compact, n)
	} else {
		addBounded(a.patterns, mask, n)
	}
	addBounded(a.compact, compact, n)
	tmask := mask
	if t != s {
		a.finding("leading_or_trailing_whitespace", s, n)
		tmask = Mask(t)
	}
	if !isASCII(s) {
		a.finding("non_ascii", s, n)
	}
	if hasControl(s) {
		a.finding("control_characters", s, n)
	}
	if strings.ContainsAny(tmask, "9") {
		if isFormattedNumber(t) {
			a.finding("thousands_separator_or_currency", t, n)
		}
		if len(t) > 1 && t[0] == '0' && isDigits(t) {
			a.finding("leading_zeros", t, n)
		}
	}
	if strings.ContainsAny(tmask, "Aa") {
		// Values that differ only by case: spellings of one lower-cased
		// value (the same trimmed value twice is one spelling).
		lw := strings.ToLower(t)
		v, ok := a.lower[lw]
		if !ok {
			v = &variants{first: strings.Clone(t)}
			a.lower[strings.Clone(lw)] = v
			ok = true
		}
		if ok {
			if v.n == 0 || t != v.first && t != v.second {
				v.n++
			}
			// Each spelling's rows.
			i := slices.IndexFunc(v.counts, func(c spellingCount) bool { return c.spelling == t })
			if i < 0 {
				v.counts = append(v.counts, spellingCount{t, 0})
				i = len(v.counts) - 1
			}
			v.counts[i].rows += n
			v.rows += n
			switch {
			case t < v.first:
				v.first, v.second = strings.Clone(t), v.first
			case t != v.first && (v.second == "" || t < v.second):
				v.second = strings.Clone(t)
			}
		}
	}
	a.addSemantic(t, refSemanticBits(t, tmask), n)
	// Types, screened cheaply before parsing.
	matched := false
	if len(t) <= 5 && isBoolean(t) {
		a.types[tBoolean] += n
		matched = true
	}
	// Screened by its characters first; every integer is also a decimal,
	// so one parse serves both.
	number := false
	if strings.Trim(t, "0123456789.-+eE") == "" {
		if f, ok := parseDecimal(t); ok {
			if isInteger(t) {
				a.types[tInteger] += n
			}
			a.types[tDecimal] += n
			a.nums.add(weighted{f, n})
			a.numExt.offer(f, t)
			matched, number = true, true
		}
	}
	// Eight digits may be a date written %Y%m%d (a year from 1000).
	if tmask == "99999999" {
		if d, err := time.Parse("20060102", t); err == nil && t[0] != '0' {
			a.ymd.add(t, float64(d.Unix()), n)
		} else {
			a.ymd.miss = keepSmallest(a.ymd.miss, t, 5)
		}
	} else if number {
		a.ymd.miss = keepSmallest(a.ymd.miss, t, 5)
	}
	if fs := dateFormatMasked(t, tmask); len(fs) > 0 {
		a.types[tDate] += n
		a.types[tTimestamp] += n
		if len(fs) == 2 {
			// Month first and day first: which, the column settles.
			md, _ := time.Parse(layoutOf(fs[0]), t)
			dm, _ := time.Parse(layoutOf(fs[1]), t)
			a.dayMonth.add(t, float64(md.Unix()), float64(dm.Unix()), n)
		} else {
			a.dates.add(fs[0], n)
			a.addTime(t, layoutOf(fs[0]), n)
		}
		matched = true
	} else if f := timestampFormat(t); f != "" {
		a.types[tTimestamp] += n
		a.stamps.add(f, n)
		a.addTime(t, layoutOf(f), n)
		matched = true
	}
	if !matched {
		a.invalid = keepSmallest(a.invalid, t, 5)
	}
}

// The reference's own helpers.

func (a *accumulator) addTime(v, layout string, n int64) {
	t, err := time.Parse(layout, v)
	if err != nil {
		return
	}
	sec := float64(t.Unix())
	a.times.add(weighted{sec, n})
	a.timeExt.offer(sec, v)
}

// dateFormatMasked returns the formats v parses in (ambiguous day/month
// values parse in two), screened by its mask first.
func dateFormatMasked(v, mask string) []string {
	cands := layoutMasks[mask]
	if len(cands) == 0 {
		return nil
	}
	var out []string
	for _, f := range cands {
		if _, err := time.Parse(layoutOf(f), v); err == nil {
			out = append(out, f)
		}
	}
	return out
}

// corpus is values of every shape the profile tells apart, with the
// columns of the fixtures.
func corpus(t testing.TB) [][]string {
	var cols [][]string
	for _, p := range []string{"customers.csv", "dedupe/people.csv", "diff/source.csv", "diff/target.csv", "zoo/leading_zeros.csv", "zoo/quoted_newlines.csv"} {
		recs := enginetest.ReadRaggedCSV(t, enginetest.Fixture(p))
		for c := range recs[0] {
			var col []string
			for _, rec := range recs[1:] {
				if c < len(rec) {
					col = append(col, rec[c])
				}
			}
			cols = append(cols, col)
		}
	}
	cols = append(cols, []string{
		"", " ", "N/A", " N/A ", "null", "-", "true", "FALSE", "yes", "Y", "0", "1", "01", "007", "-5", "+3", "1e5", "1.5E-3", "0.5", ".5", "5.",
		"1,234", "$1,234.50", "€ 12", "£3", "12,34", "2024-01-31", "2024-02-30", "2023-02-29", "2024-02-29", "01/31/2024", "31/01/2024", "12/11/2024",
		"31.01.2024", "2024/01/31", "1/28/1997", "12/3/2001", "3/4/1990", "03/04/1990", "13/4/1990", "1.2.2024", "2024-1-5", "2024/1/31",
		"19970128", "19551192", "20240229", "20230229", "01234567", "10000000", "1/31/2024 10:00:00", "1/3/2024 1:00", "05-Mar-2024", "Mar 05, 2024", "2024-01-31 23:59:59", "2024-01-31 24:00:00", "2024-01-31 23:60:00",
		"2024-01-31T10:00:00", "2024-01-31 10:00:00.123", "2024-01-31T10:00:00Z", "2024-01-31 10:00", "01/31/2024 10:00:00", "01/31/2024 10:00",
		"٢٠٢٤-٠١-٣١", "१२३", "a@b.co", "A@B.CO", "http://x.org", "www.x.org", "5c5249bc-7379-4f23-b166-46bae72b00be", "192.168.0.1",
		"4111 1111 1111 1111", "(555) 123-4567", "555-1234", "+44 20 7946 0958", "SW1A 1AA", "K1A 0B1", "90210", "90210-1234", "US", "us", "XX",
		"Straße", "STRASSE", "straße", "Ünïcödé", "Zoë\xff", "ZOË\xff", "zoë\xff", "İSTANBUL", "istanbul", "tab\there", "bell\x07", "nul\x00", "c1\u0085", "\xff\xfe", strings.Repeat("long text ", 10),
		strings.Repeat("x", 300), "ACTIVE", "active", "Active", "  padded", "padded  ",
		"a.very.long.first.name.and.more@example-corporation.co.uk", "https://example.com/a/very/long/path?with=query&and=more",
		"www.example.com/a/long/path/that/goes/on/and/on", strings.Repeat("1", 45), "0" + strings.Repeat("7", 44),
		"4111 1111 1111 1111                              ", "(555) 123-4567                                    x",
		"$1,234,567,890,123,456,789,012,345,678,901,234.00", "1.5e10" + strings.Repeat("0", 40), "Ünïcödé " + strings.Repeat("text ", 10),
	})
	return cols
}

// profileBoth profiles the values with the quick accumulator and the
// reference; the quick one also split among three accumulators merged at
// the end (as when DuckDB hands values over on several threads), which
// must come to the same profile.
func profileBoth(values []string, counts []int64, nulls int64, maxShapes int) (fast, ref, merged Column) {
	sent := newSentinelSet(DefaultSentinels)
	f, r := newAccumulator("c", "VARCHAR", 10, sent), newAccumulator("c", "VARCHAR", 10, sent)
	shards := []*accumulator{newAccumulator("c", "VARCHAR", 10, sent), newAccumulator("c", "VARCHAR", 10, sent), newAccumulator("c", "VARCHAR", 10, sent)}
	if maxShapes > 0 {
		f.maxShapes = maxShapes
		for _, s := range shards {
			s.maxShapes = maxShapes
		}
	}
	if nulls > 0 {
		f.add(nil, nulls)
		r.addRef(nil, nulls)
		shards[1].add(nil, nulls)
	}
	for i, v := range values {
		v := v
		f.add(&v, counts[i])
		r.addRef(&v, counts[i])
		shards[(i*7/3)%3].add(&v, counts[i])
	}
	shards[2].merge(shards[0])
	shards[2].merge(shards[1])
	return f.finish(), r.finish(), shards[2].finish()
}

func TestAddMatchesReference(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for i, col := range corpus(t) {
		seen := map[string]bool{}
		var values []string
		var counts []int64
		for _, v := range col {
			if !seen[v] {
				seen[v] = true
				values = append(values, v)
				counts = append(counts, 1+rng.Int64N(3))
			}
		}
		// Also with room for two shapes only, so that most values take
		// the path past the shapes remembered.
		for _, maxShapes := range []int{0, 2} {
			fast, ref, merged := profileBoth(values, counts, int64(i%3), maxShapes)
			if !reflect.DeepEqual(fast, ref) {
				t.Errorf("column %d, max shapes %d: the quick accumulator differs from the reference:%s", i, maxShapes, differ(fast, ref))
			}
			if !reflect.DeepEqual(merged, ref) {
				t.Errorf("column %d, max shapes %d: merged accumulators differ from the reference:%s", i, maxShapes, differ(merged, ref))
			}
		}
	}
}

// differ names the fields in which two profiles of a column differ, with
// both values.
func differ(got, want Column) string {
	var b strings.Builder
	g, w := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range g.NumField() {
		if !reflect.DeepEqual(g.Field(i).Interface(), w.Field(i).Interface()) {
			fmt.Fprintf(&b, "\n%s: got %+v\n%*s want %+v", g.Type().Field(i).Name, g.Field(i).Interface(), len(g.Type().Field(i).Name), "", w.Field(i).Interface())
		}
	}
	return b.String()
}

func FuzzAddMatchesReference(f *testing.F) {
	for _, col := range corpus(f) {
		if len(col) > 0 {
			f.Add(strings.Join(col[:min(len(col), 20)], "\x1f"))
		}
	}
	f.Fuzz(func(t *testing.T, joined string) {
		seen := map[string]bool{}
		var values []string
		var counts []int64
		for _, v := range strings.Split(joined, "\x1f") {
			if !seen[v] {
				seen[v] = true
				values = append(values, v)
				counts = append(counts, int64(len(v)%4+1))
			}
		}
		fast, ref, merged := profileBoth(values, counts, 1, len(values)%3)
		if !reflect.DeepEqual(fast, ref) {
			t.Fatalf("the quick accumulator differs from the reference on %q:%s", values, differ(fast, ref))
		}
		if !reflect.DeepEqual(merged, ref) {
			t.Fatalf("merged accumulators differ from the reference on %q:%s", values, differ(merged, ref))
		}
	})
}

func TestSortWeighted(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 10, 5000, 100_000} {
		ws := make([]weighted, n)
		for i := range ws {
			switch i % 5 {
			case 0:
				ws[i] = weighted{rng.NormFloat64() * 1e6, int64(i)}
			case 1:
				ws[i] = weighted{float64(rng.IntN(1000) - 500), int64(i)}
			case 2:
				ws[i] = weighted{-rng.Float64() * 1e-9, int64(i)}
			case 3:
				ws[i] = weighted{math.Copysign(0, -1), int64(i)}
			default:
				ws[i] = weighted{rng.ExpFloat64() * 1e300, int64(i)}
			}
		}
		want := slices.Clone(ws)
		slices.SortStableFunc(want, func(x, y weighted) int { return cmp.Compare(x.v, y.v) })
		sortWeighted(ws)
		for i := range ws {
			if ws[i].v != want[i].v {
				t.Fatalf("n=%d: position %d holds %v, want %v", n, i, ws[i].v, want[i].v)
			}
		}
	}
}

// refSemanticBits is the semantic test as first written, on the whole
// mask of each value: the reference for the screens shapes keep.
func refSemanticBits(v, mask string) uint16 {
	var out uint16
	switch {
	case strings.IndexByte(v, '@') > 0 && isEmail(v):
		out |= 1 << semEmail
	case strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "www."):
		out |= 1 << semURL
	case len(v) == 36 && isUUID(v):
		out |= 1 << semUUID
	case len(v) >= 7 && len(v) <= 15 && strings.Count(mask, ".") == 3 && strings.Trim(mask, "9.") == "" && isIPv4(v):
		out |= 1 << semIPv4
	}
	if strings.Trim(mask, "9 ()-.+/") == "" && strings.Count(mask, "9") >= 7 {
		digits := strings.Count(mask, "9")
		if isCard(v) {
			out |= 1 << semCard
		} else if len(layoutMasks[mask]) == 0 && (digits >= 10 && digits <= 15 && strings.Trim(mask, "9") != "" || digits == 7 && mask == "999-9999") {
			out |= 1 << semPhone
		}
	}
	switch mask {
	case "99999", "99999-9999", "A9A 9A9", "A9A9A9", "AA9 9AA", "AA99 9AA", "A9 9AA", "A99 9AA", "A9A 9AA", "AA9A 9AA", "9999":
		out |= 1 << semPostal
	case "AA":
		if countries[v] {
			out |= 1 << semCountry
		}
	}
	if len(v) <= 5 && (v == "0" || v == "1" || isBoolean(v)) {
		out |= 1 << semBoolean
	}
	return out
}

// TestCaseVariantsPastTracked fills the lower-cased spellings an
// accumulator keeps, so that it keeps a sample of them from then on: the
// quick accumulator must say so, estimate the case variants within four
// standard errors of the reference's exact count, and match it in all
// else.
func TestCaseVariantsPastTracked(t *testing.T) {
	t.Parallel()
	var values []string
	var counts []int64
	for i := range maxTracked + 20_000 {
		values = append(values, fmt.Sprintf("Word%d", i))
		counts = append(counts, 1)
		switch i % 5 {
		case 0:
			values = append(values, fmt.Sprintf("word%d", i)) // all lower case: remembered by hash
			counts = append(counts, 2)
		case 1:
			values = append(values, fmt.Sprintf("WORD%d", i))
			counts = append(counts, 3)
		}
	}
	// Spellings of values remembered early, arriving once no more are.
	for i := range 1000 {
		values = append(values, fmt.Sprintf("WoRd%d", i))
		counts = append(counts, 1)
	}
	fast, ref, merged := profileBoth(values, counts, 0, 0)
	for _, c := range []struct {
		name string
		col  Column
	}{{"quick", fast}, {"merged", merged}} {
		m := c.col.Methods[len(c.col.Methods)-1]
		if m.Metric != MetricCaseVariants || m.Method != MethodHashSample || m.Error <= 0 || m.SampleRate >= 1 {
			t.Fatalf("%s: case variants method %+v, want a hash sample with its error", c.name, m)
		}
		got, want := findingCount(c.col, "case_variants"), findingCount(ref, "case_variants")
		if want != 49_000 || math.Abs(float64(got-want)) > 4*m.Error {
			t.Errorf("%s: case variants %d ± %.0f, want %d (exactly 49,000)", c.name, got, m.Error, want)
		}
		// All else as the reference has it.
		c.col.Findings, c.col.Methods = ref.Findings, ref.Methods
		if !reflect.DeepEqual(c.col, ref) {
			t.Fatalf("%s: the accumulator differs from the reference:%s", c.name, differ(c.col, ref))
		}
	}
}

func findingCount(c Column, name string) int64 {
	for _, f := range c.Findings {
		if f.Value == name {
			return f.Count
		}
	}
	return 0
}
