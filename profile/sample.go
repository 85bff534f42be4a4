package profile

import (
	"fmt"
	"regexp"
	"strconv"
)

// ApproxSampleRows is how many rows Approx profiles value by value when
// Sample is not set.
const ApproxSampleRows = 1_000_000

var sampleRE = regexp.MustCompile(`^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$`)

// ParseSample checks a sample spec: "N" rows or "P%".
func ParseSample(s string) (string, error) {
	m := sampleRE.FindStringSubmatch(s)
	if m == nil {
		return "", fmt.Errorf("sample %q: want a row count like 100000 or a percentage like 10%%", s)
	}
	f, _ := strconv.ParseFloat(m[1], 64)
	if m[2] == "%" {
		if f <= 0 || f > 100 {
			return "", fmt.Errorf("sample %q: a percentage must be over 0 and at most 100", s)
		}
		return fmt.Sprintf("%g%%", f), nil
	}
	if f < 1 || f != float64(int64(f)) {
		return "", fmt.Errorf("sample %q: want a whole number of rows", s)
	}
	return fmt.Sprintf("%d", int64(f)), nil
}
