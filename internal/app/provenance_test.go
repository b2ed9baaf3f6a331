package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quotepart/quotepart/reports"
	"github.com/quotepart/quotepart/rules"
	"github.com/quotepart/quotepart/scenarios"
)

// copyFS writes the files of fsys under dir.
func copyFS(t *testing.T, fsys fs.FS, dir string) {
	t.Helper()
	if err := os.CopyFS(dir, fsys); err != nil {
		t.Fatal(err)
	}
}

// TestProvenanceDigest: the digest names the files read and nothing else.
// The embedded defaults and a copy of them on disk share it; one
// character changed in one rule file, a file renamed or added changes it;
// the bills do not depend on it.
func TestProvenanceDigest(t *testing.T) {
	ctx := context.Background()
	embedded, err := OpenDefaults()
	if err != nil {
		t.Fatal(err)
	}
	want := embedded.Provenance()
	if !strings.HasPrefix(want.Digest, "sha256:") || len(want.Digest) != len("sha256:")+64 {
		t.Fatalf("digest %q: want sha256: and 64 hexadecimal digits", want.Digest)
	}
	if want.Version != "(devel)" {
		t.Errorf("version %q in a test binary, want (devel)", want.Version)
	}
	names := map[string]bool{}
	for _, f := range want.Files {
		names[f.Name] = true
	}
	for _, n := range []string{"rules/service.yaml", "rules/evaluation.yaml", "scenarios/convention-2026.yaml", "projects/evaluation.yaml", "projects/ged-archives.yaml"} {
		if !names[n] {
			t.Errorf("the files read lack %s: %v", n, want.Files)
		}
	}
	if names["rules/convention.test.yaml"] {
		t.Errorf("a test file counts among the workspace's files: %v", want.Files)
	}

	dir := t.TempDir()
	rulesDir, scenariosDir := filepath.Join(dir, "regles"), filepath.Join(dir, "ailleurs", "scenarios")
	copyFS(t, rules.Defaults(), rulesDir)
	copyFS(t, scenarios.Defaults(), scenariosDir)
	open := func() reports.Provenance {
		t.Helper()
		ws, err := Open(Folders{Rules: rulesDir, Scenarios: scenariosDir})
		if err != nil {
			t.Fatal(err)
		}
		return ws.Provenance()
	}
	if got := open(); got.Digest != want.Digest {
		t.Errorf("a copy of the defaults on disk has digest %s, the embedded ones %s", got.Digest, want.Digest)
	}

	// One character of one rule file.
	file := filepath.Join(rulesDir, "parametres.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(data, []byte("description: "))
	if i < 0 {
		t.Fatal("no description in parametres.yaml")
	}
	changed := bytes.Clone(data)
	changed[i+len("description: ")] ^= 0x20 // the case of one letter
	if err := os.WriteFile(file, changed, 0o644); err != nil {
		t.Fatal(err)
	}
	one := open()
	if one.Digest == want.Digest {
		t.Errorf("changing one character of parametres.yaml left the digest %s", one.Digest)
	}
	ws, err := Open(Folders{Rules: rulesDir, Scenarios: scenariosDir})
	if err != nil {
		t.Fatal(err)
	}
	bills, err := ws.Run(ctx, []string{"convention-2026"}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if bills.Provenance.Digest != one.Digest {
		t.Errorf("run records %s, the workspace %s", bills.Provenance.Digest, one.Digest)
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := open(); got.Digest != want.Digest {
		t.Errorf("restoring the file did not restore the digest: %s, want %s", got.Digest, want.Digest)
	}

	// A file renamed: same bytes, another name.
	if err := os.Rename(file, filepath.Join(rulesDir, "parametres-2026.yaml")); err != nil {
		t.Fatal(err)
	}
	if got := open(); got.Digest == want.Digest {
		t.Errorf("renaming a rule file left the digest unchanged")
	}
}

// TestProvenanceJobs: a scenario read from its path counts among the files
// of the run that reads it, and of that run only.
func TestProvenanceJobs(t *testing.T) {
	ctx := context.Background()
	ws, err := OpenDefaults()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "mon-scenario.yaml")
	scenario := "scenario:\n  id: mon-scenario\n  title: Mon scénario\n  extends: convention-2026\n"
	if err := os.WriteFile(file, []byte(scenario), 0o644); err != nil {
		t.Fatal(err)
	}
	plain, err := ws.Run(ctx, []string{"convention-2026"}, 2026, 2026)
	if err != nil {
		t.Fatal(err)
	}
	withFile, err := ws.Run(ctx, []string{file}, 2026, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if plain.Provenance.Digest == withFile.Provenance.Digest {
		t.Errorf("the scenario file given by path is not in the digest")
	}
	if n := len(withFile.Provenance.Files) - len(plain.Provenance.Files); n != 1 {
		t.Errorf("the run of a scenario file reads %d more files, want 1", n)
	}
	if again := ws.Provenance(); again.Digest != plain.Provenance.Digest {
		t.Errorf("the workspace's digest moved after a run of a scenario file: the file must not join the workspace")
	}
}

// TestManifest: the digest is the SHA-256 of the lines sha256sum would
// print for the files, sorted by name, so that it can be checked with
// common tools; a file read twice counts once.
func TestManifest(t *testing.T) {
	a := rules.NewInput("x/regles/b.yaml", []byte("b: 1\n"))
	b := rules.NewInput("a.yaml", []byte("a: 1\n"))
	odd := rules.NewInput("x/c\\d\ne.yaml", []byte(""))
	p := NewProvenance([]reports.InputFile{Named(RoleRules, a), Named(RoleRules, b)}, []reports.InputFile{Named(RoleRules, a), Named(RoleTests, odd)})
	hexOf := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	manifest := hexOf("a: 1\n") + "  rules/a.yaml\n" +
		hexOf("b: 1\n") + "  rules/b.yaml\n" +
		`\` + hexOf("") + `  tests/c\\d\ne.yaml` + "\n"
	if want := "sha256:" + hexOf(manifest); p.Digest != want {
		t.Errorf("digest %s, want %s (of the manifest\n%s)", p.Digest, want, manifest)
	}
	if len(p.Files) != 3 {
		t.Errorf("files %v: want 3, the one read twice once", p.Files)
	}
}
