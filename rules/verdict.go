package rules

import (
	"fmt"
	"math"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/plumb-data/plumb/internal/numfmt"
)

func status(c Check, ok bool) string {
	switch {
	case ok:
		return StatusPass
	case c.Severity == SeverityWarn:
		return StatusWarn
	}
	return StatusFail
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
			ok = ok && new(big.Rat).SetInt64(n).Cmp(cc.Min.rat()) >= 0
		}
		if cc.Max != nil {
			want = append(want, fmt.Sprintf("at most %v", cc.Max))
			ok = ok && new(big.Rat).SetInt64(n).Cmp(cc.Max.rat()) <= 0
		}
		r.Detail = fmt.Sprintf("%s rows; want %s", numfmt.Int(n), strings.Join(want, " and "))
	case Freshness:
		newest, isTime := v.(time.Time)
		if !isTime {
			ok = false
			r.Detail = fmt.Sprintf("no %s values read as timestamps; want one within %s", cc.Columns[0], formatAge(cc.MaxAge))
			break
		}
		age := ev.opts.Now().Sub(newest)
		if age < 0 {
			// A value from the future is a wrong clock or a wrong value,
			// never a fresh one.
			ok = false
			r.Detail = fmt.Sprintf("newest %s is %s, %s in the future; want one within %s, and none after now", cc.Columns[0],
				newest.Format("2006-01-02 15:04:05"), formatAge(-age), formatAge(cc.MaxAge))
			break
		}
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
