//go:build duckdb_arrow

package reconcile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/internal/enginetest"
)

// writeFile writes a file of lines into dir and returns its path.
func writeFile(t *testing.T, dir, name string, lines ...string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// column finds a compared column of a result.
func column(t *testing.T, r *Result, name string) Column {
	t.Helper()
	for _, c := range r.Columns {
		if c.Column == name {
			return c
		}
	}
	t.Fatalf("no column %s in %+v", name, r.Columns)
	return Column{}
}

func TestReadings(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	for _, tt := range []struct {
		value string
		rd    reading
		typ   string
		want  bool
	}{
		{"123", readInteger, "BIGINT", true},
		{"-7", readInteger, "BIGINT", true},
		{"0", readInteger, "BIGINT", true},
		{"00123", readInteger, "BIGINT", false},
		{"1.0", readInteger, "BIGINT", false},
		{" 12", readInteger, "BIGINT", false},
		{"300", readInteger, "TINYINT", false},
		{"99999999999999999999", readInteger, "BIGINT", false},
		{"1.50", readNumber, "DOUBLE", true},
		{"-0.5", readNumber, "DOUBLE", true},
		{"1e3", readNumber, "DOUBLE", true},
		{"00123", readNumber, "DOUBLE", false},
		{"1,000", readNumber, "DOUBLE", false},
		{".5", readNumber, "DOUBLE", false},
		{"NaN", readNumber, "DOUBLE", false},
		{"2024-01-02", readDate, "DATE", true},
		{"2024-02-30", readDate, "DATE", false},
		{"2024-1-2", readDate, "DATE", false},
		{"01/02/2024", readDate, "DATE", false},
		{"2024-01-02 10:00:00", readDate, "DATE", false},
		{"2024-01-02 10:00:00", readTimestamp, "TIMESTAMP", true},
		{"2024-01-02T10:00:00.123", readTimestamp, "TIMESTAMP", true},
		{"2024-01-02", readTimestamp, "TIMESTAMP", true},
		{"2024-01-02 10:00:00+02:00", readTimestamp, "TIMESTAMP", false},
		{"2024-01-02 10:00:00+02:00", readTimestampTZ, "TIMESTAMP WITH TIME ZONE", true},
		{"2024-01-02T10:00:00Z", readTimestampTZ, "TIMESTAMP WITH TIME ZONE", true},
		{"true", readBoolean, "BOOLEAN", true},
		{"FALSE", readBoolean, "BOOLEAN", true},
		{"Y", readBoolean, "BOOLEAN", false},
		{"yes", readBoolean, "BOOLEAN", false},
		{"1", readBoolean, "BOOLEAN", false},
	} {
		var got bool
		if err := db.QueryRowContext(t.Context(), "SELECT coalesce("+tt.rd.reads(engine.Literal(tt.value), tt.typ)+", false)").Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("%q reads as %s: got %t, want %t", tt.value, tt.typ, got, tt.want)
		}
	}
}

// TestTextComparedAsWritten diffs pairs of CSV files loaded as written:
// values that a typed read would make equal (a sample's types, leading
// zeros, number formats) differ, unless a tolerance asks for numbers.
func TestTextComparedAsWritten(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	dir := t.TempDir()
	exact := map[string]Tolerance{"v": {}}
	for i, tt := range []struct {
		name       string
		src, tgt   []string
		opts       Options
		as         Comparison
		mismatches int64
	}{
		{"leading zeros", []string{"00123", "7"}, []string{"123", "7"}, Options{}, AsText, 1},
		{"number formats", []string{"1.50", "2"}, []string{"1.5", "2.0"}, Options{}, AsText, 2},
		{"dates in two formats", []string{"2024-01-02"}, []string{"01/02/2024"}, Options{}, AsText, 1},
		{"booleans", []string{"Y", "true"}, []string{"yes", "TRUE"}, Options{}, AsText, 2},
		{"a tolerance of its own reads numbers", []string{"1.50", "2", "n/a"}, []string{"1.5", "2.0", "n/a"}, Options{PerColumn: exact}, AsNumberOrText, 0},
		{"exact numbers still differ", []string{"1.50", "2"}, []string{"1.51", "2.0"}, Options{PerColumn: exact}, AsNumber, 1},
		{"leading zeros read as numbers when asked", []string{"00123"}, []string{"123"}, Options{PerColumn: exact}, AsNumberOrText, 0},
		{"the default tolerance, on numbers", []string{"1.50", "2"}, []string{"1.5", "2.001"}, Options{Tolerance: Tolerance{Abs: 0.01}}, AsNumber, 0},
		{"the default tolerance passes codes by", []string{"00123", "7"}, []string{"123", "7"}, Options{Tolerance: Tolerance{Abs: 0.01}}, AsText, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			lines := func(vals []string) []string {
				out := []string{"id,v"}
				for j, v := range vals {
					out = append(out, fmt.Sprintf("%d,%s", j+1, v))
				}
				return out
			}
			src := enginetest.Load(t, db, writeFile(t, dir, fmt.Sprintf("s%d.csv", i), lines(tt.src)...), true)
			tgt := enginetest.Load(t, db, writeFile(t, dir, fmt.Sprintf("t%d.csv", i), lines(tt.tgt)...), true)
			tt.opts.Keys = keys("id")
			r := diff(t, db, src, tgt, tt.opts)
			c := column(t, r, "v")
			if c.ComparedAs != tt.as || c.Mismatches != tt.mismatches {
				t.Errorf("got %s with %d mismatches, want %s with %d", c.ComparedAs, c.Mismatches, tt.as, tt.mismatches)
			}
			if r.Equal != (tt.mismatches == 0) {
				t.Errorf("equal %t with %d mismatches", r.Equal, tt.mismatches)
			}
		})
	}
}

// TestSampleTypesDoNotHideRows is the case: integer codes, then
// codes a typed read would reject (ABC) or rewrite (00123).
func TestSampleTypesDoNotHideRows(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	dir := t.TempDir()
	file := func(name, last string) *engine.Table {
		lines := []string{"id,code"}
		for i := range 30000 {
			lines = append(lines, fmt.Sprintf("%d,%d", i, i))
		}
		lines = append(lines, "30000,ABC", "30001,"+last)
		return enginetest.Load(t, db, writeFile(t, dir, name, lines...), true)
	}
	src, tgt := file("a.csv", "00123"), file("b.csv", "123")
	for _, opts := range []Options{{Keys: keys("id")}, {}} {
		r := diff(t, db, src, tgt, opts)
		if r.Equal || r.SourceRows != 30002 || r.SourceRejected != 0 {
			t.Errorf("%s: equal %t, %d rows, %d rejected; want different, 30,002 rows, none rejected", r.Mode, r.Equal, r.SourceRows, r.SourceRejected)
		}
	}
}

// TestTextBesideTypes diffs typed Parquet columns with text: the text is
// read as the column's type only when every value of it reads as one.
func TestTextBesideTypes(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	dir := t.TempDir()
	typed := filepath.Join(dir, "typed.parquet")
	if err := db.WriteQuery(t.Context(), "SELECT * FROM (VALUES (1, 1.5::DOUBLE, 123::BIGINT, DATE '2024-01-02', true, 1.25::DECIMAL(10,2)), "+
		"(2, 2.0, 124, DATE '2024-01-03', false, 2.50)) t(id, x, code, d, b, dec)", typed); err != nil {
		t.Fatal(err)
	}
	src := enginetest.Load(t, db, typed, false)
	for i, tt := range []struct {
		name       string
		rows       []string
		opts       Options
		col        string
		as         Comparison
		mismatches int64
		note       string
	}{
		{"plain numbers read as DOUBLE", []string{"1,1.50,123,2024-01-02,true,1.25", "2,2,124,2024-01-03,false,2.5"}, Options{}, "x", AsNumber, 0, ""},
		{"plain integers read as BIGINT", []string{"1,1.50,123,2024-01-02,true,1.25", "2,2,124,2024-01-03,false,2.5"}, Options{}, "code", AsNumber, 0, ""},
		{"text beside DECIMAL is not rounded", []string{"1,1.5,123,2024-01-02,true,1.251", "2,2,124,2024-01-03,false,2.50"}, Options{}, "dec", AsNumber, 1, ""},
		{"ISO dates read as DATE", []string{"1,1.5,123,2024-01-02,true,1.25", "2,2,124,2024-01-03,false,2.5"}, Options{}, "d", AsTemporal, 0, ""},
		{"true and false read as BOOLEAN", []string{"1,1.5,123,2024-01-02,TRUE,1.25", "2,2,124,2024-01-03,false,2.5"}, Options{}, "b", AsBoolean, 0, ""},
		{"a leading zero keeps the column text", []string{"1,1.5,00123,2024-01-02,true,1.25", "2,2,124,2024-01-03,false,2.5"}, Options{}, "code", AsText, 1,
			`1 value of the target does not read as BIGINT, e.g. "00123"`},
		{"a tolerance of its own reads numbers", []string{"1,1.5,00123,2024-01-02,true,1.25", "2,2,124,2024-01-03,false,2.5"},
			Options{PerColumn: map[string]Tolerance{"code": {}}}, "code", AsNumberOrText, 0, `1 value of the target does not read as BIGINT, e.g. "00123"`},
		{"another date format keeps the column text", []string{"1,1.5,123,2024-01-02,true,1.25", "2,2,124,01/03/2024,false,2.5"}, Options{}, "d", AsText, 1,
			`1 value of the target does not read as DATE, e.g. "01/03/2024"`},
		{"Y is not true", []string{"1,1.5,123,2024-01-02,Y,1.25", "2,2,124,2024-01-03,false,2.5"}, Options{}, "b", AsText, 1,
			`1 value of the target does not read as BOOLEAN, e.g. "Y"`},
		{"a filter leaves out what does not read", []string{"1,1.5,123,2024-01-02,true,1.25", "2,2,124,2024-01-03,false,2.5", "3,x,x,x,x,x"},
			Options{TargetWhere: "id < 3"}, "x", AsNumber, 0, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tgt := enginetest.Load(t, db, writeFile(t, dir, fmt.Sprintf("t%d.csv", i), append([]string{"id,x,code,d,b,dec"}, tt.rows...)...), true)
			tt.opts.Keys = keys("id")
			r := diff(t, db, src, tgt, tt.opts)
			c := column(t, r, tt.col)
			if c.ComparedAs != tt.as || c.Mismatches != tt.mismatches {
				t.Errorf("got %s with %d mismatches, want %s with %d", c.ComparedAs, c.Mismatches, tt.as, tt.mismatches)
			}
			for _, td := range r.TypeDifferences {
				if td.Column == tt.col && td.Note != tt.note {
					t.Errorf("note: got %q, want %q", td.Note, tt.note)
				}
			}
			if r.Matched != 2 {
				t.Errorf("matched %d, want 2", r.Matched)
			}
		})
	}
}

// TestFiltersSeeWholeColumnTypes: the user's SQL sees a column of text
// typed when every value of it reads as one type, the text otherwise,
// and all of it as text with SQLSeesText.
func TestFiltersSeeWholeColumnTypes(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	src, tgt := load(t, db, "diff/source.csv", true), load(t, db, "diff/target.csv", true)
	r := diff(t, db, src, tgt, Options{Keys: keys("id"), Where: "id < 5 AND joined >= DATE '2024-01-02'", Columns: []string{"status"}})
	if !r.Equal || r.Matched != 3 {
		t.Errorf("got equal %t, %d matched; want equal, 3", r.Equal, r.Matched)
	}
	if c := column(t, r, "status"); c.ComparedAs != AsText {
		t.Errorf("status compared as %s, want text", c.ComparedAs)
	}
	// name is text: a filter compares it with text.
	r = diff(t, db, src, tgt, Options{Keys: keys("id"), Where: "name = 'Dan'", Columns: []string{"joined"}})
	if r.Matched != 1 || r.Changed != 1 {
		t.Errorf("got %d matched, %d changed; want 1, 1", r.Matched, r.Changed)
	}
	if _, err := Run(t.Context(), db, src, tgt, Options{Keys: keys("id"), Where: "id < 5", SQLSeesText: true}); err == nil {
		t.Error("a filter comparing text with a number ran with SQLSeesText")
	}
}

func TestRejectedRows(t *testing.T) {
	t.Parallel()
	db := enginetest.Open(t)
	dir := t.TempDir()
	src := enginetest.Load(t, db, writeFile(t, dir, "a.csv", "id,v", "1,a", "2,b,extra", "3,c", "4,d,e,f"), true)
	tgt := enginetest.Load(t, db, writeFile(t, dir, "b.csv", "id,v", "1,a", "3,c"), true)
	for _, tt := range []struct {
		name    string
		opts    Options
		samples int
	}{
		{"samples", Options{Keys: keys("id")}, 2},
		{"one sample", Options{Keys: keys("id"), Samples: 1}, 1},
		{"no samples", Options{Samples: -1}, 0},
		{"allowed", Options{AllowRejects: true}, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := diff(t, db, src, tgt, tt.opts)
			if r.Equal || !r.LoadedEqual || r.SourceRejected != 2 || r.TargetRejected != 0 || r.RejectsAllowed != tt.opts.AllowRejects {
				t.Errorf("got equal %t, loaded equal %t, rejected %d/%d, allowed %t; want false, true, 2/0, %t",
					r.Equal, r.LoadedEqual, r.SourceRejected, r.TargetRejected, r.RejectsAllowed, tt.opts.AllowRejects)
			}
			if len(r.SourceRejectedSamples) != tt.samples || len(r.TargetRejectedSamples) != 0 {
				t.Fatalf("got %d and %d samples, want %d and 0", len(r.SourceRejectedSamples), len(r.TargetRejectedSamples), tt.samples)
			}
			if tt.samples > 0 {
				if x := r.SourceRejectedSamples[0]; x.Line != 3 || x.Text != "2,b,extra" || x.Reason == "" {
					t.Errorf("first sample: got %+v, want line 3, 2,b,extra and a reason", x)
				}
			}
		})
	}
}
