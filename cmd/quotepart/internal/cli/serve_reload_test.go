package cli

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/quotepart/quotepart/internal/app"
	"github.com/quotepart/quotepart/internal/whatif"
	"github.com/quotepart/quotepart/rules"
	"github.com/quotepart/quotepart/scenarios"
)

// TestServeReloadsInBrowser: a rules author edits a rule file while serve
// runs, and the page open in the browser says the rules changed and shows
// the amounts quotepart run computes with the edited file; an edit that
// breaks the rules shows its error on the page, which keeps working.
func TestServeReloadsInBrowser(t *testing.T) {
	needChromium(t)
	dir := t.TempDir()
	f := app.Folders{Rules: filepath.Join(dir, "regles"), Scenarios: filepath.Join(dir, "scenarios")}
	if err := os.CopyFS(f.Rules, rules.Defaults()); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(f.Scenarios, scenarios.Defaults()); err != nil {
		t.Fatal(err)
	}
	before := runJSON(t, "--rules", f.Rules, "--scenarios", f.Scenarios, "convention-2026")["ville-2028"]

	// What serve does with these folders.
	loaded, err := f.Stamp()
	if err != nil {
		t.Fatal(err)
	}
	ws, err := app.Open(f)
	if err != nil {
		t.Fatal(err)
	}
	sim, err := whatif.New(context.Background(), ws)
	if err != nil {
		t.Fatal(err)
	}
	h := whatif.NewHandler(sim, whatif.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	go h.Watch(ctx, whatif.Reload{Every: 100 * time.Millisecond, Loaded: loaded, Stamp: f.Stamp, Load: func(ctx context.Context) (*app.Workspace, error) { return app.OpenContext(ctx, f) }})
	srv := httptest.NewServer(h)
	defer srv.Close()

	tab, closeTab := openPage(t, ctx, dir, srv.URL+"/", 1280, 720)
	defer closeTab()
	ville := `document.getElementById("montant-ville-2028").dataset.valeur`
	if got, err := chromedp.Run(tab, chromedp.Evaluate[string](ville)); err != nil || got != before {
		t.Fatalf("the Ville's 2028 amount on arrival = %q (%v), want %q", got, err, before)
	}

	// Fees at 5 % instead of 3 %.
	params := filepath.Join(f.Rules, "parametres.yaml")
	replaceIn(t, params, "      2024-05-01: 0.03\n", "      2024-05-01: 0.05\n")
	after := runJSON(t, "--rules", f.Rules, "--scenarios", f.Scenarios, "convention-2026")["ville-2028"]
	if after == before {
		t.Fatalf("fees at 5 %% leave the Ville's 2028 amount at %s: the test would prove nothing", after)
	}
	start := time.Now()
	got, err := chromedp.Run(tab, chromedp.Poll[[]string](ville+` === `+jsString(after)+` && document.body.dataset.etat === "pret" && [`+ville+`, document.getElementById("avis-regles").textContent]`,
		chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		current, _ := chromedp.Run(tab, chromedp.Evaluate[string](ville))
		t.Fatalf("after the edit the page shows %s, want %s from quotepart run (%v)", current, after, err)
	}
	if !strings.Contains(got[1], "Les règles ont changé") {
		t.Errorf("the page does not say the rules changed: %q", got[1])
	}
	t.Logf("the page showed the edited rules %v after the edit: the Ville's 2028 amount went from %s to %s", time.Since(start).Round(10*time.Millisecond), before, after)

	// A broken edit: its error on the page, the figures kept.
	replaceIn(t, params, "      2024-05-01: 0.05\n", "      2024-05-01: cinq pour cent\n")
	msg, err := chromedp.Run(tab, chromedp.Poll[string](`document.querySelector("#avis-regles .erreur") && document.getElementById("avis-regles").innerText`, chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil || !strings.Contains(msg, "ne se chargent pas") || !regexp.MustCompile(`parametres\.yaml:\d+:\d+: parameters\.taux_frais_gestion`).MatchString(msg) {
		t.Errorf("after a broken edit the page says %q (%v)", msg, err)
	}
	if got, err := chromedp.Run(tab, chromedp.Evaluate[string](ville)); err != nil || got != after {
		t.Errorf("after a broken edit the page shows %q (%v), want the last good figures %s", got, err, after)
	}
}

func replaceIn(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s does not hold %q", path, old)
	}
	// Replaced at once, so that the server never reads it half written.
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	writeFile(t, tmp, strings.Replace(string(data), old, new, 1))
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}
