//go:build duckdb_arrow

package dbdiff

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/plumb-data/plumb/engine"
	"github.com/plumb-data/plumb/internal/dbtest"
	"github.com/plumb-data/plumb/internal/enginetest"
	"github.com/plumb-data/plumb/reconcile"
	"github.com/plumb-data/plumb/source"
)

// encodings writes every row of both sides in the row encoding, by key.
func encodings(t *testing.T, db *engine.DB, a, b source.Source) [2]map[string]string {
	t.Helper()
	keys, _ := reconcile.ParsePairs("k1")
	load := func(ctx context.Context, db *engine.DB, s source.Source) (*engine.Table, error) {
		return db.Load(ctx, s, engine.LoadOptions{Raw: true})
	}
	r := &run{db: db, opts: Options{Load: load, Reconcile: reconcile.Options{Keys: keys}}, plan: &Plan{}, mu: &sync.Mutex{}}
	defer r.close()
	if err := r.open(t.Context(), [2]source.Source{a, b}); err != nil {
		t.Fatal(err)
	}
	if why, ok := r.columns(t.Context()); !ok {
		t.Fatal(why)
	}
	out := [2]map[string]string{{}, {}}
	for i, s := range r.sides {
		var parts []string
		for j, f := range r.fields {
			if j > 0 {
				parts = append(parts, "'|'")
			}
			parts = append(parts, encodeField(s.d, i, f, r.opts.Policy))
		}
		q := "SELECT " + s.d.keyText("q."+s.d.ident("k1"), s.types[0], s.kinds[0]) + ", " + s.d.concat(parts...) + " FROM " + s.from()
		err := s.conn.Query(t.Context(), q, func(row []*string) error {
			if row[0] != nil {
				out[i][*row[0]] = *row[1]
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestEncodingAgrees holds PostgreSQL, MariaDB and DuckDB to writing the
// same rows (unicode and quoted text, NULLs, decimals, extreme floats,
// timestamps entered in many time zones, booleans) as the same text, so
// that their checksums agree: a disagreement would cost reads.
func TestEncodingAgrees(t *testing.T) {
	rows, _ := genTables(100, 2000, "int", 10)
	pg, my := dbtest.Postgres(t), dbtest.MySQL(t)
	fill(t, pg, pgKind, "s", rows, 1)
	fill(t, my, mysqlKind, "t", rows, 2)
	pgSrc, _ := source.Parse(pg.Table("s"))
	mySrc, _ := source.Parse(my.Table("t"))
	db := enginetest.Open(t)
	// The DuckDB side: the PostgreSQL table as plumb loads it, in Parquet.
	loaded, err := db.Load(t.Context(), pgSrc, engine.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pq := filepath.Join(t.TempDir(), "s.parquet")
	if _, err := db.ExecContext(t.Context(), "COPY "+engine.Ident(loaded.Name)+" TO "+engine.Literal(pq)+" (FORMAT parquet)"); err != nil {
		t.Fatal(err)
	}
	fileSrc, _ := source.Parse(pq)
	for _, tc := range []struct {
		name string
		a, b source.Source
	}{{"postgres-mariadb", pgSrc, mySrc}, {"duckdb-mariadb", fileSrc, mySrc}, {"duckdb-postgres", fileSrc, pgSrc}} {
		t.Run(tc.name, func(t *testing.T) {
			enc := encodings(t, enginetest.Open(t), tc.a, tc.b)
			if len(enc[0]) < len(rows)-10 || len(enc[0]) != len(enc[1]) {
				t.Fatalf("got %d and %d keys, want about %d", len(enc[0]), len(enc[1]), len(rows))
			}
			bad := 0
			for k, v := range enc[0] {
				if w := enc[1][k]; w != v {
					if bad++; bad <= 5 {
						t.Errorf("key %s: %q vs %q", k, v, w)
					}
				}
			}
			if bad > 0 {
				t.Errorf("%d of %d rows written differently", bad, len(enc[0]))
			}
		})
	}
}
