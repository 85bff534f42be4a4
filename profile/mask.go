package profile

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mask is a value's shape: upper-case letters become A, lower-case a,
// digits 9; every other character stays, e.g. "(555) 123-4567" becomes
// "(999) 999-9999".
func Mask(s string) string {
	return string(appendMask(make([]byte, 0, len(s)), s))
}

// appendMask appends the mask of s to dst.
func appendMask(dst []byte, s string) []byte {
	if b, ascii, _ := maskASCII(dst, s); ascii {
		return b
	}
	for _, r := range s {
		if r < utf8.RuneSelf {
			dst = append(dst, asciiMask[r])
			continue
		}
		dst = utf8.AppendRune(dst, maskRune(r))
	}
	return dst
}

// asciiMask is the mask of each ASCII byte, notASCII for the others;
// asciiControl marks the control characters hasControl reports.
var asciiMask, asciiControl = func() (m, ctl [256]byte) {
	for c := range 256 {
		if c >= utf8.RuneSelf {
			m[c] = notASCII
			continue
		}
		m[c] = byte(maskRune(rune(c)))
		if unicode.IsControl(rune(c)) && c != '\t' && c != '\n' && c != '\r' {
			ctl[c] = 1
		}
	}
	return m, ctl
}()

const notASCII = 0xff

// maskASCII appends the mask of s to dst when s is ASCII, and reports
// whether it was and whether s holds control characters; for other text
// it leaves dst as it was.
func maskASCII(dst []byte, s string) (_ []byte, ascii, control bool) {
	n := len(dst)
	dst = slices.Grow(dst, len(s))
	var ctl byte
	for i := 0; i < len(s); i++ {
		m := asciiMask[s[i]]
		if m == notASCII {
			return dst[:n], false, false
		}
		ctl |= asciiControl[s[i]]
		dst = append(dst, m)
	}
	return dst, true, ctl != 0
}

func maskRune(r rune) rune {
	switch {
	case r >= '0' && r <= '9':
		return '9'
	case r >= 'a' && r <= 'z':
		return 'a'
	case r >= 'A' && r <= 'Z':
		return 'A'
	case unicode.IsUpper(r):
		return 'A'
	case unicode.IsLower(r), unicode.IsLetter(r):
		return 'a'
	case unicode.IsDigit(r):
		return '9'
	}
	return r
}

// CompactMask is Mask with runs of one character collapsed, for long
// text: "Hello World 42" becomes "Aa Aa 9".
func CompactMask(s string) string { return collapse(Mask(s)) }

// collapse removes repeats of a character from a mask.
func collapse(mask string) string {
	if isASCII(mask) {
		b := make([]byte, 0, len(mask))
		for i := 0; i < len(mask); i++ {
			if i == 0 || mask[i] != mask[i-1] {
				b = append(b, mask[i])
			}
		}
		return string(b)
	}
	var b strings.Builder
	b.Grow(len(mask))
	var last rune = -1
	for _, r := range mask {
		if r != last {
			b.WriteRune(r)
		}
		last = r
	}
	return b.String()
}

// appendCollapsed appends an ASCII mask with runs collapsed.
func appendCollapsed(dst, mask []byte) []byte {
	if len(mask) == 0 {
		return dst
	}
	n := len(dst)
	dst = slices.Grow(dst, len(mask))[:n+len(mask)]
	j, prev := n, -1
	for _, c := range mask {
		dst[j] = c
		inc := 0
		if int(c) != prev {
			inc = 1
		}
		j += inc
		prev = int(c)
	}
	return dst[:j]
}

// hasControl reports control characters other than tab and newline.
func hasControl(v string) bool {
	for _, r := range v {
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			return true
		}
	}
	return false
}

func isASCII(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
