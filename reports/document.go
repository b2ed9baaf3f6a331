package reports

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/shopspring/decimal"
)

// A document is a report laid out for reading, independent of its final
// format: sections of paragraphs, tables and charts. The HTML and Markdown
// renderings walk the same document, so they show the same figures.
type document struct {
	Lang     Lang
	Title    string
	Meta     []string // lines under the title
	Contents string   // the heading of the table of contents
	Sections []*section
}

type section struct {
	ID     string // anchor, ASCII
	Title  string
	Level  int // 1 for a chapter, 2 and 3 below
	Blocks []block
	// Break asks for a new page before the section when printed.
	Break bool
}

// block is one of: a paragraph, a note, a table, a chart, a definition
// list.
type block struct {
	Para  string
	Note  string // a paragraph in smaller type: assumptions, methods
	Table *table
	Chart *chart
	Defs  [][2]string // term, definition
	// List is a bulleted list under an optional title; Key marks the key
	// messages of a summary.
	List      []string
	ListTitle string
	Key       bool
}

func (s *section) para(text string) { s.Blocks = append(s.Blocks, block{Para: text}) }
func (s *section) note(text string) { s.Blocks = append(s.Blocks, block{Note: text}) }
func (s *section) add(t *table) {
	if t.Name == "" {
		t.Name = cmpOr(t.Caption, s.Title)
	}
	s.Blocks = append(s.Blocks, block{Table: t})
}
func (s *section) addChart(c *chart)  { s.Blocks = append(s.Blocks, block{Chart: c}) }
func (s *section) defs(d [][2]string) { s.Blocks = append(s.Blocks, block{Defs: d}) }
func (s *section) list(title string, items []string, key bool) {
	if len(items) > 0 {
		s.Blocks = append(s.Blocks, block{List: items, ListTitle: title, Key: key})
	}
}
func (d *document) open(s *section) *section {
	d.Sections = append(d.Sections, s)
	return s
}

// table is a table of typed cells: text cells are shown as written, number
// cells are formatted for the language by their kind (and stored as numbers
// in a spreadsheet).
type table struct {
	Sheet   string // name of its sheet in a workbook; "" when it has none
	Caption string
	Head    []string
	Rows    [][]cell
	// Widths are the column widths in a spreadsheet, in characters; 0 for
	// the default.
	Widths []float64
	// Small asks for a smaller type (wide tables).
	Small bool
	// Name is what a screen reader calls the table's scrolling region:
	// its caption, else its section's title.
	Name string
}

type cellKind int

const (
	textCell        cellKind = iota
	codeCell                 // an id or a position, in a monospace font, on one line
	formulaCell              // a formula, in a monospace font, wrapped where needed
	moneyCell                // EUR to the cent
	signedMoneyCell          // EUR to the cent, with + when positive
	keyCell                  // a key (0.462) shown as a percentage (46,20 %)
	pctCell                  // a percentage already × 100, signed (+1,23 %)
	numberCell               // a number with Decimals decimals
	yearCell                 // an integer shown without grouping
	dateCell                 // a day
	emptyCell                // nothing (an undefined percentage)
)

type cell struct {
	Kind     cellKind
	Text     string
	Value    decimal.Decimal
	Decimals int32
	Date     engine.Date
	Strong   bool
	// Spans, when set, are the text of a text cell in pieces, some of
	// them links (the source of a rule, to its URL); Text is then their
	// concatenation, for the formats without links.
	Spans []span
}

// span is a piece of text, linked to URL when it is set (an http or https
// address, checked when the rules were loaded).
type span struct {
	Text, URL string
}

// spansC is a text cell made of spans; empty spans are left out and the
// others separated by a space.
func spansC(parts ...span) cell {
	var kept []span
	var texts []string
	for _, p := range parts {
		if p.Text == "" {
			continue
		}
		if len(kept) > 0 {
			kept = append(kept, span{Text: " "})
		}
		kept = append(kept, p)
		texts = append(texts, p.Text)
	}
	return cell{Kind: textCell, Text: strings.Join(texts, " "), Spans: kept}
}

func textC(s string) cell                 { return cell{Kind: textCell, Text: s} }
func formulaC(s string) cell              { return cell{Kind: formulaCell, Text: s} }
func codeC(s string) cell                 { return cell{Kind: codeCell, Text: s} }
func moneyC(d decimal.Decimal) cell       { return cell{Kind: moneyCell, Value: d} }
func signedMoneyC(d decimal.Decimal) cell { return cell{Kind: signedMoneyCell, Value: d} }
func keyC(d decimal.Decimal) cell         { return cell{Kind: keyCell, Value: d} }
func numberC(d decimal.Decimal, places int32) cell {
	return cell{Kind: numberCell, Value: d, Decimals: places}
}
func yearC(y int) cell           { return cell{Kind: yearCell, Value: decimal.NewFromInt(int64(y))} }
func dateC(d engine.Date) cell   { return cell{Kind: dateCell, Date: d} }
func emptyC() cell               { return cell{Kind: emptyCell} }
func strongC(c cell) cell        { c.Strong = true; return c }
func floatMoneyC(v float64) cell { return moneyC(decimal.NewFromFloat(v).Round(2)) }

// pctC is a change in percent, or an empty cell when it is undefined.
func pctC(d Delta) cell {
	if !d.HasPct {
		return emptyC()
	}
	return cell{Kind: pctCell, Value: d.ChangePct}
}

// Numeric reports whether the cell holds a number (right-aligned).
func (c cell) Numeric() bool {
	switch c.Kind {
	case textCell, codeCell, formulaCell, dateCell, yearCell:
		return false
	}
	return true
}

// Format returns the cell's text in a language.
func (c cell) Format(lang Lang) string {
	switch c.Kind {
	case moneyCell:
		return Money(c.Value, lang)
	case signedMoneyCell:
		return SignedMoney(c.Value, lang)
	case keyCell:
		return Percent(c.Value, lang)
	case pctCell:
		return ChangePercent(Delta{ChangePct: c.Value, HasPct: true}, lang)
	case numberCell:
		return Number(c.Value, c.Decimals, lang)
	case yearCell:
		return strconv.FormatInt(c.Value.IntPart(), 10)
	case dateCell:
		return Date(c.Date, lang)
	case emptyCell:
		return "—"
	}
	return c.Text
}

// chart is an inline SVG drawing with its legend.
type chart struct {
	Title  string
	SVG    template.HTML // made by charts.go from escaped text only
	Legend []legendEntry
	Note   string
}

type legendEntry struct {
	Label string
	Class string // CSS class of the swatch: s0, s1, ...
}

// anchor makes an ASCII id out of words.
func anchor(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		for _, r := range strings.ToLower(p) {
			switch {
			case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
				b.WriteRune(r)
			case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
				b.WriteByte('-')
			}
		}
		if b.Len() > 0 && !strings.HasSuffix(b.String(), "-") {
			b.WriteByte('-')
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
