package source

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Format is a source's file format.
type Format string

// The formats plumb reads. FormatAuto decides by file extension, then by
// the file's first bytes.
const (
	FormatAuto    Format = ""
	FormatCSV     Format = "csv"
	FormatParquet Format = "parquet"
	FormatJSON    Format = "json"   // a JSON array of objects, or one object
	FormatNDJSON  Format = "ndjson" // one JSON object per line
	FormatArrow   Format = "arrow"  // Arrow IPC file or stream (Feather v2)
)

// ParseFormat reads a format name as users write it: csv, tsv, psv,
// parquet, json, ndjson (or jsonl), arrow (or feather, ipc). tsv and psv
// are CSV with a tab or pipe delimiter, which they return as delim.
func ParseFormat(name string) (f Format, delim string, err error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "auto":
		return FormatAuto, "", nil
	case "csv", "txt":
		return FormatCSV, "", nil
	case "tsv", "tab":
		return FormatCSV, "\t", nil
	case "psv":
		return FormatCSV, "|", nil
	case "parquet", "pq":
		return FormatParquet, "", nil
	case "json":
		return FormatJSON, "", nil
	case "ndjson", "jsonl":
		return FormatNDJSON, "", nil
	case "arrow", "feather", "ipc", "arrows":
		return FormatArrow, "", nil
	}
	return "", "", fmt.Errorf("unknown format %q (want csv, tsv, psv, parquet, json, ndjson, arrow)", name)
}

// Header says whether a CSV source's first row (after Skip) names its
// columns.
type Header int

// Header modes; HeaderAuto lets DuckDB's sniffer decide.
const (
	HeaderAuto Header = iota
	HeaderYes
	HeaderNo
)

// Encodings a CSV source may be read in.
const (
	EncodingUTF8   = "utf-8"
	EncodingUTF16  = "utf-16"
	EncodingLatin1 = "latin-1"
)

// CSVOptions override what DuckDB's sniffer detects in delimited text.
// The zero value detects everything.
type CSVOptions struct {
	Delimiter string // one character, or "" to detect
	Quote     string // one character, or "" to detect
	Escape    string // one character, or "" to detect
	Header    Header
	// Skip is the number of lines before the header; 0 lets the sniffer
	// decide.
	Skip int
	// NullStrings are the values read as NULL; nil keeps DuckDB's default
	// (the empty, unquoted value).
	NullStrings []string
	// Encoding is utf-8, utf-16 or latin-1; "" means utf-8, or utf-16 where
	// the file starts with a UTF-16 byte-order mark, or latin-1 where the
	// start of the file is not valid UTF-8 and holds no UTF-8 sequence of
	// more than one byte.
	Encoding string
	// PadMissing reads a record with fewer fields than the header as if
	// its missing trailing fields were empty (NULL), rather than
	// rejecting it.
	PadMissing bool
	// MaxLineSize is the longest record read, in bytes; a longer one is
	// rejected alone. 0 means 2 MiB.
	MaxLineSize int64
}

// Source says what to load: one or more files (globs allowed; "-" is
// standard input) in one format, or a database table or query.
type Source struct {
	// Spec is the source as the user wrote it, passwords redacted, used
	// in messages.
	Spec   string
	Format Format
	Paths  []string
	CSV    CSVOptions
	// Database is set for a database source (Format is then FormatPostgres,
	// FormatMySQL or FormatSQLite, and Paths is empty).
	Database *Database
}

// Parse reads a source spec: a path, a glob, or "-" for standard
// input, optionally prefixed with a format and a colon, as in "csv:-",
// "tsv:export.txt" or "ndjson:events.log"; or a database table or query,
// as in "postgres://user@host/db?table=schema.customers",
// "mysql://user@host/db?query=SELECT …" or "app.db?table=t" (see
// parseDatabase).
func Parse(spec string) (Source, error) {
	if strings.TrimSpace(spec) == "" {
		return Source{}, fmt.Errorf("empty source")
	}
	shown := Redact(spec)
	if !utf8.ValidString(spec) {
		return Source{}, fmt.Errorf("source %q: not valid UTF-8", shown)
	}
	if strings.ContainsRune(spec, 0) {
		return Source{}, fmt.Errorf("source %q: contains a NUL byte", shown)
	}
	src := Source{Spec: shown}
	path := spec
	if strings.Index(spec, "://") > 0 || isSQLitePath(spec) {
		d, err := parseDatabase(spec, shown)
		if err != nil {
			return Source{}, err
		}
		src.Format, src.Database = d.Format, d
		return src, nil
	}
	if i := strings.IndexByte(spec, ':'); i > 1 {
		if f, delim, err := ParseFormat(spec[:i]); err == nil {
			src.Format, src.CSV.Delimiter = f, delim
			path = spec[i+1:]
		}
	}
	if path == "" {
		return Source{}, fmt.Errorf("source %q: no path after the format", shown)
	}
	if path != "-" && !exists(path) {
		// A file whose name holds glob characters is read as named
		// (engine does the same); anything else must be a pattern.
		if _, err := filepath.Match(path, ""); err != nil {
			return Source{}, fmt.Errorf("source %q: bad glob pattern: %w", shown, err)
		}
	}
	src.Paths = []string{path}
	return src, nil
}

// ParseChar reads a one-character dialect option as users write it on a
// command line: the character itself, an escape (\t, \x1f, \u00a6), or a
// name (tab, comma, pipe, semicolon, space).
func ParseChar(s string) (string, error) {
	switch strings.ToLower(s) {
	case "tab":
		return "\t", nil
	case "comma":
		return ",", nil
	case "pipe":
		return "|", nil
	case "semicolon":
		return ";", nil
	case "space":
		return " ", nil
	case "":
		return "", fmt.Errorf("empty character")
	}
	if strings.HasPrefix(s, `\`) && len(s) > 1 {
		u, err := strconv.Unquote(`"` + s + `"`)
		if err != nil {
			return "", fmt.Errorf("bad escape %q", s)
		}
		s = u
	}
	if utf8.RuneCountInString(s) != 1 || !utf8.ValidString(s) {
		return "", fmt.Errorf("%q is not one character", s)
	}
	if s == "\n" || s == "\r" || s == "\x00" {
		return "", fmt.Errorf("%q cannot be used as a delimiter, quote or escape", s)
	}
	return s, nil
}

// ParseEncoding reads an encoding name: utf-8 (utf8), utf-16 (utf16),
// latin-1 (latin1, iso-8859-1).
func ParseEncoding(s string) (string, error) {
	switch strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), "_", "-")) {
	case "", "auto":
		return "", nil
	case "utf-8", "utf8":
		return EncodingUTF8, nil
	case "utf-16", "utf16", "utf-16le":
		return EncodingUTF16, nil
	case "latin-1", "latin1", "iso-8859-1", "iso8859-1", "l1":
		return EncodingLatin1, nil
	}
	return "", fmt.Errorf("unknown encoding %q (want utf-8, utf-16 or latin-1)", s)
}

// exists reports whether a file (or folder) is at path as written.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
