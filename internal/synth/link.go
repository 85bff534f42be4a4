package synth

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"time"
)

// LinkConfig says what WriteLink generates: the same people as two
// systems hold them (a CRM and an ERP), each system with its own id
// scheme and column names.
type LinkConfig struct {
	People int    // people in all; each is on the left, the right or both
	Seed   uint64 // same seed, same bytes
	// Both is the share of people on both sides (the rest are split
	// between the sides); 0 means 0.8.
	Both float64
}

// LinkLeftColumns and LinkRightColumns are the headers WriteLink writes:
// the same fields under other names, and the person label (person,
// entity) that a link is scored against.
var (
	LinkLeftColumns  = []string{"crm_id", "first_name", "last_name", "email", "birth_date", "zip", "person"}
	LinkRightColumns = []string{"customer_no", "given_name", "family_name", "mail", "dob", "postcode", "entity"}
)

// LinkTruth counts what WriteLink wrote.
type LinkTruth struct {
	Left, Right int // records on each side
	Both        int // people on both sides: the true matches
	// Swapped, Typos and Missing count right-side records of people on
	// both sides with first and last name swapped, a typo in a name or
	// the email, and a field left empty.
	Swapped, Typos, Missing int
}

// linkSyllables build the generated names: a few thousand last names and
// some hundreds of first names, drawn with Zipf-like frequencies so that
// some are common (as Smith is) and most rare.
var linkSyllables = strings.Fields("al an ar ba be bo ca da de di el en er fa fe ga ha he in ja ka ke ki la le li lo ma me mi mo na ne ni no or pa pe ra re ri ro sa se si so ta te ti to va ve vi wa ya yo za")

// WriteLink writes the left and right CSV extracts of cfg.People people.
// The right side re-enters the people it shares with the left as a second
// system would: under another id, with other case, typos in names and
// emails, first and last name swapped, emails, birth dates and zips left
// empty.
func WriteLink(left, right io.Writer, cfg LinkConfig) (*LinkTruth, error) {
	r := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x5851f42d4c957f2d))
	both := cfg.Both
	if both == 0 {
		both = 0.8
	}
	lastNames := names(r, 4000, 2, 4)
	firstNames := names(r, 600, 2, 3)
	lw, rw := bufio.NewWriterSize(left, 1<<20), bufio.NewWriterSize(right, 1<<20)
	writeCSVLine(lw, LinkLeftColumns)
	writeCSVLine(rw, LinkRightColumns)
	// The right side's ids are a permutation of the people, so that ids
	// of one side say nothing about the other's.
	perm := r.Perm(cfg.People)
	truth := &LinkTruth{}
	for i := range cfg.People {
		first, last := zipf(r, firstNames), zipf(r, lastNames)
		email := fmt.Sprintf("%s.%s%d@%s", first, last, r.IntN(1000), domains[r.IntN(len(domains))])
		bd := time.Date(1940+r.IntN(65), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC).Format("2006-01-02")
		zip := fmt.Sprintf("%05d", r.IntN(100000))
		label := fmt.Sprintf("P%07d", i)
		onLeft, onRight := true, true
		if r.Float64() >= both {
			onLeft = r.IntN(2) == 0
			onRight = !onLeft
		}
		if onLeft {
			truth.Left++
			writeCSVLine(lw, []string{fmt.Sprintf("C-%07d", i+1), title(first), title(last), email, bd, zip, label})
		}
		if !onRight {
			continue
		}
		truth.Right++
		rec := []string{fmt.Sprintf("%d", 5_000_000+perm[i]), title(first), title(last), strings.ToLower(email), bd, zip, label}
		if onLeft {
			truth.Both++
			linkNoise(r, rec, truth)
		}
		writeCSVLine(rw, rec)
	}
	if err := lw.Flush(); err != nil {
		return nil, err
	}
	return truth, rw.Flush()
}

// linkNoise re-enters a record the way a second system does.
func linkNoise(r *rand.Rand, rec []string, truth *LinkTruth) {
	if r.IntN(100) < 4 {
		rec[1], rec[2] = rec[2], rec[1]
		truth.Swapped++
	}
	switch n := r.IntN(100); {
	case n < 8:
		k := 1 + r.IntN(2)
		rec[k] = typo(r, rec[k])
		truth.Typos++
	case n < 12:
		rec[3] = typo(r, rec[3])
		truth.Typos++
	}
	missing := false
	for _, f := range []struct{ col, pct int }{{3, 10}, {4, 5}, {5, 10}} {
		if r.IntN(100) < f.pct {
			rec[f.col] = ""
			missing = true
		}
	}
	if missing {
		truth.Missing++
	}
	if r.IntN(100) < 20 {
		rec[2] = strings.ToUpper(rec[2])
	}
	if r.IntN(100) < 10 {
		rec[1] = " " + rec[1]
	}
}

// names makes n distinct names of lo to hi syllables.
func names(r *rand.Rand, n, lo, hi int) []string {
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		var b strings.Builder
		for range lo + r.IntN(hi-lo+1) {
			b.WriteString(linkSyllables[r.IntN(len(linkSyllables))])
		}
		if s := b.String(); !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// zipf draws from s with the k-th name about 1/k as likely as the first.
func zipf(r *rand.Rand, s []string) string {
	// Inverse of the continuous 1/x law on [1, n+1).
	k := int(math.Exp(r.Float64()*math.Log(float64(len(s))+1))) - 1
	return s[min(k, len(s)-1)]
}

func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// writeCSVLine writes fields quoted where they need it.
func writeCSVLine(w *bufio.Writer, fields []string) {
	for i, f := range fields {
		if i > 0 {
			w.WriteByte(',')
		}
		if strings.ContainsAny(f, ",\"\n") {
			f = `"` + strings.ReplaceAll(f, `"`, `""`) + `"`
		}
		w.WriteString(f)
	}
	w.WriteByte('\n')
}

// CachedLinkFiles returns the paths of the left and right extracts
// generated with cfg in dir, writing them only when they are not there.
func CachedLinkFiles(dir string, cfg LinkConfig) (left, right string, err error) {
	base := filepath.Join(dir, fmt.Sprintf("plumb-link-%d-%d-%g", cfg.People, cfg.Seed, cfg.Both))
	left, right = base+"-left.csv", base+"-right.csv"
	var rightData []byte
	err = cached(left, func(w io.Writer) error {
		var b strings.Builder
		_, err := WriteLink(w, &b, cfg)
		rightData = []byte(b.String())
		return err
	})
	if err != nil {
		return "", "", err
	}
	if rightData == nil {
		// The left file was there: write the right one from the same
		// seed, its left half discarded.
		return left, right, cached(right, func(w io.Writer) error {
			_, err := WriteLink(io.Discard, w, cfg)
			return err
		})
	}
	return left, right, cached(right, func(w io.Writer) error {
		_, err := w.Write(rightData)
		return err
	})
}
