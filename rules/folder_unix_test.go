//go:build unix

package rules_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/quotepart/quotepart/rules"
)

// A named pipe in the rules folder is refused by name, at once: opening it
// would wait for a writer forever.
func TestReadFolderRefusesNamedPipes(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.yaml": "members: []\n"})
	if err := syscall.Mkfifo(filepath.Join(dir, "z.yaml"), 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	if err := os.Symlink(filepath.Join(dir, "z.yaml"), filepath.Join(dir, "y.yaml")); err != nil {
		t.Fatal(err)
	}
	done := make(chan []rules.SourceFile)
	go func() {
		got, err := rules.ReadFolder(os.DirFS(dir), ".", "r", "the rules folder", rules.IsRuleFile)
		if err != nil {
			t.Error(err)
		}
		done <- got
	}()
	select {
	case got := <-done:
		if len(got) != 3 {
			t.Fatalf("got %d files, want 3", len(got))
		}
		if got[1].Err == nil || got[1].Err.Error() != "r/y.yaml: not a regular file (a named pipe): quotepart reads only regular files" {
			t.Errorf("y.yaml (a link to the pipe): %v", got[1].Err)
		}
		if got[2].Err == nil || got[2].Err.Error() != "r/z.yaml: not a regular file (a named pipe): quotepart reads only regular files" {
			t.Errorf("z.yaml: %v", got[2].Err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ReadFolder blocked on a named pipe")
	}
}
