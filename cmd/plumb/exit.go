package main

import (
	"errors"
	"fmt"
	"io"
)

// Exit codes, the same for every command.
const (
	exitClean    = 0 // nothing to report
	exitFindings = 1 // the report holds findings: rejected rows, failed checks, differences, drift
	exitError    = 2 // bad usage, or a source that cannot be read
)

// errFindings is returned by a command that wrote its report and found
// something worth a non-zero exit.
var errFindings = errors.New("findings")

// exitCode decides the process's exit code from what a command returned,
// and says why on stderr when it is an error. It is the one place where
// errors and findings become exit codes.
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return exitClean
	case errors.Is(err, errFindings):
		return exitFindings
	}
	fmt.Fprintf(stderr, "plumb: %v\n", err)
	return exitError
}
