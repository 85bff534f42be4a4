package suggest

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/internal/missing"
	"github.com/plumb-data/plumb/internal/numfmt"
	"github.com/plumb-data/plumb/profile"
	"github.com/plumb-data/plumb/rules"
)

// Result is a rules file proposed from a profile, with the evidence
// for each check.
type Result struct {
	Source string
	Rows   int64
	Rules  rules.Rules
	// Evidence[i] says why Rules.Checks[i] was proposed.
	Evidence []string
	// Left lists the checks considered and left out, with why.
	Left []string
	// columns[i] is the profile of the column Rules.Checks[i] checks
	// alone, if any.
	columns []*profile.Column
}

// maxTolerated is the largest share of failing rows a suggested check may
// have today; a check failing more says too little to propose.
const maxTolerated = 0.05

// LoadOptions say how a source must be loaded to suggest checks for it:
// as plumb check loads it, since every suggested check is tried on it.
func LoadOptions() engine.LoadOptions { return rules.LoadOptions() }

// Run proposes checks for a table from its profile: not_null where
// there are no nulls, unique for key candidates, accepted_values for
// low-cardinality columns, range from min and max, type, semantic type,
// pattern from a dominant shape, length, row count, duplicate rows and
// schema. Every proposed check is then run against the table itself:
// one that some rows fail gets a max_failures just above today's share
// (when at most 5%) or is left out, so the suggested rules pass on the
// data they were drawn from.
func Run(ctx context.Context, db *engine.DB, t *engine.Table, p *profile.Result) (*Result, error) {
	s := &Result{Source: t.Source, Rows: p.Rows}
	s.Rules.Dataset = datasetName(t.Source)
	var col *profile.Column // the column the checks added are on
	add := func(c rules.Check, why string) {
		if c.Severity == "" {
			c.Severity = rules.SeverityError
		}
		c.AllowNull = true
		c.Name = c.DefaultName()
		s.Rules.Checks = append(s.Rules.Checks, c)
		s.Evidence = append(s.Evidence, why)
		s.columns = append(s.columns, col)
	}
	var notNull []string
	for _, c := range p.Columns {
		switch blank := c.Empty.Count + c.Whitespace.Count; {
		case c.Rows == 0 || c.Nulls.Count > 0:
		case blank > 0:
			// not_null passes an empty or blank value, which is missing
			// all the same.
			s.Left = append(s.Left, fmt.Sprintf("not_null(%s): no nulls, but %s empty or blank values", c.Name, numfmt.Int(blank)))
		default:
			notNull = append(notNull, c.Name)
		}
	}
	if len(notNull) > 0 {
		add(rules.Check{Kind: rules.NotNull, Columns: notNull}, fmt.Sprintf("no nulls in %s rows", numfmt.Int(p.Rows)))
	}
	for i, key := range p.KeyCandidates {
		if len(key) > 1 && i > 0 {
			break
		}
		add(rules.Check{Kind: rules.Unique, Columns: key}, "unique and never null: a key candidate")
	}
	for i, c := range p.Columns {
		if c.Valid.Count == 0 {
			continue
		}
		col = &p.Columns[i]
		constant := hasFinding(c, "constant")
		if vals, ignoreCase, ok := acceptedValues(c, p.Rows); ok {
			why := fmt.Sprintf("%d distinct values", c.Distinct)
			if ignoreCase {
				why += ", in several cases"
			}
			if constant {
				why = fmt.Sprintf("a constant column: every value is %q today; is it meant to be?", vals[0])
			}
			add(rules.Check{Kind: rules.AcceptedValues, Columns: []string{c.Name}, Values: vals, IgnoreCase: ignoreCase}, why+markers(c))
		}
		col := []string{c.Name}
		switch c.InferredType {
		case profile.TypeInteger, profile.TypeDecimal:
			// A range says nothing of a constant (accepted_values does),
			// nor of codes with leading zeros.
			if n := c.Numeric; n != nil && !constant && !hasFinding(c, "leading_zeros") {
				lo, hi := math.Floor(n.Min), math.Ceil(n.Max)
				add(rules.Check{Kind: rules.Range, Columns: col, Min: &rules.Bound{Number: lo}, Max: &rules.Bound{Number: hi}},
					fmt.Sprintf("%s values from %s to %s", c.InferredType, n.MinValue, n.MaxValue)+markers(c))
			}
			add(rules.Check{Kind: rules.Type, Columns: col, Type: c.InferredType}, conformity(c))
		case profile.TypeBoolean:
			add(rules.Check{Kind: rules.Type, Columns: col, Type: c.InferredType}, conformity(c))
		case profile.TypeDate, profile.TypeTimestamp:
			chk := rules.Check{Kind: rules.Type, Columns: col, Type: c.InferredType}
			why := conformity(c)
			if len(c.DateFormats) > 0 {
				chk.Format = c.DateFormats[0].Value
				why += fmt.Sprintf("; %.1f%% written %s", c.DateFormats[0].Share*100, chk.Format)
			}
			add(chk, why)
		case profile.TypeText:
			if c.SemanticType != "" {
				for _, sh := range c.Semantic {
					if sh.Value == c.SemanticType {
						add(rules.Check{Kind: rules.Semantic, Columns: col, Type: c.SemanticType},
							fmt.Sprintf("%.1f%% of values look like %s", sh.Share*100, strings.ReplaceAll(c.SemanticType, "_", " ")))
					}
				}
			} else if len(c.Patterns) > 0 && c.Patterns[0].Share >= 0.9 {
				if re, ok := maskRegex(c.Patterns[0].Value); ok {
					add(rules.Check{Kind: rules.Pattern, Columns: col, Regex: re},
						fmt.Sprintf("%.1f%% of values have the shape %s", c.Patterns[0].Share*100, c.Patterns[0].Value)+markers(c))
				}
			}
			add(rules.Check{Kind: rules.Length, Columns: col, Min: &rules.Bound{Number: float64(c.Length.Min)}, Max: &rules.Bound{Number: float64(c.Length.Max)}},
				fmt.Sprintf("%d to %d characters, %d typical", c.Length.Min, c.Length.Max, c.Length.P50)+markers(c))
		}
	}
	col = nil
	add(rules.Check{Kind: rules.RowCount, Min: &rules.Bound{Number: 1}}, fmt.Sprintf("%s rows today", numfmt.Int(p.Rows)))
	if p.DuplicateRows == 0 && p.Sampled == "" {
		add(rules.Check{Kind: rules.DuplicateRows}, "no row repeats another")
	}
	var cols []string
	for _, c := range t.Columns {
		cols = append(cols, c.Name)
	}
	add(rules.Check{Kind: rules.Schema, Columns: cols, AllowExtra: true}, fmt.Sprintf("the %d columns read today; new ones are allowed", len(cols)))
	return s, s.verify(ctx, db, t)
}

// verify runs the suggested checks on the table and keeps those that
// pass, or fail on few enough rows to tolerate.
func (s *Result) verify(ctx context.Context, db *engine.DB, t *engine.Table) error {
	// Run the checks as a rules file would give them: not_null over
	// several columns is one check per column there.
	var data bytes.Buffer
	if err := s.WriteYAML(&data); err != nil {
		return err
	}
	parsed, err := rules.Parse(data.Bytes())
	if err != nil {
		return fmt.Errorf("suggest: read back the suggested rules: %w", err)
	}
	res, err := rules.Run(ctx, db, t, parsed, rules.Options{})
	if err != nil {
		return fmt.Errorf("suggest: try the checks: %w", err)
	}
	var keep []rules.Check
	var why []string
	var cols []*profile.Column
	results := map[string]rules.CheckResult{}
	for _, r := range res.Checks {
		results[r.Name] = r
	}
	for i, c := range s.Rules.Checks {
		r := results[c.Name]
		if c.Kind == rules.NotNull {
			// The profile counts nulls exactly as the check does.
			r = rules.CheckResult{Status: rules.StatusPass}
		}
		if col := s.columns[i]; col != nil && r.Detail == "" && (c.Kind == rules.Type || c.Kind == rules.Semantic) {
			s.Evidence[i] = conforming(c, *col, r)
		}
		switch {
		case r.Status == rules.StatusPass:
		case r.Rows > 0 && r.Detail == "" && r.Share <= maxTolerated:
			share := math.Ceil(r.Share*1000) / 1000 // to 0.1%, rounded up
			c.MaxFailures = rules.Threshold{Share: share, IsShare: true}
			s.Evidence[i] += fmt.Sprintf("; %s rows (%.2f%%) fail today", numfmt.Int(r.Failed), r.Share*100)
		default:
			s.Left = append(s.Left, fmt.Sprintf("%s: %s", c.Name, strings.TrimPrefix(r.Detail+failText(r), "; ")))
			continue
		}
		keep = append(keep, c)
		why = append(why, s.Evidence[i])
		cols = append(cols, s.columns[i])
	}
	s.Rules.Checks, s.Evidence, s.columns = keep, why, cols
	return nil
}

func failText(r rules.CheckResult) string {
	if r.Detail != "" {
		return ""
	}
	return fmt.Sprintf("%s of %s rows (%.1f%%) fail today", numfmt.Int(r.Failed), numfmt.Int(r.Rows), r.Share*100)
}

// conforming is the evidence of a type or semantic check, on the
// values the check tries (every non-null one) as the check found them,
// so that it agrees with the rows that fail today.
func conforming(chk rules.Check, c profile.Column, r rules.CheckResult) string {
	nonNull := c.Rows - c.Nulls.Count
	what := "are " + chk.Type + "s"
	if chk.Kind == rules.Semantic {
		what = "look like " + strings.ReplaceAll(chk.Type, "_", " ")
	}
	why := fmt.Sprintf("%s of %s non-null values %s", numfmt.Int(nonNull-r.Failed), numfmt.Int(nonNull), what)
	if chk.Format != "" && len(c.DateFormats) > 0 {
		why += fmt.Sprintf("; %.1f%% written %s", c.DateFormats[0].Share*100, chk.Format)
	}
	return why + markers(c)
}

// markers notes the empty, blank and sentinel values of a column, which
// a check of its values fails (the profile leaves them out of its
// figures).
func markers(c profile.Column) string {
	var parts []string
	for _, m := range []struct {
		n    int64
		kind string
	}{{c.Empty.Count, "empty"}, {c.Whitespace.Count, "blank"}, {c.Sentinels.Count, "sentinel"}} {
		if m.n > 0 {
			parts = append(parts, numfmt.Int(m.n)+" "+m.kind)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (its " + strings.Join(parts, ", ") + " values fail it)"
}

func hasFinding(c profile.Column, name string) bool {
	return slices.ContainsFunc(c.Findings, func(f profile.Share) bool { return f.Value == name })
}

func conformity(c profile.Column) string {
	for _, s := range c.Conformity {
		if s.Value == c.InferredType {
			return fmt.Sprintf("%.1f%% of values are %ss", s.Share*100, c.InferredType)
		}
	}
	return c.InferredType
}

// acceptedValues proposes the value list of a low-cardinality column:
// at most 12 values, when most values repeat. Values that differ only by
// case become one, checked ignoring case; sentinels are left out.
func acceptedValues(c profile.Column, rows int64) ([]string, bool, bool) {
	if c.Distinct == 0 || c.Distinct > 20 || int64(len(c.Top)) < c.Distinct || c.Distinct*20 > rows {
		return nil, false, false
	}
	var vals []string
	seen := map[string]bool{}
	ignoreCase := false
	for _, t := range c.Top {
		if slices.Contains(missing.Sentinels, t.Value) || strings.TrimSpace(t.Value) == "" {
			continue
		}
		low := strings.ToLower(t.Value)
		if seen[low] {
			ignoreCase = true
			continue
		}
		seen[low] = true
		vals = append(vals, t.Value)
	}
	if len(vals) == 0 || len(vals) > 12 {
		return nil, false, false
	}
	if ignoreCase {
		for i := range vals {
			vals[i] = strings.ToLower(vals[i])
		}
	}
	slices.Sort(vals)
	return vals, ignoreCase, true
}

// maskRegex turns a shape mask of ASCII into an anchored regex: 9 a digit,
// A an upper-case letter, a a lower-case letter.
func maskRegex(mask string) (string, bool) {
	if mask == "" || len(mask) > 40 {
		return "", false
	}
	var b strings.Builder
	b.WriteByte('^')
	for i := 0; i < len(mask); {
		c := mask[i]
		if c >= utf8.RuneSelf {
			return "", false
		}
		j := i
		for j < len(mask) && mask[j] == c {
			j++
		}
		switch c {
		case '9':
			b.WriteString("[0-9]")
		case 'A':
			b.WriteString("[A-Z]")
		case 'a':
			b.WriteString("[a-z]")
		default:
			b.WriteString(regexpQuote(string(c)))
		}
		if j-i > 1 {
			fmt.Fprintf(&b, "{%d}", j-i)
		}
		i = j
	}
	b.WriteByte('$')
	return b.String(), true
}

func regexpQuote(s string) string {
	if strings.ContainsAny(s, `\.+*?()|[]{}^$`) {
		return `\` + s
	}
	return s
}

func datasetName(source string) string {
	base := filepath.Base(source)
	for {
		ext := filepath.Ext(base)
		if ext == "" || ext == base {
			break
		}
		base = strings.TrimSuffix(base, ext)
	}
	return base
}
