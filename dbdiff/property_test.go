//go:build duckdb_arrow

package dbdiff

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/plumb-data/plumb/internal/dbtest"
	"github.com/plumb-data/plumb/internal/enginetest"
	"github.com/plumb-data/plumb/reconcile"
	"github.com/plumb-data/plumb/source"
)

// genRow is a row of the property test's tables: a key (k1, k2 or both,
// by the test's key mode) and a value of each kind the encoding treats
// apart. nil is NULL.
type genRow struct {
	k1     *int64
	k2     *string
	name   *string
	amount *string // decimal text, scale 2
	score  *float64
	ts     *time.Time
	flag   *bool
}

func ptr[T any](v T) *T { return &v }

var texts = []string{"alpha", "Alpha", "alpha ", " alpha", "ALPHA", "é", "e\u0301", "ß", "straße", "日本", "🙂", "a|b", "a:b", "N", "1:a", "", "o'neil", "x,y", "zz", "Zz", "~", "0", "00"}

var floats = []float64{0, math.Copysign(0, -1), 1e300, -1e300, 1e-300, 5e-324, 1e-7, -6.55e-05, 0.1 + 0.2, 123456789.123, 9.99999999e8, 1.5, -2.25, 1e16, 3.0e-6, 1.7976931348623157e308}

// genTables makes the source rows and the target rows: the source with
// inserts, deletes, updates, NULLs, duplicate and NULL keys injected.
func genTables(seed uint64, n int, keyMode string, perMille int) (src, tgt []genRow) {
	rng := rand.New(rand.NewPCG(seed, 7))
	key := func(i int) (*int64, *string) {
		switch keyMode {
		case "int":
			return ptr(int64(i*7 - 1000)), nil
		case "text":
			return nil, ptr(fmt.Sprintf("%s-%05d", texts[i%len(texts)], i))
		}
		return ptr(int64(i / 3)), ptr(texts[i%len(texts)])
	}
	value := func(r *genRow) {
		if rng.IntN(10) > 0 {
			r.name = ptr(texts[rng.IntN(len(texts))] + strconv.Itoa(rng.IntN(50)))
		}
		if rng.IntN(10) > 0 {
			r.amount = ptr(fmt.Sprintf("%d.%02d", rng.IntN(200000)-100000, rng.IntN(100)))
		}
		if rng.IntN(10) > 0 {
			if rng.IntN(3) == 0 {
				r.score = ptr(floats[rng.IntN(len(floats))])
			} else {
				r.score = ptr((rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(12))))
			}
		}
		if rng.IntN(10) > 0 {
			r.ts = ptr(time.Date(1990+rng.IntN(60), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), rng.IntN(24), rng.IntN(60), rng.IntN(60), rng.IntN(1e6)*1000, time.UTC))
		}
		if rng.IntN(10) > 0 {
			r.flag = ptr(rng.IntN(2) == 0)
		}
	}
	for i := range n {
		var r genRow
		r.k1, r.k2 = key(i)
		value(&r)
		src = append(src, r)
	}
	for i, r := range src {
		switch p := rng.IntN(1000) * 10 / perMille; {
		case i == n/7: // at least one deleted and one updated
			continue
		case i == n/9:
			tgt = append(tgt, genRow{k1: r.k1, k2: r.k2, name: ptr("updated")})
		case p < 3: // deleted
			continue
		case p < 9: // updated
			u := r
			switch rng.IntN(7) {
			case 0:
				u.name = ptr(strings.ToUpper(deref(r.name, "x")) + " ")
			case 1:
				u.name = nil
			case 2:
				u.amount = ptr(fmt.Sprintf("%d.%02d", rng.IntN(1000), rng.IntN(100)))
			case 3:
				if r.score != nil && *r.score != 0 && !math.IsInf(*r.score*3, 0) {
					u.score = ptr(*r.score * 3)
				} else {
					u.score = ptr(42.5)
				}
			case 4:
				if r.ts != nil {
					u.ts = ptr(r.ts.Add(time.Duration(1+rng.IntN(3)) * time.Microsecond))
				} else {
					u.ts = ptr(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC))
				}
			case 5:
				u.flag = ptr(r.flag == nil || !*r.flag)
			case 6:
				u.score = nil
			}
			tgt = append(tgt, u)
		case p < 10: // duplicated on the source
			src = append(src, r)
			tgt = append(tgt, r)
		case p < 11: // duplicated on the target, or on both alike
			tgt = append(tgt, r, r)
			if rng.IntN(2) == 0 {
				src = append(src, r)
			}
		default:
			tgt = append(tgt, r)
		}
	}
	for i := range n * perMille / 3000 { // inserted
		var r genRow
		r.k1, r.k2 = key(n + i)
		value(&r)
		tgt = append(tgt, r)
	}
	// At least one key duplicated on the source, one on the target, and
	// one on both alike (the checksum alone would see the last as equal).
	src = append(src, src[n/5])
	tgt = append(tgt, src[n/3], src[n/2])
	src = append(src, src[n/2])
	for range 3 { // NULL keys
		var r genRow
		value(&r)
		if keyMode == "compound" {
			r.k1 = ptr(int64(rng.IntN(10)))
		}
		src = append(src, r)
		tgt = append(tgt, r)
	}
	rng.Shuffle(len(tgt), func(i, j int) { tgt[i], tgt[j] = tgt[j], tgt[i] })
	return src, tgt
}

func deref(s *string, or string) string {
	if s == nil {
		return or
	}
	return *s
}

// dbKind is how a database declares and writes the test's columns.
type dbKind struct {
	name   string
	create string
	text   func(string) string
	bool   func(bool) string
	float  func(float64) string
	ts     func(time.Time, *rand.Rand) string
}

var (
	pgKind = dbKind{name: "postgres",
		create: "CREATE TABLE %s (k1 bigint, k2 text, name text, amount numeric(12,2), score float8, ts timestamptz, flag boolean)",
		text:   func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" },
		bool:   func(b bool) string { return strconv.FormatBool(b) },
		float:  func(f float64) string { return "'" + strconv.FormatFloat(f, 'g', -1, 64) + "'::float8" },
		ts: func(t time.Time, rng *rand.Rand) string {
			// The same instant written in a random zone: PostgreSQL keeps it in UTC.
			zone := time.FixedZone("", (rng.IntN(27)-12)*3600+rng.IntN(2)*1800)
			return "'" + t.In(zone).Format("2006-01-02 15:04:05.999999-07:00") + "'"
		}}
	mysqlKind = dbKind{name: "mysql",
		create: "CREATE TABLE %s (k1 bigint, k2 varchar(60), name varchar(100), amount decimal(12,2), score double, ts datetime(6), flag tinyint(1)) DEFAULT CHARSET utf8mb4",
		text:   pgKind.text,
		bool: func(b bool) string {
			if b {
				return "1"
			}
			return "0"
		},
		float: func(f float64) string { return strconv.FormatFloat(f, 'e', -1, 64) },
		ts:    func(t time.Time, _ *rand.Rand) string { return "'" + t.Format("2006-01-02 15:04:05.000000") + "'" }}
	sqliteKind = dbKind{name: "sqlite",
		create: "CREATE TABLE %s (k1 INTEGER, k2 TEXT, name TEXT, amount NUMERIC, score REAL, ts TEXT, flag INTEGER)",
		text:   pgKind.text,
		bool:   mysqlKind.bool,
		float:  func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) },
		ts:     mysqlKind.ts}
)

// fill creates table name on d and writes rows.
func fill(t *testing.T, d *dbtest.DB, k dbKind, name string, rows []genRow, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 11))
	d.Exec(t, fmt.Sprintf(k.create, name))
	for start := 0; start < len(rows); start += 500 {
		var vals []string
		for _, r := range rows[start:min(start+500, len(rows))] {
			lit := func(ok bool, s func() string) string {
				if !ok {
					return "NULL"
				}
				return s()
			}
			vals = append(vals, "("+strings.Join([]string{
				lit(r.k1 != nil, func() string { return strconv.FormatInt(*r.k1, 10) }),
				lit(r.k2 != nil, func() string { return k.text(*r.k2) }),
				lit(r.name != nil, func() string { return k.text(*r.name) }),
				lit(r.amount != nil, func() string { return *r.amount }),
				lit(r.score != nil, func() string { return k.float(*r.score) }),
				lit(r.ts != nil, func() string { return k.ts(*r.ts, rng) }),
				lit(r.flag != nil, func() string { return k.bool(*r.flag) }),
			}, ", ")+")")
		}
		d.Exec(t, "INSERT INTO "+name+" VALUES "+strings.Join(vals, ", "))
	}
}

// summary is what must agree between strategies: every count, and every
// differing key and value (samples are kept without limit).
type summary struct {
	Counts  [14]int64
	Columns []string
	Only    [2][]string
	Dups    []string
}

func summarize(r *reconcile.Result) summary {
	s := summary{Counts: [14]int64{r.SourceRows, r.TargetRows, r.Matched, r.OnlyInSource, r.OnlyInTarget, r.Changed, r.Unchanged,
		r.DuplicateKeys.SourceKeys, r.DuplicateKeys.SourceRows, r.DuplicateKeys.TargetKeys, r.DuplicateKeys.TargetRows,
		r.NullKeys.Source, r.NullKeys.Target, r.SourceRejected + r.TargetRejected}}
	show := func(p *string) string {
		if p == nil {
			return "NULL"
		}
		return *p
	}
	for _, c := range r.Columns {
		s.Columns = append(s.Columns, fmt.Sprintf("%s %d", c.Column, c.Mismatches))
		for _, x := range c.Samples {
			s.Columns = append(s.Columns, fmt.Sprintf("  %s %v: %s -> %s", c.Column, x.Key, show(x.Source), show(x.Target)))
		}
	}
	for i, rows := range [][]reconcile.Row{r.OnlyInSourceSamples, r.OnlyInTargetSamples} {
		for _, x := range rows {
			var parts []string
			for _, v := range x.Values {
				parts = append(parts, show(v))
			}
			s.Only[i] = append(s.Only[i], strings.Join(parts, ","))
		}
		slices.Sort(s.Only[i])
	}
	for _, d := range r.DuplicateSamples {
		s.Dups = append(s.Dups, fmt.Sprintf("%v %d %d", d.Key, d.Source, d.Target))
	}
	return s
}

// TestBisectEqualsPull holds bisect and merge to pull on random tables in
// PostgreSQL, MariaDB and SQLite: the same counts, and the same differing
// keys and values, whatever the databases write differently.
func TestBisectEqualsPull(t *testing.T) {
	type end struct {
		kind dbKind
		open func(testing.TB) *dbtest.DB
	}
	pg, my, lite := end{pgKind, dbtest.Postgres}, end{mysqlKind, dbtest.MySQL}, end{sqliteKind, dbtest.SQLite}
	for i, tc := range []struct {
		name     string
		src, tgt end
		keyMode  string
		perMille int // rows changed
		keys     string
		// autoPulls: auto's probe finds most segments differ (many
		// changes; SQLite text beside PostgreSQL timestamps and booleans,
		// which the encoding never writes alike).
		autoPulls bool
		opts      func(*reconcile.Options)
	}{
		{"postgres-mariadb int key", pg, my, "int", 10, "k1", false, nil},
		{"postgres-mariadb int key many differences", pg, my, "int", 100, "k1", true, nil},
		{"mariadb-postgres text key", my, pg, "text", 10, "k2", false, nil},
		{"postgres-postgres compound key", pg, pg, "compound", 10, "k1,k2", false, nil},
		{"postgres-mariadb compound key ignore case trim", pg, my, "compound", 20, "k1,k2", false, func(o *reconcile.Options) {
			o.IgnoreCase, o.Trim = reconcile.ColumnSet{All: true}, reconcile.ColumnSet{Columns: []string{"name"}}
			o.PerColumn = map[string]reconcile.Tolerance{"score": {Rel: 0.01}}
		}},
		{"mariadb-sqlite int key", my, lite, "int", 10, "k1", false, nil},
		{"sqlite-postgres text key", lite, pg, "text", 10, "k2", true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			seed := uint64(100 + i)
			srcRows, tgtRows := genTables(seed, 800, tc.keyMode, tc.perMille)
			sd, td := tc.src.open(t), tc.tgt.open(t)
			fill(t, sd, tc.src.kind, "s", srcRows, seed)
			fill(t, td, tc.tgt.kind, "t", tgtRows, seed+1)
			srcSrc, err := source.Parse(sd.Table("s"))
			if err != nil {
				t.Fatal(err)
			}
			tgtSrc, err := source.Parse(td.Table("t"))
			if err != nil {
				t.Fatal(err)
			}
			keys, err := reconcile.ParsePairs(tc.keys)
			if err != nil {
				t.Fatal(err)
			}
			var want summary
			for _, st := range []Strategy{Pull, Bisect, Merge, Auto} {
				// Auto as across a network: it bisects, or pulls when its
				// probe finds most segments differ.
				o := Options{Strategy: st, LeafRows: 4, PageRows: 200, Reconcile: reconcile.Options{Keys: keys, Samples: 1 << 20}, Remote: true, smallRows: 100}
				if st == Auto {
					o.LeafRows = 1 // enough first-level segments for the probe
				}
				if tc.opts != nil {
					tc.opts(&o.Reconcile)
				}
				res, plan, err := Run(t.Context(), enginetest.Open(t), srcSrc, tgtSrc, o)
				if err != nil {
					t.Fatalf("%s: %v", st, err)
				}
				if want := map[bool]Strategy{true: Pull, false: Bisect}[tc.autoPulls]; st == Auto && plan.Strategy != want {
					t.Errorf("auto: ran %s (%s), want %s", plan.Strategy, plan.Reason, want)
				} else if st != Auto && plan.Strategy != st {
					t.Fatalf("%s: ran %s (%s)", st, plan.Strategy, plan.Reason)
				}
				got := summarize(res)
				if st == Pull {
					want = got
					if res.Changed == 0 || res.OnlyInSource == 0 || res.OnlyInTarget == 0 || res.DuplicateKeys.TargetKeys == 0 || res.DuplicateKeys.SourceKeys == 0 || res.NullKeys.Source == 0 {
						t.Fatalf("the generated tables lack a kind of difference: %+v", got.Counts)
					}
					continue
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s differs from pull:\n%s", st, diffSummaries(got, want))
				}
				for i, side := range plan.Sides {
					if side.Where == "server" && (side.BytesRead == 0 || side.BytesWritten == 0) {
						t.Errorf("%s: side %d on a server counted %d bytes read, %d written", st, i, side.BytesRead, side.BytesWritten)
					}
				}
				if st == Bisect {
					moved := plan.Sides[0].RowsMoved + plan.Sides[1].RowsMoved
					t.Logf("bisect: %d segments, %d unequal, %d read; moved %d of %d rows", plan.Segments, plan.Unequal, plan.Fetched, moved, res.SourceRows+res.TargetRows)
				}
			}
		})
	}
}

func diffSummaries(got, want summary) string {
	var b strings.Builder
	if got.Counts != want.Counts {
		fmt.Fprintf(&b, "counts: got %v, want %v\n", got.Counts, want.Counts)
	}
	lines := func(s summary) []string {
		out := slices.Clone(s.Columns)
		for _, x := range s.Only[0] {
			out = append(out, "only in source "+x)
		}
		for _, x := range s.Only[1] {
			out = append(out, "only in target "+x)
		}
		for _, x := range s.Dups {
			out = append(out, "dup "+x)
		}
		return out
	}
	g, w := lines(got), lines(want)
	for _, x := range g {
		if !slices.Contains(w, x) {
			fmt.Fprintf(&b, "+ %s\n", x)
		}
	}
	for _, x := range w {
		if !slices.Contains(g, x) {
			fmt.Fprintf(&b, "- %s\n", x)
		}
	}
	return b.String()
}
