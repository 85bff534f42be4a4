//go:build duckdb_arrow

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/internal/numfmt"
	"github.com/plumb-data/plumb/internal/outfile"
	"github.com/plumb-data/plumb/report"
	"github.com/plumb-data/plumb/source"
	"github.com/spf13/cobra"
)

// globals are the flags every command takes.
type globals struct {
	threads     int
	memoryLimit string
	tempDir     string
	logLevel    string
	quiet       bool
	stdin       io.Reader
	stdout      io.Writer
	stderr      io.Writer
	prog        *progress
	spillDir    string // where this run's DuckDB spills
	// profileBudget is the memory-limit share of a profile's Go
	// accumulators (profile.Options.MemoryBudget), set by openDB.
	profileBudget int64
}

// explain rewrites errors whose cause DuckDB's words hide.
func (g *globals) explain(err error) error {
	if err == nil || g.spillDir == "" {
		return err
	}
	msg := err.Error()
	if strings.Contains(msg, "failed to offload") || strings.Contains(msg, "No space left on device") ||
		strings.Contains(msg, "Could not write all bytes") {
		return fmt.Errorf("the disk holding %s is full: DuckDB spills work past --memory-limit there; free space, or give --temp-dir on a disk with room (%w)",
			filepath.Dir(g.spillDir), err)
	}
	if engine.OutOfMemory(err) {
		// DuckDB's own advice names its settings (SET threads, SET
		// memory_limit), which a plumb user does not type.
		msg = strings.TrimSpace(duckAdvice.ReplaceAllString(msg, ""))
		return fmt.Errorf("%s\nDuckDB ran out of memory within its share of --memory-limit (%.0f%%) in a step it could not spill: raise --memory-limit, or lower --threads", msg, duckDBShare*100)
	}
	return err
}

// duckAdvice is the advice DuckDB appends to an out-of-memory error.
var duckAdvice = regexp.MustCompile(`(?s)\s*Possible solutions:.*?how_to_tune_workloads`)

// progress is the command's progress line on stderr: shown only when
// stderr is a terminal and --quiet is not given.
func (g *globals) progress() *progress {
	if g.prog == nil {
		g.prog = newProgress(g.stderr, !g.quiet && isTerminal(g.stderr))
	}
	return g.prog
}

// run builds the command tree and runs it with args, returning the exit
// code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	g := &globals{stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRootCmd(g)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	return exitCode(ctx, g.explain(root.ExecuteContext(ctx)), stderr)
}

func newRootCmd(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "plumb",
		Short: "Profile, check, reconcile and deduplicate data extracts",
		Long: `plumb looks at the data integrations are built on: it loads extracts
(CSV, TSV, Parquet, JSON, NDJSON, Arrow; gzip or zstd; globs; stdin) into
an embedded DuckDB without losing a row, and reports what is in them.

Exit codes: 0 clean, 1 findings (rejected rows, failed checks,
differences), 2 usage or input error.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	pf := root.PersistentFlags()
	pf.IntVar(&g.threads, "threads", 0, "DuckDB worker threads (0: one per core)")
	pf.StringVar(&g.memoryLimit, "memory-limit", "", `memory limit, e.g. "4GB" or "25%" of RAM, for DuckDB (75%, spills past it) and Go together; a profile estimates quantiles and case variants past its share (default: 50% of RAM)`)
	pf.StringVar(&g.tempDir, "temp-dir", "", "directory where work larger than memory spills (default: the system temp dir)")
	pf.StringVar(&g.logLevel, "log-level", "warn", "log level on stderr: debug, info, warn, error")
	pf.BoolVarP(&g.quiet, "quiet", "q", false, "log errors only, show no progress")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w\nRun '%s --help' for usage", err, c.CommandPath())
	})
	root.AddCommand(newInspectCmd(g), newProfileCmd(g), newCheckCmd(g), newSuggestCmd(g), newDiffCmd(g), newDedupeCmd(g), newLinkCmd(g), newRunCmd(g), newHistoryCmd(g), newSchemaCmd(g), newVersionCmd(g))
	return root
}

// logger builds the stderr logger the flags ask for.
func (g *globals) logger() (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(g.logLevel)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", g.logLevel)
	}
	if g.quiet {
		level = slog.LevelError
	}
	return slog.New(slog.NewTextHandler(redactingWriter{g.stderr}, &slog.HandlerOptions{Level: level})), nil
}

// redactingWriter hides the secrets of source specs (database passwords,
// tokens) in what is written through it: every log line, SQL included.
type redactingWriter struct{ w io.Writer }

func (r redactingWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(r.w, source.Redact(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// openDB opens the DuckDB session the global flags describe. Spills go to
// --temp-dir, or to a fresh directory under the system's temp dir that is
// removed with the session.
func (g *globals) openDB(ctx context.Context, outputs ...string) (*engine.DB, func(), error) {
	return g.openDBFor(ctx, nil, outputs...)
}

// openDBFor is openDB for a session that loads the sources named by
// inputs (arguments as the user gave them), which decide, against
// --memory-limit, whether its tables are kept on disk.
func (g *globals) openDBFor(ctx context.Context, inputs []string, outputs ...string) (*engine.DB, func(), error) {
	log, err := g.logger()
	if err != nil {
		return nil, nil, err
	}
	limit, err := g.check()
	if err != nil {
		return nil, nil, err
	}
	for _, o := range outputs {
		if err := checkOutput(o); err != nil {
			return nil, nil, err
		}
	}
	if g.tempDir != "" {
		if err := writableDir(g.tempDir); err != nil {
			return nil, nil, fmt.Errorf("--temp-dir: %w", err)
		}
	}
	// Spill files, spooled standard input and the like go to a directory
	// of this run's own, removed with the session (and by a later run,
	// should this one be killed).
	tmp, err := outfile.MkdirTemp(g.tempDir)
	if err != nil {
		return nil, nil, fmt.Errorf("temporary directory: %w", err)
	}
	cleanup := func() { os.RemoveAll(tmp) }
	g.spillDir = tmp
	for _, o := range outputs {
		if o != "" && o != "-" {
			outfile.RemoveStale(o)
		}
	}
	duckLimit := ""
	if limit > 0 {
		// DuckDB keeps to its share by spilling; plumb's own Go memory
		// (profile accumulators, dedupe pairs) gets the rest as a soft
		// limit, so the collector works harder instead of growing.
		duck, goSoft, profile := memoryShares(limit)
		duckLimit = strconv.FormatInt(max(duck/1e6, 1), 10) + "MB"
		if os.Getenv("GOMEMLIMIT") == "" {
			debug.SetMemoryLimit(goSoft)
		}
		g.profileBudget = profile
	}
	db, err := engine.Open(ctx, engine.Config{Threads: g.threads, MemoryLimit: duckLimit, TempDir: tmp, Logger: log, Outputs: outputs, Inputs: inputs})
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return db, func() { db.Close(); cleanup() }, nil
}

// reportFlags are the flags of every command that writes a report.
type reportFlags struct {
	kind   report.Kind
	format string
	output string
}

// add gives c the report flags for results of kind k: --format lists
// only the formats k is rendered in.
func (r *reportFlags) add(c *cobra.Command, k report.Kind) {
	r.kind = k
	c.Flags().StringVar(&r.format, "format", "text", "report format: "+strings.Join(report.FormatsFor(k), ", "))
	c.Flags().StringVarP(&r.output, "output", "o", "", "write the report to this file instead of stdout")
}

// renderer checks the format before any work is done.
func (r *reportFlags) renderer() (report.Renderer, error) {
	rd, err := report.For(r.format, r.kind)
	if err != nil {
		return nil, fmt.Errorf("--format: %w", err)
	}
	return rd, nil
}

// write renders result to --output or stdout. A file is written under a
// temporary name and renamed when complete: a failed or interrupted run
// leaves nothing under --output.
func (r *reportFlags) write(g *globals, rd report.Renderer, result any) error {
	if r.output == "" || r.output == "-" {
		return report.Render(rd, g.stdout, result)
	}
	if err := checkOutput(r.output); err != nil {
		return err
	}
	f, err := outfile.Create(r.output)
	if err != nil {
		return fmt.Errorf("--output: %w", err)
	}
	defer f.Abort()
	w := bufio.NewWriterSize(f, 1<<16)
	if err := report.Render(rd, w, result); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("--output %s: %w", r.output, err)
	}
	return f.Commit()
}

// load reads a source for a command that works on its loaded rows, and
// says on stderr how many rows were rejected and so left out.
func (g *globals) load(ctx context.Context, db *engine.DB, src source.Source, opts engine.LoadOptions) (*engine.Table, error) {
	g.progress().Stage("loading " + src.Spec)
	opts.Stdin = g.stdin
	t, err := db.Load(ctx, src, opts)
	g.progress().Done()
	if err != nil {
		return nil, err
	}
	if t.RowsRejected > 0 {
		fmt.Fprintf(g.stderr, "plumb: %s: %s rejected while loading and left out (see plumb inspect %s)\n",
			t.Source, numfmt.Count(t.RowsRejected, "row"), t.Source)
	}
	return t, nil
}

// rejectsFinding says whether rows rejected at load make the run's exit
// code 1: they do unless --allow-rejects says they are expected.
func rejectsFinding(src *sourceFlags, tables ...*engine.Table) bool {
	if src.allowRejects {
		return false
	}
	for _, t := range tables {
		if t != nil && t.RowsRejected > 0 {
			return true
		}
	}
	return false
}

// runOne is the body of a command that works on one source: it loads the
// source as opts say, hands the table to run, writes the result run
// returns, and turns findings into exit code 1. outputs are the side
// files run writes (see openDB).
func (g *globals) runOne(ctx context.Context, src *sourceFlags, arg string, opts engine.LoadOptions, outputs []string, rep *reportFlags, rd report.Renderer,
	run func(ctx context.Context, db *engine.DB, t *engine.Table) (result any, findings bool, err error)) error {
	var res any
	var findings bool
	err := g.withSource(ctx, src, arg, opts, outputs, func(ctx context.Context, db *engine.DB, t *engine.Table) (err error) {
		res, findings, err = run(ctx, db, t)
		findings = findings || rejectsFinding(src, t)
		return err
	})
	if err != nil {
		return err
	}
	if err := rep.write(g, rd, res); err != nil {
		return err
	}
	if findings {
		return errFindings
	}
	return nil
}

// withSource opens a session that may write outputs, loads one source as
// opts say and hands the table to fn; the session closes when fn returns.
func (g *globals) withSource(ctx context.Context, src *sourceFlags, arg string, opts engine.LoadOptions, outputs []string,
	fn func(ctx context.Context, db *engine.DB, t *engine.Table) error) error {
	s, err := src.source(arg)
	if err != nil {
		return err
	}
	db, closeDB, err := g.openDBFor(ctx, []string{arg}, outputs...)
	if err != nil {
		return err
	}
	defer closeDB()
	t, err := g.load(ctx, db, s, opts)
	if err != nil {
		return err
	}
	defer g.progress().Done()
	return fn(ctx, db, t)
}

// parseBytes reads a size as DuckDB's memory_limit takes it: 1GB, 512MB,
// 2GiB, 1.5 GB, 100KB, or plain bytes. Percentages are not sizes.
func parseBytes(s string) (int64, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	num := strings.TrimRightFunc(s, func(r rune) bool { return r >= 'A' && r <= 'Z' || r == ' ' })
	unit := strings.TrimSpace(s[len(num):])
	f, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || f <= 0 {
		return 0, false
	}
	mult := map[string]float64{"": 1, "B": 1, "BYTES": 1,
		"KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12,
		"KIB": 1 << 10, "MIB": 1 << 20, "GIB": 1 << 30, "TIB": 1 << 40}[unit]
	if mult == 0 {
		return 0, false
	}
	return int64(f * mult), true
}
