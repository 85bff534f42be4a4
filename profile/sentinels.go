package profile

import "github.com/plumb-data/plumb/internal/missing"

// DefaultSentinels are the values read as "no value" when Options does not
// say otherwise: plumb's one list, missing.Sentinels.
var DefaultSentinels = missing.Sentinels

// sentinelSet is the values read as "no value", with the length of the
// longest, which tells most values apart without a look-up.
type sentinelSet struct {
	values  map[string]bool
	longest int // in bytes
}

func newSentinelSet(list []string) sentinelSet {
	s := sentinelSet{values: map[string]bool{}}
	for _, v := range list {
		s.values[v] = true
		s.longest = max(s.longest, len(v))
	}
	return s
}

// has reports whether t, a value trimmed of surrounding space, is a
// sentinel.
func (s sentinelSet) has(t string) bool { return len(t) <= s.longest && s.values[t] }
