// Package result holds what plumb's commands find, as plain data: the
// account of an inspected source, a profile with its drift, the outcome
// of a rules file, a diff and a deduplication. It imports no engine and no
// DuckDB (it builds without cgo), so that reports, golden files, job
// history and library users all read the same types, with or without a
// database at hand.
//
// The domain packages give these types their own names (profile.Result
// is result.Profile, rules.CheckResult is result.CheckResult); JSON
// documents carry them under a schema_version (see package report).
package result
