package app_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quotepart/quotepart/internal/app"
	"github.com/quotepart/quotepart/internal/diag"
)

const gitRules = `service: {id: g, title: G, manager: a, start: 2026-01-01, years: {from: 2026, to: 2026}}
members: [{id: a, label: A}]
parameters:
  total: {description: d, unit: EUR, value: 1000, source: s}
rules:
  cle: {per_member: true, expr: "1"}
pools:
  p: {label: P, amount: total, key: cle}
`

// gitRepo commits files (name → content; a content starting with "->"
// makes a symbolic link to the rest) in a new repository and returns
// the folder regles inside it.
func gitRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git here")
	}
	repo := t.TempDir()
	dir := filepath.Join(repo, "regles")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		if target, ok := strings.CutPrefix(text, "->"); ok {
			err = os.Symlink(target, p)
		} else {
			err = os.WriteFile(p, []byte(text), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "."}, {"commit", "-q", "-m", "rules"}} {
		c := exec.Command("git", append([]string{"-C", repo}, args...)...)
		c.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.invalid", "GIT_COMMITTER_NAME=t",
			"GIT_COMMITTER_EMAIL=t@example.invalid", "GIT_CONFIG_NOSYSTEM=1", "HOME="+repo)
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	return dir
}

// TestRulesAtRevisionReadsAsAFolder: the rules at a git revision are read
// under the rules of a folder on disk: hidden files and outputs of
// quotepart left out, the size of a file checked before it is read.
func TestRulesAtRevisionReadsAsAFolder(t *testing.T) {
	dir := gitRepo(t, map[string]string{
		"regles.yaml": gitRules,
		".cache.yaml": "not: [a rule file",
		"bills.json":  `{"schema": "quotepart/run/v1", "scenarios": []}`,
		"notes.md":    "# notes",
		"sub/a.yaml":  "not: [a rule file",
		"lien.yaml":   "->regles.yaml",
	})
	_, err := app.RulesAtRevision(context.Background(), dir, "HEAD")
	errs := diag.Flatten(err)
	if len(errs) != 1 || !strings.HasSuffix(errs[0].Error(), "HEAD:"+filepath.ToSlash(dir)+"/lien.yaml: not a regular file (a symbolic link): quotepart reads only regular files") {
		t.Fatalf("got %v", err)
	}
	dir = gitRepo(t, map[string]string{"regles.yaml": gitRules, ".cache.yaml": "not: [a rule file", "bills.json": `{"schema": "quotepart/run/v1", "scenarios": []}`})
	set, err := app.RulesAtRevision(context.Background(), dir, "HEAD")
	if err != nil {
		t.Fatal(diag.Flatten(err).Detail())
	}
	if len(set.Files) != 1 || len(set.Skipped) != 1 || !strings.Contains(set.Skipped[0].Error(), "bills.json: skipped: an output of quotepart (quotepart/run/v1)") {
		t.Errorf("files %v, skipped %v", set.Files, set.Skipped)
	}
}

func TestRulesAtRevisionRefusesHugeFiles(t *testing.T) {
	// 9 MiB of zeros: git compresses them to a few kilobytes.
	dir := gitRepo(t, map[string]string{"regles.yaml": gitRules, "gros.yaml": strings.Repeat("0", 9<<20)})
	_, err := app.RulesAtRevision(context.Background(), dir, "HEAD")
	errs := diag.Flatten(err)
	want := "HEAD:" + filepath.ToSlash(dir) + "/gros.yaml: file too large: 9 MiB, beyond the limit of 8 MiB on the size of a file"
	if len(errs) != 1 || errs[0].Error() != want || errs[0].Code != diag.Limit {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}
