package casetest

import (
	"fmt"
	"io"

	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/reports"
)

// The rules of the CI formats' findings.
const (
	ruleFailure = "test-failure" // an expected value the rules do not produce
	ruleError   = "test-error"   // a case whose rules failed to run
)

var ciRules = map[string]string{
	ruleFailure: "A test case expects a value the rules do not produce.",
	ruleError:   "A test case could not run: the rules failed.",
}

// annotations are the report's failures for CI: one per expected value
// that differs, where the value is written, and one per error of a case
// that could not run, where the error is. Passed cases have none. Text
// from the files (case names, subjects) is escaped when written.
func (r *Report) annotations() []reports.Annotation {
	var out []reports.Annotation
	for _, c := range r.Cases {
		title := "quotepart test: " + c.Name + scenarioNote(c.Scenario)
		switch c.Status {
		case Failed:
			for _, ch := range c.Failures() {
				out = append(out, reports.Annotation{Rule: ruleFailure, Level: reports.LevelError, Pos: ch.Pos, Title: title, Message: failureText(ch)})
			}
		case Errored:
			for _, e := range diag.Flatten(c.Err) {
				pos := e.Pos
				if pos.File == "" {
					pos = c.Pos
				}
				out = append(out, reports.Annotation{Rule: ruleError, Level: reports.LevelError, Pos: pos, Title: title,
					Message: fmt.Sprintf("case %q could not run: %s", c.Name, e.Message())})
			}
		}
	}
	return out
}

// failureText says what one check expected and found, on one line.
func failureText(ch Check) string {
	if ch.Problem != "" {
		return checkTitle(ch) + ": " + ch.Problem
	}
	return fmt.Sprintf("%s: expected %s, actual %s, difference %s (tolerance: %s)", checkTitle(ch),
		ch.Expected.String(), ch.Actual.String(), reports.Signed(ch.Difference.String(), ch.Difference), ch.Tolerance())
}

// verdict is the closing line of the text report: "PASS: 3 passed, 0
// failed".
func (r *Report) verdict() string {
	passed, failed, errored := r.Counts()
	v := "PASS"
	if failed+errored > 0 {
		v = "FAIL"
	}
	return fmt.Sprintf("%s: %d passed, %d failed", v, passed, failed+errored)
}

func writeSARIF(w io.Writer, r *Report) error {
	return reports.WriteSARIF(w, r.Provenance, r.annotations(), func(id string) string { return ciRules[id] })
}

// writeGitHub writes the failures as workflow commands, each message on
// one line (a line break from a file shows as \n), then the verdict.
func writeGitHub(w io.Writer, r *Report) error {
	as := r.annotations()
	for i := range as {
		as[i].Message = reports.SafeText(as[i].Message)
	}
	return reports.WriteGitHub(w, as, r.verdict())
}
