package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// billedByRun returns what run prints as the billed amount of a member
// (by label) for a year: the last column of its row.
func billedByRun(t *testing.T, label string, year int) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := Main([]string{"run", "convention-2026", "--from", fmt.Sprint(year), "--to", fmt.Sprint(year)}, &out, &errb); code != 0 {
		t.Fatalf("run: exit %d: %s", code, errb.String())
	}
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), label) {
			cols := regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(line), -1)
			return cols[len(cols)-1]
		}
	}
	t.Fatalf("run prints no row for %s:\n%s", label, out.String())
	return ""
}

// writeStatement runs statement and returns the file it wrote.
func writeStatement(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	file := filepath.Join(dir, name)
	var out, errb bytes.Buffer
	if code := Main(append([]string{"statement", "-o", file}, args...), &out, &errb); code != 0 {
		t.Fatalf("statement: exit %d: %s", code, errb.String())
	}
	return file
}

// TestStatementInBrowser renders the CCAS's statement for 2026 in headless
// Chromium, offline: it loads nothing but itself, logs no error, shows the
// billed amount exactly as run prints it, has no accessibility violation
// axe-core finds, is not blank, and prints on one or two A4 pages.
func TestStatementInBrowser(t *testing.T) {
	needChromium(t)
	dir := t.TempDir()
	billed := billedByRun(t, "CCAS de Rouen", 2026)
	file := writeStatement(t, dir, "ccas-2026.html", "--member", "ccas", "--year", "2026")
	fileURL := urlOf(file)

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	tab, closeTab := headlessTab(ctx, dir, 900, 1300)
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
			problems = append(problems, fmt.Sprintf("console.%s", ev.Type))
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+ev.ExceptionDetails.Text)
		}
	}); err != nil {
		t.Fatalf("starting %s: %v", chromiumPath, err)
	}
	if err := chromedp.Do(tab, chromedp.Navigate(fileURL), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Fatalf("loading the statement: %v", err)
	}
	shown, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.getElementById("billed").innerText`))
	if err != nil {
		t.Fatal(err)
	}
	if shown != billed {
		t.Errorf("the statement shows %q as billed, run prints %q", shown, billed)
	}
	title, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.querySelector("h1").innerText`))
	if err != nil {
		t.Fatal(err)
	}
	if title != "Relevé 2026 — CCAS de Rouen" {
		t.Errorf("title %q", title)
	}
	instalments, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll("#echeancier tbody tr").length`))
	if err != nil {
		t.Fatal(err)
	}
	if instalments != 5 { // four quarters and the total
		t.Errorf("%d rows of instalments, want 4 and a total", instalments)
	}
	checkAxe(t, tab, "statement")
	shot, err := chromedp.Run(tab, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	checkNotBlank(t, "the statement", shot)
	if d := os.Getenv("QUOTEPART_SCREENSHOTS"); d != "" {
		writeFile(t, filepath.Join(d, "releve-ccas-2026.png"), string(shot))
	}

	// Printed on A4, as a finance officer prints it: one or two pages.
	prefer := true
	pdf, err := chromedp.Run(tab, chromedp.Action[[]byte](func(ctx context.Context, target *chromedp.Target) ([]byte, error) {
		r, err := cdp.Call(ctx, target, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &prefer})
		if err != nil {
			return nil, err
		}
		return r.Data, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1)); n < 1 || n > 2 {
		t.Errorf("the statement prints on %d pages, want one or two", n)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, r := range requests {
		if r != fileURL {
			t.Errorf("the statement loads %s: it must load nothing", r)
		}
	}
	if len(problems) > 0 {
		t.Errorf("the browser reported: %v", problems)
	}
}

// needTool returns the path of a command-line tool the test needs: it
// skips the test when the tool is missing on a developer's machine, and
// fails it in CI, where .ci/run installs it.
func needTool(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing in CI: .ci/run installs it (apt-get install -y %s)", name, pkg)
		}
		t.Skipf("%s not found: install %s (apt-get install -y %s) to run this test", name, pkg, pkg)
	}
	return p
}

// spaces turns the no-break and narrow no-break spaces of French numbers
// into plain spaces: a text extractor may give either.
var spaces = strings.NewReplacer("\u202f", " ", "\u00a0", " ")

// TestStatementPDFText writes the CCAS's statement for 2026 as PDF and
// extracts its text with poppler's pdftotext: it holds the billed amount
// exactly as run prints it (spaces aside), the French words with their
// accents and the euro sign; pdffonts lists every font as embedded.
func TestStatementPDFText(t *testing.T) {
	pdftotext := needTool(t, "pdftotext", "poppler-utils")
	pdffonts := needTool(t, "pdffonts", "poppler-utils")
	dir := t.TempDir()
	billed := billedByRun(t, "CCAS de Rouen", 2026)
	file := writeStatement(t, dir, "ccas-2026.pdf", "--member", "ccas", "--year", "2026")
	out, err := exec.Command(pdftotext, "-enc", "UTF-8", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := spaces.Replace(string(out))
	for _, want := range []string{
		"Montant facturé pour 2026 " + spaces.Replace(billed),
		"Relevé 2026 — CCAS de Rouen",
		"Échéancier",
		"4e trimestre — 31 décembre 2026",
		"Délibération 10-26 du 18 décembre 2025",
	} {
		if !strings.Contains(strings.Join(strings.Fields(text), " "), want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, text)
		}
	}
	fonts, err := exec.Command(pdffonts, file).Output()
	if err != nil {
		t.Fatalf("pdffonts: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(fonts)), "\n")
	if len(lines) < 3 {
		t.Fatalf("pdffonts lists no font:\n%s", fonts)
	}
	for _, l := range lines[2:] {
		// name, type (2 words), encoding, emb, sub, uni, object, id
		if f := strings.Fields(l); len(f) < 7 || !strings.Contains(strings.ToLower(f[0]), "liberation") || f[len(f)-5] != "yes" {
			t.Errorf("a font not embedded: %s", l)
		}
	}
}
