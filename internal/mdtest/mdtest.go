// Package mdtest helps tests read the Markdown plumb writes. Only tests
// import it.
package mdtest

import "strings"

// OutsideCodeSpans is a Markdown line without its code spans: a run of n
// backticks up to the next run of exactly n is left out. What remains is
// what a Markdown renderer would read as text (and raw HTML).
func OutsideCodeSpans(line string) string {
	var b strings.Builder
	for i := 0; i < len(line); {
		if line[i] != '`' {
			b.WriteByte(line[i])
			i++
			continue
		}
		n := 0
		for i+n < len(line) && line[i+n] == '`' {
			n++
		}
		j, closed := i+n, false
		for j < len(line) {
			if line[j] != '`' {
				j++
				continue
			}
			m := 0
			for j+m < len(line) && line[j+m] == '`' {
				m++
			}
			j += m
			if m == n {
				closed = true
				break
			}
		}
		if !closed {
			b.WriteString(line[i:])
			break
		}
		i = j
	}
	return b.String()
}
