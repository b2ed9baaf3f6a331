package cli

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/quotepart/quotepart/reports"
)

// axeSource is axe-core, vendored with its licence (testdata/axe/README.md).
//
//go:embed testdata/axe/axe.min.js
var axeSource string

// axeViolation is one rule that failed, with where.
type axeViolation struct {
	ID          string `json:"id"`
	Impact      string `json:"impact"`
	Help        string `json:"help"`
	Description string `json:"description"`
	Nodes       []struct {
		Target         []any  `json:"target"`
		HTML           string `json:"html"`
		FailureSummary string `json:"failureSummary"`
	} `json:"nodes"`
}

func (v axeViolation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s — %d element(s)", v.ID, v.Impact, v.Help, len(v.Nodes))
	for i, n := range v.Nodes {
		if i == 5 {
			fmt.Fprintf(&b, "\n      …")
			break
		}
		html := n.HTML
		if len(html) > 160 {
			html = html[:160] + "…"
		}
		fmt.Fprintf(&b, "\n      %v %s\n        %s", n.Target, html, strings.ReplaceAll(n.FailureSummary, "\n", " "))
	}
	return b.String()
}

// axeRun injects axe-core into the tab's page (unless already there) and
// runs it on the whole document with its default rules: those of WCAG 2.0,
// 2.1 and 2.2 at levels A and AA, and its best practices (landmarks,
// heading order, empty table headers...). It injects through the DevTools protocol, so that the page's
// Content-Security-Policy, which allows no inline script, does not stop
// it.
func axeRun(ctx context.Context) ([]axeViolation, error) {
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === "object"`))
	if err != nil {
		return nil, err
	}
	if !loaded {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[*json.RawMessage](axeSource+"\n;null")); err != nil {
			return nil, fmt.Errorf("injecting axe-core: %w", err)
		}
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("running axe-core: %w", err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		return nil, err
	}
	return vs, nil
}

// checkAxe fails the test on any violation axe-core finds in the tab's
// page, naming the state of the page it was in.
func checkAxe(t *testing.T, ctx context.Context, state string) {
	t.Helper()
	vs, err := axeRun(ctx)
	if err != nil {
		t.Fatalf("%s: %v", state, err)
	}
	for _, v := range vs {
		t.Errorf("%s: axe-core: %s", state, v)
	}
	if len(vs) == 0 {
		t.Logf("%s: axe-core finds no violation", state)
	}
}

// TestReportAccessible opens the HTML report of every default scenario in
// headless Chromium on a desktop screen and on a phone (390 px wide) and
// runs axe-core on it: no violation. On the phone the page is no wider
// than the screen (wide tables and charts scroll in regions a keyboard can
// reach) and the charts' text is drawn at 10 px at least (its font size
// times the scale of its drawing); the rows of the tables have headers.
func TestReportAccessible(t *testing.T) {
	needChromium(t)
	dir := t.TempDir()
	rep := defaultReport(t, nil)
	fileURL := renderPage(t, reports.ReportOutput, rep, dir, "rapport.html")

	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	for _, screen := range screens {
		tab, closeTab := headlessTab(ctx, filepath.Join(dir, screen.name), 1280, 800)
		if err := chromedp.Do(tab, chromedp.EmulateViewport(screen.width, screen.height), chromedp.Navigate(fileURL), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
			t.Fatalf("loading the report: %v", err)
		}
		checkAxe(t, tab, "report, "+screen.name)
		layout, err := chromedp.Run(tab, chromedp.Evaluate[[3]float64](`[document.documentElement.scrollWidth, window.innerWidth,
			Math.min(...Array.from(document.querySelectorAll("#synthese figure.chart svg text")).filter(t => t.textContent.trim() !== "").map(t => {
				const svg = t.ownerSVGElement;
				return parseFloat(getComputedStyle(t).fontSize) * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
			}))]`))
		if err != nil {
			t.Fatal(err)
		}
		if layout[0] > layout[1] {
			t.Errorf("%s: the report is %.0f px wide in a %.0f px screen", screen.name, layout[0], layout[1])
		}
		if layout[2] < 10 {
			t.Errorf("%s: the summary's charts have text of %.1f px, want at least 10", screen.name, layout[2])
		}
		t.Logf("%s: %.0f px wide in %.0f px, smallest chart text %.1f px", screen.name, layout[0], layout[1], layout[2])
		rowHeads, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll("#synthese tbody th[scope=row]").length`))
		if err != nil || rowHeads < 4 {
			t.Errorf("%s: the summary's tables have %d row headers (%v)", screen.name, rowHeads, err)
		}
		closeTab()
	}
}
