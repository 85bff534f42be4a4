package profile

import (
	"math/bits"
	"strings"
	"unicode/utf8"

	"github.com/zeebo/xxh3"
)

// shape is what a value's mask alone says about it, worked out once per
// mask: its pattern keys, and which of the tests that need the value
// itself can match at all.
type shape struct {
	mask, patKey, compact string
	count                 int64 // valid values of this shape
	letters, digitsOnly   bool
	formatted             bool     // may be a number with separators or a currency sign
	semantic              bool     // may be of a semantic type
	boolean, numeric      bool     // may be a boolean word; has only number characters
	upper                 bool     // has an upper-case letter (an ASCII value: A to Z)
	at                    bool     // has an @ past the start
	nines                 int      // digits
	phoneish              bool     // only digits and phone punctuation, seven digits or more
	local                 bool     // 999-9999
	ipv4, postal, country bool     // of the mask of an IPv4 address, a postal code, a country code
	dates                 []string // date formats of this shape
	stamp                 bool     // may be a timestamp
	ymd                   bool     // eight digits: may be a date written %Y%m%d
	long                  bool     // the shape of values over 40 characters, by compact mask
	transient             bool     // worked out for one value; mask, patKey and compact unset
}

func newShape(mask string, runes int) *shape {
	sh := &shape{mask: mask, patKey: mask}
	if isASCII(mask) {
		sh.compact = string(appendCollapsed(make([]byte, 0, len(mask)), []byte(mask)))
	} else {
		sh.compact = collapse(mask)
	}
	if runes > 40 {
		sh.patKey = sh.compact
	}
	screen(sh, mask, runes)
	return sh
}

// newLongShape works out what the compact mask of a value over 40
// characters says. Runs are collapsed, so the screens are the loose ones
// that hold for any mask with the same characters in the same order:
// such a value is no date, timestamp, boolean, UUID, IPv4 address,
// postal or country code, but may be a number, an email, a URL or a
// phone-like string.
func newLongShape(compact string) *shape {
	sh := &shape{compact: compact, patKey: compact, long: true}
	digits := strings.ContainsAny(compact, "9")
	sh.letters = strings.ContainsAny(compact, "Aa")
	sh.upper = strings.IndexByte(compact, 'A') >= 0
	sh.digitsOnly = digits && strings.Trim(compact, "9") == ""
	sh.formatted = digits && strings.ContainsAny(compact, ",$€£¥")
	sh.numeric = strings.Trim(compact, "9.-+aA") == ""
	sh.semantic = strings.IndexByte(compact, '@') > 0 || strings.HasPrefix(compact, "a:/") || strings.HasPrefix(compact, "a.") ||
		digits && strings.Trim(compact, "9 ()-.+/") == ""
	return sh
}

// The classes of the bytes of a mask, for screen.
const (
	classOther = iota
	classNine
	classLetter
	classUpper
	classDot
	classSign // - and +
	classNumOther
	classNonASCII
	classCommaDollar
	classAt
	classes
)

var maskClass = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case c == '9':
			t[c] = classNine
		case c == 'A':
			t[c] = classUpper
		case c == 'a':
			t[c] = classLetter
		case c == '.':
			t[c] = classDot
		case c == '-' || c == '+':
			t[c] = classSign
		case c == ' ' || c == '(' || c == ')' || c == '/':
			t[c] = classNumOther
		case c >= utf8.RuneSelf:
			t[c] = classNonASCII
		case c == ',' || c == '$':
			t[c] = classCommaDollar
		case c == '@':
			t[c] = classAt
		}
	}
	return t
}()

// postalMasks are the shapes of the postal codes semantic() knows.
var postalMasks = map[string]bool{"99999": true, "99999-9999": true, "A9A 9A9": true, "A9A9A9": true, "AA9 9AA": true,
	"AA99 9AA": true, "A9 9AA": true, "A99 9AA": true, "A9A 9AA": true, "AA9A 9AA": true, "9999": true}

// screen sets what a mask (of a value of runes characters) allows, in one
// pass over it and without allocating.
func screen[M string | []byte](sh *shape, mask M, runes int) {
	var n [classes]int
	for i := 0; i < len(mask); i++ {
		n[maskClass[mask[i]]]++
	}
	nines, letters, dots := n[classNine], n[classLetter]+n[classUpper], n[classDot]
	nonASCII := n[classNonASCII]
	other := n[classOther] + nonASCII + n[classCommaDollar] + n[classAt]
	numOther := n[classNumOther]
	commaOrDollar := n[classCommaDollar] > 0
	atInside := n[classAt] > 0 && mask[0] != '@' // the first @ is past the start
	phoneOther := letters + other                // what a phone-like mask may not hold: all but digits and " ()-.+/"
	numOther += other                            // what a number may not hold: all but digits, ".-+" and e or E
	digits := nines > 0
	sh.letters = letters > 0
	sh.upper = n[classUpper] > 0
	sh.at = atInside
	sh.nines = nines
	sh.phoneish = phoneOther == 0 && nines >= 7
	sh.local = len(mask) == 8 && string(mask) == "999-9999"
	sh.ipv4 = dots == 3 && nines+dots == len(mask)
	sh.postal = len(mask) >= 4 && len(mask) <= 10 && postalMasks[string(mask)]
	sh.country = len(mask) == 2 && mask[0] == 'A' && mask[1] == 'A'
	sh.digitsOnly = digits && nines == len(mask)
	sh.formatted = digits && (commaOrDollar || nonASCII > 0 && strings.ContainsAny(string(mask), "€£¥"))
	sh.boolean = runes <= 5 && letters == len(mask)
	sh.numeric = numOther == 0 && letters <= 1 // a number has one exponent letter at most
	if len(mask) <= 12 {
		sh.dates = layoutMasks[string(mask)]
	}
	sh.stamp = len(mask) >= 13 && mask[0] == '9' && (mask[1] == '/' || mask[2] == '/' || mask[4] == '-')
	sh.ymd = len(mask) == 8 && nines == 8
	sh.semantic = atInside || hasPrefix(mask, "aaaa://") || hasPrefix(mask, "aaaaa://") || hasPrefix(mask, "aaa.") ||
		len(mask) == 36 || sh.ipv4 || sh.phoneish || sh.country || runes <= 5 || sh.postal
}

func hasPrefix[M string | []byte](s M, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if s[i] != prefix[i] {
			return false
		}
	}
	return true
}

// shapeTable is the memo of shapes by memo key (a mask, or for a value
// over 40 characters a compact mask): open addressing on memoHash, the
// hash beside the shape, so that a look-up that finds its hash compares
// the key once.
type shapeTable struct {
	slots []shapeSlot // sh == nil: empty
	n     int
}

type shapeSlot struct {
	h  uint64
	sh *shape
}

func newShapeTable() shapeTable { return shapeTable{slots: make([]shapeSlot, 16)} }

// memoKey is the key a shape is remembered by.
func (sh *shape) memoKey() string {
	if sh.long {
		return sh.compact
	}
	return sh.mask
}

// slot returns the slot of the shape of key (h its memoHash): its own,
// or the empty one it would take.
func (t *shapeTable) slot(h uint64, key []byte, long bool) *shapeSlot {
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.sh == nil || s.h == h && s.sh.long == long && s.sh.memoKey() == string(key) {
			return s
		}
	}
}

// put fills the empty slot that slot returned for h with sh.
func (t *shapeTable) put(s *shapeSlot, h uint64, sh *shape) {
	*s = shapeSlot{h, sh}
	if t.n++; 2*t.n > len(t.slots) {
		old := t.slots
		t.slots = make([]shapeSlot, 2*len(old))
		mask := uint64(len(t.slots) - 1)
		for _, o := range old {
			if o.sh == nil {
				continue
			}
			i := o.h & mask
			for t.slots[i].sh != nil {
				i = (i + 1) & mask
			}
			t.slots[i] = o
		}
	}
}

// memoHash is the hash of a shape's memo key: its mask, or for a long
// value its compact mask.
func memoHash(key []byte, long bool) uint64 {
	h := xxh3.Hash(key)
	if long {
		h = bits.RotateLeft64(h, 17) ^ 0x9e3779b97f4a7c15
	}
	return h
}
