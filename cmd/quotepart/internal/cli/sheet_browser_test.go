package cli

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/quotepart/quotepart/internal/app"
	"github.com/quotepart/quotepart/reports"
)

// TestRequestSheetAccessible opens the HTML sheet of a request in headless
// Chromium on a desktop screen and on a phone: axe-core finds no
// violation, and the page is no wider than the screen.
func TestRequestSheetAccessible(t *testing.T) {
	needChromium(t)
	dir := t.TempDir()
	ws, err := app.OpenDefaults()
	if err != nil {
		t.Fatal(err)
	}
	sheet, err := ws.RequestSheet(context.Background(), app.SheetOptions{ID: "consolidation-serveurs", Simulation: app.Simulation{Draws: 200, Seed: 1}})
	if err != nil {
		t.Fatal(err)
	}
	fileURL := renderPage(t, reports.SheetOutput, sheet, dir, "fiche.html")
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	for _, screen := range screens {
		tab, closeTab := headlessTab(ctx, filepath.Join(dir, screen.name), 1280, 800)
		if err := chromedp.Do(tab, chromedp.EmulateViewport(screen.width, screen.height), chromedp.Navigate(fileURL), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
			t.Fatalf("loading the sheet: %v", err)
		}
		checkAxe(t, tab, "sheet, "+screen.name)
		width, err := chromedp.Run(tab, chromedp.Evaluate[[2]float64](`[document.documentElement.scrollWidth, window.innerWidth]`))
		if err != nil {
			t.Fatal(err)
		}
		if width[0] > width[1] {
			t.Errorf("%s: the sheet is %.0f px wide in a %.0f px screen", screen.name, width[0], width[1])
		}
		closeTab()
	}
}
