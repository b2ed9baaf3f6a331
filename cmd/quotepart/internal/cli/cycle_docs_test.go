package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCycleDocs runs every console example of docs/cycle.md from the
// repository's root and checks that quotepart prints what the page shows:
// the lines shown must be the first lines of the output (a page may cut
// it short, before the version and digest, which change with any file).
// QUOTEPART_UPDATE=1 rewrites the examples from what quotepart prints,
// keeping the number of lines each shows.
func TestCycleDocs(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", "..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(root, "docs", "cycle.md"))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)
	var examples [][]string
	var cur []string
	in := false
	lines := strings.Split(string(page), "\n")
	var starts []int // the line of each example's command
	for i, l := range lines {
		switch {
		case l == "```console":
			in, cur = true, nil
			starts = append(starts, i+1)
		case in && l == "```":
			in = false
			examples = append(examples, cur)
		case in:
			cur = append(cur, l)
		}
	}
	if os.Getenv("QUOTEPART_UPDATE") != "" {
		for k := len(examples) - 1; k >= 0; k-- {
			ex := examples[k]
			cmd, _ := strings.CutPrefix(ex[0], "$ quotepart ")
			var out, errb bytes.Buffer
			if code := Main(strings.Fields(cmd), &out, &errb); code != 0 {
				t.Fatalf("%s: exit %d: %s", cmd, code, errb.String())
			}
			got := strings.Split(out.String(), "\n")
			n := min(len(ex)-1, len(got))
			body := append([]string{ex[0]}, got[:n]...)
			lines = append(lines[:starts[k]], append(body, lines[starts[k]+len(ex):]...)...)
		}
		if err := os.WriteFile(filepath.Join(root, "docs", "cycle.md"), []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if len(examples) < 4 {
		t.Fatalf("found %d console examples in docs/cycle.md", len(examples))
	}
	for _, ex := range examples {
		cmd, ok := strings.CutPrefix(ex[0], "$ quotepart ")
		if !ok {
			t.Errorf("an example does not start with $ quotepart: %q", ex[0])
			continue
		}
		t.Run(cmd, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := Main(strings.Fields(cmd), &out, &errb); code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			got := strings.Split(out.String(), "\n")
			for i, want := range ex[1:] {
				if i >= len(got) || got[i] != want {
					g := ""
					if i < len(got) {
						g = got[i]
					}
					t.Errorf("line %d:\n  page   %q\n  prints %q", i+1, want, g)
					return
				}
			}
		})
	}
}
