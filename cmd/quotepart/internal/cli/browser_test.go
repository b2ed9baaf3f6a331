package cli

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/quotepart/quotepart/reports"
)

// chromiumPath is Debian's chromium, which .ci/run installs.
const chromiumPath = "/usr/bin/chromium"

// needChromium skips the test when chromium is missing on a developer's
// machine, and fails it in CI, where .ci/run installs it.
func needChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing in CI: .ci/run installs it (apt-get install -y chromium)", chromiumPath)
		}
		t.Skipf("%s not found: install Debian's chromium (apt-get install -y chromium) to run the browser test", chromiumPath)
	}
}

// screens are the two sizes a page is checked at: a desktop and a phone.
var screens = []struct {
	name          string
	width, height int64
}{{"desktop", 1280, 800}, {"phone", 390, 844}}

// renderPage writes v as French HTML into dir/name, as its command would,
// and returns the file's URL for the browser.
func renderPage[T any](t *testing.T, out *reports.Output[T], v T, dir, name string) string {
	t.Helper()
	var page bytes.Buffer
	if err := out.Render(&page, reports.HTML, reports.French, v); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, name)
	writeFile(t, file, page.String())
	return urlOf(file)
}

// urlOf is the file: URL of a local file.
func urlOf(file string) string { return (&url.URL{Scheme: "file", Path: file}).String() }

// headlessTab starts chromium headless with a fresh profile under dir and
// the flags this closed network needs (no background networking, no
// component updates, no sync), and returns a tab; both end with ctx.
func headlessTab(ctx context.Context, dir string, width, height int) (context.Context, context.CancelFunc) {
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.WindowSize(width, height),
	)
	tab, cancelTab := chromedp.NewContext(allocCtx)
	return tab, func() { cancelTab(); cancelAlloc() }
}
