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
)

// TempName returns a fresh name beside path for its bytes while they are
// written: hidden, in the same directory (so the rename is atomic), and
// marked as plumb's.
func TempName(path string) string {
	var b [6]byte
	rand.Read(b[:])
	dir, base := filepath.Split(path)
	return filepath.Join(dir, "."+base+".plumb-"+hex.EncodeToString(b[:])+".tmp")
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
