package scenarios_test

import (
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/scenarios"
)

// TestBase checks the rule set the scenario tests start from: it must load
// and run cleanly, with no warning, so that an error in a test comes from
// the scenario.
func TestBase(t *testing.T) {
	set := loadBase(t)
	if len(set.Warnings) > 0 {
		t.Errorf("the base rule set has warnings:\n%s", set.Warnings.Detail())
	}
	m := set.Model
	res, err := engine.Run(t.Context(), m, engine.Options{From: m.FirstYear, To: m.LastYear})
	if err != nil {
		t.Fatalf("the base rule set does not run:\n%s", diag.Flatten(err).Detail())
	}
	if len(res.Years) != 7 {
		t.Errorf("the base rule set ran %d years, want 2024–2030", len(res.Years))
	}
}

// runCase loads the scenario files of dir into a catalog and runs each
// scenario, in the order of Catalog.All, through Chain, Apply,
// rules.BuildDecoded and engine.Run over its years, on the test rule set.
// It returns the first error met.
func runCase(t *testing.T, dir string) error {
	t.Helper()
	cat, err := scenarios.LoadDir(os.DirFS("."), dir, dir)
	if err != nil {
		return err
	}
	if len(cat.All()) == 0 {
		t.Fatalf("no scenario file in %s", dir)
	}
	base := loadBase(t).Files
	for _, s := range cat.All() {
		if _, err := pipeline(t, cat, s, base, 0, 0); err != nil {
			return err
		}
	}
	return nil
}

// TestBad runs every case under testdata/bad and compares the error with
// the case's want.txt: one clear message, positioned in the case's
// scenario files.
func TestBad(t *testing.T) {
	cases, err := os.ReadDir("testdata/bad")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range cases {
		if !c.IsDir() {
			continue
		}
		n++
		t.Run(c.Name(), func(t *testing.T) {
			dir := path.Join("testdata/bad", c.Name())
			err := runCase(t, dir)
			if err == nil {
				t.Fatal("every scenario of the case applies, builds and runs without error")
			}
			list := diag.Flatten(err)
			for _, e := range list {
				if e.Code == diag.Internal {
					t.Errorf("internal error, want a user error: %v", e)
				}
				if !strings.HasPrefix(e.Pos.File, dir+"/") || e.Pos.Line == 0 {
					t.Errorf("error %q is not positioned on a line of a scenario file of %s", e, dir)
				}
			}
			if len(list) != 1 {
				t.Errorf("%d errors, want one clear message:\n%s", len(list), list.Detail())
			}
			checkGolden(t, filepath.Join(dir, "want.txt"), list.Detail()+"\n")
		})
	}
	if n < 12 {
		t.Errorf("%d cases under testdata/bad, want at least the 12 required ones", n)
	}
}
