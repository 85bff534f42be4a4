//go:build duckdb_arrow

package profile

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/internal/enginetest"
)

// generated is a column of generated values, with one count each.
type generated []string

// profileValues profiles values (one row each, and nulls) with the quick
// accumulator, checking it against the reference and a merge of shards.
func profileValues(t *testing.T, values []string, nulls int64) Column {
	t.Helper()
	seen := map[string]int{}
	var distinct []string
	var counts []int64
	for _, v := range values {
		i, ok := seen[v]
		if !ok {
			i = len(distinct)
			seen[v] = i
			distinct = append(distinct, v)
			counts = append(counts, 0)
		}
		counts[i]++
	}
	fast, ref, merged := profileBoth(distinct, counts, nulls, 0)
	if !reflect.DeepEqual(fast, ref) {
		t.Fatalf("the quick accumulator differs from the reference:%s", differ(fast, ref))
	}
	if !reflect.DeepEqual(merged, ref) {
		t.Fatalf("merged accumulators differ from the reference:%s", differ(merged, ref))
	}
	return fast
}

// finding returns the column's finding of that name.
func finding(c Column, name string) (Share, bool) {
	i := slices.IndexFunc(c.Findings, func(s Share) bool { return s.Value == name })
	if i < 0 {
		return Share{}, false
	}
	return c.Findings[i], true
}

// dates generates n dates from 1940 on, written by write.
func dates(seed uint64, n int, write func(time.Time) string) generated {
	rng := rand.New(rand.NewPCG(seed, 8))
	out := make(generated, n)
	for i := range out {
		out[i] = write(time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(30_000)))
	}
	return out
}

func monthFirst(d time.Time) string { return fmt.Sprintf("%d/%d/%d", d.Month(), d.Day(), d.Year()) }
func dayFirst(d time.Time) string   { return fmt.Sprintf("%02d/%02d/%d", d.Day(), d.Month(), d.Year()) }

// ambiguousOnly keeps the dates whose day is 12 or less.
func ambiguousOnly(g generated, write func(time.Time) string) generated {
	var out generated
	for _, v := range g {
		d, _ := time.Parse("1/2/2006", v)
		if d.Day() <= 12 && d.Month() != time.Month(d.Day()) {
			out = append(out, write(d))
		}
	}
	return out
}

// TestDates: dates written without padding count as dates, eight-digit
// %Y%m%d columns are dates with their impossible ones shown, and dates
// that read both as day first and month first are an ambiguity, not a
// mix of formats (issue 16, item 8).
func TestDates(t *testing.T) {
	t.Parallel()
	iso := func(d time.Time) string { return d.Format("2006-01-02") }
	ymd := func(d time.Time) string { return d.Format("20060102") }
	rng := rand.New(rand.NewPCG(5, 5))
	ids := make(generated, 800)
	for i := range ids {
		ids[i] = fmt.Sprint(10_000_000 + rng.IntN(89_999_999))
	}
	tests := []struct {
		name       string
		values     generated
		typ        string
		formats    []string // DateFormats, in order
		invalid    []string // some of InvalidExamples
		ambiguous  int64    // the ambiguous_day_month finding's count
		mixed      int64    // the mixed_date_formats finding's count
		dateShare  float64  // at least this share conforms as date
		numericNil bool
	}{
		{name: "month first, not padded", values: dates(1, 803, monthFirst), typ: TypeDate, formats: []string{"%m/%d/%Y"}, dateShare: 1},
		{name: "month first, not padded, one bad", values: append(dates(2, 802, monthFirst), "13/45/1997"), typ: TypeDate,
			formats: []string{"%m/%d/%Y"}, invalid: []string{"13/45/1997"}, dateShare: 0.998},
		{name: "ymd", values: dates(3, 1000, ymd), typ: TypeDate, formats: []string{"%Y%m%d"}, dateShare: 1},
		{name: "ymd with impossible dates", values: append(dates(4, 965, ymd), slices.Repeat(generated{"19551192", "20010230", "19990001"}, 12)...),
			typ: TypeDate, formats: []string{"%Y%m%d"}, invalid: []string{"19551192", "19990001", "20010230"}, dateShare: 0.96},
		{name: "eight-digit ids", values: ids, typ: TypeInteger},
		{name: "ambiguous only", values: ambiguousOnly(dates(5, 1000, monthFirst), dayFirst), typ: TypeDate, formats: []string{"%m/%d/%Y"},
			ambiguous: -1, dateShare: 1},
		{name: "day first settles it", values: append(ambiguousOnly(dates(6, 500, monthFirst), dayFirst), dates(7, 300, dayFirst)...),
			typ: TypeDate, formats: []string{"%d/%m/%Y"}, dateShare: 1},
		{name: "iso with some month first", values: append(dates(8, 900, iso), dates(9, 100, monthFirst)...), typ: TypeDate,
			formats: []string{"%Y-%m-%d", "%m/%d/%Y"}, mixed: 100, dateShare: 1},
		{name: "both orders", values: append(dates(10, 300, dayFirst), dates(11, 300, monthFirst)...), typ: TypeDate,
			ambiguous: -1, mixed: -1, dateShare: 1},
	}
	db := enginetest.Open(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := profileValues(t, tt.values, 3)
			if c.InferredType != tt.typ {
				t.Errorf("type %s, want %s (conformity %+v)", c.InferredType, tt.typ, c.Conformity)
			}
			var formats []string
			for _, f := range c.DateFormats {
				formats = append(formats, f.Value)
			}
			if tt.formats != nil && !slices.Equal(formats, tt.formats) {
				t.Errorf("formats %+v, want %v", c.DateFormats, tt.formats)
			}
			var sum int64
			for _, f := range c.DateFormats {
				sum += f.Count
			}
			if sum > c.Valid.Count {
				t.Errorf("formats count %d values, the column has %d: a value counted twice", sum, c.Valid.Count)
			}
			for _, v := range tt.invalid {
				if !slices.Contains(c.InvalidExamples, v) {
					t.Errorf("invalid examples %q lack %q", c.InvalidExamples, v)
				}
			}
			if got := c.Conformity[tDate].Share; got < tt.dateShare {
				t.Errorf("date conformity %g, want at least %g", got, tt.dateShare)
			}
			for name, want := range map[string]int64{"ambiguous_day_month": tt.ambiguous, "mixed_date_formats": tt.mixed} {
				f, ok := finding(c, name)
				switch {
				case want == 0 && ok:
					t.Errorf("finding %+v, want none", f)
				case want < 0 && !ok, want > 0 && f.Count != want:
					t.Errorf("finding %s %+v, want count %d", name, f, want)
				}
			}
			if c.InferredType == TypeDate && c.Numeric == nil {
				t.Error("a date column without a range")
			}
			// DuckDB reads as many values in the formats reported as the
			// profile counts in them.
			for _, f := range c.DateFormats {
				var n int64
				q := "SELECT count(*) FROM unnest(" + listOf(tt.values) + ") AS t(v) WHERE try_strptime(v, " + engine.Literal(f.Value) + ") IS NOT NULL"
				if err := db.QueryRowContext(t.Context(), q).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n < f.Count {
					t.Errorf("DuckDB reads %d values as %s, the profile counts %d", n, f.Value, f.Count)
				}
			}
		})
	}
}

// listOf is a SQL list of the values.
func listOf(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = engine.Literal(v)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// TestSemanticTypes: the values of a column not of its semantic type are
// a finding with their count and examples, and codes, constants and
// letters are not taken for phones, booleans or numbers (issue 16,
// item 9).
func TestSemanticTypes(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(9, 9))
	pick := func(n int, gen func(i int) string) generated {
		out := make(generated, n)
		for i := range out {
			out[i] = gen(i)
		}
		return out
	}
	emails := pick(490, func(i int) string { return fmt.Sprintf("user%d@example.com", i) })
	emails = append(emails, "not an email", "user@", "@example.com", "x@y", "user at example.com", "n.a.", "user@example", "?? ", "user@@x.com", "john.doe")
	registration := pick(600, func(int) string { return fmt.Sprintf("%012d", rng.IntN(1_000_000)) })
	phones := pick(600, func(int) string {
		return fmt.Sprintf("(%03d) %03d-%04d", 200+rng.IntN(700), rng.IntN(1000), rng.IntN(10000))
	})
	gender := pick(900, func(int) string { return []string{"F", "M", "U", "F", "M", "F"}[rng.IntN(6)] })
	yesNo := pick(400, func(int) string { return []string{"Y", "N"}[rng.IntN(2)] })
	zip := pick(960, func(int) string { return fmt.Sprint(10000 + rng.IntN(89999)) })
	zip = append(zip, pick(40, func(int) string { return fmt.Sprintf("%d-%04d", 10000+rng.IntN(89999), rng.IntN(10000)) })...)
	paddedIDs := pick(970, func(int) string { return fmt.Sprint(1000 + rng.IntN(9000)) })
	paddedIDs = append(paddedIDs, pick(30, func(int) string { return fmt.Sprintf("%05d", rng.IntN(1000)) })...)
	years := pick(500, func(int) string { return fmt.Sprint(1950 + rng.IntN(70)) })
	tests := []struct {
		name     string
		values   generated
		typ      string // inferred type
		semantic string // semantic type
		notBool  bool   // no boolean conformity, no boolean_like
		numeric  bool   // has numeric statistics
		not      int64  // the count of the not_<semantic type> finding
		examples []string
	}{
		{name: "email with strays", values: emails, typ: TypeText, semantic: "email", not: 10, examples: []string{"??", "@example.com", "john.doe"}},
		{name: "zero-padded registration numbers", values: registration, typ: TypeText, semantic: ""},
		{name: "phones", values: phones, typ: TypeText, semantic: "phone"},
		{name: "constant 1", values: slices.Repeat(generated{"1"}, 300), typ: TypeInteger, notBool: true, numeric: true},
		{name: "constant true", values: slices.Repeat(generated{"true"}, 300), typ: TypeText, notBool: true},
		{name: "F, M, U", values: gender, typ: TypeText, notBool: true},
		{name: "Y and N", values: yesNo, typ: TypeBoolean, semantic: "boolean_like"},
		{name: "0 and 1", values: pick(200, func(i int) string { return fmt.Sprint(i % 2) }), typ: TypeInteger, semantic: "boolean_like", numeric: true},
		{name: "ZIP and ZIP+4", values: zip, typ: TypeText, semantic: "postal_code"},
		{name: "ids, some zero-padded", values: paddedIDs, typ: TypeText, semantic: "postal_code"},
		{name: "years", values: years, typ: TypeInteger, numeric: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := profileValues(t, tt.values, 0)
			if c.InferredType != tt.typ || c.SemanticType != tt.semantic {
				t.Errorf("got %s/%s, want %s/%s (semantic %+v)", c.InferredType, c.SemanticType, tt.typ, tt.semantic, c.Semantic)
			}
			if tt.notBool && (c.Conformity[tBoolean].Count > 0 || slices.ContainsFunc(c.Semantic, func(s Share) bool { return s.Value == "boolean_like" })) {
				t.Errorf("boolean: conformity %+v, semantic %+v", c.Conformity, c.Semantic)
			}
			if (c.Numeric != nil) != tt.numeric {
				t.Errorf("numeric statistics %+v, want them: %v", c.Numeric, tt.numeric)
			}
			f, ok := finding(c, "not_"+tt.semantic)
			switch {
			case tt.not == 0 && ok:
				t.Errorf("finding %+v, want none", f)
			case tt.not > 0 && (f.Count != tt.not || !slices.Equal(f.Examples, tt.examples)):
				t.Errorf("finding %+v, want count %d, examples %q", f, tt.not, tt.examples)
			}
		})
	}
}

// TestColumnFindings: constant, all-missing, high-cardinality and skewed
// columns are findings, and case variants count the rows that spell a
// value otherwise than its most common spelling (issue 16, item 10).
func TestColumnFindings(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(10, 10))
	pick := func(n int, gen func(i int) string) generated {
		out := make(generated, n)
		for i := range out {
			out[i] = gen(i)
		}
		return out
	}
	status := append(slices.Repeat(generated{"active"}, 900), slices.Repeat(generated{"Active"}, 60)...)
	status = append(status, slices.Repeat(generated{"ACTIVE"}, 40)...)
	status = append(status, slices.Repeat(generated{"closed"}, 500)...)
	status = append(status, slices.Repeat(generated{"Closed"}, 7)...)
	tests := []struct {
		name    string
		values  generated
		nulls   int64
		want    map[string]int64 // findings and their counts
		without []string         // findings it must not have
	}{
		{name: "constant", values: slices.Repeat(generated{"X"}, 50), nulls: 5, want: map[string]int64{"constant": 50}},
		{name: "constant among sentinels", values: append(slices.Repeat(generated{"7"}, 20), "N/A", "", " "), want: map[string]int64{"constant": 20}},
		{name: "all missing", values: generated{"", " ", "N/A", "-"}, nulls: 10, want: map[string]int64{"all_missing": 14}, without: []string{"constant"}},
		{name: "all null", nulls: 10, want: map[string]int64{"all_missing": 10}},
		{name: "one value once", values: generated{"X"}, without: []string{"constant"}},
		{name: "high cardinality", values: pick(400, func(int) string { return fmt.Sprintf("note %d", rng.IntN(300)) }), want: map[string]int64{"high_cardinality": -1}},
		{name: "a key", values: pick(400, func(i int) string { return fmt.Sprintf("k%d", i) }), without: []string{"high_cardinality"}},
		{name: "categories", values: pick(400, func(int) string { return fmt.Sprintf("c%d", rng.IntN(40)) }), without: []string{"high_cardinality"}},
		{name: "skewed", values: pick(1000, func(int) string { return fmt.Sprint(int(rng.ExpFloat64() * rng.ExpFloat64() * rng.ExpFloat64() * 100)) }),
			want: map[string]int64{"skewed": -1}},
		{name: "symmetric", values: pick(1000, func(int) string { return fmt.Sprintf("%.2f", rng.NormFloat64()*10+50) }), without: []string{"skewed"}},
		{name: "case variants", values: status, want: map[string]int64{"case_variants": 107}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := profileValues(t, tt.values, tt.nulls)
			for name, n := range tt.want {
				f, ok := finding(c, name)
				if !ok || n >= 0 && f.Count != n {
					t.Errorf("finding %s %+v, want count %d; findings %+v", name, f, n, c.Findings)
				}
			}
			for _, name := range tt.without {
				if f, ok := finding(c, name); ok {
					t.Errorf("finding %+v, want none", f)
				}
			}
		})
	}
}

// TestColumnsSelected: a profile of some columns says that its duplicate
// rows and key candidates are within them.
func TestColumnsSelected(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	tbl := enginetest.Load(t, db, enginetest.Fixture("customers.csv"), true)
	for _, tt := range []struct {
		columns []string
		want    bool
	}{{nil, false}, {[]string{"status", "country"}, true}} {
		res, err := Run(t.Context(), db, tbl, Options{Columns: tt.columns})
		if err != nil {
			t.Fatal(err)
		}
		if res.ColumnsSelected != tt.want {
			t.Errorf("columns %v: columns selected %v, want %v", tt.columns, res.ColumnsSelected, tt.want)
		}
		if tt.want && res.DuplicateRows == 0 {
			t.Errorf("columns %v: no duplicate rows, yet status and country repeat together", tt.columns)
		}
	}
}

// TestSentinelMissing checks the quick path of sentinelSet.missing
// against trimming every value: the same answer for values with and
// without surrounding space, ASCII or not.
func TestSentinelMissing(t *testing.T) {
	t.Parallel()
	s := newSentinelSet(DefaultSentinels)
	for _, v := range []string{"", " ", "\t", "\u00a0", "\u3000x\u3000", "N/A", " N/A", "N/A\t", "n/a", "NA", "NAN", "-", "--",
		"?", "#N/A", "None", "none", "x", "é", "éN/A", "N/A\u00a0", "\u0085NULL", "NULL", "null ", "Nul", "abc"} {
		if want := trimmedMissing(s, v); s.missing(v) != want {
			t.Errorf("missing(%q) = %v, want %v", v, !want, want)
		}
	}
}

// trimmedMissing is sentinelSet.missing by its definition: v trimmed
// is empty, or a sentinel.
func trimmedMissing(s sentinelSet, v string) bool {
	tr := strings.TrimSpace(v)
	return tr == "" || s.values[tr]
}

// FuzzSentinelMissing holds sentinelSet.missing to its definition:
// empty or blank once trimmed, or a sentinel.
func FuzzSentinelMissing(f *testing.F) {
	for _, v := range []string{"", " N/A ", "\u00a0", "x", "NULL"} {
		f.Add(v)
	}
	s := newSentinelSet(DefaultSentinels)
	f.Fuzz(func(t *testing.T, v string) {
		if want := trimmedMissing(s, v); s.missing(v) != want {
			t.Errorf("missing(%q) = %v, want %v", v, !want, want)
		}
	})
}
