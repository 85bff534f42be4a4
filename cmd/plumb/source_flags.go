//go:build duckdb_arrow

package main

import (
	"fmt"

	"github.com/plumb-data/plumb/engine"
	"github.com/spf13/cobra"
)

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
}

func (s *sourceFlags) add(c *cobra.Command) {
	f := c.Flags()
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
	c.MarkFlagsMutuallyExclusive("header", "no-header")
}

// source parses a source argument and applies the flags to it.
func (s *sourceFlags) source(arg string) (engine.Source, error) {
	src, err := engine.ParseSource(arg)
	if err != nil {
		return src, err
	}
	if s.inputFormat != "" {
		f, delim, err := engine.ParseFormat(s.inputFormat)
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
			continue
		}
		c, err := engine.ParseChar(o.value)
		if err != nil {
			return src, fmt.Errorf("%s: %w", o.flag, err)
		}
		*o.dst = c
	}
	switch {
	case s.header:
		src.CSV.Header = engine.HeaderYes
	case s.noHeader:
		src.CSV.Header = engine.HeaderNo
	}
	if s.skip < 0 {
		return src, fmt.Errorf("--skip: %d is negative", s.skip)
	}
	src.CSV.Skip = s.skip
	if s.nulls != nil {
		src.CSV.NullStrings = s.nulls
	}
	enc, err := engine.ParseEncoding(s.encoding)
	if err != nil {
		return src, fmt.Errorf("--encoding: %w", err)
	}
	src.CSV.Encoding = enc
	return src, nil
}
