//go:build duckdb_arrow

package rules

import (
	"testing"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/internal/enginetest"
	"github.com/plumb-data/plumb/profile"
)

// TestSemanticSQLMatchesProfile holds each semantic check's SQL to the
// profile's Go judgement, value by value, so that suggest's semantic
// checks pass on the data the profile saw.
func TestSemanticSQLMatchesProfile(t *testing.T) {
	t.Parallel()
	values := []string{
		"a@b.co", "a@b.c", "@b.com", "a@@b.com", "a b@c.com", "a@b..com", "a@.com", "a@b.com.", "ANA.OBRIEN22@CORP.EXAMPLE.COM",
		"søren.miller80@corp.example.com", "a@b.c\u00e9", "a;b@c.com", "a@b,c.com", "x@y.zz\n",
		"http://x", "https://example.com/a?b", "www.example.com", "http://a@b.com", "ftp://x", "HTTP://X",
		"5c5249bc-7379-4f23-b166-46bae72b00be", "5C5249BC-7379-4F23-B166-46BAE72B00BE", "5c5249bc-7379-4f23-b166-46bae72b00b",
		"5c5249bc73794f23b16646bae72b00be", "gc5249bc-7379-4f23-b166-46bae72b00be",
		"192.168.0.1", "255.255.255.255", "256.1.1.1", "01.2.3.4", "1.2.3", "1.2.3.4.5", "0.0.0.0", "1.2.3.04", "١.2.3.4",
		"US", "us", "XX", "GB", "UK", "DE ", "ÉS",
		"true", "FALSE", "Yes", "n", "0", "1", "2", "yes!", "t", "truee", "",
	}
	for _, p := range []string{"customers.csv", "dedupe/people.csv", "diff/target.csv"} {
		for _, rec := range enginetest.ReadRaggedCSV(t, enginetest.Fixture(p)) {
			values = append(values, rec...)
		}
	}
	db := enginetest.Open(t)
	tbl := db.TempName("plumb_values")
	if _, err := db.ExecContext(t.Context(), "CREATE TABLE "+engine.Ident(tbl)+" (v VARCHAR)"); err != nil {
		t.Fatal(err)
	}
	app, err := db.NewAppender(t.Context(), tbl)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range values {
		if err := app.Append(v); err != nil {
			t.Fatal(err)
		}
	}
	if err := app.Close(); err != nil {
		t.Fatal(err)
	}
	for _, typ := range profile.SemanticTypes {
		expr, err := semanticSQL(t.Context(), db, typ, "v")
		if err != nil {
			t.Fatal(err)
		}
		rows, err := db.QueryContext(t.Context(), "SELECT DISTINCT v, coalesce("+expr+", false) FROM "+engine.Ident(tbl))
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		n := 0
		for rows.Next() {
			var v string
			var got bool
			if err := rows.Scan(&v, &got); err != nil {
				t.Fatal(err)
			}
			if want := profile.IsSemantic(typ, v); got != want {
				t.Errorf("%s(%q): SQL says %t, the profile %t", typ, v, got, want)
			}
			n++
		}
		rows.Close()
		if n < 100 {
			t.Fatalf("%s: only %d values tried", typ, n)
		}
	}
}
