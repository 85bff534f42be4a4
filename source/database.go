package source

import (
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
)

// The database formats: a source read from a server or a SQLite file
// rather than from files plumb parses.
const (
	FormatPostgres Format = "postgres"
	FormatMySQL    Format = "mysql" // MySQL and MariaDB
	FormatSQLite   Format = "sqlite"
	// FormatClickHouse is ClickHouse over its native protocol.
	FormatClickHouse Format = "clickhouse"
)

// IsDatabase says whether f is read through a database driver.
func (f Format) IsDatabase() bool {
	return f == FormatPostgres || f == FormatMySQL || f == FormatSQLite || f == FormatClickHouse
}

// Database is a database source: one table, or the rows of one query, on
// a server (PostgreSQL, MySQL, MariaDB) or in a SQLite file.
//
// It holds the password as given, for the driver alone: show Source.Spec,
// which is redacted, never a Database's fields.
type Database struct {
	Format Format // FormatPostgres, FormatMySQL or FormatSQLite
	// User and Password are from the URL's user:password@; "" leaves them
	// to the driver's environment (PGUSER, PGPASSWORD, PGSERVICE,
	// ~/.pgpass; MYSQL_PWD).
	User     string
	Password string
	// HasPassword tells an empty password given (user:@host) from none.
	HasPassword bool
	Host        string // "" for the driver's default (or a socket in Params)
	Port        int    // 0 for the driver's default
	Name        string // the database (schema, for MySQL) to connect to
	// Params are the connection options passed through to the driver
	// (sslmode, sslrootcert, tls, connect_timeout, …), in the order given.
	Params []Param
	// Path is a SQLite file.
	Path string
	// Table is the table's qualified name, one part a level (schema,
	// table); nil when Query is given.
	Table []string
	// Query is a SELECT to read instead of a table; "" when Table is given.
	Query string
}

// Param is a connection option of a database URL.
type Param struct{ Key, Value string }

// OnThisHost says whether the database is on this machine: a SQLite
// file, or a server reached through a socket, localhost or a loopback
// address (a tunnel to a remote server looks the same: callers offer a
// flag to say so). There, reading its rows costs less than making the
// server compute over them.
func (d *Database) OnThisHost() bool {
	if d.Format == FormatSQLite {
		return true
	}
	host := d.Host
	if host == "" || strings.EqualFold(host, "localhost") || strings.HasPrefix(host, "/") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// TableName is the table's qualified name as plumb shows it, or "query"
// for a query source.
func (d *Database) TableName() string {
	if d.Query != "" {
		return "query"
	}
	return strings.Join(d.Table, ".")
}

// databaseScheme maps URL schemes to database formats.
var databaseScheme = map[string]Format{
	"postgres": FormatPostgres, "postgresql": FormatPostgres,
	"mysql": FormatMySQL, "mariadb": FormatMySQL,
	"sqlite": FormatSQLite, "sqlite3": FormatSQLite,
	"clickhouse": FormatClickHouse,
}

// sqliteExt are the file extensions read as SQLite when the spec names a
// table (app.db?table=t).
var sqliteExt = []string{".db", ".sqlite", ".sqlite3"}

// isSQLitePath says whether spec is a SQLite file path with a table or a
// query: app.db?table=t.
func isSQLitePath(spec string) bool {
	path, params, ok := strings.Cut(spec, "?")
	if !ok || strings.Contains(spec, "://") {
		return false
	}
	ext := strings.ToLower(filepath.Ext(path))
	known := false
	for _, e := range sqliteExt {
		known = known || ext == e
	}
	return known && (strings.HasPrefix(params, "table=") || strings.HasPrefix(params, "query=") ||
		strings.Contains(params, "&table=") || strings.Contains(params, "&query="))
}

// parseDatabase reads a database spec:
//
//	postgres://user:password@host:5432/db?table=schema.customers&sslmode=require
//	mysql://user@host:3306/db?query=SELECT id, total FROM orders
//	sqlite:///var/lib/app.db?table=t   (or sqlite://relative.db, or app.db?table=t)
//
// The userinfo ends at the last '@' before the host, as in Redact, so a
// password may hold '/', '?', '#' or '@'; percent-encoding is decoded.
// query= comes last and runs to the end of the spec, as written (or
// percent-decoded when it has no spaces). Unquoted PostgreSQL names fold
// to lower case, as PostgreSQL folds them; "double quotes" keep a name
// as written.
func parseDatabase(spec string, shown string) (*Database, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("source %q: %s", shown, fmt.Sprintf(format, args...))
	}
	d := &Database{}
	var rest string
	if i := strings.Index(spec, "://"); i > 0 {
		f, ok := databaseScheme[strings.ToLower(spec[:i])]
		if !ok {
			return nil, fail("%s:// sources are not supported; plumb reads files, postgres://, mysql://, sqlite:// and clickhouse://", spec[:i])
		}
		d.Format, rest = f, spec[i+3:]
	} else {
		d.Format, rest = FormatSQLite, spec
	}
	body, rawParams, _ := strings.Cut(rest, "?")
	if d.Format != FormatSQLite {
		// The userinfo runs to the last '@' that starts a host.
		hostStart := 0
		for k := len(rest) - 1; k >= 0; k-- {
			if rest[k] == '@' && hostAfter(rest, k) {
				info := rest[:k]
				user, pass, ok := cutPassword(info)
				d.User, d.Password, d.HasPassword = unescape(user), unescape(pass), ok
				hostStart = k + 1
				break
			}
		}
		body, rawParams, _ = strings.Cut(rest[hostStart:], "?")
		hostPort, name, _ := strings.Cut(body, "/")
		name, _, _ = strings.Cut(name, "#")
		d.Name = unescape(name)
		if hostPort != "" {
			u, err := url.Parse("//" + hostPort)
			if err != nil {
				return nil, fail("bad host %q", hostPort)
			}
			d.Host = u.Hostname()
			if p := u.Port(); p != "" {
				n, err := strconv.Atoi(p)
				if err != nil || n <= 0 || n > 65535 {
					return nil, fail("bad port %q", p)
				}
				d.Port = n
			}
		}
	} else {
		d.Path = unescape(strings.TrimPrefix(body, "//"))
		if d.Path == "" {
			return nil, fail("no SQLite file; write sqlite:///path/app.db?table=NAME")
		}
	}
	table, err := d.parseParams(rawParams)
	if err != nil {
		return nil, fail("%v", err)
	}
	switch {
	case table != "" && d.Query != "":
		return nil, fail("give table= or query=, not both")
	case table == "" && d.Query == "":
		return nil, fail("name what to read: ?table=NAME or ?query=SELECT …")
	case table != "":
		if d.Table, err = parseTableName(table, d.Format == FormatPostgres); err != nil {
			return nil, fail("table %q: %v", table, err)
		}
	}
	return d, nil
}

// parseParams reads the URL's parameters into d and returns table=.
func (d *Database) parseParams(raw string) (table string, err error) {
	for raw != "" {
		var kv string
		if strings.HasPrefix(raw, "query=") {
			kv, raw = raw, ""
		} else {
			kv, raw, _ = strings.Cut(raw, "&")
		}
		key, value, _ := strings.Cut(kv, "=")
		switch key {
		case "":
			continue
		case "query":
			q := value
			if !strings.ContainsAny(q, " \t\n") {
				if u, err := url.QueryUnescape(q); err == nil {
					q = u
				}
			}
			if strings.TrimSpace(q) == "" {
				return "", fmt.Errorf("empty query=")
			}
			d.Query = q
			continue
		}
		if u, err := url.QueryUnescape(value); err == nil {
			value = u
		}
		if key == "table" {
			if value == "" {
				return "", fmt.Errorf("empty table=")
			}
			table = value
			continue
		}
		d.Params = append(d.Params, Param{Key: unescape(key), Value: value})
	}
	return table, nil
}

// parseTableName splits a qualified name into its parts: schema.table,
// "My Schema"."Table.With.Dots" (a doubled "" is a quote). Unquoted parts
// are folded to lower case when fold is set.
func parseTableName(s string, fold bool) ([]string, error) {
	var parts []string
	for {
		var part string
		if strings.HasPrefix(s, `"`) {
			var b strings.Builder
			i := 1
			for ; i < len(s); i++ {
				if s[i] == '"' {
					if i+1 < len(s) && s[i+1] == '"' {
						b.WriteByte('"')
						i++
						continue
					}
					break
				}
				b.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, fmt.Errorf("unclosed quote")
			}
			part, s = b.String(), s[i+1:]
			if s != "" && s[0] != '.' {
				return nil, fmt.Errorf("unexpected %q after a quoted name", s)
			}
		} else {
			end := strings.IndexByte(s, '.')
			if end < 0 {
				end = len(s)
			}
			part, s = strings.TrimSpace(s[:end]), s[end:]
			if fold {
				part = strings.ToLower(part)
			}
		}
		if part == "" {
			return nil, fmt.Errorf("empty name")
		}
		parts = append(parts, part)
		if s == "" {
			break
		}
		s = s[1:] // the '.'
	}
	if len(parts) > 3 {
		return nil, fmt.Errorf("at most database.schema.table")
	}
	return parts, nil
}

// unescape percent-decodes s, or returns it as written when it is not
// valid percent-encoding.
func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}
