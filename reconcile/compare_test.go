//go:build duckdb_arrow

package reconcile

import "testing"

func TestCompareClass(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		a, b string
		want Comparison
	}{
		{"BIGINT", "DOUBLE", AsNumber},
		{"UHUGEINT", "DECIMAL(38,0)", AsNumber},
		{"DECIMAL(12,2)", "VARCHAR", AsNumberOrText},
		{"DATE", "TIMESTAMP_MS", AsTemporal},
		{"TIMESTAMP WITH TIME ZONE", "VARCHAR", AsTemporalOrText},
		{"BOOLEAN", "BOOLEAN", AsBoolean},
		{"BOOLEAN", "VARCHAR", AsText},
		{"VARCHAR", "VARCHAR", AsText},
		{"UUID", "VARCHAR", AsText},
		{"INTERVAL", "INTERVAL", AsOther},
		{"BLOB", "VARCHAR", AsText},
	} {
		if got := compareClass(tt.a, tt.b); got != tt.want {
			t.Errorf("compareClass(%s, %s): got %s, want %s", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestExactIntegers checks that every integer type, UHUGEINT included,
// compares exactly when there is no tolerance, not through DOUBLE.
func TestExactIntegers(t *testing.T) {
	t.Parallel()
	for _, typ := range []string{"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"} {
		r := &runner{cols: []compared{{srcType: typ, tgtType: "BIGINT", comparedAs: AsNumber}}}
		if got, want := r.differs(0), "s.v0 IS DISTINCT FROM t.v0"; got != want {
			t.Errorf("%s: got %s, want %s", typ, got, want)
		}
	}
}

func TestJoinsAsText(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"BIGINT", "INTEGER", false},
		{"VARCHAR", "VARCHAR", false},
		{"BIGINT", "VARCHAR", true},
		{"UUID", "VARCHAR", true},
		{"DATE", "TIMESTAMP", false},
	} {
		if got := joinsAsText(compared{srcType: tt.a, tgtType: tt.b}); got != tt.want {
			t.Errorf("joinsAsText(%s, %s): got %t, want %t", tt.a, tt.b, got, tt.want)
		}
	}
}
