package rules

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/plumb-data/plumb/engine"
)

// Options says how to check.
type Options struct {
	// Quarantine, when set, is a file (.csv or .parquet) to write every
	// row failing a row check to, with its source line and the names of
	// the checks it failed.
	Quarantine string
	// Passing, when set, is a file to write every other row to, as read.
	Passing string
	// BaseDir is where relative paths of references checks are looked
	// up first (the rules file's folder); "" means the working directory.
	BaseDir string
	// Samples is how many failing values to keep per check; 0 means 5.
	Samples int
	// Now is the clock for freshness checks; nil means time.Now.
	Now func() time.Time
	// Progress, when set, is told what is being done as the work moves
	// on (for a progress line); it may be called from several goroutines.
	Progress func(stage string)
}

// Names of the columns the quarantine file adds before the source's own.
const (
	QuarantineLine   = "_line"
	QuarantineFile   = "_file"
	QuarantineChecks = "_failed_checks"
)

// Run checks a loaded table against rules. The table should be loaded
// raw (as text), so that values that do not fit a type are checked, not
// rejected. Every row check is evaluated in one scan of the table (unique
// and duplicate_rows first group the table once each); samples and the
// quarantine come from the same predicates.
//
// A check that cannot be evaluated (a column the table lacks, SQL that
// does not bind) is a *ConfigError at the check's place in the rules file.
func Run(ctx context.Context, db *engine.DB, t *engine.Table, r *Rules, opts Options) (*Result, error) {
	if opts.Samples <= 0 {
		opts.Samples = 5
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	ev := &evaluation{db: db, t: t, opts: opts, cols: map[string]int{}}
	for i, c := range t.Columns {
		ev.cols[c.Name] = i
	}
	defer ev.cleanup(context.WithoutCancel(ctx))
	res := &Result{Dataset: r.Dataset, Source: t.Source, Rows: t.RowsLoaded, RowsRejected: t.RowsRejected, LineUnit: "line"}
	opts.progress(fmt.Sprintf("preparing %d checks", len(r.Checks)))
	if err := ev.compile(ctx, r); err != nil {
		return nil, err
	}
	opts.progress(fmt.Sprintf("evaluating %d checks over %s rows", len(r.Checks), group(t.RowsLoaded)))
	if err := ev.scan(ctx, res); err != nil {
		return nil, err
	}
	if err := ev.lines(ctx, res); err != nil {
		return nil, err
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
	db    *engine.DB
	t     *engine.Table
	opts  Options
	cols  map[string]int // column name → index in t.Columns
	drops []string       // tables to drop when done
	refs  map[string]*engine.Table
	li    *engine.LineIndex

	checks  []*compiled
	failing string // table of the rows failing some row check
	sets    string // table of positions failing set checks; "" if none
	nsets   int
}

// compiled is a check turned into SQL over the relation rel() builds.
type compiled struct {
	Check
	cols    []int  // resolved columns
	applies string // SQL: the row is one the check applies to
	fails   string // SQL: the row fails; "" for dataset checks
	value   string // SQL: the text shown for a failing row
	agg     string // a dataset check's aggregate: "count" of rows it applies to, or "max" of aggArg
	aggArg  string // SQL
	res     CheckResult
}

func (ev *evaluation) cleanup(ctx context.Context) {
	for _, name := range ev.drops {
		ev.db.ExecContext(ctx, "DROP TABLE IF EXISTS "+engine.Ident(name))
	}
	for _, ref := range ev.refs {
		ev.db.ExecContext(ctx, "DROP TABLE IF EXISTS "+engine.Ident(ref.Name))
		ev.db.ExecContext(ctx, "DROP TABLE IF EXISTS "+engine.Ident(ref.RejectsTable))
	}
	if ev.li != nil {
		ev.li.Drop(ctx, ev.db)
	}
}

// raw names the column holding column i as read; the relation also
// carries every column under its own name, typed as the sniffer saw it,
// for where clauses and expressions.
func raw(i int) string { return engine.Ident(fmt.Sprintf("plumb_raw_%d", i)) }

// pos orders rows by where they were read.
const pos = "((" + engine.PosFile + "::BIGINT << 40) + " + engine.PosRow + ")"

// rel is the relation every check reads.
func (ev *evaluation) rel() string {
	items := []string{engine.PosFile, engine.PosRow}
	for i, c := range ev.t.Columns {
		items = append(items, engine.Ident(c.Name)+" AS "+raw(i))
	}
	for _, c := range ev.t.Columns {
		items = append(items, ev.typed(c)+" AS "+engine.Ident(c.Name))
	}
	return "(SELECT " + strings.Join(items, ", ") + " FROM " + ev.t.Positioned() + ")"
}

// typed is column c as the type a typed load would have given it.
func (ev *evaluation) typed(c engine.Column) string {
	id := engine.Ident(c.Name)
	if c.Type != "VARCHAR" || c.Detected == "" {
		return id
	}
	var d engine.Dialect
	if len(ev.t.Files) > 0 && ev.t.Files[0].Dialect != nil {
		d = *ev.t.Files[0].Dialect
	}
	switch {
	case c.Detected == "DATE" && d.DateFormat != "":
		return "CAST(try_strptime(" + id + ", " + engine.Literal(d.DateFormat) + ") AS DATE)"
	case strings.HasPrefix(c.Detected, "TIMESTAMP") && d.TimestampFormat != "":
		return "try_strptime(" + id + ", " + engine.Literal(d.TimestampFormat) + ")"
	}
	return "TRY_CAST(" + id + " AS " + c.Detected + ")"
}

// text is column i as text.
func (ev *evaluation) text(i int) string {
	if ev.t.Columns[i].Type == "VARCHAR" {
		return raw(i)
	}
	return "CAST(" + raw(i) + " AS VARCHAR)"
}

func isNumericType(t string) bool {
	switch {
	case strings.HasPrefix(t, "DECIMAL"):
		return true
	}
	switch t {
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE":
		return true
	}
	return false
}

// number is column i as a DOUBLE, NULL where it is not a number.
func (ev *evaluation) number(i int) string {
	if isNumericType(ev.t.Columns[i].Type) {
		return "CAST(" + raw(i) + " AS DOUBLE)"
	}
	return "TRY_CAST(" + ev.text(i) + " AS DOUBLE)"
}

// timestamp is column i as a TIMESTAMP, NULL where it is not one.
func (ev *evaluation) timestamp(i int) string {
	c := ev.t.Columns[i]
	switch {
	case c.Type == "DATE" || strings.HasPrefix(c.Type, "TIMESTAMP"):
		return "CAST(" + raw(i) + " AS TIMESTAMP)"
	case c.Type == "VARCHAR" && (c.Detected == "DATE" || strings.HasPrefix(c.Detected, "TIMESTAMP")):
		return "coalesce(TRY_CAST(" + ev.typed(c) + " AS TIMESTAMP), TRY_CAST(" + raw(i) + " AS TIMESTAMP))"
	}
	return "TRY_CAST(" + ev.text(i) + " AS TIMESTAMP)"
}

func checkError(c Check, format string, args ...any) error {
	return &ConfigError{Line: c.Line, Column: c.Column, Err: fmt.Errorf("%s: "+format, append([]any{c.Name}, args...)...)}
}

// column resolves a column name: exactly, else ignoring case when that
// is unambiguous.
func (ev *evaluation) column(c Check, name string) (int, error) {
	if i, ok := ev.cols[name]; ok {
		return i, nil
	}
	found := -1
	for i, col := range ev.t.Columns {
		if strings.EqualFold(col.Name, name) {
			if found >= 0 {
				found = -2
				break
			}
			found = i
		}
	}
	if found >= 0 {
		return found, nil
	}
	names := make([]string, len(ev.t.Columns))
	for i, col := range ev.t.Columns {
		names[i] = col.Name
	}
	return 0, checkError(c, "no column %q in %s (columns: %s)", name, ev.t.Source, strings.Join(names, ", "))
}

func (ev *evaluation) compile(ctx context.Context, r *Rules) error {
	for _, c := range r.Checks {
		cc := &compiled{Check: c, applies: "true"}
		cc.res = CheckResult{Name: c.Name, Kind: c.Kind, Severity: c.Severity, Threshold: c.MaxFailures.String(), Line: c.Line}
		if c.Kind != Schema {
			cc.res.Columns = c.Columns
			for _, name := range c.Columns {
				i, err := ev.column(c, name)
				if err != nil {
					return err
				}
				cc.cols = append(cc.cols, i)
			}
		}
		if c.Where != "" {
			cc.applies = "coalesce((" + c.Where + ")::BOOLEAN, false)"
		}
		if err := ev.compileCheck(ctx, cc); err != nil {
			return err
		}
		ev.checks = append(ev.checks, cc)
	}
	// Bind every check's SQL at once; when that fails, bind each alone,
	// so that a mistake is reported at its check.
	rel := ev.rel()
	bind := func(items []string) error {
		rows, err := ev.db.QueryContext(ctx, "SELECT "+strings.Join(items, ", ")+" FROM "+rel+" r LIMIT 0")
		if err == nil {
			err = rows.Close()
		}
		return err
	}
	var all [][]string
	for _, cc := range ev.checks {
		items := []string{cc.applies}
		if cc.Kind != Unique && cc.Kind != DuplicateRows {
			for _, e := range []string{cc.fails, cc.value, cc.aggArg} {
				if e != "" {
					items = append(items, e)
				}
			}
		}
		all = append(all, items)
	}
	if bind(slices.Concat(all...)) == nil {
		return nil
	}
	for i, cc := range ev.checks {
		if err := bind(all[i]); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return checkError(cc.Check, "%s", ev.hint(cc, strings.TrimSpace(firstLine(err.Error()))))
		}
	}
	return nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// compileCheck sets a check's predicates.
func (ev *evaluation) compileCheck(ctx context.Context, cc *compiled) error {
	c := cc.Check
	var v string // the checked value as text
	if len(cc.cols) > 0 {
		v = ev.text(cc.cols[0])
		cc.value = v
	}
	// valueCheck: bad says when a non-null value fails.
	valueCheck := func(bad string) {
		if c.AllowNull {
			cc.fails = "(" + v + " IS NOT NULL AND coalesce(" + bad + ", true))"
		} else {
			cc.fails = "(" + v + " IS NULL OR coalesce(" + bad + ", true))"
		}
	}
	switch c.Kind {
	case NotNull:
		cc.fails = "(" + v + " IS NULL)"
	case AcceptedValues:
		vals := c.Values
		x := v
		if c.IgnoreCase {
			x = "lower(" + v + ")"
			vals = make([]string, len(c.Values))
			for i, s := range c.Values {
				vals[i] = strings.ToLower(s)
			}
		}
		valueCheck(x + " NOT IN " + inList(vals))
	case Range:
		i := cc.cols[0]
		x, lit := ev.number(i), func(b *Bound) string { return fmt.Sprintf("%v", b.Number) }
		if (c.Min != nil && c.Min.Text != "") || (c.Max != nil && c.Max.Text != "") {
			x = ev.timestamp(i)
			lit = func(b *Bound) string { return "CAST(" + engine.Literal(b.Text) + " AS TIMESTAMP)" }
		}
		bad := []string{x + " IS NULL"}
		if c.Min != nil {
			bad = append(bad, x+" < "+lit(c.Min))
		}
		if c.Max != nil {
			bad = append(bad, x+" > "+lit(c.Max))
		}
		valueCheck("(" + strings.Join(bad, " OR ") + ")")
	case Pattern:
		flags := ""
		if c.IgnoreCase {
			flags = ", 'i'"
		}
		valueCheck("NOT regexp_matches(" + v + ", " + engine.Literal(c.Regex) + flags + ")")
	case Length:
		var bad []string
		if c.Min != nil {
			bad = append(bad, fmt.Sprintf("length(%s) < %d", v, int64(c.Min.Number)))
		}
		if c.Max != nil {
			bad = append(bad, fmt.Sprintf("length(%s) > %d", v, int64(c.Max.Number)))
		}
		valueCheck("(" + strings.Join(bad, " OR ") + ")")
	case Type:
		valueCheck(typeFails(v, c.Type, c.Format))
	case Semantic:
		is, err := semanticSQL(ctx, ev.db, c.Type, v)
		if err != nil {
			return err
		}
		valueCheck("NOT " + is)
	case References:
		ref, keyCol, err := ev.reference(ctx, c)
		if err != nil {
			return err
		}
		key := engine.Ident(keyCol)
		valueCheck(v + " NOT IN (SELECT CAST(" + key + " AS VARCHAR) FROM " + engine.Ident(ref.Name) + " WHERE " + key + " IS NOT NULL)")
	case Expression:
		if c.AllowNull {
			cc.fails = "coalesce(NOT (" + c.SQL + ")::BOOLEAN, false)"
		} else {
			cc.fails = "coalesce(NOT (" + c.SQL + ")::BOOLEAN, true)"
		}
		cc.value = ev.rowText(ev.mentioned(c.SQL + " " + c.Where))
	case Unique:
		return ev.compileUnique(ctx, cc)
	case DuplicateRows:
		return ev.compileDuplicateRows(ctx, cc)
	case RowCount:
		cc.agg = "count"
	case Freshness:
		cc.agg, cc.aggArg = "max", ev.timestamp(cc.cols[0])
	case Schema:
	default:
		return checkError(c, "unknown kind %s", c.Kind)
	}
	return nil
}

func inList(vals []string) string {
	out := make([]string, len(vals))
	for i, s := range vals {
		out[i] = engine.Literal(s)
	}
	return "(" + strings.Join(out, ", ") + ")"
}

// typeFails is the SQL that says a text value is not of a type.
func typeFails(v, typ, format string) string {
	switch typ {
	case "boolean":
		return "TRY_CAST(" + v + " AS BOOLEAN) IS NULL"
	case "integer":
		return "TRY_CAST(" + v + " AS HUGEINT) IS NULL"
	case "decimal":
		return "TRY_CAST(" + v + " AS DOUBLE) IS NULL"
	}
	sqlType := map[string]string{"date": "DATE", "timestamp": "TIMESTAMP"}[typ]
	if format != "" {
		return "try_strptime(" + v + ", " + engine.Literal(format) + ") IS NULL"
	}
	return "TRY_CAST(" + v + " AS " + sqlType + ") IS NULL"
}

var identRE = regexp.MustCompile(`"(?:[^"]|"")+"|[\pL_][\pL\pN_]*`)

// mentioned returns the columns a SQL text names, in table order.
func (ev *evaluation) mentioned(sqlText string) []int {
	seen := map[int]bool{}
	for _, m := range identRE.FindAllString(sqlText, -1) {
		if strings.HasPrefix(m, `"`) {
			m = strings.ReplaceAll(m[1:len(m)-1], `""`, `"`)
		}
		if i, ok := ev.cols[m]; ok {
			seen[i] = true
			continue
		}
		for i, c := range ev.t.Columns {
			if strings.EqualFold(c.Name, m) {
				seen[i] = true
			}
		}
	}
	var out []int
	for i := range ev.t.Columns {
		if seen[i] {
			out = append(out, i)
		}
	}
	return out
}

// rowText shows columns as "name=value, ..." (all columns when none are
// given).
func (ev *evaluation) rowText(cols []int) string {
	if len(cols) == 0 {
		for i := range ev.t.Columns {
			cols = append(cols, i)
		}
	}
	parts := make([]string, len(cols))
	for k, i := range cols {
		parts[k] = engine.Literal(ev.t.Columns[i].Name+"=") + " || coalesce(" + ev.text(i) + ", 'NULL')"
	}
	return "concat_ws(', ', " + strings.Join(parts, ", ") + ")"
}

// Checks over sets of rows (unique, duplicate_rows) find their failing
// rows before the scan, by grouping; their positions go into one table of
// (position, bits), bit k for the k-th such check, which the scan joins.
const setBits = "plumb_bits"

// compileUnique groups the table by the key, and when some keys repeat,
// notes the positions of every row holding one.
func (ev *evaluation) compileUnique(ctx context.Context, cc *compiled) error {
	ev.opts.progress("grouping for " + cc.Name)
	keys := make([]string, len(cc.cols))
	var notNull []string
	for k, i := range cc.cols {
		keys[k] = raw(i)
		notNull = append(notNull, raw(i)+" IS NOT NULL")
	}
	filter := " WHERE " + cc.applies + " AND " + strings.Join(notNull, " AND ")
	dup := ev.db.TempName("plumb_dupkeys")
	q := "CREATE TABLE " + engine.Ident(dup) + " AS SELECT " + strings.Join(keys, ", ") + " FROM " + ev.rel() + " r" +
		filter + " GROUP BY ALL HAVING count(*) > 1"
	if err := ev.setCheck(ctx, cc, q, dup, func(bit string) string {
		return "SELECT " + pos + ", " + bit + " FROM " + ev.rel() + " r" + filter +
			" AND (" + strings.Join(keys, ", ") + ") IN (SELECT (" + strings.Join(keys, ", ") + ") FROM " + engine.Ident(dup) + ")"
	}); err != nil {
		return err
	}
	if len(cc.cols) > 1 {
		cc.value = ev.rowText(cc.cols)
	}
	return nil
}

// compileDuplicateRows groups the table by a hash of each row, then
// compares the rows whose hash repeats exactly: every row that repeats an
// earlier one fails.
func (ev *evaluation) compileDuplicateRows(ctx context.Context, cc *compiled) error {
	ev.opts.progress("grouping for " + cc.Name)
	var cols []string
	for i := range ev.t.Columns {
		cols = append(cols, raw(i))
	}
	h := "hash(" + strings.Join(cols, ", ") + ")"
	filter := " WHERE " + cc.applies
	dup := ev.db.TempName("plumb_duphash")
	q := "CREATE TABLE " + engine.Ident(dup) + " AS SELECT " + h + " AS h FROM " + ev.rel() + " r" + filter +
		" GROUP BY 1 HAVING count(*) > 1"
	if err := ev.setCheck(ctx, cc, q, dup, func(bit string) string {
		return "SELECT plumb_pos, " + bit + " FROM (SELECT " + pos + " AS plumb_pos, row_number() OVER (PARTITION BY " +
			strings.Join(cols, ", ") + " ORDER BY " + pos + ") AS n FROM " + ev.rel() + " r" + filter + " AND " + h +
			" IN (SELECT h FROM " + engine.Ident(dup) + ")) WHERE n > 1"
	}); err != nil {
		return err
	}
	cc.value = ev.rowText(nil)
	return nil
}

// setCheck runs a set check's grouping query (into table), and when it
// found anything, adds the failing positions that positions(bit) selects
// to the set table.
func (ev *evaluation) setCheck(ctx context.Context, cc *compiled, group, table string, positions func(bit string) string) error {
	fail := func(err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return checkError(cc.Check, "%s", ev.hint(cc, firstLine(err.Error())))
	}
	if _, err := ev.db.ExecContext(ctx, group); err != nil {
		return fail(err)
	}
	ev.drops = append(ev.drops, table)
	if ev.nsets == 63 {
		return checkError(cc.Check, "at most 63 unique and duplicate_rows checks fit in one rules file")
	}
	k := ev.nsets
	ev.nsets++
	cc.fails = fmt.Sprintf("((coalesce(s.%s, 0) >> %d) & 1 = 1)", setBits, k)
	var n int64
	if err := ev.db.QueryRowContext(ctx, "SELECT count(*) FROM "+engine.Ident(table)).Scan(&n); err != nil {
		return fail(err)
	}
	if n == 0 {
		cc.fails = "false"
		return nil
	}
	if ev.sets == "" {
		ev.sets = ev.db.TempName("plumb_setfails")
		if _, err := ev.db.ExecContext(ctx, "CREATE TABLE "+engine.Ident(ev.sets)+" (plumb_pos BIGINT, "+setBits+" BIGINT)"); err != nil {
			return fail(err)
		}
		ev.drops = append(ev.drops, ev.sets)
	}
	q := "INSERT INTO " + engine.Ident(ev.sets) + " " + positions(fmt.Sprintf("(1::BIGINT << %d)", k))
	if _, err := ev.db.ExecContext(ctx, q); err != nil {
		return fail(err)
	}
	return nil
}

// reference loads a references check's other source (once per source).
func (ev *evaluation) reference(ctx context.Context, c Check) (*engine.Table, string, error) {
	spec := c.To
	if ev.opts.BaseDir != "" && !filepath.IsAbs(spec) && !strings.Contains(spec, "://") {
		if p := filepath.Join(ev.opts.BaseDir, spec); exists(p) || !exists(spec) {
			spec = p
		}
	}
	if ev.refs == nil {
		ev.refs = map[string]*engine.Table{}
	}
	ref := ev.refs[spec]
	if ref == nil {
		src, err := engine.ParseSource(spec)
		if err != nil {
			return nil, "", checkError(c, "to %s: %v", c.To, err)
		}
		ref, err = ev.db.Load(ctx, src, engine.LoadOptions{Raw: true})
		if err != nil {
			return nil, "", checkError(c, "%v", err)
		}
		ev.refs[spec] = ref
	}
	for _, col := range ref.Columns {
		if col.Name == c.Key {
			return ref, col.Name, nil
		}
	}
	for _, col := range ref.Columns {
		if strings.EqualFold(col.Name, c.Key) {
			return ref, col.Name, nil
		}
	}
	return nil, "", checkError(c, "no column %q in %s", c.Key, c.To)
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// scan evaluates every row check in one pass over the table, which
// keeps the failing rows (their positions, which checks they fail and the
// values to show) in a table; counts, samples and the quarantine come from
// that table. Dataset checks, and the row counts of checks with a where,
// take one more pass over just the columns they read.
func (ev *evaluation) scan(ctx context.Context, res *Result) error {
	if ev.rowChecks() > 0 {
		ev.failing = ev.db.TempName("plumb_failing")
		q := "CREATE TABLE " + engine.Ident(ev.failing) + " AS SELECT * FROM " + ev.flags() + " WHERE plumb_any"
		if _, err := ev.db.ExecContext(ctx, q); err != nil {
			if ctx.Err() == nil {
				if cerr := ev.culprit(ctx); cerr != nil {
					return cerr
				}
			}
			return fmt.Errorf("check %s: %w", ev.t.Source, err)
		}
		ev.drops = append(ev.drops, ev.failing)
	}
	var items []string
	var fill []func(v any)
	for _, cc := range ev.checks {
		r := &cc.res
		switch {
		case cc.fails != "" && cc.Where == "":
			r.Rows = ev.t.RowsLoaded
		case cc.fails != "":
			items = append(items, "count(*) FILTER (WHERE "+cc.applies+")")
			fill = append(fill, func(v any) { r.Rows = toInt(v) })
		case cc.agg == "count":
			items = append(items, "count(*) FILTER (WHERE "+cc.applies+")")
			fill = append(fill, func(v any) { ev.dataset(cc, v) })
		case cc.agg == "max":
			items = append(items, "max("+cc.aggArg+") FILTER (WHERE "+cc.applies+")")
			fill = append(fill, func(v any) { ev.dataset(cc, v) })
		}
	}
	if len(items) > 0 {
		if err := ev.row(ctx, "SELECT "+strings.Join(items, ", ")+" FROM "+ev.rel()+" r", fill); err != nil {
			return err
		}
	}
	if ev.failing != "" {
		items, fill = []string{"count(*)"}, []func(any){func(v any) { res.FailingRows = toInt(v) }}
		for k, cc := range ev.checks {
			if cc.fails == "" {
				continue
			}
			r := &cc.res
			f := fmt.Sprintf("plumb_f%d", k)
			sample := fmt.Sprintf("{'f': %s, 'r': %s, 'v': plumb_v%d}", engine.PosFile, engine.PosRow, k)
			items = append(items, "count(*) FILTER (WHERE "+f+")",
				fmt.Sprintf("min_by(%s, plumb_pos, %d) FILTER (WHERE %s)", sample, ev.opts.Samples, f))
			fill = append(fill, func(v any) { r.Failed = toInt(v) }, func(v any) { r.Samples = samples(v) })
		}
		if err := ev.row(ctx, "SELECT "+strings.Join(items, ", ")+" FROM "+engine.Ident(ev.failing), fill); err != nil {
			return err
		}
	}
	for _, cc := range ev.checks {
		r := &cc.res
		switch {
		case cc.Kind == Schema:
			ev.schema(cc)
		case cc.fails != "":
			if r.Rows > 0 {
				r.Share = float64(r.Failed) / float64(r.Rows)
			}
			r.Status = status(cc.Check, cc.MaxFailures.Allows(r.Failed, r.Rows))
		}
		res.Checks = append(res.Checks, *r)
	}
	return nil
}

// row runs a query returning one row and hands each value to its fill.
func (ev *evaluation) row(ctx context.Context, q string, fill []func(any)) error {
	vals := make([]any, len(fill))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := ev.db.QueryRowContext(ctx, q).Scan(ptrs...); err != nil {
		if ctx.Err() == nil {
			if cerr := ev.culprit(ctx); cerr != nil {
				return cerr
			}
		}
		return fmt.Errorf("check %s: %w", ev.t.Source, err)
	}
	for i, f := range fill {
		f(vals[i])
	}
	return nil
}

// samples reads a list of {f, r, v} structs.
func samples(v any) []Sample {
	list, _ := v.([]any)
	var out []Sample
	for _, e := range list {
		m, _ := e.(map[string]any)
		sm := Sample{Line: toInt(m["r"]), file: toInt(m["f"])}
		if v, ok := m["v"].(string); ok {
			sm.Value = v
		} else {
			sm.Null = true
		}
		out = append(out, sm)
	}
	return out
}

// culprit runs the checks that carry SQL of their own one at a time, to
// pin an error that only shows when rows are read (most often text that
// does not convert to the type an expression compares it with) on its
// check.
func (ev *evaluation) culprit(ctx context.Context) error {
	rel := ev.rel()
	for _, cc := range ev.checks {
		if cc.Where == "" && cc.Kind != Expression {
			continue
		}
		expr := "count(*) FILTER (WHERE " + cc.applies + ")"
		if cc.fails != "" && cc.Kind == Expression {
			expr = "count(*) FILTER (WHERE " + cc.applies + " AND " + cc.fails + ")"
		}
		_, err := ev.db.ExecContext(ctx, "SELECT "+expr+" FROM "+rel+" r")
		if err == nil {
			continue
		}
		return checkError(cc.Check, "%s", ev.hint(cc, firstLine(err.Error())))
	}
	return nil
}

var plainIdent = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// hint adds advice to a SQL error about text columns compared with other
// types: a column whose values are not all of one type stays text.
func (ev *evaluation) hint(cc *compiled, msg string) string {
	if !strings.Contains(msg, "Conversion Error") && !strings.Contains(msg, "Cannot compare values of type VARCHAR") &&
		!strings.Contains(msg, "No function matches") {
		return msg
	}
	for _, i := range ev.mentioned(cc.SQL + " " + cc.Where) {
		c := ev.t.Columns[i]
		if c.Type == "VARCHAR" && c.Detected == "" {
			name := c.Name
			if !plainIdent.MatchString(name) {
				name = engine.Ident(name)
			}
			return msg + fmt.Sprintf(" (%s is text: its values are not all of one type; convert it, e.g. TRY_CAST(%s AS INTEGER))", c.Name, name)
		}
	}
	return msg
}

func (ev *evaluation) rowChecks() int {
	n := 0
	for _, cc := range ev.checks {
		if cc.fails != "" {
			n++
		}
	}
	return n
}

// flags is the relation the scan keeps the failing rows of: each row's
// position, for each row check k whether the row fails it (plumb_fK) and
// if so the value to show (plumb_vK), and whether it fails any
// (plumb_any). Every predicate is computed once per row; the set checks'
// failures come in by one join.
func (ev *evaluation) flags() string {
	items := []string{"r." + engine.PosFile, "r." + engine.PosRow, pos + " AS plumb_pos"}
	var outer, fs []string
	for k, cc := range ev.checks {
		if cc.fails == "" {
			continue
		}
		f := fmt.Sprintf("plumb_f%d", k)
		items = append(items, "coalesce("+cc.applies+" AND "+cc.fails+", false) AS "+f)
		for i := range ev.t.Columns {
			if strings.Contains(cc.value, raw(i)) {
				items = append(items, "r."+raw(i))
			}
		}
		fs = append(fs, f)
		outer = append(outer, fmt.Sprintf("CASE WHEN %s THEN %s END AS plumb_v%d", f, cc.value, k))
	}
	from := ev.rel() + " r"
	if ev.sets != "" {
		from += " LEFT JOIN (SELECT plumb_pos, bit_or(" + setBits + ") AS " + setBits + " FROM " + engine.Ident(ev.sets) +
			" GROUP BY ALL) s ON s.plumb_pos = " + pos
	}
	keep := []string{engine.PosFile, engine.PosRow, "plumb_pos"}
	keep = append(keep, fs...)
	return "(SELECT " + strings.Join(append(keep, outer...), ", ") + ", " + strings.Join(fs, " OR ") + " AS plumb_any FROM (SELECT " +
		strings.Join(distinct(items), ", ") + " FROM " + from + "))"
}

func distinct(items []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, it := range items {
		if !seen[it] {
			seen[it] = true
			out = append(out, it)
		}
	}
	return out
}

func status(c Check, ok bool) string {
	switch {
	case ok:
		return StatusPass
	case c.Severity == "warn":
		return StatusWarn
	}
	return StatusFail
}

func toInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case uint64:
		return int64(x)
	case float64:
		return int64(x)
	}
	return 0
}

// dataset judges row_count and freshness from their aggregate.
func (ev *evaluation) dataset(cc *compiled, v any) {
	r := &cc.res
	r.Rows = ev.t.RowsLoaded
	ok := true
	switch cc.Kind {
	case RowCount:
		n := toInt(v)
		r.Rows = n
		var want []string
		if cc.Min != nil {
			want = append(want, fmt.Sprintf("at least %v", cc.Min))
			ok = ok && float64(n) >= cc.Min.Number
		}
		if cc.Max != nil {
			want = append(want, fmt.Sprintf("at most %v", cc.Max))
			ok = ok && float64(n) <= cc.Max.Number
		}
		r.Detail = fmt.Sprintf("%s rows; want %s", group(n), strings.Join(want, " and "))
	case Freshness:
		newest, isTime := v.(time.Time)
		if !isTime {
			ok = false
			r.Detail = fmt.Sprintf("no %s values read as timestamps; want one within %s", cc.Columns[0], formatAge(cc.MaxAge))
			break
		}
		age := ev.opts.Now().Sub(newest)
		ok = age <= cc.MaxAge
		r.Detail = fmt.Sprintf("newest %s is %s, %s old; want within %s", cc.Columns[0],
			newest.Format("2006-01-02 15:04:05"), formatAge(age), formatAge(cc.MaxAge))
	}
	if !ok {
		r.Failed = 1
	}
	r.Status = status(cc.Check, ok)
}

// formatAge writes a duration in days and hours, or smaller units.
func formatAge(d time.Duration) string {
	if d < 0 {
		return "-" + formatAge(-d)
	}
	switch {
	case d >= 48*time.Hour:
		days := int64(d / (24 * time.Hour))
		h := int64((d % (24 * time.Hour)) / time.Hour)
		if h == 0 {
			return fmt.Sprintf("%dd", days)
		}
		return fmt.Sprintf("%dd%dh", days, h)
	case d >= time.Hour:
		return fmt.Sprintf("%gh", math.Round(d.Hours()*10)/10)
	case d >= time.Minute:
		return fmt.Sprintf("%gm", math.Round(d.Minutes()*10)/10)
	}
	return d.Round(time.Second).String()
}

// schema compares the table's columns with the expected ones.
func (ev *evaluation) schema(cc *compiled) {
	r := &cc.res
	r.Rows = ev.t.RowsLoaded
	var missing, extra []string
	for _, want := range cc.Columns {
		if _, ok := ev.cols[want]; !ok {
			missing = append(missing, want)
		}
	}
	for _, c := range ev.t.Columns {
		if !slices.Contains(cc.Columns, c.Name) {
			extra = append(extra, c.Name)
		}
	}
	var parts []string
	ok := len(missing) == 0
	if len(missing) > 0 {
		parts = append(parts, "missing "+strings.Join(missing, ", "))
	}
	if len(extra) > 0 {
		if cc.AllowExtra {
			parts = append(parts, "extra (allowed) "+strings.Join(extra, ", "))
		} else {
			ok = false
			parts = append(parts, "extra "+strings.Join(extra, ", "))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("all %d columns present", len(cc.Columns)))
	}
	r.Detail = strings.Join(parts, "; ")
	if !ok {
		r.Failed = 1
	}
	r.Status = status(cc.Check, ok)
}

// lines turns the samples' positions into source line numbers.
func (ev *evaluation) lines(ctx context.Context, res *Result) error {
	var values []string
	for _, r := range res.Checks {
		for _, s := range r.Samples {
			values = append(values, fmt.Sprintf("(%d, %d)", s.file, s.Line))
		}
	}
	if len(values) == 0 && ev.opts.Quarantine == "" {
		return nil
	}
	li, err := ev.db.LineIndex(ctx, ev.t)
	if err != nil {
		return err
	}
	ev.li = li
	for _, ok := range li.Lines {
		if !ok {
			res.LineUnit = "row"
		}
	}
	if len(values) == 0 {
		return nil
	}
	join, line := li.Join("p")
	q := "SELECT p." + engine.PosFile + ", p." + engine.PosRow + ", " + line + " FROM (VALUES " + strings.Join(values, ", ") +
		") p(" + engine.PosFile + ", " + engine.PosRow + ")" + join
	rows, err := ev.db.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("sample lines: %w", err)
	}
	defer rows.Close()
	type key struct{ f, r int64 }
	m := map[key]int64{}
	for rows.Next() {
		var k key
		var l int64
		if err := rows.Scan(&k.f, &k.r, &l); err != nil {
			return err
		}
		m[k] = l
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for ci := range res.Checks {
		for si := range res.Checks[ci].Samples {
			s := &res.Checks[ci].Samples[si]
			s.Line = m[key{s.file, s.Line}]
			if len(ev.t.Files) > 1 {
				s.File = ev.t.Files[s.file].Path
			}
		}
	}
	return nil
}

// write writes the quarantine and passing files: the rows in the table
// of failing rows, and the others, in source order.
func (ev *evaluation) write(ctx context.Context) error {
	var names []string
	for k, cc := range ev.checks {
		if cc.fails != "" {
			names = append(names, fmt.Sprintf("CASE WHEN f.plumb_f%d THEN %s END", k, engine.Literal(cc.Name)))
		}
	}
	var orig []string
	for i, c := range ev.t.Columns {
		orig = append(orig, "r."+raw(i)+" AS "+engine.Ident(c.Name))
	}
	order := " ORDER BY r." + engine.PosFile + ", r." + engine.PosRow
	failing := "(SELECT NULL::INTEGER AS " + engine.PosFile + ", NULL::BIGINT AS " + engine.PosRow + " WHERE false)"
	if ev.failing != "" {
		failing = engine.Ident(ev.failing)
	}
	on := " ON f." + engine.PosFile + " = r." + engine.PosFile + " AND f." + engine.PosRow + " = r." + engine.PosRow
	if ev.opts.Quarantine != "" {
		if ev.li == nil {
			return errors.New("quarantine: no line index")
		}
		join, line := ev.li.Join("r")
		items := []string{line + " AS " + engine.Ident(QuarantineLine)}
		if len(ev.t.Files) > 1 {
			files := make([]string, len(ev.t.Files))
			for i, f := range ev.t.Files {
				files[i] = engine.Literal(f.Path)
			}
			items = append(items, "["+strings.Join(files, ", ")+"][r."+engine.PosFile+" + 1] AS "+engine.Ident(QuarantineFile))
		}
		checks := "''"
		if len(names) > 0 {
			checks = "concat_ws('; ', " + strings.Join(names, ", ") + ")"
		}
		items = append(items, checks+" AS "+engine.Ident(QuarantineChecks))
		q := "SELECT " + strings.Join(append(items, orig...), ", ") + " FROM " + ev.rel() + " r JOIN " + failing + " f" + on + join + order
		if err := ev.db.CopyQuery(ctx, q, ev.opts.Quarantine); err != nil {
			return fmt.Errorf("write quarantine: %w", err)
		}
	}
	if ev.opts.Passing != "" {
		q := "SELECT " + strings.Join(orig, ", ") + " FROM " + ev.rel() + " r ANTI JOIN " + failing + " f" + on + order
		if err := ev.db.CopyQuery(ctx, q, ev.opts.Passing); err != nil {
			return fmt.Errorf("write passing rows: %w", err)
		}
	}
	return nil
}

func (o Options) progress(stage string) {
	if o.Progress != nil {
		o.Progress(stage)
	}
}
