//go:build duckdb_arrow

package engine

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
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
			want: []string{"2::1,\"Smith, John\",Boston", "3:UNTERMINATED QUOTE:3,\"Broken,Chicago", "4::4,\"Lee, Ann\",LA"}},
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

// TestSplitSome checks that the records a second pass finds by seeking
// to marks are those a split of the whole file gives, with the same
// lines, offsets and bytes, on generated files (quotes, broken quotes,
// CRLF and mixed endings, BOMs, blank lines) and any choice of records.
func TestSplitSome(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 11))
	dir := t.TempDir()
	for k := range 300 {
		content := genCSV(rng, 1+rng.IntN(4), true)
		for range rng.IntN(40) { // enough records for several marks at a small spacing
			content = append(content, genCSV(rng, 3, false)...)
		}
		path := filepath.Join(dir, fmt.Sprintf("f%d.csv", k))
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
		s := &recordSplitter{recordScanner: recordScanner{header: true, delim: ',', quote: '"', escape: '"', nl: '\n'}, maxLine: 64, fields: true}
		every := int64(1 + rng.IntN(5))
		var all []string
		var marks []mark
		err := splitFile(t.Context(), path, s, func(int64) bool { return true }, func(r *record) error {
			all = append(all, describe(r))
			if r.index%every == 0 {
				marks = append(marks, markOf(r))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var want []int64
		for i := range int64(len(all)) {
			if rng.IntN(4) == 0 {
				want = append(want, i)
			}
		}
		var got []string
		if err := splitSome(t.Context(), path, s, marks, want, func(r *record) error {
			got = append(got, describe(r))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		var expect []string
		for _, i := range want {
			expect = append(expect, all[i])
		}
		if !slices.Equal(got, expect) {
			t.Fatalf("file %d (%q), marks every %d, records %v:\n got %q\nwant %q", k, content, every, want, got, expect)
		}
	}
}

func describe(r *record) string {
	return fmt.Sprintf("%d@%d:%d-%d/%d-%d:%d:%s:%q", r.index, r.line, r.offset, r.end, r.dstart, r.dend, r.fields, r.fault, r.text)
}
