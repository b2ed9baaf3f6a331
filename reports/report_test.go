package reports

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/rules"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

func TestDate(t *testing.T) {
	for _, c := range []struct {
		d      engine.Date
		fr, en string
	}{
		{engine.NewDate(2026, 1, 1), "1er janvier 2026", "1 January 2026"},
		{engine.NewDate(2024, 5, 15), "15 mai 2024", "15 May 2024"},
		{engine.NewDate(2030, 12, 31), "31 décembre 2030", "31 December 2030"},
		{engine.NewDate(2027, 8, 2), "2 août 2027", "2 August 2027"},
		{engine.NewDate(2028, 2, 1), "1er février 2028", "1 February 2028"},
		{engine.Date{}, "", ""},
	} {
		if got := Date(c.d, French); got != c.fr {
			t.Errorf("Date(%s, fr) = %q, want %q", c.d, got, c.fr)
		}
		if got := Date(c.d, English); got != c.en {
			t.Errorf("Date(%s, en) = %q, want %q", c.d, got, c.en)
		}
	}
}

func TestReportFormat(t *testing.T) {
	for _, c := range []struct {
		explicit, file string
		want           Format
		err            string
	}{
		{"", "rapport.html", HTML, ""},
		{"", "RAPPORT.HTM", HTML, ""},
		{"", "dir/rapport.md", Markdown, ""},
		{"", `C:\dossier\rapport.xlsx`, XLSX, ""},
		{"md", "rapport.txt", Markdown, ""},
		{"XLSX", "-", XLSX, ""},
		{"", "rapport.pdf", "", "cannot write a report as .pdf"},
		{"", "rapport", "", "cannot tell the report format"},
		{"csv", "rapport.html", "", `unknown format "csv": expected one of html, md, xlsx`},
	} {
		got, err := ReportOutput.FromFile(c.explicit, c.file)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("FromFile(%q, %q): error %v, want one containing %q", c.explicit, c.file, err, c.err)
		case c.err == "" && (err != nil || got != c.want):
			t.Errorf("FromFile(%q, %q) = %q, %v; want %q", c.explicit, c.file, got, err, c.want)
		}
	}
}

// loadModel loads a rule folder.
func loadModel(tb testing.TB, fsys fs.FS, name string) *engine.Model {
	tb.Helper()
	set, err := rules.Load(fsys, ".", name)
	if err != nil {
		tb.Fatalf("loading %s: %v", name, err)
	}
	return set.Model
}

func tiersModel(tb testing.TB) *engine.Model {
	return loadModel(tb, os.DirFS("testdata/tiers"), "testdata/tiers")
}

// tiersReport builds a report on testdata/tiers: the rules as written, and
// a what-if with 10 % more charges, with the sensitivity of the baseline.
func tiersReport(tb testing.TB, m *engine.Model) *Report {
	tb.Helper()
	ctx := context.Background()
	opt := engine.Options{From: 2026, To: 2028}
	base, err := engine.Run(ctx, m, opt)
	if err != nil {
		tb.Fatal(err)
	}
	more, err := engine.ScaleParameter(m, "charges", decimal.RequireFromString("1.1"))
	if err != nil {
		tb.Fatal(err)
	}
	more.Params[0].Source, more.Params[0].Assumption = "", "Hausse de 10 % supposée."
	other, err := engine.Run(ctx, more, opt)
	if err != nil {
		tb.Fatal(err)
	}
	other.ID, other.Title = "plus-10", "Charges +10 %"
	sens, err := engine.Analyse(ctx, m, opt, engine.ParameterFactors(m))
	if err != nil {
		tb.Fatal(err)
	}
	parts := []*ScenarioPart{
		{Result: base, Model: m, Description: "Les règles telles qu'écrites.", Sensitivity: sens},
		{Result: other, Model: more, Extends: base.ID, Description: "Les charges augmentent de 10 %.", Assumption: "Illustratif."},
	}
	r, err := NewReport("", engine.NewDate(2026, 1, 1), parts, nil, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func renderReport(tb testing.TB, f Format, lang Lang, r *Report) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := ReportOutput.Render(&b, f, lang, r); err != nil {
		tb.Fatalf("Render %s %s: %v", f, lang, err)
	}
	return b.Bytes()
}

// The Markdown report of testdata/tiers is pinned, in both languages.
func TestReportGoldenTiers(t *testing.T) {
	r := tiersReport(t, tiersModel(t))
	golden(t, "tiers.report.fr.md", renderReport(t, Markdown, French, r))
	golden(t, "tiers.report.en.md", renderReport(t, Markdown, English, r))
}

func TestReportDeterministic(t *testing.T) {
	m := tiersModel(t)
	for _, f := range ReportOutput.Formats() {
		a := renderReport(t, f, French, tiersReport(t, m))
		b := renderReport(t, f, French, tiersReport(t, m))
		if !bytes.Equal(a, b) {
			t.Errorf("two %s reports of the same inputs differ", f)
		}
	}
}

func TestReportHTMLSelfContained(t *testing.T) {
	r := tiersReport(t, tiersModel(t))
	for _, lang := range []Lang{French, English} {
		page := string(renderReport(t, HTML, lang, r))
		// The SVG namespaces are names, not requests.
		bare := strings.NewReplacer(`xmlns="http://www.w3.org/2000/svg"`, "", `xmlns:xlink="http://www.w3.org/1999/xlink"`, "").Replace(page)
		for _, banned := range []string{"<script", "<link", "<img", "<iframe", "http://", "https://", "@import", "url(", "src="} {
			if i := strings.Index(bare, banned); i >= 0 {
				t.Errorf("%s: the page holds %q: %s", lang, banned, bare[max(0, i-60):min(len(bare), i+60)])
			}
		}
		for _, want := range []string{"Content-Security-Policy", "@media print", "<svg", "</html>"} {
			if !strings.Contains(page, want) {
				t.Errorf("%s: the page lacks %q", lang, want)
			}
		}
		if lang == French && !strings.Contains(page, "1er janvier 2026") {
			t.Errorf("the French page does not date itself 1er janvier 2026")
		}
	}
}

// hostileTiers is testdata/tiers with labels, titles and sources that
// try to become markup or spreadsheet formulas.
func hostileTiers(tb testing.TB) *engine.Model {
	tb.Helper()
	src, err := os.ReadFile("testdata/tiers/regles.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	s := strings.NewReplacer(
		"label: Gestionnaire", `label: "=cmd|' /C calc'!A0"`,
		"label: Commune Beta", `label: "@SUM(1+1)*cmd|' /C calc'!A0"`,
		"label: Commune Alpha", `label: "</script><script>alert(1)</script>"`,
		"label: Commune Gamma", `label: "-2+3 <img src=x onerror=alert(1)>"`,
		"label: Charges", `label: "+HYPERLINK(\"http://127.0.0.1:9/\")"`,
		"title: Tiers et arrondis", `title: "=1+1 | *gras* </style>"`,
		"assumption: Montants de test.", `assumption: "=WEBSERVICE(\"http://127.0.0.1:9/\") </td></tr></table>"`,
	).Replace(string(src))
	return loadModel(tb, fstest.MapFS{"regles.yaml": {Data: []byte(s)}}, "hostile")
}

func TestReportEscapesHostileText(t *testing.T) {
	r := tiersReport(t, hostileTiers(t))
	page := string(renderReport(t, HTML, French, r))
	for _, bad := range []string{"<script>alert", "<img src=x", "</td></tr></table>\""} {
		if strings.Contains(page, bad) {
			t.Errorf("the HTML page holds %q unescaped", bad)
		}
	}
	if n := strings.Count(page, "</style>"); n != 1 {
		t.Errorf("the HTML page closes %d style elements, want 1 (its own)", n)
	}
	if !strings.Contains(page, "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("the hostile member label is not shown escaped")
	}
	md := string(renderReport(t, Markdown, French, r))
	for _, bad := range []string{"<script>", "<img", "</td>"} {
		if strings.Contains(md, bad) {
			t.Errorf("the Markdown report holds %q unescaped", bad)
		}
	}
	checkWorkbookSafe(t, renderReport(t, XLSX, French, r))
}

// checkWorkbookSafe reopens a workbook and checks that no cell of the
// data sheets holds a formula, that the formulas of the formula sheets
// hold nothing from the user's text (calcFormulaSafe), and that no text
// cell starts like a formula.
func checkWorkbookSafe(t *testing.T, data []byte) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	texts := 0
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for ri, row := range rows {
			for ci, v := range row {
				ref, _ := excelize.CoordinatesToCellName(ci+1, ri+1)
				if formula, _ := f.GetCellFormula(sheet, ref); formula != "" && (dataSheet(sheet) || !calcFormulaSafe(formula)) {
					t.Errorf("%s!%s holds the formula %q", sheet, ref, formula)
				}
				typ, _ := f.GetCellType(sheet, ref)
				if v == "" || typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset || typ == excelize.CellTypeDate {
					continue
				}
				texts++
				if strings.ContainsRune("=+-@\t\r", rune(v[0])) {
					t.Errorf("%s!%s starts like a formula: %q", sheet, ref, v)
				}
			}
		}
	}
	if texts == 0 {
		t.Errorf("the workbook has no text cell")
	}
}

// Numbers are stored as numbers with a French number format, and every
// sheet keeps its header row in view.
func TestReportXLSXNumbers(t *testing.T) {
	r := tiersReport(t, tiersModel(t))
	f, err := excelize.OpenReader(bytes.NewReader(renderReport(t, XLSX, French, r)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if want := []string{"Synthèse", "Montants", "Charges", "Écarts", "Sensibilité", "Paramètres", "Membres", "Règles"}; strings.Join(sheets[:min(8, len(sheets))], ",") != strings.Join(want, ",") {
		t.Errorf("sheets %v, want %v first", sheets, want)
	}
	for _, s := range sheets {
		panes, err := f.GetPanes(s)
		if err != nil {
			t.Fatal(err)
		}
		// The formula sheets (xlsxcalc.go) have a title above their header.
		if want := map[bool]int{true: 1, false: 3}[dataSheet(s)]; !panes.Freeze || panes.YSplit < want {
			t.Errorf("sheet %s: header row not frozen: %+v", s, panes)
		}
	}
	rows, err := f.GetRows("Montants", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], "|"); got != "Scénario|Année|mois|Membre|Libellé|gestionnaire|Clé|Montant|dont frais|Facturé" {
		t.Errorf("header %q", got)
	}
	typ, _ := f.GetCellType("Montants", "H2")
	if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("an amount is stored as %v, not as a number", typ)
	}
	shown, err := f.GetCellValue("Montants", "H2")
	if err != nil {
		t.Fatal(err)
	}
	raw := rows[1][7]
	if want := Money(decimal.RequireFromString(raw), English); strings.ReplaceAll(shown, " ", "") != strings.TrimPrefix(want, "€")+"€" {
		t.Logf("H2 raw %s shown %q (number format applied by the spreadsheet's locale)", raw, shown)
	}
	style, _ := f.GetCellStyle("Montants", "H2")
	st, err := f.GetStyle(style)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt == nil || !strings.Contains(*st.CustomNumFmt, `"€"`) {
		t.Errorf("an amount has the number format %v, want one with €", st.CustomNumFmt)
	}
}

func TestNewReportChecks(t *testing.T) {
	if _, err := NewReport("", engine.Date{}, nil, nil, nil); err == nil {
		t.Errorf("a report of no scenario did not fail")
	}
	m := tiersModel(t)
	a, _ := engine.Run(context.Background(), m, engine.Options{From: 2026, To: 2027})
	b, _ := engine.Run(context.Background(), m, engine.Options{From: 2027, To: 2028})
	if _, err := NewReport("", engine.Date{}, []*ScenarioPart{{Result: a, Model: m}, {Result: b, Model: m}}, nil, nil); err == nil {
		t.Errorf("scenarios over different years did not fail")
	}
}
