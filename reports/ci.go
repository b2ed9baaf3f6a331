package reports

import (
	"cmp"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"

	"github.com/quotepart/quotepart/internal/diag"
)

// The formats CI systems read beside JUnit.
const (
	SARIF  Format = "sarif"  // SARIF 2.1.0, for code scanning (GitHub, GitLab)
	GitHub Format = "github" // GitHub Actions workflow commands (::error file=...)
)

// Annotation is one finding of check or test as CI systems show it: on a
// line of a file in a merge request, or in a list of results.
type Annotation struct {
	// Rule names what was found: a diagnostic code (invalid, not_found,
	// runtime, limit), a check of --strict (stale, no-source,
	// unused-rule, zero-key), or a test outcome (test-failure,
	// test-error).
	Rule string
	// Level is "error", "warning" or "note".
	Level string
	// Pos is where; a zero Pos is a finding about no file in particular.
	Pos diag.Pos
	// Title is a short heading ("quotepart check: stale"); Message the
	// finding itself, possibly on several lines.
	Title, Message string
}

// The levels of an Annotation.
const (
	LevelError   = "error"
	LevelWarning = "warning"
	LevelNote    = "note"
)

// SARIFSchemaURI is the official location of the SARIF 2.1.0 schema
// (OASIS standard, errata 01), which every SARIF log names.
const SARIFSchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// informationURI is where SARIF viewers send users to learn about the tool.
const informationURI = "https://github.com/quotepart/quotepart"

type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool       sarifTool           `json:"tool"`
		ColumnKind string              `json:"columnKind"`
		Results    []sarifResult       `json:"results"`
		Properties *sarifRunProperties `json:"properties,omitempty"`
	}
	sarifRunProperties struct {
		Digest string `json:"digest"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID               string       `json:"id"`
		ShortDescription sarifMessage `json:"shortDescription"`
	}
	sarifMessage struct {
		Text string `json:"text"`
	}
	sarifResult struct {
		RuleID    string          `json:"ruleId"`
		RuleIndex int             `json:"ruleIndex"`
		Level     string          `json:"level"`
		Message   sarifMessage    `json:"message"`
		Locations []sarifLocation `json:"locations,omitempty"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysical `json:"physicalLocation"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           *sarifRegion  `json:"region,omitempty"`
	}
	sarifArtifact struct {
		URI string `json:"uri"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
	}
)

// WriteSARIF writes annotations as a SARIF 2.1.0 log of one run of
// quotepart: the tool's name and version, the rules the results name
// (described by describe), each result with its level, message and
// location, and the digest of the files read as a property of the run.
// Locations are URIs relative to the folder quotepart ran in (run it from
// the repository's root for code scanning to place them); columns count
// Unicode code points. The output is deterministic: results in the order
// given, rules sorted by id.
func WriteSARIF(w io.Writer, prov Provenance, annotations []Annotation, describe func(rule string) string) error {
	var ids []string
	for _, a := range annotations {
		if !slices.Contains(ids, a.Rule) {
			ids = append(ids, a.Rule)
		}
	}
	slices.Sort(ids)
	driver := sarifDriver{Name: "quotepart", Version: prov.Version, InformationURI: informationURI, Rules: []sarifRule{}}
	for _, id := range ids {
		driver.Rules = append(driver.Rules, sarifRule{ID: id, ShortDescription: sarifMessage{cmp.Or(describe(id), id)}})
	}
	run := sarifRun{Tool: sarifTool{driver}, ColumnKind: "unicodeCodePoints", Results: []sarifResult{}}
	if prov.Digest != "" {
		run.Properties = &sarifRunProperties{Digest: prov.Digest}
	}
	for _, a := range annotations {
		r := sarifResult{RuleID: a.Rule, RuleIndex: slices.Index(ids, a.Rule), Level: a.Level, Message: sarifMessage{cmp.Or(a.Message, a.Title)}}
		if a.Pos.File != "" {
			loc := sarifLocation{sarifPhysical{ArtifactLocation: sarifArtifact{fileURI(a.Pos.File)}}}
			if a.Pos.Line > 0 {
				loc.PhysicalLocation.Region = &sarifRegion{StartLine: a.Pos.Line, StartColumn: max(a.Pos.Col, 0)}
			}
			r.Locations = []sarifLocation{loc}
		}
		run.Results = append(run.Results, r)
	}
	return WriteJSON(w, sarifLog{Schema: SARIFSchemaURI, Version: "2.1.0", Runs: []sarifRun{run}})
}

// fileURI turns a path as messages print it into a URI reference: a
// relative path stays relative, each segment percent-encoded (a colon too,
// so that rev:regles/a.yaml is not read as a scheme); an absolute path,
// Unix or Windows, becomes a file: URI.
func fileURI(p string) string {
	p = strings.ReplaceAll(p, `\`, "/")
	abs := strings.HasPrefix(p, "/")
	drive := len(p) >= 2 && p[1] == ':' && (p[0]|0x20 >= 'a' && p[0]|0x20 <= 'z') && (len(p) == 2 || p[2] == '/')
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if drive && i == 0 {
			continue // C: stays as it is in file:///C:/...
		}
		segs[i] = strings.ReplaceAll(url.PathEscape(s), ":", "%3A")
	}
	out := strings.Join(segs, "/")
	switch {
	case drive:
		return "file:///" + out
	case abs:
		return "file://" + out
	}
	return out
}

// WriteGitHub writes annotations as GitHub Actions workflow commands, one
// a line (::error file=F,line=L,col=C,title=T::MESSAGE), which GitHub shows
// on the lines of the pull request and in the job's summary, then the
// summary line, which shows in the log. Text from the files goes through
// SafeText first, so that no line break, escape sequence or bidirectional
// mark reaches the runner; then the command's own escapes apply: %, CR and
// LF in the message (%25, %0D, %0A), and also : and , in the properties
// (%3A, %2C), so that nothing a file holds can end a property, end the
// command or start another one. A message of several lines keeps its line
// breaks, as %0A.
func WriteGitHub(w io.Writer, annotations []Annotation, summary string) error {
	var b strings.Builder
	for _, a := range annotations {
		cmd := map[string]string{LevelError: "error", LevelWarning: "warning", LevelNote: "notice"}[a.Level]
		if cmd == "" {
			cmd = "error"
		}
		var props []string
		if a.Pos.File != "" {
			props = append(props, "file="+githubProperty(a.Pos.File))
			if a.Pos.Line > 0 {
				props = append(props, fmt.Sprintf("line=%d", a.Pos.Line))
				if a.Pos.Col > 0 {
					props = append(props, fmt.Sprintf("col=%d", a.Pos.Col))
				}
			}
		}
		if a.Title != "" {
			props = append(props, "title="+githubProperty(a.Title))
		}
		b.WriteString("::" + cmd)
		if len(props) > 0 {
			b.WriteString(" " + strings.Join(props, ","))
		}
		b.WriteString("::" + githubData(SafeLines(cmp.Or(a.Message, a.Title))) + "\n")
	}
	if summary != "" {
		b.WriteString(SafeText(summary) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// githubData escapes the message of a workflow command.
func githubData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// githubProperty escapes a property value of a workflow command: what a
// message needs, and the : and , that end a property.
func githubProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(SafeText(s))
}
