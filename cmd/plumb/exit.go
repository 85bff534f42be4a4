package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"syscall"

	"github.com/plumb-data/plumb/source"
)

// Exit codes, the same for every command.
const (
	exitClean    = 0 // nothing to report
	exitFindings = 1 // the report holds findings: rejected rows, failed checks, differences, drift
	exitError    = 2 // bad usage, or a source that cannot be read
	// plumb run --strict-alerts: the run is complete and kept, but an
	// alert could not be delivered (its verdict is in summary.json).
	exitAlert = 3
	// An interrupted run exits 128 + the signal's number: 130 for SIGINT
	// (Ctrl-C), 143 for SIGTERM (timeout, CI, Kubernetes).
	exitSignal = 128
)

// errAlert is returned by plumb run --strict-alerts when an alert could
// not be delivered.
var errAlert = errors.New("an alert could not be delivered")

// errFindings is returned by a command that wrote its report and found
// something worth a non-zero exit.
var errFindings = errors.New("findings")

// interrupted is the cause of a context cancelled by a signal.
type interrupted struct{ sig syscall.Signal }

func (i interrupted) Error() string { return "interrupted by " + i.sig.String() }

// exitCode decides the process's exit code from what a command returned,
// and says why on stderr when it is an error. It is the one place where
// errors, findings and signals become exit codes. Messages are redacted:
// a source spec in an error never shows its password.
func exitCode(ctx context.Context, err error, stderr io.Writer) int {
	var sig interrupted
	if errors.As(context.Cause(ctx), &sig) {
		fmt.Fprintf(stderr, "plumb: %v: stopped, partial outputs removed\n", sig)
		return exitSignal + int(sig.sig)
	}
	switch {
	case err == nil:
		return exitClean
	case errors.Is(err, errFindings):
		return exitFindings
	case errors.Is(err, errAlert):
		fmt.Fprintf(stderr, "plumb: %s\n", source.Redact(err.Error()))
		return exitAlert
	}
	fmt.Fprintf(stderr, "plumb: %s\n", source.Redact(err.Error()))
	return exitError
}
