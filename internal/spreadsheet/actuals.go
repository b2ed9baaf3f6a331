package spreadsheet

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/tabular"
	"github.com/quotepart/quotepart/internal/territory"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// The actual figures of a year (the actuals files of package actuals,
// read from the rules folder's comptes/) as a table: one row per figure,
// its nature in the first column.
//
//	nature     nom                  membre  valeur        date        référence   source  hypothèse
//	exercice                                2026                                  Compte administratif 2026
//	intitulé   Compte administratif 2026
//	poste      masse_salariale              4 210 345,12                          chapitre 012
//	paramètre  etc_dsi                      90
//	paramètre  unites               ville   120
//	émis                            ville   500 000       31/03/2026  R-2026-001
var actualsColumns = []column{
	{"nature", []string{"nature", "type"}, false},
	{"name", []string{"nom", "name", "poste ou parametre"}, false},
	{"member", []string{"membre", "member"}, false},
	{"value", []string{"valeur", "value", "montant", "amount"}, false},
	{"date", []string{"date"}, false},
	{"reference", []string{"reference"}, false},
	{"source", []string{"source"}, false},
	{"assumption", []string{"hypothese", "assumption"}, false},
}

// The natures of the rows.
const (
	natureYear      = "exercice"
	natureTitle     = "intitule"
	naturePool      = "poste"
	natureParameter = "parametre"
	natureIssued    = "emis"
)

// IsActuals reports whether a table's first row is the header of a
// table of actual figures: a nature, a name and a value column.
func IsActuals(t *tabular.Table) bool {
	if len(t.Rows) == 0 {
		return false
	}
	c := headerColumns(t.Rows[0], actualsColumns)
	return c["nature"] >= 0 && c["name"] >= 0 && c["value"] >= 0
}

// Actuals reads a table of the actual figures of a year into an actuals
// file named after it (realise-2026.yaml). Every mistake is reported at
// its cell or line, all at once; whether the pools, parameters and
// members exist is for the caller to check against the rules (package
// actuals), the file's Origins telling its errors at the cells.
func Actuals(t *tabular.Table, lang tabular.Lang) (*File, error) {
	r, err := newTableReader(t, actualsColumns, lang)
	if err != nil {
		return nil, err
	}
	if r.cols["nature"] < 0 || r.cols["name"] < 0 || r.cols["value"] < 0 {
		return nil, diag.Errorf(r.head.Fields[0].Pos, diag.Invalid, "%s", lang.Say(
			"la première ligne doit nommer les colonnes nature, nom, membre, valeur, date, référence, source, hypothèse",
			"the first row must name the columns nature, nom (name), membre (member), valeur (value), date, référence, source, hypothèse (assumption)"))
	}
	a := &actualFigures{}
	for _, row := range t.Rows[1:] {
		r.readActualsRow(a, row)
	}
	r.checkYearAndTitle(a)
	if err := Errors(r.errs); err != nil {
		return nil, err
	}
	return actualsFile(t.Name, a), nil
}

// figure is a row of a table of actual figures.
type figure struct {
	name, member, value, date, ref, source, assumption tabular.Field
	amount                                             decimal.Decimal
}

// actualFigures are the figures of a year read from its table: the year
// and its title, with the source and assumption of the year's row, and
// the figures by nature, in the order of their rows.
type actualFigures struct {
	year                              int
	yearAt, title, source, assumption tabular.Field
	pools, params, issued             []figure
}

// readActualsRow adds to a what row gives, by its nature.
func (r *tableReader) readActualsRow(a *actualFigures, row tabular.Row) {
	nf := r.field(row, "nature")
	f := figure{name: r.field(row, "name"), member: r.field(row, "member"), value: r.field(row, "value"), date: r.field(row, "date"),
		ref: r.field(row, "reference"), source: r.field(row, "source"), assumption: r.field(row, "assumption")}
	if !r.readable(nf, f.name, f.member, f.value, f.date, f.ref, f.source, f.assumption) {
		return
	}
	nature := territory.Fold(nf.Text)
	if nature == "" {
		if f.name.Text != "" || f.value.Text != "" {
			r.fail(nf, "la nature de la ligne manque : exercice, intitulé, poste, paramètre ou émis",
				"the row's nature is missing: exercice (year), intitulé (title), poste (pool), paramètre (parameter) or émis (issued)")
		}
		return
	}
	if f.value.Text == "" && (nature == naturePool || nature == natureParameter) {
		return // a row of the template left empty: no actual figure
	}
	switch nature {
	case natureYear:
		r.readYear(a, f)
	case natureTitle:
		a.title = f.name
	case naturePool, natureParameter, natureIssued:
		v, ok := r.amount(f.value)
		if !ok {
			return
		}
		f.amount = v
		r.addFigure(a, nature, f)
	default:
		r.fail(nf, fmt.Sprintf("%s n'est pas une nature : exercice, intitulé, poste, paramètre ou émis", r.lang.Quote(nf.Text)),
			fmt.Sprintf("%s is not a nature: exercice (year), intitulé (title), poste (pool), paramètre (parameter) or émis (issued)", r.lang.Quote(nf.Text)))
	}
}

// readYear takes the year of the figures from the year's row f.
func (r *tableReader) readYear(a *actualFigures, f figure) {
	y, err := strconv.Atoi(strings.TrimSuffix(f.value.Text, ".0"))
	if err != nil || y < 1000 || y > 9999 {
		r.fail(f.value, fmt.Sprintf("%s n'est pas une année (2026)", r.lang.Quote(f.value.Text)), fmt.Sprintf("%s is not a year (2026)", r.lang.Quote(f.value.Text)))
		return
	}
	a.year, a.yearAt, a.source, a.assumption = y, f.value, f.source, f.assumption
}

// amount is the number in vf, false when it is not one or is negative.
func (r *tableReader) amount(vf tabular.Field) (decimal.Decimal, bool) {
	v, err := tabular.ParseNumber(vf.Text, r.lang)
	if err != nil {
		r.errs.Add(vf.Errorf("%v", err))
		return v, false
	}
	if v.IsNegative() {
		r.fail(vf, fmt.Sprintf("%s est négatif", r.lang.Quote(vf.Text)), fmt.Sprintf("%s is negative", r.lang.Quote(vf.Text)))
		return v, false
	}
	return v, true
}

// addFigure adds f, a pool's, a parameter's or an instalment's amount, to
// the figures of its nature, when its row says whose amount it is.
func (r *tableReader) addFigure(a *actualFigures, nature string, f figure) {
	switch nature {
	case naturePool:
		if f.name.Text == "" {
			r.fail(f.name, "le poste n'est pas nommé", "the pool is not named")
			return
		}
		a.pools = append(a.pools, f)
	case natureParameter:
		if f.name.Text == "" {
			r.fail(f.name, "le paramètre n'est pas nommé", "the parameter is not named")
			return
		}
		a.params = append(a.params, f)
	case natureIssued:
		if f.member.Text == "" {
			r.fail(f.member, "le membre à qui le titre est émis manque", "the member the instalment is issued to is missing")
			return
		}
		d, err := tabular.ParseDate(f.date.Text, false, r.lang)
		if err != nil {
			r.errs.Add(f.date.Errorf("%v", err))
			return
		}
		f.date.Text = d.String()
		a.issued = append(a.issued, f)
	}
}

// checkYearAndTitle reports a table that gives no year or no title: they
// are on no row, so at the header.
func (r *tableReader) checkYearAndTitle(a *actualFigures) {
	if a.year == 0 {
		r.errs.Add(diag.Errorf(r.head.Fields[0].Pos, diag.Invalid, "%s", r.lang.Say("l'exercice manque : une ligne « exercice » dont la valeur est l'année (2026)",
			"the year is missing: a row « exercice » whose value is the year (2026)")))
	}
	if a.title.Text == "" {
		r.errs.Add(diag.Errorf(r.head.Fields[0].Pos, diag.Invalid, "%s", r.lang.Say("l'intitulé manque : une ligne « intitulé » dont le nom est le titre (Compte administratif 2026)",
			"the title is missing: a row « intitulé » whose name is the title (Compte administratif 2026)")))
	}
}

// actualsFile is the actuals file of a, read from the table named from.
func actualsFile(from string, a *actualFigures) *File {
	w := &yamlWriter{}
	w.line("# Réalisé importé de " + from + " par quotepart import.")
	w.line("actuals:")
	w.line(fmt.Sprintf("  year: %d", a.year), a.yearAt.Pos)
	w.line("  title: "+yamlText(a.title.Text), a.title.Pos)
	w.sourceAndAssumption("  ", a.source, a.assumption)
	writePools(w, a.pools)
	writeActualParams(w, a.params)
	writeIssued(w, a.issued)
	return &File{Name: fmt.Sprintf("realise-%d.yaml", a.year), Kind: "realise", From: from, Data: w.bytes(), Origins: w.origins,
		IDs: []string{strconv.Itoa(a.year)}}
}

func writePools(w *yamlWriter, pools []figure) {
	if len(pools) == 0 {
		return
	}
	w.line("pools:")
	for _, p := range pools {
		w.line("  "+yamlText(p.name.Text)+":", p.name.Pos)
		w.line("    amount: "+p.amount.String(), p.value.Pos)
		w.sourceAndAssumption("    ", p.source, p.assumption)
	}
}

// writeActualParams writes each parameter at its first row: its value
// there, or, when that row names a member, its value for each member its
// rows name.
func writeActualParams(w *yamlWriter, params []figure) {
	if len(params) == 0 {
		return
	}
	w.line("parameters:")
	done := map[string]bool{}
	for i, p := range params {
		if done[p.name.Text] {
			continue
		}
		done[p.name.Text] = true
		w.line("  "+yamlText(p.name.Text)+":", p.name.Pos)
		if p.member.Text == "" {
			w.line("    value: "+p.amount.String(), p.value.Pos)
			w.sourceAndAssumption("    ", p.source, p.assumption)
			continue
		}
		w.line("    by_member:")
		for _, q := range params[i:] {
			if q.name.Text == p.name.Text {
				w.line("      "+yamlText(q.member.Text)+": "+q.amount.String(), q.value.Pos)
			}
		}
		w.sourceAndAssumption("    ", p.source, p.assumption)
	}
}

// writeIssued writes the instalments issued to each member together, the
// members in the order of their first row.
func writeIssued(w *yamlWriter, issued []figure) {
	if len(issued) == 0 {
		return
	}
	w.line("issued:")
	done := map[string]bool{}
	for i, p := range issued {
		if done[p.member.Text] {
			continue
		}
		done[p.member.Text] = true
		w.line("  "+yamlText(p.member.Text)+":", p.member.Pos)
		for _, q := range issued[i:] {
			if q.member.Text != p.member.Text {
				continue
			}
			item := fmt.Sprintf("    - {date: %s, amount: %s", q.date.Text, q.amount)
			if q.ref.Text != "" {
				item += ", reference: " + yamlText(q.ref.Text)
			}
			w.line(item+"}", q.value.Pos)
		}
	}
}

// ActualsRow is a row of the actuals template: a pool, or a parameter
// (of a member, for a per-member one).
type ActualsRow struct {
	Nature, Name, Member, Unit, Label string
}

// ActualsTemplate writes the table of the actual figures of year to
// fill in: the year and its title, a row per pool and per parameter
// given, a row of an instalment issued as an example of the form.
func ActualsTemplate(year int, rows []ActualsRow) ([]byte, error) {
	const s = "Réalisé"
	heads := []string{"Nature", "Nom", "Membre", "Valeur", "Date", "Référence", "Source", "Hypothèse", "Unité", "Libellé"}
	f, w, err := newTable(s, heads)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	w.set(s, 1, 2, "exercice", "")
	w.set(s, 4, 2, year, "")
	w.set(s, 7, 2, fmt.Sprintf("Compte administratif %d", year), "")
	w.set(s, 1, 3, "intitulé", "")
	w.set(s, 2, 3, fmt.Sprintf("Compte administratif %d", year), "")
	r := 4
	for _, row := range rows {
		w.set(s, 1, r, row.Nature, "")
		w.set(s, 2, r, row.Name, "")
		if row.Member != "" {
			w.set(s, 3, r, row.Member, "")
		}
		w.inputs(s, 4, r, 4, r)
		w.set(s, 9, r, row.Unit, "help")
		w.set(s, 10, r, safeText(row.Label), "help")
		r++
	}
	w.set(s, 12, 1, "Remplissez la colonne Valeur ; une ligne sans valeur est ignorée. Ajoutez une ligne « émis » par titre de recette émis : membre, valeur, date et référence.", "help")
	if w.err != nil {
		return nil, w.err
	}
	for col, wd := range map[string]float64{"A": 12, "B": 32, "C": 16, "D": 16, "E": 12, "F": 14, "G": 40, "H": 40, "I": 10, "J": 40} {
		if err := f.SetColWidth(s, col, col, wd); err != nil {
			return nil, err
		}
	}
	if err := f.SetPanes(s, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: fmt.Sprintf("Réalisé %d", year), Creator: "quotepart", LastModifiedBy: "quotepart",
		Language: "fr", Created: "2000-01-01T00:00:00Z", Modified: "2000-01-01T00:00:00Z"}); err != nil {
		return nil, err
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
