package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/territory"
	"github.com/quotepart/quotepart/reports"
	"github.com/quotepart/quotepart/rules"
	"github.com/quotepart/quotepart/scenarios"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

// copyDir copies the files of a folder (and its sub-folders) of the
// repository into dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// rowOf finds the row whose column A is label, as import does.
func rowOf(t *testing.T, f *excelize.File, sheet, label string, from int) int {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for i := from - 1; i < len(rows); i++ {
		if len(rows[i]) > 0 && territory.Fold(rows[i][0]) == territory.Fold(label) {
			return i + 1
		}
	}
	t.Fatalf("no row %q in %s", label, sheet)
	return 0
}

func set(t *testing.T, f *excelize.File, sheet string, col, row int, v any) {
	t.Helper()
	ref, _ := excelize.CoordinatesToCellName(col, row)
	if err := f.SetCellValue(sheet, ref, v); err != nil {
		t.Fatal(err)
	}
}

// fillForm fills the sheet of a request form from a project file, as a
// project leader would type it: French words from the drop-down lists,
// numbers as numbers, formulas of the rules as text.
func fillForm(t *testing.T, f *excelize.File, sheet string, pf *scenarios.ProjectFile) {
	t.Helper()
	h := pf.Project
	put := func(label string, col int, v any) { set(t, f, sheet, col, rowOf(t, f, sheet, label, 1), v) }
	put("Identifiant", 2, h.ID.Value)
	put("Titre", 2, h.Title.Value)
	for i, r := range h.RequestedBy {
		put("Demandé par", 2+i, r.Value)
	}
	put("Catégorie", 2, h.Category.Value)
	put("Description", 2, h.Description.Value)
	put("Hypothèse", 2, h.Assumption.Value)
	put("Source", 2, h.Source.Value)
	put("Première année", 2, h.Years.From.Value)
	put("Dernière année", 2, h.Years.To.Value)
	if h.Mandatory != nil && h.Mandatory.Value {
		put("Obligatoire", 2, "oui")
		put("Raison de l'obligation", 2, h.MandatoryReason.Value)
	}
	if h.Start != nil {
		put("Démarrage au plus tôt", 2, h.Start.From.Value)
		put("Démarrage au plus tard", 2, h.Start.To.Value)
	}
	req := rowOf(t, f, sheet, "Prérequis", 1)
	for i, r := range h.Requires {
		set(t, f, sheet, 2, req+i, r.Project.Value)
		if r.Lag != nil {
			set(t, f, sheet, 3, req+i, r.Lag.Value)
		}
	}
	var ex []string
	for _, e := range h.Excludes {
		ex = append(ex, e.Value)
	}
	if len(ex) > 0 {
		put("Exclut", 2, strings.Join(ex, ", "))
	}
	head := rowOf(t, f, sheet, "Libellé de la ligne", 1)
	heads, _ := f.GetRows(sheet)
	col := map[string]int{}
	for c, v := range heads[head-1] {
		col[v] = c + 1
	}
	dims := map[string]string{"financial": "Financier (EUR)", "hr": "RH (ETC)", "environmental": "Environnement (kgCO2e)"}
	laws := map[string]string{"triangular": "triangulaire", "pert": "PERT", "normal": "normale", "lognormal": "log-normale", "uniform": "uniforme"}
	for i, l := range pf.Lines {
		r := head + 1 + i
		set(t, f, sheet, 1, r, l.Label.Value)
		set(t, f, sheet, col["Dimension"], r, dims[l.Dimension.Value])
		set(t, f, sheet, col["Sens"], r, l.Side.Value)
		set(t, f, sheet, col["Nature"], r, l.Kind.Value)
		for _, v := range l.Values.Entries {
			if n, err := strconv.ParseFloat(v.Value.Source, 64); err == nil {
				set(t, f, sheet, col[v.Key], r, n)
			} else {
				set(t, f, sheet, col[v.Key], r, v.Value.Source)
			}
		}
		if u := l.Uncertainty; u != nil {
			set(t, f, sheet, col["Loi d'incertitude"], r, laws[u.Distribution.Value])
			for name, n := range map[string]*rules.Number{"Bas": u.Low, "Mode": u.Mode, "Haut": u.High, "Moyenne": u.Mean, "Écart-type": u.SD} {
				if n != nil {
					set(t, f, sheet, col[name], r, n.Value.InexactFloat64())
				}
			}
		}
		if l.Source.Value != "" {
			set(t, f, sheet, col["Source"], r, l.Source.Value)
		}
		if l.Assumption.Value != "" {
			set(t, f, sheet, col["Hypothèse"], r, l.Assumption.Value)
		}
	}
	for _, e := range pf.Scores.Entries {
		r := rowOf(t, f, sheet, e.Key, head)
		set(t, f, sheet, 4, r, e.Value.Score.Value.InexactFloat64())
		set(t, f, sheet, 5, r, e.Value.Justification.Value)
	}
	if len(pf.Commitments.Entries) > 0 {
		ch := rowOf(t, f, sheet, "Engagement", head)
		hcols := map[string]int{}
		for c, v := range heads[ch-1] {
			hcols[v] = c + 1
		}
		for _, e := range pf.Commitments.Entries {
			r := rowOf(t, f, sheet, e.Key, ch)
			for _, v := range e.Value.Values.Entries {
				if n, err := strconv.ParseFloat(v.Value.Source, 64); err == nil {
					set(t, f, sheet, hcols[v.Key], r, n)
				} else {
					set(t, f, sheet, hcols[v.Key], r, v.Value.Source)
				}
			}
			set(t, f, sheet, hcols["Justification"], r, e.Value.Justification.Value)
			if e.Value.Source.Value != "" {
				set(t, f, sheet, hcols["Source"], r, e.Value.Source.Value)
			}
			if e.Value.Assumption.Value != "" {
				set(t, f, sheet, hcols["Hypothèse"], r, e.Value.Assumption.Value)
			}
		}
	}
}

// evaluationJSON evaluates every request of the scenarios folder dir with
// the embedded rules, as quotepart evaluate --format json does, without
// the provenance (the digests of the files read differ).
func evaluationJSON(t *testing.T, dir string) map[string]any {
	t.Helper()
	ws, err := Open(Folders{Rules: filepath.Join(dir, "regles"), Scenarios: filepath.Join(dir, "scenarios")})
	if err != nil {
		t.Fatalf("%s", diag.Flatten(err).Detail())
	}
	ev, err := ws.Evaluate(context.Background(), EvaluateOptions{Simulation: Simulation{Draws: 2000, Seed: 7}})
	if err != nil {
		t.Fatalf("%s", diag.Flatten(err).Detail())
	}
	var b bytes.Buffer
	if err := reports.EvaluateOutput.Render(&b, reports.JSON, reports.French, ev); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "provenance")
	return doc
}

// The round trip of the PMO's form: the form written by template projet,
// filled with the figures of three shipped requests (one sheet each),
// imported, gives project files that evaluate exactly as the hand-written
// files: the same evaluate output, byte for byte but the digests.
func TestProjectFormRoundTrip(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, "../../rules/rouen", filepath.Join(dir, "regles"))
	copyDir(t, "../../scenarios/rouen", filepath.Join(dir, "scenarios"))
	want := evaluationJSON(t, dir)

	ws, err := Open(Folders{Rules: filepath.Join(dir, "regles"), Scenarios: filepath.Join(dir, "scenarios")})
	if err != nil {
		t.Fatal(err)
	}
	form, err := ws.Template(KindProjects, 0, reports.French)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"portail-ccas", "consolidation-serveurs", "identite-mfa"}
	// One sheet per request: the blank form copied, as the instructions
	// say, before any is filled.
	for i := 1; i < len(ids); i++ {
		idx, err := f.NewSheet(fmt.Sprintf("Projet (%d)", i+1))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.CopySheet(1, idx); err != nil {
			t.Fatal(err)
		}
	}
	for i, id := range ids {
		sheet := "Projet"
		if i > 0 {
			sheet = fmt.Sprintf("Projet (%d)", i+1)
		}
		path := filepath.Join(dir, "scenarios", "projets", id+".yaml")
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		pf := new(scenarios.ProjectFile)
		if err := rules.Decode(path, data, pf); err != nil {
			t.Fatal(err)
		}
		fillForm(t, f, sheet, pf)
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
	}
	fiche := filepath.Join(dir, "fiche.xlsx")
	if err := f.SaveAs(fiche); err != nil {
		t.Fatal(err)
	}
	// The requests are gone from the folder: import puts them back.
	im, err := importInto(t, dir, fiche)
	if err != nil {
		t.Fatalf("%s", diag.Flatten(err).Detail())
	}
	if len(im.Files) != 3 {
		t.Fatalf("%d files written", len(im.Files))
	}
	got := evaluationJSON(t, dir)
	a, _ := json.MarshalIndent(want, "", " ")
	b, _ := json.MarshalIndent(got, "", " ")
	if !bytes.Equal(a, b) {
		t.Errorf("the imported requests evaluate differently:\n%s", firstDiff(string(a), string(b)))
	}
}

// importInto imports files with the workspace of dir's rules and
// scenarios (whose requests the imported ones join), into its projects
// folder.
func importInto(t *testing.T, dir string, files ...string) (*reports.Imported, error) {
	t.Helper()
	// The requests left in the folder, without those being imported,
	// make the workspace the import checks against.
	ws, err := Open(Folders{Rules: filepath.Join(dir, "regles"), Scenarios: filepath.Join(dir, "scenarios")})
	if err != nil {
		return nil, err
	}
	return ws.Import(context.Background(), ImportOptions{Files: files, Dir: filepath.Join(dir, "scenarios", "projets")})
}

func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			lo := max(0, i-5)
			return fmt.Sprintf("line %d:\nwant %s\ngot  %s\ncontext:\n%s", i+1, la[i], lb[i], strings.Join(la[lo:i+1], "\n"))
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(la), len(lb))
}

// The rules' parameters, written by template parametres and imported
// back, are the same parameters: the rules with the imported file in
// place of theirs bill the same, to the cent.
func TestParametersRoundTrip(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, "../../rules/rouen", filepath.Join(dir, "regles"))
	ws, err := Open(Folders{Rules: filepath.Join(dir, "regles")})
	if err != nil {
		t.Fatal(err)
	}
	data, err := ws.Template(KindParameters, 0, reports.French)
	if err != nil {
		t.Fatal(err)
	}
	xlsx := filepath.Join(dir, "parametres.xlsx")
	if err := os.WriteFile(xlsx, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if _, err := ws.Import(context.Background(), ImportOptions{Files: []string{xlsx}, Dir: out}); err != nil {
		t.Fatalf("%s", diag.Flatten(err).Detail())
	}
	// Every parameter of the rules is in the imported file: the files
	// that declare them leave, the imported one comes in.
	for _, name := range []string{"parametres.yaml", "evaluation.yaml"} {
		if err := os.Remove(filepath.Join(dir, "regles", name)); err != nil {
			t.Fatal(err)
		}
	}
	imported, err := os.ReadFile(filepath.Join(out, "parametres.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "regles", "parametres-importes.yaml"), imported, 0o644); err != nil {
		t.Fatal(err)
	}
	again, err := Open(Folders{Rules: filepath.Join(dir, "regles")})
	if err != nil {
		t.Fatalf("%s", diag.Flatten(err).Detail())
	}
	if len(again.Rules.Warnings) != len(ws.Rules.Warnings) {
		t.Errorf("warnings: %s", again.Rules.Warnings.Detail())
	}
	for _, w := range []*Workspace{ws, again} {
		if len(w.Rules.Model.Params) != len(ws.Rules.Model.Params) {
			t.Fatalf("%d parameters, want %d", len(w.Rules.Model.Params), len(ws.Rules.Model.Params))
		}
	}
	before, err := RunAll(context.Background(), []*Job{ws.RulesJob()}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	after, err := RunAll(context.Background(), []*Job{again.RulesJob()}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, y := range before[0].Years {
		for k, m := range y.Members {
			if g := after[0].Years[i].Members[k]; !g.Amount.Equal(m.Amount) {
				t.Errorf("%d %s: %s after the round trip, %s before", y.Year, m.ID, g.Amount, m.Amount)
			}
		}
	}
}

// A parameters table written by a French spreadsheet as CSV: ';',
// decimal commas, grouped thousands, Windows-1252, day-first dates.
func TestImportFrenchCSV(t *testing.T) {
	ws, err := OpenDefaults()
	if err != nil {
		t.Fatal(err)
	}
	text := "Paramètre;Date;Valeur;Unité;Description;Hypothèse\r\n" +
		"masse_budget;01/01/2027;4 312 345,67;EUR;Masse salariale votée;Budget primitif 2027\r\n" +
		"masse_budget;2028;4 400 000;EUR;;\r\n" +
		"taux_essai;2027-01-01;2,5 %;taux;Taux d'essai;Essai\r\n"
	latin1, err := charmap.Windows1252.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "budget.csv")
	if err := os.WriteFile(in, []byte(latin1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Import(context.Background(), ImportOptions{Files: []string{in}, Dir: dir}); err != nil {
		t.Fatalf("%s", diag.Flatten(err).Detail())
	}
	got, err := os.ReadFile(filepath.Join(dir, "budget.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"    description: Masse salariale votée\n", "      2027-01-01: 4312345.67\n      2028-01-01: 4400000\n",
		"  taux_essai:\n", "      2027-01-01: 0.025\n", "    assumption: Budget primitif 2027\n"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("budget.yaml lacks %q:\n%s", want, got)
		}
	}
	f, err := rules.DecodeFile("budget.yaml", got)
	if err != nil || len(f.Parameters.Entries) != 2 {
		t.Errorf("budget.yaml does not decode as parameters: %v", err)
	}
}

// A form filled with one small request, then broken by change: the error
// import reports, at its cell, and nothing written.
func TestImportBadForms(t *testing.T) {
	ws, err := OpenDefaults()
	if err != nil {
		t.Fatal(err)
	}
	form, err := ws.Template(KindProjects, 0, reports.French)
	if err != nil {
		t.Fatal(err)
	}
	good := func(t *testing.T) *excelize.File {
		f, err := excelize.OpenReader(bytes.NewReader(form))
		if err != nil {
			t.Fatal(err)
		}
		pf := new(scenarios.ProjectFile)
		src := `project:
  id: essai
  title: Essai
  requested_by: [ville]
  category: test
  years: {from: 2027, to: 2028}
lines:
  - label: Licences
    dimension: financial
    side: effort
    values: {2027: 1000}
`
		if err := rules.Decode("essai.yaml", []byte(src), pf); err != nil {
			t.Fatal(err)
		}
		fillForm(t, f, "Projet", pf)
		// The committee scores every request on every criterion.
		for _, c := range ws.FormSpec().Criteria {
			r := rowOf(t, f, "Projet", c.ID, rowOf(t, f, "Projet", "Critère", 1))
			set(t, f, "Projet", 4, r, c.From)
			set(t, f, "Projet", 5, r, "Essai.")
		}
		return f
	}
	line := rowOf(t, good(t), "Projet", "Libellé de la ligne", 1) + 1
	cell := func(col int) string { c, _ := excelize.CoordinatesToCellName(col, line); return c }
	for _, tc := range []struct {
		name   string
		break_ func(t *testing.T, f *excelize.File)
		want   string
	}{
		{"text for a number", func(t *testing.T, f *excelize.File) { f.SetCellValue("Projet", cell(5), "deux") },
			"fiche.xlsx!Projet!E" + strconv.Itoa(line) + ": « deux » n'est pas un nombre"},
		{"a typo in a formula", func(t *testing.T, f *excelize.File) { f.SetCellValue("Projet", cell(5), "600 * facteur_papie") },
			`fiche.xlsx!Projet!E` + strconv.Itoa(line) + `: « 600 * facteur_papie » n'est pas un nombre ni une formule des règles : nom inconnu facteur_papie (did you mean "facteur_papier"?)`},
		{"a formula that fails", func(t *testing.T, f *excelize.File) {
			f.SetCellValue("Projet", cell(5), nil)
			f.SetCellFormula("Projet", cell(5), "1/0")
		}, "fiche.xlsx!Projet!E" + strconv.Itoa(line) + ": la formule de la cellule renvoie une erreur (#DIV/0!) : corrigez-la ou écrivez la valeur"},
		{"merged cells", func(t *testing.T, f *excelize.File) { f.MergeCell("Projet", cell(5), cell(6)) },
			"fiche.xlsx!Projet!E" + strconv.Itoa(line) + ":F" + strconv.Itoa(line) + ": cellules fusionnées dans un tableau à importer : défusionnez-les, une valeur par cellule"},
		{"a negative amount", func(t *testing.T, f *excelize.File) { f.SetCellValue("Projet", cell(5), -1000) },
			"« -1000 » est négatif : écrivez les efforts et les gains en positif, chacun de son côté (une économie est un gain)"},
		{"not a member", func(t *testing.T, f *excelize.File) {
			f.SetCellValue("Projet", "B"+strconv.Itoa(rowOf(t, f, "Projet", "Demandé par", 1)), "vile")
		}, `« vile » n'est pas un membre (did you mean "ville"?) ; les membres sont : metropole, ville, ccas`},
		{"a dimension not in the list", func(t *testing.T, f *excelize.File) { f.SetCellValue("Projet", cell(2), "Social") },
			"« Social » n'est pas dans la liste : Financier (EUR), RH (ETC), Environnement (kgCO2e)"},
		{"a required cell left empty", func(t *testing.T, f *excelize.File) {
			f.SetCellValue("Projet", "B"+strconv.Itoa(rowOf(t, f, "Projet", "Titre", 1)), "")
		}, "Titre : la cellule est vide, elle est obligatoire"},
		{"a year outside the evaluation", func(t *testing.T, f *excelize.File) {
			f.SetCellValue("Projet", "B"+strconv.Itoa(rowOf(t, f, "Projet", "Dernière année", 1)), 2035)
		}, "2035 n'est pas une année de l'évaluation, 2027–2030"},
		{"a law without its parameters", func(t *testing.T, f *excelize.File) {
			f.SetCellValue("Projet", cell(9), "triangulaire")
		}, "la loi triangulaire demande bas"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := good(t)
			tc.break_(t, f)
			dir := t.TempDir()
			in := filepath.Join(dir, "fiche.xlsx")
			if err := f.SaveAs(in); err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			_, err := ws.Import(context.Background(), ImportOptions{Files: []string{in}, Dir: out})
			if err == nil {
				t.Fatal("imported without error")
			}
			if got := diag.Flatten(err).Detail(); !strings.Contains(got, tc.want) {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
			if entries, _ := os.ReadDir(out); len(entries) > 0 {
				t.Errorf("%d files written on error", len(entries))
			}
		})
	}
	// And the good one imports.
	dir := t.TempDir()
	in := filepath.Join(dir, "fiche.xlsx")
	if err := good(t).SaveAs(in); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Import(context.Background(), ImportOptions{Files: []string{in}, Dir: dir}); err != nil {
		t.Fatalf("the good form: %s", diag.Flatten(err).Detail())
	}
	if _, err := os.Stat(filepath.Join(dir, "essai.yaml")); err != nil {
		t.Error(err)
	}
}

// Files that are not what import reads: each a clear error, nothing
// written.
func TestImportBadFiles(t *testing.T) {
	ws, err := OpenDefaults()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	empty := excelize.NewFile()
	var b bytes.Buffer
	empty.Write(&b)
	usDate := excelize.NewFile()
	for c, v := range []string{"paramètre", "date", "valeur", "unité", "description"} {
		ref, _ := excelize.CoordinatesToCellName(c+1, 1)
		usDate.SetCellValue("Sheet1", ref, v)
	}
	for c, v := range []string{"x", "12/31/2026", "1", "EUR", "X"} {
		ref, _ := excelize.CoordinatesToCellName(c+1, 2)
		usDate.SetCellValue("Sheet1", ref, v)
	}
	var us bytes.Buffer
	usDate.Write(&us)
	big := bytes.Repeat([]byte("paramètre;date;valeur;unité;description\n"), 50<<20/40)
	for _, tc := range []struct {
		file, want string
	}{
		{write("vide.xlsx", b.Bytes()), "vide.xlsx!Sheet1: la feuille est vide : rien à importer"},
		{write("us.xlsx", us.Bytes()), "us.xlsx!Sheet1!B2: « 12/31/2026 » n'est pas une date : on dirait une date américaine (mois/jour/année) ; écrivez 31/12/2026 (jour/mois/année) ou 2026-12-31"},
		{write("gros.csv", big), "gros.csv: le fichier fait 52,5 Mo, plus que la limite de 16,0 Mo"},
		{write("faux.xlsx", []byte("pas un classeur")), "faux.xlsx: ce n'est pas un classeur XLSX lisible"},
		{write("notes.csv", []byte("a;b\n1;2\n")), "notes.csv: ni une fiche de demande de projet"},
		{write("us.csv", []byte("paramètre;date;valeur;unité;description\nx;12/31/2026;1;EUR;X\n")), "us.csv:2:3: « 12/31/2026 » n'est pas une date"},
		{write("texte.csv", []byte("paramètre;date;valeur;unité;description\nx;2026;deux;EUR;X\n")), "texte.csv:2:8: « deux » n'est pas un nombre"},
		{write("fiche.ods", []byte("x")), "fiche.ods: import lit les classeurs .xlsx et les fichiers .csv"},
	} {
		out := t.TempDir()
		_, err := ws.Import(context.Background(), ImportOptions{Files: []string{tc.file}, Dir: out})
		if err == nil {
			t.Errorf("%s: no error", tc.file)
			continue
		}
		if got := diag.Flatten(err).Detail(); !strings.Contains(got, tc.want) {
			t.Errorf("%s:\ngot  %s\nwant %s", filepath.Base(tc.file), got, tc.want)
		}
		if entries, _ := os.ReadDir(out); len(entries) > 0 {
			t.Errorf("%s: %d files written on error", tc.file, len(entries))
		}
	}
}

// The actual figures of a year, written by template realise, filled and
// imported into the rules folder's comptes/, are the actuals the rules
// then run on; a pool that does not exist is told at its cell.
func TestImportActuals(t *testing.T) {
	dir := t.TempDir()
	rulesDir := filepath.Join(dir, "regles")
	copyDir(t, "../../rules/rouen", rulesDir)
	ws, err := Open(Folders{Rules: rulesDir})
	if err != nil {
		t.Fatal(err)
	}
	data, err := ws.Template(KindActuals, 2026, reports.French)
	if err != nil {
		t.Fatal(err)
	}
	fill := func(t *testing.T, edit func(f *excelize.File)) string {
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		s := f.GetSheetList()[0]
		rows, _ := f.GetRows(s)
		for i, r := range rows {
			if len(r) > 1 && r[0] == "poste" && r[1] == "masse_salariale" {
				set(t, f, s, 4, i+1, "4 210 345,12")
			}
			if len(r) > 1 && r[0] == "paramètre" && r[1] == "etc_dsi" {
				set(t, f, s, 4, i+1, 89.5)
				set(t, f, s, 7, i+1, "Bilan social 2026")
			}
		}
		n := len(rows) + 2
		set(t, f, s, 1, n, "émis")
		set(t, f, s, 3, n, "ville")
		set(t, f, s, 4, n, 500000)
		set(t, f, s, 5, n, "31/03/2026")
		set(t, f, s, 6, n, "R-2026-001")
		if edit != nil {
			edit(f)
		}
		p := filepath.Join(t.TempDir(), "realise.xlsx")
		if err := f.SaveAs(p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	comptes := filepath.Join(rulesDir, "comptes")
	if err := os.MkdirAll(comptes, 0o755); err != nil {
		t.Fatal(err)
	}
	// A pool that does not exist: told at its cell, nothing written.
	bad := fill(t, func(f *excelize.File) { set(t, f, f.GetSheetList()[0], 2, 4, "masse_salarial") })
	_, err = ws.Import(context.Background(), ImportOptions{Files: []string{bad}, Dir: comptes})
	if err == nil || !strings.Contains(diag.Flatten(err).Detail(), `realise.xlsx!Réalisé!B4: "masse_salarial" is not a pool of the rules (did you mean "masse_salariale"?)`) {
		t.Errorf("got %v", err)
	}
	if entries, _ := os.ReadDir(comptes); len(entries) > 0 {
		t.Errorf("%d files written on error", len(entries))
	}
	// The good one.
	im, err := ws.Import(context.Background(), ImportOptions{Files: []string{fill(t, nil)}, Dir: comptes})
	if err != nil {
		t.Fatalf("%s", diag.Flatten(err).Detail())
	}
	if len(im.Files) != 1 || filepath.Base(im.Files[0].Path) != "realise-2026.yaml" {
		t.Fatalf("%+v", im.Files)
	}
	got, _ := os.ReadFile(filepath.Join(comptes, "realise-2026.yaml"))
	for _, want := range []string{"  year: 2026\n", "  source: Compte administratif 2026\n", "  masse_salariale:\n    amount: 4210345.12\n",
		"  etc_dsi:\n    value: 89.5\n    source: Bilan social 2026\n", "  ville:\n    - {date: 2026-03-31, amount: 500000, reference: R-2026-001}\n"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("realise-2026.yaml lacks %q:\n%s", want, got)
		}
	}
	again, err := Open(Folders{Rules: rulesDir})
	if err != nil {
		t.Fatalf("%s", diag.Flatten(err).Detail())
	}
	if again.Actuals == nil || again.Actuals.Year(2026) == nil {
		t.Fatal("the rules do not read the imported actuals")
	}
	_, applied, err := again.OnActuals(context.Background(), again.RulesJob())
	if err != nil {
		t.Fatalf("%s", diag.Flatten(err).Detail())
	}
	if applied.Figures(2026) == nil {
		t.Error("no figures for 2026 on the actuals basis")
	}
}
