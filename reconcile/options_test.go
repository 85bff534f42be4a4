package reconcile

import (
	"errors"
	"strings"
	"testing"
)

func TestParseTolerance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		col     string
		tol     Tolerance
		wantErr bool
	}{
		{in: "0.001", tol: Tolerance{Abs: 0.001}},
		{in: "balance=0.01", col: "balance", tol: Tolerance{Abs: 0.01}},
		{in: "balance=0.1%", col: "balance", tol: Tolerance{Rel: 0.001}},
		{in: "5%", tol: Tolerance{Rel: 0.05}},
		{in: "x=-1", wantErr: true}, {in: "=1", wantErr: true}, {in: "abc", wantErr: true}, {in: "x=NaN", wantErr: true},
	}
	for _, tt := range tests {
		col, tol, err := ParseTolerance(tt.in)
		if (err != nil) != tt.wantErr || col != tt.col || tol != tt.tol {
			t.Errorf("ParseTolerance(%q) = %q, %+v, %v", tt.in, col, tol, err)
		}
	}
}

func TestParseMapping(t *testing.T) {
	t.Parallel()
	good := "Source_Field,target_field,transformation,notes\nid,cust_id,,key\nname,full_name,\"first || ' ' || last\",x\n\n"
	m, err := ParseMapping(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 2 || m[0] != (Pair{Source: "id", Target: "cust_id"}) || m[1] != (Pair{Source: "first || ' ' || last", Target: "full_name", Expr: true, Field: "name"}) {
		t.Errorf("got %+v", m)
	}
	for _, tt := range []struct {
		in   string
		line int
		want string
	}{
		{"", 1, "empty mapping"},
		{"source_field,target_field\n", 1, "lacks transformation"},
		{"source_field,transformation,target_field\na,,x\nb,,X\n", 3, "mapped twice"},
		{"source_field,transformation,target_field\na,,\n", 2, "target_field is empty"},
		{"source_field,transformation,target_field\n,,x\n", 2, "neither"},
		{"source_field,transformation,target_field\na,\"unclosed,x\n", 2, "quote"},
		{"source_field,transformation,target_field\n", 1, "no rows"},
	} {
		_, err := ParseMapping(strings.NewReader(tt.in))
		var me *MappingError
		if !errors.As(err, &me) || me.Line != tt.line || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseMapping(%q): got %v, want line %d and %q", tt.in, err, tt.line, tt.want)
		}
	}
}

func FuzzParseMapping(f *testing.F) {
	f.Add("source_field,transformation,target_field\nid,,cust_id\n")
	f.Add("source_field,transformation,target_field\na,\"lower(x)\",b\n")
	f.Add("x\n\"")
	f.Fuzz(func(t *testing.T, in string) {
		m, err := ParseMapping(strings.NewReader(in))
		if err != nil {
			var me *MappingError
			if !errors.As(err, &me) || me.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, p := range m {
			if p.Target == "" || p.Source == "" || seen[strings.ToLower(p.Target)] {
				t.Fatalf("bad pair %+v in %+v", p, m)
			}
			seen[strings.ToLower(p.Target)] = true
		}
	})
}

func FuzzParseTolerance(f *testing.F) {
	for _, s := range []string{"0.01", "a=1%", "=", "x=1e400", "b=-0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, tol, err := ParseTolerance(s)
		if err == nil && (tol.Abs < 0 || tol.Rel < 0 || (tol.Abs > 0 && tol.Rel > 0)) {
			t.Fatalf("ParseTolerance(%q) = %+v", s, tol)
		}
	})
}
