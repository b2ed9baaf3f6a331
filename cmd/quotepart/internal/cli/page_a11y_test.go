package cli

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// A what-if that moves every kind of figure: two posts in 2027 and a new
// member in 2028, whose bill the page shows apart.
const pageWhatIf = "etc.etc_cellule_numerique_confiance.2027=2&nm.date=2028-01-01&nm.label=Darn%C3%A9tal&nm.population=9727"

// openPage opens path on the server in a new headless tab of width ×
// height and waits for the page's script to be ready.
func openPage(t *testing.T, ctx context.Context, dir, url string, width, height int64) (context.Context, func()) {
	t.Helper()
	tab, closeTab := headlessTab(ctx, dir, 1280, 800)
	if err := chromedp.Do(tab, chromedp.EmulateViewport(width, height), chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("footer")),
		chromedp.Poll[chromedp.Void](`document.body.dataset.etat === "pret" || document.body.dataset.etat === "erreur"`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		closeTab()
		t.Fatalf("loading %s: %v", url, err)
	}
	return tab, closeTab
}

// TestPageAccessible runs axe-core on the what-if page in the states an
// official meets: as it opens, with a what-if (a new member shown apart),
// with a figure it cannot accept, with three variants side by side, and
// on a phone. Every state must have no violation. On the phone the page
// fits the screen, shows the results before the form, and draws its chart
// with text of at least 11 px.
func TestPageAccessible(t *testing.T) {
	needChromium(t)
	dir := t.TempDir()
	srv := httptest.NewServer(newServeHandler(t))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 180*time.Second)
	defer cancel()

	states := []struct {
		name, query   string
		width, height int64
	}{
		{"the page as it opens", "", 1280, 720},
		{"a what-if with a new member", pageWhatIf, 1280, 720},
		{"a figure in error", "etc.etc_dsi.2027=2x&p.taux_frais_gestion=120", 1280, 720},
		{"three variants", pageWhatIf + "&v2.scenario=sans-ccas&v2.p.taux_frais_gestion=4&v3.scenario=nouveau-membre&variante=2", 1280, 720},
		{"a what-if on a phone", pageWhatIf, 390, 844},
	}
	for i, st := range states {
		tab, closeTab := openPage(t, ctx, filepath.Join(dir, string(rune('a'+i))), srv.URL+"/?"+st.query, st.width, st.height)
		checkAxe(t, tab, st.name)
		if st.name == "a figure in error" {
			// The mistakes are tied to their fields and the summary has the
			// focus.
			got, err := chromedp.Run(tab, chromedp.Evaluate[[]string](`[document.activeElement.id,
				document.getElementById("etc.etc_dsi.2027").getAttribute("aria-invalid"),
				(document.getElementById("etc.etc_dsi.2027").getAttribute("aria-describedby") || "").split(" ").map(id => document.getElementById(id).textContent).join(" | "),
				document.getElementById("p.taux_frais_gestion").getAttribute("aria-invalid")]`))
			if err != nil || got[0] != "resume-erreurs" || got[1] != "true" || !strings.Contains(got[2], "« 2x » n'est pas un nombre") || got[3] != "true" {
				t.Errorf("%s: focus, aria-invalid and aria-describedby: %q (%v)", st.name, got, err)
			}
		}
		if st.name == "three variants" {
			side, err := chromedp.Run(tab, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(".cote-a-cote thead th")).map(th => th.textContent)`))
			if err != nil || len(side) != 5 || side[2] != "Variante A" || side[4] != "Variante C" {
				t.Errorf("%s: the side-by-side table heads %q (%v)", st.name, side, err)
			}
		}
		if st.width < 500 {
			got, err := chromedp.Run(tab, chromedp.Evaluate[[]float64](`(() => {
				const svg = Array.from(document.querySelectorAll(".graphique svg")).find(s => s.getBoundingClientRect().width > 0);
				const texts = Array.from(svg.querySelectorAll("text"));
				const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
				return [document.documentElement.scrollWidth, window.innerWidth,
					Math.min(...texts.map(t => parseFloat(getComputedStyle(t).fontSize) * scale)),
					document.getElementById("resultats").getBoundingClientRect().top, document.getElementById("simulation").getBoundingClientRect().top];
			})()`))
			if err != nil {
				t.Fatal(err)
			}
			if got[0] > got[1] {
				t.Errorf("%s: the page is %.0f px wide in a %.0f px screen", st.name, got[0], got[1])
			}
			if got[2] < 11 {
				t.Errorf("%s: the chart's text is drawn at %.1f px, want at least 11", st.name, got[2])
			}
			if got[3] > got[4] {
				t.Errorf("%s: the results come after the form (at %.0f px, the form at %.0f px)", st.name, got[3], got[4])
			}
			t.Logf("%s: %.0f px wide in %.0f px; chart text %.1f px; results at %.0f px, form at %.0f px", st.name, got[0], got[1], got[2], got[3], got[4])
		}
		closeTab()
	}
}

// TestPageKeyboard walks the page with the keyboard: the first Tab
// reaches the skip link, which takes the focus to the results; arrow keys
// in « Partir de » change the scenario without reloading the page and
// keep the focus there; a mistyped figure submitted with Enter takes the
// focus to its field, marked invalid and described by the message.
func TestPageKeyboard(t *testing.T) {
	needChromium(t)
	dir := t.TempDir()
	srv := httptest.NewServer(newServeHandler(t))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	tab, closeTab := openPage(t, ctx, dir, srv.URL+"/", 1280, 720)
	defer closeTab()

	// Tab, then Enter on the skip link.
	if err := chromedp.Do(tab, chromedp.KeyEvent(kb.Tab)); err != nil {
		t.Fatal(err)
	}
	first, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.activeElement.textContent`))
	if err != nil || first != "Aller aux résultats" {
		t.Fatalf("the first Tab reaches %q (%v), want the skip link « Aller aux résultats »", first, err)
	}
	if err := chromedp.Do(tab, chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	if got, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.activeElement.id`)); err != nil || got != "resultats" {
		t.Errorf("after the skip link the focus is on %q (%v), want the results", got, err)
	}

	// Arrow down in « Partir de »: another scenario, the same page.
	if err := chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](`window.quotepartMarque = 1`), chromedp.Focus(chromedp.CSS("#scenario")), chromedp.KeyEvent(kb.ArrowDown)); err != nil {
		t.Fatal(err)
	}
	after, err := chromedp.Run(tab, chromedp.Poll[[]string](`document.body.dataset.etat === "pret" && location.search.includes("scenario=") &&
		[String(window.quotepartMarque), document.activeElement.id, document.getElementById("scenario").value, location.search,
		 document.querySelector("#contenu .comparaison").textContent]`, chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		t.Fatalf("after an arrow key in « Partir de »: %v", err)
	}
	if after[0] != "1" {
		t.Errorf("the arrow key reloaded the page")
	}
	if after[1] != "scenario" {
		t.Errorf("after the arrow key the focus is on %q, want « Partir de »", after[1])
	}
	if after[2] == "convention-2026" || !strings.Contains(after[3], "scenario="+after[2]) || !strings.Contains(after[4], "Simulation sur") {
		t.Errorf("the scenario did not change: value %q, address %q, results %q", after[2], after[3], after[4])
	}

	// A mistyped figure, then Enter.
	field := `input[name="etc.etc_dsi.2027"]`
	if err := chromedp.Do(tab, chromedp.SendKeys(chromedp.CSS(field), "2x"+kb.Enter)); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(tab, chromedp.Poll[[]string](`document.body.dataset.etat === "erreur" && document.activeElement.getAttribute("aria-invalid") === "true" &&
		[document.activeElement.name, (document.activeElement.getAttribute("aria-describedby") || "").split(" ").map(id => document.getElementById(id).textContent).join(" | "),
		 document.querySelector("#resume-erreurs a").getAttribute("href")]`, chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		t.Fatalf("after typing 2x and Enter: %v", err)
	}
	if got[0] != "etc.etc_dsi.2027" || !strings.Contains(got[1], "« 2x » n'est pas un nombre") || got[2] != "#etc.etc_dsi.2027" {
		t.Errorf("after typing 2x and Enter: focus on %q, described by %q, the message links to %q", got[0], got[1], got[2])
	}
}

// TestPageSelectsShowTheirText: at 1280 × 720, a projector's resolution,
// « Partir de » and « Comparer à » are wide enough for the whole title of
// every scenario.
func TestPageSelectsShowTheirText(t *testing.T) {
	needChromium(t)
	dir := t.TempDir()
	srv := httptest.NewServer(newServeHandler(t))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	tab, closeTab := openPage(t, ctx, dir, srv.URL+"/", 1280, 720)
	defer closeTab()
	cut, err := chromedp.Run(tab, chromedp.Evaluate[[]string](`(() => {
		const out = [];
		const ctx = document.createElement("canvas").getContext("2d");
		for (const sel of document.querySelectorAll("#scenario, #compare")) {
			const cs = getComputedStyle(sel);
			ctx.font = cs.fontWeight + " " + cs.fontSize + " " + cs.fontFamily;
			// The room for text: the box less its padding, borders and the arrow (about 24 px).
			const room = sel.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 24;
			for (const o of sel.options) {
				const w = ctx.measureText(o.text).width;
				if (w > room) out.push(sel.id + ": " + o.text + " (" + Math.round(w) + " px in " + Math.round(room) + ")");
			}
		}
		return out;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cut {
		t.Errorf("at 1280 × 720 a select cuts its text: %s", c)
	}
}

// TestPagePrintsToPDF prints the what-if page, as an official does to
// attach a simulation to the minutes, and reads the PDF's text with
// pdftotext: the assumptions and the results with the Total column are
// there, the form is not, and it holds on few pages.
func TestPagePrintsToPDF(t *testing.T) {
	needChromium(t)
	pdftotext := needTool(t, "pdftotext", "poppler-utils")
	dir := t.TempDir()
	srv := httptest.NewServer(newServeHandler(t))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	for _, path := range []string{"/", "/impression"} {
		tab, closeTab := openPage(t, ctx, filepath.Join(dir, strings.Trim(path, "/")+"p"), srv.URL+path+"?"+pageWhatIf, 1280, 720)
		pdf, err := chromedp.Run(tab, chromedp.PrintToPDF(func(p *page.PrintToPDFParams) {
			yes := true
			p.PreferCSSPageSize = &yes
			p.PrintBackground = &yes
		}))
		closeTab()
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, "simulation.pdf")
		writeFile(t, file, string(pdf))
		if keep := os.Getenv("QUOTEPART_SCREENSHOTS"); keep != "" {
			writeFile(t, filepath.Join(keep, "simulation"+strings.ReplaceAll(path, "/", "-")+".pdf"), string(pdf))
		}
		out, err := exec.Command(pdftotext, "-layout", file, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		text := string(out)
		pages := strings.Count(text, "\f")
		for _, want := range []string{
			"Total",                               // the Total column
			"23 485 200,65 €",                     // its amount over the years, whole
			"Ce que suppose la simulation",        // the assumptions
			"2 ETC ajoutés à « ETC de la cellule", // one of them
			"Darnétal",                            // the new member, apart
		} {
			if !strings.Contains(strings.ReplaceAll(text, "\u202f", " "), want) {
				t.Errorf("%s printed: the PDF lacks %q", path, want)
			}
		}
		for _, form := range []string{"Hypothèses de la variante", "Effectifs (ETC)", "Partir de", "Télécharger comme scénario", "Projets adoptés"} {
			if strings.Contains(text, form) {
				t.Errorf("%s printed: the PDF shows the form (%q)", path, form)
			}
		}
		if pages > 2 {
			t.Errorf("%s printed: %d pages, want at most 2", path, pages)
		}
		t.Logf("%s printed: %d page(s), %d characters of text", path, pages, len(text))
	}
}

// TestPageVariants adds, edits, switches and removes variants in the
// browser: « Ajouter une variante » copies the variant edited into B,
// which the form then edits; a figure typed in B changes B alone, in the
// address (v2.) and in the side-by-side table; tab A edits A again; and
// « Retirer » drops B.
func TestPageVariants(t *testing.T) {
	needChromium(t)
	dir := t.TempDir()
	srv := httptest.NewServer(newServeHandler(t))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	tab, closeTab := openPage(t, ctx, dir, srv.URL+"/?etc.etc_dsi.2027=1", 1280, 720)
	defer closeTab()
	// follow clicks a link that loads another page, and waits for the new
	// page's script to be ready (an evaluation may fail while the old
	// page goes away: try again).
	follow := func(sel string) {
		t.Helper()
		if err := chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](`window.quotepartAvant = 1`), chromedp.Click(chromedp.CSS(sel))); err != nil {
			t.Fatalf("clicking %s: %v", sel, err)
		}
		for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			ok, err := chromedp.Run(tab, chromedp.Evaluate[bool](`window.quotepartAvant === undefined && document.readyState === "complete" && document.body.dataset.etat === "pret"`))
			if err == nil && ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("after clicking %s the new page is not ready (%v)", sel, err)
			}
		}
	}

	follow("#ajouter")
	loc, err := chromedp.Run(tab, chromedp.Evaluate[string](`location.search`))
	if err != nil || !strings.Contains(loc, "v2.etc.etc_dsi.2027=1") || !strings.Contains(loc, "variante=2") || !strings.Contains(loc, "v2.scenario=convention-2026") {
		t.Fatalf("after « Ajouter une variante » the address is %q (%v)", loc, err)
	}
	// B gets fees at 4 %: B's column changes, A's does not.
	cells := `[document.getElementById("montant-a-ville").dataset.valeur, document.getElementById("montant-b-ville").dataset.valeur]`
	before, err := chromedp.Run(tab, chromedp.Evaluate[[]string](cells))
	if err != nil || before[0] != before[1] {
		t.Fatalf("a copy: A and B give %q (%v)", before, err)
	}
	fee := chromedp.CSS(`input[name="p.taux_frais_gestion"]`)
	if err := chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](`document.querySelector('input[name="p.taux_frais_gestion"]').select()`), chromedp.SendKeys(fee, "4")); err != nil {
		t.Fatal(err)
	}
	after, err := chromedp.Run(tab, chromedp.Poll[[]string](`location.search.includes("v2.p.taux_frais_gestion=4") && document.getElementById("montant-b-ville").dataset.valeur !== `+jsString(before[1])+` && `+cells, chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil || after[0] != before[0] {
		t.Fatalf("fees at 4 %% in B: A and B give %q, before %q (%v)", after, before, err)
	}
	// Tab A: the form edits A, whose fee is the scenario's.
	follow("a.onglet")
	state, err := chromedp.Run(tab, chromedp.Evaluate[[]string](`[location.search, document.querySelector('input[name="p.taux_frais_gestion"]').value, document.getElementById("titre-formulaire").textContent]`))
	if err != nil || strings.Contains(state[0], "variante=") || state[1] != "3" || !strings.Contains(state[2], "variante A") {
		t.Errorf("after tab A: %q (%v)", state, err)
	}
	// Remove A: B, fees at 4 %, is now the only one.
	follow("#retirer")
	state, err = chromedp.Run(tab, chromedp.Evaluate[[]string](`[location.search, String(document.querySelectorAll(".cote-a-cote").length), document.querySelector('input[name="p.taux_frais_gestion"]').value]`))
	if err != nil || strings.Contains(state[0], "v2.") || state[1] != "0" || state[2] != "4" {
		t.Errorf("after removing A: %q (%v)", state, err)
	}
}
