package whatif

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/quotepart/quotepart/internal/app"
	"github.com/quotepart/quotepart/rules"
	"github.com/quotepart/quotepart/scenarios"
)

// copyDefaults writes the embedded Rouen rules and scenarios into dir, as
// a rules author's folders.
func copyDefaults(t *testing.T, dir string) app.Folders {
	t.Helper()
	f := app.Folders{Rules: filepath.Join(dir, "regles"), Scenarios: filepath.Join(dir, "scenarios")}
	if err := os.CopyFS(f.Rules, rules.Defaults()); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(f.Scenarios, scenarios.Defaults()); err != nil {
		t.Fatal(err)
	}
	return f
}

// edit replaces old by new in a file, which must hold old. The file is
// replaced at once (a hidden file renamed over it), so that the watcher
// never reads it truncated, half written: on a busy machine it could
// look at it between the two steps of os.WriteFile.
func edit(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s does not hold %q", path, old)
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	if err := os.WriteFile(tmp, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// TestWatch: an edit of a rule file is served after a reload; an edit
// that breaks the rules leaves the last good ones served and its errors
// shown; the next good edit is served again.
func TestWatch(t *testing.T) {
	f := copyDefaults(t, t.TempDir())
	loaded, err := f.Stamp()
	if err != nil {
		t.Fatal(err)
	}
	ws, err := app.Open(f)
	if err != nil {
		t.Fatal(err)
	}
	sim, err := New(context.Background(), ws)
	if err != nil {
		t.Fatal(err)
	}
	h := NewHandler(sim, Options{Rate: -1})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.Watch(ctx, Reload{Every: 20 * time.Millisecond, Loaded: loaded, Stamp: f.Stamp, Load: func(ctx context.Context) (*app.Workspace, error) { return app.OpenContext(ctx, f) }})
	}()
	ville := regexp.MustCompile(`id="montant-ville-2028" data-valeur="([0-9.]+)"`)
	amount := func() string {
		m := ville.FindStringSubmatch(get(t, h, "/resultats").Body.String())
		if m == nil {
			t.Fatal("no amount for the Ville in 2028")
		}
		return m[1]
	}
	wait := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !ok(); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("after 10 s, still not %s", what)
			}
		}
	}
	before := amount()
	params := filepath.Join(f.Rules, "parametres.yaml")
	edit(t, params, "      2024-05-01: 0.03\n", "      2024-05-01: 0.05\n")
	wait("reloaded", func() bool { return h.generation() == 2 })
	after := amount()
	if after == before {
		t.Errorf("fees at 5 %%: the Ville's 2028 amount is still %s", after)
	}

	edit(t, params, "      2024-05-01: 0.05\n", "      2024-05-01: 0.05x\n")
	wait("refused", func() bool { return h.reloadError() != "" })
	if h.generation() != 2 || amount() != after {
		t.Errorf("a broken edit changed what is served: generation %d, amount %s", h.generation(), amount())
	}
	if e := h.reloadError(); !regexp.MustCompile(`parametres\.yaml:\d+:\d+: parameters\.taux_frais_gestion`).MatchString(e) {
		t.Errorf("the error does not point into the file: %q", e)
	}
	edit(t, params, "      2024-05-01: 0.05x\n", "      2024-05-01: 0.03\n")
	wait("reloaded again", func() bool { return h.generation() == 3 && h.reloadError() == "" })
	if got := amount(); got != before {
		t.Errorf("back at 3 %%: %s, want %s", got, before)
	}
	cancel()
	<-done
}
