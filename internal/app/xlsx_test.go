package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/reports"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// workbook renders the report of ws as a workbook, opened.
func workbook(t *testing.T, ws *Workspace, opt ReportOptions) (*reports.Report, *excelize.File, []byte) {
	t.Helper()
	rep, err := ws.Report(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := reports.ReportOutput.Render(&b, reports.XLSX, reports.French, rep); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return rep, f, b.Bytes()
}

// billRow is a row of the summary sheet of the formula sheets.
type billRow struct {
	scenario string
	year     int
	member   string
	row      int
}

const summarySheet = "Factures (formules)"

func billRows(t *testing.T, f *excelize.File) []billRow {
	t.Helper()
	rows, err := f.GetRows(summarySheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	var out []billRow
	for i, r := range rows {
		if i < 3 || len(r) < 3 {
			continue
		}
		y, err := strconv.Atoi(r[1])
		if err != nil {
			t.Fatalf("%s row %d: year %q", summarySheet, i+1, r[1])
		}
		out = append(out, billRow{scenario: r[0], year: y, member: r[2], row: i + 1})
	}
	return out
}

// calc recalculates a cell of the workbook and reads it to the cent.
func calc(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	v, err := f.CalcCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("%s!%s: %v (%s)", sheet, cell, err, v)
	}
	d, err := decimal.NewFromString(v)
	if err != nil {
		t.Fatalf("%s!%s = %q, not a number", sheet, cell, v)
	}
	return d.StringFixed(2)
}

// sameBills compares every member's amount, fees and billed amount of
// the summary sheet, recalculated, with results, to the cent.
func sameBills(t *testing.T, f *excelize.File, results []*engine.Result) int {
	t.Helper()
	byID := map[string]*engine.Result{}
	for _, r := range results {
		byID[r.ID] = r
	}
	checked := 0
	for _, br := range billRows(t, f) {
		res := byID[br.scenario]
		if res == nil {
			t.Fatalf("scenario %s of the workbook was not run", br.scenario)
		}
		var y *engine.Year
		for i := range res.Years {
			if res.Years[i].Year == br.year {
				y = &res.Years[i]
			}
		}
		if y == nil {
			t.Fatalf("%s %d was not run", br.scenario, br.year)
		}
		want := [3]string{y.Total.StringFixed(2), "", ""}
		for _, m := range y.Members {
			if m.ID == br.member {
				want = [3]string{m.Amount.StringFixed(2), m.Fees.StringFixed(2), m.Billed.StringFixed(2)}
			}
		}
		if want[1] == "" { // the total row
			fees, billed := decimal.Zero, decimal.Zero
			for _, m := range y.Members {
				fees, billed = fees.Add(m.Fees), billed.Add(m.Billed)
			}
			want[1], want[2] = fees.StringFixed(2), billed.StringFixed(2)
		}
		for i, col := range []string{"G", "H", "I"} {
			if got := calc(t, f, summarySheet, fmt.Sprintf("%s%d", col, br.row)); got != want[i] {
				t.Errorf("%s %d %s, column %s: the workbook computes %s, run %s", br.scenario, br.year, br.member, col, got, want[i])
			}
			checked++
		}
	}
	return checked
}

// The workbook of the report recalculates: excelize's formula engine,
// computing every formula of the formula sheets, finds every member's
// amount, fees and billed amount of every scenario and year equal, to the
// cent, to what run computes. Each scenario is reported on its own, as
// excelize resolves a defined name by listing every name of the workbook
// (and every sheet for each), which makes the whole report's workbook of
// 850 names slow to recalculate here (Excel and LibreOffice are not);
// the whole report's workbook is checked on the totals of its last year
// (TestReportWorkbookWhole).
func TestReportWorkbookRecalculates(t *testing.T) {
	ws, err := OpenDefaults()
	if err != nil {
		t.Fatal(err)
	}
	jobs, err := ws.Resolve(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, j := range jobs {
		rep, f, _ := workbook(t, ws, ReportOptions{Scenarios: []string{j.ID}, Baseline: j.ID})
		years := rep.Parts[0].Result.Years
		var run []*Job
		for _, p := range rep.Parts {
			jp, err := ws.Job(context.Background(), p.Result.ID)
			if err != nil {
				t.Fatal(err)
			}
			run = append(run, jp)
		}
		results, err := RunAll(context.Background(), run, years[0].Year, years[len(years)-1].Year)
		if err != nil {
			t.Fatal(err)
		}
		n += sameBills(t, f, results)
	}
	if n < 5*5*3*3 {
		t.Errorf("%d figures compared, want every member of 5 scenarios over 5 years", n)
	}
	t.Logf("%d figures recalculated, equal to run to the cent", n)
}

// The workbook of the whole report, every scenario in it, has the formula
// sheets of every scenario and year, and recalculates to run's total of
// the last scenario's last year (the longest chain of formulas, through
// previous.cout_moyen_etc from 2026 to 2030).
func TestReportWorkbookWhole(t *testing.T) {
	ws, err := OpenDefaults()
	if err != nil {
		t.Fatal(err)
	}
	rep, f, _ := workbook(t, ws, ReportOptions{})
	if len(rep.Parts) != 5 {
		t.Fatalf("%d scenarios", len(rep.Parts))
	}
	last := rep.Parts[0].Result.Years[len(rep.Parts[0].Result.Years)-1].Year
	rows := billRows(t, f)
	// A row per member and year and a total: 3 members in three
	// scenarios, 2 without the CCAS, and Darnétal from 2028.
	if len(rows) != 20+15+20+(8+15)+20 {
		t.Errorf("%d rows in %s", len(rows), summarySheet)
	}
	checked := 0
	for _, br := range rows[len(rows)-1:] {
		if br.year != last || br.member != "Total" {
			t.Fatalf("the last row is %+v", br)
		}
		j, err := ws.Job(context.Background(), br.scenario)
		if err != nil {
			t.Fatal(err)
		}
		res, err := j.Run(context.Background(), last, last)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := calc(t, f, summarySheet, fmt.Sprintf("G%d", br.row)), res.Years[0].Total.StringFixed(2); got != want {
			t.Errorf("%s %d: the workbook's total is %s, run's %s", br.scenario, last, got, want)
		}
		checked++
	}
	if checked != 1 {
		t.Errorf("%d totals checked", checked)
	}
}

// Changing a parameter in the workbook recomputes every amount: the fee
// rate of the baseline raised from 3 % to 5 % gives, recalculated, the
// bills of the rules run with 5 %.
func TestReportWorkbookFollowsAParameter(t *testing.T) {
	ws, err := OpenDefaults()
	if err != nil {
		t.Fatal(err)
	}
	rep, f, _ := workbook(t, ws, ReportOptions{Scenarios: []string{"convention-2026"}})
	base := rep.Parts[0]
	sheet := "Paramètres convention-2026"
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	changed := 0
	for i, r := range rows {
		if len(r) > 3 && r[0] == "taux_frais_gestion" {
			if err := f.SetCellFloat(sheet, fmt.Sprintf("D%d", i+1), 0.05, -1, 64); err != nil {
				t.Fatal(err)
			}
			changed++
		}
	}
	if changed != 1 {
		t.Fatalf("taux_frais_gestion: %d rows in %s", changed, sheet)
	}
	m := *base.Model
	m.Params = append([]engine.Param(nil), m.Params...)
	for i := range m.Params {
		if m.Params[i].Name == "taux_frais_gestion" {
			vs := append([]engine.Dated(nil), m.Params[i].Values...)
			vs[0].Value = decimal.RequireFromString("0.05")
			m.Params[i].Values = vs
		}
	}
	years := base.Result.Years
	res, err := engine.Run(context.Background(), &m, engine.Options{From: years[0].Year, To: years[len(years)-1].Year})
	if err != nil {
		t.Fatal(err)
	}
	res.ID = base.Result.ID
	if res.Years[0].Total.Equal(years[0].Total) {
		t.Fatal("the fee rate changes nothing: the test would prove nothing")
	}
	sameBills(t, f, []*engine.Result{res})
}

// The workbook is the same, byte for byte, from the same inputs.
func TestReportWorkbookDeterministic(t *testing.T) {
	ws, err := OpenDefaults()
	if err != nil {
		t.Fatal(err)
	}
	_, _, a := workbook(t, ws, ReportOptions{Scenarios: []string{"nouveau-membre"}})
	_, _, b := workbook(t, ws, ReportOptions{Scenarios: []string{"nouveau-membre"}})
	if !bytes.Equal(a, b) {
		t.Error("two renderings of the same report differ")
	}
}

// soffice finds LibreOffice: the test that recalculates with it skips
// without it, and fails in CI (CI set), where .ci/run installs
// libreoffice-calc.
func soffice(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("LibreOffice (soffice) is not installed: .ci/run installs it (apt-get install -y libreoffice-calc)")
	}
	t.Skip("LibreOffice (soffice) is not installed: apt-get install -y libreoffice-calc to recalculate the workbook with it")
	return ""
}

// A second opinion: LibreOffice, headless, opens the report's workbook,
// recalculates every formula and saves it; every member's amount, fees
// and billed amount it finds, in every scenario and year of the whole
// report, is run's to the cent.
func TestReportWorkbookLibreOffice(t *testing.T) {
	bin := soffice(t)
	ws, err := OpenDefaults()
	if err != nil {
		t.Fatal(err)
	}
	rep, _, data := workbook(t, ws, ReportOptions{})
	dir := t.TempDir()
	in := filepath.Join(dir, "rapport.xlsx")
	if err := os.WriteFile(in, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--norestore", "--nolockcheck",
		"-env:UserInstallation=file://"+filepath.ToSlash(filepath.Join(dir, "profile")),
		"--convert-to", "xlsx", "--outdir", out, in)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, msg)
	}
	f, err := excelize.OpenFile(filepath.Join(out, "rapport.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	years := rep.Parts[0].Result.Years
	var results []*engine.Result
	for _, p := range rep.Parts {
		j, err := ws.Job(context.Background(), p.Result.ID)
		if err != nil {
			t.Fatal(err)
		}
		res, err := j.Run(context.Background(), years[0].Year, years[len(years)-1].Year)
		if err != nil {
			t.Fatal(err)
		}
		results = append(results, res)
	}
	// LibreOffice saved the values it computed with the formulas: read
	// them as they are, without recalculating.
	n := sameValues(t, f, results)
	if n != 98*3 {
		t.Errorf("%d figures compared, want 98 rows × 3", n)
	}
	t.Logf("%d figures recalculated by LibreOffice, equal to run to the cent", n)
}

// sameValues compares the values saved in the summary sheet with
// results, as sameBills does with recalculated ones.
func sameValues(t *testing.T, f *excelize.File, results []*engine.Result) int {
	t.Helper()
	rows, err := f.GetRows(summarySheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, br := range billRows(t, f) {
		var y *engine.Year
		for _, r := range results {
			for i := range r.Years {
				if r.ID == br.scenario && r.Years[i].Year == br.year {
					y = &r.Years[i]
				}
			}
		}
		if y == nil {
			t.Fatalf("%s %d was not run", br.scenario, br.year)
		}
		want := []decimal.Decimal{y.Total, decimal.Zero, decimal.Zero}
		for _, m := range y.Members {
			want[1], want[2] = want[1].Add(m.Fees), want[2].Add(m.Billed)
			if m.ID == br.member {
				want = []decimal.Decimal{m.Amount, m.Fees, m.Billed}
				break
			}
		}
		row := rows[br.row-1]
		for i, col := range []int{6, 7, 8} {
			got := ""
			if col < len(row) {
				got = row[col]
			}
			d, err := decimal.NewFromString(got)
			if err != nil || d.StringFixed(2) != want[i].StringFixed(2) {
				t.Errorf("%s %d %s, column %d: LibreOffice computes %q, run %s", br.scenario, br.year, br.member, col+1, got, want[i].StringFixed(2))
			}
			checked++
		}
	}
	return checked
}

// edgeRules exercise every kind of formula the workbook writes and the
// two it cannot: a member joining in March (two periods), a parameter
// changing in July (a third), member attributes, previous, floor, ceil,
// min, max, abs, pow, a condition with in, a per-member value read by
// id, a refund (a negative pool), thirds that tie to the 20th decimal,
// and a let, which keeps quotepart's value.
const edgeRules = `service:
  id: bords
  title: Cas limites du classeur
  manager: epci
  start: 2025-01-01
  years: {from: 2025, to: 2027}
  reference_key: cle

members:
  - id: epci
    label: EPCI
    attributes: {population: 60000, postes: 40}
  - id: alpha
    label: Commune Alpha
    attributes: {population: 30000, postes: 25}
  - id: beta
    label: Commune Beta
    joined: 2026-03-15
    attributes: {population: 10000, postes: 5}

parameters:
  masse:
    description: Masse salariale.
    unit: EUR
    values: {2025-01-01: 1000000, 2026-07-01: 1200000.01}
    assumption: Test.
  taux:
    description: Taux des frais.
    unit: taux
    value: 0.03
    assumption: Test.
  remboursement:
    description: Un remboursement.
    unit: EUR
    value: -1000.01
    assumption: Test.
  indice:
    description: Indice.
    unit: taux
    values: {2025-01-01: 1, 2026-01-01: 1.015}
    assumption: Test.

rules:
  population:
    per_member: true
    expr: member.population
  total_population:
    expr: sum(population)
  cle:
    per_member: true
    expr: floor(member.population / total_population, 6) + 0 * abs(-1) + 0 * min(1, 2) + 0 * max(1, 2)
    by_member:
      epci: 1 - floor(alpha_part, 6) - beta_part
  alpha_part:
    expr: population.alpha / total_population
  beta_present:
    expr: '"beta" in population ? 1 : 0'
  beta_part:
    expr: 'beta_present == 1 ? floor(population["beta"] / total_population, 6) : 0'
  tiers:
    per_member: true
    expr: 'beta_present == 1 ? 1 / 3 : 1 / 2'
    by_member:
      epci: 'beta_present == 1 ? 1 - 2 * (1 / 3) : 1 - 1 / 2'
  deux:
    per_member: true
    expr: 'beta_present != 1 or year < 2026 ? 1/2 : max(1/3, 0)'
    by_member:
      epci: 'not (beta_present == 1) ? 1/2 : 1 - 2 * (1 / 3)'
  cout:
    versions:
      - from: 2025-01-01
        expr: masse * indice
      - from: 2026-01-01
        expr: previous.cout * ceil(pow(indice, 2), 4) / indice
  avec_let:
    expr: let x = masse * 2; x / 2 + 0

pools:
  personnel:
    label: Personnel
    amount: avec_let
    key: cle
    fees: true
  autre:
    label: Autre
    amount: cout - masse * indice + 999.99
    key: deux
  partage:
    label: Partage en tiers
    amount: 100.00
    key: tiers
  remb:
    label: Remboursement
    amount: remboursement
    key: cle

fees:
  rate: taux
`

// Every kind of formula, several periods a year, and the cents the
// spreadsheet cannot tell apart: recalculated, the workbook gives run's
// bills to the cent.
func TestReportWorkbookEdgeCases(t *testing.T) {
	fsys := fstest.MapFS{"r/regles.yaml": {Data: []byte(edgeRules)}}
	ws, err := Load(Source{FS: fsys, Dir: "r", Display: "r"}, nil)
	if err != nil {
		t.Fatalf("%v", err)
	}
	rep, f, _ := workbook(t, ws, ReportOptions{})
	res := rep.Parts[0].Result
	if len(res.Years) != 3 || len(res.Years[1].Segments) != 3 {
		t.Fatalf("%d years, %d periods in 2026, want 3 and 3 (January–March, April–June, July–December)", len(res.Years), len(res.Years[1].Segments))
	}
	fresh, err := engine.Run(context.Background(), rep.Parts[0].Model, engine.Options{From: 2025, To: 2027})
	if err != nil {
		t.Fatal(err)
	}
	if n := sameBills(t, f, []*engine.Result{fresh}); n != (3+4+4)*3 {
		t.Errorf("%d figures compared", n)
	}
	// The let is the one formula left to quotepart, with a note.
	comments, err := f.GetComments("bords 2026")
	if err != nil {
		t.Fatal(err)
	}
	var notes []string
	for _, c := range comments {
		notes = append(notes, c.Cell+": "+c.Text)
	}
	all := strings.Join(notes, "\n")
	if !strings.Contains(all, "a local name (let)") {
		t.Errorf("no note on the let:\n%s", all)
	}
	// The thirds tie beyond a millionth of a cent: the adjustment
	// column carries quotepart's cent, with a note.
	if !strings.Contains(all, "deux restes ne diffèrent qu'au-delà du millionième de centime") {
		t.Errorf("no adjustment noted:\n%s", all)
	}
}

// BenchmarkReportWorkbook renders the whole default report as a workbook,
// its formula sheets included (25 year sheets, 850 names).
func BenchmarkReportWorkbook(b *testing.B) {
	ws, err := OpenDefaults()
	if err != nil {
		b.Fatal(err)
	}
	rep, err := ws.Report(context.Background(), ReportOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := reports.ReportOutput.Render(&buf, reports.XLSX, reports.French, rep); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(buf.Len()))
	}
}
