package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCIDocsMatchOwnCI keeps the examples of docs/ci.md the ones the
// project's own CI runs: every quotepart command line of the GitLab and
// GitHub examples must be a line of .ci/run, where quotepart is a shell
// function running the command from source.
func TestCIDocsMatchOwnCI(t *testing.T) {
	root := filepath.Join("..", "..", "..", "..")
	docs, err := os.ReadFile(filepath.Join(root, "docs", "ci.md"))
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile(filepath.Join(root, ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	var ciLines []string
	for _, l := range strings.Split(string(script), "\n") {
		ciLines = append(ciLines, strings.TrimSpace(l))
	}
	var commands []string
	inYAML := false
	for _, l := range strings.Split(string(docs), "\n") {
		switch {
		case strings.HasPrefix(l, "```yaml"):
			inYAML = true
			continue
		case strings.HasPrefix(l, "```"):
			inYAML = false
			continue
		}
		if !inYAML {
			continue
		}
		cmd := strings.TrimSpace(l)
		cmd = strings.TrimPrefix(cmd, "- ")
		cmd = strings.TrimPrefix(cmd, "run: ")
		if strings.HasPrefix(cmd, "quotepart ") {
			commands = append(commands, cmd)
		}
	}
	if len(commands) < 6 {
		t.Fatalf("found %d quotepart commands in the CI examples of docs/ci.md, want the three of GitLab and the three of GitHub", len(commands))
	}
	for _, sub := range []string{"quotepart check --strict", "quotepart test --format junit", "quotepart diff --against-rev"} {
		if !slices.ContainsFunc(commands, func(c string) bool { return strings.HasPrefix(c, sub) }) {
			t.Errorf("docs/ci.md runs no %q", sub)
		}
	}
	for _, c := range commands {
		if !slices.Contains(ciLines, c) {
			t.Errorf("docs/ci.md runs\n\t%s\nbut .ci/run does not: keep the examples the ones the project's CI uses", c)
		}
	}
}
