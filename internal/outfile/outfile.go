// Package outfile writes files so that a reader never sees half of one:
// bytes go to a temporary file beside the final name, which is renamed
// into place only when the file is complete. A failed or interrupted
// write leaves nothing under the final name.
package outfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// TempName returns a fresh name beside path for its bytes while they are
// written: hidden, in the same directory (so the rename is atomic), and
// marked as plumb's with the writing process's id, so that a later run
// can remove what a killed one left (RemoveStale).
func TempName(path string) string {
	var b [6]byte
	rand.Read(b[:])
	dir, base := filepath.Split(path)
	return filepath.Join(dir, fmt.Sprintf(".%s.plumb-%d-%s.tmp", base, os.Getpid(), hex.EncodeToString(b[:])))
}

// RemoveStale removes the temporary files that runs killed while writing
// path left beside it (kill -9 runs no cleanup): those whose process is
// gone.
func RemoveStale(path string) {
	dir, base := filepath.Split(path)
	matches, _ := filepath.Glob(filepath.Join(dir, "."+globEscape(base)+".plumb-*.tmp"))
	for _, m := range matches {
		rest := strings.TrimPrefix(filepath.Base(m), "."+base+".plumb-")
		pid, _, ok := strings.Cut(rest, "-")
		if n, err := strconv.Atoi(pid); ok && err == nil && !alive(n) {
			os.Remove(m)
		}
	}
}

func globEscape(s string) string {
	r := strings.NewReplacer(`*`, `\*`, `?`, `\?`, `[`, `\[`, `\`, `\\`)
	return r.Replace(s)
}

// File is an output being written. Commit puts it in place; Abort (safe
// after Commit, so it can be deferred) removes it.
type File struct {
	*os.File
	final string
	done  bool
}

// Create starts writing path. Standard output ("-" or "") is not a file:
// callers write to it directly.
func Create(path string) (*File, error) {
	if path == "" || path == "-" {
		return nil, errors.New("outfile: standard output is not a file")
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory", path)
	}
	RemoveStale(path)
	tmp := TempName(path)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, unwrapPath(err))
	}
	return &File{File: f, final: path}, nil
}

// Path is the final name.
func (f *File) Path() string { return f.final }

// Commit flushes the file to disk and renames it into place.
func (f *File) Commit() error {
	if f.done {
		return errors.New("outfile: committed twice")
	}
	f.done = true
	tmp := f.Name()
	err := errors.Join(f.Sync(), f.Close())
	if err == nil {
		err = os.Rename(tmp, f.final)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", f.final, unwrapPath(err))
	}
	return nil
}

// Abort discards the file; after Commit it does nothing.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.Close()
	os.Remove(f.Name())
}

// Rename puts a finished temporary file (written by someone else, e.g. a
// database's COPY) in place under path.
func Rename(tmp, path string) error {
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, unwrapPath(err))
	}
	return nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	}
	return err
}

// MkdirTemp makes a fresh working directory for this process under dir
// (the system's temporary directory when dir is ""), named with the
// process id, after removing those of runs that were killed before they
// could remove their own.
func MkdirTemp(dir string) (string, error) {
	if dir == "" {
		dir = os.TempDir()
	}
	if old, err := filepath.Glob(filepath.Join(globEscape(dir), "plumb-*-work")); err == nil {
		for _, d := range old {
			pid, _, _ := strings.Cut(strings.TrimPrefix(filepath.Base(d), "plumb-"), "-")
			if n, err := strconv.Atoi(pid); err == nil && !alive(n) {
				os.RemoveAll(d)
			}
		}
	}
	return os.MkdirTemp(dir, fmt.Sprintf("plumb-%d-*-work", os.Getpid()))
}
