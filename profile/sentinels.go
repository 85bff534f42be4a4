package profile

import (
	"strings"
	"unicode/utf8"

	"github.com/plumb-data/plumb/internal/missing"
)

// DefaultSentinels are the values read as "no value" when Options does not
// say otherwise: plumb's one list, missing.Sentinels.
var DefaultSentinels = missing.Sentinels

// sentinelSet is the values read as "no value", with the length of the
// longest and the bytes they start with, which tell most values apart
// without a look-up.
type sentinelSet struct {
	values  map[string]bool
	longest int       // in bytes
	first   [4]uint64 // a bit for each byte a value starts with
}

func newSentinelSet(list []string) sentinelSet {
	s := sentinelSet{values: map[string]bool{}}
	for _, v := range list {
		s.values[v] = true
		s.longest = max(s.longest, len(v))
		if v != "" {
			s.first[v[0]/64] |= 1 << (v[0] % 64)
		}
	}
	return s
}

// has reports whether t, a value trimmed of surrounding space, is a
// sentinel.
func (s sentinelSet) has(t string) bool {
	if len(t) > s.longest || len(t) > 0 && s.first[t[0]/64]&(1<<(t[0]%64)) == 0 {
		return false
	}
	return s.values[t]
}

// missing reports whether v, a value that is not null, means "no
// value": empty or blank, or a sentinel once trimmed.
func (s sentinelSet) missing(v string) bool {
	if n := len(v); n > 0 && v[0] > ' ' && v[0] < utf8.RuneSelf && v[n-1] > ' ' && v[n-1] < utf8.RuneSelf {
		return s.has(v) // nothing to trim
	}
	t := strings.TrimSpace(v)
	return t == "" || s.has(t)
}
