package source

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRedact(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"postgres://u:secret@h:5432/db", "postgres://u:xxxxx@h:5432/db"},
		{"mysql://root:@tcp(127.0.0.1:3306)/test", "mysql://root:xxxxx@tcp(127.0.0.1:3306)/test"},
		{"mysql://root:pw@tcp(127.0.0.1:3306)/test", "mysql://root:xxxxx@tcp(127.0.0.1:3306)/test"},
		{"postgres://u@h/db", "postgres://u@h/db"},
		{"postgres://h/db?x=a@b", "postgres://h/db?x=a@b"},
		{"data.csv", "data.csv"},
		{"postgres://u:p@ss:w@rd@h/db", "postgres://u:xxxxx@h/db"},
		{"postgres://user:SE/CRET@host/db", "postgres://user:xxxxx@host/db"},
		{"postgres://user:SE?CRET@host/db?table=t", "postgres://user:xxxxx@host/db?table=t"},
		{"postgres://user:SE#CRET@host/db", "postgres://user:xxxxx@host/db"},
		{"postgres://user%3ASECRET@host/db", "postgres://user:xxxxx@host/db"},
		{"postgres://host/db?user=u&password=SECRET&table=t", "postgres://host/db?user=u&password=xxxxx&table=t"},
		{"jdbc:postgresql://host/db?user=u&password=SECRET", "jdbc:postgresql://host/db?user=u&password=xxxxx"},
		{"jdbc:sqlserver://host;user=u;password=SECRET;db=x", "jdbc:sqlserver://host;user=u;password=xxxxx;db=x"},
		{"host=h user=u password='se cret' dbname=d", "host=h user=u password=xxxxx dbname=d"},
		{"root:SECRET@tcp(127.0.0.1:3306)/test", "root:xxxxx@tcp(127.0.0.1:3306)/test"},
		{"root@tcp(127.0.0.1:3306)/test", "root@tcp(127.0.0.1:3306)/test"},
		{"references postgres://a:S1@h/db and mysql://b:S2@h/db", "references postgres://a:xxxxx@h/db and mysql://b:xxxxx@h/db"},
		{"sqlite:///tmp/app.db?table=t", "sqlite:///tmp/app.db?table=t"},
		{"postgres://u:pw@host/db?query=SELECT 1 WHERE e = 'a@b'", "postgres://u:xxxxx@host/db?query=SELECT 1 WHERE e = 'a@b'"},
	}
	for _, tt := range tests {
		got := Redact(tt.in)
		if got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if again := Redact(got); again != got {
			t.Errorf("Redact is not idempotent on %q: %q", got, again)
		}
	}
}

// FuzzRedact builds database URLs and DSNs around a random password (any
// characters, percent-encoded or not, in the userinfo or the query) and
// checks that the password never survives Redact.
func FuzzRedact(f *testing.F) {
	for _, s := range []string{"SE/CRET", "p@ss:w#rd?", "hunter2", "a b'c\"d", "%3A%40x", "ü€ secret"} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, secret string, form uint8) {
		if !utf8.ValidString(secret) || strings.ContainsAny(secret, "\x00\n\r") {
			return
		}
		// A marker makes the secret long and distinctive enough that it
		// cannot show up in the rest of the spec by chance.
		pw := "Zq9" + secret + "9qZ"
		var spec string
		switch form % 7 {
		case 0:
			spec = "postgres://user:" + pw + "@db.example.com:5432/prod?table=customers"
		case 1:
			spec = "postgres://user:" + url.QueryEscape(pw) + "@db.example.com/prod"
		case 2:
			spec = "mysql://root:" + url.PathEscape(pw) + "@127.0.0.1:3306/test?table=orders"
		case 3:
			spec = "postgres://db.example.com/prod?user=u&password=" + url.QueryEscape(pw) + "&table=t"
		case 4:
			spec = "jdbc:postgresql://db.example.com/prod?user=u&password=" + url.QueryEscape(pw)
		case 5:
			spec = "root:" + pw + "@tcp(127.0.0.1:3306)/test"
		case 6:
			spec = "postgres://user%3A" + url.QueryEscape(pw) + "@db.example.com/prod"
		}
		got := Redact(spec)
		for _, shown := range []string{pw, url.QueryEscape(pw), url.PathEscape(pw)} {
			if strings.Contains(got, shown) {
				t.Fatalf("Redact(%q) = %q: the password is still there", spec, got)
			}
		}
		if Redact(got) != got {
			t.Fatalf("Redact is not idempotent: %q → %q", got, Redact(got))
		}
	})
}
