package report

import (
	"bytes"
	"html"
	"strings"
	"testing"

	"github.com/plumb-data/plumb/result"
)

// TestDedupeWarnings: every format shows each warning and marks the m of
// untrained fields, and only theirs.
func TestDedupeWarnings(t *testing.T) {
	t.Parallel()
	r := fromGolden[result.Dedupe](t, "dedupe_people.json")
	r.Warnings = []result.DedupeWarning{
		{Kind: result.WarnFewMatches, Rule: 2, Matches: 3, Message: "blocking rule 2 (phone): EM took 3.0 of its 1,072 candidate pairs for matches"},
		{Kind: result.WarnMatchesDisagree, Fields: []string{"first_name"}, Message: "the pairs EM took for matches mostly disagree on first_name (m far 0.94)"},
		{Kind: result.WarnUntrained, Fields: []string{"email"}, Message: "m of email never trained"},
	}
	for i := range r.Model {
		r.Model[i].Trained = r.Model[i].Column != "email"
	}
	tests := []struct {
		format string
		// marks is how many times the format marks an untrained m: once
		// per level row of email (exact, far), plus any legend.
		mark  string
		marks int
	}{
		{"text", "m untrained", 2},
		{"markdown", "(untrained)", 2},
		{"html", ">untrained</span>", 2},
		{"json", `"trained": false`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			rd, err := New(tt.format)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := rd.Dedupe(&b, r); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			if tt.format == "html" {
				out = html.UnescapeString(out)
			}
			for _, w := range r.Warnings {
				if !strings.Contains(out, w.Message) {
					t.Errorf("no warning %q in\n%s", w.Message, out)
				}
			}
			if got := strings.Count(out, tt.mark); got != tt.marks {
				t.Errorf("%q appears %d times, want %d", tt.mark, got, tt.marks)
			}
		})
	}
}
