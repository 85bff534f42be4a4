//go:build duckdb_arrow

package dbdiff

import (
	"reflect"
	"strings"
	"testing"
)

func TestCoalesce(t *testing.T) {
	b := func(s string) bound { return bound{s} }
	for _, tc := range []struct {
		name string
		in   []segment
		want []segment
	}{
		{"adjacent join", []segment{{nil, b("3")}, {b("3"), b("7")}, {b("9"), nil}}, []segment{{nil, b("7")}, {b("9"), nil}}},
		{"open ends stay", []segment{{nil, nil}}, []segment{{nil, nil}}},
		{"gap kept", []segment{{b("1"), b("2")}, {b("3"), b("4")}}, []segment{{b("1"), b("2")}, {b("3"), b("4")}}},
		{"none", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := coalesce(tc.in); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSubSegments(t *testing.T) {
	seg := segment{lo: bound{"a"}, hi: bound{"z"}}
	got := subSegments(seg, []bound{{"b"}, {"k"}, {"q"}})
	want := []segment{{bound{"a"}, bound{"k"}}, {bound{"k"}, bound{"q"}}, {bound{"q"}, bound{"z"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestKeyKindOf(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want keyKind
	}{
		{"BIGINT", "INTEGER", keyInt},
		{"BIGINT", "DECIMAL(12,0)", keyDecimal},
		{"VARCHAR", "UUID", keyText},
		{"TIMESTAMP WITH TIME ZONE", "TIMESTAMP", keyTime},
		{"DATE", "DATE", keyTime},
		{"DATE", "TIMESTAMP", keyNone},
		{"DOUBLE", "DOUBLE", keyNone},
		{"BIGINT", "VARCHAR", keyNone},
		{"BOOLEAN", "BOOLEAN", keyNone},
	} {
		if got := keyKindOf(tc.a, tc.b); got != tc.want {
			t.Errorf("%s beside %s: got %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestCutsAreChecked: a value a database returned is pasted into SQL only
// when it is what its kind writes.
func TestCutsAreChecked(t *testing.T) {
	for _, tc := range []struct {
		v  string
		k  keyKind
		ok bool
	}{
		{"-12", keyInt, true}, {"12.50", keyDecimal, true}, {"1; DROP TABLE t", keyInt, false}, {"1e5", keyDecimal, false},
		{"2024-01-02 03:04:05.123456", keyTime, true}, {"2024-01-02", keyTime, true}, {"2024-01-02' OR '1", keyTime, false},
		{"anything ' goes", keyText, true},
	} {
		if err := checkCut(tc.v, tc.k); (err == nil) != tc.ok {
			t.Errorf("%q as %d: got %v, want ok %v", tc.v, tc.k, err, tc.ok)
		}
	}
}

// TestTextLiterals: text keys reach each database as literals that hold
// any text (quotes, backslashes) as itself.
func TestTextLiterals(t *testing.T) {
	v := `o'neil \ "x"`
	if got, want := (postgres{}).literal(v, "VARCHAR", keyText), `E'o\'neil \\ "x"'`; got != want {
		t.Errorf("postgres: got %s, want %s", got, want)
	}
	if got, want := (mysql{}).literal(v, "VARCHAR", keyText), "X'6f276e65696c205c20227822'"; got != want {
		t.Errorf("mysql: got %s, want %s", got, want)
	}
	if got := (duckdb{}).literal(v, "VARCHAR", keyText); got != `'o''neil \ "x"'` {
		t.Errorf("duckdb: got %s", got)
	}
}

// TestCompoundComparison: a compound key compares part by part.
func TestCompoundComparison(t *testing.T) {
	s := &side{d: postgres{}, keys: []string{"a", "b"}, types: []string{"BIGINT", "VARCHAR"}, kinds: []keyKind{keyInt, keyText}}
	got := s.cmp(bound{"5", "x"}, ">=")
	want := `(q."a" > 5 OR (q."a" = 5 AND ((q."b")::text COLLATE "C") >= E'x'))`
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if p := s.pred(segment{hi: bound{"5", "x"}}); !strings.HasPrefix(p, `q."a" IS NOT NULL AND q."b" IS NOT NULL AND `) {
		t.Errorf("a segment leaves NULL keys out: %s", p)
	}
}

func TestParseStrategy(t *testing.T) {
	for in, want := range map[string]Strategy{"": Auto, "BISECT": Bisect, " merge ": Merge, "pull": Pull} {
		if got, err := ParseStrategy(in); err != nil || got != want {
			t.Errorf("%q: got %s, %v, want %s", in, got, err, want)
		}
	}
	if _, err := ParseStrategy("hash"); err == nil {
		t.Error("hash: want an error")
	}
}
