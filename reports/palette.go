package reports

import (
	"fmt"
	"image/color"
	"slices"
	"strings"

	"github.com/quotepart/quotepart/engine"
)

// Palette is the one set of colours of every chart quotepart draws: the
// report's charts and the what-if page's. Each member keeps one colour
// across them (MemberColours). The colours are Okabe and Ito's four that
// stand at least 3:1 against white (blue, vermillion, bluish green,
// reddish purple), then indigo, wine, near-black and brown: each is at
// least 3:1 against a white background (WCAG 1.4.11, for bars), and any
// two stay apart for readers with protanopia, deuteranopia or tritanopia
// (palette_test.go measures both).
var Palette = []color.RGBA{
	{0x00, 0x72, 0xB2, 0xff}, // blue
	{0xD5, 0x5E, 0x00, 0xff}, // vermillion
	{0x00, 0x9E, 0x73, 0xff}, // bluish green
	{0xCC, 0x79, 0xA7, 0xff}, // reddish purple
	{0x33, 0x22, 0x88, 0xff}, // indigo
	{0x88, 0x22, 0x55, 0xff}, // wine
	{0x22, 0x22, 0x22, 0xff}, // near black
	{0x8F, 0x4E, 0x00, 0xff}, // brown
}

// Hex writes a colour as #RRGGBB.
func Hex(c color.RGBA) string { return fmt.Sprintf("#%02X%02X%02X", c.R, c.G, c.B) }

// PaletteCSS is the style sheet of the palette: for each colour i, the
// class s<i> fills a legend's swatch (background) and an SVG shape (fill).
// The report inlines it; the what-if page serves it.
func PaletteCSS() string {
	var b strings.Builder
	b.WriteString("/* The palette of quotepart's charts (reports.Palette): one colour per member, the same in the report and on the page. */\n")
	for i, c := range Palette {
		fmt.Fprintf(&b, ".s%d { background-color: %s; fill: %s; }\n", i, Hex(c), Hex(c))
	}
	b.WriteString(".sw { -webkit-print-color-adjust: exact; print-color-adjust: exact; }\n")
	return b.String()
}

// MemberColours gives each member a colour index in Palette, the same in
// every output of the same rules: the members of the rule set in their
// order of declaration first, then the members that scenarios add (a new
// member) in the order they come. A member keeps its colour whichever
// scenario is shown and whether the others are shown or not.
func MemberColours(m *engine.Model, more ...*engine.Result) map[string]int {
	out := map[string]int{}
	add := func(id string) {
		if _, ok := out[id]; !ok {
			out[id] = len(out) % len(Palette)
		}
	}
	if m != nil {
		for _, mem := range m.Members {
			add(mem.ID)
		}
	}
	for _, res := range more {
		if res == nil {
			continue
		}
		for _, y := range res.Years {
			for _, mem := range y.Members {
				add(mem.ID)
			}
		}
	}
	return out
}

// memberColours are the colours of the members of a report: those of its
// baseline's rules, then the members its other scenarios add.
func (r *Report) memberColours() map[string]int {
	var results []*engine.Result
	for _, p := range r.Parts {
		results = append(results, p.Result)
	}
	m := r.Members
	if m == nil {
		m = r.Baseline().Model
	}
	// A scenario may declare members the rules lack: they come in the
	// order of the scenarios, after the rules'.
	return MemberColours(m, results...)
}

// colourIndexes returns the palette index of each id, in order; an id
// without a colour takes the next free one.
func colourIndexes(ids []string, colours map[string]int) []int {
	out := make([]int, len(ids))
	used := len(colours)
	for i, id := range ids {
		c, ok := colours[id]
		if !ok {
			c = used % len(Palette)
			used++
		}
		out[i] = c
	}
	return slices.Clip(out)
}
