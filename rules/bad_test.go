package rules_test

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
)

// update reports whether goldens should be rewritten rather than compared:
// QUOTEPART_UPDATE=1 go test ./rules/
var update = os.Getenv("QUOTEPART_UPDATE") != ""

// loadAndRun loads the rule files of dir (relative to the package folder)
// and, when they load, runs every year they cover. It returns the set, the
// result and the first error met.
func loadAndRun(tb testing.TB, dir string) (*rules.Set, *engine.Result, error) {
	tb.Helper()
	set, err := rules.Load(os.DirFS("."), dir, dir)
	if err != nil {
		return nil, nil, err
	}
	m := set.Model
	res, err := engine.Run(context.Background(), m, engine.Options{From: m.FirstYear, To: m.LastYear})
	return set, res, err
}

// TestBadBase checks the rule set every bad case starts from: it must load
// and run cleanly, so that a case's error comes from what the case broke.
func TestBadBase(t *testing.T) {
	set, res, err := loadAndRun(t, "testdata/base")
	if err != nil {
		t.Fatalf("the base rule set fails:\n%s", diag.Flatten(err).Detail())
	}
	if len(set.Warnings) > 0 {
		t.Errorf("the base rule set has warnings:\n%s", set.Warnings.Detail())
	}
	if len(res.Years) != set.Model.LastYear-set.Model.FirstYear+1 {
		t.Errorf("the base rule set ran %d years, want %d–%d", len(res.Years), set.Model.FirstYear, set.Model.LastYear)
	}
}

// TestBad loads every case under testdata/bad, runs it when it loads, and
// compares the error with the case's want.txt.
func TestBad(t *testing.T) {
	cases, err := os.ReadDir("testdata/bad")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no case under testdata/bad")
	}
	for _, c := range cases {
		if !c.IsDir() {
			continue
		}
		t.Run(c.Name(), func(t *testing.T) {
			dir := path.Join("testdata/bad", c.Name())
			_, _, err := loadAndRun(t, dir)
			if err == nil {
				t.Fatal("the case loads and runs without error")
			}
			list := diag.Flatten(err)
			got := list.Detail() + "\n"
			for _, e := range list {
				if e.Code == diag.Internal {
					t.Errorf("internal error, want a user error: %v", e)
				}
				if !strings.HasPrefix(e.Pos.File, dir+"/") {
					t.Errorf("error %q does not name a file of %s", e, dir)
				}
			}
			if len(list) != 1 {
				t.Errorf("%d errors, want one clear message", len(list))
			}
			checkGolden(t, filepath.Join(dir, "want.txt"), got)
		})
	}
}

// checkGolden compares got with the file want, or rewrites want when
// QUOTEPART_UPDATE is set.
func checkGolden(tb testing.TB, want, got string) {
	tb.Helper()
	if update {
		if err := os.WriteFile(want, []byte(got), 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(want)
	if err != nil {
		tb.Fatalf("%v (QUOTEPART_UPDATE=1 go test ./rules/ writes it)", err)
	}
	if string(data) != got {
		tb.Errorf("error output differs from %s\n--- got:\n%s--- want:\n%s", want, got, data)
	}
}
