package app

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"path"
	"slices"
	"strings"

	"github.com/quotepart/quotepart/internal/version"
	"github.com/quotepart/quotepart/reports"
	"github.com/quotepart/quotepart/rules"
)

// The roles of the files read, the first part of their names in the
// digest.
const (
	RoleRules     = "rules"
	RoleScenarios = "scenarios"
	RoleProjects  = "projects"
	RoleTests     = "tests"
	RoleActuals   = "actuals"
)

// Named is a file read as the digest names it: its role and base name
// ("rules/cles.yaml"), and the SHA-256 of its bytes. The name leaves out
// the folder the file was read from, so that the same files give the same
// digest wherever they sit: the embedded defaults and a copy of them on
// disk, a checkout in C:\regles and one in /srv/regles.
func Named(role string, in rules.Input) reports.InputFile {
	return reports.InputFile{Name: role + "/" + path.Base(in.Path), SHA256: hex.EncodeToString(in.SHA256[:])}
}

func namedAll(role string, ins []rules.Input) []reports.InputFile {
	out := make([]reports.InputFile, 0, len(ins))
	for _, in := range ins {
		out = append(out, Named(role, in))
	}
	return out
}

// Inputs are the files the workspace was read from: its rules, its
// scenarios and its project requests.
func (ws *Workspace) Inputs() []reports.InputFile {
	out := namedAll(RoleRules, ws.Rules.Inputs())
	for _, s := range ws.Scenarios.All() {
		out = append(out, Named(RoleScenarios, s.Input()))
	}
	if ws.Projects != nil {
		out = append(out, namedAll(RoleProjects, ws.Projects.Inputs())...)
	}
	if ws.Actuals != nil {
		out = append(out, namedAll(RoleActuals, ws.Actuals.Inputs())...)
	}
	return out
}

// Provenance is what an output of the workspace records: this quotepart's
// version, and the digest of the workspace's files and of the scenario
// files the jobs were read from (a scenario given by its path).
func (ws *Workspace) Provenance(jobs ...*Job) reports.Provenance {
	files := ws.Inputs()
	for _, j := range jobs {
		for _, s := range j.Chain {
			files = append(files, Named(RoleScenarios, s.Input()))
		}
	}
	return NewProvenance(files)
}

// NewProvenance records this quotepart's version and the digest of files
// (of several workspaces, test files...). A file listed twice, same name
// and same bytes, counts once.
//
// The digest is "sha256:" and the SHA-256 of a manifest: one line per
// file, sorted by name (then by SHA-256), written as sha256sum writes
// them — the file's SHA-256 in lowercase hexadecimal, two spaces, its
// name, a line feed; a name holding a backslash, a line feed or a
// carriage return has them escaped as \\, \n and \r and its line starts
// with a backslash. Changing one byte of one file, renaming a file, or
// adding or removing one changes the digest; the folder the files sit in
// and the order they were read in do not.
func NewProvenance(files ...[]reports.InputFile) reports.Provenance {
	var all []reports.InputFile
	for _, fs := range files {
		all = append(all, fs...)
	}
	slices.SortFunc(all, func(a, b reports.InputFile) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.SHA256, b.SHA256))
	})
	all = slices.Compact(all)
	h := sha256.New()
	for _, f := range all {
		h.Write([]byte(manifestLine(f)))
	}
	return reports.Provenance{Version: version.Get().Label(), Digest: "sha256:" + hex.EncodeToString(h.Sum(nil)), Files: all}
}

// manifestLine is the line sha256sum prints for a file.
func manifestLine(f reports.InputFile) string {
	name := f.Name
	prefix := ""
	if strings.ContainsAny(name, "\\\n\r") {
		prefix = `\`
		name = strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\r", `\r`).Replace(name)
	}
	return prefix + f.SHA256 + "  " + name + "\n"
}
