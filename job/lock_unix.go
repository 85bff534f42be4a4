//go:build unix

package job

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// ErrLocked is returned when another run of the same job holds its lock
// past the wait.
var ErrLocked = errors.New("another run of this job is in progress")

// lock takes the job's lock file, waiting up to wait for a run that holds
// it. The kernel releases the lock when its process ends, however it
// ends: a killed run never leaves the job locked.
func lock(ctx context.Context, path string, wait time.Duration) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	deadline := time.Now().Add(wait)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			f.Truncate(0)
			fmt.Fprintf(f, "%d\n", os.Getpid())
			return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if !time.Now().Before(deadline) {
			f.Close()
			holder, _ := os.ReadFile(path)
			if wait > 0 {
				return nil, fmt.Errorf("%w (process %s, per %s); waited %s", ErrLocked, trimPid(holder), path, wait)
			}
			return nil, fmt.Errorf("%w (process %s, per %s); give --wait to wait for it", ErrLocked, trimPid(holder), path)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, context.Cause(ctx)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func trimPid(b []byte) string {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	if len(b) == 0 {
		return "unknown"
	}
	return string(b)
}
