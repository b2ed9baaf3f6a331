package spreadsheet

import (
	"bytes"
	"strings"
	"testing"

	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/tabular"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// Errors of a workbook come in the order of its cells: B4 before B11.
func TestErrorsOrder(t *testing.T) {
	l := diag.List{
		{Pos: diag.Pos{File: "f.xlsx!Projet!A24"}, Msg: "c"},
		{Pos: diag.Pos{File: "f.xlsx!Projet!B11"}, Msg: "b"},
		{Pos: diag.Pos{File: "f.xlsx!Projet!B4"}, Msg: "a"},
		{Pos: diag.Pos{File: "f.xlsx!Projet!AA4"}, Msg: "a2"},
		{Pos: diag.Pos{File: "f.csv", Line: 10, Col: 2}, Msg: "e"},
		{Pos: diag.Pos{File: "f.csv", Line: 2, Col: 9}, Msg: "d"},
		{Pos: diag.Pos{File: "f.xlsx!Projet!E24:F24"}, Msg: "m"},
	}
	var got []string
	for _, e := range diag.Flatten(Errors(l)) {
		got = append(got, e.Msg)
	}
	if s := strings.Join(got, " "); s != "d e a a2 b c m" {
		t.Errorf("order %s", s)
	}
	if Errors(nil) != nil {
		t.Error("no error is nil")
	}
}

func TestNumberText(t *testing.T) {
	for in, want := range map[string]string{
		"0.30000000000000004": "0.3",
		"4167450":             "4167450",
		"0.4668":              "0.4668",
		"1925361.9000000001":  "1925361.9",
		"123456789012345678":  "123456789012346000",
	} {
		if got := numberText(decimal.RequireFromString(in)); got != want {
			t.Errorf("numberText(%s) = %s, want %s", in, got, want)
		}
	}
}

// A cell shown as a date reads as a date, a number as its decimal text, a
// formula as its result; a text kept from reading as a formula loses its
// apostrophe.
func TestCell(t *testing.T) {
	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "A1", 0.4668)
	f.SetCellValue("Sheet1", "A2", "1 234,56")
	f.SetCellValue("Sheet1", "A3", 46023) // 2026-01-01
	style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	f.SetCellStyle("Sheet1", "A3", "A3", style)
	custom := "dd/mm/yyyy"
	style2, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &custom})
	f.SetCellValue("Sheet1", "A4", 46023)
	f.SetCellStyle("Sheet1", "A4", "A4", style2)
	f.SetCellFormula("Sheet1", "A5", "A1*2")
	f.SetCellValue("Sheet1", "A6", "'=HYPERLINK(x)")
	f.SetCellFormula("Sheet1", "A7", "1/0")
	var b bytes.Buffer
	f.Write(&b)
	book, err := OpenXLSX("t.xlsx", b.Bytes(), tabular.DefaultLimits, tabular.French)
	if err != nil {
		t.Fatal(err)
	}
	for row, want := range map[int]string{1: "0.4668", 2: "1 234,56", 3: "2026-01-01", 4: "2026-01-01", 5: "0.9336", 6: "=HYPERLINK(x)"} {
		if got := book.Cell("Sheet1", 1, row); got.Text != want || got.Problem != "" {
			t.Errorf("A%d: %+v, want %q", row, got, want)
		}
	}
	if got := book.Cell("Sheet1", 1, 7); !strings.Contains(got.Problem, "#DIV/0!") || got.Pos.String() != "t.xlsx!Sheet1!A7" {
		t.Errorf("A7: %+v", got)
	}
}

func TestIsFormulaError(t *testing.T) {
	for _, s := range []string{"#DIV/0!", "#REF!", "#N/A", "#VALUE!", "#NAME?"} {
		if !isFormulaError(s) {
			t.Errorf("%s", s)
		}
	}
	if isFormulaError("#1") || isFormulaError("deux") {
		t.Error("text taken for an error")
	}
}

// A workbook that is not one, or a zip that inflates beyond the limits,
// is an error, never a panic.
func FuzzOpenXLSX(f *testing.F) {
	tmpl, err := Template(FormSpec{Years: []int{2027, 2028}, Members: []Choice{{ID: "a"}, {ID: "b"}},
		Dimensions: []Choice{{ID: "financial", Label: "Financier", Unit: "EUR"}}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(tmpl)
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := OpenXLSX("f.xlsx", data, tabular.DefaultLimits, tabular.French)
		if err != nil {
			return
		}
		defer b.Close()
		_, _ = Forms(b, FormOptions{Spec: FormSpec{Years: []int{2027, 2028}}, Lang: tabular.French})
		for _, s := range b.Sheets() {
			if tab, err := b.Table(s); err == nil && IsParameters(tab) {
				_, _ = Parameters(tab, "p.yaml", tabular.French)
			}
		}
	})
}

// Any CSV read as a parameters table gives an error or a rule file,
// never a panic.
func FuzzParametersCSV(f *testing.F) {
	f.Add([]byte("paramètre;date;valeur;unité;description\nx;2026;1 234,5;EUR;X\n"))
	f.Add([]byte("parametre,valeur,unite,description\nx,1,EUR,X\nx,2,EUR,Y\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := tabular.ReadCSV("p.csv", data, tabular.DefaultLimits, tabular.French)
		if err != nil {
			return
		}
		_, _ = Parameters(tab, "p.yaml", tabular.French)
	})
}
