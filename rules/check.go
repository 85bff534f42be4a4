package rules

import (
	"context"
	"fmt"
	"time"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/internal/numfmt"
)

// Options says how to check.
type Options struct {
	// Quarantine, when set, is a file (.csv or .parquet) to write every
	// row failing a row check to, with its source line and the names of
	// the checks it failed. Run confines the session, so the session must
	// have been opened with it among engine.Config.Outputs.
	Quarantine string
	// Passing, when set, is a file to write every other row to, as read;
	// like Quarantine, one of the session's engine.Config.Outputs.
	Passing string
	// BaseDir is where relative paths of references checks are looked
	// up first (the rules file's folder); "" means the working directory.
	BaseDir string
	// AllowRejects says rows rejected at load are expected: the load
	// check that reports them warns instead of failing.
	AllowRejects bool
	// Samples is how many failing values to keep per check; 0 means 5.
	Samples int
	// Now is the clock for freshness checks; nil means time.Now.
	Now func() time.Time
	// Progress, when set, is told what is being done as the work moves
	// on (for a progress line); it may be called from several goroutines.
	Progress func(stage string)
}

// Names of the columns the quarantine file adds before the source's own:
// the line, the file (when the source has several), the checks failed
// ("load" for a row rejected at load), and for a rejected row why and its
// text as read (its own columns are NULL). When the source has a column
// of one of these names (in any case), the quarantine's gets more leading
// underscores until it has none: __line.
const (
	QuarantineLine   = "_line"
	QuarantineFile   = "_file"
	QuarantineChecks = "_failed_checks"
	QuarantineReason = "_reject_reason"
	QuarantineText   = "_reject_text"
)

// LoadOptions say how a source must be loaded to be checked: values are
// checked as written, so delimited text stays text (a check's where and
// expression see the types the sniffer saw, through typed views).
func LoadOptions() engine.LoadOptions { return engine.LoadOptions{Raw: true} }

// Run checks a loaded table against rules. The table should be loaded
// raw (as text), so that values that do not fit a type are checked, not
// rejected. Every row check is evaluated in one scan of the table (unique
// and duplicate_rows first group the table once each); samples and the
// quarantine come from the same predicates.
//
// A check that cannot be evaluated (a column the table lacks, SQL that
// does not bind) is a *ConfigError at the check's place in the rules file,
// or at its where or sql when that is what is wrong. Every where and sql
// is read by DuckDB's parser as one expression (engine.DB.ParseExpr)
// before any query holds it, and runs in a confined session: Run loads
// the sources of references checks, then calls db.Confine, so from then
// on the session reads no file and reaches no network, and writes only
// the outputs it was opened with. Load what else the session needs first.
func Run(ctx context.Context, db *engine.DB, t *engine.Table, r *Rules, opts Options) (*Result, error) {
	if opts.Samples <= 0 {
		opts.Samples = 5
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	ev := &evaluation{db: db, t: t, opts: opts, cols: map[string]int{}, scratch: db.NewScratch(), names: newNames(t.Columns)}
	for i, c := range t.Columns {
		ev.cols[c.Name] = i
	}
	defer ev.scratch.Drop(ctx)
	res := &Result{Dataset: r.Dataset, Source: t.Source, Rows: t.RowsLoaded, RowsRejected: t.RowsRejected, LineUnit: "line"}
	opts.progress(fmt.Sprintf("preparing %d checks", len(r.Checks)))
	if err := ev.compile(ctx, r); err != nil {
		return nil, err
	}
	opts.progress(fmt.Sprintf("evaluating %d checks over %s rows", len(r.Checks), numfmt.Int(t.RowsLoaded)))
	if err := ev.scan(ctx, res); err != nil {
		return nil, err
	}
	if err := ev.lines(ctx, res); err != nil {
		return nil, err
	}
	if t.RowsRejected > 0 {
		load, err := ev.loadCheck(ctx)
		if err != nil {
			return nil, err
		}
		res.Checks = append([]CheckResult{load}, res.Checks...)
	}
	if opts.Quarantine != "" || opts.Passing != "" {
		opts.progress("writing the quarantine and passing rows")
		if err := ev.write(ctx); err != nil {
			return nil, err
		}
	}
	for _, c := range res.Checks {
		switch c.Status {
		case StatusPass:
			res.Summary.Passed++
		case StatusWarn:
			res.Summary.Warned++
		case StatusFail:
			res.Summary.Failed++
		}
	}
	return res, nil
}

// evaluation is one Run's compiled checks and the tables they need.
type evaluation struct {
	db      *engine.DB
	t       *engine.Table
	opts    Options
	cols    map[string]int  // column name → index in t.Columns
	scratch *engine.Scratch // every table made for the evaluation
	names   names           // the columns Run adds beside t's
	refs    map[string]*engine.Table
	li      *engine.LineIndex

	checks  []*compiled
	failing string // table of the rows failing some row check
	sets    string // table of positions failing set checks; "" if none
	nsets   int
}

// compiled is a check turned into SQL over the relation rel() builds.
type compiled struct {
	Check
	where   *fragment // the check's where; nil when it has none
	sql     *fragment // an expression check's sql
	cols    []int     // resolved columns
	applies string    // SQL: the row is one the check applies to
	fails   string    // SQL: the row fails; "" for dataset checks
	value   string    // SQL: the text shown for a failing row
	agg     string    // a dataset check's aggregate: "count" of rows it applies to, or "max" of aggArg
	aggArg  string    // SQL
	// aggregate is an aggregate check's query (AggregateKinds).
	aggregate *aggregate
	res       CheckResult
}

// isSet reports whether the check is over sets of rows (see setBits).
func (cc *compiled) isSet() bool { return cc.Kind == Unique || cc.Kind == DuplicateRows }

func (o Options) progress(stage string) {
	if o.Progress != nil {
		o.Progress(stage)
	}
}
