//go:build duckdb_arrow

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/plumb-data/plumb/internal/synth"
)

// BenchmarkWideProfile profiles wide generated extracts through the CLI,
// as a survey or CRM export is profiled, with --memory-limit 2GB, under
// /usr/bin/time -v: it reports wall seconds and the peak RSS of the whole
// process (DuckDB and Go together). The files (90 MB each, 10,000 x
// 10,000 several hundred) are generated once into the temp dir.
//
//	go test -tags duckdb_arrow -run '^$' -bench WideProfile -benchtime 1x ./cmd/plumb
//
// Target (issue 21): 10,000 x 10,000 cells complete within 2.5 GB
// (wideRSSBound), which every size is held to.
func BenchmarkWideProfile(b *testing.B) {
	timeBin, err := exec.LookPath("/usr/bin/time")
	if err != nil {
		b.Skip("no /usr/bin/time to measure peak RSS with")
	}
	for _, size := range []struct{ columns, rows int }{{10_000, 200}, {10_000, 1000}, {1000, 10_000}, {10_000, 10_000}} {
		b.Run(fmt.Sprintf("%dx%d", size.columns, size.rows), func(b *testing.B) {
			path, err := synth.CachedWideFile(os.TempDir(), synth.WideConfig{Columns: size.columns, Rows: size.rows, Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			out := filepath.Join(b.TempDir(), "profile.txt")
			var rss int64
			for b.Loop() {
				cmd := exec.Command(timeBin, "-v", os.Args[0], "--memory-limit", "2GB", "--quiet", "profile", path, "-o", out)
				cmd.Env = append(os.Environ(), "PLUMB_TEST_MAIN=1")
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				start := time.Now()
				if err := cmd.Run(); err != nil && exitStatus(err) != 1 {
					b.Fatalf("plumb profile: %v\n%s", err, stderr.String())
				}
				kb := maxRSS(stderr.Bytes())
				rss = max(rss, kb)
				b.Logf("%d columns x %d rows: %v, peak RSS %d MB", size.columns, size.rows, time.Since(start).Round(10*time.Millisecond), kb>>10)
			}
			b.ReportMetric(float64(rss)/1024, "peak_rss_MB")
			if rss<<10 > wideRSSBound {
				b.Errorf("%d columns x %d rows: peak RSS %d MB, want at most %d MB", size.columns, size.rows, rss>>10, wideRSSBound>>20)
			}
		})
	}
}

// wideRSSBound is issue 21's bound on the peak RSS of a wide profile at
// --memory-limit 2GB.
const wideRSSBound = 2500 << 20

var maxRSSLine = regexp.MustCompile(`Maximum resident set size \(kbytes\): (\d+)`)

// maxRSS reads the peak RSS in kilobytes from /usr/bin/time -v's report.
func maxRSS(report []byte) int64 {
	m := maxRSSLine.FindSubmatch(report)
	if m == nil {
		return 0
	}
	n, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return n
}
