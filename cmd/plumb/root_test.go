//go:build duckdb_arrow

package main

import "testing"

func TestParseBytes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1GB", 1_000_000_000, true},
		{"512MB", 512_000_000, true},
		{"2GiB", 2 << 30, true},
		{"1.5 GB", 1_500_000_000, true},
		{"100kb", 100_000, true},
		{"4096", 4096, true},
		{"", 0, false},
		{"80%", 0, false},
		{"lots", 0, false},
		{"1XB", 0, false},
		{"-1GB", 0, false},
	}
	for _, c := range cases {
		got, ok := parseBytes(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("parseBytes(%q) = %d, %t; want %d, %t", c.in, got, ok, c.want, c.ok)
		}
	}
}
