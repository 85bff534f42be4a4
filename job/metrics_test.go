package job

import (
	"testing"

	"github.com/plumb-data/plumb/result"
)

// TestProfileVolume: a profile's row metrics are its source's rows, not
// its sample's, when it read every row (an approximate profile).
func TestProfileVolume(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		res        result.Profile
		read, load float64
	}{
		{"every row", result.Profile{Rows: 5000, RowsRejected: 2}, 5002, 5000},
		{"approximate, of a sample", result.Profile{Rows: 100, SourceRows: 5000, RowsRejected: 2, Sampled: "2%"}, 5002, 5000},
		{"exact, of a sample", result.Profile{Rows: 100, RowsRejected: 2, Sampled: "2%"}, 102, 100},
	} {
		got := map[string]float64{}
		for _, m := range metricsOf(&tc.res) {
			if m.Column == "" {
				got[m.Name] = m.Value
			}
		}
		if got["rows_read"] != tc.read || got["rows_loaded"] != tc.load {
			t.Errorf("%s: rows_read %g, rows_loaded %g; want %g, %g", tc.name, got["rows_read"], got["rows_loaded"], tc.read, tc.load)
		}
	}
}
