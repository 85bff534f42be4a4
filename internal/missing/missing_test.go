package missing

import (
	"slices"
	"strings"
	"testing"
)

func TestIsMarker(t *testing.T) {
	t.Parallel()
	for _, s := range Sentinels {
		for _, v := range []string{s, strings.ToUpper(s), strings.ToLower(s), " " + s + " "} {
			if !IsMarker(v) {
				t.Errorf("IsMarker(%q) = false, want true (a sentinel)", v)
			}
		}
	}
	for _, tc := range []struct {
		v    string
		want bool
	}{{"", true}, {"  ", true}, {"NaN", true}, {"(NULL)", true}, {"Unknown", true}, {"0", false}, {"nobody", false}, {"n/a/b", false}} {
		if got := IsMarker(tc.v); got != tc.want {
			t.Errorf("IsMarker(%q) = %t, want %t", tc.v, got, tc.want)
		}
	}
	for m := range markers {
		if len(m) > longestMarker {
			t.Errorf("marker %q is longer than longestMarker %d", m, longestMarker)
		}
	}
}

func TestMarkers(t *testing.T) {
	t.Parallel()
	list := Markers()
	if len(list) != len(markers) || !slices.IsSorted(list) {
		t.Errorf("Markers() = %q, want the %d markers sorted", list, len(markers))
	}
	for _, m := range list {
		if !IsMarker(m) || m != strings.ToLower(m) {
			t.Errorf("Markers() holds %q, which IsMarker refuses or is not lower case", m)
		}
	}
}
