//go:build duckdb_arrow

package profile

import (
	"database/sql"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/internal/enginetest"
	"github.com/plumb-data/plumb/internal/synth"
	"github.com/plumb-data/plumb/source"
	"github.com/zeebo/xxh3"
)

// TestInvariants checks what must hold of any profile: the parts of each
// column add up to its rows, patterns add up to the valid values, shares
// are shares.
func TestInvariants(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	for _, f := range []string{"customers.csv", "customers.parquet", "zoo/duplicate_headers.csv", "zoo/leading_zeros.csv", "zoo/header_only.csv"} {
		res, err := Run(t.Context(), db, enginetest.Load(t, db, enginetest.Fixture(f), true), Options{Top: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range res.Columns {
			if c.Rows != res.Rows {
				t.Errorf("%s.%s: %d rows, dataset has %d", f, c.Name, c.Rows, res.Rows)
			}
			if sum := c.Nulls.Count + c.Empty.Count + c.Whitespace.Count + c.Sentinels.Count + c.Valid.Count; sum != c.Rows {
				t.Errorf("%s.%s: null+empty+blank+sentinel+valid = %d, want %d", f, c.Name, sum, c.Rows)
			}
			var pat, top int64
			for _, p := range c.Patterns {
				pat += p.Count
			}
			for _, v := range c.Top {
				top += v.Count
			}
			if pat != c.Valid.Count && len(c.Patterns) < 1000 {
				t.Errorf("%s.%s: patterns count %d, valid values %d", f, c.Name, pat, c.Valid.Count)
			}
			if c.Distinct < 1000 && top != c.Rows-c.Nulls.Count {
				t.Errorf("%s.%s: top values count %d, non-null rows %d", f, c.Name, top, c.Rows-c.Nulls.Count)
			}
			for _, s := range append(append(c.Conformity, c.Semantic...), c.DateFormats...) {
				if s.Share < 0 || s.Share > 1 {
					t.Errorf("%s.%s: share %+v", f, c.Name, s)
				}
			}
			if c.Uniqueness < 0 || c.Uniqueness > 1 {
				t.Errorf("%s.%s: uniqueness %g", f, c.Name, c.Uniqueness)
			}
			// Fewer values past a longer limit, none past the longest.
			prev := c.Valid.Count
			for i, o := range c.Length.Over {
				if o.Limit != TargetLimits[i] || o.Count > prev || o.Count > 0 && o.Limit >= c.Length.Max {
					t.Errorf("%s.%s: %+v past %+v (max length %d)", f, c.Name, o, c.Length.Over, c.Length.Max)
				}
				if o.Limit == 255 && o.Count != c.Length.Over255 {
					t.Errorf("%s.%s: over 255 %d, over_255 %d", f, c.Name, o.Count, c.Length.Over255)
				}
				prev = o.Count
			}
		}
	}
}

// TestThreadsAndWorkers profiles the same table one column at a time, on
// a one-thread session, and the default way (each column on one thread,
// two at once): the profiles are the same.
func TestThreadsAndWorkers(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	tbl := enginetest.Load(t, db, enginetest.Fixture("customers.csv"), true)
	want, err := Run(t.Context(), db, tbl, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := db.Threads(t.Context()); err != nil || n != 2 {
		t.Fatalf("after the profile DuckDB runs %d threads (%v), want 2 back", n, err)
	}
	one, err := engine.Open(t.Context(), engine.Config{Threads: 1, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	for name, run := range map[string]func() (*Result, error){
		"one worker": func() (*Result, error) { return Run(t.Context(), db, tbl, Options{Workers: 1}) },
		"one thread": func() (*Result, error) {
			return Run(t.Context(), one, enginetest.Load(t, one, enginetest.Fixture("customers.csv"), true), Options{})
		},
	} {
		got, err := run()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got.Source, got.Drift = want.Source, want.Drift
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the profile differs from the default one", name)
		}
	}
}

func TestCustomerProfile(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	res, err := Run(t.Context(), db, enginetest.Load(t, db, enginetest.Fixture("customers.csv"), true), Options{})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Column{}
	for _, c := range res.Columns {
		byName[c.Name] = c
	}
	checks := []struct {
		col, typ, semantic string
	}{
		{"customer_id", TypeInteger, ""}, {"email", TypeText, "email"}, {"account_uuid", TypeText, "uuid"},
		{"signup_ts", TypeTimestamp, ""}, {"birth_date", TypeDate, ""}, {"balance", TypeDecimal, ""}, {"phone", TypeText, "phone"},
	}
	for _, c := range checks {
		got := byName[c.col]
		if got.InferredType != c.typ || got.SemanticType != c.semantic {
			t.Errorf("%s: %s/%s, want %s/%s", c.col, got.InferredType, got.SemanticType, c.typ, c.semantic)
		}
	}
	if !slices.ContainsFunc(res.KeyCandidates, func(k []string) bool { return slices.Equal(k, []string{"customer_id"}) }) {
		t.Errorf("key candidates %v lack customer_id", res.KeyCandidates)
	}
	has := func(col, finding string) bool {
		return slices.ContainsFunc(byName[col].Findings, func(s Share) bool { return s.Value == finding && s.Count > 0 })
	}
	for _, f := range [][2]string{{"status", "case_variants"}, {"first_name", "leading_or_trailing_whitespace"}, {"birth_date", "mixed_date_formats"},
		{"balance", "thousands_separator_or_currency"}, {"first_name", "non_ascii"}} {
		if !has(f[0], f[1]) {
			t.Errorf("%s lacks the finding %s: %+v", f[0], f[1], byName[f[0]].Findings)
		}
	}
	// The generator's truth: sentinels in phone and birth_date.
	if byName["phone"].Sentinels.Count == 0 || byName["birth_date"].Sentinels.Count == 0 {
		t.Errorf("sentinels: phone %+v, birth_date %+v", byName["phone"].Sentinels, byName["birth_date"].Sentinels)
	}
}

func TestDrift(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	tbl := enginetest.Load(t, db, enginetest.Fixture("customers.csv"), true)
	base, err := Run(t.Context(), db, tbl, Options{})
	if err != nil {
		t.Fatal(err)
	}
	same, err := Run(t.Context(), db, tbl, Options{Baseline: base, BaselineName: "base.json"})
	if err != nil {
		t.Fatal(err)
	}
	if len(same.Drift.Changes) != 0 {
		t.Errorf("a profile drifts from itself: %+v", same.Drift.Changes)
	}
	// Half the rows, phone blanked, zip renamed, balance scaled, notes gone.
	q := `CREATE TABLE drifted AS SELECT customer_id, first_name, last_name, email, NULL::VARCHAR AS phone, birth_date, signup_ts, status,
		CAST(TRY_CAST(balance AS DOUBLE) * 100 AS VARCHAR) AS balance, country, zip AS postcode, account_uuid FROM ` + engine.Ident(tbl.Name) + ` WHERE customer_id::INT % 2 = 0`
	if _, err := db.ExecContext(t.Context(), q); err != nil {
		t.Fatal(err)
	}
	d := *tbl
	d.Name = "drifted"
	d.Columns = nil
	rows, err := db.QueryContext(t.Context(), "SELECT column_name, column_type FROM (DESCRIBE drifted)")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var c source.Column
		rows.Scan(&c.Name, &c.Type)
		d.Columns = append(d.Columns, c)
	}
	rows.Close()
	cur, err := Run(t.Context(), db, &d, Options{Baseline: base, BaselineName: "base.json"})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, c := range cur.Drift.Changes {
		kinds[string(c.Kind)+":"+c.Column] = c.After
	}
	for _, want := range []string{"row_count:", "missing_share:phone", "renamed:zip", "removed:notes", "range:balance"} {
		if _, ok := kinds[want]; !ok {
			t.Errorf("drift lacks %s: %+v", want, cur.Drift.Changes)
		}
	}
	if kinds["renamed:zip"] != "postcode" {
		t.Errorf("zip renamed to %q, want postcode", kinds["renamed:zip"])
	}

	// Approximate profiles of samples of different sizes, and an exact
	// one, are of the same number of rows: their sources'.
	var prev *Result
	for _, o := range []Options{{Approx: true, Sample: Sample{Percent: 40}}, {Approx: true, Sample: Sample{Percent: 10}}, {}} {
		o.Baseline, o.BaselineName = prev, "prev.json"
		res, err := Run(t.Context(), db, tbl, o)
		if err != nil {
			t.Fatal(err)
		}
		if prev != nil {
			for _, c := range res.Drift.Changes {
				if c.Kind == ChangeRowCount {
					t.Errorf("sample %s against %s: %+v", o.Sample, prev.Sampled, c)
				}
			}
		}
		prev = res
	}
}

func TestSample(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	tbl := enginetest.Load(t, db, enginetest.Fixture("customers.csv"), true)
	for _, s := range []string{"500", "10%"} {
		res, err := Run(t.Context(), db, tbl, Options{Sample: mustParseSample(t, s)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Sampled != s || res.Rows == 0 || res.Rows >= 3000 {
			t.Errorf("sample %s: %d rows, sampled %q", s, res.Rows, res.Sampled)
		}
		// Every column is profiled over the same rows, and the same
		// sample comes back the next time.
		for _, c := range res.Columns {
			if c.Rows != res.Rows {
				t.Errorf("sample %s: column %s has %d rows of the sample's %d", s, c.Name, c.Rows, res.Rows)
			}
		}
		again, err := Run(t.Context(), db, tbl, Options{Sample: mustParseSample(t, s)})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(again, res) {
			t.Errorf("sample %s: a second profile differs from the first", s)
		}
	}
	// Several files are a view over one table a file.
	multi := enginetest.Load(t, db, enginetest.Fixture("diff/*.csv"), true)
	for _, s := range []string{"5", "50%"} {
		res, err := Run(t.Context(), db, multi, Options{Sample: mustParseSample(t, s)})
		if err != nil {
			t.Fatalf("sample %s of %d files: %v", s, len(multi.Files), err)
		}
		if res.Sampled != s || res.Rows == 0 || res.Rows >= multi.RowsLoaded {
			t.Errorf("sample %s of %d files: %d rows of %d, sampled %q", s, len(multi.Files), res.Rows, multi.RowsLoaded, res.Sampled)
		}
	}
	for _, bad := range []string{"0", "abc", "150%", "1.5"} {
		if _, err := ParseSample(bad); err == nil {
			t.Errorf("ParseSample(%q): no error", bad)
		}
	}
}

// TestSampleAnyOrder checks that a sample takes the same rows however the
// load stored them and however many threads read them: rows are chosen by
// their values, so an unordered (quicker) load samples as an ordered one.
func TestSampleAnyOrder(t *testing.T) {
	t.Parallel()
	// Rows enough for several row groups, which an unordered load
	// stores in the order its threads finish them.
	path, err := synth.CachedFile(t.TempDir(), synth.Config{Rows: 260_000, Seed: 3, Mess: true})
	if err != nil {
		t.Fatal(err)
	}
	src, err := source.Parse(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"700", "15%", "approx 15%"} {
		var first *Result
		for _, tc := range []struct {
			anyOrder bool
			threads  int
		}{{false, 1}, {true, 2}} {
			db, err := engine.Open(t.Context(), engine.Config{Threads: tc.threads, TempDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			tbl, err := db.Load(t.Context(), src, engine.LoadOptions{Raw: true, AnyOrder: tc.anyOrder})
			if err != nil {
				t.Fatal(err)
			}
			spec, approx := strings.CutPrefix(s, "approx ")
			res, err := Run(t.Context(), db, tbl, Options{Sample: mustParseSample(t, spec), Approx: approx})
			db.Close()
			if err != nil {
				t.Fatal(err)
			}
			if res.Rows == 0 || res.Rows >= tbl.RowsLoaded {
				t.Fatalf("sample %s: %d rows of %d", s, res.Rows, tbl.RowsLoaded)
			}
			res.Source = ""
			if first == nil {
				first = res
			} else if !reflect.DeepEqual(res, first) {
				t.Errorf("sample %s, any order %v, %d threads: the profile differs from an ordered load's", s, tc.anyOrder, tc.threads)
			}
		}
	}
}

// TestParseSample checks that a spec is read once into a Sample that
// reports itself in the canonical spelling, which reads back the same.
func TestParseSample(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, spec string
		want       Sample
		wantSpec   string
	}{
		{name: "rows", spec: "500", want: Sample{Rows: 500}, wantSpec: "500"},
		{name: "whole rows written with a point", spec: "100.0", want: Sample{Rows: 100}, wantSpec: "100"},
		{name: "percent", spec: "10%", want: Sample{Percent: 10}, wantSpec: "10%"},
		{name: "spaced percent", spec: " 12.50 % ", want: Sample{Percent: 12.5}, wantSpec: "12.5%"},
		{name: "every row", spec: "", want: Sample{}, wantSpec: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseSample(tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want || got.String() != tc.wantSpec {
				t.Errorf("got %+v (%q), want %+v (%q)", got, got.String(), tc.want, tc.wantSpec)
			}
			var flag Sample
			if err := flag.Set(got.String()); err != nil || flag != got {
				t.Errorf("Set(%q): got %+v, %v, want %+v", got.String(), flag, err, got)
			}
		})
	}
}

// mustParseSample is ParseSample for a spec a test knows is good.
func mustParseSample(t *testing.T, spec string) Sample {
	t.Helper()
	s, err := ParseSample(spec)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestApprox checks estimated distinct counts: close to the exact ones,
// over every row even when the rest comes from a sample, and key
// candidates and duplicate rows still exact over every row.
func TestApprox(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	tbl := enginetest.Load(t, db, enginetest.Fixture("customers.csv"), true)
	exact, err := Run(t.Context(), db, tbl, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// "": every row (a small source); "500": a sample table; "40%": a
	// share counted in the pass over every row.
	for _, sample := range []string{"", "500", "40%"} {
		res, err := Run(t.Context(), db, tbl, Options{Approx: true, Sample: mustParseSample(t, sample)})
		if err != nil {
			t.Fatal(err)
		}
		if res.SourceRows != exact.Rows || res.Sampled != sample {
			t.Errorf("sample %q: source rows %d, sampled %q", sample, res.SourceRows, res.Sampled)
		}
		for i, c := range res.Columns {
			// A key's count is exact (no two values share a hash); the
			// others are estimates.
			want := exact.Columns[i].Distinct
			key := slices.ContainsFunc(exact.KeyCandidates, func(k []string) bool { return len(k) == 1 && k[0] == c.Name })
			if c.DistinctApprox == key || c.Distinct != want && (key || math.Abs(float64(c.Distinct-want)) > 0.05*float64(want)+1) {
				t.Errorf("sample %q, %s: distinct %d (approx %v), exact %d (key %v)", sample, c.Name, c.Distinct, c.DistinctApprox, want, key)
			}
		}
		if !slices.EqualFunc(res.KeyCandidates, exact.KeyCandidates, slices.Equal) || res.DuplicateRows != exact.DuplicateRows {
			t.Errorf("sample %q: keys %v, duplicate rows %d; exact %v, %d", sample, res.KeyCandidates, res.DuplicateRows, exact.KeyCandidates, exact.DuplicateRows)
		}
	}

	// A column unique in a sample but not over every row is no key; nor
	// is one with a blank value (here a no-break space, which Go counts
	// as space) or a sentinel the sample may miss.
	if _, err := db.ExecContext(t.Context(), "CREATE TABLE approx_keys AS SELECT i::VARCHAR AS id, (i % 2900)::VARCHAR AS near, "+
		"CASE i WHEN 1234 THEN '\u00a0' ELSE i::VARCHAR END AS blank, CASE i WHEN 2345 THEN 'N/A' ELSE i::VARCHAR END AS sentinel FROM range(3000) t(i)"); err != nil {
		t.Fatal(err)
	}
	keys := &engine.Table{Name: "approx_keys", Account: source.Account{Source: "approx_keys", RowsLoaded: 3000,
		Columns: []source.Column{{Name: "id", Type: "VARCHAR"}, {Name: "near", Type: "VARCHAR"}, {Name: "blank", Type: "VARCHAR"}, {Name: "sentinel", Type: "VARCHAR"}}}}
	// Told apart by hash in the pass that reads every row, and by a
	// query when the hashes would not fit the memory budget.
	for _, budget := range []int64{0, 1} {
		for _, sample := range []Sample{{Rows: 50}, {Percent: 2}} {
			res, err := Run(t.Context(), db, keys, Options{Approx: true, Sample: sample, MemoryBudget: budget})
			if err != nil {
				t.Fatal(err)
			}
			if want := [][]string{{"id"}}; !slices.EqualFunc(res.KeyCandidates, want, slices.Equal) {
				t.Errorf("budget %d, sample %s: keys %v, want %v", budget, sample, res.KeyCandidates, want)
			}
			// The key's values all differ: counted exactly, whichever
			// way it was found.
			if id := res.Columns[0]; id.DistinctApprox || id.Distinct != 3000 || id.Uniqueness != 1 {
				t.Errorf("budget %d, sample %s: id has %d distinct values (approx %v, uniqueness %g), want 3000 exactly", budget, sample, id.Distinct, id.DistinctApprox, id.Uniqueness)
			}
		}
	}
}

// TestApproxInPass holds the columns an approximate profile counts in its
// pass over every row to an exact profile of the same rows: the rows
// whose values hash below the share, picked here by hand; and, when the
// sample would not fit the memory budget, to the exact profile of the
// same sample table.
func TestApproxInPass(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	path, err := synth.CachedFile(t.TempDir(), synth.Config{Rows: 30_000, Seed: 7, Mess: true})
	if err != nil {
		t.Fatal(err)
	}
	// Edge cases: a column all NULL, empty and long values, repeated
	// rows, non-ASCII text.
	if _, err := db.ExecContext(t.Context(), `CREATE TABLE inpass_edges AS SELECT CASE WHEN i % 7 = 0 THEN NULL ELSE (i % 13)::VARCHAR END AS a,
		NULL::VARCHAR AS b, CASE WHEN i % 3 = 0 THEN '' ELSE repeat('x', (i % 50)::INT) END AS c, 'é' || (i % 5)::VARCHAR AS d FROM range(6000) t(i)`); err != nil {
		t.Fatal(err)
	}
	edges := &engine.Table{Name: "inpass_edges", Account: source.Account{Source: "inpass_edges", RowsLoaded: 6000,
		Columns: []source.Column{{Name: "a", Type: "VARCHAR"}, {Name: "b", Type: "VARCHAR"}, {Name: "c", Type: "VARCHAR"}, {Name: "d", Type: "VARCHAR"}}}}
	for _, spec := range []string{enginetest.Fixture("customers.csv"), path, ""} {
		tbl := edges
		if spec != "" {
			tbl = enginetest.Load(t, db, spec, true)
		}
		for _, tc := range []struct {
			share   float64
			tooMuch bool // the sample would not fit in Go memory
		}{{5, false}, {30, false}, {30, true}} {
			share := tc.share
			opts := Options{Approx: true, Sample: Sample{Percent: share}}
			if tc.tooMuch {
				opts.passBytes = 1
			}
			got, err := Run(t.Context(), db, tbl, opts)
			if err != nil {
				t.Fatal(err)
			}
			var want *Result
			if !tc.tooMuch {
				ref := sampledByHand(t, db, tbl, share/100)
				want, err = Run(t.Context(), db, ref, Options{})
			} else {
				// The sample would not fit the budget in Go: it is a
				// sample table, as an exact profile's.
				want, err = Run(t.Context(), db, tbl, Options{Sample: Sample{Percent: share}})
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Rows != want.Rows || len(got.Columns) != len(want.Columns) {
				t.Fatalf("%s, %g%%: %d rows, %d columns; by hand %d, %d", spec, share, got.Rows, len(got.Columns), want.Rows, len(want.Columns))
			}
			for i, g := range got.Columns {
				w := want.Columns[i]
				// Distinct counts are estimated over every row.
				g.Distinct, g.DistinctApprox, g.Uniqueness, g.Methods = w.Distinct, w.DistinctApprox, w.Uniqueness, w.Methods
				if !reflect.DeepEqual(g, w) {
					t.Errorf("%s, %g%%, column %s: differs from the profile of the same rows:\n%+v\n%+v", spec, share, w.Name, g, w)
				}
			}
		}
	}
}

// sampledByHand copies into a table of its own the rows of t whose
// values hash (xxh3 a value, mixRow along the row) below share.
func sampledByHand(t *testing.T, db *engine.DB, tbl *engine.Table, share float64) *engine.Table {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), "SELECT rowid, "+columnList(tbl.Columns)+" FROM "+engine.Ident(tbl.Name))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	below := uint64(math.Ldexp(share, 64))
	var ids []string
	vals := make([]sql.NullString, len(tbl.Columns))
	ptrs := []any{new(int64)}
	for i := range vals {
		ptrs = append(ptrs, &vals[i])
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var h uint64
		for _, v := range vals {
			if v.Valid {
				h = mixRow(h, xxh3.HashString(v.String))
			} else {
				h = mixRow(h, nullHash)
			}
		}
		if h < below {
			ids = append(ids, strconv.FormatInt(*ptrs[0].(*int64), 10))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("%s_by_hand_%g", tbl.Name, share*100)
	if _, err := db.ExecContext(t.Context(), "CREATE TABLE "+engine.Ident(name)+" AS SELECT "+columnList(tbl.Columns)+" FROM "+engine.Ident(tbl.Name)+
		" WHERE rowid IN ("+strings.Join(append(ids, "-1"), ", ")+")"); err != nil {
		t.Fatal(err)
	}
	return &engine.Table{Name: name, Account: source.Account{Source: name, Columns: tbl.Columns, RowsLoaded: int64(len(ids))}}
}

// TestEach counts values by hash and text: values that share a hash
// (given here by hand) are counted apart, each value once.
func TestEach(t *testing.T) {
	t.Parallel()
	vals := []hashed{{1, "x"}, {1, "y"}, {2, "z"}, {1, "x"}, {1, "y"}, {3, "w"}, {1, "x"}, {2, "z"}}
	got := map[string]int64{}
	each(vals, func(v string, n int64) {
		if _, twice := got[v]; twice {
			t.Errorf("%q handed over twice", v)
		}
		got[v] = n
	})
	if want := map[string]int64{"x": 3, "y": 2, "z": 2, "w": 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("counts %v, want %v", got, want)
	}
}
