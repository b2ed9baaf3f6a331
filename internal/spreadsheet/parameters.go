package spreadsheet

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/formula"
	"github.com/quotepart/quotepart/internal/tabular"
	"github.com/quotepart/quotepart/internal/territory"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// The columns of a parameters table, by the words a header may use
// (compared without case or accents).
var paramColumns = []column{
	{"name", []string{"parametre", "parameter", "nom", "name"}, true},
	{"date", []string{"date", "depuis", "since", "from", "annee", "year", "date d effet"}, false},
	{"value", []string{"valeur", "value"}, true},
	{"unit", []string{"unite", "unit"}, true},
	{"description", []string{"description"}, true},
	{"label", []string{"libelle", "label"}, false},
	{"source", []string{"source"}, false},
	{"assumption", []string{"hypothese", "assumption"}, false},
	{"min", []string{"min", "minimum"}, false},
	{"max", []string{"max", "maximum"}, false},
}

// IsParameters reports whether a table's first row is the header of a
// parameters table: a name, a value and a unit column.
func IsParameters(t *tabular.Table) bool {
	if len(t.Rows) == 0 {
		return false
	}
	cols := headerColumns(t.Rows[0], paramColumns)
	return cols["name"] >= 0 && cols["value"] >= 0 && cols["unit"] >= 0
}

// column is a column a table may have: its key, the words a header may
// use for it (folded: lower case, no accents), whether it is required.
type column struct {
	key      string
	names    []string
	required bool
}

// headerColumns gives the index of each of columns in a header row, -1
// for those it lacks; the first header that names a column is the one.
func headerColumns(row tabular.Row, columns []column) map[string]int {
	out := map[string]int{}
	for _, c := range columns {
		out[c.key] = -1
	}
	for i, f := range row.Fields {
		h := territory.Fold(f.Text)
		for _, c := range columns {
			if out[c.key] < 0 && slices.Contains(c.names, h) {
				out[c.key] = i
			}
		}
	}
	return out
}

// fieldAt is row r's cell in column key of a table whose header is head
// and its columns cols, trimmed; the zero Field when the table lacks the
// column, and an empty one placed under its header when the row is
// shorter than the header.
func fieldAt(head tabular.Row, cols map[string]int, r tabular.Row, key string) tabular.Field {
	i := cols[key]
	if i < 0 {
		return tabular.Field{}
	}
	if i < len(r.Fields) {
		f := r.Fields[i]
		f.Text = strings.TrimSpace(f.Text)
		return f
	}
	pos := head.Fields[i].Pos
	if pos.Line > 0 { // a CSV line
		pos = diag.Pos{File: pos.File, Line: r.Line}
	} else {
		pos = cellBelow(pos, r.Line)
	}
	return tabular.Field{Pos: pos}
}

// tableReader reads the rows of a table under its header, keeping every
// mistake so that all are told at once.
type tableReader struct {
	head tabular.Row
	cols map[string]int
	lang tabular.Lang
	errs diag.List
}

// newTableReader reads t, whose first row names some of columns; a table
// without even that row is an error.
func newTableReader(t *tabular.Table, columns []column, lang tabular.Lang) (*tableReader, error) {
	if len(t.Rows) == 0 {
		return nil, diag.Errorf(diag.Pos{File: t.Name}, diag.Invalid, "%s", lang.Say("la feuille est vide", "the sheet is empty"))
	}
	head := t.Rows[0]
	return &tableReader{head: head, cols: headerColumns(head, columns), lang: lang}, nil
}

// field is row's cell in column key, as fieldAt.
func (r *tableReader) field(row tabular.Row, key string) tabular.Field {
	return fieldAt(r.head, r.cols, row, key)
}

// fail reports a mistake at f's cell, in the reader's language.
func (r *tableReader) fail(f tabular.Field, fr, en string) {
	r.errs.Add(f.Errorf("%s", r.lang.Say(fr, en)))
}

// readable reports each of fs whose cell holds no usable value (a
// formula whose result is an error), and whether all of them do.
func (r *tableReader) readable(fs ...tabular.Field) bool {
	ok := true
	for _, f := range fs {
		if f.Problem != "" {
			r.errs.Add(f.Errorf("%s", f.Problem))
			ok = false
		}
	}
	return ok
}

// param is a parameter gathered from the rows that give it.
type param struct {
	name                                               tabular.Field
	unit, description, label, source, assumption, minv tabular.Field
	maxv                                               tabular.Field
	values                                             []paramValue
}

type paramValue struct {
	date   engine.Date // zero: no date column, in force from the start
	dateAt tabular.Field
	value  decimal.Decimal
	at     tabular.Field
}

// Parameters reads a parameters table (one row per parameter and date)
// into a rule file of parameters named name. Every mistake is reported at
// its cell, all at once.
func Parameters(t *tabular.Table, name string, lang tabular.Lang) (*File, error) {
	r, err := newTableReader(t, paramColumns, lang)
	if err != nil {
		return nil, err
	}
	if err := r.checkParamsHeader(t); err != nil {
		return nil, err
	}
	params := r.gatherParams(t.Rows[1:])
	for _, p := range params {
		r.checkParam(p)
	}
	if err := Errors(r.errs); err != nil {
		return nil, err
	}
	return paramsFile(t.Name, name, params, lang), nil
}

// checkParamsHeader is an error when t's header lacks a required column
// or no row follows it.
func (r *tableReader) checkParamsHeader(t *tabular.Table) error {
	var missing []string
	for _, c := range paramColumns {
		if c.required && r.cols[c.key] < 0 {
			missing = append(missing, c.names[0])
		}
	}
	if len(missing) > 0 {
		return diag.Errorf(r.head.Fields[0].Pos, diag.Invalid, "%s", r.lang.Say(
			fmt.Sprintf("la première ligne doit nommer les colonnes ; il manque : %s (colonnes reconnues : paramètre, date, valeur, unité, description, libellé, source, hypothèse, min, max)", strings.Join(missing, ", ")),
			fmt.Sprintf("the first row must name the columns; missing: %s (columns known: parameter, date, value, unit, description, label, source, assumption, min, max)", strings.Join(missing, ", "))))
	}
	if len(t.Rows) == 1 {
		return diag.Errorf(r.head.Fields[0].Pos, diag.Invalid, "%s", r.lang.Say("aucune ligne de valeurs sous l'en-tête", "no row of values under the header"))
	}
	return nil
}

// gatherParams gathers rows into their parameters, in the order of each
// one's first row.
func (r *tableReader) gatherParams(rows []tabular.Row) []*param {
	byName := map[string]*param{}
	var order []*param
	for _, row := range rows {
		nf, ok := r.paramName(row)
		if !ok {
			continue
		}
		p := byName[nf.Text]
		if p == nil {
			p = &param{name: nf}
			byName[nf.Text] = p
			order = append(order, p)
		}
		r.mergeParamTexts(p, row)
		if pv, ok := r.paramValue(row); ok {
			r.addParamValue(p, pv)
		}
	}
	return order
}

// paramName is the cell naming row's parameter, false when it names none
// that a rule may use.
func (r *tableReader) paramName(row tabular.Row) (tabular.Field, bool) {
	nf := r.field(row, "name")
	if !r.readable(nf) {
		return nf, false
	}
	if nf.Text == "" {
		r.fail(nf, "nom du paramètre manquant", "the parameter's name is missing")
		return nf, false
	}
	if !formula.ValidName(nf.Text) || formula.Reserved(nf.Text) {
		r.fail(nf,
			fmt.Sprintf("%s ne peut pas nommer un paramètre : lettres sans accent, chiffres et _, sans commencer par un chiffre (cout_moyen_etc), et pas un mot réservé", r.lang.Quote(nf.Text)),
			fmt.Sprintf("%s cannot name a parameter: ASCII letters, digits and _, not starting with a digit (cout_moyen_etc), and not a reserved word", r.lang.Quote(nf.Text)))
		return nf, false
	}
	return nf, true
}

// mergeParamTexts takes the unit, description and the other texts of p
// from row: any of its rows may give one, and those that do must agree.
func (r *tableReader) mergeParamTexts(p *param, row tabular.Row) {
	for key, dst := range map[string]*tabular.Field{"unit": &p.unit, "description": &p.description, "label": &p.label,
		"source": &p.source, "assumption": &p.assumption, "min": &p.minv, "max": &p.maxv} {
		f := r.field(row, key)
		switch {
		case !r.readable(f):
		case f.Text == "":
		case dst.Text == "":
			*dst = f
		case dst.Text != f.Text:
			r.fail(f,
				fmt.Sprintf("%s de %s diffère de celle de la ligne précédente (%s) : un paramètre a une seule valeur de cette colonne", key, p.name.Text, r.lang.Quote(dst.Text)),
				fmt.Sprintf("the %s of %s differs from an earlier row's (%s): a parameter has one", key, p.name.Text, r.lang.Quote(dst.Text)))
		}
	}
}

// paramValue is the dated value row gives, false when its date or value
// cannot be read.
func (r *tableReader) paramValue(row tabular.Row) (paramValue, bool) {
	pv := paramValue{}
	if r.cols["date"] >= 0 {
		df := r.field(row, "date")
		if !r.readable(df) {
			return pv, false
		}
		d, err := tabular.ParseDate(df.Text, true, r.lang)
		if err != nil {
			r.errs.Add(df.Errorf("%v", err))
			return pv, false
		}
		pv.date, pv.dateAt = d, df
	}
	vf := r.field(row, "value")
	if !r.readable(vf) {
		return pv, false
	}
	v, err := tabular.ParseNumber(vf.Text, r.lang)
	if err != nil {
		r.errs.Add(vf.Errorf("%v", err))
		return pv, false
	}
	pv.value, pv.at = v, vf
	return pv, true
}

// addParamValue adds pv to p's values, reporting a date given twice.
func (r *tableReader) addParamValue(p *param, pv paramValue) {
	for _, prev := range p.values {
		if prev.date == pv.date {
			what := r.lang.Say("une valeur sans date", "a value with no date")
			if !pv.date.IsZero() {
				what = pv.date.String()
			}
			r.fail(pv.at,
				fmt.Sprintf("%s : %s est donnée deux fois (d'abord en %s)", p.name.Text, what, prev.at.Pos),
				fmt.Sprintf("%s: %s is given twice (first at %s)", p.name.Text, what, prev.at.Pos))
		}
	}
	p.values = append(p.values, pv)
}

// checkParam reports what p lacks once all its rows are read: its unit
// and description, a date for each of several values, numbers as bounds.
func (r *tableReader) checkParam(p *param) {
	for _, k := range []struct {
		key string
		f   tabular.Field
	}{{"unit", p.unit}, {"description", p.description}} {
		key, f := k.key, k.f
		if f.Text == "" {
			r.fail(p.name,
				fmt.Sprintf("%s n'a pas de %s : donnez-la sur une de ses lignes", p.name.Text, map[string]string{"unit": "unité", "description": "description"}[key]),
				fmt.Sprintf("%s has no %s: give it on one of its rows", p.name.Text, key))
		}
	}
	if r.cols["date"] < 0 && len(p.values) > 1 {
		r.fail(p.values[1].at,
			fmt.Sprintf("%s a plusieurs valeurs : ajoutez une colonne date pour dire depuis quand chacune est en vigueur", p.name.Text),
			fmt.Sprintf("%s has several values: add a date column saying from when each is in force", p.name.Text))
	}
	for _, f := range []*tabular.Field{&p.minv, &p.maxv} {
		if f.Text != "" {
			if _, err := tabular.ParseNumber(f.Text, r.lang); err != nil {
				r.errs.Add(f.Errorf("%v", err))
			}
		}
	}
}

// paramsFile is the rule file named name of params, read from the table
// named from.
func paramsFile(from, name string, params []*param, lang tabular.Lang) *File {
	w := &yamlWriter{}
	w.line("# Paramètres importés de " + from + " par quotepart import.")
	w.line("# Chaque valeur est en vigueur de sa date jusqu'à la suivante.")
	w.line("parameters:")
	out := &File{Name: name, Kind: "parametres", From: from}
	for _, p := range params {
		out.IDs = append(out.IDs, p.name.Text)
		writeParam(w, p, lang)
	}
	out.Data, out.Origins = w.bytes(), w.origins
	return out
}

// writeParam writes p: one value when it has one undated, its values by
// date otherwise.
func writeParam(w *yamlWriter, p *param, lang tabular.Lang) {
	w.line("  "+p.name.Text+":", p.name.Pos)
	w.optionalText("    label", p.label)
	w.line("    description: "+yamlText(p.description.Text), p.description.Pos)
	w.line("    unit: "+yamlText(p.unit.Text), p.unit.Pos)
	w.sourceAndAssumption("    ", p.source, p.assumption)
	if len(p.values) == 1 && p.values[0].date.IsZero() {
		w.line("    value: "+p.values[0].value.String(), p.values[0].at.Pos)
	} else {
		w.line("    values:")
		for _, v := range sortedValues(p.values) {
			w.line("      "+v.date.String()+": "+v.value.String(), v.at.Pos)
		}
	}
	if p.minv.Text != "" {
		v, _ := tabular.ParseNumber(p.minv.Text, lang)
		w.line("    min: "+v.String(), p.minv.Pos)
	}
	if p.maxv.Text != "" {
		v, _ := tabular.ParseNumber(p.maxv.Text, lang)
		w.line("    max: "+v.String(), p.maxv.Pos)
	}
}

func sortedValues(vs []paramValue) []paramValue {
	out := append([]paramValue(nil), vs...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].date.Before(out[j-1].date); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// cellBelow is the cell of a workbook position's column on row: the
// position of an empty cell the table's row does not reach.
func cellBelow(p diag.Pos, row int) diag.Pos {
	i := strings.LastIndex(p.File, "!")
	if i < 0 {
		return p
	}
	ref := p.File[i+1:]
	col := strings.TrimRight(ref, "0123456789")
	return diag.Pos{File: fmt.Sprintf("%s!%s%d", p.File[:i], col, row)}
}

// ParamRow is a dated value of a parameter, for the parameters table.
type ParamRow struct {
	Name, Label, Description, Unit, Source, Assumption string
	Date                                               engine.Date
	Value                                              decimal.Decimal
	Min, Max                                           *decimal.Decimal
}

// newTable starts a workbook of one sheet, named sheet, whose first row
// is the header heads: a table that import reads back. The caller closes
// the file.
func newTable(sheet string, heads []string) (*excelize.File, *formWriter, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		f.Close()
		return nil, nil, err
	}
	w := &formWriter{f: f, styles: map[string]int{}}
	for c, h := range heads {
		w.set(sheet, c+1, 1, h, "head")
	}
	return f, w, nil
}

// ParametersTemplate writes a workbook of one sheet, the parameters table
// that import reads, filled with rows: the rules' parameters as they are,
// to change and import back.
func ParametersTemplate(rows []ParamRow) ([]byte, error) {
	const s = "Paramètres"
	heads := []string{"Paramètre", "Date", "Valeur", "Unité", "Description", "Libellé", "Source", "Hypothèse", "Min", "Max"}
	f, w, err := newTable(s, heads)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd")})
	if err != nil {
		return nil, err
	}
	for i, r := range rows {
		row := i + 2
		w.set(s, 1, row, r.Name, "")
		w.set(s, 2, row, time.Date(r.Date.Year, r.Date.Month, r.Date.Day, 0, 0, 0, 0, time.UTC), "")
		if w.err == nil {
			ref, _ := excelize.CoordinatesToCellName(2, row)
			w.err = f.SetCellStyle(s, ref, ref, dateStyle)
		}
		if w.err == nil {
			ref, _ := excelize.CoordinatesToCellName(3, row)
			// The exact text where a float would round it.
			if v := r.Value; v.Equal(decimal.NewFromFloat(v.InexactFloat64())) {
				w.err = f.SetCellFloat(s, ref, v.InexactFloat64(), -1, 64)
			} else {
				w.err = f.SetCellStr(s, ref, v.String())
			}
		}
		for c, v := range []string{r.Unit, r.Description, r.Label, r.Source, r.Assumption} {
			if v != "" {
				w.set(s, c+4, row, safeText(v), "")
			}
		}
		if r.Min != nil {
			w.set(s, 9, row, r.Min.String(), "")
		}
		if r.Max != nil {
			w.set(s, 10, row, r.Max.String(), "")
		}
	}
	if w.err != nil {
		return nil, w.err
	}
	for col, wd := range map[string]float64{"A": 32, "B": 12, "C": 14, "D": 10, "E": 50, "F": 30, "G": 50, "H": 50} {
		if err := f.SetColWidth(s, col, col, wd); err != nil {
			return nil, err
		}
	}
	if err := f.SetPanes(s, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	if err := f.AutoFilter(s, fmt.Sprintf("A1:J%d", max(len(rows)+1, 2)), nil); err != nil {
		return nil, err
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: "Paramètres", Creator: "quotepart", LastModifiedBy: "quotepart",
		Language: "fr", Created: "2000-01-01T00:00:00Z", Modified: "2000-01-01T00:00:00Z"}); err != nil {
		return nil, err
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func ptr[T any](v T) *T { return &v }

// safeText keeps a text from a rule file from reading as a formula in a
// spreadsheet (=, +, -, @ first): an apostrophe before it, which import
// takes off again.
func safeText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}
