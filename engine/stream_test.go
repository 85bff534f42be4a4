//go:build duckdb_arrow

package engine

import (
	"context"
	"errors"
	"github.com/plumb-data/plumb/source"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/plumb-data/plumb/internal/synth"
)

func TestStream(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	ctx := t.Context()
	if _, err := db.ExecContext(ctx, "CREATE TABLE s AS SELECT i, CASE WHEN i % 7 = 0 THEN NULL ELSE 'v' || i END AS s FROM range(100000) t(i)"); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var sum, nulls, textLen int64
	seen := map[int64]bool{}
	n, err := db.Stream(ctx, "SELECT i, s, i * 2 AS d FROM s", func(c *Chunk) error {
		var ls, lsum, lnull, llen int64
		var ids []int64
		for r := range c.Len() {
			i, ok := c.Int64(0, r)
			if !ok {
				return errors.New("no i")
			}
			d, _ := c.Int64(2, r)
			if d != 2*i {
				return errors.New("d is not 2i")
			}
			ids = append(ids, i)
			lsum += i
			s, ok := c.String(1, r)
			if !ok {
				lnull++
				continue
			}
			if s != "v"+itoa(i) {
				return errors.New("wrong s " + strings.Clone(s))
			}
			llen += int64(len(s))
			ls++
		}
		mu.Lock()
		defer mu.Unlock()
		sum, nulls, textLen = sum+lsum, nulls+lnull, textLen+llen
		for _, i := range ids {
			seen[i] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 100000 || len(seen) != 100000 || sum != 99999*100000/2 || nulls != 14286 {
		t.Errorf("rows %d, distinct %d, sum %d, nulls %d", n, len(seen), sum, nulls)
	}

	// An error from fn stops the query and comes back as it was.
	boom := errors.New("boom")
	if _, err := db.Stream(ctx, "SELECT s FROM s", func(*Chunk) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("error = %v, want boom", err)
	}
	// So does a panic, as an error.
	if _, err := db.Stream(ctx, "SELECT s FROM s", func(*Chunk) error { panic("oops") }); err == nil || !strings.Contains(err.Error(), "oops") {
		t.Errorf("panic: error = %v", err)
	}
	// A cancelled context stops the stream.
	cctx, cancel := context.WithCancel(ctx)
	calls := 0
	_, err = db.Stream(cctx, "SELECT i FROM range(1000000) t(i)", func(*Chunk) error {
		mu.Lock()
		defer mu.Unlock()
		calls++
		cancel()
		return nil
	})
	if err == nil || calls > 4 {
		t.Errorf("cancelled: error %v after %d chunks", err, calls)
	}
	// A query that does not bind is an error, not a hang.
	if _, err := db.Stream(ctx, "SELECT nope FROM s", func(*Chunk) error { return nil }); err == nil {
		t.Error("bad query: no error")
	}
}

func itoa(i int64) string {
	var b [20]byte
	p := len(b)
	for {
		p--
		b[p] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			return string(b[p:])
		}
	}
}

// TestLoadAnyOrder: rows loaded in any order are the same rows, with the
// same account of what was read and rejected, and have no line index.
func TestLoadAnyOrder(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	// A file large enough for DuckDB to read it on several threads.
	big, err := synth.CachedFile(os.TempDir(), synth.Config{Rows: 200_000, Seed: 3, Mess: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{zoo("ragged.csv"), zoo("bom_crlf_multiline_ragged.csv"), zoo("quoted_newlines.csv"), big} {
		ordered, err := load(t, db, f, source.CSVOptions{}, LoadOptions{Raw: true})
		if err != nil {
			t.Fatal(err)
		}
		anyOrder, err := load(t, db, f, source.CSVOptions{}, LoadOptions{Raw: true, AnyOrder: true})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(anyOrder.Columns, ordered.Columns) {
			t.Errorf("%s: columns %v, in order %v", f, anyOrder.Columns, ordered.Columns)
		}
		if anyOrder.RowsLoaded != ordered.RowsLoaded || anyOrder.RowsRejected != ordered.RowsRejected || !anyOrder.AnyOrder {
			t.Errorf("%s: loaded %d, rejected %d; in order %d, %d", f, anyOrder.RowsLoaded, anyOrder.RowsRejected, ordered.RowsLoaded, ordered.RowsRejected)
		}
		var differ int64
		q := "SELECT count(*) FROM ((SELECT * FROM " + Ident(ordered.Name) + " EXCEPT ALL SELECT * FROM " + Ident(anyOrder.Name) +
			") UNION ALL (SELECT * FROM " + Ident(anyOrder.Name) + " EXCEPT ALL SELECT * FROM " + Ident(ordered.Name) + "))"
		if err := db.QueryRowContext(t.Context(), q).Scan(&differ); err != nil {
			t.Fatal(err)
		}
		if differ != 0 {
			t.Errorf("%s: %d rows differ", f, differ)
		}
		if _, err := db.LineIndex(t.Context(), anyOrder); err == nil {
			t.Errorf("%s: a line index of rows loaded in any order", f)
		}
	}
	// The session's setting is back as it was.
	var keep bool
	if err := db.QueryRowContext(t.Context(), "SELECT current_setting('preserve_insertion_order')").Scan(&keep); err != nil || !keep {
		t.Errorf("preserve_insertion_order = %v, %v after the load", keep, err)
	}
}
