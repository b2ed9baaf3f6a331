package cli

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quotepart/quotepart/internal/diag"
)

// The project file (quotepart.yaml) comes with the repository it sits in,
// so from a merge request too: whatever it holds, reading it ends with
// its settings or with errors positioned in it, never a panic, and every
// setting it accepts is a flag of some command.
func FuzzProjectFile(f *testing.F) {
	for _, seed := range []string{
		"rules: regles\nscenarios: scenarios\n",
		"test:\n  format: junit\n  run: [a, b]\n",
		"rulez: regles\n",
		"rulez: regles\nscenarioz: s\n",
		"run: {from: 2024, to: 2030}\nrun: {}\n",
		"config: autre.yaml\n",
		"a: &x [1, 2]\nb: *x\n",
		"- rules\n",
		"rules: [regles, autres]\n",
		"\xef\xbb\xbfrules: regles\r\n",
		"check: [strict]\n",
		": :\n",
	} {
		f.Add([]byte(seed))
	}
	root := (&program{stdout: io.Discard, stderr: io.Discard}).rootCommand()
	flags := map[string]bool{}
	for _, c := range configurable(root) {
		for name := range flagsOf(c) {
			flags[name] = true
		}
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "quotepart.yaml")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		pr, err := readProject(path, root)
		if err != nil {
			var list diag.List
			var one *diag.Error
			if !errors.As(err, &list) && !errors.As(err, &one) {
				t.Fatalf("an error without a position: %v", err)
			}
			if !strings.HasPrefix(err.Error(), path) {
				t.Fatalf("an error that does not name the file: %v", err)
			}
			return
		}
		for name := range pr.top {
			if !flags[name] {
				t.Fatalf("accepted %q, which is no command's flag", name)
			}
		}
		for cmd, section := range pr.sections {
			for name := range section {
				if !flags[name] {
					t.Fatalf("accepted %q in %s, which is no command's flag", name, cmd)
				}
			}
		}
	})
}
