package synth

import (
	"bytes"
	"encoding/csv"
	"io"
	"testing"
)

func TestWriteIsDeterministic(t *testing.T) {
	t.Parallel()
	var a, b bytes.Buffer
	cfg := Config{Rows: 2000, Seed: 42, Mess: true, Malformed: 0.01}
	if _, err := Write(&a, cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(&b, cfg); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the same config wrote different bytes")
	}
	var c bytes.Buffer
	cfg.Seed = 43
	Write(&c, cfg)
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Error("another seed wrote the same bytes")
	}
}

// TestTruthMatchesTheFile reads the generated CSV back with encoding/csv
// and checks every claim of the truth.
func TestTruthMatchesTheFile(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	truth, err := Write(&buf, Config{Rows: 5000, Seed: 3, Mess: true, Malformed: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(&buf)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil || len(header) != len(Columns) {
		t.Fatalf("header: %v, %v", header, err)
	}
	var rows, wellFormed, multiline int
	var malformed []int64
	blanks := map[string]int{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		line, _ := r.FieldPos(0)
		rows++
		if len(rec) != len(Columns) {
			malformed = append(malformed, int64(line))
			continue
		}
		wellFormed++
		for i, v := range rec {
			if v == "" {
				blanks[Columns[i]]++
			}
		}
		if bytes.ContainsRune([]byte(rec[11]), '\n') {
			multiline++
		}
	}
	if rows != truth.Rows || wellFormed != truth.WellFormed || multiline != truth.MultilineRows {
		t.Errorf("got %d rows, %d well-formed, %d multi-line; truth says %d, %d, %d", rows, wellFormed, multiline, truth.Rows, truth.WellFormed, truth.MultilineRows)
	}
	if len(malformed) == 0 || len(malformed) != len(truth.MalformedLines) {
		t.Fatalf("got %d malformed rows, truth says %d", len(malformed), len(truth.MalformedLines))
	}
	for i := range malformed {
		if malformed[i] != truth.MalformedLines[i] {
			t.Errorf("malformed row %d: on line %d, truth says %d", i, malformed[i], truth.MalformedLines[i])
		}
	}
	for col, n := range truth.Blanks {
		if blanks[col] != n {
			t.Errorf("blanks in %s: got %d, truth says %d", col, blanks[col], n)
		}
	}
	if len(truth.Duplicates) == 0 || truth.MultilineRows == 0 || truth.Sentinels["phone"] == 0 {
		t.Errorf("expected mess, got %d duplicates, %d multi-line rows, %d phone sentinels", len(truth.Duplicates), truth.MultilineRows, truth.Sentinels["phone"])
	}
}
