//go:build duckdb_arrow

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/plumb-data/plumb/internal/synth"
)

// BenchmarkMemoryBound runs every command that reads data through the
// CLI with --memory-limit on a generated extract at least ten times the
// limit (with 0.1% malformed rows, so that rejects are kept too), under
// /usr/bin/time -v, and fails a command whose peak RSS (DuckDB and Go
// together) passes the bound issue 14 sets: the limit + 25% + 300 MB.
//
//	go test -tags duckdb_arrow -run '^$' -bench MemoryBound -benchtime 1x ./cmd/plumb
//
// PLUMB_BENCH_MEMORY sets the limit in MB (default 256); the extract is
// sized to ten times it (about 180 bytes a row) and cached in the temp
// dir.
func BenchmarkMemoryBound(b *testing.B) {
	timeBin, err := exec.LookPath("/usr/bin/time")
	if err != nil {
		b.Skip("no /usr/bin/time to measure peak RSS with")
	}
	limitMB := int64(256)
	if s := os.Getenv("PLUMB_BENCH_MEMORY"); s != "" {
		if limitMB, err = strconv.ParseInt(s, 10, 64); err != nil || limitMB <= 0 {
			b.Fatalf("PLUMB_BENCH_MEMORY %q: want a size in MB", s)
		}
	}
	rows := int(limitMB * 10 << 20 / 179)
	data, err := synth.CachedFile(os.TempDir(), synth.Config{Rows: rows, Seed: 1, Mess: true, Malformed: 0.001})
	if err != nil {
		b.Fatal(err)
	}
	other, err := synth.CachedFile(os.TempDir(), synth.Config{Rows: rows, Seed: 1, Mess: true})
	if err != nil {
		b.Fatal(err)
	}
	if st, err := os.Stat(data); err != nil || st.Size() < limitMB*10<<20 {
		b.Fatalf("%s: want at least ten times the limit (%d MB): %v", data, limitMB, err)
	}
	dir := b.TempDir()
	rules := filepath.Join(dir, "rules.yaml")
	if err := os.WriteFile(rules, []byte(`checks:
  - not_null: [customer_id, email]
  - unique: customer_id
  - accepted_values: {column: status, values: [active, inactive, pending]}
  - pattern: {column: email, regex: '^[^@\s]+@[^@\s]+\.[^@\s]+$'}
  - duplicate_rows: {}
`), 0o600); err != nil {
		b.Fatal(err)
	}
	// The bundled dedupe config blocks on email alone, which on 15M
	// messy rows (blank and repeated emails) makes over 200M candidate
	// pairs, past max_pairs: these rules make a few million.
	dedupe := filepath.Join(dir, "dedupe.yaml")
	if err := os.WriteFile(dedupe, []byte(`id: customer_id
fields:
  - {column: email, normalize: [trim, lower], compare: exact}
  - {column: first_name, normalize: [trim, lower, unaccent], compare: jaro_winkler}
  - {column: last_name, normalize: [trim, lower, unaccent], compare: jaro_winkler}
  - {column: birth_date, compare: date}
  - {column: zip, compare: levenshtein}
blocking:
  - [email, birth_date]
  - [last_name, birth_date, zip]
threshold: 0.9
`), 0o600); err != nil {
		b.Fatal(err)
	}
	out := func(name string) string { return filepath.Join(dir, name) }
	commands := []struct {
		name string
		args []string
	}{
		{"inspect", []string{"inspect", data, "--rejects", out("rejects.csv")}},
		{"profile", []string{"profile", data, "-o", out("profile.json"), "--format", "json"}},
		{"check", []string{"check", data, "--rules", rules, "--quarantine", out("q.csv"), "--passing", out("p.csv")}},
		{"suggest", []string{"suggest", data, "-o", out("rules.yaml")}},
		{"diff", []string{"diff", other, data, "--key", "customer_id", "--diffs", out("diffs.csv"), "-o", out("diff.json"), "--format", "json"}},
		{"dedupe", []string{"dedupe", data, "--config", dedupe, "--clusters", out("clusters.csv")}},
	}
	bound := limitMB*5/4 + 300
	for _, c := range commands {
		b.Run(c.name, func(b *testing.B) {
			var rss int64
			for b.Loop() {
				args := append([]string{"-v", os.Args[0], "--memory-limit", fmt.Sprintf("%dMB", limitMB), "--quiet"}, c.args...)
				cmd := exec.Command(timeBin, args...)
				cmd.Env = append(os.Environ(), "PLUMB_TEST_MAIN=1")
				var stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = nil, &stderr
				start := time.Now()
				if err := cmd.Run(); err != nil && exitStatus(err) != 1 {
					b.Fatalf("plumb %s: %v\n%s", c.name, err, tail(stderr.Bytes(), 2000))
				}
				kb := maxRSS(stderr.Bytes())
				rss = max(rss, kb)
				b.Logf("%s of %d rows with --memory-limit %dMB: %v, peak RSS %d MB (bound %d MB)",
					c.name, rows, limitMB, time.Since(start).Round(10*time.Millisecond), kb>>10, bound)
			}
			b.ReportMetric(float64(rss)/1024, "peak_rss_MB")
			if rss>>10 > bound {
				b.Errorf("%s: peak RSS %d MB passes the bound %d MB (limit %d MB + 25%% + 300 MB)", c.name, rss>>10, bound, limitMB)
			}
		})
	}
}

// tail is the last n bytes of b.
func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
