//go:build !unix

package outfile

// alive reports whether a process with this id exists; where plumb cannot
// tell, every process is taken to be alive, so nothing is removed.
func alive(pid int) bool { return true }
