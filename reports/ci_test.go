package reports

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/quotepart/quotepart/internal/diag"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// sarifSchema compiles the official SARIF 2.1.0 schema (testdata/sarif,
// see its NOTICE.md).
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/sarif/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(SARIFSchemaURI, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(SARIFSchemaURI)
	if err != nil {
		t.Fatalf("the SARIF schema does not compile: %v", err)
	}
	return s
}

// hostileCheck is what check may find in files that try to break the CI
// formats: a line break starting a workflow command, % escapes, commas and
// colons in file names, ESC and bidi marks, a finding with no position.
func hostileCheck() *Check {
	at := func(file string, line, col int) diag.Pos { return diag.Pos{File: file, Line: line, Col: col} }
	return &Check{Strict: true, Provenance: testProvenance, Targets: []CheckTarget{{
		Name: "regles", Kind: "rules",
		Errors: diag.List{
			diag.Errorf(at("regles/cles.yaml", 12, 9), diag.Invalid, "%s", "unknown name ccass\n::error file=x::injected %0A%25"),
			diag.Errorf(at("mes règles/a,b:c.yaml", 3, 0), diag.NotFound, "label \x1b[31mred\u202e"),
			diag.Errorf(diag.Pos{}, diag.Internal, "no position at all"),
			diag.Errorf(at("HEAD~1:regles/x.yaml", 0, 0), diag.Runtime, "a file, no line"),
			diag.Errorf(at(`C:\regles\d.yaml`, 2, 1), diag.Limit, "windows"),
		},
		Warnings: []diag.Finding{{Check: "stale", Error: diag.Errorf(at("/srv/regles/p.yaml", 4, 3), diag.Invalid, "parameter cost is stale")}},
	}}}
}

// TestCheckSARIFValidates: check's SARIF is valid SARIF 2.1.0 by the
// official schema, for hostile input too, and an empty check as well; and
// what it says is what check found.
func TestCheckSARIFValidates(t *testing.T) {
	schema := sarifSchema(t)
	for name, c := range map[string]*Check{"hostile": hostileCheck(), "clean": {Provenance: testProvenance, Targets: []CheckTarget{{Name: "regles", Kind: "rules"}}}, "no provenance": {}} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := CheckOutput.Render(&b, SARIF, French, c); err != nil {
				t.Fatal(err)
			}
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(inst); err != nil {
				t.Fatalf("not valid SARIF 2.1.0: %v\n%s", err, b.String())
			}
		})
	}

	var b bytes.Buffer
	if err := CheckOutput.Render(&b, SARIF, French, hostileCheck()); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Version string
					Rules   []struct{ ID string }
				}
			}
			Results []struct {
				RuleID    string
				RuleIndex int
				Level     string
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           *struct{ StartLine, StartColumn int }
					}
				}
			}
			Properties struct{ Digest string }
		}
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if run.Tool.Driver.Version != "(devel)" || run.Properties.Digest != testProvenance.Digest {
		t.Errorf("version %q, digest %q: want the provenance", run.Tool.Driver.Version, run.Properties.Digest)
	}
	wantURIs := []string{"regles/cles.yaml", "mes%20r%C3%A8gles/a%2Cb%3Ac.yaml", "", "HEAD~1%3Aregles/x.yaml", "file:///C:/regles/d.yaml", "file:///srv/regles/p.yaml"}
	wantLevels := []string{"error", "error", "error", "error", "error", "error"} // --strict: the warning too
	if len(run.Results) != len(wantURIs) {
		t.Fatalf("%d results, want %d", len(run.Results), len(wantURIs))
	}
	for i, r := range run.Results {
		uri := ""
		if len(r.Locations) > 0 {
			uri = r.Locations[0].PhysicalLocation.ArtifactLocation.URI
		}
		if uri != wantURIs[i] || r.Level != wantLevels[i] {
			t.Errorf("result %d: uri %q, level %s; want %q, %s", i, uri, r.Level, wantURIs[i], wantLevels[i])
		}
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %d: ruleIndex %d names %s, not %s", i, r.RuleIndex, run.Tool.Driver.Rules[r.RuleIndex].ID, r.RuleID)
		}
	}
	if r := run.Results[0]; r.Message.Text != "unknown name ccass\n::error file=x::injected %0A%25" || r.Locations[0].PhysicalLocation.Region.StartColumn != 9 {
		t.Errorf("first result: %+v; want the message as written, column 9", r)
	}
	if r := run.Results[5]; r.RuleID != "stale" {
		t.Errorf("the warning's rule is %q, want stale", r.RuleID)
	}
}

// TestCheckGitHub: one workflow command per finding, on one line each,
// with user text unable to end the command, a property, or start another
// command; the summary line last.
func TestCheckGitHub(t *testing.T) {
	var b bytes.Buffer
	if err := CheckOutput.Render(&b, GitHub, French, hostileCheck()); err != nil {
		t.Fatal(err)
	}
	want := `::error file=regles/cles.yaml,line=12,col=9,title=quotepart check::unknown name ccass\n::error file=x::injected %250A%2525
::error file=mes règles/a%2Cb%3Ac.yaml,line=3,title=quotepart check::label \u001b[31mred\u202e
::error title=quotepart check::no position at all
::error file=HEAD~1%3Aregles/x.yaml,title=quotepart check::a file, no line
::error file=C%3A\regles\d.yaml,line=2,col=1,title=quotepart check::windows
::error file=/srv/regles/p.yaml,line=4,col=3,title=quotepart check%3A stale::parameter cost is stale
quotepart check failed: 5 errors, 1 warning (--strict: errors); quotepart (devel), 1 file read (digest sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef)
`
	if got := b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	for i, line := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		if strings.Count(line, "::") > 2 && !strings.HasPrefix(line, "::") {
			t.Errorf("line %d holds a command that is not its own: %q", i+1, line)
		}
	}

	// A message of several lines keeps them, as %0A, in one command.
	var m bytes.Buffer
	if err := WriteGitHub(&m, []Annotation{{Rule: "test-failure", Level: LevelError, Message: "line one\nline two"}}, ""); err != nil {
		t.Fatal(err)
	}
	if got := m.String(); got != "::error::line one%0Aline two\n" {
		t.Errorf("several lines: %q", got)
	}
}

func TestFileURI(t *testing.T) {
	for in, want := range map[string]string{
		"regles/cles.yaml":      "regles/cles.yaml",
		"./regles/cles.yaml":    "./regles/cles.yaml",
		"../x y/é.yaml":         "../x%20y/%C3%A9.yaml",
		"rev:regles/a.yaml":     "rev%3Aregles/a.yaml",
		"/abs/path.yaml":        "file:///abs/path.yaml",
		`C:\Users\me\r.yaml`:    "file:///C:/Users/me/r.yaml",
		"d:/r.yaml":             "file:///d:/r.yaml",
		"50%.yaml":              "50%25.yaml",
		"rules/rouen/cles.yaml": "rules/rouen/cles.yaml",
		"a#b?c.yaml":            "a%23b%3Fc.yaml",
	} {
		if got := fileURI(in); got != want {
			t.Errorf("fileURI(%q) = %q, want %q", in, got, want)
		}
	}
}

// A message of a megabyte (a rule file can make one: a label or a name
// quoted in it) is cut in every machine output as in the text one, so that
// a CI log or an upload stays small.
func TestCheckOutputsCutLongMessages(t *testing.T) {
	long := "unknown name " + strings.Repeat("x", 1<<20)
	c := &Check{Provenance: testProvenance, Targets: []CheckTarget{{Name: "regles", Kind: "rules",
		Errors: diag.List{diag.Errorf(diag.Pos{File: "regles/a.yaml", Line: 1, Col: 1}, diag.NotFound, "%s", long)}}}}
	for _, f := range []Format{JSON, SARIF, GitHub} {
		var b bytes.Buffer
		if err := CheckOutput.Render(&b, f, French, c); err != nil {
			t.Fatal(err)
		}
		if b.Len() > 64<<10 {
			t.Errorf("%s: %d bytes for one error", f, b.Len())
		}
	}
}
