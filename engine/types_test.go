package engine

import "testing"

func TestClassify(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		typ  string
		want TypeClass
	}{
		{"VARCHAR", ClassText}, {"uuid", ClassText}, {"ENUM('a', 'b')", ClassText},
		{"BIGINT", ClassInteger}, {"UHUGEINT", ClassInteger}, {"HUGEINT", ClassInteger}, {"UTINYINT", ClassInteger},
		{"DOUBLE", ClassFloat}, {"FLOAT", ClassFloat},
		{"DECIMAL(12,2)", ClassDecimal}, {"DECIMAL(38, 6)", ClassDecimal},
		{"BOOLEAN", ClassBoolean}, {"DATE", ClassDate},
		{"TIMESTAMP", ClassTimestamp}, {"TIMESTAMP WITH TIME ZONE", ClassTimestamp}, {"TIMESTAMP_NS", ClassTimestamp},
		{"TIME", ClassTime}, {"INTERVAL", ClassInterval}, {"BLOB", ClassBlob},
		{"VARCHAR[]", ClassNested}, {"STRUCT(a INTEGER)", ClassNested}, {"MAP(VARCHAR, INTEGER)", ClassNested},
		{"GEOMETRY", ClassOther},
	} {
		if got := Classify(tc.typ); got != tc.want {
			t.Errorf("Classify(%q) = %v, want %v", tc.typ, got, tc.want)
		}
	}
	if !ClassDecimal.IsNumeric() || ClassText.IsNumeric() || !ClassDate.IsTemporal() || ClassInteger.IsTemporal() {
		t.Error("IsNumeric/IsTemporal disagree with the classes")
	}
}
