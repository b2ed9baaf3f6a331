package tabular

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/quotepart/quotepart/internal/diag"
	"golang.org/x/text/encoding/charmap"
)

func TestParseNumber(t *testing.T) {
	for in, want := range map[string]string{
		"1 234,56":               "1234.56",
		"1\u00a0234\u00a0567,8":  "1234567.8",
		"1\u202f234,56 €":        "1234.56",
		"1234.56":                "1234.56",
		"1.234,56":               "1234.56",
		"1,234.56":               "1234.56",
		"1.234.567":              "1234567",
		"0,4668":                 "0.4668",
		"-3":                     "-3",
		"\u22123,5":              "-3.5",
		"+7":                     "7",
		"12 %":                   "0.12",
		"3,00 %":                 "0.03",
		"1,5E+06":                "1500000",
		"2.5e-3":                 "0.0025",
		"4167450 EUR":            "4167450",
		",5":                     "0.5",
		"0.46680000000000000001": "0.46680000000000000001",
		"1'234,5":                "1234.5",
	} {
		got, err := ParseNumber(in, French)
		if err != nil {
			t.Errorf("ParseNumber(%q): %v", in, err)
			continue
		}
		if got.String() != want {
			t.Errorf("ParseNumber(%q) = %s, want %s", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"deux":     "« deux » n'est pas un nombre",
		"":         "«  » n'est pas un nombre : la cellule est vide",
		"1,234,56": "« 1,234,56 » n'est pas un nombre : plusieurs virgules : écrivez la virgule décimale une seule fois (1 234,56)",
		"12 34":    "« 12 34 » n'est pas un nombre",
		"1.2.3,4":  "« 1.2.3,4 » n'est pas un nombre",
		"3e999":    "« 3e999 » n'est pas un nombre : exposant hors de −100 à 100",
		"#DIV/0!":  "« #DIV/0! » n'est pas un nombre",
		"--3":      "« --3 » n'est pas un nombre",
	} {
		_, err := ParseNumber(in, French)
		if err == nil || err.Error() != want {
			t.Errorf("ParseNumber(%q): %v, want %s", in, err, want)
		}
	}
	if _, err := ParseNumber("two", English); err == nil || err.Error() != `"two" is not a number` {
		t.Errorf("English: %v", err)
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"2026-01-01": "2026-01-01",
		"01/02/2026": "2026-02-01",
		"1/2/2026":   "2026-02-01",
		"31.12.2026": "2026-12-31",
		"31-12-2026": "2026-12-31",
		"2027":       "2027-01-01",
	} {
		got, err := ParseDate(in, true, French)
		if err != nil || got.String() != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"12/31/2026": "« 12/31/2026 » n'est pas une date : on dirait une date américaine (mois/jour/année) ; écrivez 31/12/2026 (jour/mois/année) ou 2026-12-31",
		"31/02/2026": "« 31/02/2026 » n'est pas une date : jour ou mois impossible",
		"2026-13-01": "« 2026-13-01 » n'est pas une date : jour ou mois impossible",
		"demain":     "« demain » n'est pas une date : écrivez 31/12/2026, 2026-12-31 ou une année (2026)",
	} {
		_, err := ParseDate(in, true, French)
		if err == nil || err.Error() != want {
			t.Errorf("ParseDate(%q): %v\nwant %s", in, err, want)
		}
	}
	if _, err := ParseDate("2026", false, French); err == nil {
		t.Error("a year alone where a day is expected")
	}
	if _, err := ParseDate("12/31/2026", false, English); err == nil || !strings.Contains(err.Error(), "US date (month/day/year); write 2026-12-31 or 31/12/2026") {
		t.Errorf("English: %v", err)
	}
}

// What French spreadsheets write: ';', decimal commas, Windows-1252.
func TestReadCSVFrench(t *testing.T) {
	text := "membre;année;population\r\nTrouville-sur-Mer;2026;4 679\r\n\r\nSaint-Gatien-des-Bois;2026;\"1 344\"\r\n"
	latin1, err := charmap.Windows1252.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, data, enc string
	}{
		{"utf8.csv", text, "UTF-8"},
		{"bom.csv", "\xef\xbb\xbf" + text, "UTF-8"},
		{"latin1.csv", latin1, "Windows-1252"},
		{"utf16.csv", utf16le(text), "UTF-16"},
	} {
		tab, err := ReadCSV(tc.name, []byte(tc.data), DefaultLimits, French)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if tab.Encoding != tc.enc || tab.Separator != ';' || len(tab.Rows) != 3 {
			t.Errorf("%s: %s, %q, %d rows", tc.name, tab.Encoding, tab.Separator, len(tab.Rows))
			continue
		}
		if h := tab.Rows[0].Fields[1]; h.Text != "année" {
			t.Errorf("%s: header %q", tc.name, h.Text)
		}
		f := tab.Rows[2].Fields[2]
		if f.Text != "1 344" || f.Pos != (diag.Pos{File: tc.name, Line: 4, Col: 28}) || f.Source != `Saint-Gatien-des-Bois;2026;"1 344"` {
			t.Errorf("%s: %+v", tc.name, f)
		}
		if tab.Rows[2].Line != 4 {
			t.Errorf("%s: the blank line is counted: row on line %d", tc.name, tab.Rows[2].Line)
		}
	}
}

func TestSeparator(t *testing.T) {
	for in, want := range map[string]rune{
		"a;b;c":            ';',
		"a,b,c":            ',',
		"a\tb\tc":          '\t',
		`"x;y",b,c`:        ',',
		"nom;valeur,unité": ';',
		"seul":             ';',
	} {
		if got := separator(in); got != want {
			t.Errorf("separator(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReadCSVErrors(t *testing.T) {
	big := bytes.Repeat([]byte("a;1\n"), 50<<20/4)
	_, err := ReadCSV("gros.csv", big, DefaultLimits, French)
	if err == nil || err.Error() != "gros.csv: le fichier fait 50,0 Mo, plus que la limite de 16,0 Mo" {
		t.Errorf("50 MB: %v", err)
	}
	_, err = ReadCSV("binaire.csv", []byte("PK\x03\x04\x00\x00"), DefaultLimits, English)
	if err == nil || !strings.Contains(err.Error(), "NUL bytes") {
		t.Errorf("binary: %v", err)
	}
	_, err = ReadCSV("lignes.csv", []byte("a\nb\nc\n"), Limits{MaxRows: 2}, English)
	if err == nil || err.Error() != "lignes.csv:3: more than 2 rows, the limit" {
		t.Errorf("rows: %v", err)
	}
	_, err = ReadCSV("cols.csv", []byte("a;b;c\n"), Limits{MaxCols: 2}, English)
	if err == nil || err.Error() != "cols.csv:1: 3 fields on this line, more than the limit of 2" {
		t.Errorf("columns: %v", err)
	}
	_, err = ReadCSV("odd.csv", []byte{0xFF, 0xFE, 'a'}, DefaultLimits, English)
	if err == nil || !strings.Contains(err.Error(), "UTF-16") {
		t.Errorf("odd UTF-16: %v", err)
	}
}

func utf16le(s string) string {
	var b bytes.Buffer
	b.Write([]byte{0xFF, 0xFE})
	for _, u := range utf16.Encode([]rune(s)) {
		b.WriteByte(byte(u))
		b.WriteByte(byte(u >> 8))
	}
	return b.String()
}

func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("membre;année;population\nville;2026;1 234,5\n"))
	f.Add([]byte("\xef\xbb\xbfa,b\n\"x\ny\",2\n"))
	f.Add([]byte{0xFF, 0xFE, 'a', 0, ';', 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := ReadCSV("f.csv", data, DefaultLimits, French)
		if err != nil {
			return
		}
		for _, r := range tab.Rows {
			for _, fl := range r.Fields {
				_, _ = ParseNumber(fl.Text, French)
				_, _ = ParseDate(fl.Text, true, French)
			}
		}
	})
}
