//go:build duckdb_arrow

package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestProgress(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	p := newProgress(&out, true)
	p.every = 10 * time.Millisecond
	p.Stage("loading x.csv")
	// Wait for redraws rather than a fixed time: a loaded machine may be
	// slow to run the ticker.
	for deadline := time.Now().Add(5 * time.Second); strings.Count(out.String(), "loading x.csv") < 2 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	p.Stage("profiling column 2 of 13: email")
	p.Done()
	s := out.String()
	for _, want := range []string{"\r\x1b[Kplumb: loading x.csv … 0.", "plumb: profiling column 2 of 13: email … 0.0s"} {
		if !strings.Contains(s, want) {
			t.Errorf("got %q, want it to hold %q", s, want)
		}
	}
	if !strings.HasSuffix(s, "\r\x1b[K") {
		t.Errorf("got %q, want the line cleared at the end", s)
	}
	if n := strings.Count(s, "loading x.csv"); n < 2 {
		t.Errorf("the line was drawn %d times while loading, want it redrawn as time passes", n)
	}
}

func TestProgressOff(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	p := newProgress(&out, false)
	p.Stage("loading")
	p.Done()
	var nilp *progress
	nilp.Stage("x")
	nilp.Done()
	if out.Len() != 0 {
		t.Errorf("got %q from a progress that is off", out.String())
	}
	if isTerminal(&out) {
		t.Error("a buffer is no terminal")
	}
}

// TestNoProgressWhenPiped: the CLI tests' stderr is no terminal, so a
// command that loads and works shows no progress line.
func TestNoProgressWhenPiped(t *testing.T) {
	_, stderr, code := plumb(t, "", "profile", "testdata/customers.csv")
	if code != 0 || strings.Contains(stderr, "\r") || strings.Contains(stderr, "plumb: loading") {
		t.Errorf("exit %d, stderr %q: want no progress", code, stderr)
	}
}
