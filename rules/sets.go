package rules

import (
	"context"
	"fmt"
	"strings"

	"github.com/plumb-data/plumb/engine"
)

// Checks over sets of rows (unique, duplicate_rows) find their failing
// rows before the scan, by grouping; their positions go into one table of
// (names.pos, names.bits), bit k for the k-th such check, which the scan
// joins.

// compileUnique groups the table by the key, and when some keys repeat,
// notes the positions of every row holding one.
func (ev *evaluation) compileUnique(ctx context.Context, cc *compiled) error {
	ev.opts.progress("grouping for " + cc.Name)
	keys := make([]string, len(cc.cols))
	var notNull []string
	for k, i := range cc.cols {
		keys[k] = ev.names.raw(i)
		notNull = append(notNull, ev.names.raw(i)+" IS NOT NULL")
	}
	filter := " WHERE " + cc.applies + " AND " + strings.Join(notNull, " AND ")
	dup := ev.scratch.Table("plumb_dupkeys")
	q := "CREATE TABLE " + engine.Ident(dup) + " AS SELECT " + strings.Join(keys, ", ") + " FROM " + ev.rel() + " r" +
		filter + " GROUP BY ALL HAVING count(*) > 1"
	if err := ev.setCheck(ctx, cc, q, dup, func(bit string) string {
		return "SELECT " + ev.names.order() + ", " + bit + " FROM " + ev.rel() + " r" + filter +
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
		cols = append(cols, ev.names.raw(i))
	}
	h := "hash(" + strings.Join(cols, ", ") + ")"
	filter := " WHERE " + cc.applies
	dup := ev.scratch.Table("plumb_duphash")
	q := "CREATE TABLE " + engine.Ident(dup) + " AS SELECT " + h + " AS h FROM " + ev.rel() + " r" + filter +
		" GROUP BY 1 HAVING count(*) > 1"
	if err := ev.setCheck(ctx, cc, q, dup, func(bit string) string {
		pos := ev.names.pos
		return "SELECT " + pos + ", " + bit + " FROM (SELECT " + ev.names.order() + " AS " + pos + ", row_number() OVER (PARTITION BY " +
			strings.Join(cols, ", ") + " ORDER BY " + ev.names.order() + ") AS n FROM " + ev.rel() + " r" + filter + " AND " + h +
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
	fail := func(err error) error { return ev.failure(ctx, cc, err, false) }
	if _, err := ev.db.ExecContext(ctx, group); err != nil {
		return fail(err)
	}
	if ev.nsets == 63 {
		return checkError(cc.Check, "at most 63 unique and duplicate_rows checks fit in one rules file")
	}
	k := ev.nsets
	ev.nsets++
	cc.fails = fmt.Sprintf("((coalesce(s.%s, 0) >> %d) & 1 = 1)", ev.names.bits, k)
	n, err := ev.db.Count(ctx, table)
	if err != nil {
		return fail(err)
	}
	if n == 0 {
		cc.fails = "false"
		return nil
	}
	if ev.sets == "" {
		ev.sets = ev.scratch.Table("plumb_setfails")
		if _, err := ev.db.ExecContext(ctx, "CREATE TABLE "+engine.Ident(ev.sets)+" ("+ev.names.pos+" BIGINT, "+ev.names.bits+" BIGINT)"); err != nil {
			return fail(err)
		}
	}
	q := "INSERT INTO " + engine.Ident(ev.sets) + " " + positions(fmt.Sprintf("(1::BIGINT << %d)", k))
	if _, err := ev.db.ExecContext(ctx, q); err != nil {
		return fail(err)
	}
	return nil
}
