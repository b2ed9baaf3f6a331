package app

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/quotepart/quotepart/rules"
	"github.com/quotepart/quotepart/scenarios"
)

// TestStamp: the stamp of folders changes when a file's time changes, not
// otherwise, and there is none for the embedded defaults.
func TestStamp(t *testing.T) {
	dir := t.TempDir()
	f := Folders{Rules: filepath.Join(dir, "regles"), Scenarios: filepath.Join(dir, "scenarios")}
	if err := os.CopyFS(f.Rules, rules.Defaults()); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(f.Scenarios, scenarios.Defaults()); err != nil {
		t.Fatal(err)
	}
	a, err := f.Stamp()
	if err != nil || a == "" {
		t.Fatalf("Stamp() = %q, %v", a, err)
	}
	if b, _ := f.Stamp(); b != a {
		t.Error("two stamps of unchanged folders differ")
	}
	later := time.Now().Add(time.Second)
	if err := os.Chtimes(filepath.Join(f.Scenarios, "sans-ccas.yaml"), later, later); err != nil {
		t.Fatal(err)
	}
	if b, _ := f.Stamp(); b == a {
		t.Error("touching a scenario file does not change the stamp")
	}
	if s, err := (Folders{}).Stamp(); s != "" || err != nil {
		t.Errorf("the embedded defaults: Stamp() = %q, %v; want nothing to watch", s, err)
	}
}
