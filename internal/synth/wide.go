package synth

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"time"
)

// WideConfig says what WriteWide generates: a survey- or CRM-style export
// of many columns of mixed types.
type WideConfig struct {
	Columns int    // columns to write, named c00000, c00001, ...
	Rows    int    // data rows to write
	Seed    uint64 // same seed, same bytes
}

// wideKinds are the kinds of column WriteWide cycles through, by the
// column's place modulo their number.
var wideKinds = [...]string{"id", "int", "decimal", "date", "word", "bool", "sparse", "email", "timestamp", "code"}

// WideKind is the kind of values WriteWide writes in column i: one of
// id (a customer number, repeating), int, decimal, date, word, bool, sparse (mostly empty), email,
// timestamp, code (zero-padded).
func WideKind(i int) string { return wideKinds[i%len(wideKinds)] }

// WriteWide writes a wide CSV extract with a header: cfg.Columns columns
// of the kinds WideKind names, and cfg.Rows rows.
func WriteWide(w io.Writer, cfg WideConfig) error {
	r := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x5eed))
	bw := bufio.NewWriterSize(w, 1<<20)
	var b []byte
	for i := range cfg.Columns {
		if i > 0 {
			b = append(b, ',')
		}
		b = fmt.Appendf(b, "c%05d", i)
	}
	b = append(b, '\n')
	bw.Write(b)
	epoch := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for range cfg.Rows {
		b = b[:0]
		for i := range cfg.Columns {
			if i > 0 {
				b = append(b, ',')
			}
			switch WideKind(i) {
			case "id":
				b = strconv.AppendInt(b, int64(r.IntN(max(cfg.Rows, 1))+1), 10)
			case "int":
				b = strconv.AppendInt(b, int64(r.IntN(1000)), 10)
			case "decimal":
				b = strconv.AppendFloat(b, float64(r.IntN(1_000_000))/100, 'f', 2, 64)
			case "date":
				b = epoch.AddDate(0, 0, r.IntN(2000)).AppendFormat(b, "2006-01-02")
			case "word":
				b = append(b, firstNames[r.IntN(len(firstNames))]...)
			case "bool":
				b = strconv.AppendBool(b, r.IntN(2) == 0)
			case "sparse":
				if r.IntN(10) == 0 {
					b = append(b, "N/A"...)
				}
			case "email":
				b = fmt.Appendf(b, "user%d@example.com", r.IntN(100_000))
			case "timestamp":
				b = epoch.Add(time.Duration(r.Int64N(5*365*24*60))*time.Minute).AppendFormat(b, "2006-01-02 15:04:05")
			case "code":
				b = fmt.Appendf(b, "%06d", r.IntN(5000))
			}
		}
		b = append(b, '\n')
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// CachedWideFile returns the path of a CSV generated with cfg in dir,
// writing it only when it is not there yet.
func CachedWideFile(dir string, cfg WideConfig) (string, error) {
	path := filepath.Join(dir, fmt.Sprintf("plumb-wide-%dx%d-%d.csv", cfg.Columns, cfg.Rows, cfg.Seed))
	return path, cached(path, func(w io.Writer) error { return WriteWide(w, cfg) })
}
