//go:build duckdb_arrow

package main

import "testing"

func TestSparkline(t *testing.T) {
	t.Parallel()
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		name   string
		values []*float64
		want   string
	}{
		{"rising", []*float64{f(0), f(1), f(2), f(7)}, "▁▂▃█"},
		{"flat", []*float64{f(5), f(5), f(5)}, "▁▁▁"},
		{"gaps", []*float64{f(1), nil, f(2)}, "▁ █"},
		{"none", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := sparkline(tt.values); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
