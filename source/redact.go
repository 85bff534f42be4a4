package source

import (
	"regexp"
	"strings"
)

// Mask is what Redact shows in place of a secret.
const Mask = "xxxxx"

// secretKeys are parameter names whose values are secrets, in URL query
// strings (?password=…&…), JDBC URLs (;password=…) and libpq-style
// key=value DSNs (host=… password=…). Matched in any case.
var secretKeys = `password|passwd|pwd|pass|secret|token|access_token|api_key|apikey|sslpassword|sslkey|auth|authorization|credentials`

// secretParam finds key=value pairs whose key names a secret: the value
// runs to the next separator, or is quoted.
var secretParam = regexp.MustCompile(`(?i)((?:^|[\s?&;,(])(?:` + secretKeys + `)\s*=\s*)('(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?|[^\s&;,)]*)`)

// goDSN is a MySQL driver DSN without a scheme: user:password@tcp(host)/db.
var goDSN = regexp.MustCompile(`^([^:@/\s]*):(.*)@(tcp|tcp6|unix|udp)\(`)

// hostAfter says whether an '@' at i of s starts a host: a name or an
// address (or a protocol(...) of a driver DSN), then the end, a port, a
// path, a query or a fragment.
func hostAfter(s string, i int) bool {
	rest := s[i+1:]
	if rest == "" { // user:password@ and nothing after: still hidden
		return true
	}
	if rest[0] == '[' { // IPv6 literal
		return strings.IndexByte(rest, ']') > 0
	}
	n := 0
	for n < len(rest) {
		c := rest[n]
		if c == '.' || c == '-' || c == '_' || c == '%' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			n++
			continue
		}
		break
	}
	if n == len(rest) {
		return true
	}
	switch rest[n] {
	case ':', '/', '?', '#', '(', ' ', '\t', '\n', '\r':
		return true
	}
	return n == 0 && (rest[0] == '/' || rest[0] == '?')
}

// Redact hides every secret in s that a source spec can carry, so that a
// spec can be shown in messages, logs and reports: the password of a URL's
// user:password@ (however many '/', '?', '#', ':' or '@' it holds, encoded
// or not), password-like parameters (?password=, ;password=, password=
// in a key=value DSN, token=, …) and the password of a driver DSN
// (user:password@tcp(host)/db). It errs on the side of hiding too much.
// Redact is idempotent.
func Redact(s string) string {
	if s == "" {
		return s
	}
	s = redactUserinfo(s)
	if m := goDSN.FindStringSubmatchIndex(s); m != nil && !strings.Contains(s[:m[1]], "://") {
		if pass := s[m[4]:m[5]]; pass != "" && pass != Mask {
			s = s[:m[4]] + Mask + s[m[5]:]
		}
	}
	return secretParam.ReplaceAllStringFunc(s, func(kv string) string {
		m := secretParam.FindStringSubmatch(kv)
		if m[2] == "" || m[2] == Mask {
			return kv
		}
		return m[1] + Mask
	})
}

// redactUserinfo hides the password of each scheme://user:password@host
// in s. The userinfo ends at the last '@' before the host, since a
// password may hold '@', '/', '?' or '#' where it should not.
func redactUserinfo(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "://")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		start := i + 3
		rest := s[start:]
		// The userinfo cannot run past the next URL or whitespace-free
		// token's end.
		end := len(rest)
		if j := strings.Index(rest, "://"); j >= 0 {
			end = j
		}
		at := -1
		for k := end - 1; k >= 0; k-- {
			if rest[k] == '@' && hostAfter(rest, k) {
				at = k
				break
			}
		}
		b.WriteString(s[:start])
		if at < 0 {
			s = rest
			continue
		}
		info := rest[:at]
		user, pass, ok := cutPassword(info)
		if ok && pass != Mask {
			b.WriteString(user + ":" + Mask)
		} else {
			b.WriteString(info)
		}
		b.WriteByte('@')
		s = rest[at+1:]
	}
}

// cutPassword splits userinfo at its first ':' (or percent-encoded %3A).
func cutPassword(info string) (user, pass string, ok bool) {
	c := strings.IndexByte(info, ':')
	e := strings.Index(strings.ToUpper(info), "%3A")
	switch {
	case c >= 0 && (e < 0 || c < e):
		return info[:c], info[c+1:], true
	case e >= 0:
		return info[:e], info[e+3:], true
	}
	return info, "", false
}
