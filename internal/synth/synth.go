// Package synth writes seeded, realistic and messy customer extracts for
// tests and benchmarks, together with the ground truth of what it
// injected: the duplicates, sentinels, blanks and malformed lines that
// integrations meet in real extracts.
//
// The same Config always produces the same bytes.
//
//	truth, err := synth.Write(w, synth.Config{Rows: 1000, Seed: 1})
package synth

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Columns are the 13 columns of a generated extract, in order.
var Columns = []string{
	"customer_id", "first_name", "last_name", "email", "phone", "birth_date",
	"signup_ts", "status", "balance", "country", "zip", "notes", "account_uuid",
}

// Config says what to generate. Rates are shares of rows in [0, 1]; the
// zero value of a rate injects none of that mess.
type Config struct {
	Rows int    // data rows to write, malformed ones included
	Seed uint64 // same seed, same bytes
	// Mess turns on the usual mess (duplicates, sentinels, blanks, case
	// and whitespace variants, mixed formats, multi-line and long notes)
	// at realistic rates.
	Mess bool
	// Malformed is the share of rows written with a wrong number of
	// fields; their line numbers are in Truth.MalformedLines.
	Malformed float64
	// Delimiter separates fields; 0 means a comma.
	Delimiter byte
	// Entity adds a last column, entity_id: the customer_id of the record
	// a row re-enters (its own for originals), the label dedupe is scored
	// against.
	Entity bool
}

// Truth is what a generated extract holds by construction.
type Truth struct {
	Rows           int     `json:"rows"`            // data rows written
	WellFormed     int     `json:"well_formed"`     // rows with all 13 fields
	Lines          int64   `json:"lines"`           // physical lines, header included
	MalformedLines []int64 `json:"malformed_lines"` // 1-based line numbers
	// Duplicates pairs the customer_id of a record with that of a
	// re-entered copy of it (case, whitespace and typo variants).
	Duplicates [][2]int64 `json:"duplicates"`
	// Sentinels counts the N/A-style null markers per column.
	Sentinels map[string]int `json:"sentinels"`
	// Blanks counts empty values per column.
	Blanks map[string]int `json:"blanks"`
	// MultilineRows counts rows whose notes span several lines.
	MultilineRows int `json:"multiline_rows"`
}

var (
	firstNames = []string{"James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda",
		"William", "Elizabeth", "David", "Barbara", "José", "Zoë", "François", "Søren", "Ana", "Mohammed",
		"Wei", "Yuki", "Olga", "Chloé", "Liam", "Noah", "Emma", "Olivia", "Ava", "Sophia", "Lucas", "Mia"}
	lastNames = []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
		"Rodriguez", "Martinez", "Müller", "O'Brien", "Nguyen", "Kowalski", "Ødegaard", "Dubois", "Rossi",
		"Tanaka", "Ivanova", "Silva", "van der Berg", "Smith-Jones", "Lee", "Walker", "Hall", "Allen"}
	domains   = []string{"gmail.com", "yahoo.com", "outlook.com", "example.org", "corp.example.com", "mail.co.uk"}
	statuses  = []string{"active", "inactive", "pending"}
	countries = []string{"US", "US", "US", "GB", "DE", "FR", "CA", "NL", "JP", "BR", "ES", "IT"}
	sentinels = []string{"N/A", "NULL", "n/a", "-", "NA", "#N/A", "?"}
	words     = strings.Fields("customer called about billing address changed requested refund delivery " +
		"late account upgraded downgraded prefers email contact VIP complaint resolved follow up needed " +
		"duplicate merged from legacy CRM import migrated manual entry verified phone wrong number")
	epoch = time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
)

type gen struct {
	r     *rand.Rand
	cfg   Config
	delim byte
	buf   []byte
	truth *Truth
	line  int64
	// recent keeps a few emitted records to re-enter as duplicates.
	recent [][]string
	ids    []int64
}

// Write writes a header and cfg.Rows rows of CSV to w and returns the
// truth about them.
func Write(w io.Writer, cfg Config) (*Truth, error) {
	g := &gen{
		r:     rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		cfg:   cfg,
		delim: cfg.Delimiter,
		truth: &Truth{Sentinels: map[string]int{}, Blanks: map[string]int{}, MalformedLines: []int64{}, Duplicates: [][2]int64{}},
	}
	if g.delim == 0 {
		g.delim = ','
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	header := Columns
	if cfg.Entity {
		header = append(slices.Clone(Columns), "entity_id")
	}
	g.writeRecord(bw, header)
	var nextID int64 = 100000
	for i := 0; i < cfg.Rows; i++ {
		if cfg.Malformed > 0 && g.r.Float64() < cfg.Malformed {
			g.writeMalformed(bw, nextID)
			nextID++
			continue
		}
		var rec []string
		id := nextID
		nextID++
		entity := id
		if cfg.Mess && len(g.recent) > 0 && g.r.IntN(100) < 4 {
			k := g.r.IntN(len(g.recent))
			rec = g.duplicate(g.recent[k], id)
			entity = g.ids[k]
			g.truth.Duplicates = append(g.truth.Duplicates, [2]int64{g.ids[k], id})
		} else {
			rec = g.record(id)
			if len(g.recent) < 64 {
				g.recent, g.ids = append(g.recent, rec), append(g.ids, id)
			} else if k := g.r.IntN(len(g.recent) * 4); k < len(g.recent) {
				g.recent[k], g.ids[k] = rec, id
			}
		}
		g.count(rec)
		if cfg.Entity {
			rec = append(rec, strconv.FormatInt(entity, 10))
		}
		g.writeRecord(bw, rec)
		g.truth.WellFormed++
	}
	g.truth.Rows = cfg.Rows
	g.truth.Lines = g.line
	return g.truth, bw.Flush()
}

func (g *gen) pct(p int) bool { return g.cfg.Mess && g.r.IntN(1000) < p }

func (g *gen) pick(s []string) string { return s[g.r.IntN(len(s))] }

// record makes one customer; p is in tenths of a percent.
func (g *gen) record(id int64) []string {
	first, last := g.pick(firstNames), g.pick(lastNames)
	rec := make([]string, len(Columns))
	rec[0] = strconv.FormatInt(id, 10)
	rec[1], rec[2] = first, last
	if g.pct(20) {
		rec[1] = " " + first
	}
	if g.pct(20) {
		rec[2] = last + " "
	}
	local := strings.ToLower(strings.NewReplacer(" ", "", "'", "").Replace(first + "." + last))
	rec[3] = fmt.Sprintf("%s%d@%s", local, g.r.IntN(100), g.pick(domains))
	if g.pct(30) {
		rec[3] = strings.ToUpper(rec[3])
	}
	switch {
	case g.pct(50):
		rec[4] = ""
	case g.pct(30):
		rec[4] = g.pick(sentinels)
	case g.pct(300):
		rec[4] = fmt.Sprintf("%03d-%03d-%04d", 200+g.r.IntN(800), g.r.IntN(1000), g.r.IntN(10000))
	default:
		rec[4] = fmt.Sprintf("(%03d) %03d-%04d", 200+g.r.IntN(800), g.r.IntN(1000), g.r.IntN(10000))
	}
	bd := time.Date(1940+g.r.IntN(65), time.Month(1+g.r.IntN(12)), 1+g.r.IntN(28), 0, 0, 0, 0, time.UTC)
	switch {
	case g.pct(20):
		rec[5] = g.pick(sentinels)
	case g.pct(50):
		rec[5] = bd.Format("01/02/2006")
	case g.pct(5):
		rec[5] = fmt.Sprintf("%d-%02d-%02d", bd.Year(), 13+g.r.IntN(3), 1+g.r.IntN(31))
	default:
		rec[5] = bd.Format("2006-01-02")
	}
	ts := epoch.Add(time.Duration(g.r.Int64N(int64(10 * 365 * 24 * time.Hour))))
	rec[6] = ts.Format("2006-01-02 15:04:05")
	rec[7] = g.pick(statuses)
	if g.pct(50) {
		rec[7] = strings.ToUpper(rec[7])
	} else if g.pct(20) {
		rec[7] = strings.ToUpper(rec[7][:1]) + rec[7][1:]
	}
	cents := g.r.Int64N(5_000_000) - 50_000
	rec[8] = strconv.FormatFloat(float64(cents)/100, 'f', 2, 64)
	if g.pct(15) {
		rec[8] = "$" + thousands(cents)
	}
	rec[9] = g.pick(countries)
	if g.pct(30) {
		rec[9] = strings.ToLower(rec[9])
	}
	zip := g.r.IntN(100000)
	switch {
	case rec[9] != "US" && !g.pct(100):
		rec[10] = fmt.Sprintf("%c%d%c %d%c%c", 'A'+g.r.IntN(26), g.r.IntN(10), 'A'+g.r.IntN(26), g.r.IntN(10), 'A'+g.r.IntN(26), 'A'+g.r.IntN(26))
	case g.pct(40):
		rec[10] = ""
	case g.pct(100):
		rec[10] = fmt.Sprintf("%05d-%04d", zip, g.r.IntN(10000))
	default:
		rec[10] = fmt.Sprintf("%05d", zip)
	}
	rec[11] = g.notes()
	rec[12] = g.uuid()
	return rec
}

func (g *gen) notes() string {
	switch {
	case g.pct(400):
		return ""
	case g.pct(20):
		var b strings.Builder
		for b.Len() < 300+g.r.IntN(1700) {
			b.WriteString(g.pick(words))
			b.WriteByte(' ')
		}
		return strings.TrimSpace(b.String())
	case g.pct(15):
		return g.pick(words) + "\n" + g.pick(words) + " " + g.pick(words)
	case g.pct(15):
		return `said "` + g.pick(words) + `", then ` + g.pick(words)
	}
	n := 1 + g.r.IntN(6)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = g.pick(words)
	}
	s := strings.Join(parts, " ")
	if g.pct(30) {
		s += ", " + g.pick(words)
	}
	return s
}

func (g *gen) uuid() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(g.r.UintN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// duplicate re-enters a record under a new id, the way a second system
// would: other case, stray spaces, a typo in a name or the email, fields
// left empty.
func (g *gen) duplicate(orig []string, id int64) []string {
	rec := append([]string(nil), orig...)
	rec[0] = strconv.FormatInt(id, 10)
	switch g.r.IntN(6) {
	case 0:
		rec[3] = strings.ToUpper(rec[3])
	case 1:
		rec[1] = strings.ToLower(rec[1]) + " "
	case 2:
		rec[2] = typo(g.r, rec[2])
	case 3:
		rec[1] = typo(g.r, rec[1])
	case 4:
		rec[4], rec[10] = "", ""
		rec[3] = strings.ToUpper(rec[3][:1]) + rec[3][1:]
	case 5:
		rec[3] = typo(g.r, rec[3])
	}
	rec[12] = g.uuid()
	return rec
}

func typo(r *rand.Rand, s string) string {
	rs := []rune(strings.TrimSpace(s))
	if len(rs) < 3 {
		return s
	}
	i := 1 + r.IntN(len(rs)-2)
	rs[i], rs[i+1] = rs[i+1], rs[i]
	return string(rs)
}

func thousands(cents int64) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	s := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := fmt.Sprintf("%s.%02d", b.String(), cents%100)
	if neg {
		out = "-" + out
	}
	return out
}

func (g *gen) count(rec []string) {
	for i, v := range rec {
		switch {
		case v == "":
			g.truth.Blanks[Columns[i]]++
		case isSentinel(v):
			g.truth.Sentinels[Columns[i]]++
		}
	}
	if strings.ContainsAny(rec[11], "\n") {
		g.truth.MultilineRows++
	}
}

func isSentinel(v string) bool {
	for _, s := range sentinels {
		if v == s {
			return true
		}
	}
	return false
}

// writeMalformed writes a row with one field too many or too few.
func (g *gen) writeMalformed(w *bufio.Writer, id int64) {
	rec := g.record(id)
	for i := range rec {
		rec[i] = strings.ReplaceAll(rec[i], "\n", " ")
	}
	if g.r.IntN(2) == 0 {
		rec = append(rec, "extra")
	} else {
		rec = rec[:len(rec)-2]
	}
	g.truth.MalformedLines = append(g.truth.MalformedLines, g.line+1)
	g.writeRecord(w, rec)
}

func (g *gen) writeRecord(w *bufio.Writer, rec []string) {
	b := g.buf[:0]
	for i, v := range rec {
		if i > 0 {
			b = append(b, g.delim)
		}
		if strings.ContainsAny(v, "\"\n\r") || strings.IndexByte(v, g.delim) >= 0 {
			b = append(b, '"')
			b = append(b, strings.ReplaceAll(v, `"`, `""`)...)
			b = append(b, '"')
			g.line += int64(strings.Count(v, "\n"))
		} else {
			b = append(b, v...)
		}
	}
	b = append(b, '\n')
	g.line++
	g.buf = b
	w.Write(b)
}

// CachedFile returns the path of a CSV generated with cfg in dir, writing
// it only when it is not there yet, for benchmarks that share large files.
func CachedFile(dir string, cfg Config) (string, error) {
	path := filepath.Join(dir, fmt.Sprintf("plumb-bench-%d-%g-%d-%t.csv", cfg.Rows, cfg.Malformed, cfg.Seed, cfg.Entity))
	return path, cached(path, func(w io.Writer) error {
		_, err := Write(w, cfg)
		return err
	})
}

// cached writes path with write unless it is there already, under a
// temporary name renamed when complete, so that a run stopped half way
// leaves no truncated file for the next to take as whole.
func cached(path string, write func(io.Writer) error) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), "plumb-synth-*.tmp")
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	return os.Rename(f.Name(), path)
}
