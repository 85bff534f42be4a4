package source

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		spec       string
		wantFormat Format
		wantDelim  string
		wantPath   string
		wantErr    string
	}{
		{spec: "data.csv", wantPath: "data.csv"},
		{spec: "-", wantPath: "-"},
		{spec: "csv:-", wantFormat: FormatCSV, wantPath: "-"},
		{spec: "tsv:export.txt", wantFormat: FormatCSV, wantDelim: "\t", wantPath: "export.txt"},
		{spec: "ndjson:events.log", wantFormat: FormatNDJSON, wantPath: "events.log"},
		{spec: "dir/*.parquet", wantPath: "dir/*.parquet"},
		{spec: `C:\data\x.csv`, wantPath: `C:\data\x.csv`},
		{spec: "weird:name.csv", wantPath: "weird:name.csv"},
		{spec: "", wantErr: "empty source"},
		{spec: "csv:", wantErr: "no path"},
		{spec: "postgres://u:secret@host/db", wantErr: "?table=NAME or ?query="},
		{spec: "ftp://u:secret@host/x.csv", wantErr: "not supported"},
		{spec: "data[.csv", wantErr: "bad glob"},
		{spec: "testdata/literal[.csv", wantPath: "testdata/literal[.csv"}, // exists: read as named
	}
	for _, tt := range tests {
		src, err := Parse(tt.spec)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Parse(%q): got error %v, want one containing %q", tt.spec, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.spec, err)
			continue
		}
		if src.Format != tt.wantFormat || src.CSV.Delimiter != tt.wantDelim || src.Paths[0] != tt.wantPath {
			t.Errorf("Parse(%q): got %q %q %q, want %q %q %q", tt.spec, src.Format, src.CSV.Delimiter, src.Paths[0], tt.wantFormat, tt.wantDelim, tt.wantPath)
		}
	}
}

func TestParseSourceHidesPasswords(t *testing.T) {
	t.Parallel()
	_, err := Parse("postgres://user:hunter2@db.example.com/prod?table=a..b")
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("got %v: the error must not show the password", err)
	}
}

func TestParseChar(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want, wantErr string }{
		{in: ",", want: ","}, {in: "tab", want: "\t"}, {in: `\t`, want: "\t"}, {in: "PIPE", want: "|"},
		{in: `\x1f`, want: "\x1f"}, {in: `\u00a6`, want: "¦"}, {in: ";", want: ";"}, {in: "§", want: "§"},
		{in: "", wantErr: "empty"}, {in: ",,", wantErr: "not one character"}, {in: `\n`, wantErr: "cannot be used"},
		{in: `\q`, wantErr: "bad escape"},
	}
	for _, tt := range tests {
		got, err := ParseChar(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseChar(%q): got %q, %v; want error containing %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseChar(%q): got %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"data.csv", "-", "csv:-", "tsv:x.txt", "a/*.parquet", "postgres://u:p@h/d", "x[", ":", "json:",
		"postgres://u:p@h:5432/d?table=s.t&sslmode=disable", "mysql://root:@h/db?query=SELECT 1", "app.db?table=t",
		"sqlite:///x/app.db?query=select%201", `postgres://h/d?table="A.b"."c"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		src, err := Parse(spec)
		if err != nil {
			if i := strings.Index(spec, "://"); i >= 0 {
				if _, pass, ok := strings.Cut(strings.SplitN(spec[i+3:], "@", 2)[0], ":"); ok && len(pass) > 3 &&
					strings.Contains(spec[i+3:], "@") && strings.Contains(err.Error(), ":"+pass+"@") {
					t.Errorf("error for %q shows the password: %v", spec, err)
				}
			}
			return
		}
		if src.Database != nil {
			checkDatabase(t, spec, src)
			return
		}
		if len(src.Paths) != 1 || src.Paths[0] == "" {
			t.Fatalf("Parse(%q): no path in %+v", spec, src)
		}
		if !strings.HasSuffix(spec, src.Paths[0]) {
			t.Errorf("Parse(%q): path %q is not the end of the spec", spec, src.Paths[0])
		}
		if !utf8.ValidString(src.Paths[0]) {
			t.Errorf("Parse(%q): invalid UTF-8 path", spec)
		}
	})
}

func FuzzParseChar(f *testing.F) {
	for _, s := range []string{",", "tab", `\t`, `\x1f`, "|", "", `\`, "ab", `\u00e9`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseChar(s)
		if err != nil {
			return
		}
		if utf8.RuneCountInString(c) != 1 || c == "\n" || c == "\r" || c == "\x00" {
			t.Errorf("ParseChar(%q) = %q: want one usable character", s, c)
		}
	})
}

func FuzzParseFormatAndEncoding(f *testing.F) {
	for _, s := range []string{"csv", "TSV", "jsonl", "feather", "utf8", "Latin_1", "", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if fm, delim, err := ParseFormat(s); err == nil {
			switch fm {
			case FormatAuto, FormatCSV, FormatParquet, FormatJSON, FormatNDJSON, FormatArrow:
			default:
				t.Errorf("ParseFormat(%q) = unknown format %q", s, fm)
			}
			if delim != "" && fm != FormatCSV {
				t.Errorf("ParseFormat(%q): delimiter %q for %s", s, delim, fm)
			}
		}
		if enc, err := ParseEncoding(s); err == nil {
			switch enc {
			case "", EncodingUTF8, EncodingUTF16, EncodingLatin1:
			default:
				t.Errorf("ParseEncoding(%q) = %q", s, enc)
			}
		}
	})
}
