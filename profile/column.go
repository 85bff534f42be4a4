package profile

import (
	"math"
	"slices"
	"strings"
)

// ymdColumn reports whether the column holds dates written %Y%m%d:
// nearly all its values (95%, as for any inferred type) are dates, most
// of them written so.
func (a *accumulator) ymdColumn() bool {
	return a.ymd.n > 0 && a.ymd.n >= a.types[tDate] && share(a.ymd.n+a.types[tDate], a.valid) >= 0.95
}

// skewed is the skewness (in either direction) past which a column of
// numbers is skewed: twice what is commonly held highly skewed.
const skewed = 2

// highCardinality is the number of distinct values past which a text
// column of mostly distinct values, but no key, has high cardinality: a
// category with too many categories, or an identifier that repeats.
const highCardinality = 50

// codes reports whether a column of numbers holds codes rather than
// quantities, whose range and mean mean nothing: some of its values have
// leading zeros, or it holds postal codes some of which are not numbers
// (ZIP+4, "12345-6789").
func (a *accumulator) codes(semanticType string) bool {
	if a.findings[slices.Index(findingNames[:], "leading_zeros")] > 0 {
		return true
	}
	if semanticType != "postal_code" {
		return false
	}
	for p := range a.patterns {
		if postalMasks[p] && strings.Trim(p, "9") != "" {
			return true
		}
	}
	return false
}

// release gives back the budget the accumulator holds for values: the
// parsed ones (finish has read what it needs of them) and the spare.
func (a *accumulator) release() {
	for _, v := range []*values{&a.nums, &a.times, &a.dayMonth.md, &a.dayMonth.dm, &a.ymd.times} {
		v.release()
	}
}

// finish computes the column's profile.
func (a *accumulator) finish() Column {
	defer a.mem.close()
	if len(a.patterns) == 0 {
		// A pattern a shape, most often: grown key by key, the map
		// rehashed itself as often as it doubled.
		a.patterns = make(map[string]int64, min(len(a.shapeOrder), maxTracked))
	}
	for _, sh := range a.shapeOrder {
		addBounded(a.patterns, sh.patKey, sh.count)
		addBounded(a.compact, sh.compact, sh.count)
	}
	a.overflow.into(a.patterns)
	a.overflowCompact.into(a.compact)
	a.shapeOrder, a.shapes = nil, shapeTable{}
	c := Column{Name: a.name, LoadedType: a.loadedType, Rows: a.rows, Nulls: a.count(a.nulls), Empty: a.count(a.empty),
		Whitespace: a.count(a.ws), Sentinels: a.count(a.sent), Valid: a.count(a.valid),
		Distinct: a.distinct, DuplicateValues: a.dupValues, MinText: a.minText, MaxText: a.maxText,
		Conformity: []Share{}, Patterns: []Share{}, CompactPatterns: []Share{}, Top: []Share{}, Semantic: []Share{}, Findings: []Share{}}
	if nonNull := a.rows - a.nulls; nonNull > 0 {
		c.Uniqueness = share(a.distinct, nonNull)
	}
	if !booleanPair(a.boolSeen, true) {
		a.types[tBoolean] = 0
	}
	if !booleanPair(a.boolSeen, false) {
		a.semantic[semBoolean] = 0
	}
	for i, t := range typeOrder {
		c.Conformity = append(c.Conformity, Share{Value: t, Count: a.types[i], Share: share(a.types[i], a.valid)})
	}
	c.InferredType = TypeText
	for _, s := range c.Conformity {
		if a.valid > 0 && s.Share >= 0.95 {
			c.InferredType = s.Value
			break
		}
	}
	if a.ymdColumn() {
		// Eight-digit dates are integers too; as dates, those that are
		// not valid dates ("19551192") are the column's invalid values.
		c.InferredType = TypeDate
		for _, i := range []int{tDate, tTimestamp} {
			a.types[i] += a.ymd.n
			c.Conformity[i] = Share{Value: typeOrder[i], Count: a.types[i], Share: share(a.types[i], a.valid)}
		}
		a.dates.add(ymdFormat, a.ymd.n)
		a.times.merge(&a.ymd.times)
		a.timeExt.merge(a.ymd.ext)
		for _, v := range a.ymd.miss {
			a.invalid = keepSmallest(a.invalid, v, 5)
		}
	}
	a.resolveDayMonth()
	if c.InferredType == TypeDate || c.InferredType == TypeTimestamp || len(a.dates)+len(a.stamps) > 0 {
		all := map[string]int64{}
		for _, f := range a.dates {
			all[f.format] += f.n
		}
		for _, f := range a.stamps {
			all[f.format] += f.n
		}
		c.DateFormats = shares(all, a.valid, 0, nil)
		if c.InferredType == TypeDate || c.InferredType == TypeTimestamp {
			c.InvalidExamples = a.invalid
		}
		var used int
		for _, f := range c.DateFormats {
			if f.Share >= 0.01 {
				used++
			}
		}
		if used > 1 {
			var minority int64
			for _, f := range c.DateFormats[1:] {
				minority += f.Count
			}
			a.finding("mixed_date_formats", c.DateFormats[0].Value+" / "+c.DateFormats[1].Value, minority)
		}
	}
	if a.valid > 0 {
		c.Length = Length{Min: a.lenMin, Max: a.lenMax, Mean: math.Round(float64(a.lenSum)/float64(a.valid)*100) / 100,
			P50: lengthQuantile(a.lengths, a.valid, 0.5), P95: lengthQuantile(a.lengths, a.valid, 0.95)}
	}
	c.Length.Over = a.lengths.over(TargetLimits)
	for _, o := range c.Length.Over {
		if o.Limit == 255 {
			c.Length.Over255 = o.Count
		}
	}
	sem := map[string]int64{}
	for i, n := range a.semantic {
		if n > 0 {
			sem[SemanticTypes[i]] = n
		}
	}
	c.Semantic = shares(sem, a.valid, 0, nil)
	if len(c.Semantic) > 0 && c.Semantic[0].Share >= 0.8 {
		c.SemanticType = c.Semantic[0].Value
	}
	if c.InferredType == TypeInteger || c.InferredType == TypeDecimal {
		switch {
		case a.codes(c.SemanticType):
			c.InferredType = TypeText
		case c.SemanticType == "postal_code":
			// Four or five digits, and nothing says they are codes:
			// years, counts, amounts.
			c.SemanticType = ""
		}
	}
	quantilesApprox := false
	if c.InferredType == TypeInteger || c.InferredType == TypeDecimal {
		var tl tail
		quantilesApprox = a.nums.approx()
		c.Numeric, tl = a.nums.stats(a.numExt)
		if math.Abs(tl.skewness) >= skewed && tl.count > 0 {
			extreme := c.Numeric.MaxValue
			if tl.skewness < 0 {
				extreme = c.Numeric.MinValue
			}
			a.finding("skewed", extreme, tl.count)
		}
	} else if c.InferredType == TypeDate || c.InferredType == TypeTimestamp {
		quantilesApprox = a.times.approx()
		c.Numeric, _ = a.times.stats(a.timeExt)
	}
	a.release()
	c.Patterns = shares(a.patterns, a.valid, a.top, nil)
	c.CompactPatterns = shares(a.compact, a.valid, a.top, nil)
	for _, t := range a.topValues {
		c.Top = append(c.Top, Share{Value: t.Value, Count: t.Count, Share: share(t.Count, a.rows)})
	}
	variantsErr := a.caseVariants()
	a.releaseLower()
	c.Methods = []Method{{Metric: MetricDistinct, Method: MethodExact}}
	if c.Numeric != nil {
		c.Methods = append(c.Methods, quantileMethod(quantilesApprox))
	}
	c.Methods = append(c.Methods, variantsMethod(a.lowerShift, variantsErr))
	switch {
	case a.rows > 0 && a.valid == 0:
		a.finding("all_missing", "", a.rows)
	case a.validDistinct == 1 && a.valid > 1:
		a.finding("constant", a.semExamples[0].examples[0], a.valid)
	case c.InferredType == TypeText && c.SemanticType == "" && a.validDistinct > highCardinality &&
		a.validDistinct < a.valid && share(a.validDistinct, a.valid) >= 0.5:
		a.finding("high_cardinality", "", a.validDistinct)
	}
	findings, examples := map[string]int64{}, map[string][]string{}
	for i, n := range a.findings {
		if n > 0 {
			findings[findingNames[i]], examples[findingNames[i]] = n, a.examples[i]
		}
	}
	if i := slices.Index(SemanticTypes, c.SemanticType); i >= 0 && a.valid > a.semantic[i] {
		// The values that are not of the column's semantic type.
		name := "not_" + c.SemanticType
		findings[name], examples[name] = a.valid-a.semantic[i], a.semExamples.not(i)
	}
	c.Findings = shares(findings, a.valid, 0, examples)
	return c
}
