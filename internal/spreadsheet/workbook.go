package spreadsheet

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/tabular"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// Limits of a workbook beyond those of tabular.Limits: what its zip may
// decompress to, in all and for one of its XML parts.
const (
	maxUnzipped    = 128 << 20
	maxUnzippedXML = 64 << 20
)

// Book is a workbook opened for import.
type Book struct {
	// Name names the file in messages (fiche.xlsx).
	Name   string
	f      *excelize.File
	lang   tabular.Lang
	lim    tabular.Limits
	date04 bool
}

// OpenXLSX opens the bytes of a workbook named name.
func OpenXLSX(name string, data []byte, lim tabular.Limits, lang tabular.Lang) (*Book, error) {
	if err := lim.CheckSize(name, int64(len(data)), lang); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: maxUnzippedXML})
	if err != nil {
		return nil, diag.Errorf(diag.Pos{File: name}, diag.Invalid, "%s", lang.Say(
			"ce n'est pas un classeur XLSX lisible ("+err.Error()+") ; enregistrez-le au format Classeur Excel (.xlsx)",
			"not a readable XLSX workbook ("+err.Error()+"); save it as an Excel workbook (.xlsx)"))
	}
	b := &Book{Name: name, f: f, lang: lang, lim: lim}
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		b.date04 = *props.Date1904
	}
	return b, nil
}

// Close releases the workbook.
func (b *Book) Close() error { return b.f.Close() }

// Sheets lists the sheets, in order.
func (b *Book) Sheets() []string { return b.f.GetSheetList() }

// pos is where a cell is, as messages name it: fiche.xlsx!Projet!C12.
func (b *Book) pos(sheet string, col, row int) diag.Pos {
	ref, _ := excelize.CoordinatesToCellName(col, row)
	return diag.Pos{File: fmt.Sprintf("%s!%s!%s", b.Name, sheet, ref)}
}

// Size returns the rows and columns a sheet uses, within the limits.
func (b *Book) Size(sheet string) (rows, cols int, err error) {
	all, err := b.f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return 0, 0, diag.Errorf(diag.Pos{File: b.Name + "!" + sheet}, diag.Invalid, "%v", err)
	}
	for _, r := range all {
		cols = max(cols, len(r))
	}
	rows = len(all)
	if b.lim.MaxRows > 0 && rows > b.lim.MaxRows {
		return 0, 0, diag.Errorf(diag.Pos{File: b.Name + "!" + sheet}, diag.Invalid, "%s", b.lang.Say(
			fmt.Sprintf("la feuille a %d lignes, plus que la limite de %d", rows, b.lim.MaxRows),
			fmt.Sprintf("the sheet has %d rows, more than the limit of %d", rows, b.lim.MaxRows)))
	}
	if b.lim.MaxCols > 0 && cols > b.lim.MaxCols {
		return 0, 0, diag.Errorf(diag.Pos{File: b.Name + "!" + sheet}, diag.Invalid, "%s", b.lang.Say(
			fmt.Sprintf("la feuille a %d colonnes, plus que la limite de %d", cols, b.lim.MaxCols),
			fmt.Sprintf("the sheet has %d columns, more than the limit of %d", cols, b.lim.MaxCols)))
	}
	return rows, cols, nil
}

// Cell reads one cell as a field: its text as the spreadsheet holds it (a
// number as its decimal text, a date cell as 2026-01-01, a formula as its
// result), positioned on the cell. A formula whose result is an error
// comes back with Problem set.
func (b *Book) Cell(sheet string, col, row int) tabular.Field {
	ref, _ := excelize.CoordinatesToCellName(col, row)
	fl := tabular.Field{Pos: b.pos(sheet, col, row)}
	raw, _ := b.f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
	formula, _ := b.f.GetCellFormula(sheet, ref)
	if formula != "" && raw == "" {
		// A formula no spreadsheet has computed yet (a file written
		// by a program): compute it.
		v, err := b.f.CalcCellValue(sheet, ref, excelize.Options{RawCellValue: true})
		if err != nil && !isFormulaError(v) {
			fl.Problem = b.lang.Say("la formule de la cellule ne se calcule pas ("+strings.TrimSpace(v+" "+err.Error())+")",
				"the cell's formula cannot be computed ("+strings.TrimSpace(v+" "+err.Error())+")")
			return fl
		}
		raw = v
	}
	if isFormulaError(raw) {
		fl.Text = raw
		if formula != "" {
			fl.Problem = b.lang.Say("la formule de la cellule renvoie une erreur ("+raw+") : corrigez-la ou écrivez la valeur",
				"the cell's formula gives an error ("+raw+"): correct it or write the value")
		} else {
			fl.Problem = b.lang.Say("la cellule contient une erreur ("+raw+")", "the cell holds an error ("+raw+")")
		}
		return fl
	}
	fl.Text = raw
	// A text kept from reading as a formula ('=x, as reports and the
	// parameters template write it) is the text after the apostrophe.
	if len(raw) > 1 && raw[0] == '\'' && strings.ContainsRune("=+-@", rune(raw[1])) {
		fl.Text = raw[1:]
	}
	typ, _ := b.f.GetCellType(sheet, ref)
	if (typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset || typ == excelize.CellTypeDate || typ == excelize.CellTypeFormula) && raw != "" {
		if v, err := strconv.ParseFloat(raw, 64); err == nil && b.isDate(sheet, ref, typ) {
			if t, err := excelize.ExcelDateToTime(v, b.date04); err == nil {
				fl.Text = t.Format(time.DateOnly)
				return fl
			}
		}
		if d, err := decimal.NewFromString(raw); err == nil {
			fl.Text = numberText(d)
		}
	}
	return fl
}

// numberText writes a number read from a cell as its decimal text, the
// binary float's noise rounded off at 15 significant digits, as a
// spreadsheet shows it (0.1 + 0.2 saved as 0.30000000000000004 reads 0.3).
func numberText(d decimal.Decimal) string {
	digits := len(d.Coefficient().String())
	if digits > 15 {
		d = d.Round(int32(15 - (digits + int(d.Exponent()))))
	}
	return d.String()
}

func isFormulaError(s string) bool {
	switch s {
	case "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#N/A", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA":
		return true
	}
	return false
}

// isDate reports whether a numeric cell is shown as a date.
func (b *Book) isDate(sheet, ref string, typ excelize.CellType) bool {
	if typ == excelize.CellTypeDate {
		return true
	}
	id, err := b.f.GetCellStyle(sheet, ref)
	if err != nil || id == 0 {
		return false
	}
	st, err := b.f.GetStyle(id)
	if err != nil || st == nil {
		return false
	}
	switch {
	case st.NumFmt >= 14 && st.NumFmt <= 22, st.NumFmt >= 27 && st.NumFmt <= 36, st.NumFmt >= 45 && st.NumFmt <= 47, st.NumFmt >= 50 && st.NumFmt <= 58:
		return true
	}
	if st.CustomNumFmt == nil {
		return false
	}
	f := strings.ToLower(*st.CustomNumFmt)
	// Drop quoted text and [colour] or [$-40C] parts.
	var b2 strings.Builder
	quoted, bracket := false, false
	for _, r := range f {
		switch {
		case r == '"':
			quoted = !quoted
		case r == '[' && !quoted:
			bracket = true
		case r == ']' && !quoted:
			bracket = false
		case !quoted && !bracket:
			b2.WriteRune(r)
		}
	}
	g := b2.String()
	return strings.Contains(g, "yy") || strings.Contains(g, "dd") || strings.Contains(g, "mmm") || strings.Contains(g, "d/m") || strings.Contains(g, "m/d")
}

// Merged returns the first range of merged cells that overlaps the
// rectangle of columns c1–c2 and rows r1–r2, as an error naming it.
func (b *Book) Merged(sheet string, c1, r1, c2, r2 int) error {
	merges, err := b.f.GetMergeCells(sheet)
	if err != nil {
		return nil
	}
	for _, m := range merges {
		sc, sr, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		ec, er, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil {
			continue
		}
		if sc <= c2 && ec >= c1 && sr <= r2 && er >= r1 {
			rng := m.GetStartAxis() + ":" + m.GetEndAxis()
			return diag.Errorf(diag.Pos{File: fmt.Sprintf("%s!%s!%s", b.Name, sheet, rng)}, diag.Invalid, "%s", b.lang.Say(
				"cellules fusionnées dans un tableau à importer : défusionnez-les, une valeur par cellule",
				"merged cells in a table to import: unmerge them, one value per cell"))
		}
	}
	return nil
}

// Table reads a whole sheet as a table of fields, for the tables read
// row by row (parameters): each row's cells up to its last one used.
func (b *Book) Table(sheet string) (*tabular.Table, error) {
	rows, cols, err := b.Size(sheet)
	if err != nil {
		return nil, err
	}
	t := &tabular.Table{Name: b.Name + "!" + sheet}
	for r := 1; r <= rows; r++ {
		row := tabular.Row{Line: r}
		last := 0
		for c := 1; c <= cols; c++ {
			fl := b.Cell(sheet, c, r)
			row.Fields = append(row.Fields, fl)
			if strings.TrimSpace(fl.Text) != "" || fl.Problem != "" {
				last = c
			}
		}
		row.Fields = row.Fields[:last]
		if last > 0 {
			t.Rows = append(t.Rows, row)
		}
	}
	if err := b.Merged(sheet, 1, 1, max(cols, 1), max(rows, 1)); err != nil {
		return nil, err
	}
	return t, nil
}
