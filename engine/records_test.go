//go:build duckdb_arrow

package engine

import (
	"fmt"
	"strings"
	"testing"
)

// splitAll splits text as a header-first CSV and describes each record
// as "line:fault:text".
func splitAll(t *testing.T, text string, maxLine int64) []string {
	t.Helper()
	s := &recordSplitter{recordScanner: recordScanner{header: true, delim: ',', quote: '"', escape: '"', nl: '\n'}, maxLine: maxLine}
	var out []string
	keep := func(int64) bool { return true }
	err := s.split(t.Context(), strings.NewReader(text), keep, func(r *record) error {
		out = append(out, fmt.Sprintf("%d:%s:%s", r.line, r.fault, r.text))
		if int64(len(r.text)) != r.end-r.offset {
			t.Errorf("record at line %d: text %q is not bytes %d to %d", r.line, r.text, r.offset, r.end)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRecordSplitter(t *testing.T) {
	long := strings.Repeat("x", 300)
	tests := []struct {
		name, text string
		maxLine    int64
		want       []string
	}{
		{name: "crlf", text: "a,b\r\n1,x,E1\r\n2,y,E2\r\n3,z\r\n", want: []string{"2::1,x,E1", "3::2,y,E2", "4::3,z"}},
		{name: "blank lines", text: "a,b\n1,x\n\n\n2,y,EXTRA\n3,z\n", want: []string{"2::1,x", "5::2,y,EXTRA", "6::3,z"}},
		{name: "quoted newline", text: "a,b\n1,\"x\ny\"\n2,z", want: []string{"2::1,\"x\ny\"", "4::2,z"}},
		{name: "bad quote on a later line", text: "id,name,city\n1,\"Smith, John\",Boston\n3,\"Broken,Chicago\n4,\"Lee, Ann\",LA\n",
			want: []string{"2::1,\"Smith, John\",Boston", "3:UNQUOTED VALUE:3,\"Broken,Chicago", "4::4,\"Lee, Ann\",LA"}},
		{name: "bad quote on its line", text: "a,b\n1,\"abc\"def\n2,ok\n", want: []string{"2:UNQUOTED VALUE:1,\"abc\"def", "3::2,ok"}},
		{name: "unterminated to the end", text: "a,b\n1,x\n2,\"oops\n3,y\n4,z\n",
			want: []string{"2::1,x", "3:UNTERMINATED QUOTE:2,\"oops", "4::3,y", "5::4,z"}},
		{name: "unterminated last line", text: "a,b\n1,x\n2,\"oops", want: []string{"2::1,x", "3:UNTERMINATED QUOTE:2,\"oops"}},
		{name: "too long", maxLine: 100, text: "a,b\n1," + long + "\n2,y\n", want: []string{"2:LINE TOO LONG:1," + long, "3::2,y"}},
		{name: "quote mid-field is text", text: "a,b\n1,ab\"c\n", want: []string{"2::1,ab\"c"}},
		{name: "quote after spaces", text: "a,b\n1, \"x\"\n2,y\n", want: []string{"2:UNQUOTED VALUE:1, \"x\"", "3::2,y"}},
		{name: "quote closing at the end of the file", text: "a,b\n1,\"x\ny\"", want: []string{"2::1,\"x\ny\""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := splitAll(t, tt.text, tt.maxLine)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestRecordSplitterExtraFields: with maxFields, a record whose fields
// past it are all empty is broken (DuckDB would drop them silently); one
// with a value there is left to DuckDB to reject.
func TestRecordSplitterExtraFields(t *testing.T) {
	for _, tt := range []struct {
		text, want string
		lenient    bool
	}{
		{text: "1,2\n", want: ""},
		{text: "1,2,\n", want: faultTooMany},
		{text: "1,2,,\r\n", want: faultTooMany},
		{text: "1,\"2\",\n", want: faultTooMany},
		{text: "1,2,3\n", want: ""},
		{text: "1,2,,3\n", want: ""},
		{text: "1,2,3\n", want: faultTooMany, lenient: true},
	} {
		s := &recordSplitter{recordScanner: recordScanner{delim: ',', quote: '"', escape: '"', nl: '\n'}, fields: true, maxFields: 2, lenient: tt.lenient}
		var got string
		err := s.split(t.Context(), strings.NewReader(tt.text), nil, func(r *record) error {
			got = r.fault
			return nil
		})
		if err != nil || got != tt.want {
			t.Errorf("%q (lenient %t): got fault %q, %v; want %q", tt.text, tt.lenient, got, err, tt.want)
		}
	}
}
