package report

import (
	"encoding/xml"
	"fmt"
	"github.com/plumb-data/plumb/result"
	"io"
	"strings"
)

type junitRenderer struct{}

// The JUnit XML that CI systems read (the common subset of Jenkins,
// GitLab, GitHub and Azure parsers): one testsuite, a testcase per check
// or per compared column and row category, failures with a message and
// the samples as text. No timestamps, so the output is reproducible.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func (junitRenderer) Inspect(io.Writer, []*result.Inspect) error {
	return unsupported("junit", KindInspect)
}
func (junitRenderer) Profile(io.Writer, *result.Profile) error {
	return unsupported("junit", KindProfile)
}
func (junitRenderer) Dedupe(io.Writer, *result.Dedupe) error   { return unsupported("junit", KindDedupe) }
func (junitRenderer) Link(io.Writer, *result.Link) error       { return unsupported("junit", KindLink) }
func (junitRenderer) Check(w io.Writer, r *result.Check) error { return writeJUnit(w, junitCheck(r)) }
func (junitRenderer) Diff(w io.Writer, r *result.Diff) error   { return writeJUnit(w, junitDiff(r)) }

func writeJUnit(w io.Writer, s junitSuites) error {
	for _, su := range s.Suites {
		s.Tests += su.Tests
		s.Failures += su.Failures
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(s); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func (s *junitSuite) add(c junitCase) {
	s.Cases = append(s.Cases, c)
	s.Tests++
	if c.Failure != nil {
		s.Failures++
	}
}

func junitCheck(r *result.Check) junitSuites {
	name := r.Source
	class := "plumb.check"
	if r.Dataset != "" {
		name = r.Dataset + " (" + r.Source + ")"
		class += "." + r.Dataset
	}
	su := junitSuite{Name: name}
	for _, c := range r.Checks {
		tc := junitCase{Classname: class, Name: c.Name}
		var text strings.Builder
		for _, s := range c.Samples {
			text.WriteString(sampleText(s, r.LineUnit, 200) + "\n")
		}
		switch c.Status {
		case result.StatusFail:
			tc.Failure = &junitFailure{Message: checkCounts(c), Type: c.Kind, Text: text.String()}
		case result.StatusWarn:
			tc.SystemOut = "warning: " + checkCounts(c) + "\n" + text.String()
		default:
			tc.SystemOut = checkCounts(c)
		}
		su.add(tc)
	}
	return junitSuites{Name: "plumb check", Suites: []junitSuite{su}}
}

func junitDiff(r *result.Diff) junitSuites {
	su := junitSuite{Name: r.Source + " vs " + r.Target}
	class := "plumb.diff"
	rows := func(name string, n int64, what string, samples []result.DiffRow) {
		tc := junitCase{Classname: class + ".rows", Name: name}
		if n > 0 {
			var text strings.Builder
			for _, s := range samples {
				vals := make([]string, len(s.Values))
				for i, v := range s.Values {
					vals[i] = str(v)
				}
				text.WriteString(strings.Join(vals, ", ") + "\n")
			}
			tc.Failure = &junitFailure{Message: fmt.Sprintf("%s rows %s", num(n), what), Type: "rows", Text: text.String()}
		}
		su.add(tc)
	}
	if r.SourceRejected+r.TargetRejected > 0 {
		su.add(junitRejected(r, class))
	}
	if r.Mode == "aggregate" {
		tc := junitCase{Classname: class + ".groups", Name: "groups agree"}
		var text strings.Builder
		differ := 0
		for _, g := range r.Groups {
			if g.Differs {
				differ++
				vals := make([]string, len(g.Key))
				for i, v := range g.Key {
					vals[i] = str(v)
				}
				text.WriteString(strings.Join(vals, ", ") + "\n")
			}
		}
		if !r.LoadedEqual && !r.Equal {
			tc.Failure = &junitFailure{Message: fmt.Sprintf("%s groups differ, %s only in source, %s only in target",
				num(r.Changed), num(r.OnlyInSource), num(r.OnlyInTarget)), Type: "groups", Text: text.String()}
		}
		su.add(tc)
		return junitSuites{Name: "plumb diff", Suites: []junitSuite{su}}
	}
	rows("only in source", r.OnlyInSource, "only in the source", r.OnlyInSourceSamples)
	rows("only in target", r.OnlyInTarget, "only in the target", r.OnlyInTargetSamples)
	if r.Mode == "keyed" {
		tc := junitCase{Classname: class + ".rows", Name: "unique keys"}
		d := r.DuplicateKeys
		if d.SourceKeys+d.TargetKeys > 0 {
			tc.Failure = &junitFailure{Message: fmt.Sprintf("%s keys repeat in the source, %s in the target; %s and %s rows set aside",
				num(d.SourceKeys), num(d.TargetKeys), num(d.SourceRows), num(d.TargetRows)), Type: "keys"}
		}
		su.add(tc)
		tc = junitCase{Classname: class + ".rows", Name: "no null keys"}
		if n := r.NullKeys; n.Source+n.Target > 0 {
			tc.Failure = &junitFailure{Message: fmt.Sprintf("%s source and %s target rows have a NULL key", num(n.Source), num(n.Target)), Type: "keys"}
		}
		su.add(tc)
	}
	for _, c := range r.Columns {
		tc := junitCase{Classname: class + ".columns", Name: c.Column}
		if c.Mismatches > 0 {
			var text strings.Builder
			for _, s := range c.Samples {
				fmt.Fprintf(&text, "%s: %s -> %s\n", strings.Join(s.Key, ", "), str(s.Source), str(s.Target))
			}
			tc.Failure = &junitFailure{Message: fmt.Sprintf("%s of %s matched rows differ (%s)", num(c.Mismatches), num(r.Matched), pct(c.Share)),
				Type: "values", Text: text.String()}
		}
		su.add(tc)
	}
	return junitSuites{Name: "plumb diff", Suites: []junitSuite{su}}
}

// junitRejected is the testcase of a diff's rows rejected at load, which
// the comparison never saw: a failure, unless they were declared expected
// (--allow-rejects), with the first rejected rows of each side.
func junitRejected(r *result.Diff, class string) junitCase {
	tc := junitCase{Classname: class + ".rows", Name: "no rows rejected at load"}
	var text strings.Builder
	for _, part := range rejectedSides(r) {
		for _, x := range part.Samples {
			fmt.Fprintf(&text, "%s %s: %s: %s\n", part.Side, part.at(x), x.Reason, clip(x.Text, 200))
		}
	}
	msg := fmt.Sprintf("%s source and %s target rows rejected at load were not compared", num(r.SourceRejected), num(r.TargetRejected))
	if r.RejectsAllowed {
		tc.SystemOut = "allowed: " + msg + "\n" + text.String()
		return tc
	}
	tc.Failure = &junitFailure{Message: msg, Type: "rejects", Text: text.String()}
	return tc
}
