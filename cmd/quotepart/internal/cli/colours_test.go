package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/quotepart/quotepart/internal/app"
	"github.com/quotepart/quotepart/reports"
)

// TestMemberColoursMatch: each member has the same colour in the report
// and on the what-if page, whichever scenario each starts from: the
// report with sans-ccas as its baseline (the CCAS removed) and the page
// on sans-ccas with a new member both give the Ville the palette's second
// colour and the Métropole the first.
func TestMemberColoursMatch(t *testing.T) {
	ws, err := app.OpenDefaults()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ws.Report(context.Background(), app.ReportOptions{Scenarios: []string{"sans-ccas", "nouveau-membre"}, Baseline: "sans-ccas"})
	if err != nil {
		t.Fatal(err)
	}
	var html bytes.Buffer
	if err := reports.ReportOutput.Render(&html, reports.HTML, reports.French, rep); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(newServeHandler(t))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/?scenario=sans-ccas&etc.etc_dsi.2027=1&nm.date=2028-01-01&nm.population=9727")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()

	swatch := func(doc []byte, label string) string {
		m := regexp.MustCompile(`class="sw (s\d)"[^>]*></span> ?` + regexp.QuoteMeta(label) + `[ <(]`).FindSubmatch(doc)
		if m == nil {
			return ""
		}
		return string(m[1])
	}
	for label, want := range map[string]string{"Métropole Rouen Normandie": "s0", "Ville de Rouen": "s1"} {
		inReport, onPage := swatch(html.Bytes(), label), swatch(page, label)
		if inReport != want || onPage != want {
			t.Errorf("%s: colour %q in the report, %q on the page, want %s in both", label, inReport, onPage, want)
		}
	}
	// A new member takes the colour after the rules' three members (the
	// CCAS keeps its own, even where it is removed).
	if got := swatch(html.Bytes(), "Ville de Darnétal"); got != "s3" {
		t.Errorf("the report's new member has colour %q, want s3", got)
	}
	if got := swatch(page, "Nouveau membre"); got != "s3" {
		t.Errorf("the page's new member has colour %q, want s3", got)
	}
}
