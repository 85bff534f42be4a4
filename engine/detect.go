package engine

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/plumb-data/plumb/source"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/klauspost/compress/zstd"
)

// Compressions plumb reads; DuckDB decompresses CSV and JSON itself.
const (
	CompressionNone = "none"
	CompressionGzip = "gzip"
	CompressionZstd = "zstd"
)

var (
	magicGzip    = []byte{0x1f, 0x8b}
	magicZstd    = []byte{0x28, 0xb5, 0x2f, 0xfd}
	magicParquet = []byte("PAR1")
	magicArrow   = []byte("ARROW1")
	magicStream  = []byte{0xff, 0xff, 0xff, 0xff}
	bomUTF16LE   = []byte{0xff, 0xfe}
	bomUTF16BE   = []byte{0xfe, 0xff}
)

// peek is what the first bytes of a file say about it.
type peek struct {
	compression string
	format      source.Format // source.FormatAuto when the bytes do not say
	empty       bool          // no bytes once decompressed
	utf16       bool          // starts with a UTF-16 byte-order mark
	latin1      bool          // its start is not UTF-8 but reads as latin-1 (see looksLatin1)
}

// openText opens a file and decompresses it, detecting the compression
// from its first bytes.
func openText(path string) (io.ReadCloser, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	br := bufio.NewReaderSize(f, 64<<10)
	head, err := br.Peek(4)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		f.Close()
		return nil, "", err
	}
	switch {
	case bytes.HasPrefix(head, magicGzip):
		gz, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, "", fmt.Errorf("gzip: %w", err)
		}
		return &decompressed{Reader: &cutShort{r: gz, compression: CompressionGzip}, close: func() error { return errors.Join(gz.Close(), f.Close()) }}, CompressionGzip, nil
	case bytes.HasPrefix(head, magicZstd):
		zr, err := zstd.NewReader(br)
		if err != nil {
			f.Close()
			return nil, "", fmt.Errorf("zstd: %w", err)
		}
		return &decompressed{Reader: &cutShort{r: zr, compression: CompressionZstd}, close: func() error { zr.Close(); return f.Close() }}, CompressionZstd, nil
	}
	return &decompressed{Reader: br, close: f.Close}, CompressionNone, nil
}

// cutShort counts the text a decompressor gives, so that a stream that
// ends early (a truncated download) is an error that says how far it
// got, not a quiet end of the file.
type cutShort struct {
	r           io.Reader
	compression string
	n, lines    int64
}

func (c *cutShort) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n += int64(k)
	c.lines += int64(bytes.Count(p[:k], []byte{'\n'}))
	if err != nil && err != io.EOF {
		err = fmt.Errorf("%s data ends early or is damaged after %d bytes of text (%d lines): %w", c.compression, c.n, c.lines, err)
	}
	return k, err
}

type decompressed struct {
	io.Reader
	close func() error
}

func (d *decompressed) Close() error { return d.close() }

// peekFile reads the start of a file, decompressing it where needed.
func peekFile(path string) (peek, error) {
	r, compression, err := openText(path)
	if err != nil {
		return peek{}, err
	}
	defer r.Close()
	p := peek{compression: compression}
	buf := make([]byte, 64<<10)
	n, err := io.ReadFull(r, buf)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return p, fmt.Errorf("read %s data: %w", p.compression, err)
	}
	buf = buf[:n]
	p.empty = n == 0
	p.utf16 = bytes.HasPrefix(buf, bomUTF16LE) || bytes.HasPrefix(buf, bomUTF16BE)
	p.format = sniffFormat(buf)
	p.latin1 = !p.utf16 && looksLatin1(buf)
	return p, nil
}

// looksLatin1 reports whether text is not valid UTF-8 and holds no UTF-8
// sequence of more than one byte: the mark of latin-1 (or Windows-1252)
// text, where every byte is a character. A file that mixes valid UTF-8
// sequences with invalid bytes is UTF-8 with damage, and is read so.
func looksLatin1(b []byte) bool {
	invalid := false
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			if len(b)-i < utf8.UTFMax && !utf8.FullRune(b[i:]) {
				break // a sequence cut by the end of the sample
			}
			invalid = true
			i++
			continue
		}
		return false
	}
	return invalid
}

// sniffFormat guesses a format from a file's first bytes.
func sniffFormat(b []byte) source.Format {
	switch {
	case bytes.HasPrefix(b, magicParquet):
		return source.FormatParquet
	case bytes.HasPrefix(b, magicArrow), bytes.HasPrefix(b, magicStream):
		return source.FormatArrow
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case len(t) == 0:
		return source.FormatAuto
	case t[0] == '[':
		return source.FormatJSON
	case t[0] == '{':
		line, _, _ := bytes.Cut(t, []byte("\n"))
		if json.Valid(line) {
			return source.FormatNDJSON
		}
		return source.FormatJSON
	}
	return source.FormatAuto
}

// formatFromName guesses a format from a file name, looking through a
// compression suffix; tsv and psv names also give a delimiter.
func formatFromName(path string) (f source.Format, delim string) {
	name := strings.ToLower(filepath.Base(path))
	for _, ext := range []string{".gz", ".gzip", ".zst", ".zstd"} {
		name = strings.TrimSuffix(name, ext)
	}
	switch filepath.Ext(name) {
	case ".csv", ".txt", ".dat":
		return source.FormatCSV, ""
	case ".tsv", ".tab":
		return source.FormatCSV, "\t"
	case ".psv":
		return source.FormatCSV, "|"
	case ".parquet", ".pq":
		return source.FormatParquet, ""
	case ".json":
		return source.FormatJSON, ""
	case ".ndjson", ".jsonl":
		return source.FormatNDJSON, ""
	case ".arrow", ".feather", ".ipc", ".arrows":
		return source.FormatArrow, ""
	}
	return source.FormatAuto, ""
}

// spoolStdin copies standard input to a file in dir, named so that DuckDB
// recognises its compression, and returns the file's path.
func spoolStdin(r io.Reader, dir string) (string, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(4)
	ext := ""
	switch {
	case bytes.HasPrefix(head, magicGzip):
		ext = ".gz"
	case bytes.HasPrefix(head, magicZstd):
		ext = ".zst"
	}
	f, err := os.CreateTemp(dir, "plumb-stdin-*"+ext)
	if err != nil {
		return "", fmt.Errorf("spool stdin: %w", err)
	}
	if _, err := io.Copy(f, br); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", fmt.Errorf("spool stdin: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("spool stdin: %w", err)
	}
	return f.Name(), nil
}
