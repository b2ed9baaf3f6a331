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
	if len(t.Rows) == 0 {
		return nil, diag.Errorf(diag.Pos{File: t.Name}, diag.Invalid, "%s", lang.Say("la feuille est vide", "the sheet is empty"))
	}
	head := t.Rows[0]
	cols := headerColumns(head, actualsColumns)
	if cols["nature"] < 0 || cols["name"] < 0 || cols["value"] < 0 {
		return nil, diag.Errorf(head.Fields[0].Pos, diag.Invalid, "%s", lang.Say(
			"la première ligne doit nommer les colonnes nature, nom, membre, valeur, date, référence, source, hypothèse",
			"the first row must name the columns nature, nom (name), membre (member), valeur (value), date, référence, source, hypothèse (assumption)"))
	}
	field := func(r tabular.Row, key string) tabular.Field { return fieldAt(head, cols, r, key) }
	var errs diag.List
	check := func(fs ...tabular.Field) bool {
		ok := true
		for _, f := range fs {
			if f.Problem != "" {
				errs.Add(f.Errorf("%s", f.Problem))
				ok = false
			}
		}
		return ok
	}
	type figure struct {
		name, member, value, date, ref, source, assumption tabular.Field
		amount                                             decimal.Decimal
	}
	var yearF, titleF, headSource, headAssumption tabular.Field
	var pools, params, issued []figure
	year := 0
	for _, r := range t.Rows[1:] {
		nf := field(r, "nature")
		f := figure{name: field(r, "name"), member: field(r, "member"), value: field(r, "value"), date: field(r, "date"),
			ref: field(r, "reference"), source: field(r, "source"), assumption: field(r, "assumption")}
		if !check(nf, f.name, f.member, f.value, f.date, f.ref, f.source, f.assumption) {
			continue
		}
		nature := territory.Fold(nf.Text)
		if nature == "" {
			if f.name.Text != "" || f.value.Text != "" {
				errs.Add(nf.Errorf("%s", lang.Say("la nature de la ligne manque : exercice, intitulé, poste, paramètre ou émis",
					"the row's nature is missing: exercice (year), intitulé (title), poste (pool), paramètre (parameter) or émis (issued)")))
			}
			continue
		}
		if f.value.Text == "" && (nature == naturePool || nature == natureParameter) {
			continue // a row of the template left empty: no actual figure
		}
		switch nature {
		case natureYear:
			y, err := strconv.Atoi(strings.TrimSuffix(f.value.Text, ".0"))
			if err != nil || y < 1000 || y > 9999 {
				errs.Add(f.value.Errorf("%s", lang.Say(fmt.Sprintf("%s n'est pas une année (2026)", lang.Quote(f.value.Text)), fmt.Sprintf("%s is not a year (2026)", lang.Quote(f.value.Text)))))
				continue
			}
			year, yearF, headSource, headAssumption = y, f.value, f.source, f.assumption
		case natureTitle:
			titleF = f.name
		case naturePool, natureParameter, natureIssued:
			v, err := tabular.ParseNumber(f.value.Text, lang)
			if err != nil {
				errs.Add(f.value.Errorf("%v", err))
				continue
			}
			if v.IsNegative() {
				errs.Add(f.value.Errorf("%s", lang.Say(fmt.Sprintf("%s est négatif", lang.Quote(f.value.Text)), fmt.Sprintf("%s is negative", lang.Quote(f.value.Text)))))
				continue
			}
			f.amount = v
			switch nature {
			case naturePool:
				if f.name.Text == "" {
					errs.Add(f.name.Errorf("%s", lang.Say("le poste n'est pas nommé", "the pool is not named")))
					continue
				}
				pools = append(pools, f)
			case natureParameter:
				if f.name.Text == "" {
					errs.Add(f.name.Errorf("%s", lang.Say("le paramètre n'est pas nommé", "the parameter is not named")))
					continue
				}
				params = append(params, f)
			case natureIssued:
				if f.member.Text == "" {
					errs.Add(f.member.Errorf("%s", lang.Say("le membre à qui le titre est émis manque", "the member the instalment is issued to is missing")))
					continue
				}
				d, err := tabular.ParseDate(f.date.Text, false, lang)
				if err != nil {
					errs.Add(f.date.Errorf("%v", err))
					continue
				}
				f.date.Text = d.String()
				issued = append(issued, f)
			}
		default:
			errs.Add(nf.Errorf("%s", lang.Say(fmt.Sprintf("%s n'est pas une nature : exercice, intitulé, poste, paramètre ou émis", lang.Quote(nf.Text)),
				fmt.Sprintf("%s is not a nature: exercice (year), intitulé (title), poste (pool), paramètre (parameter) or émis (issued)", lang.Quote(nf.Text)))))
		}
	}
	if year == 0 {
		errs.Add(diag.Errorf(head.Fields[0].Pos, diag.Invalid, "%s", lang.Say("l'exercice manque : une ligne « exercice » dont la valeur est l'année (2026)",
			"the year is missing: a row « exercice » whose value is the year (2026)")))
	}
	if titleF.Text == "" {
		errs.Add(diag.Errorf(head.Fields[0].Pos, diag.Invalid, "%s", lang.Say("l'intitulé manque : une ligne « intitulé » dont le nom est le titre (Compte administratif 2026)",
			"the title is missing: a row « intitulé » whose name is the title (Compte administratif 2026)")))
	}
	if err := Errors(errs); err != nil {
		return nil, err
	}
	w := &yamlWriter{}
	w.line("# Réalisé importé de " + t.Name + " par quotepart import.")
	w.line("actuals:")
	w.line(fmt.Sprintf("  year: %d", year), yearF.Pos)
	w.line("  title: "+yamlText(titleF.Text), titleF.Pos)
	if headSource.Text != "" {
		w.line("  source: "+yamlText(headSource.Text), headSource.Pos)
	}
	if headAssumption.Text != "" {
		w.line("  assumption: "+yamlText(headAssumption.Text), headAssumption.Pos)
	}
	meta := func(f figure, indent string) {
		if f.source.Text != "" {
			w.line(indent+"source: "+yamlText(f.source.Text), f.source.Pos)
		}
		if f.assumption.Text != "" {
			w.line(indent+"assumption: "+yamlText(f.assumption.Text), f.assumption.Pos)
		}
	}
	if len(pools) > 0 {
		w.line("pools:")
		for _, p := range pools {
			w.line("  "+yamlText(p.name.Text)+":", p.name.Pos)
			w.line("    amount: "+p.amount.String(), p.value.Pos)
			meta(p, "    ")
		}
	}
	if len(params) > 0 {
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
				meta(p, "    ")
				continue
			}
			w.line("    by_member:")
			var first figure = p
			for _, q := range params[i:] {
				if q.name.Text == p.name.Text {
					w.line("      "+yamlText(q.member.Text)+": "+q.amount.String(), q.value.Pos)
				}
			}
			meta(first, "    ")
		}
	}
	if len(issued) > 0 {
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
	return &File{Name: fmt.Sprintf("realise-%d.yaml", year), Kind: "realise", From: t.Name, Data: w.bytes(), Origins: w.origins,
		IDs: []string{strconv.Itoa(year)}}, nil
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
	f := excelize.NewFile()
	defer f.Close()
	const s = "Réalisé"
	if err := f.SetSheetName("Sheet1", s); err != nil {
		return nil, err
	}
	w := &formWriter{f: f, styles: map[string]int{}}
	heads := []string{"Nature", "Nom", "Membre", "Valeur", "Date", "Référence", "Source", "Hypothèse", "Unité", "Libellé"}
	for c, h := range heads {
		w.set(s, c+1, 1, h, "head")
	}
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
