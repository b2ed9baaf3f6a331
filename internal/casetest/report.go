package casetest

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/reports"
)

// Output is the test report in its formats: text (the default), json
// (quotepart/test/v1), junit, and for CI sarif (SARIF 2.1.0) and github
// (workflow commands). Output is deterministic: the order of the
// files and cases, no clock.
var Output = reports.NewOutput(
	"test", JSONSchema,
	reports.Renderer[*Report]{Format: reports.Text, Render: func(w io.Writer, _ reports.Lang, r *Report) error { return writeText(w, r) }},
	reports.Renderer[*Report]{Format: reports.JSON, Render: func(w io.Writer, _ reports.Lang, r *Report) error { return writeJSON(w, r) }},
	reports.Renderer[*Report]{Format: reports.JUnit, Render: func(w io.Writer, _ reports.Lang, r *Report) error { return writeJUnit(w, r) }},
	reports.Renderer[*Report]{Format: reports.SARIF, Render: func(w io.Writer, _ reports.Lang, r *Report) error { return writeSARIF(w, r) }},
	reports.Renderer[*Report]{Format: reports.GitHub, Render: func(w io.Writer, _ reports.Lang, r *Report) error { return writeGitHub(w, r) }},
)

// JSONSchema names the JSON contract of the test report.
const JSONSchema = "quotepart/test/v1"

// writeText writes one line per case, the expected and actual values of
// every failed check under its case, the coverage when computed, and a
// closing line "PASS: n passed, 0 failed" or "FAIL: n passed, m failed"
// (errored cases count as failed there). Text from the files (names,
// subjects, messages) goes through reports.SafeText.
func writeText(w io.Writer, r *Report) error {
	var b strings.Builder
	for _, c := range r.Cases {
		status := map[Status]string{Passed: "ok   ", Failed: "FAIL ", Errored: "ERROR"}[c.Status]
		fmt.Fprintf(&b, "%s %s: %s%s\n", status, reports.SafeText(lineOnly(c.Pos)), reports.SafeText(c.Name), reports.SafeText(scenarioNote(c.Scenario)))
		if c.Err != nil {
			for _, line := range strings.Split(reports.SafeLines(diag.Flatten(c.Err).Detail()), "\n") {
				fmt.Fprintf(&b, "      %s\n", line)
			}
		}
		for _, ch := range c.Failures() {
			writeFailure(&b, "      ", ch)
		}
	}
	if cov := r.Coverage; cov != nil {
		b.WriteString("\n")
		writeCoverage(&b, cov)
	}
	passed, failed, errored := r.Counts()
	verdict := "PASS"
	if failed+errored > 0 {
		verdict = "FAIL"
	}
	if errored > 0 {
		fmt.Fprintf(&b, "%s could not run: the rules failed\n", reports.Plural(errored, "case"))
	}
	fmt.Fprintf(&b, "%s: %d passed, %d failed\n", verdict, passed, failed+errored)
	_, err := io.WriteString(w, b.String())
	return err
}

func scenarioNote(s string) string {
	if s == "" {
		return ""
	}
	return " [" + s + "]"
}

// lineOnly renders a position as file:line, the way a case is named.
func lineOnly(p diag.Pos) string {
	p.Col = 0
	return p.String()
}

// checkTitle words what a check is about: "2026, member ville, key".
func checkTitle(ch Check) string {
	t := fmt.Sprintf("%d", ch.Year)
	if ch.Months != "" {
		t += " (" + ch.Months + ")"
	}
	if ch.Subject != "year" {
		t += ", " + ch.Subject
	}
	return t + ", " + ch.Measure
}

func writeFailure(b *strings.Builder, indent string, ch Check) {
	fmt.Fprintf(b, "%s%s: %s\n", indent, reports.SafeText(ch.Pos.String()), reports.SafeText(checkTitle(ch)))
	if ch.Problem != "" {
		fmt.Fprintf(b, "%s    %s\n", indent, reports.SafeText(ch.Problem))
		return
	}
	fmt.Fprintf(b, "%s    expected    %s\n", indent, ch.Expected.String())
	fmt.Fprintf(b, "%s    actual      %s\n", indent, ch.Actual.String())
	fmt.Fprintf(b, "%s    difference  %s (tolerance: %s)\n", indent, reports.Signed(ch.Difference.String(), ch.Difference), ch.Tolerance())
}

func writeCoverage(b *strings.Builder, cov *Coverage) {
	fmt.Fprintf(b, "coverage: %d of %d rule versions and parameters exercised (%s %%)\n", cov.Covered, cov.Total, cov.Percent().StringFixed(1))
	width := 0
	for _, u := range cov.Units {
		width = max(width, len(reports.SafeText(lineOnly(u.Pos))))
	}
	for _, u := range cov.Units {
		mark := "  "
		if !u.Covered {
			mark = "✗ "
		}
		name := u.Kind + " " + u.Name
		if u.Version != "" {
			name += " (from " + u.Version + ")"
		}
		state := "exercised"
		if !u.Covered {
			state = "not exercised"
		}
		fmt.Fprintf(b, "  %s%-*s  %s: %s\n", mark, width, reports.SafeText(lineOnly(u.Pos)), reports.SafeText(name), state)
	}
}

// writeJSON writes the quotepart/test/v1 document: a summary, every
// case with every check (passed ones too), and the coverage when computed.
// Numbers are decimal strings.
type (
	jsonDoc struct {
		Schema     string                 `json:"schema"`
		Provenance *reports.ProvenanceDoc `json:"provenance,omitempty"`
		OK         bool                   `json:"ok"`
		Summary    jsonSummary            `json:"summary"`
		Cases      []jsonCase             `json:"cases"`
		Coverage   *jsonCoverage          `json:"coverage,omitempty"`
	}
	jsonSummary struct {
		Cases   int `json:"cases"`
		Passed  int `json:"passed"`
		Failed  int `json:"failed"`
		Errored int `json:"errored"`
	}
	jsonCase struct {
		Name     string      `json:"name"`
		File     string      `json:"file"`
		Line     int         `json:"line"`
		Scenario string      `json:"scenario,omitempty"`
		Years    []int       `json:"years"`
		Status   Status      `json:"status"`
		Error    string      `json:"error,omitempty"`
		Checks   []jsonCheck `json:"checks"`
	}
	jsonCheck struct {
		File          string  `json:"file"`
		Line          int     `json:"line"`
		Col           int     `json:"col"`
		Year          int     `json:"year"`
		Months        string  `json:"months,omitempty"`
		Subject       string  `json:"subject"`
		Measure       string  `json:"measure"`
		Expected      string  `json:"expected"`
		Actual        *string `json:"actual"`
		Difference    *string `json:"difference"`
		AbsoluteError *string `json:"absolute_error,omitempty"`
		RelativeError *string `json:"relative_error,omitempty"`
		Passed        bool    `json:"passed"`
		Problem       string  `json:"problem,omitempty"`
	}
	jsonCoverage struct {
		Covered int        `json:"covered"`
		Total   int        `json:"total"`
		Percent string     `json:"percent"`
		Units   []jsonUnit `json:"units"`
	}
	jsonUnit struct {
		Kind    string `json:"kind"`
		Name    string `json:"name"`
		Version string `json:"version,omitempty"`
		File    string `json:"file"`
		Line    int    `json:"line"`
		Covered bool   `json:"covered"`
	}
)

func strPtr(s string) *string { return &s }

func writeJSON(w io.Writer, r *Report) error {
	passed, failed, errored := r.Counts()
	doc := jsonDoc{Schema: JSONSchema, Provenance: r.Provenance.JSON(false), OK: r.OK(), Cases: []jsonCase{},
		Summary: jsonSummary{Cases: len(r.Cases), Passed: passed, Failed: failed, Errored: errored}}
	for _, c := range r.Cases {
		jc := jsonCase{Name: c.Name, File: c.File, Line: c.Pos.Line, Scenario: c.Scenario, Years: c.Years, Status: c.Status, Checks: []jsonCheck{}}
		if c.Err != nil {
			jc.Error = c.Err.Error()
		}
		for _, ch := range c.Checks {
			jch := jsonCheck{File: ch.Pos.File, Line: ch.Pos.Line, Col: ch.Pos.Col, Year: ch.Year, Months: ch.Months,
				Subject: ch.Subject, Measure: ch.Measure, Expected: ch.Expected.String(), Passed: ch.Passed, Problem: ch.Problem}
			if ch.Problem == "" {
				jch.Actual, jch.Difference = strPtr(ch.Actual.String()), strPtr(ch.Difference.String())
			}
			if ch.Absolute != nil {
				jch.AbsoluteError = strPtr(ch.Absolute.String())
			}
			if ch.Relative != nil {
				jch.RelativeError = strPtr(ch.Relative.String())
			}
			jc.Checks = append(jc.Checks, jch)
		}
		doc.Cases = append(doc.Cases, jc)
	}
	if cov := r.Coverage; cov != nil {
		jc := &jsonCoverage{Covered: cov.Covered, Total: cov.Total, Percent: cov.Percent().StringFixed(1), Units: []jsonUnit{}}
		for _, u := range cov.Units {
			jc.Units = append(jc.Units, jsonUnit{Kind: u.Kind, Name: u.Name, Version: u.Version, File: u.Pos.File, Line: u.Pos.Line, Covered: u.Covered})
		}
		doc.Coverage = jc
	}
	return reports.WriteJSON(w, doc)
}

// writeJUnit writes JUnit XML as GitLab, GitHub Actions reporters and
// Jenkins read it: <testsuites> with the totals, one <testsuite> per test
// file, one <testcase> per case with a <failure> (values differ) or an
// <error> (the rules failed at run time) whose text is the text report's.
// Times are left out: the report does not depend on the clock. Case names,
// messages and texts go through reports.SafeText, as in the text report:
// a name holding a line break cannot start a workflow command (::error) in
// a CI log that prints the attributes.
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Skipped  int          `xml:"skipped,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name       string           `xml:"name,attr"`
		Tests      int              `xml:"tests,attr"`
		Failures   int              `xml:"failures,attr"`
		Errors     int              `xml:"errors,attr"`
		Skipped    int              `xml:"skipped,attr"`
		Properties *junitProperties `xml:"properties,omitempty"`
		Cases      []junitCase      `xml:"testcase"`
	}
	junitProperties struct {
		Properties []junitProperty `xml:"property"`
	}
	junitProperty struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitCase struct {
		Name       string        `xml:"name,attr"`
		Classname  string        `xml:"classname,attr"`
		File       string        `xml:"file,attr"`
		Line       int           `xml:"line,attr"`
		Assertions int           `xml:"assertions,attr"`
		Failure    *junitProblem `xml:"failure,omitempty"`
		Error      *junitProblem `xml:"error,omitempty"`
	}
	junitProblem struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",cdata"`
	}
)

func writeJUnit(w io.Writer, r *Report) error {
	doc := junitSuites{Name: "quotepart test"}
	index := map[string]int{}
	for _, c := range r.Cases {
		i, ok := index[c.File]
		if !ok {
			i = len(doc.Suites)
			index[c.File] = i
			doc.Suites = append(doc.Suites, junitSuite{Name: c.File, Properties: junitProvenance(r.Provenance)})
		}
		s := &doc.Suites[i]
		jc := junitCase{Name: reports.SafeText(c.Name), Classname: c.File, File: c.File, Line: c.Pos.Line, Assertions: len(c.Checks)}
		switch c.Status {
		case Failed:
			var b strings.Builder
			fails := c.Failures()
			for _, ch := range fails {
				writeFailure(&b, "", ch)
			}
			jc.Failure = &junitProblem{Type: "mismatch", Text: b.String(),
				Message: fmt.Sprintf("%d of %d expected values differ; first: %s", len(fails), len(c.Checks), reports.SafeText(checkTitle(fails[0])))}
			s.Failures++
		case Errored:
			jc.Error = &junitProblem{Type: "rules", Message: reports.SafeText(diag.Flatten(c.Err)[0].Error()), Text: reports.SafeLines(diag.Flatten(c.Err).Detail())}
			s.Errors++
		}
		s.Tests++
		s.Cases = append(s.Cases, jc)
	}
	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitProvenance records the version and the digest of the files read
// as properties of a test suite, where CI servers show them; nil when
// there is none.
func junitProvenance(p reports.Provenance) *junitProperties {
	if p.IsZero() {
		return nil
	}
	return &junitProperties{Properties: []junitProperty{{"quotepart.version", p.Version}, {"quotepart.digest", p.Digest}}}
}
