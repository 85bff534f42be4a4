//go:build duckdb_arrow

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/plumb-data/plumb/internal/synth"
)

// BenchmarkJobOverhead times plumb run on a job of three steps (profile,
// check, diff) over a generated extract against the same three commands
// run one after the other, each writing its JSON report, each a process
// of its own as a script would run them. The job does more (HTML and
// JUnit reports, summary, history, anomalies, history page, dashboard):
// the ratio is what that costs. Rounds alternate the two; the medians
// and the fastest rounds of the wall-clock time are compared, and the
// median CPU seconds of the processes.
//
//	flock /tmp/plumb-bench.lock go test -tags duckdb_arrow ./cmd/plumb -run '^$' -bench JobOverhead -benchtime 1x
//
// PLUMB_BENCH_ROWS sets the rows (default 500,000), PLUMB_BENCH_ROUNDS
// the rounds (default 5).
func BenchmarkJobOverhead(b *testing.B) {
	rows := envInt("PLUMB_BENCH_ROWS", 500_000)
	rounds := envInt("PLUMB_BENCH_ROUNDS", 5)
	src, err := synth.CachedFile(os.TempDir(), synth.Config{Rows: rows, Seed: 11})
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	rulesFile := filepath.Join(dir, "rules.yaml")
	rulesText := "checks:\n  - not_null: customer_id\n  - unique: customer_id\n  - not_null: email\n"
	jobText := fmt.Sprintf(`name: bench
sources: {crm: %q, copy: %q}
steps:
  - profile: {source: crm, baseline: none}
  - check: {source: crm, rules: rules.yaml}
  - diff: {source: crm, target: copy, key: customer_id}
`, src, src)
	jobFile := filepath.Join(dir, "job.yaml")
	for path, text := range map[string]string{rulesFile: rulesText, jobFile: jobText} {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	// cpu adds up the CPU seconds (user and system) of the processes run,
	// a measure other work on the machine disturbs less than the clock.
	var cpu float64
	exe := func(args ...string) {
		cmd := exec.Command(os.Args[0], append([]string{"--threads", "2"}, args...)...)
		cmd.Env = append(os.Environ(), "PLUMB_TEST_MAIN=1")
		if out, err := cmd.CombinedOutput(); err != nil && cmd.ProcessState.ExitCode() > 1 {
			b.Fatalf("plumb %v: %v\n%s", args, err, out)
		}
		cpu += (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	}
	out := filepath.Join(dir, "out")
	os.MkdirAll(out, 0o755)
	reports := filepath.Join(dir, "reports")
	commands := func() {
		exe("profile", src, "--format", "json", "-o", filepath.Join(out, "profile.json"))
		exe("check", src, "--rules", rulesFile, "--format", "json", "-o", filepath.Join(out, "check.json"))
		exe("diff", src, src, "--key", "customer_id", "--format", "json", "-o", filepath.Join(out, "diff.json"))
	}
	day := 0
	runJob := func() {
		day++
		exe("run", jobFile, "--reports", reports, "--at", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(day)*time.Hour).Format(time.RFC3339))
	}
	var jobCPU, cmdCPU []float64
	timed := func(f func(), cpus *[]float64) float64 {
		cpu = 0
		start := time.Now()
		f()
		*cpus = append(*cpus, cpu)
		return time.Since(start).Seconds()
	}
	// One of each first, so that files are in the page cache.
	commands()
	runJob()
	b.ResetTimer()
	for range b.N {
		var job, cmds []float64
		for r := range rounds {
			if r%2 == 0 {
				job = append(job, timed(runJob, &jobCPU))
				cmds = append(cmds, timed(commands, &cmdCPU))
			} else {
				cmds = append(cmds, timed(commands, &cmdCPU))
				job = append(job, timed(runJob, &jobCPU))
			}
		}
		// Other work on the machine only ever adds time: the fastest round
		// of each is the steadiest measure, the median the more common.
		j, c := medianOf(job), medianOf(cmds)
		jMin, cMin := slices.Min(job), slices.Min(cmds)
		b.ReportMetric(j, "job-s")
		b.ReportMetric(c, "commands-s")
		b.ReportMetric(j/c, "job/commands")
		b.ReportMetric(jMin/cMin, "min-job/min-commands")
		jc, cc := medianOf(jobCPU), medianOf(cmdCPU)
		b.ReportMetric(jc/cc, "cpu-job/cpu-commands")
		b.Logf("%d rows, %d rounds: plumb run %.3fs, the three commands %.3fs (medians), ratio %.3f; fastest rounds %.3fs and %.3fs, ratio %.3f; CPU seconds (medians) %.3f and %.3f, ratio %.3f\njob %.3f\ncommands %.3f\njob CPU %.3f\ncommands CPU %.3f",
			rows, rounds, j, c, j/c, jMin, cMin, jMin/cMin, jc, cc, jc/cc, job, cmds, jobCPU, cmdCPU)
	}
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

func medianOf(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}
