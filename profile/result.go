package profile

import (
	"math"

	"github.com/plumb-data/plumb/result"
)

// The profile's result types live in package result (plain data, no
// DuckDB), so that reports and library users can read them without the
// engine; these are their names in this package.
type (
	Result     = result.Profile
	Column     = result.ProfileColumn
	Count      = result.Count
	Share      = result.Share
	Numeric    = result.Numeric
	Bin        = result.Bin
	Length     = result.Length
	LimitCount = result.LimitCount
	Drift      = result.Drift
	Change     = result.Change
	ChangeKind = result.ChangeKind
	Thresholds = result.Thresholds
	Method     = result.Method
)

// The metrics and methods of Method.
const (
	MetricDistinct     = result.MetricDistinct
	MetricQuantiles    = result.MetricQuantiles
	MetricCaseVariants = result.MetricCaseVariants
	MethodExact        = result.MethodExact
	MethodHyperLogLog  = result.MethodHyperLogLog
	MethodKLL          = result.MethodKLL
	MethodHashSample   = result.MethodHashSample
)

// quantileMethod is how quantiles were computed: exactly, or from a KLL
// sketch.
func quantileMethod(approx bool) Method {
	if approx {
		return Method{Metric: MetricQuantiles, Method: MethodKLL, Error: kllRankError}
	}
	return Method{Metric: MetricQuantiles, Method: MethodExact}
}

// variantsMethod is how case variants were found: over every value, or
// over the sample of the values whose hash has its top shift bits clear,
// with the standard error of the count.
func variantsMethod(shift uint, stderr float64) Method {
	if shift == 0 {
		return Method{Metric: MetricCaseVariants, Method: MethodExact}
	}
	return Method{Metric: MetricCaseVariants, Method: MethodHashSample, Error: math.Round(stderr), SampleRate: math.Ldexp(1, -int(shift))}
}

// hllRelativeError is the relative standard error of hllDistinct's
// estimates: 1.04/sqrt(2^hllPrecision), rounded up.
const hllRelativeError = 0.0082

// setMethod sets the method of a metric of c.
func setMethod(c *Column, m Method) {
	for i := range c.Methods {
		if c.Methods[i].Metric == m.Metric {
			c.Methods[i] = m
			return
		}
	}
	c.Methods = append(c.Methods, m)
}

// The types plumb infers.
const (
	TypeBoolean   = result.TypeBoolean
	TypeInteger   = result.TypeInteger
	TypeDecimal   = result.TypeDecimal
	TypeDate      = result.TypeDate
	TypeTimestamp = result.TypeTimestamp
	TypeText      = result.TypeText
)

// The kinds of Change.
const (
	ChangeRowCount        = result.ChangeRowCount
	ChangeRetyped         = result.ChangeRetyped
	ChangeMissingShare    = result.ChangeMissingShare
	ChangeDistinctRatio   = result.ChangeDistinctRatio
	ChangeDominantPattern = result.ChangeDominantPattern
	ChangeRange           = result.ChangeRange
	ChangeRenamed         = result.ChangeRenamed
	ChangeRemoved         = result.ChangeRemoved
	ChangeAdded           = result.ChangeAdded
)

// TargetLimits are the column widths, in characters, that Length.Over
// counts values past: VARCHAR(50) and VARCHAR(100), the 255 of many a
// schema, and the 4,000 of Oracle's VARCHAR2 and SQL Server's NVARCHAR.
var TargetLimits = []int{50, 100, 255, 4000}
