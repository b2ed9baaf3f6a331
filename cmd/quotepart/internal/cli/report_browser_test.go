package cli

import (
	"bytes"
	"context"
	"fmt"
	"github.com/quotepart/quotepart/internal/app"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/quotepart/quotepart/reports"
)

// TestReportInBrowser opens the HTML report of the default scenarios in
// headless Chromium, offline, and checks that it loads nothing but itself,
// logs no error, draws its charts and is not blank. A scenario with a
// hostile title rides along: its text must stay text.
//
// With QUOTEPART_SCREENSHOTS=DIR the screenshots are kept in DIR for a
// person to look at.
func TestReportInBrowser(t *testing.T) {
	needChromium(t)
	dir := t.TempDir()
	hostile := filepath.Join(dir, "hostile.yaml")
	writeFile(t, hostile, `scenario:
  id: hostile
  title: "</script><script>console.error('xss')</script><img src=http://127.0.0.1:9/x.png onerror=console.error(1)>"
  description: "<style>body{display:none}</style> <a href=http://127.0.0.1:9/>lien</a>"
  extends: convention-2026
`)
	rep := defaultReport(t, []string{"convention-2026", "sdsi-2027-2030", "nouveau-membre", hostile})
	fileURL := renderPage(t, reports.ReportOutput, rep, dir, "rapport.html")

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	tab, closeTab := headlessTab(ctx, dir, 1200, 1600)
	defer closeTab()

	var mu sync.Mutex
	var problems, requests []string
	if err := chromedp.Listen(tab, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			requests = append(requests, ev.Request.URL)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				problems = append(problems, fmt.Sprintf("console.%s", ev.Type))
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+ev.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
				problems = append(problems, fmt.Sprintf("log %s: %s %s", ev.Entry.Level, ev.Entry.Text, ev.Entry.URL))
			}
		}
	}); err != nil {
		t.Fatalf("starting %s: %v", chromiumPath, err)
	}
	if err := chromedp.Do(tab, chromedp.Navigate(fileURL), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Fatalf("loading the report: %v", err)
	}
	// Let late loads (images, fonts) and their errors show up.
	if err := chromedp.Do(tab, chromedp.Sleep(500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	charts, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll("figure.chart svg").length`))
	if err != nil {
		t.Fatal(err)
	}
	if charts < 6 {
		t.Errorf("the page shows %d charts, want at least 6", charts)
	}
	// The rules' sources are links (class "source", which escaped text
	// cannot give itself); anything else is user text turned into markup.
	injected, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll("script, img, iframe, object, embed, link, a[href]:not(.source):not([href^=\"#\"]), style:not(head style)").length`))
	if err != nil {
		t.Fatal(err)
	}
	if injected != 0 {
		t.Errorf("user text became %d elements (script, img, link...): it must be escaped", injected)
	}
	sources, err := chromedp.Run(tab, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#regles a.source")).map(a => a.href)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(sources) == 0 || !strings.HasPrefix(sources[0], "https://www.legifrance.gouv.fr/") {
		t.Errorf("the rules annex links %q, want the key's source on Légifrance", sources)
	}
	visible, err := chromedp.Run(tab, chromedp.Evaluate[bool](`getComputedStyle(document.body).display !== "none" && document.body.innerText.includes("</script>")`))
	if err != nil {
		t.Fatal(err)
	}
	if !visible {
		t.Errorf("the hostile title is not shown as text")
	}

	shot, err := chromedp.Run(tab, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	checkNotBlank(t, "the first screen", shot)
	chart, err := chromedp.Run(tab, chromedp.Screenshot(chromedp.CSS("figure.chart")))
	if err != nil {
		t.Fatal(err)
	}
	checkNotBlank(t, "the first chart", chart)
	if keep := os.Getenv("QUOTEPART_SCREENSHOTS"); keep != "" {
		writeFile(t, filepath.Join(keep, "rapport-ecran.png"), string(shot))
		writeFile(t, filepath.Join(keep, "rapport-graphique.png"), string(chart))
		for i, sel := range []string{"#ecarts", "#bilan-portefeuille", "#portefeuille", "#sensibilite-convention-2026", "#sensibilite-sdsi-2027-2030", "#parametres", "#regles"} {
			img, err := chromedp.Run(tab, chromedp.Screenshot(chromedp.CSS(sel)))
			if err != nil {
				t.Fatalf("%s: %v", sel, err)
			}
			writeFile(t, filepath.Join(keep, fmt.Sprintf("rapport-%d-%s.png", i, strings.TrimPrefix(sel, "#"))), string(img))
		}
	}

	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Errorf("the browser reported: %s", p)
	}
	for _, u := range requests {
		if u != fileURL {
			t.Errorf("the page requested %s: a report must load nothing but itself", u)
		}
	}
}

// checkNotBlank fails when a PNG is one flat colour: the variance of its
// luminance must be well above zero and some pixels must be dark.
func checkNotBlank(t *testing.T, what string, data []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: not a PNG: %v", what, err)
	}
	b := img.Bounds()
	if b.Dx() < 100 || b.Dy() < 100 {
		t.Fatalf("%s: screenshot of %dx%d pixels", what, b.Dx(), b.Dy())
	}
	var n, dark float64
	var sum, sum2 float64
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			l := luminance(img, x, y)
			sum += l
			sum2 += l * l
			n++
			if l < 128 {
				dark++
			}
		}
	}
	mean := sum / n
	variance := sum2/n - mean*mean
	if variance < 100 || dark/n < 0.005 {
		t.Errorf("%s looks blank: luminance variance %.1f, %.2f %% dark pixels", what, variance, 100*dark/n)
	}
}

func luminance(img image.Image, x, y int) float64 {
	r, g, b, _ := img.At(x, y).RGBA()
	return (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(b)) / 257
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// defaultReport builds the report of the embedded defaults, as the report
// command does, with fewer draws.
func defaultReport(t *testing.T, names []string) *reports.Report {
	t.Helper()
	ws, err := app.OpenDefaults()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ws.Report(context.Background(), app.ReportOptions{Scenarios: names, Simulation: app.Simulation{Draws: 2000, Seed: 1}, Sensitivity: true})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}
