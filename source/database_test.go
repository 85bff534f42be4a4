package source

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseDatabase(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		spec    string
		want    Database
		wantErr string
	}{
		{name: "postgres table", spec: "postgres://user@host:5432/db?table=Sales.Customers",
			want: Database{Format: FormatPostgres, User: "user", Host: "host", Port: 5432, Name: "db", Table: []string{"sales", "customers"}}},
		{name: "quoted parts keep case and dots", spec: `postgresql://h/db?table="My Schema"."a.""b"`,
			want: Database{Format: FormatPostgres, Host: "h", Name: "db", Table: []string{"My Schema", `a."b`}}},
		{name: "password with specials", spec: "postgres://u:p@ss/w?rd@h/db?table=t&sslmode=require",
			want: Database{Format: FormatPostgres, User: "u", Password: "p@ss/w?rd", HasPassword: true, Host: "h", Name: "db",
				Table: []string{"t"}, Params: []Param{{"sslmode", "require"}}}},
		{name: "encoded password", spec: "postgres://u:a%2Fb%40c@h/db?table=t",
			want: Database{Format: FormatPostgres, User: "u", Password: "a/b@c", HasPassword: true, Host: "h", Name: "db", Table: []string{"t"}}},
		{name: "query runs to the end", spec: "postgres://h/db?sslmode=disable&query=SELECT a FROM t WHERE b = 'x&y' AND c LIKE 'a%'",
			want: Database{Format: FormatPostgres, Host: "h", Name: "db", Params: []Param{{"sslmode", "disable"}},
				Query: "SELECT a FROM t WHERE b = 'x&y' AND c LIKE 'a%'"}},
		{name: "encoded query", spec: "postgres://h/db?query=SELECT%201",
			want: Database{Format: FormatPostgres, Host: "h", Name: "db", Query: "SELECT 1"}},
		{name: "mysql keeps case", spec: "mysql://root:@127.0.0.1:3306/test?table=Orders&tls=skip-verify",
			want: Database{Format: FormatMySQL, User: "root", HasPassword: true, Host: "127.0.0.1", Port: 3306, Name: "test",
				Table: []string{"Orders"}, Params: []Param{{"tls", "skip-verify"}}}},
		{name: "mariadb scheme", spec: "mariadb://h/db?table=t", want: Database{Format: FormatMySQL, Host: "h", Name: "db", Table: []string{"t"}}},
		{name: "clickhouse", spec: "clickhouse://default:s3cret@ch.internal:9000/events?table=Clicks",
			want: Database{Format: FormatClickHouse, User: "default", Password: "s3cret", HasPassword: true, Host: "ch.internal", Port: 9000,
				Name: "events", Table: []string{"Clicks"}}},
		{name: "ipv6", spec: "postgres://[::1]:5433/db?table=t", want: Database{Format: FormatPostgres, Host: "::1", Port: 5433, Name: "db", Table: []string{"t"}}},
		{name: "sqlite absolute", spec: "sqlite:///var/lib/app.db?table=t", want: Database{Format: FormatSQLite, Path: "/var/lib/app.db", Table: []string{"t"}}},
		{name: "sqlite relative", spec: "sqlite://data/app.db?table=t", want: Database{Format: FormatSQLite, Path: "data/app.db", Table: []string{"t"}}},
		{name: "sqlite path", spec: "data/app.sqlite?table=t", want: Database{Format: FormatSQLite, Path: "data/app.sqlite", Table: []string{"t"}}},
		{name: "sqlite path query", spec: "app.db?query=SELECT * FROM t", want: Database{Format: FormatSQLite, Path: "app.db", Query: "SELECT * FROM t"}},
		{name: "no table", spec: "postgres://h/db", wantErr: "?table=NAME or ?query="},
		{name: "both", spec: "postgres://h/db?table=t&query=SELECT 1", wantErr: "not both"},
		{name: "bad port", spec: "postgres://h:99999/db?table=t", wantErr: "bad port"},
		{name: "empty name part", spec: "postgres://h/db?table=a..b", wantErr: "empty name"},
		{name: "unclosed quote", spec: `postgres://h/db?table="a`, wantErr: "unclosed quote"},
		{name: "too many parts", spec: `postgres://h/db?table=a.b.c.d`, wantErr: "at most"},
		{name: "sqlite without file", spec: "sqlite://?table=t", wantErr: "no SQLite file"},
		{name: "unknown scheme", spec: "oracle://h/db?table=t", wantErr: "not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := Parse(tt.spec)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if src.Database == nil || src.Format != tt.want.Format {
				t.Fatalf("got %+v, want a %s database source", src, tt.want.Format)
			}
			if !reflect.DeepEqual(*src.Database, tt.want) {
				t.Errorf("got %+v, want %+v", *src.Database, tt.want)
			}
			if src.Database.Password != "" && strings.Contains(src.Spec, src.Database.Password) {
				t.Errorf("spec %q shows the password", src.Spec)
			}
		})
	}
}

func TestParseDatabaseLeavesFilesAlone(t *testing.T) {
	t.Parallel()
	for _, spec := range []string{"app.db", "export.csv?x", "notes.txt?table=t"} {
		src, err := Parse(spec)
		if err != nil || src.Database != nil {
			t.Errorf("Parse(%q) = %+v, %v: want a file source", spec, src, err)
		}
	}
}

// checkDatabase holds the invariants of a parsed database source: it
// names exactly one of a table and a query, its table parts are not
// empty, and its spec never shows its password.
func checkDatabase(t *testing.T, spec string, src Source) {
	t.Helper()
	d := src.Database
	if (len(d.Table) == 0) == (d.Query == "") {
		t.Fatalf("Parse(%q): want exactly one of table and query, got %+v", spec, d)
	}
	for _, p := range d.Table {
		if p == "" {
			t.Fatalf("Parse(%q): empty table part in %q", spec, d.Table)
		}
	}
	if !d.Format.IsDatabase() || src.Format != d.Format {
		t.Fatalf("Parse(%q): format %q / %q", spec, src.Format, d.Format)
	}
	if len(d.Password) > 3 && strings.Contains(src.Spec, d.Password) {
		t.Errorf("Parse(%q): spec %q shows the password %q", spec, src.Spec, d.Password)
	}
	if d.Format == FormatSQLite && d.Path == "" {
		t.Errorf("Parse(%q): SQLite source without a file", spec)
	}
}

func TestOnThisHost(t *testing.T) {
	t.Parallel()
	for spec, want := range map[string]bool{
		"postgres://u@localhost/db?table=t":             true,
		"postgres://u@127.0.0.1:5432/db?table=t":        true,
		"postgres://u@[::1]:5432/db?table=t":            true,
		"postgres:///db?table=t&host=/var/run/pg":       true,
		"mysql://root@127.0.0.2:3306/db?table=t":        true,
		"sqlite:///tmp/app.db?table=t":                  true,
		"postgres://u@db.example.com/db?table=t":        false,
		"mysql://root@10.0.0.5:3306/db?table=t":         false,
		"clickhouse://default@warehouse:9000/d?table=t": false,
	} {
		src, err := Parse(spec)
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		if got := src.Database.OnThisHost(); got != want {
			t.Errorf("%s: OnThisHost %v, want %v", spec, got, want)
		}
	}
}
