package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/reports"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// TestReportGoldens pins the Markdown report of the embedded defaults, in
// French and in English. QUOTEPART_UPDATE=1 go test ./internal/app/ rewrites
// them; read their diff before committing.
func TestReportGoldens(t *testing.T) {
	rep := defaultReport(t, nil)
	for _, lang := range []reports.Lang{reports.French, reports.English} {
		var got bytes.Buffer
		if err := reports.ReportOutput.Render(&got, reports.Markdown, lang, rep); err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", "golden", "rapport."+string(lang)+".md")
		if os.Getenv("QUOTEPART_UPDATE") != "" {
			if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (QUOTEPART_UPDATE=1 go test ./internal/app/ creates it)", err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s differs from the report (QUOTEPART_UPDATE=1 go test ./internal/app/ to accept it):\n%s", golden, lineDiff(want, got.Bytes()))
		}
	}
}

func lineDiff(want, got []byte) string {
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := range max(len(wl), len(gl)) {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n  want " + strconv.Quote(w) + "\n  got  " + strconv.Quote(g)
		}
	}
	return "(same lines)"
}

// runDoc is the part of quotepart/run/v1 the workbook is compared with.
type runDoc struct {
	Scenarios []struct {
		ID    string `json:"id"`
		Years []struct {
			Year    int `json:"year"`
			Months  int `json:"months"`
			Members []struct {
				ID      string `json:"id"`
				Manager bool   `json:"manager"`
				Share   string `json:"share"`
				Amount  string `json:"amount"`
				Fees    string `json:"fees"`
				Billed  string `json:"billed"`
			} `json:"members"`
		} `json:"years"`
	} `json:"scenarios"`
}

// TestReportXLSXMatchesRun reopens the workbook of the default report and
// checks every amount of its Montants sheet against the run JSON of the
// same scenarios and years.
func TestReportXLSXMatchesRun(t *testing.T) {
	rep := defaultReport(t, nil)
	var book bytes.Buffer
	if err := reports.ReportOutput.Render(&book, reports.XLSX, reports.French, rep); err != nil {
		t.Fatal(err)
	}
	var results []*engine.Result
	for _, p := range rep.Parts {
		results = append(results, p.Result)
	}
	var js bytes.Buffer
	if err := reports.RunOutput.Render(&js, reports.JSON, reports.French, &reports.Bills{Results: results}); err != nil {
		t.Fatal(err)
	}
	var doc runDoc
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}

	f, err := excelize.OpenReader(&book)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Montants", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		scenario, member string
		year             int
	}
	cells := map[key][]string{}
	for i, row := range rows[1:] {
		if len(row) < 10 {
			t.Fatalf("Montants row %d has %d cells: %q", i+2, len(row), row)
		}
		year, err := strconv.Atoi(row[1])
		if err != nil {
			t.Fatalf("Montants row %d: year %q", i+2, row[1])
		}
		cells[key{row[0], row[3], year}] = row
	}
	n := 0
	equal := func(raw, want string, places int32) bool {
		got, err := decimal.NewFromString(raw)
		if err != nil {
			return false
		}
		w := decimal.RequireFromString(want)
		return got.Round(places).Equal(w.Round(places))
	}
	for _, s := range doc.Scenarios {
		for _, y := range s.Years {
			for _, m := range y.Members {
				row, ok := cells[key{s.ID, m.ID, y.Year}]
				if !ok {
					t.Errorf("%s %d %s: not in the workbook", s.ID, y.Year, m.ID)
					continue
				}
				n++
				if row[2] != strconv.Itoa(y.Months) {
					t.Errorf("%s %d %s: months %s, run says %d", s.ID, y.Year, m.ID, row[2], y.Months)
				}
				// Keys with many decimals are doubles in a spreadsheet.
				for _, c := range []struct {
					raw, want string
					places    int32
				}{{row[6], m.Share, 12}, {row[7], m.Amount, 2}, {row[8], m.Fees, 2}, {row[9], m.Billed, 2}} {
					if !equal(c.raw, c.want, c.places) {
						t.Errorf("%s %d %s: workbook %q, run %q", s.ID, y.Year, m.ID, c.raw, c.want)
					}
				}
			}
		}
	}
	if n != len(rows)-1 || n < 40 {
		t.Errorf("compared %d rows, the workbook has %d", n, len(rows)-1)
	}
}

// TestExportsNeutraliseFormulas runs rules whose labels and sources start
// like spreadsheet formulas through the CSV export and the workbook: every
// such text gets a leading apostrophe, numbers stay numbers.
func TestExportsNeutraliseFormulas(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "regles.yaml"), `service:
  id: "=formule"
  title: "+titre"
  manager: gestion
  start: 2026-01-01
  years: {from: 2026, to: 2027}
members:
  - id: gestion
    label: "=HYPERLINK(\"http://127.0.0.1:9/\",\"clic\")"
  - id: ville
    label: "@SUM(1+1)*cmd|' /C calc'!A0"
  - id: ccas
    label: "-2+3"
  - id: autre
    label: "\tTab"
parameters:
  charges:
    label: "+1 charges"
    description: "-Charges"
    unit: EUR
    value: 1000
    source: "=WEBSERVICE(\"http://127.0.0.1:9/\")"
  remboursement:
    label: "\rRetour"
    description: Remboursement.
    unit: EUR
    value: -90
    assumption: "-moins"
rules:
  cle:
    label: "=clé"
    per_member: true
    expr: "0.25"
pools:
  charges:
    label: "@charges"
    amount: charges
    key: cle
  remboursement:
    label: "=remboursement"
    amount: remboursement
    key: cle
`)
	ws, err := Open(Folders{Rules: dir})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ws.Report(context.Background(), ReportOptions{Sensitivity: true})
	if err != nil {
		t.Fatal(err)
	}
	var book bytes.Buffer
	if err := reports.ReportOutput.Render(&book, reports.XLSX, reports.French, rep); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&book)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]bool{}
	negative := false
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for ri, row := range rows {
			for ci, v := range row {
				ref, _ := excelize.CoordinatesToCellName(ci+1, ri+1)
				// The formula sheets (docs/spreadsheets.md) hold formulas
				// of references, names, numbers and operators only.
				if fm, _ := f.GetCellFormula(sheet, ref); fm != "" && (!formulaSheet(f, sheet) || !formulaOfOurs(fm)) {
					t.Errorf("%s!%s holds a formula: %q", sheet, ref, fm)
				}
				typ, _ := f.GetCellType(sheet, ref)
				if typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset {
					if strings.HasPrefix(v, "-") {
						negative = true
					}
					continue
				}
				if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
					t.Errorf("%s!%s starts like a formula: %q", sheet, ref, v)
				}
				seen[v] = true
			}
		}
	}
	for _, want := range []string{`'=formule`, `'=HYPERLINK("http://127.0.0.1:9/","clic")`, `'@SUM(1+1)*cmd|' /C calc'!A0`, `'-2+3`, `'@charges`, `'=WEBSERVICE("http://127.0.0.1:9/")`, `'-moins`} {
		if !seen[want] {
			t.Errorf("the workbook lacks the neutralised text %q", want)
		}
	}
	if !negative {
		t.Errorf("no negative number in the workbook: the refund must stay a number")
	}

	// The CSV export of the same run.
	var out bytes.Buffer
	if err := reports.RunOutput.Render(&out, reports.CSV, reports.French, &reports.Bills{Results: []*engine.Result{rep.Parts[0].Result}}); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]bool{}
	for _, rec := range records[1:] {
		for i, v := range rec {
			if i == 0 || i == 2 || i == 3 {
				if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
					t.Errorf("CSV text cell starts like a formula: %q", v)
				}
			}
		}
		labels[rec[3]] = true
		if rec[0] != "'=formule" {
			t.Errorf("CSV scenario %q, want '=formule", rec[0])
		}
	}
	for _, want := range []string{`'=HYPERLINK("http://127.0.0.1:9/","clic")`, `'@SUM(1+1)*cmd|' /C calc'!A0`, `'-2+3`, "'\tTab"} {
		if !labels[want] {
			t.Errorf("the CSV lacks the neutralised label %q", want)
		}
	}
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
	ws, err := OpenDefaults()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ws.Report(context.Background(), ReportOptions{Scenarios: names, Simulation: Simulation{Draws: 2000, Seed: 1}, Sensitivity: true})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestReportSummaryInWords: the summary an elected official reads (key
// messages, tables, charts, the portfolio's balance) names scenarios,
// projects and parameters in words, never by id, in the HTML (charts
// included) and the Markdown, in French and in English. The ids stay in
// the chapters for auditors (parameters, the rules as written).
func TestReportSummaryInWords(t *testing.T) {
	ws, err := OpenDefaults()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ws.Report(context.Background(), ReportOptions{Simulation: Simulation{Draws: 500, Seed: 1}, Sensitivity: true})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	ids = append(ids, ws.Scenarios.IDs()...)
	ids = append(ids, ws.Projects.IDs()...)
	for _, p := range rep.Baseline().Model.Params {
		ids = append(ids, p.Name)
	}
	if len(ids) < 20 {
		t.Fatalf("only %d ids to look for: the test would prove little", len(ids))
	}
	for _, f := range []reports.Format{reports.HTML, reports.Markdown} {
		for _, lang := range []reports.Lang{reports.French, reports.English} {
			var out bytes.Buffer
			if err := reports.ReportOutput.Render(&out, f, lang, rep); err != nil {
				t.Fatal(err)
			}
			doc := out.String()
			// The summary runs from its anchor to the next chapter's, the
			// glossary's.
			start, end := strings.Index(doc, `id="synthese"`), strings.Index(doc, `id="lexique"`)
			if start < 0 || end < start {
				t.Fatalf("%s %s: no summary between id=\"synthese\" and id=\"lexique\"", f, lang)
			}
			summary := doc[start:end]
			for _, want := range []string{"Ville de Rouen", "Darnétal", "Projets du SDSI 2027-2030", "P50"} {
				if !strings.Contains(summary, want) {
					t.Errorf("%s %s: the summary does not mention %q", f, lang, want)
				}
			}
			for _, id := range ids {
				if i := indexWord(summary, id); i >= 0 {
					t.Errorf("%s %s: the summary shows the id %q: …%s…", f, lang, id, summary[max(0, i-60):min(len(summary), i+len(id)+60)])
				}
			}
			// The ids are still there for auditors, after the summary.
			if indexWord(doc[end:], "taux_frais_gestion") < 0 || indexWord(doc[end:], "sdsi-2027-2030") < 0 {
				t.Errorf("%s %s: the chapters after the summary lost the ids auditors look for", f, lang)
			}
		}
	}
}

// indexWord finds id in s where it is not part of a longer id (letters,
// digits, _ and - around it), or returns -1.
func indexWord(s, id string) int {
	isID := func(b byte) bool {
		return b == '_' || b == '-' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
	}
	for from := 0; ; {
		i := strings.Index(s[from:], id)
		if i < 0 {
			return -1
		}
		i += from
		if (i == 0 || !isID(s[i-1])) && (i+len(id) == len(s) || !isID(s[i+len(id)])) {
			return i
		}
		from = i + 1
	}
}

// formulaSheet reports whether sheet is one of the workbook's formula
// sheets, which come after its data sheets: a scenario's parameters, a
// year, or the summary of the bills.
func formulaSheet(f *excelize.File, sheet string) bool {
	first, _ := f.GetCellValue(sheet, "A1")
	return strings.HasPrefix(sheet, "Paramètres ") || strings.HasPrefix(sheet, "Factures (formules)") ||
		strings.Contains(first, "le calcul des factures, formule par formule")
}

// formulaOfOurs reports whether a formula holds only what the formula
// sheets write: no text from the user's files but quoted sheet names.
func formulaOfOurs(fm string) bool {
	rest := regexp.MustCompile(`'(?:[^']|'')*'!`).ReplaceAllString(fm, "S!")
	rest = strings.NewReplacer(`">"&`, "", `"<"&`, "").Replace(rest)
	return regexp.MustCompile(`^[A-Za-z0-9_$.:!(),+\-*/<>=]*$`).MatchString(rest)
}
