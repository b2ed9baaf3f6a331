package reports

import "fmt"

// Provenance says which quotepart produced an output and from which
// files, so that an auditor can tell which rules produced a bill: every
// JSON contract, the report files and check record it (docs/output.md).
// The zero Provenance records nothing: an output rendered by a program
// that does not know its files leaves the field out.
type Provenance struct {
	// Version is quotepart's version, as `quotepart version` prints it
	// (v1.2.3, a pseudo-version, or (devel) with the revision).
	Version string
	// Digest is "sha256:" followed by the hexadecimal SHA-256 of the
	// manifest of Files (see internal/app: one line per file, as
	// sha256sum prints them, sorted by name).
	Digest string
	// Files are the files read, sorted by name.
	Files []InputFile
}

// InputFile is a file read, named as the digest names it: its role and
// its base name ("rules/cles.yaml", "scenarios/sans-ccas.yaml",
// "projects/ged.yaml", "tests/deliberation.test.yaml"), with the
// hexadecimal SHA-256 of its exact bytes.
type InputFile struct {
	Name, SHA256 string
}

// IsZero reports whether p records nothing.
func (p Provenance) IsZero() bool { return p.Version == "" && p.Digest == "" }

// ProvenanceDoc is the "provenance" object of the JSON contracts; Files
// is listed by check only.
type (
	ProvenanceDoc struct {
		Version string         `json:"version"`
		Digest  string         `json:"digest"`
		Files   []inputFileDoc `json:"files,omitempty"`
	}
	inputFileDoc struct {
		Name   string `json:"name"`
		SHA256 string `json:"sha256"`
	}
)

// JSON is p as the JSON contracts write it, nil (left out) when p records
// nothing; withFiles lists the files.
func (p Provenance) JSON(withFiles bool) *ProvenanceDoc {
	if p.IsZero() {
		return nil
	}
	d := &ProvenanceDoc{Version: p.Version, Digest: p.Digest}
	if withFiles {
		d.Files = []inputFileDoc{}
		for _, f := range p.Files {
			d.Files = append(d.Files, inputFileDoc{f.Name, f.SHA256})
		}
	}
	return d
}

// sentence words p for people: "quotepart v1.2.3, 17 fichiers lus
// (empreinte sha256:…)"; "" when p records nothing.
func (p Provenance) sentence(lang Lang) string {
	if p.IsZero() {
		return ""
	}
	if lang == English {
		return fmt.Sprintf("quotepart %s, %s read (digest %s)", p.Version, Plural(len(p.Files), "file"), p.Digest)
	}
	files := fmt.Sprintf("%d fichiers lus", len(p.Files))
	if len(p.Files) == 1 {
		files = "1 fichier lu"
	}
	return fmt.Sprintf("quotepart %s, %s (empreinte %s)", p.Version, files, p.Digest)
}
