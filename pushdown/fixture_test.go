//go:build duckdb_arrow

package pushdown_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/plumb-data/plumb/dialect"
	"github.com/plumb-data/plumb/internal/dbtest"
)

// server is a database the differential tests run against.
type server struct {
	name    string
	open    func(testing.TB) *dbtest.DB
	dialect *dialect.Dialect
	// create is the table's definition, with %s for its name.
	create string
	// insert writes rows of literals as a statement; nil: INSERT … VALUES.
	insert func(table string, rows [][]string) string
	// lookup creates a table lookup(n) of the integers 0 to 25.
	lookup string
	// pushedChecks is how many checks of checksFor the database computes.
	pushedChecks int
}

var servers = []server{
	{"postgres", dbtest.Postgres, dialect.Postgres, `CREATE TABLE %s (id integer PRIMARY KEY, name text, code varchar(20),
		amount numeric(12,2), qty integer, score double precision, day date, ts timestamp, flag boolean, email text)`, nil,
		"CREATE TABLE lookup (n integer PRIMARY KEY); INSERT INTO lookup SELECT generate_series(0, 25)", 14},
	{"mysql", dbtest.MySQL, dialect.MySQL, `CREATE TABLE %s (id integer PRIMARY KEY, name varchar(200), code varchar(20),
		amount decimal(12,2), qty integer, score double, day date, ts datetime(6), flag boolean, email varchar(200))
		CHARACTER SET utf8mb4`, nil,
		"CREATE TABLE lookup (n integer PRIMARY KEY) AS SELECT seq AS n FROM seq_0_to_25", 14},
	{"clickhouse", dbtest.ClickHouse, dialect.ClickHouse, `CREATE TABLE %s (id Int32, name Nullable(String), code Nullable(String),
		amount Nullable(Decimal(12,2)), qty Nullable(Int32), score Nullable(Float64), day Nullable(Date), ts Nullable(DateTime),
		flag Nullable(UInt8), email Nullable(String)) ENGINE = MergeTree ORDER BY id`, clickhouseInsert,
		"CREATE TABLE lookup ENGINE = MergeTree ORDER BY n AS SELECT toInt32(number) AS n FROM system.numbers LIMIT 26", 10},
}

// clickhouseInsert writes rows as INSERT … SELECT (clickhouse-go's
// batches do not reach an 18.16 server), each value cast to its
// column's type.
func clickhouseInsert(table string, rows [][]string) string {
	types := []string{"Int32", "Nullable(String)", "Nullable(String)", "Nullable(Decimal(12,2))", "Nullable(Int32)",
		"Nullable(Float64)", "Nullable(Date)", "Nullable(DateTime)", "Nullable(UInt8)", "Nullable(String)"}
	var selects []string
	for _, r := range rows {
		items := make([]string, len(r))
		for k, v := range r {
			switch {
			case v == "true" || v == "false":
				v = map[string]string{"true": "1", "false": "0"}[v]
			case k == 7 && v != "NULL":
				v = v[:20] + "'" // DateTime holds whole seconds
			}
			items[k] = fmt.Sprintf("CAST(%s AS %s)", v, types[k])
		}
		selects = append(selects, "SELECT "+strings.Join(items, ", "))
	}
	return "INSERT INTO " + table + " SELECT * FROM (" + strings.Join(selects, " UNION ALL ") + ")"
}

// names hold what makes text hard: NULLs, empties, blanks of tabs and
// Unicode spaces, sentinels, case variants, surrounding spaces,
// non-ASCII letters, values PAD SPACE collations would merge.
var names = []string{"", " ", "\t", "\u00a0", "N/A", " n/a", "NULL", "-", "?", "Zoë", "zoë", "ZOË", "東京", "Ana", "ana",
	"ana ", " Ana", "O'Brien", `back\slash`, "a,b", "Ümit", "x", "X", "123", "00123", "line\nbreak"}

var codes = []string{"00123", "0042", "ABC-12", "abc-12", "A1", "N/A", "", "12345", "12345-6789", "2024-01-31"}

// table fills a table of rows rows in the server's test database and
// returns its source spec: generated, seeded values with NULLs,
// duplicates (a few rows repeat another but for the id) and extremes.
func table(t *testing.T, srv server, db *dbtest.DB, rows int) string {
	t.Helper()
	name := "t_" + strings.ReplaceAll(srv.name, "-", "_")
	db.Exec(t, fmt.Sprintf(srv.create, name))
	r := rand.New(rand.NewPCG(7, 11))
	str := srv.dialect.Str
	pick := func(list []string, nullEvery int) string {
		if r.IntN(nullEvery) == 0 {
			return "NULL"
		}
		return str(list[r.IntN(len(list))])
	}
	var vals [][]string
	for i := 1; i <= rows; i++ {
		amount := "NULL"
		if r.IntN(7) != 0 {
			amount = fmt.Sprintf("%.2f", (r.Float64()-0.3)*100000)
		}
		qty := "NULL"
		if r.IntN(9) != 0 {
			qty = fmt.Sprint(r.IntN(40) - 5)
		}
		score := "NULL"
		if r.IntN(5) != 0 {
			score = fmt.Sprint(r.NormFloat64() * 3)
		}
		day, ts := "NULL", "NULL"
		if r.IntN(6) != 0 {
			day = str(fmt.Sprintf("20%02d-%02d-%02d", r.IntN(30), 1+r.IntN(12), 1+r.IntN(28)))
			ts = str(fmt.Sprintf("2024-%02d-%02d %02d:%02d:%02d.%03d", 1+r.IntN(12), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(1000)))
		}
		flag := []string{"true", "false", "NULL"}[r.IntN(3)]
		email := "NULL"
		if r.IntN(4) != 0 {
			email = str(fmt.Sprintf("user%d@example.com", r.IntN(rows)))
		}
		vals = append(vals, []string{fmt.Sprint(i), pick(names, 10), pick(codes, 8), amount, qty, score, day, ts, flag, email})
	}
	for chunk := range chunks(vals, 200) {
		if srv.insert != nil {
			db.Exec(t, srv.insert(name, chunk))
			continue
		}
		var tuples []string
		for _, r := range chunk {
			tuples = append(tuples, "("+strings.Join(r, ", ")+")")
		}
		db.Exec(t, "INSERT INTO "+name+" VALUES "+strings.Join(tuples, ", "))
	}
	return db.Table(name)
}

func chunks(s [][]string, n int) func(func([][]string) bool) {
	return func(yield func([][]string) bool) {
		for len(s) > 0 {
			k := min(n, len(s))
			if !yield(s[:k]) {
				return
			}
			s = s[k:]
		}
	}
}
