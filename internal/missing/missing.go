// Package missing holds plumb's one vocabulary of values that stand for
// "no value" in extracts: the sentinels a profile counts as written, and
// the wider, case-folded set that record normalisation treats as empty.
package missing

import (
	"maps"
	"slices"
	"strings"
)

// Sentinels are the values a profile and the checks it suggests read as
// "no value", compared exactly as written.
var Sentinels = []string{"N/A", "NA", "n/a", "NULL", "null", "None", "-", "?", "#N/A"}

// markers are Sentinels case-folded, plus spellings that are ambiguous as
// a profile's sentinel (a real "unknown" or "nan" may be data) but mean
// "missing" when two records are compared.
var markers = func() map[string]bool {
	m := map[string]bool{"nil": true, "--": true, "nan": true, "(null)": true, "unknown": true}
	for _, s := range Sentinels {
		m[strings.ToLower(s)] = true
	}
	return m
}()

// longestMarker bounds the lookup: nothing longer is a marker.
const longestMarker = 7

// IsMarker reports whether v, trimmed and in any case, is empty or a
// marker of a missing value.
func IsMarker(v string) bool {
	v = strings.TrimSpace(v)
	return v == "" || (len(v) <= longestMarker && markers[strings.ToLower(v)])
}

// Markers lists the markers IsMarker accepts, lower case and sorted (the
// empty value aside), for code that tests them in SQL.
func Markers() []string { return slices.Sorted(maps.Keys(markers)) }
