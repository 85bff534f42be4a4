//go:build duckdb_arrow

package dedupe

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/plumb-data/plumb/internal/enginetest"
	"github.com/plumb-data/plumb/internal/synth"
)

// households writes a voter-file-like CSV: households of one to four
// people who share a last name, a street, a zip and often a phone, with
// different first names and birth dates, and dups true duplicates (a
// record entered again with a typo in its first name).
func households(r *rand.Rand, n, dups int) []byte {
	firsts := strings.Fields("mary james linda robert susan michael karen david nancy william lisa joseph betty thomas sandra charles ashley daniel emily matthew")
	lasts := strings.Fields("smith johnson williams brown jones garcia miller davis wilson moore taylor anderson thomas jackson white harris martin thompson lee walker")
	var b bytes.Buffer
	b.WriteString("voter_id,first_name,last_name,street,zip,phone,birth_date,entity\n")
	id := 0
	var people [][]string
	for h := range n {
		last, zip := lasts[r.IntN(len(lasts))], fmt.Sprintf("%05d", 27000+r.IntN(900))
		street := fmt.Sprintf("%d %s st", 1+r.IntN(9999), lasts[r.IntN(len(lasts))])
		phone := fmt.Sprintf("919%07d", r.IntN(10_000_000))
		for _, first := range slices.Clone(firsts)[:1+r.IntN(4)] {
			first = firsts[(h+len(first)+r.IntN(len(firsts)))%len(firsts)]
			birth := fmt.Sprintf("%02d/%02d/%d", 1+r.IntN(12), 1+r.IntN(28), 1930+r.IntN(75))
			id++
			p := []string{fmt.Sprint(id), first, last, street, zip, phone, birth, fmt.Sprint(id)}
			people = append(people, p)
		}
	}
	for range dups {
		p := slices.Clone(people[r.IntN(len(people))])
		id++
		p[0], p[1] = fmt.Sprint(id), p[1][:len(p[1])-1]
		people = append(people, p)
	}
	for _, p := range people {
		b.WriteString(strings.Join(p, ",") + "\n")
	}
	return b.Bytes()
}

const householdConfig = `
id: voter_id
fields:
  - column: first_name
    compare: jaro_winkler
  - column: last_name
    compare: jaro_winkler
  - column: street
    compare: levenshtein
  - column: zip
    compare: exact
  - column: phone
    compare: exact
  - column: birth_date
    compare: date
blocking:
  - [last_name, zip]
  - [phone]
`

// TestFewDuplicatesWarn runs dedupe on generated files with almost no
// duplicates: EM must say it found too few matches to learn m from, and
// mark the fields it could not train rather than show starting values as
// learned.
func TestFewDuplicatesWarn(t *testing.T) {
	t.Parallel()
	people, err := os.ReadFile(filepath.Join("..", "testdata", "dedupe", "dedupe.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		data   func() []byte
		config string
		// warn is the warnings of which the run must give at least one:
		// too few matches, or matches that are households.
		warn []WarningKind
	}{
		{"synth without mess", func() []byte { return synthFile(t, 1000, 1) }, string(people), []WarningKind{WarnFewMatches}},
		{"synth without mess, another seed", func() []byte { return synthFile(t, 3000, 7) }, string(people), []WarningKind{WarnFewMatches}},
		{"households, no duplicates", func() []byte { return households(rand.New(rand.NewPCG(1, 1)), 400, 0) }, householdConfig,
			[]WarningKind{WarnFewMatches, WarnMatchesDisagree}},
		{"households, two duplicates", func() []byte { return households(rand.New(rand.NewPCG(2, 2)), 400, 2) }, householdConfig,
			[]WarningKind{WarnFewMatches, WarnMatchesDisagree}},
		{"households, five duplicates", func() []byte { return households(rand.New(rand.NewPCG(3, 3)), 1500, 5) }, householdConfig,
			[]WarningKind{WarnFewMatches, WarnMatchesDisagree}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "data.csv")
			if err := os.WriteFile(path, tt.data(), 0o644); err != nil {
				t.Fatal(err)
			}
			db := enginetest.Open(t)
			tbl := enginetest.Load(t, db, path, true)
			cfg, err := Parse([]byte(tt.config))
			if err != nil {
				t.Fatal(err)
			}
			res, err := Run(t.Context(), db, tbl, cfg, Options{Now: fixedClock(), Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			checkModel(t, cfg, res)
			kinds := map[WarningKind]int{}
			var said []string
			for _, w := range res.Warnings {
				kinds[w.Kind]++
				if w.Kind == WarnUntrained {
					said = w.Fields
				}
			}
			if !slices.ContainsFunc(tt.warn, func(k WarningKind) bool { return kinds[k] > 0 }) {
				t.Errorf("got warnings %+v, want one of %v", res.Warnings, tt.warn)
			}
			var untrained []string
			for _, f := range res.Model {
				if !f.Trained {
					untrained = append(untrained, f.Column)
				}
			}
			if len(untrained) == 0 {
				t.Errorf("every field's m marked trained, from almost no duplicates: %+v", res.Model)
			}
			if !slices.Equal(said, untrained) {
				t.Errorf("untrained warning names %v, model marks %v untrained", said, untrained)
			}
		})
	}
}

// checkModel holds a result's model to the guardrails: each field shows
// null and exactly the levels its comparator can produce, and weights
// never rise from a level to a less similar one.
func checkModel(t *testing.T, cfg *Config, res *Result) {
	t.Helper()
	for i, f := range res.Model {
		want := []string{"null"}
		for _, l := range levelsOf(cfg.Fields[i].Compare) {
			want = append(want, l.String())
		}
		var got []string
		for j, l := range f.Levels {
			got = append(got, l.Level)
			if j > 1 && l.Weight > f.Levels[j-1].Weight+1e-6 {
				t.Errorf("%s: weight of %s %.4f above %s %.4f", f.Column, l.Level, l.Weight, f.Levels[j-1].Level, f.Levels[j-1].Weight)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s (%s): levels %v, want %v", f.Column, f.Compare, got, want)
		}
	}
}

// TestFixtureGuardrails: the bundled fixture has enough duplicates for
// every blocking rule, so no rule is short of matches; the fields every
// rule fixes are marked untrained, and said so.
func TestFixtureGuardrails(t *testing.T) {
	t.Parallel()
	db, tbl, cfg := setup(t)
	res, err := Run(t.Context(), db, tbl, cfg, Options{Now: fixedClock(), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	checkModel(t, cfg, res)
	var untrained []string
	for _, f := range res.Model {
		if !f.Trained {
			untrained = append(untrained, f.Column)
		}
	}
	if want := []string{"birth_date", "zip", "phone"}; !slices.Equal(untrained, want) {
		t.Errorf("untrained: got %v, want %v", untrained, want)
	}
	if len(res.Warnings) != 1 || res.Warnings[0].Kind != WarnUntrained || !slices.Equal(res.Warnings[0].Fields, untrained) {
		t.Errorf("warnings: got %+v, want one untrained warning naming %v", res.Warnings, untrained)
	}
}

func synthFile(t *testing.T, rows int, seed uint64) []byte {
	var b bytes.Buffer
	if _, err := synth.Write(&b, synth.Config{Rows: rows, Seed: seed}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
