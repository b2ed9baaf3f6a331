package casetest

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/reports"
	"github.com/shopspring/decimal"
)

// Names and subjects from a test file cannot put a line of their own in a
// CI log (a GitHub workflow command), drive the terminal or reorder text,
// in the text report, in JUnit's attributes or in workflow commands.
func TestReportEscapesUserText(t *testing.T) {
	hostile := "cas\n::error::injecté \x1b[31mrouge \u202eevil"
	r := &Report{Cases: []CaseResult{{
		Name: hostile, File: "regles/a.test.yaml", Pos: diag.Pos{File: "regles/a.test.yaml", Line: 3},
		Status: Failed, Years: []int{2026},
		Checks: []Check{{Pos: diag.Pos{File: "regles/a.test.yaml", Line: 5, Col: 9}, Year: 2026,
			Subject: "member " + hostile, Measure: "amount",
			Expected: decimal.NewFromInt(1), Actual: decimal.NewFromInt(2), Difference: decimal.NewFromInt(1)}},
	}}}
	for _, f := range []reports.Format{reports.Text, reports.JUnit, reports.GitHub} {
		var b bytes.Buffer
		if err := Output.Render(&b, f, reports.French, r); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, bad := range []string{"\n::error", "\x1b", "\u202e"} {
			if strings.Contains(out, bad) {
				t.Errorf("%s report holds %q:\n%s", f, bad, out)
			}
		}
		if !strings.Contains(out, `cas\n::error::injecté \u001b[31mrouge \u202eevil`) {
			t.Errorf("%s report does not show the name escaped:\n%s", f, out)
		}
		if f == reports.JUnit {
			var doc junitSuites
			if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			c := doc.Suites[0].Cases[0]
			for _, attr := range []string{c.Name, c.Failure.Message} {
				if strings.ContainsAny(attr, "\n\r\x1b\u202e") {
					t.Errorf("JUnit attribute %q holds a control character", attr)
				}
			}
		}
	}
}
