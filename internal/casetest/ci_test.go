package casetest

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/quotepart/quotepart/reports"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ciReport is a report with a passed case, a failed one and one whose
// rules fail, and a provenance.
func ciReport(t *testing.T) *Report {
	t.Helper()
	rep := run(t, `tests:
  - name: passe
    years: [2026]
    expect:
      - member: b
        key: 0.4
  - name: 'échoue, "vraiment": 100%'
    years: [2026]
    expect:
      - member: b
        key: 0.45
        amount: 250
`, Options{})
	rep.Provenance = reports.Provenance{Version: "(devel)", Digest: "sha256:" + strings.Repeat("ab", 32)}
	return rep
}

// TestSARIFValidates: the test report as SARIF is valid SARIF 2.1.0 by
// the official schema (vendored in reports/testdata/sarif, see its
// NOTICE.md), with one result per expected value that differs, where the
// value is written.
func TestSARIFValidates(t *testing.T) {
	f, err := os.Open("../../reports/testdata/sarif/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(reports.SARIFSchemaURI, doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile(reports.SARIFSchemaURI)
	if err != nil {
		t.Fatal(err)
	}
	rep := ciReport(t)
	var b bytes.Buffer
	if err := Output.Render(&b, reports.SARIF, reports.French, rep); err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(inst); err != nil {
		t.Fatalf("not valid SARIF 2.1.0: %v\n%s", err, b.String())
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID    string
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine, StartColumn int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	results := log.Runs[0].Results
	if len(results) != 2 {
		t.Fatalf("%d results, want 2 (the failed case's two values):\n%s", len(results), b.String())
	}
	r := results[0]
	loc := r.Locations[0].PhysicalLocation
	if r.RuleID != "test-failure" || loc.ArtifactLocation.URI != "cases.test.yaml" || loc.Region.StartLine != 11 ||
		r.Message.Text != "2026, member b, key: expected 0.45, actual 0.4, difference -0.05 (tolerance: exact)" {
		t.Errorf("first result: %+v", r)
	}
}

// TestGitHubAnnotations: one command per value that differs, at its line,
// the case's name in the title with : and , escaped, then the verdict.
func TestGitHubAnnotations(t *testing.T) {
	var b bytes.Buffer
	if err := Output.Render(&b, reports.GitHub, reports.French, ciReport(t)); err != nil {
		t.Fatal(err)
	}
	want := `::error file=cases.test.yaml,line=11,col=14,title=quotepart test%3A échoue%2C "vraiment"%3A 100%25::2026, member b, key: expected 0.45, actual 0.4, difference -0.05 (tolerance: exact)
::error file=cases.test.yaml,line=12,col=17,title=quotepart test%3A échoue%2C "vraiment"%3A 100%25::2026, member b, amount: expected 250, actual 240, difference -10 (tolerance: exact)
FAIL: 1 passed, 1 failed
`
	if got := b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
