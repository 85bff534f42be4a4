//go:build duckdb_arrow

package engine

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/plumb-data/plumb/internal/dbtest"
	"github.com/plumb-data/plumb/source"
)

// typeCase is one column of the type matrix: declared as decl on the
// database, holding value, it must load as DuckDB type want with the
// text want (DuckDB's CAST to VARCHAR), or reject its row.
type typeCase struct {
	name, decl, value string
	wantType, want    string
	reject            bool
}

var postgresTypes = []typeCase{
	{name: "smallint", decl: "smallint", value: "-32768", wantType: "SMALLINT", want: "-32768"},
	{name: "integer", decl: "integer", value: "2147483647", wantType: "INTEGER", want: "2147483647"},
	{name: "bigint", decl: "bigint", value: "-9223372036854775808", wantType: "BIGINT", want: "-9223372036854775808"},
	{name: "numeric 12,2", decl: "numeric(12,2)", value: "95845.58", wantType: "DECIMAL(12,2)", want: "95845.58"},
	{name: "numeric 38,10", decl: "numeric(38,10)", value: "1234567890123456789012345678.0123456789", wantType: "DECIMAL(38,10)", want: "1234567890123456789012345678.0123456789"},
	{name: "numeric short scale", decl: "numeric(10,4)", value: "-0.5", wantType: "DECIMAL(10,4)", want: "-0.5000"},
	{name: "numeric unconstrained", decl: "numeric", value: "3.14159265358979323846264338327950288419716939937510", wantType: "VARCHAR", want: "3.14159265358979323846264338327950288419716939937510"},
	{name: "numeric NaN", decl: "numeric(10,2)", value: "'NaN'", reject: true},
	{name: "real", decl: "real", value: "0.1", wantType: "FLOAT", want: "0.1"},
	{name: "double", decl: "double precision", value: "0.1", wantType: "DOUBLE", want: "0.1"},
	{name: "double max", decl: "double precision", value: "1.7976931348623157e308", wantType: "DOUBLE", want: "1.7976931348623157e+308"},
	{name: "boolean", decl: "boolean", value: "true", wantType: "BOOLEAN", want: "true"},
	{name: "date", decl: "date", value: "'2024-02-29'", wantType: "DATE", want: "2024-02-29"},
	{name: "date infinity", decl: "date", value: "'infinity'", reject: true},
	{name: "timestamp", decl: "timestamp", value: "'2024-01-02 03:04:05.123456'", wantType: "TIMESTAMP", want: "2024-01-02 03:04:05.123456"},
	{name: "timestamptz to UTC", decl: "timestamptz", value: "'2024-01-02 03:04:05+02'", wantType: "TIMESTAMP WITH TIME ZONE", want: "2024-01-02 01:04:05+00"},
	{name: "time", decl: "time", value: "'13:14:15.5'", wantType: "TIME", want: "13:14:15.5"},
	{name: "interval", decl: "interval", value: "'1 year 2 mons 3 days 04:05:06'", wantType: "INTERVAL", want: "1 year 2 months 3 days 04:05:06"},
	{name: "uuid", decl: "uuid", value: "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", wantType: "UUID", want: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
	{name: "json as written", decl: "json", value: `'{"b": 1, "a": 2}'`, wantType: "JSON", want: `{"b": 1, "a": 2}`},
	{name: "jsonb", decl: "jsonb", value: `'{"b": 1, "a": 2}'`, wantType: "JSON", want: `{"a": 2, "b": 1}`},
	{name: "bytea", decl: "bytea", value: `'\xdead00ef'`, wantType: "BLOB", want: `\xDE\xAD\x00\xEF`},
	{name: "int array", decl: "integer[]", value: "'{1,NULL,3}'", wantType: "INTEGER[]", want: "[1, NULL, 3]"},
	{name: "text array", decl: "text[]", value: `'{a,"b c"}'`, wantType: "VARCHAR[]", want: "[a, b c]"},
	{name: "int matrix", decl: "integer[]", value: "'{{1,2},{3,NULL}}'", wantType: "INTEGER[][]", want: "[[1, 2], [3, NULL]]"},
	{name: "text cube", decl: "text[][][]", value: "'{{{a},{b}},{{c},{d}}}'", wantType: "VARCHAR[][][]", want: "[[[a], [b]], [[c], [d]]]"},
	{name: "numeric array exact", decl: "numeric(38,10)[]", value: "'{1234567890123456789012345678.0123456789,NULL,-2}'", wantType: "DECIMAL(38,10)[]", want: "[1234567890123456789012345678.0123456789, NULL, -2.0000000000]"},
	{name: "numeric array NaN", decl: "numeric(6,2)[]", value: "'{1,NaN}'", reject: true},
	{name: "date array", decl: "date[]", value: "'{2024-02-29,1999-12-31}'", wantType: "DATE[]", want: "[2024-02-29, 1999-12-31]"},
	{name: "timestamptz array to UTC", decl: "timestamptz[]", value: `'{"2024-01-02 03:04:05+02"}'`, wantType: "TIMESTAMP WITH TIME ZONE[]", want: "['2024-01-02 01:04:05+00']"},
	{name: "uuid array", decl: "uuid[]", value: "'{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}'", wantType: "UUID[]", want: "[a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11]"},
	{name: "interval array", decl: "interval[]", value: "'{1 day,2 hours}'", wantType: "INTERVAL[]", want: "[1 day, '02:00:00']"},
	{name: "inet array as text", decl: "inet[]", value: "'{10.0.0.1,::1}'", wantType: "VARCHAR", want: "{10.0.0.1,::1}"},
	{name: "timetz", decl: "timetz", value: "'13:14:15.5+02'", wantType: "TIME WITH TIME ZONE", want: "13:14:15.5+02"},
	{name: "money", decl: "money", value: "'-1234.56'", wantType: "DECIMAL(19,2)", want: "-1234.56"},
	{name: "money max", decl: "money", value: "'92233720368547758.07'", wantType: "DECIMAL(19,2)", want: "92233720368547758.07"},
	{name: "enum", decl: "mood", value: "'happy'", wantType: "VARCHAR", want: "happy"},
	{name: "inet as text", decl: "inet", value: "'10.0.0.1/8'", wantType: "VARCHAR", want: "10.0.0.1/8"},
	{name: "text", decl: "text", value: "'ünïcode ''q'''", wantType: "VARCHAR", want: "ünïcode 'q'"},
}

var mysqlTypes = []typeCase{
	{name: "tinyint", decl: "tinyint", value: "-128", wantType: "TINYINT", want: "-128"},
	{name: "tinyint(1) boolean", decl: "tinyint(1)", value: "1", wantType: "BOOLEAN", want: "true"},
	{name: "tinyint(1) holding 2", decl: "tinyint(1)", value: "2", reject: true},
	{name: "int unsigned", decl: "int unsigned", value: "4294967295", wantType: "UINTEGER", want: "4294967295"},
	{name: "bigint", decl: "bigint", value: "-9223372036854775808", wantType: "BIGINT", want: "-9223372036854775808"},
	{name: "bigint unsigned past int64", decl: "bigint unsigned", value: "18446744073709551615", wantType: "UBIGINT", want: "18446744073709551615"},
	{name: "decimal 12,2", decl: "decimal(12,2)", value: "95845.58", wantType: "DECIMAL(12,2)", want: "95845.58"},
	{name: "decimal 38,10", decl: "decimal(38,10)", value: "1234567890123456789012345678.0123456789", wantType: "DECIMAL(38,10)", want: "1234567890123456789012345678.0123456789"},
	{name: "decimal 65,30", decl: "decimal(65,30)", value: "12345678901234567890123456789012345.123456789012345678901234567890", wantType: "VARCHAR", want: "12345678901234567890123456789012345.123456789012345678901234567890"},
	{name: "float", decl: "float", value: "0.1", wantType: "FLOAT", want: "0.1"},
	{name: "double", decl: "double", value: "0.1", wantType: "DOUBLE", want: "0.1"},
	{name: "date", decl: "date", value: "'2024-02-29'", wantType: "DATE", want: "2024-02-29"},
	{name: "zero date", decl: "date", value: "'0000-00-00'", reject: true},
	{name: "zero datetime", decl: "datetime", value: "'0000-00-00 00:00:00'", reject: true},
	{name: "datetime", decl: "datetime(6)", value: "'2024-01-02 03:04:05.123456'", wantType: "TIMESTAMP", want: "2024-01-02 03:04:05.123456"},
	{name: "timestamp to UTC", decl: "timestamp", value: "'2024-01-02 03:04:05'", wantType: "TIMESTAMP WITH TIME ZONE", want: "2024-01-02 03:04:05+00"},
	{name: "time past a day", decl: "time", value: "'-838:59:59'", wantType: "INTERVAL", want: "-838:59:59"},
	{name: "json", decl: "json", value: `'{"b": 1}'`, want: `{"b": 1}`},
	{name: "blob", decl: "blob", value: "x'DEAD00EF'", wantType: "BLOB", want: `\xDE\xAD\x00\xEF`},
	{name: "enum", decl: "enum('sad','happy')", value: "'happy'", wantType: "VARCHAR", want: "happy"},
	{name: "year", decl: "year", value: "2024", wantType: "SMALLINT", want: "2024"},
	{name: "varchar", decl: "varchar(20)", value: "'ünïcode'", wantType: "VARCHAR", want: "ünïcode"},
}

var sqliteTypes = []typeCase{
	{name: "integers", decl: "integer", value: "9223372036854775807", wantType: "BIGINT", want: "9223372036854775807"},
	{name: "reals", decl: "real", value: "0.1", wantType: "DOUBLE", want: "0.1"},
	{name: "text in a date column stays as written", decl: "date", value: "'2024-02-29'", wantType: "VARCHAR", want: "2024-02-29"},
	{name: "blob", decl: "blob", value: "x'DEAD00EF'", wantType: "BLOB", want: `\xDE\xAD\x00\xEF`},
	{name: "untyped text", decl: "", value: "'x'", wantType: "VARCHAR", want: "x"},
}

func TestLoadDatabaseTypesPostgres(t *testing.T) {
	d := dbtest.Postgres(t)
	d.Exec(t, "CREATE TYPE mood AS ENUM ('sad', 'happy')")
	testTypes(t, d, postgresTypes)
}

func TestLoadDatabaseTypesMySQL(t *testing.T) {
	testTypes(t, dbtest.MySQL(t), mysqlTypes)
}

func TestLoadDatabaseTypesSQLite(t *testing.T) {
	testTypes(t, dbtest.SQLite(t), sqliteTypes)
}

// testTypes loads each case as a table of its own (id, c) and checks
// the type and value c loads as, or that its row is rejected, counted.
func testTypes(t *testing.T, d *dbtest.DB, cases []typeCase) {
	db := openDB(t)
	if _, err := db.ExecContext(t.Context(), "SET TimeZone = 'UTC'"); err != nil {
		t.Fatal(err)
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			table := fmt.Sprintf("t%d", i)
			d.Exec(t, fmt.Sprintf("CREATE TABLE %s (id integer, c %s)", table, tc.decl),
				fmt.Sprintf("INSERT INTO %s VALUES (1, %s), (2, NULL)", table, tc.value))
			src, err := source.Parse(d.Table(table))
			if err != nil {
				t.Fatal(err)
			}
			tbl, err := db.Load(t.Context(), src, LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if tbl.RowsRead != 2 || tbl.RowsRead != tbl.RowsLoaded+tbl.RowsRejected {
				t.Fatalf("got %d read, %d loaded, %d rejected; want 2 read, all accounted for", tbl.RowsRead, tbl.RowsLoaded, tbl.RowsRejected)
			}
			if tc.reject {
				rj, err := db.Rejects(t.Context(), tbl, 0)
				if err != nil {
					t.Fatal(err)
				}
				if tbl.RowsRejected != 1 || len(rj) != 1 || rj[0].Columns != "c" || rj[0].Line != 1 {
					t.Fatalf("got %d rejected %+v, want row 1 rejected for column c", tbl.RowsRejected, rj)
				}
				t.Logf("rejected: %s", rj[0].Message)
				return
			}
			if tbl.RowsRejected != 0 {
				rj, _ := db.Rejects(t.Context(), tbl, 0)
				t.Fatalf("got rejects %+v", rj)
			}
			if tc.wantType != "" && tbl.Columns[1].Type != tc.wantType {
				t.Errorf("got type %s, want %s", tbl.Columns[1].Type, tc.wantType)
			}
			var got sql.NullString
			if err := db.QueryRowContext(t.Context(), "SELECT CAST(c AS VARCHAR) FROM "+Ident(tbl.Name)+" WHERE id = 1").Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got.String != tc.want {
				t.Errorf("got %q, want %q", got.String, tc.want)
			}
			var nulls int
			if err := db.QueryRowContext(t.Context(), "SELECT count(*) FROM "+Ident(tbl.Name)+" WHERE id = 2 AND c IS NULL").Scan(&nulls); err != nil || nulls != 1 {
				t.Errorf("NULL did not load as NULL (%d, %v)", nulls, err)
			}
			if c := tbl.Catalog; c == nil || len(c.Columns) != 2 || c.Columns[1].LoadedAs == "" {
				t.Errorf("catalog %+v: want both columns with their loaded type", c)
			} else if c.Columns[1].Note != "" {
				t.Logf("note: %s", c.Columns[1].Note)
			}
		})
	}
}

// TestLoadSQLiteMixedClasses: a column holding integers and text loads
// as text, each value as written, and says so.
func TestLoadSQLiteMixedClasses(t *testing.T) {
	d := dbtest.SQLite(t)
	d.Exec(t, "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER, r)", "INSERT INTO t VALUES (1, 42, 1), (2, 'forty-two', 2.5), (3, NULL, NULL)")
	db := openDB(t)
	src, _ := source.Parse(d.Table("t"))
	tbl, err := db.Load(t.Context(), src, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tbl.Columns[1].Type != "VARCHAR" || tbl.Columns[2].Type != "DOUBLE" {
		t.Errorf("got types %+v, want v VARCHAR and r DOUBLE", tbl.Columns)
	}
	if n := tbl.Catalog.Columns[1].Note; !strings.Contains(n, "integer, text") {
		t.Errorf("got note %q, want the storage classes", n)
	}
	if pk := tbl.Catalog.PrimaryKey; len(pk) != 1 || pk[0] != "id" {
		t.Errorf("got primary key %v", pk)
	}
	var got string
	if err := db.QueryRowContext(t.Context(), "SELECT string_agg(v, '|' ORDER BY id) FROM "+Ident(tbl.Name)).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "42|forty-two" {
		t.Errorf("got %q, want the values as written", got)
	}
}

// TestLoadDatabaseCancelStopsTheServer: cancelling a load stops the
// query on the server, not only in plumb.
func TestLoadDatabaseCancelStopsTheServer(t *testing.T) {
	for _, tc := range []struct {
		name, sleep string
		open        func(testing.TB) *dbtest.DB
	}{
		{"postgres", "SELECT pg_sleep(20) AS s", dbtest.Postgres},
		{"mysql", "SELECT SLEEP(20) AS s", dbtest.MySQL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.open(t)
			db := openDB(t)
			src, err := source.Parse(d.Query(tc.sleep))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
			defer cancel()
			start := time.Now()
			if _, err := db.Load(ctx, src, LoadOptions{}); err == nil {
				t.Fatal("a cancelled load succeeded")
			}
			if waited := time.Since(start); waited > 5*time.Second {
				t.Errorf("the load took %s to stop", waited)
			}
		})
	}
}

// TestLoadMySQLKeysetPages: a MySQL table with a primary key is read in
// keyset pages ordered by the key; a compound text and integer key over
// more rows than a page loads every row once, in key order.
func TestLoadMySQLKeysetPages(t *testing.T) {
	d := dbtest.MySQL(t)
	const n = 120_001 // two full pages and one row
	d.Exec(t, "CREATE TABLE t (k varchar(10), i int, v int, PRIMARY KEY (k, i))",
		fmt.Sprintf("INSERT INTO t SELECT concat('k', seq %% 7), seq, seq FROM seq_1_to_%d", n))
	db := openDB(t)
	src, err := source.Parse(d.Table("t"))
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := db.Load(t.Context(), src, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tbl.RowsLoaded != n || tbl.RowsRejected != 0 {
		t.Fatalf("got %d loaded, %d rejected; want %d loaded", tbl.RowsLoaded, tbl.RowsRejected, n)
	}
	var rows, distinct int64
	var sum float64
	if err := db.QueryRowContext(t.Context(), "SELECT count(*), count(DISTINCT v), sum(v) FROM "+Ident(tbl.Name)).Scan(&rows, &distinct, &sum); err != nil {
		t.Fatal(err)
	}
	if rows != n || distinct != n || sum != float64(n)*(n+1)/2 {
		t.Errorf("got %d rows, %d distinct, sum %.0f; want every row once", rows, distinct, sum)
	}
}

// TestLoadMySQLQueryBoolean: a query's tinyint(1) column loads as
// BOOLEAN, as a table's does; a wider TINYINT and an expression stay
// integers.
func TestLoadMySQLQueryBoolean(t *testing.T) {
	d := dbtest.MySQL(t)
	d.Exec(t, "CREATE TABLE t (id int, flag tinyint(1), small tinyint(4))", "INSERT INTO t VALUES (1, 1, 5), (2, 0, -5), (3, NULL, NULL)")
	db := openDB(t)
	src, err := source.Parse(d.Query("SELECT id, flag, small, flag + 1 AS next FROM t ORDER BY id"))
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := db.Load(t.Context(), src, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, c := range tbl.Columns[1:] {
		types = append(types, c.Type)
	}
	if got := strings.Join(types, " "); got != "BOOLEAN TINYINT INTEGER" {
		t.Errorf("got types %s, want BOOLEAN TINYINT INTEGER", got)
	}
	if c := tbl.Catalog.Columns[1]; c.Type != "tinyint(1)" {
		t.Errorf("got declared %q, want tinyint(1)", c.Type)
	}
	var got string
	if err := db.QueryRowContext(t.Context(), "SELECT string_agg(coalesce(flag::VARCHAR, 'NULL'), ' ' ORDER BY id) FROM "+Ident(tbl.Name)).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "true false NULL" {
		t.Errorf("got %q, want true false NULL", got)
	}
}

// TestLoadPostgresArrayDimensions: a column whose arrays are matrices
// loads as nested lists; a row whose array has other dimensions than
// the column's is rejected with its row number, the others load.
func TestLoadPostgresArrayDimensions(t *testing.T) {
	d := dbtest.Postgres(t)
	d.Exec(t, "CREATE TABLE t (id int, m int[])",
		"INSERT INTO t VALUES (1, '{{1,2},{3,4}}'), (2, '{5,6}'), (3, '{}'), (4, NULL), (5, '{{7},{8}}')")
	db := openDB(t)
	src, err := source.Parse(d.Query("SELECT * FROM " + d.Name + ".t ORDER BY id"))
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := db.Load(t.Context(), src, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tbl.Columns[1].Type != "INTEGER[][]" || tbl.RowsLoaded != 4 || tbl.RowsRejected != 1 {
		t.Fatalf("got type %s, %d loaded, %d rejected; want INTEGER[][], 4 loaded, 1 rejected", tbl.Columns[1].Type, tbl.RowsLoaded, tbl.RowsRejected)
	}
	rj, err := db.Rejects(t.Context(), tbl, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rj) != 1 || rj[0].Line != 2 || !strings.Contains(rj[0].Message, "dimensions") {
		t.Errorf("got rejects %+v, want row 2 for its dimensions", rj)
	}
	var got string
	if err := db.QueryRowContext(t.Context(), "SELECT string_agg(coalesce(m::VARCHAR, 'NULL'), ' | ' ORDER BY id) FROM "+Ident(tbl.Name)).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if want := "[[1, 2], [3, 4]] | [] | NULL | [[7], [8]]"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
