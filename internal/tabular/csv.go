package tabular

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/quotepart/quotepart/internal/diag"
	"golang.org/x/text/encoding/charmap"
)

// Limits bound the work a table may ask for.
type Limits struct {
	// MaxBytes is the largest file read, checked before decoding.
	MaxBytes int64
	// MaxRows and MaxCols bound the rows and the fields of a row.
	MaxRows, MaxCols int
}

// DefaultLimits are generous for any table a shared service keeps (the
// national list of EPCI and communes, 34,871 rows, is 2.7 MB) and small
// enough that a wrong file is refused at once.
var DefaultLimits = Limits{MaxBytes: 16 << 20, MaxRows: 200_000, MaxCols: 500}

// Field is one value of a table and where it is written.
type Field struct {
	Text string
	Pos  diag.Pos
	// Source is the text of the line the field is on (CSV), for the caret
	// of an error; "" in a workbook.
	Source string
	// Problem, when set, says why the cell holds no usable value (a
	// formula whose result is an error): reading it is that error.
	Problem string
}

// Row is a line of a table; Line is its line in the file (CSV) or its row
// number (a sheet).
type Row struct {
	Line   int
	Fields []Field
}

// Table is what a CSV file or a sheet holds, in order.
type Table struct {
	// Name names the table in messages: the file's path, or
	// "fiche.xlsx!Projet" for a sheet.
	Name string
	Rows []Row
	// Encoding and Separator say how a CSV file was read ("UTF-8",
	// "Windows-1252", "UTF-16"; ';', '\t' or ','); empty for a sheet.
	Encoding  string
	Separator rune
}

// Errorf makes an error at f.
func (f Field) Errorf(format string, args ...any) *diag.Error {
	return &diag.Error{Pos: f.Pos, Code: diag.Invalid, Msg: fmt.Sprintf(format, args...), Source: f.Source}
}

// ReadCSV reads a CSV file named name whose bytes are data. Blank lines
// are skipped; rows may have different lengths (the caller checks them).
func ReadCSV(name string, data []byte, lim Limits, lang Lang) (*Table, error) {
	if err := lim.CheckSize(name, int64(len(data)), lang); err != nil {
		return nil, err
	}
	text, enc, err := decodeText(data, lang)
	if err != nil {
		return nil, diag.Errorf(diag.Pos{File: name}, diag.Invalid, "%v", err)
	}
	if strings.ContainsRune(text, 0) {
		return nil, diag.Errorf(diag.Pos{File: name}, diag.Invalid, "%s", lang.Say(
			"le fichier contient des octets NUL : ce n'est pas un fichier texte (CSV) ; enregistrez la feuille au format CSV",
			"the file holds NUL bytes: it is not a text (CSV) file; save the sheet as CSV"))
	}
	lines := splitLines(text)
	sep := separator(firstLine(lines))
	t := &Table{Name: name, Encoding: enc, Separator: sep}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = sep
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			pos := diag.Pos{File: name}
			msg := err.Error()
			if errors.As(err, &pe) {
				pos.Line, pos.Col = pe.Line, 0
				msg = pe.Err.Error()
			}
			return nil, &diag.Error{Pos: pos, Code: diag.Invalid, Msg: lang.Say("CSV invalide : ", "invalid CSV: ") + msg, Source: lineAt(lines, pos.Line)}
		}
		line, _ := r.FieldPos(0)
		if blank(rec) {
			continue
		}
		if lim.MaxRows > 0 && len(t.Rows) >= lim.MaxRows {
			return nil, diag.Errorf(diag.Pos{File: name, Line: line}, diag.Invalid, "%s", lang.Say(
				fmt.Sprintf("plus de %d lignes, la limite", lim.MaxRows), fmt.Sprintf("more than %d rows, the limit", lim.MaxRows)))
		}
		if lim.MaxCols > 0 && len(rec) > lim.MaxCols {
			return nil, diag.Errorf(diag.Pos{File: name, Line: line}, diag.Invalid, "%s", lang.Say(
				fmt.Sprintf("%d champs sur cette ligne, plus que la limite de %d", len(rec), lim.MaxCols),
				fmt.Sprintf("%d fields on this line, more than the limit of %d", len(rec), lim.MaxCols)))
		}
		row := Row{Line: line, Fields: make([]Field, len(rec))}
		for i, v := range rec {
			l, c := r.FieldPos(i)
			src := lineAt(lines, l)
			col := 0
			if c >= 1 && c-1 <= len(src) {
				col = utf8.RuneCountInString(src[:c-1]) + 1
			}
			row.Fields[i] = Field{Text: v, Pos: diag.Pos{File: name, Line: l, Col: col}, Source: src}
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// CheckSize refuses a file of n bytes larger than lim.MaxBytes, before
// it is read any further.
func (lim Limits) CheckSize(name string, n int64, lang Lang) error {
	if lim.MaxBytes <= 0 || n <= lim.MaxBytes {
		return nil
	}
	return diag.Errorf(diag.Pos{File: name}, diag.Invalid, "%s", lang.Say(
		fmt.Sprintf("le fichier fait %s, plus que la limite de %s", lang.Size(n), lang.Size(lim.MaxBytes)),
		fmt.Sprintf("the file is %s, more than the limit of %s", lang.Size(n), lang.Size(lim.MaxBytes))))
}

// Size words a size in bytes for messages: "50.0 MB", "16.0 MB", "912 bytes"
// ("50,0 Mo" in French).
func (l Lang) Size(n int64) string {
	var s string
	switch {
	case n >= 1<<20:
		s = fmt.Sprintf("%.1f %s", float64(n)/(1<<20), l.Say("Mo", "MB"))
	case n >= 1<<10:
		s = fmt.Sprintf("%.1f %s", float64(n)/(1<<10), l.Say("Ko", "KB"))
	default:
		return fmt.Sprintf("%d %s", n, l.Say("octets", "bytes"))
	}
	if l == French {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// decodeText turns the bytes of a text file into UTF-8 and says which
// encoding they were in.
func decodeText(data []byte, lang Lang) (string, string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
		if !utf8.Valid(data) {
			return "", "", errors.New(lang.Say("le fichier commence par la marque d'ordre des octets de l'UTF-8 mais n'est pas en UTF-8",
				"the file starts with a UTF-8 byte-order mark but is not UTF-8"))
		}
		return string(data), "UTF-8", nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		if len(data)%2 != 0 {
			return "", "", errors.New(lang.Say("le fichier commence par la marque d'ordre des octets de l'UTF-16 mais a un nombre impair d'octets",
				"the file starts with a UTF-16 byte-order mark but has an odd number of bytes"))
		}
		big := data[0] == 0xFE
		units := make([]uint16, 0, len(data)/2-1)
		for i := 2; i+1 < len(data); i += 2 {
			if big {
				units = append(units, uint16(data[i])<<8|uint16(data[i+1]))
			} else {
				units = append(units, uint16(data[i+1])<<8|uint16(data[i]))
			}
		}
		return string(utf16.Decode(units)), "UTF-16", nil
	case utf8.Valid(data):
		return string(data), "UTF-8", nil
	}
	s, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return "", "", errors.New(lang.Say("le fichier n'est un texte ni en UTF-8 ni en Windows-1252 (Latin-1)",
			"the file is neither UTF-8 nor Windows-1252 (Latin-1) text"))
	}
	return string(s), "Windows-1252", nil
}

func splitLines(text string) []string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

func lineAt(lines []string, n int) string {
	if n < 1 || n > len(lines) {
		return ""
	}
	return lines[n-1]
}

func firstLine(lines []string) string {
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			return l
		}
	}
	return ""
}

// separator chooses the field separator from the first line: the one
// among ';', tab and ',' that occurs most often outside quotes, ';' first
// on a tie (a French spreadsheet's CSV), ';' for a line with none.
func separator(line string) rune {
	counts := map[rune]int{}
	quoted := false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && (r == ';' || r == '\t' || r == ','):
			counts[r]++
		}
	}
	best := ';'
	for _, r := range []rune{'\t', ','} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}
