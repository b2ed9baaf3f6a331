package reports

import (
	"fmt"
	"io"
	"strings"

	"github.com/quotepart/quotepart/internal/diag"
)

// CheckSchema names the JSON contract of check --format json.
const CheckSchema = "quotepart/check/v1"

// Check is what `check` found: per rule set, scenario or projects folder,
// its errors and warnings.
type Check struct {
	// Strict counts warnings as errors.
	Strict  bool
	Targets []CheckTarget
	// Provenance is the version and the files check read; its JSON
	// lists every file with its SHA-256.
	Provenance Provenance
}

// CheckTarget is what check found in one rule set, scenario or projects
// folder.
type CheckTarget struct {
	Name, Kind string // Kind: rules, scenario, scenarios or projects
	Errors     diag.List
	Warnings   []diag.Finding
	// Summary says what was checked, when it loaded.
	Summary string
}

// OK reports whether the target passes: no error, and with strict no
// warning either.
func (t *CheckTarget) OK(strict bool) bool {
	return len(t.Errors) == 0 && (!strict || len(t.Warnings) == 0)
}

// OK reports whether every target passes.
func (c *Check) OK() bool {
	for i := range c.Targets {
		if !c.Targets[i].OK(c.Strict) {
			return false
		}
	}
	return true
}

// checkText writes each target's errors with their caret snippets, or its
// warnings, then a line saying how it fared.
func checkText(w io.Writer, _ Lang, c *Check) error {
	var b strings.Builder
	for _, t := range c.Targets {
		name := SafeText(t.Name)
		if len(t.Errors) > 0 {
			fmt.Fprintln(&b, SafeLines(t.Errors.Detail()))
			fmt.Fprintf(&b, "%s: %s\n", name, Plural(len(t.Errors), "error"))
			continue
		}
		if c.Strict && len(t.Warnings) > 0 {
			for _, f := range t.Warnings {
				head, snippet, _ := strings.Cut(f.Detail(), "\n")
				fmt.Fprintf(&b, "%s [%s]\n", SafeText(head), SafeText(f.Check))
				if snippet != "" {
					fmt.Fprintln(&b, SafeLines(snippet))
				}
			}
			fmt.Fprintf(&b, "%s: %s (--strict: warnings are errors)\n", name, Plural(len(t.Warnings), "error"))
			continue
		}
		for _, f := range t.Warnings {
			fmt.Fprintf(&b, "%s (warning)\n", SafeText(f.Error.Error()))
		}
		fmt.Fprintf(&b, "%s: ok — %s\n", name, SafeText(t.Summary))
	}
	// The digest of what loaded; nothing when nothing did.
	if len(c.Provenance.Files) > 0 {
		fmt.Fprintln(&b, c.Provenance.sentence(English))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

type (
	checkDoc struct {
		Schema     string           `json:"schema"`
		Provenance *ProvenanceDoc   `json:"provenance,omitempty"`
		OK         bool             `json:"ok"`
		Strict     bool             `json:"strict"`
		Targets    []checkTargetDoc `json:"targets"`
	}
	checkTargetDoc struct {
		Name     string         `json:"name"`
		Kind     string         `json:"kind"`
		OK       bool           `json:"ok"`
		Summary  string         `json:"summary,omitempty"`
		Errors   []checkItemDoc `json:"errors"`
		Warnings []checkItemDoc `json:"warnings"`
	}
	checkItemDoc struct {
		Check   string `json:"check,omitempty"`
		Code    string `json:"code,omitempty"`
		File    string `json:"file,omitempty"`
		Line    int    `json:"line,omitempty"`
		Col     int    `json:"col,omitempty"`
		Message string `json:"message"`
	}
)

func checkJSON(w io.Writer, _ Lang, c *Check) error {
	doc := checkDoc{Schema: CheckSchema, Provenance: c.Provenance.JSON(true), OK: c.OK(), Strict: c.Strict, Targets: []checkTargetDoc{}}
	item := func(check string, e *diag.Error) checkItemDoc {
		return checkItemDoc{Check: check, Code: string(e.Code), File: e.Pos.File, Line: e.Pos.Line, Col: e.Pos.Col, Message: e.Message()}
	}
	for _, t := range c.Targets {
		td := checkTargetDoc{Name: t.Name, Kind: t.Kind, OK: t.OK(c.Strict), Summary: t.Summary, Errors: []checkItemDoc{}, Warnings: []checkItemDoc{}}
		for _, e := range t.Errors {
			td.Errors = append(td.Errors, item("", e))
		}
		for _, f := range t.Warnings {
			td.Warnings = append(td.Warnings, item(f.Check, f.Error))
		}
		doc.Targets = append(doc.Targets, td)
	}
	return WriteJSON(w, doc)
}

// writeJSON writes a document indented by two spaces, with no HTML
// escaping (the documents are read by programs, not browsers).
func writeJSON(w io.Writer, doc any) error {
	return WriteJSON(w, doc)
}

// Plural counts a word in English: "1 error", "3 errors".
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// checkRules describes the rules of check's findings, for SARIF viewers.
var checkRules = map[string]string{
	string(diag.Invalid):  "A file breaks a rule of its format or of the domain.",
	string(diag.NotFound): "A file names something that does not exist.",
	string(diag.Runtime):  "The rules fail when they run (a division by zero, a missing value).",
	string(diag.Limit):    "A file is beyond a documented limit.",
	string(diag.Internal): "An internal error of quotepart.",
	"stale":               "A parameter's latest value is too old for a simulated year.",
	"no-source":           "A parameter has neither source nor assumption.",
	"unused-rule":         "A rule that no pool, key, fee rate or used rule reads.",
	"zero-key":            "A member whose reference key is zero in a year it is a member.",
	"warning":             "A warning of the loader.",
}

// annotations are check's errors and warnings for CI: errors as errors,
// warnings as warnings (errors with --strict).
func (c *Check) annotations() []Annotation {
	var out []Annotation
	warn := LevelWarning
	if c.Strict {
		warn = LevelError
	}
	for _, t := range c.Targets {
		for _, e := range t.Errors {
			rule := string(e.Code)
			if rule == "" {
				rule = string(diag.Invalid)
			}
			out = append(out, Annotation{Rule: rule, Level: LevelError, Pos: e.Pos, Title: "quotepart check", Message: e.Message()})
		}
		for _, f := range t.Warnings {
			out = append(out, Annotation{Rule: f.Check, Level: warn, Pos: f.Pos, Title: "quotepart check: " + f.Check, Message: f.Message()})
		}
	}
	return out
}

// summary is check's verdict on one line: "check: ok", "check: 2 errors,
// 1 warning".
func (c *Check) summary() string {
	errs, warns := 0, 0
	for _, t := range c.Targets {
		errs += len(t.Errors)
		warns += len(t.Warnings)
	}
	var parts []string
	if errs > 0 {
		parts = append(parts, Plural(errs, "error"))
	}
	if warns > 0 {
		w := Plural(warns, "warning")
		if c.Strict {
			w += " (--strict: errors)"
		}
		parts = append(parts, w)
	}
	verdict := "ok"
	if !c.OK() {
		verdict = "failed"
	}
	if len(parts) > 0 {
		verdict += ": " + strings.Join(parts, ", ")
	}
	s := "quotepart check " + verdict
	if len(c.Provenance.Files) > 0 {
		s += "; " + c.Provenance.sentence(English)
	}
	return s
}

func checkSARIF(w io.Writer, _ Lang, c *Check) error {
	return WriteSARIF(w, c.Provenance, c.annotations(), func(id string) string { return checkRules[id] })
}

// checkGitHub writes check's findings as workflow commands. A diagnostic
// is one line: a line break in it comes from a file, and shows as \n.
func checkGitHub(w io.Writer, _ Lang, c *Check) error {
	as := c.annotations()
	for i := range as {
		as[i].Message = SafeText(as[i].Message)
	}
	return WriteGitHub(w, as, c.summary())
}
