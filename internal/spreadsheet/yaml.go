package spreadsheet

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/tabular"
)

// File is a quotepart file made from a spreadsheet.
type File struct {
	// Name is the file's name (ged-archives.yaml), Kind what it holds
	// (projet, parametres), From the sheet or file it came from.
	Name, Kind, From string
	Data             []byte
	// Origins maps a line of Data to the cell its value came from, so
	// that an error quotepart finds on that line is told at the cell.
	Origins map[int]diag.Pos
	// IDs are the requests or parameters the file declares.
	IDs []string
}

// Origin is the cell a position in the file came from, when known.
func (f *File) Origin(p diag.Pos) (diag.Pos, bool) {
	if p.File != f.Name || p.Line == 0 {
		return diag.Pos{}, false
	}
	o, ok := f.Origins[p.Line]
	return o, ok
}

// yamlWriter writes YAML line by line and remembers which cell each line
// came from.
type yamlWriter struct {
	lines   []string
	origins map[int]diag.Pos
}

func (w *yamlWriter) line(s string, from ...diag.Pos) {
	w.lines = append(w.lines, s)
	if len(from) > 0 && !from[0].IsZero() {
		if w.origins == nil {
			w.origins = map[int]diag.Pos{}
		}
		w.origins[len(w.lines)] = from[0]
	}
}

// optionalText writes key: f's text, when the cell has one.
func (w *yamlWriter) optionalText(key string, f tabular.Field) {
	if f.Text != "" {
		w.line(key+": "+yamlText(f.Text), f.Pos)
	}
}

// sourceAndAssumption writes, at indent, the source and the assumption a
// table gives for a figure, those it gives.
func (w *yamlWriter) sourceAndAssumption(indent string, source, assumption tabular.Field) {
	w.optionalText(indent+"source", source)
	w.optionalText(indent+"assumption", assumption)
}

func (w *yamlWriter) bytes() []byte { return []byte(strings.Join(w.lines, "\n") + "\n") }

// yamlText writes a text as a YAML scalar: plain when YAML reads it back
// as the same text, double-quoted otherwise.
func yamlText(s string) string {
	if plainSafe.MatchString(s) && !strings.Contains(s, ": ") && !strings.Contains(s, " #") && !strings.HasSuffix(s, ":") &&
		!slices.Contains([]string{"true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"}, strings.ToLower(s)) {
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return s
		}
	}
	return strconv.Quote(s)
}

var plainSafe = regexp.MustCompile(`^[\p{L}\p{N}(][^\x00-\x1f\x7f"{}\[\],&*!|>%@` + "`" + `]*[^\s:]$|^[\p{L}\p{N}]$`)

// yamlExpr writes an expression (or a number) as a YAML scalar that
// quotepart reads as that expression: plain when it can be, quoted
// otherwise.
func yamlExpr(s string) string {
	if plainExpr.MatchString(s) && !strings.Contains(s, ": ") && !strings.Contains(s, " #") {
		return s
	}
	return strconv.Quote(s)
}

var plainExpr = regexp.MustCompile(`^[0-9A-Za-z_(][0-9A-Za-z_ .()+\-*/^<>=!]*$`)

// Errors returns the errors of l as one error, in the order a reader of
// the spreadsheet expects: by file and sheet, then by row and column
// (B4 before B11, as diag.List's order by text would not), then a CSV
// file's by line and column; nil when l is empty.
func Errors(l diag.List) error {
	if len(l) == 0 {
		return nil
	}
	out := slices.Clone(l)
	slices.SortStableFunc(out, func(a, b *diag.Error) int {
		fa, ra, ca := cellOrder(a.Pos)
		fb, rb, cb := cellOrder(b.Pos)
		if fa != fb {
			return strings.Compare(fa, fb)
		}
		if ra != rb {
			return ra - rb
		}
		return ca - cb
	})
	return slices.CompactFunc(out, func(a, b *diag.Error) bool { return a.Pos == b.Pos && a.Msg == b.Msg })
}

var cellRef = regexp.MustCompile(`^(.*!)\$?([A-Z]{1,3})\$?([0-9]+)(?::.*)?$`)

// cellOrder is the order of a position: fiche.xlsx!Projet!B11 is
// ("fiche.xlsx!Projet!", 11, 2).
func cellOrder(p diag.Pos) (string, int, int) {
	if m := cellRef.FindStringSubmatch(p.File); m != nil {
		row, _ := strconv.Atoi(m[3])
		col := 0
		for _, r := range m[2] {
			col = col*26 + int(r-'A'+1)
		}
		return m[1], row, col
	}
	return p.File, p.Line, p.Col
}
