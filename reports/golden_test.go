package reports

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/rules"
	"github.com/shopspring/decimal"
)

// Golden files live in testdata/. To accept new output after reviewing it:
//
//	QUOTEPART_UPDATE=1 go test ./reports/
//
// then read the diff of testdata/ before committing.
func updating() bool {
	v := os.Getenv("QUOTEPART_UPDATE")
	return v != "" && v != "0"
}

// golden compares got with testdata/name, or rewrites the file when
// QUOTEPART_UPDATE is set.
func golden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	path := filepath.Join("testdata", name)
	if updating() {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatalf("updating %s: %v", path, err)
		}
		tb.Logf("updated %s", path)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (create it with QUOTEPART_UPDATE=1 go test ./reports/)", err)
	}
	if !bytes.Equal(got, want) {
		tb.Errorf("%s differs from the output (QUOTEPART_UPDATE=1 go test ./reports/ to accept it):\n%s", path, firstDiff(want, got))
	}
}

// firstDiff describes the first line where want and got differ, quoted so
// that space characters can be told apart.
func firstDiff(want, got []byte) string {
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g || i >= len(wl) || i >= len(gl) {
			return fmt.Sprintf("line %d:\n  want %q\n  got  %q", i+1, w, g)
		}
	}
	return "(same lines, different bytes)"
}

// testProvenance is what the goldens record as version and digest: fixed,
// so that they depend on the rendering only.
var testProvenance = Provenance{Version: "(devel)", Digest: "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	Files: []InputFile{{Name: "rules/service.yaml", SHA256: "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"}}}

// render runs the renderer of a format and language on results.
func render(tb testing.TB, f Format, lang Lang, results []*engine.Result) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := RunOutput.Render(&b, f, lang, &Bills{Provenance: testProvenance, Results: results}); err != nil {
		tb.Fatalf("Render %s %s: %v", f, lang, err)
	}
	return b.Bytes()
}

// smallResults is a hand-built result that exercises what the Rouen
// defaults do not: a partial year, keys with many decimals, a negative pool,
// text to escape, several scenarios and one with no year. Its figures are
// consistent (members' amounts sum to the total) so that it reads like real
// output.
func smallResults(tb testing.TB) []*engine.Result {
	tb.Helper()
	d := func(s string) decimal.Decimal { return dec(tb, s) }
	return []*engine.Result{
		{
			ID: "demo", Title: "Démo | service *partagé*",
			Years: []engine.Year{
				{
					Year: 2025, Months: 8, Total: d("1272604.93"),
					Pools: []engine.PoolYear{
						{ID: "personnel", Label: "Personnel", Key: "cle", Amount: d("1234567.89"), Fees: d("37037.04")},
						{ID: "abonnements", Label: "Abonnements", Key: "cle", Amount: d("1000"), Fees: d("0")},
					},
					Members: []engine.MemberYear{
						{ID: "epci", Label: "Communauté d'agglomération", Manager: true, Share: d("0.6"),
							Amount: d("763562.96"), Fees: d("22222.22"), Billed: d("0")},
						{ID: "ville", Label: "Ville centre", Share: d("0.33333333333333333333"),
							Amount: d("424201.64"), Fees: d("12345.68"), Billed: d("424201.64")},
						{ID: "ccas", Label: "CCAS", Share: d("0.06666666666666666667"),
							Amount: d("84840.33"), Fees: d("2469.14"), Billed: d("84840.33")},
					},
				},
				{
					Year: 2026, Months: 12, Total: d("101500"),
					Pools: []engine.PoolYear{
						{ID: "personnel", Label: "Personnel", Key: "cle", Amount: d("100000"), Fees: d("3000")},
						{ID: "remboursement", Label: "Remboursement", Key: "cle", Amount: d("-1500"), Fees: d("0")},
					},
					Members: []engine.MemberYear{
						{ID: "epci", Label: "Communauté d'agglomération", Manager: true, Share: d("0.5"),
							Amount: d("50750"), Fees: d("1500"), Billed: d("0")},
						{ID: "ville", Label: "Ville centre", Share: d("0.5"),
							Amount: d("50750"), Fees: d("1500"), Billed: d("50750")},
					},
				},
			},
		},
		{ID: "vide", Title: "Sans année"},
		// A service that starts after the first of December has a year of
		// no month and no member.
		{ID: "tardif", Title: "Départ tardif", Years: []engine.Year{{
			Year: 2026, Months: 0, Total: d("0"),
			Pools: []engine.PoolYear{{ID: "personnel", Label: "Personnel", Key: "cle", Amount: d("0"), Fees: d("0")}},
		}}},
	}
}

// rouenResults runs the embedded default rules over every year they cover,
// 2024 (eight months, two members) to 2030.
func rouenResults(tb testing.TB) []*engine.Result {
	tb.Helper()
	set, err := rules.LoadDefaults()
	if err != nil {
		tb.Fatalf("loading the default rules: %v", err)
	}
	m := set.Model
	res, err := engine.Run(context.Background(), m, engine.Options{From: m.FirstYear, To: m.LastYear})
	if err != nil {
		tb.Fatalf("running the default rules: %v", err)
	}
	return []*engine.Result{res}
}

var renderings = []struct {
	format Format
	lang   Lang
	ext    string
}{
	{Table, French, "table.fr.txt"},
	{Table, English, "table.en.txt"},
	{Markdown, French, "fr.md"},
	{Markdown, English, "en.md"},
	{JSON, French, "json"},
	{CSV, French, "csv"},
}

func TestGoldenSmall(t *testing.T) {
	results := smallResults(t)
	for _, r := range renderings {
		t.Run(r.ext, func(t *testing.T) {
			golden(t, "small."+r.ext, render(t, r.format, r.lang, results))
		})
	}
}

// testdata/tiers run by the engine: thirds, a member joining and one
// leaving, a negative pool, a half cent. Its JSON pins every amount.
func TestGoldenTiers(t *testing.T) {
	golden(t, "tiers.json", render(t, JSON, French, tiersResults(t)))
}

func TestGoldenRouen(t *testing.T) {
	results := rouenResults(t)
	for _, r := range renderings {
		t.Run(r.ext, func(t *testing.T) {
			golden(t, "rouen."+r.ext, render(t, r.format, r.lang, results))
		})
	}
}

// JSON and CSV are for machines: the language must not change them.
func TestMachineFormatsIgnoreLanguage(t *testing.T) {
	results := smallResults(t)
	for _, f := range []Format{JSON, CSV} {
		if fr, en := render(t, f, French, results), render(t, f, English, results); !bytes.Equal(fr, en) {
			t.Errorf("%s output depends on the language:\n%s", f, firstDiff(fr, en))
		}
	}
}

func TestDeterministic(t *testing.T) {
	for _, f := range RunOutput.Formats() {
		a := render(t, f, French, rouenResults(t))
		b := render(t, f, French, rouenResults(t))
		if !bytes.Equal(a, b) {
			t.Errorf("two renderings of %s differ:\n%s", f, firstDiff(a, b))
		}
	}
}

// In the table, the rows of a year (header, members, total) are aligned:
// the last column is right-aligned, so every row has the same width in
// runes, whatever the accents and no-break spaces.
func TestTableColumnsAligned(t *testing.T) {
	for _, lang := range []Lang{French, English} {
		for name, results := range map[string][]*engine.Result{"small": smallResults(t), "rouen": rouenResults(t)} {
			out := string(render(t, Table, lang, results))
			wd := wordsFor(lang)
			var block []string
			blocks := 0
			for line := range strings.SplitSeq(out, "\n") {
				trimmed := strings.TrimSpace(line)
				switch {
				case strings.HasPrefix(trimmed, wd.member+" "):
					block = []string{line}
				case block != nil:
					block = append(block, line)
				}
				if block != nil && strings.HasPrefix(trimmed, wd.total+" ") {
					blocks++
					width := utf8.RuneCountInString(block[0])
					for _, row := range block[1:] {
						if w := utf8.RuneCountInString(row); w != width {
							t.Errorf("%s %s: row %q is %d runes wide, the header %d", name, lang, row, w, width)
						}
					}
					block = nil
				}
			}
			if want := countYears(results); blocks != want {
				t.Errorf("%s %s: found %d year tables, want %d", name, lang, blocks, want)
			}
		}
	}
}

func countYears(results []*engine.Result) int {
	n := 0
	for _, r := range results {
		n += len(r.Years)
	}
	return n
}
