//go:build duckdb_arrow

package engine

import (
	"context"
	"slices"
	"sync"
)

// Scratch hands out names for a piece of work's temporary tables and
// views and drops them together when the work is done:
//
//	s := db.NewScratch()
//	defer s.Drop(ctx)
//	t := s.Table("plumb_keys")
//
// It is safe for concurrent use.
type Scratch struct {
	db    *DB
	mu    sync.Mutex
	names []scratchName
}

type scratchName struct {
	name string
	view bool
}

// NewScratch starts a set of scratch relations.
func (db *DB) NewScratch() *Scratch { return &Scratch{db: db} }

// Table returns a fresh table name with the given prefix, dropped by Drop.
func (s *Scratch) Table(prefix string) string { return s.add(prefix, false) }

// View returns a fresh view name with the given prefix, dropped by Drop.
func (s *Scratch) View(prefix string) string { return s.add(prefix, true) }

// Adopt makes Drop drop a table named elsewhere (a loaded source, say).
func (s *Scratch) Adopt(table string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.names = append(s.names, scratchName{name: table})
}

func (s *Scratch) add(prefix string, view bool) string {
	n := s.db.uniqueName(prefix)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.names = append(s.names, scratchName{n, view})
	return n
}

// Drop drops every relation named so far, newest first (a view before the
// table it reads). It runs even when ctx is cancelled: cleanup is what a
// cancelled run still owes.
func (s *Scratch) Drop(ctx context.Context) {
	ctx = context.WithoutCancel(ctx)
	s.mu.Lock()
	names := slices.Clone(s.names)
	s.names = nil
	s.mu.Unlock()
	for _, n := range slices.Backward(names) {
		kind := "TABLE"
		if n.view {
			kind = "VIEW"
		}
		s.db.sql.ExecContext(ctx, "DROP "+kind+" IF EXISTS "+Ident(n.name))
	}
}
