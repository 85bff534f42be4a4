//go:build duckdb_arrow

package main

import (
	"fmt"
	"github.com/plumb-data/plumb/source"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// maxSkip bounds --skip (DuckDB fails inside on larger counts).
const maxSkip = 1 << 31

// sourceFlags say how to read sources; every command that loads data
// takes them.
type sourceFlags struct {
	inputFormat string
	delimiter   string
	quote       string
	escape      string
	header      bool
	noHeader    bool
	skip        int
	nulls       []string
	encoding    string
	raw         bool
	padMissing  bool
	maxLineSize int64
	// allowRejects lowers rows rejected at load from a finding (exit 1)
	// to a warning.
	allowRejects bool

	flags *pflag.FlagSet // to tell a flag given empty from one not given
}

func (s *sourceFlags) add(c *cobra.Command) {
	f := c.Flags()
	s.flags = f
	f.StringVar(&s.inputFormat, "input-format", "", "source format: csv, tsv, psv, parquet, json, ndjson, arrow (default: from the name, then the content)")
	f.StringVar(&s.delimiter, "delimiter", "", `field delimiter: a character, an escape like \t or \x1f, or tab, comma, pipe, semicolon (default: detected)`)
	f.StringVar(&s.quote, "quote", "", "quote character (default: detected)")
	f.StringVar(&s.escape, "escape", "", "escape character inside quotes (default: detected)")
	f.BoolVar(&s.header, "header", false, "the first row names the columns (default: detected)")
	f.BoolVar(&s.noHeader, "no-header", false, "there is no header row: columns are named column_1, column_2, …")
	f.IntVar(&s.skip, "skip", 0, "lines to skip before the header (default: detected)")
	f.StringSliceVar(&s.nulls, "null", nil, `values read as NULL, e.g. --null 'NA,N/A' (default: the empty value)`)
	f.StringVar(&s.encoding, "encoding", "", "text encoding: utf-8, utf-16, latin-1 (default: utf-8, or utf-16 with a byte-order mark)")
	f.BoolVar(&s.raw, "raw", false, "keep every CSV value as text exactly as written (00123 stays 00123)")
	f.BoolVar(&s.padMissing, "pad-missing", false, "read rows with fewer fields than the header as if the missing trailing fields were empty (NULL)")
	f.Int64Var(&s.maxLineSize, "max-line-size", 0, "longest CSV record in bytes; a longer one is rejected alone (default 2 MiB)")
	f.BoolVar(&s.allowRejects, "allow-rejects", false, "rows rejected at load are expected: warn about them, but do not exit 1 for them")
	c.MarkFlagsMutuallyExclusive("header", "no-header")
}

// source parses a source argument and applies the flags to it.
func (s *sourceFlags) source(arg string) (source.Source, error) {
	src, err := source.Parse(arg)
	if err != nil {
		return src, err
	}
	if s.inputFormat != "" {
		f, delim, err := source.ParseFormat(s.inputFormat)
		if err != nil {
			return src, fmt.Errorf("--input-format: %w", err)
		}
		src.Format = f
		if delim != "" {
			src.CSV.Delimiter = delim
		}
	}
	for _, o := range []struct {
		flag, value string
		dst         *string
	}{{"--delimiter", s.delimiter, &src.CSV.Delimiter}, {"--quote", s.quote, &src.CSV.Quote}, {"--escape", s.escape, &src.CSV.Escape}} {
		if o.value == "" {
			if s.flags != nil && s.flags.Changed(strings.TrimPrefix(o.flag, "--")) {
				return src, fmt.Errorf("%s: empty; give one character, e.g. %s ';' or %s tab", o.flag, o.flag, o.flag)
			}
			continue
		}
		c, err := source.ParseChar(o.value)
		if err != nil {
			return src, fmt.Errorf("%s: %w", o.flag, err)
		}
		*o.dst = c
	}
	switch {
	case s.header:
		src.CSV.Header = source.HeaderYes
	case s.noHeader:
		src.CSV.Header = source.HeaderNo
	}
	if s.skip < 0 {
		return src, fmt.Errorf("--skip: %d is negative", s.skip)
	}
	src.CSV.Skip = s.skip
	if s.skip > maxSkip {
		return src, fmt.Errorf("--skip: %d is more lines than any file plumb reads (at most %d)", s.skip, maxSkip)
	}
	if s.nulls != nil {
		if len(s.nulls) == 0 || slices.Contains(s.nulls, "") {
			return src, fmt.Errorf("--null: an empty value is already read as NULL; name the values that stand for NULL, e.g. --null 'NA,N/A'")
		}
		src.CSV.NullStrings = s.nulls
	}
	if s.maxLineSize < 0 {
		return src, fmt.Errorf("--max-line-size: %d is negative", s.maxLineSize)
	}
	src.CSV.PadMissing, src.CSV.MaxLineSize = s.padMissing, s.maxLineSize
	enc, err := source.ParseEncoding(s.encoding)
	if err != nil {
		return src, fmt.Errorf("--encoding: %w", err)
	}
	src.CSV.Encoding = enc
	return src, nil
}
