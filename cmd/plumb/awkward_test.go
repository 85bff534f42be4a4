//go:build duckdb_arrow

package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// awkwardCase is a file of issue 13 items 6 to 10 and 14 and what plumb
// inspect must say of it.
type awkwardCase struct {
	name       string
	file       string // the file's name; "f.csv" if ""
	content    []byte
	args       []string
	wantCode   int
	wantStdout []string
	notStdout  []string
	wantStderr []string
}

func runAwkward(t *testing.T, cases []awkwardCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			name := c.file
			if name == "" {
				name = "f.csv"
			}
			path := filepath.Join(t.TempDir(), name)
			if err := os.WriteFile(path, c.content, 0o644); err != nil {
				t.Fatal(err)
			}
			stdout, stderr, code := plumb(t, "", append([]string{"inspect", path}, c.args...)...)
			if code != c.wantCode {
				t.Errorf("exit %d, want %d\n%s%s", code, c.wantCode, stdout, stderr)
			}
			for _, w := range c.wantStdout {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s\nstderr: %s", w, stdout, stderr)
				}
			}
			for _, w := range c.notStdout {
				if strings.Contains(stdout, w) {
					t.Errorf("stdout has %q:\n%s", w, stdout)
				}
			}
			for _, w := range c.wantStderr {
				if !strings.Contains(stderr, strings.ReplaceAll(w, "$PATH", path)) {
					t.Errorf("stderr lacks %q:\n%s", strings.ReplaceAll(w, "$PATH", path), stderr)
				}
			}
		})
	}
}

// releases is issue 13 item 10's file: 9 columns in the header, older
// rows without the last three.
func releases(short, full int) []byte {
	var b strings.Builder
	b.WriteString("version,codename,series,created,release,eol,eol_server,eol_esm,note\n")
	for i := range short {
		fmt.Fprintf(&b, "%d.04,Name%d,n%d,2000-01-01,2000-04-01,2005-04-01\n", i, i, i)
	}
	for i := range full {
		fmt.Fprintf(&b, "%d.10,Full%d,f%d,2010-01-01,2010-04-01,2015-04-01,2016-01-01,2020-01-01,x\n", i, i, i)
	}
	return []byte(b.String())
}

// TestInspectPadMissing holds issue 13 item 10: --pad-missing loads short
// rows padded with NULL and says how many; without it, rejects that are
// all short rows bring a hint of it, and the --raw hint comes only where
// raw would keep the rows.
func TestInspectPadMissing(t *testing.T) {
	t.Parallel()
	var late strings.Builder // a value past the sniffer's sample that does not fit its type
	late.WriteString("id,n\n")
	for i := range 30_000 {
		fmt.Fprintf(&late, "%d,%d\n", i, i)
	}
	late.WriteString("30000,x\n")
	cases := []awkwardCase{
		{name: "releases", content: releases(37, 7), wantCode: 1,
			wantStdout: []string{"44 read = 7 loaded + 37 rejected", "--pad-missing reads them"}, notStdout: []string{"--raw keeps"}},
		{name: "releases padded", content: releases(37, 7), args: []string{"--pad-missing"},
			wantStdout: []string{"44 read = 44 loaded + 0 rejected", "37 rows had fewer fields than the header and were padded"}},
		{name: "too many columns stay rejected", content: []byte("a,b\n1,2\n3\n4,5,6\n"), args: []string{"--pad-missing"}, wantCode: 1,
			wantStdout: []string{"3 read = 2 loaded + 1 rejected", "line 4  TOO MANY COLUMNS", "1 rows had fewer fields"}},
		{name: "mixed reasons bring no pad hint", content: []byte("a,b\n1,2\n3\n4,5,6\n"), wantCode: 1,
			notStdout: []string{"--pad-missing", "--raw keeps"}},
		{name: "a cast reject brings the raw hint", content: []byte(late.String()), wantCode: 1,
			wantStdout: []string{"--raw keeps every value as text"}, notStdout: []string{"--pad-missing"}},
	}
	rng := rand.New(rand.NewPCG(10, 13))
	for k := range 4 {
		short, full := 1+rng.IntN(300), rng.IntN(50)
		cases = append(cases, awkwardCase{name: fmt.Sprintf("generated %d", k), content: releases(short, full), args: []string{"--pad-missing", "--raw"},
			wantStdout: []string{fmt.Sprintf("%d rows had fewer fields", short), fmt.Sprintf("%d read = %d loaded + 0 rejected", short+full, short+full)}})
	}
	runAwkward(t, cases)
}

// numberedRows returns a header and n rows "i,ri" ended by eol(i).
func numberedRows(n int, eol func(i int) string) []byte {
	var b bytes.Buffer
	b.WriteString("id,v" + eol(0))
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%d,r%d%s", i, i, eol(i))
	}
	return b.Bytes()
}

func lf(int) string { return "\n" }

// TestInspectTruncatedCompression holds issue 13 item 6: a gzip or zstd
// file cut short is an error that names the file and how far it got.
func TestInspectTruncatedCompression(t *testing.T) {
	t.Parallel()
	text := numberedRows(200_000, lf)
	var gz, zs bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(text)
	zw.Close()
	ze, _ := zstd.NewWriter(&zs)
	ze.Write(text)
	ze.Close()
	var cases []awkwardCase
	rng := rand.New(rand.NewPCG(6, 13))
	for _, c := range []struct {
		name string
		b    []byte
	}{{"f.csv.gz", gz.Bytes()}, {"f.csv.zst", zs.Bytes()}} {
		cases = append(cases, awkwardCase{name: c.name + " whole", file: c.name, content: c.b, wantStdout: []string{"200,000 read = 200,000 loaded"}})
		for _, cut := range []float64{0.5, 0.9, 0.2 + 0.7*rng.Float64(), 0.2 + 0.7*rng.Float64()} {
			cases = append(cases, awkwardCase{name: fmt.Sprintf("%s cut at %.2f", c.name, cut), file: c.name, content: c.b[:int(cut*float64(len(c.b)))],
				wantCode: 2, wantStderr: []string{"$PATH", "data ends early or is damaged after", "bytes of text"}})
		}
	}
	runAwkward(t, cases)
}

// TestInspectReadsAwkwardFiles holds issue 13 items 8 and 14: mixed line
// endings, a NUL byte in the header, a line past the maximum size (and
// the flag that raises it), a file whose name looks like a glob, and
// latin-1 text read without being told.
func TestInspectReadsAwkwardFiles(t *testing.T) {
	t.Parallel()
	long := func(n, at int, eol string) []byte {
		return numberedRows(n, func(i int) string {
			if i == at {
				return strings.Repeat("x", 3<<20) + eol
			}
			return eol
		})
	}
	cases := []awkwardCase{
		{name: "999 lf then 10 crlf", content: numberedRows(1009, func(i int) string {
			if i >= 1000 {
				return "\r\n"
			}
			return "\n"
		}), wantStdout: []string{"1,009 read = 1,009 loaded + 0 rejected"}},
		{name: "nul in the header", content: []byte("a,b\x00c,d\n1,2,3\n4,5,6\n"),
			wantStdout: []string{"2 read = 2 loaded + 0 rejected", `"b\x00c" -> bc (NUL bytes removed)`}},
		{name: "a line past 2 MiB", content: long(3, 1, "\n"), wantCode: 1,
			wantStdout: []string{"3 read = 2 loaded + 1 rejected", "line 2  LINE TOO LONG"}},
		{name: "a line past 2 MiB mid-file crlf", content: long(1000, 500, "\r\n"), wantCode: 1,
			wantStdout: []string{"1,000 read = 999 loaded + 1 rejected", "line 501  LINE TOO LONG"}},
		{name: "max line size raised", content: long(1000, 500, "\n"), args: []string{"--max-line-size", "4000000"},
			wantStdout: []string{"1,000 read = 1,000 loaded + 0 rejected"}},
		{name: "a name like a glob", file: "report[1].csv", content: numberedRows(5, lf), wantStdout: []string{"5 read = 5 loaded"}},
		{name: "a name that is a broken glob", file: "data[.csv", content: numberedRows(5, lf), wantStdout: []string{"5 read = 5 loaded"}},
		{name: "a name like a glob, gzip", file: "x*?{a}.csv", content: numberedRows(5, lf), wantStdout: []string{"5 read = 5 loaded"}},
		{name: "latin-1 crlf", content: []byte("id,name\r\n1,Jos\xe9\r\n2,M\xfcller\r\n3,\"Stra\xdfe\r\n5\"\r\n"),
			wantStdout: []string{"3 read = 3 loaded + 0 rejected", "encoding   latin-1"}},
		{name: "utf-8 with one bad byte stays utf-8", content: []byte("id,name\n1,Jos\xc3\xa9\n2,bad\xff\n3,ok\n"), wantCode: 1,
			wantStdout: []string{"encoding   utf-8", "line 3  INVALID ENCODING", "try --encoding latin-1"}},
	}
	rng := rand.New(rand.NewPCG(8, 13))
	for k := range 4 {
		n := 100 + rng.IntN(3000)
		cases = append(cases, awkwardCase{name: fmt.Sprintf("mixed endings %d", k), content: numberedRows(n, func(int) string {
			return []string{"\n", "\r\n"}[rng.IntN(2)]
		}), wantStdout: []string{fmt.Sprintf("read = %s loaded + 0 rejected", thousands(n))}})
		var b bytes.Buffer
		b.WriteString("id,name,city\n")
		for i := range 1 + rng.IntN(500) {
			fmt.Fprintf(&b, "%d,%s,\xc0x\n", i, []byte{byte(0xc0 + rng.IntN(64)), byte('a' + rng.IntN(26)), byte(0xc0 + rng.IntN(64))})
		}
		cases = append(cases, awkwardCase{name: fmt.Sprintf("latin-1 %d", k), content: b.Bytes(), wantStdout: []string{"encoding   latin-1", "+ 0 rejected"}})
	}
	runAwkward(t, cases)
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// TestInspectPipes holds issue 13 item 7: a named pipe and a /dev/fd path
// (what process substitution gives) are read to the end, once.
func TestInspectPipes(t *testing.T) {
	t.Parallel()
	text := numberedRows(100_000, lf)
	fifo := filepath.Join(t.TempDir(), "f.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err == nil {
			f.Write(text)
			f.Close()
		}
	}()
	stdout, stderr, code := plumb(t, "", "inspect", fifo)
	if code != 0 || !strings.Contains(stdout, "100,000 read = 100,000 loaded") {
		t.Errorf("named pipe: exit %d\n%s%s", code, stdout, stderr)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		w.Write(text)
		w.Close()
	}()
	defer r.Close()
	stdout, stderr, code = plumb(t, "", "inspect", fmt.Sprintf("/dev/fd/%d", r.Fd()))
	if code != 0 || !strings.Contains(stdout, "100,000 read = 100,000 loaded") {
		t.Errorf("/dev/fd: exit %d\n%s%s", code, stdout, stderr)
	}
}
