package reports

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"image/color"
	"math"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/shopspring/decimal"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Charts are drawn with gonum/plot on its SVG canvas and inlined in the
// HTML report: no script, no external file. Text reaches the SVG through
// the canvas, which escapes it. Legends are HTML lists under each chart,
// with swatches of the same colours (CSS classes s0, s1, ...).

// The colours are those of Palette (palette.go), shared with the what-if
// page; the style sheet of the legends' swatches is PaletteCSS.
const (
	lowColour    = 1 // vermillion: factor down
	highColour   = 0 // blue: factor up
	effortColour = 1 // vermillion
	gainColour   = 2 // bluish green
)

func colourOf(i int) color.Color { return Palette[i%len(Palette)] }
func swatch(i int) string        { return fmt.Sprintf("s%d", i%len(Palette)) }

var (
	chartWidth = 17 * vg.Centimeter
	gridColour = color.RGBA{0xdd, 0xdd, 0xdd, 0xff}
)

// newPlot returns a plot with sans-serif text, sized for a printed page.
func newPlot() *plot.Plot {
	p := plot.New()
	sans := func(size vg.Length) font.Font {
		return font.Font{Typeface: "Liberation", Variant: "Sans", Size: size}
	}
	// 10 pt at the drawn width, 17 cm: printed at that width, and at
	// least 10 px on a screen, where a chart is never narrower than 520
	// px (report.css).
	p.Title.TextStyle.Font = sans(12)
	p.X.Label.TextStyle.Font = sans(11)
	p.Y.Label.TextStyle.Font = sans(11)
	p.X.Tick.Label.Font = sans(10)
	p.Y.Tick.Label.Font = sans(10)
	p.Legend.TextStyle.Font = sans(10)
	p.BackgroundColor = color.White
	return p
}

// svgOf draws a plot as an SVG element ready to inline in HTML: no XML
// prolog, an accessible label, and a font stack that falls back to the
// metric-compatible Arial where Liberation Sans is not installed.
func svgOf(p *plot.Plot, w, h vg.Length, label string) (template.HTML, error) {
	c := vgsvg.New(w, h)
	p.Draw(draw.New(c))
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return "", err
	}
	s := b.String()
	i := strings.Index(s, "<svg")
	if i < 0 {
		return "", fmt.Errorf("the chart %q did not render", label)
	}
	s = s[i:]
	s = strings.Replace(s, "<svg ", `<svg role="img" aria-label="`+html.EscapeString(SafeText(label))+`" `, 1)
	s = strings.ReplaceAll(s, "font-family:Liberation Sans;", "font-family:'Liberation Sans',Arial,Helvetica,sans-serif;")
	return template.HTML(s), nil
}

// moneyTicks labels an axis of euros compactly: 2,5 M€, 500 k€ (€2.5M,
// €500k in English).
type moneyTicks struct{ lang Lang }

func (t moneyTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	span := math.Max(math.Abs(lo), math.Abs(hi))
	scale, suffix := 1.0, ""
	switch {
	case span >= 1e6:
		scale, suffix = 1e6, "M"
	case span >= 1e4:
		scale, suffix = 1e3, "k"
	}
	step := labelledStep(ticks)
	places := int32(0)
	if step > 0 {
		places = int32(max(0, min(2, int(math.Ceil(-math.Log10(step/scale)-1e-9)))))
	}
	for i := range ticks {
		if ticks[i].Label == "" {
			continue
		}
		v := decimal.NewFromFloat(ticks[i].Value / scale).Round(places)
		ticks[i].Label = compactMoney(v, places, suffix, t.lang)
	}
	return ticks
}

func compactMoney(v decimal.Decimal, places int32, suffix string, lang Lang) string {
	if v.IsZero() {
		if lang == English {
			return "€0"
		}
		return "0" + noBreak + "€"
	}
	if lang == English {
		s := Number(v.Abs(), places, lang)
		if v.IsNegative() {
			return "-€" + s + suffix
		}
		return "€" + s + suffix
	}
	return Number(v, places, lang) + noBreak + suffix + "€"
}

// unitTicks labels an axis of numbers with a unit: 2,5 ETC.
type unitTicks struct {
	lang Lang
	unit string
}

func (t unitTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	step := labelledStep(ticks)
	places := int32(0)
	if step > 0 {
		places = int32(max(0, min(3, int(math.Ceil(-math.Log10(step)-1e-9)))))
	}
	for i := range ticks {
		if ticks[i].Label != "" {
			v := decimal.NewFromFloat(ticks[i].Value).Round(places)
			if v.IsZero() {
				v = decimal.Zero
			}
			ticks[i].Label = Number(v, places, t.lang) + noBreak + t.unit
		}
	}
	return ticks
}

// stackedBillsChart stacks each member's amount per year, each member in
// its colour.
func stackedBillsChart(res *engine.Result, lang Lang, title string, colours map[string]int) (*chart, error) {
	wd := wordsFor(lang)
	var order []string
	labels := map[string]string{}
	amounts := map[string]map[int]float64{}
	var years []string
	for _, y := range res.Years {
		years = append(years, fmt.Sprint(y.Year))
		for _, m := range y.Members {
			if _, ok := labels[m.ID]; !ok {
				order = append(order, m.ID)
				labels[m.ID] = memberLabel(m, wd)
				amounts[m.ID] = map[int]float64{}
			}
			amounts[m.ID][y.Year] = m.Amount.InexactFloat64()
		}
	}
	c := &chart{Title: title + " — " + res.Title}
	if len(years) == 0 {
		return c, nil
	}
	p := newPlot()
	p.NominalX(years...)
	p.Y.Tick.Marker = moneyTicks{lang}
	p.Y.Min = 0
	grid := plotter.NewGrid()
	grid.Vertical.Color = nil
	grid.Horizontal.Color = gridColour
	p.Add(grid)
	width := vg.Points(math.Min(40, 320/float64(len(years))))
	var below *plotter.BarChart
	idx := colourIndexes(order, colours)
	for i, id := range order {
		vs := make(plotter.Values, len(res.Years))
		for j, y := range res.Years {
			vs[j] = amounts[id][y.Year]
		}
		bars, err := plotter.NewBarChart(vs, width)
		if err != nil {
			return nil, err
		}
		bars.Color = colourOf(idx[i])
		bars.LineStyle.Width = 0
		if below != nil {
			bars.StackOn(below)
		}
		p.Add(bars)
		below = bars
		c.Legend = append(c.Legend, legendEntry{Label: labels[id], Class: swatch(idx[i])})
	}
	svg, err := svgOf(p, chartWidth, 8*vg.Centimeter, c.Title)
	if err != nil {
		return nil, err
	}
	c.SVG = svg
	return c, nil
}

// hbars draws horizontal bars, one band per row (row 0 at the bottom):
// side by side for each series, or overlapping (a tornado: the larger bar
// first, so that both show) when overlap is set. A line marks zero.
type hbars struct {
	series  [][]float64 // [series][row]
	colours []color.Color
	overlap bool
}

func (h *hbars) rows() int {
	if len(h.series) == 0 {
		return 0
	}
	return len(h.series[0])
}

func (h *hbars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	const band = 0.7
	for row := range h.rows() {
		order := make([]int, len(h.series))
		for i := range order {
			order[i] = i
		}
		if h.overlap {
			// Larger first, so that the smaller stays visible on top.
			for i := 1; i < len(order); i++ {
				for j := i; j > 0 && math.Abs(h.series[order[j]][row]) > math.Abs(h.series[order[j-1]][row]); j-- {
					order[j], order[j-1] = order[j-1], order[j]
				}
			}
		}
		for k, s := range order {
			lo, hi := float64(row)-band/2, float64(row)+band/2
			if !h.overlap {
				n := float64(len(h.series))
				// The first series at the top of the band.
				hi = float64(row) + band/2 - float64(s)*band/n
				lo = hi - band/n
			}
			_ = k
			x0, x1 := trX(0), trX(h.series[s][row])
			if x0 > x1 {
				x0, x1 = x1, x0
			}
			y0, y1 := trY(lo), trY(hi)
			pts := []vg.Point{{X: x0, Y: y0}, {X: x0, Y: y1}, {X: x1, Y: y1}, {X: x1, Y: y0}}
			c.FillPolygon(h.colours[s], c.ClipPolygonXY(pts))
		}
	}
	zero := trX(0)
	c.StrokeLine2(draw.LineStyle{Color: color.Black, Width: vg.Points(0.75)}, zero, c.Min.Y, zero, c.Max.Y)
}

func (h *hbars) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = 0, 0
	for _, s := range h.series {
		for _, v := range s {
			xmin, xmax = math.Min(xmin, v), math.Max(xmax, v)
		}
	}
	pad := (xmax - xmin) * 0.04
	if xmin < 0 {
		xmin -= pad
	}
	if xmax > 0 {
		xmax += pad
	}
	if xmin == xmax {
		xmin, xmax = -1, 1
	}
	return xmin, xmax, -0.5, float64(h.rows()) - 0.5
}

// hbarPlot builds a plot of horizontal bars with rows named from the top.
func hbarPlot(names []string, series [][]float64, colours []color.Color, overlap bool, ticks plot.Ticker) *plot.Plot {
	n := len(names)
	// Row 0 is drawn at the bottom: reverse, so that the first name is on top.
	rev := make([]string, n)
	for i, s := range names {
		rev[n-1-i] = SafeText(s) // drawn as SVG text, which the canvas escapes for XML only
	}
	revSeries := make([][]float64, len(series))
	for k, s := range series {
		revSeries[k] = make([]float64, n)
		for i, v := range s {
			revSeries[k][n-1-i] = v
		}
	}
	p := newPlot()
	grid := plotter.NewGrid()
	grid.Horizontal.Color = nil
	grid.Vertical.Color = gridColour
	p.Add(grid)
	p.Add(&hbars{series: revSeries, colours: colours, overlap: overlap})
	p.NominalY(rev...)
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	p.X.Tick.Marker = ticks
	return p
}

func rowsHeight(rows, perRow int) vg.Length {
	bar := 0.45
	if perRow > 2 {
		bar = 0.3
	}
	return vg.Length(1.8+float64(rows*perRow)*bar) * vg.Centimeter
}

// deltaChart shows, per member, each scenario's change against the
// baseline over all the years.
func deltaChart(r *Report, lang Lang, title string) (*chart, error) {
	c := &chart{Title: title}
	var order []string
	labels := map[string]string{}
	for _, p := range r.Parts[1:] {
		for _, m := range p.Comparison.Members {
			if _, ok := labels[m.Member]; !ok {
				order = append(order, m.Member)
				labels[m.Member] = m.Label
			}
		}
	}
	if len(order) == 0 {
		return c, nil
	}
	var names []string
	for _, id := range order {
		names = append(names, labels[id])
	}
	var series [][]float64
	var colours []color.Color
	for k, p := range r.Parts[1:] {
		s := make([]float64, len(order))
		for i, id := range order {
			for _, m := range p.Comparison.Members {
				if m.Member == id {
					s[i] = m.Change.InexactFloat64()
				}
			}
		}
		series = append(series, s)
		colours = append(colours, colourOf(k))
		c.Legend = append(c.Legend, legendEntry{Label: cmpOr(p.Result.Title, p.Result.ID), Class: swatch(k)})
	}
	p := hbarPlot(names, series, colours, false, moneyTicks{lang})
	svg, err := svgOf(p, chartWidth, rowsHeight(len(order), len(series)), title)
	if err != nil {
		return nil, err
	}
	c.SVG = svg
	return c, nil
}

// gainsEffortsChart shows, per project, its efforts and gains in one
// dimension over the horizon.
func gainsEffortsChart(ev *Evaluation, dim int, lang Lang, title string, w reportWords, n names) (*chart, error) {
	c := &chart{Title: title, Legend: []legendEntry{{Label: w.efforts, Class: swatch(effortColour)}, {Label: w.gains, Class: swatch(gainColour)}}}
	var names []string
	efforts, gains := []float64{}, []float64{}
	for _, p := range ev.Projects {
		if p.Project == nil {
			continue
		}
		names = append(names, chartLabel(n.projectTitles[p.Project.ID], p.Project.ID))
		df := p.Figures.Dimensions[dim]
		efforts = append(efforts, df.TotalEfforts.InexactFloat64())
		gains = append(gains, df.TotalGains.InexactFloat64())
	}
	if len(names) == 0 {
		return c, nil
	}
	var ticks plot.Ticker = moneyTicks{lang}
	if d := ev.dimensions()[dim]; d.Valued != engine.AsMoney {
		ticks = unitTicks{lang, d.Unit}
	}
	p := hbarPlot(names, [][]float64{efforts, gains}, []color.Color{colourOf(effortColour), colourOf(gainColour)}, false, ticks)
	svg, err := svgOf(p, chartWidth, rowsHeight(len(names), 2), title)
	if err != nil {
		return nil, err
	}
	c.SVG = svg
	return c, nil
}

// tornadoRows is how many factors a tornado chart shows.
const tornadoRows = 8

// tornadoChart shows the factors that move target i the most, each with
// the change when it goes down and when it goes up; nil when none moves
// it.
func tornadoChart(s *engine.Sensitivity, i int, lang Lang, title string, w reportWords) (*chart, error) {
	rows := s.Ranked(i, tornadoRows)
	if len(rows) == 0 {
		return nil, nil
	}
	c := &chart{Title: title, Legend: []legendEntry{{Label: w.lowLegend, Class: swatch(lowColour)}, {Label: w.highLegend, Class: swatch(highColour)}}}
	var names []string
	low, high := make([]float64, len(rows)), make([]float64, len(rows))
	for k, r := range rows {
		names = append(names, chartLabel(factorLabel(r.Factor), r.Factor.Name))
		low[k], high[k] = r.Low[i].InexactFloat64(), r.High[i].InexactFloat64()
	}
	p := hbarPlot(names, [][]float64{low, high}, []color.Color{colourOf(lowColour), colourOf(highColour)}, true, moneyTicks{lang})
	svg, err := svgOf(p, chartWidth, rowsHeight(len(rows), 1)+vg.Centimeter/2, title)
	if err != nil {
		return nil, err
	}
	c.SVG = svg
	return c, nil
}

// labelledStep is the distance between two consecutive labelled ticks, 0
// when fewer than two are labelled: it decides how many decimals the
// labels need.
func labelledStep(ticks []plot.Tick) float64 {
	for i := 1; i < len(ticks); i++ {
		if ticks[i].Label != "" && ticks[i-1].Label != "" {
			return ticks[i].Value - ticks[i-1].Value
		}
	}
	return 0
}

// chartLabelRunes is the longest name a chart's axis shows; the table
// beside the chart gives the whole name.
const chartLabelRunes = 42

// chartLabel is a row's name on a chart's axis: its words, cut with … when
// too long, or its id when it has no words.
func chartLabel(words, id string) string {
	s := cmpOr(oneLine(words), id)
	if r := []rune(s); len(r) > chartLabelRunes {
		s = strings.TrimSpace(string(r[:chartLabelRunes-1])) + "…"
	}
	return s
}
