//go:build !unix

package job

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"
)

// ErrLocked is returned when another run of the same job holds its lock
// past the wait.
var ErrLocked = errors.New("another run of this job is in progress")

// lock takes the job's lock file, waiting up to wait for a run that holds
// it. Without flock, a lock file left by a killed run must be removed by
// hand; the error says so.
func lock(ctx context.Context, path string, wait time.Duration) (func(), error) {
	deadline := time.Now().Add(wait)
	for {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			fmt.Fprintf(f, "%d\n", os.Getpid())
			f.Close()
			return func() { os.Remove(path) }, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("lock: %w", err)
		}
		if !time.Now().Before(deadline) {
			return nil, fmt.Errorf("%w (per %s; remove it if no run is going on)", ErrLocked, path)
		}
		select {
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
