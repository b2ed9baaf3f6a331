package whatif

import (
	"fmt"
	"math"

	"github.com/quotepart/quotepart/reports"
	"github.com/shopspring/decimal"
)

// chartView is a bar chart of each member's change, year by year, drawn
// as inline SVG by the results template, twice: wide for a screen or a
// page, narrow for a phone (the style sheet shows one), so that its text
// is never drawn below 11 px. Geometry is in float64: it only places
// bars; every figure shown comes from the exact amounts, and the same
// figures are given as a table under the chart. A new member is left
// out: its whole bill is not a change, and it is shown apart.
type chartView struct {
	Empty  bool
	Wide   chartDrawing
	Narrow chartDrawing
	Legend []legendView
	// Table gives the value of every bar as text.
	Table []chartRow
}

type chartDrawing struct {
	// Class is "large" or "etroit": the style sheet shows one.
	Class         string
	Width, Height float64
	Bars          []barView
	Ticks         []tickView
	Years         []yearLabel
	ZeroY         float64
	Left, Right   float64
	FontSize      float64
}

type barView struct {
	X, Y, W, H float64
	Colour     int
	Title      string
}

type tickView struct {
	Y     float64
	Label string
}

type yearLabel struct {
	X     float64
	Label string
}

type legendView struct {
	Colour int
	Label  string
}

// chartRow is a member's change in each year, as text.
type chartRow struct {
	Label   string
	Colour  int
	Changes []string
}

// The two drawings: wide (720 × 260, shown from 600 px, text 12 at 1:1)
// and narrow (360 × 240, for a phone, text 13).
var (
	wideLayout   = chartLayout{class: "large", width: 720, height: 260, left: 96, right: 12, top: 12, bottom: 28, font: 12}
	narrowLayout = chartLayout{class: "etroit", width: 360, height: 240, left: 74, right: 8, top: 10, bottom: 26, font: 13}
)

type chartLayout struct {
	class                                         string
	width, height, left, right, top, bottom, font float64
}

// deltaChart draws the change of each existing member's amount against
// the baseline, per year: a bar above the line when the member pays more.
func deltaChart(c *reports.Comparison, years []int, existing map[string]bool, colours map[string]int) chartView {
	var v chartView
	var members []reports.Delta
	for _, m := range c.Members {
		if existing[m.Member] {
			members = append(members, m)
			v.Legend = append(v.Legend, legendView{Colour: colours[m.Member], Label: m.Label})
		}
	}
	lo, hi := 0.0, 0.0
	changes := map[string]map[int]reports.Delta{}
	for _, r := range c.Rows {
		if !existing[r.Member] {
			continue
		}
		if changes[r.Member] == nil {
			changes[r.Member] = map[int]reports.Delta{}
		}
		changes[r.Member][r.Year] = r
		f := r.Change.InexactFloat64()
		lo, hi = math.Min(lo, f), math.Max(hi, f)
	}
	if lo == 0 && hi == 0 || len(years) == 0 {
		v.Empty = true
		return v
	}
	for _, m := range members {
		row := chartRow{Label: m.Label, Colour: colours[m.Member]}
		for _, y := range years {
			d, ok := changes[m.Member][y]
			if !ok {
				row.Changes = append(row.Changes, "—")
				continue
			}
			row.Changes = append(row.Changes, reports.SignedMoney(d.Change, reports.French))
		}
		v.Table = append(v.Table, row)
	}
	step := niceStep((hi - lo) / 4)
	lo, hi = math.Floor(lo/step)*step, math.Ceil(hi/step)*step
	v.Wide = draw(wideLayout, members, changes, years, lo, hi, step, colours)
	v.Narrow = draw(narrowLayout, members, changes, years, lo, hi, step, colours)
	return v
}

func draw(l chartLayout, members []reports.Delta, changes map[string]map[int]reports.Delta, years []int, lo, hi, step float64, colours map[string]int) chartDrawing {
	d := chartDrawing{Class: l.class, Width: l.width, Height: l.height, Left: l.left, Right: l.width - l.right, FontSize: l.font}
	plotH := l.height - l.top - l.bottom
	y := func(f float64) float64 { return l.top + (hi-f)/(hi-lo)*plotH }
	d.ZeroY = round1(y(0))
	compact := l.width < wideLayout.width
	for t := lo; t <= hi+step/2; t += step {
		v := decimal.NewFromFloat(t).Round(0)
		label := reports.Signed(reports.Number(v, 0, reports.French), v) + "\u00a0€"
		if compact {
			label = reports.Signed(reports.ApproxMoney(v, reports.French), v)
		}
		d.Ticks = append(d.Ticks, tickView{Y: round1(y(t)), Label: label})
	}
	group := (l.width - l.left - l.right) / float64(len(years))
	n := float64(max(1, len(members)))
	barW := group * 0.8 / n
	for gi, year := range years {
		x0 := l.left + float64(gi)*group + group*0.1
		d.Years = append(d.Years, yearLabel{X: round1(l.left + (float64(gi)+0.5)*group), Label: fmt.Sprint(year)})
		for i, m := range members {
			r, ok := changes[m.Member][year]
			if !ok || r.Change.IsZero() {
				continue
			}
			f := r.Change.InexactFloat64()
			top, bottom := y(math.Max(f, 0)), y(math.Min(f, 0))
			d.Bars = append(d.Bars, barView{X: round1(x0 + float64(i)*barW), Y: round1(top), W: round1(math.Max(barW-1, 1)),
				H: round1(math.Max(bottom-top, 1)), Colour: colours[m.Member],
				Title: fmt.Sprintf("%s, %d : %s", r.Label, year, reports.SignedMoney(r.Change, reports.French))})
		}
	}
	return d
}

// niceStep rounds a step up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }
