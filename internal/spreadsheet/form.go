package spreadsheet

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// FormMarker is written on every sheet of the request form: import reads
// the sheets that carry it, one request each; a copy of the sheet (one per
// request) carries it too.
const FormMarker = "quotepart/projet/v1"

// FormSpec is what the request form offers to choose from: it follows the
// rules and the evaluation settings of the workspace.
type FormSpec struct {
	// Years are the years of the evaluation, the columns of the lines.
	Years []int
	// Members can request a project; Dimensions are those a line may be
	// in (the standard three and any the evaluation declares).
	Members, Dimensions []Choice
	// Criteria are the evaluation's criteria a request is scored on;
	// Commitments those a request states its effect on.
	Criteria    []Criterion
	Commitments []Choice
	// Projects are the requests already known, for prerequisites and
	// alternatives.
	Projects []string
}

// Choice is an id with what readers see of it.
type Choice struct{ ID, Label, Unit string }

// Criterion is a criterion of the evaluation and its scale.
type Criterion struct {
	ID, Label string
	From, To  string
}

// The labels of the identity rows of the form, in column A; import finds
// each row by its label, so that a user may insert rows.
var identity = []struct {
	key, label, help string
	required         bool
}{
	{"id", "Identifiant", "lettres minuscules, chiffres et tirets, unique : ged-archives", true},
	{"title", "Titre", "le titre montré dans les rapports", true},
	{"requested_by", "Demandé par", "un membre par cellule (liste), jusqu'à trois", true},
	{"category", "Catégorie", "pour regrouper les demandes : sécurité, archives, sobriété numérique…", true},
	{"description", "Description", "ce que fait le projet", false},
	{"assumption", "Hypothèse", "ce qui est estimé ou illustratif", false},
	{"source", "Source", "d'où viennent les chiffres (étude, devis…)", false},
	{"from", "Première année", "la première année du projet", true},
	{"to", "Dernière année", "la dernière année du projet", true},
	{"mandatory", "Obligatoire", "oui : retenu dans tout portefeuille (sécurité, obligation légale)", false},
	{"mandatory_reason", "Raison de l'obligation", "pourquoi il est obligatoire", false},
	{"start_from", "Démarrage au plus tôt", "une année : la sélection peut décaler le projet dans cette fenêtre", false},
	{"start_to", "Démarrage au plus tard", "une année", false},
	{"requires", "Prérequis", "identifiant d'une demande qui doit avoir démarré avant (colonne B), et le délai en années (colonne C) ; une par ligne", false},
	{"excludes", "Exclut", "identifiants des demandes incompatibles, séparés par des virgules", false},
}

// requiresRows is how many prerequisites the form has room for.
const requiresRows = 3

// The headers of the tables, in their first column: import finds the
// tables by them.
const (
	linesTitle       = "Lignes : efforts et gains"
	linesHeader      = "Libellé de la ligne"
	scoresTitle      = "Notes des critères"
	scoresHeader     = "Critère"
	commitmentsTitle = "Effets sur les engagements"
	commitmentsHead  = "Engagement"
)

// The columns of the lines table before the years, and after them.
var (
	lineLeft  = []string{linesHeader, "Dimension", "Sens", "Nature"}
	lineRight = []string{"Loi d'incertitude", "Bas", "Mode", "Haut", "Moyenne", "Écart-type", "Source", "Hypothèse"}
)

// formLines is how many empty lines the form has room for.
const formLines = 25

// laws are the laws of uncertainty as the form lists them.
var laws = []Choice{{"", "aucune", ""}, {"triangular", "triangulaire", ""}, {"pert", "PERT", ""}, {"normal", "normale", ""},
	{"lognormal", "log-normale", ""}, {"uniform", "uniforme", ""}}

// sides are the sides of a line.
var sides = []Choice{{"effort", "effort", ""}, {"gain", "gain", ""}}

// dimensionText is how the form shows a dimension: Financier (EUR).
func dimensionText(d Choice) string { return fmt.Sprintf("%s (%s)", d.Label, d.Unit) }

// Template writes the request form: a sheet of instructions, the form
// (one sheet, to copy once per request), and the lists its drop-downs
// offer.
func Template(spec FormSpec) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	w := &formWriter{f: f, styles: map[string]int{}}
	if err := f.SetSheetName("Sheet1", "Mode d'emploi"); err != nil {
		return nil, err
	}
	if _, err := f.NewSheet("Projet"); err != nil {
		return nil, err
	}
	if _, err := f.NewSheet("Listes"); err != nil {
		return nil, err
	}
	w.instructions(spec)
	w.lists(spec)
	w.form(spec)
	if w.err != nil {
		return nil, w.err
	}
	if err := f.SetSheetVisible("Listes", false); err != nil {
		return nil, err
	}
	f.SetActiveSheet(1)
	props := &excelize.DocProperties{Title: "Demande de projet", Creator: "quotepart", LastModifiedBy: "quotepart", Language: "fr",
		Created: "2000-01-01T00:00:00Z", Modified: "2000-01-01T00:00:00Z"}
	if err := f.SetDocProps(props); err != nil {
		return nil, err
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type formWriter struct {
	f      *excelize.File
	styles map[string]int
	err    error
	// listRanges are the ranges of the Listes sheet, by list.
	listRanges map[string]string
}

func (w *formWriter) style(kind string) int {
	if id, ok := w.styles[kind]; ok {
		return id
	}
	s := &excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}
	switch kind {
	case "title":
		s.Font = &excelize.Font{Bold: true, Size: 14}
	case "section":
		s.Font = &excelize.Font{Bold: true, Size: 12}
	case "label":
		s.Font = &excelize.Font{Bold: true}
	case "required":
		s.Font = &excelize.Font{Bold: true, Color: "9C0006"}
	case "help", "marker":
		s.Font = &excelize.Font{Italic: true, Color: "666666"}
	case "head":
		s.Font = &excelize.Font{Bold: true}
		s.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE5EE"}}
		s.Border = []excelize.Border{{Type: "bottom", Color: "777777", Style: 1}}
	case "input":
		s.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF3C4"}}
		s.Border = []excelize.Border{{Type: "bottom", Color: "CCCCCC", Style: 1}}
	case "text":
	}
	id, err := w.f.NewStyle(s)
	if err != nil && w.err == nil {
		w.err = err
	}
	w.styles[kind] = id
	return id
}

func (w *formWriter) set(sheet string, col, row int, v any, kind string) {
	if w.err != nil {
		return
	}
	ref, _ := excelize.CoordinatesToCellName(col, row)
	if v != nil {
		w.err = w.f.SetCellValue(sheet, ref, v)
	}
	if w.err == nil && kind != "" {
		w.err = w.f.SetCellStyle(sheet, ref, ref, w.style(kind))
	}
}

func (w *formWriter) inputs(sheet string, c1, r1, c2, r2 int) {
	if w.err != nil {
		return
	}
	a, _ := excelize.CoordinatesToCellName(c1, r1)
	b, _ := excelize.CoordinatesToCellName(c2, r2)
	w.err = w.f.SetCellStyle(sheet, a, b, w.style("input"))
}

// dropDown offers list on the cells c1:r1–c2:r2.
func (w *formWriter) dropDown(sheet string, c1, r1, c2, r2 int, list, prompt string) {
	rng, ok := w.listRanges[list]
	if w.err != nil || !ok {
		return
	}
	a, _ := excelize.CoordinatesToCellName(c1, r1)
	b, _ := excelize.CoordinatesToCellName(c2, r2)
	dv := excelize.NewDataValidation(true)
	dv.SetSqref(a + ":" + b)
	dv.SetSqrefDropList(rng)
	dv.SetError(excelize.DataValidationErrorStyleStop, "Valeur hors liste", "Choisissez une valeur dans la liste ("+prompt+").")
	w.err = w.f.AddDataValidation(sheet, dv)
}

func (w *formWriter) lists(spec FormSpec) {
	w.listRanges = map[string]string{}
	col := 1
	add := func(name string, values []string) {
		w.set("Listes", col, 1, name, "head")
		for i, v := range values {
			w.set("Listes", col, i+2, v, "")
		}
		c, _ := excelize.ColumnNumberToName(col)
		w.listRanges[name] = fmt.Sprintf("Listes!$%s$2:$%s$%d", c, c, max(len(values), 1)+1)
		col++
	}
	var members, dims, lawNames, sideNames, years, projects []string
	for _, m := range spec.Members {
		members = append(members, m.ID)
	}
	for _, d := range spec.Dimensions {
		dims = append(dims, dimensionText(d))
	}
	for _, l := range laws {
		lawNames = append(lawNames, l.Label)
	}
	for _, s := range sides {
		sideNames = append(sideNames, s.Label)
	}
	for _, y := range spec.Years {
		years = append(years, strconv.Itoa(y))
	}
	projects = spec.Projects
	add("membres", members)
	add("dimensions", dims)
	add("sens", sideNames)
	add("lois", lawNames)
	add("années", years)
	add("oui/non", []string{"oui", "non"})
	add("demandes", projects)
	add("natures", []string{"investment", "running", "savings", "build", "run", "freed", "manufacturing", "energy", "avoided"})
}

func (w *formWriter) instructions(spec FormSpec) {
	s := "Mode d'emploi"
	lines := []struct{ text, kind string }{
		{"Demande de projet — mode d'emploi", "title"},
		{"Cette fiche décrit une demande de projet pour le bureau PMO. Remplissez une feuille « Projet » par demande : pour plusieurs demandes, copiez la feuille (clic droit sur l'onglet > Déplacer ou copier > Créer une copie) et renommez la copie.", "text"},
		{"Les cellules jaunes sont à remplir ; les libellés en rouge sont obligatoires. Ne modifiez pas la colonne A ni la ligne des en-têtes des tableaux : quotepart retrouve chaque valeur par eux. Ne fusionnez pas de cellules dans les tableaux.", "text"},
		{"Identité : l'identifiant (lettres minuscules, chiffres et tirets) nomme la demande dans les rapports et les scénarios ; « Demandé par » prend un membre par cellule, dans la liste.", "text"},
		{"Lignes : une ligne par effort ou par gain. Dimension : financière (EUR), RH (ETC, en équivalents temps complet sur l'année) ou environnementale (kgCO2e). Sens : effort (ce que le projet coûte) ou gain (ce qu'il apporte). Écrivez les montants en positif, chacun de son côté : une économie est un gain de 30 000, jamais un effort de −30 000.", "text"},
		{"Valeurs par année : un nombre (1 234,56 ou 1234.56), ou une formule des règles écrite en texte, comme 600 * facteur_papier (600 kg de papier au facteur d'émission des règles). Une année vide compte 0.", "text"},
		{"Incertitude (facultative) : la loi d'un facteur qui multiplie chaque année de la ligne (1 = la valeur écrite). Triangulaire et PERT : bas, mode, haut (0,9 ; 1 ; 1,6) ; uniforme : bas, haut ; normale : moyenne, écart-type ; log-normale : moyenne et écart-type du logarithme du facteur.", "text"},
		{"Notes des critères : une note par critère du comité, dans son échelle, avec sa justification.", "text"},
		{"Effets sur les engagements : de combien la demande fait bouger chaque indicateur du label Numérique Responsable, par année, avec sa justification.", "text"},
		{fmt.Sprintf("Renvoyez le fichier au bureau PMO : quotepart import fiche.xlsx -o scenarios/projets en fait un fichier par demande, et signale chaque erreur à sa cellule (fiche.xlsx!Projet!C12 : « deux » n'est pas un nombre). Années du SDSI : %s.", yearsText(spec.Years)), "text"},
	}
	for i, l := range lines {
		w.set(s, 1, i+1, l.text, l.kind)
	}
	if w.err == nil {
		w.err = w.f.SetColWidth(s, "A", "A", 110)
	}
}

func yearsText(ys []int) string {
	if len(ys) == 0 {
		return ""
	}
	return fmt.Sprintf("%d–%d", ys[0], ys[len(ys)-1])
}

func (w *formWriter) form(spec FormSpec) {
	s := "Projet"
	w.set(s, 1, 1, "Demande de projet", "title")
	w.set(s, 1, 2, "Fiche "+FormMarker+" — une demande par feuille ; voir le mode d'emploi.", "marker")
	row := 4
	for _, id := range identity {
		kind := "label"
		if id.required {
			kind = "required"
		}
		rows := 1
		if id.key == "requires" {
			rows = requiresRows
		}
		for k := range rows {
			w.set(s, 1, row+k, id.label, kind)
		}
		switch id.key {
		case "requested_by":
			w.inputs(s, 2, row, 4, row)
			w.dropDown(s, 2, row, 4, row, "membres", "un membre")
			w.set(s, 5, row, id.help, "help")
		case "requires":
			w.inputs(s, 2, row, 3, row+rows-1)
			w.dropDown(s, 2, row, 2, row+rows-1, "demandes", "une demande")
			w.set(s, 4, row, id.help, "help")
		case "from", "to", "start_from", "start_to":
			w.inputs(s, 2, row, 2, row)
			w.dropDown(s, 2, row, 2, row, "années", "une année")
			w.set(s, 3, row, id.help, "help")
		case "mandatory":
			w.inputs(s, 2, row, 2, row)
			w.dropDown(s, 2, row, 2, row, "oui/non", "oui ou non")
			w.set(s, 3, row, id.help, "help")
		default:
			w.inputs(s, 2, row, 2, row)
			w.set(s, 3, row, id.help, "help")
		}
		row += rows
	}
	row++
	w.set(s, 1, row, linesTitle, "section")
	row++
	head := append(append(append([]string{}, lineLeft...), yearHeads(spec.Years)...), lineRight...)
	for c, h := range head {
		w.set(s, c+1, row, h, "head")
	}
	first, last := row+1, row+formLines
	nYears := len(spec.Years)
	w.inputs(s, 1, first, len(head), last)
	w.dropDown(s, 2, first, 2, last, "dimensions", "une dimension")
	w.dropDown(s, 3, first, 3, last, "sens", "effort ou gain")
	w.dropDown(s, 4, first, 4, last, "natures", "une nature, ou la vôtre")
	lawCol := len(lineLeft) + nYears + 1
	w.dropDown(s, lawCol, first, lawCol, last, "lois", "une loi")
	row = last + 2
	if len(spec.Criteria) > 0 {
		w.set(s, 1, row, scoresTitle, "section")
		row++
		for c, h := range []string{scoresHeader, "Libellé", "Échelle", "Note", "Justification"} {
			w.set(s, c+1, row, h, "head")
		}
		for _, c := range spec.Criteria {
			row++
			w.set(s, 1, row, c.ID, "label")
			w.set(s, 2, row, c.Label, "text")
			w.set(s, 3, row, c.From+" à "+c.To, "text")
			w.inputs(s, 4, row, 5, row)
		}
		row += 2
	}
	if len(spec.Commitments) > 0 {
		w.set(s, 1, row, commitmentsTitle, "section")
		row++
		h := append(append([]string{commitmentsHead, "Libellé", "Unité"}, yearHeads(spec.Years)...), "Justification", "Source", "Hypothèse")
		for c, x := range h {
			w.set(s, c+1, row, x, "head")
		}
		for _, c := range spec.Commitments {
			row++
			w.set(s, 1, row, c.ID, "label")
			w.set(s, 2, row, c.Label, "text")
			w.set(s, 3, row, c.Unit, "text")
			w.inputs(s, 4, row, len(h), row)
		}
	}
	if w.err != nil {
		return
	}
	widths := map[string]float64{"A": 34, "B": 22, "C": 14, "D": 14}
	for col, wd := range widths {
		if w.err == nil {
			w.err = w.f.SetColWidth(s, col, col, wd)
		}
	}
	last2, _ := excelize.ColumnNumberToName(len(head))
	if w.err == nil {
		w.err = w.f.SetColWidth(s, "E", last2, 13)
	}
}

func yearHeads(ys []int) []string {
	out := make([]string, len(ys))
	for i, y := range ys {
		out[i] = strconv.Itoa(y)
	}
	return out
}

// hasMarker reports whether a sheet's cells in A1:A3 carry the marker.
func hasMarker(b *Book, sheet string) bool {
	for r := 1; r <= 3; r++ {
		if strings.Contains(b.Cell(sheet, 1, r).Text, FormMarker) {
			return true
		}
	}
	return false
}
