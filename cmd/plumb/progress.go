package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
	"unicode/utf8"
)

// progress shows what a long command is doing, on stderr when stderr is a
// terminal: one line, rewritten in place, with the stage and the time it
// has taken. When stderr is piped or --quiet is given it writes nothing.
// It is safe for concurrent use; the zero value is off.
type progress struct {
	w      io.Writer
	every  time.Duration
	mu     sync.Mutex
	stage  string
	start  time.Time
	shown  bool
	ticker *time.Ticker
	done   chan struct{}
}

// newProgress returns a progress line on w, off unless on.
func newProgress(w io.Writer, on bool) *progress {
	if !on {
		return &progress{}
	}
	return &progress{w: w, every: 250 * time.Millisecond}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Stage says what is being done now.
func (p *progress) Stage(stage string) {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stage, p.start = stage, time.Now()
	if p.ticker == nil {
		p.ticker, p.done = time.NewTicker(p.every), make(chan struct{})
		go p.tick(p.ticker, p.done)
	}
	p.draw()
}

func (p *progress) tick(t *time.Ticker, done chan struct{}) {
	for {
		select {
		case <-t.C:
			p.mu.Lock()
			p.draw()
			p.mu.Unlock()
		case <-done:
			return
		}
	}
}

// draw rewrites the line; the caller holds mu.
func (p *progress) draw() {
	if p.stage == "" {
		return
	}
	line := fmt.Sprintf("plumb: %s … %.1fs", p.stage, time.Since(p.start).Seconds())
	if utf8.RuneCountInString(line) > 79 {
		line = string([]rune(line)[:78]) + "…"
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s", line)
	p.shown = true
}

// Done clears the line and stops; a stopped progress can start again.
func (p *progress) Done() {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ticker != nil {
		p.ticker.Stop()
		close(p.done)
		p.ticker = nil
	}
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
	p.stage = ""
}
