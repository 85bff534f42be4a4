package dedupe

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

const issueConfig = `id: record_id                 # optional; default: source line number
fields:
  - column: email
    normalize: [trim, lower]
    compare: exact
  - column: first_name
    normalize: [trim, lower, unaccent]
    compare: jaro_winkler     # exact | jaro_winkler | jaro | levenshtein | soundex | numeric | date
  - column: last_name
    normalize: [trim, lower, unaccent]
    compare: jaro_winkler
  - column: birth_date
    compare: date
  - column: zip
    compare: levenshtein
blocking:                     # candidate pairs: the union of pairs that agree on all keys of any one rule
  - [email]
  - [soundex(last_name), birth_date]
  - [substr(first_name, 1, 3), zip]
threshold: 0.9                # match probability needed to link a pair
`

func TestParseConfigOfTheIssue(t *testing.T) {
	t.Parallel()
	cfg, err := Parse([]byte(issueConfig))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ID != "record_id" || len(cfg.Fields) != 5 || cfg.Threshold != 0.9 || cfg.Fields[3].Compare != "date" {
		t.Errorf("got %+v", cfg)
	}
	if want := [][]string{{"email"}, {"soundex(last_name)", "birth_date"}, {"substr(first_name, 1, 3)", "zip"}}; !slices.EqualFunc(cfg.Blocking, want, slices.Equal) {
		t.Errorf("blocking: got %q, want %q", cfg.Blocking, want)
	}
	if !slices.Equal(cfg.Fields[1].Normalize, []Normalizer{"trim", "lower", "unaccent"}) {
		t.Errorf("normalize: %q", cfg.Fields[1].Normalize)
	}
}

func TestParseConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		yaml      string
		line, col int
		want      string
	}{
		{"unknown key", "fields:\n  - column: a\nblocking: [[a]]\nthreshhold: 0.9\n", 4, 1, `unknown key "threshhold"`},
		{"unknown normalizer", "fields:\n  - column: a\n    normalize: [trim, lowercase]\nblocking: [[a]]\n", 3, 23, `unknown normalizer "lowercase"`},
		{"unknown comparison", "fields:\n  - column: a\n    compare: fuzzy\nblocking: [[a]]\n", 3, 14, `unknown comparison "fuzzy"`},
		{"threshold range", "fields:\n  - column: a\nblocking: [[a]]\nthreshold: 1.5\n", 4, 12, "between 0 and 1"},
		{"threshold type", "fields:\n  - column: a\nblocking: [[a]]\nthreshold: high\n", 4, 12, "want a number"},
		{"no blocking", "fields:\n  - column: a\n", 1, 1, "no blocking rules"},
		{"no fields", "blocking: [[a]]\n", 1, 1, "no fields"},
		{"field key", "fields:\n  - col: a\nblocking: [[a]]\n", 2, 5, `unknown key "col"`},
		{"duplicate field", "fields:\n  - column: a\n  - column: A\nblocking: [[a]]\n", 3, 5, "compared twice"},
		{"fields not a list", "fields: a\nblocking: [[a]]\n", 1, 9, "want a list"},
		{"unbalanced", "fields:\n  - column: a\nblocking:\n  - [substr(a, 1]\n", 4, 5, "unbalanced"},
		{"bad yaml", "fields: [\n", 1, 1, "did not find expected"},
		{"empty", "", 1, 1, "empty config"},
		{"not a mapping", "- a\n", 1, 1, "want a mapping"},
		{"duplicate key", "fields:\n  - column: a\nblocking: [[a]]\nblocking: [[a]]\n", 4, 1, "given twice"},
		{"max pairs", "fields:\n  - column: a\nblocking: [[a]]\nmax_pairs: -3\n", 4, 12, "positive whole number"},
		{"side column in dedupe", "fields:\n  - column: a\n    right: b\nblocking: [[a]]\n", 3, 5, "is for plumb link configs"},
		{"side ids in dedupe", "id: {left: a, right: b}\nfields:\n  - column: a\nblocking: [[a]]\n", 1, 5, "is for plumb link configs"},
		{"swap with itself", "fields:\n  - column: a\n    swap_with: a\nblocking: [[a]]\n", 2, 5, `swap_with "a": want another field's column`},
		{"swap with no field", "fields:\n  - column: a\n    swap_with: b\nblocking: [[a]]\n", 2, 5, `swap_with "b"`},
		{"term frequency type", "fields:\n  - column: a\n    term_frequency: often\nblocking: [[a]]\n", 3, 21, "want true or false"},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.yaml))
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Line != tt.line || ce.Column != tt.col || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want line %d, column %d, %q", tt.name, err, tt.line, tt.col, tt.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in    string
		steps []Normalizer
		want  string
	}{
		{"  José  ", []Normalizer{"trim", "lower", "unaccent"}, "jose"},
		{"Zoë Ødegaard", []Normalizer{"unaccent", "upper"}, "ZOE ØDEGAARD"},
		{"a   b \t c", []Normalizer{"collapse_spaces"}, "a b c"},
		{"(555) 123-4567", []Normalizer{"digits_only"}, "5551234567"},
		{"O'Brien-Smith 2", []Normalizer{"alnum_only", "lower"}, "obriensmith2"},
		{"", []Normalizer{"trim", "unaccent"}, ""},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in, tt.steps); got != tt.want {
			t.Errorf("Normalize(%q, %v) = %q, want %q", tt.in, tt.steps, got, tt.want)
		}
	}
}

func TestCompareLevels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind Comparator
		a, b string
		want Level
	}{
		{"exact", "a", "a", LevelExact}, {"exact", "a", "b", LevelFar}, {"exact", "", "b", LevelNull},
		{"jaro_winkler", "martha", "marhta", LevelClose}, {"jaro_winkler", "martha", "john", LevelFar},
		{"jaro_winkler", "tanya", "tonya", LevelLoose}, {"jaro_winkler", "abroms", "abrams", LevelClose},
		{"levenshtein", "12345", "12354", LevelClose}, {"levenshtein", "12345", "98765", LevelFar},
		{"soundex", "robert", "rupert", LevelClose}, {"soundex", "robert", "smith", LevelFar},
		{"numeric", "100", "100.5", LevelClose}, {"numeric", "100", "150", LevelFar}, {"numeric", "1e2", "100", LevelExact},
		{"date", "1990-02-11", "1990-11-02", LevelClose}, {"date", "1990-02-11", "1990-02-12", LevelClose}, {"date", "1990-02-11", "1985-07-30", LevelFar},
		{"date", "03/04/1990", "04/03/1990", LevelClose}, {"date", "28/01/1997", "01/28/1997", LevelClose},
		{"date", "19900304", "19900403", LevelClose}, {"date", "04.03.1990", "03.04.1990", LevelClose},
		{"date", "3/14/1990", "14/3/1990", LevelClose}, {"date", "03/04/1990", "09/12/1990", LevelFar},
		{"exact", "close", "closer", LevelFar},
	}
	for _, tt := range tests {
		if _, got := compare(tt.kind, tt.a, tt.b); got != tt.want {
			t.Errorf("compare(%s, %q, %q) = %s, want %s", tt.kind, tt.a, tt.b, got, tt.want)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"  José  ", "(555) 123-4567", "Ødegaard", "a\u0301", "\xff", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, st := range Normalizers {
			once := Normalize(s, []Normalizer{st})
			if twice := Normalize(once, []Normalizer{st}); twice != once && st != "unaccent" {
				t.Errorf("%s is not idempotent on %q: %q then %q", st, s, once, twice)
			}
			if utf8.ValidString(s) && !utf8.ValidString(once) {
				t.Errorf("%s made invalid UTF-8 of %q", st, s)
			}
		}
		if d := Normalize(s, []Normalizer{"digits_only"}); strings.Trim(d, "0123456789") != "" {
			t.Errorf("digits_only(%q) = %q", s, d)
		}
		if tr := Normalize(s, []Normalizer{"trim"}); tr != strings.TrimSpace(tr) {
			t.Errorf("trim(%q) = %q", s, tr)
		}
		if c := Normalize(s, []Normalizer{"collapse_spaces"}); strings.Contains(c, "  ") {
			t.Errorf("collapse_spaces(%q) = %q", s, c)
		}
	})
}

func FuzzParseConfig(f *testing.F) {
	f.Add(issueConfig)
	f.Add("fields:\n  - column: a\nblocking: [[a]]\n")
	f.Add("fields: [\n")
	f.Fuzz(func(t *testing.T, in string) {
		cfg, err := Parse([]byte(in))
		if err != nil {
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Line < 1 || ce.Column < 1 {
				t.Fatalf("error without a place: %v", err)
			}
			return
		}
		if len(cfg.Fields) == 0 || len(cfg.Blocking) == 0 || cfg.Threshold <= 0 || cfg.Threshold >= 1 {
			t.Fatalf("accepted an incomplete config: %+v", cfg)
		}
		for _, f := range cfg.Fields {
			if !slices.Contains(Comparators, f.Compare) {
				t.Fatalf("accepted comparison %q", f.Compare)
			}
		}
	})
}

func TestParseLinkConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		yaml         string
		id, rightID  string
		column, left string
		right        string
		line, col    int
		wantErr      string
	}{
		{name: "one name on both sides", yaml: "id: k\nfields:\n  - column: a\nblocking: [[a]]\n", id: "k", rightID: "k", column: "a", left: "a", right: "a"},
		{name: "ids and columns per side", yaml: "id: {left: k, right: no}\nfields:\n  - {column: a, right: b}\nblocking: [[a]]\n", id: "k", rightID: "no", column: "a", left: "a", right: "b"},
		{name: "named after left", yaml: "fields:\n  - {left: x, right: y}\nblocking: [[x]]\n", column: "x", left: "x", right: "y"},
		{name: "no right id", yaml: "id: {left: k}\nfields:\n  - column: a\nblocking: [[a]]\n", line: 1, col: 5, wantErr: "want both left and right"},
		{name: "unknown side", yaml: "id: {left: k, middle: m}\nfields:\n  - column: a\nblocking: [[a]]\n", line: 1, col: 15, wantErr: `unknown key "middle" in id`},
		{name: "one side only", yaml: "fields:\n  - {right: y}\nblocking: [[x]]\n", line: 2, col: 5, wantErr: "want column, or left and right"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ParseLink([]byte(tt.yaml))
			if tt.wantErr != "" {
				var ce *ConfigError
				if !errors.As(err, &ce) || ce.Line != tt.line || ce.Column != tt.col || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("got %v, want line %d, column %d, %q", err, tt.line, tt.col, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			f := cfg.Fields[0]
			if cfg.ID != tt.id || cfg.RightID != tt.rightID || f.Column != tt.column || f.LeftColumn() != tt.left || f.RightColumn() != tt.right {
				t.Errorf("got id %q/%q, field %q (%q, %q), want %q/%q, %q (%q, %q)", cfg.ID, cfg.RightID, f.Column, f.LeftColumn(), f.RightColumn(),
					tt.id, tt.rightID, tt.column, tt.left, tt.right)
			}
		})
	}
}

func TestSwapLevels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		x, y, xs, ys string
		want         Level
	}{
		{"swapped", "john", "smith", "smith", "john", LevelSwapped},
		{"same", "john", "john", "smith", "smith", LevelExact},
		{"one way only", "john", "smith", "smith", "jones", LevelFar},
		{"empty", "", "smith", "smith", "", LevelNull},
		{"close typo is not a swap", "jon", "john", "smith", "smith", LevelClose},
	}
	for _, tt := range tests {
		if _, got := compareSwap(CompareJaroWinkler, tt.x, tt.y, tt.xs, tt.ys); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
	got := fieldLevels(Field{Column: "first", Compare: CompareJaroWinkler, SwapWith: "last"})
	if want := []Level{LevelExact, LevelSwapped, LevelClose, LevelLoose, LevelFar}; !slices.Equal(got, want) {
		t.Errorf("levels of a Jaro-Winkler field with swap_with: got %v, want %v", got, want)
	}
}

// FuzzParseLink: ParseLink never panics; a config it accepts has a name
// and a column on each side for every field, both ids or neither, swaps
// between its own fields; and every dedupe config is a link config.
func FuzzParseLink(f *testing.F) {
	f.Add([]byte(issueConfig))
	f.Add([]byte("id: {left: k, right: no}\nfields:\n  - {column: a, right: b, swap_with: c, term_frequency: true}\n  - {left: c, right: d}\nblocking: [[a], [soundex(c), a]]\n"))
	f.Add([]byte("fields: [{left: x}]\nblocking: [[x]]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseLink(data)
		if _, derr := Parse(data); derr == nil && err != nil {
			t.Fatalf("Parse accepts what ParseLink refuses: %v", err)
		}
		if err != nil {
			return
		}
		if (cfg.ID == "") != (cfg.RightID == "") {
			t.Fatalf("ids %q and %q", cfg.ID, cfg.RightID)
		}
		names := map[string]bool{}
		for _, fl := range cfg.Fields {
			if fl.Column == "" || fl.LeftColumn() == "" || fl.RightColumn() == "" {
				t.Fatalf("field %+v lacks a name or a column", fl)
			}
			names[strings.ToLower(fl.Column)] = true
		}
		for _, fl := range cfg.Fields {
			if fl.SwapWith != "" && (!names[strings.ToLower(fl.SwapWith)] || strings.EqualFold(fl.SwapWith, fl.Column)) {
				t.Fatalf("field %s swaps with %q", fl.Column, fl.SwapWith)
			}
		}
	})
}
