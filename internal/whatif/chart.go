package whatif

import (
	"fmt"
	"math"

	"github.com/quotepart/quotepart/reports"
	"github.com/shopspring/decimal"
)

// chartView is a bar chart of each member's change, year by year, drawn
// as inline SVG by the results template. Geometry is in float64: it only
// places bars; every figure shown comes from the exact amounts.
type chartView struct {
	Width, Height float64
	Empty         bool
	Bars          []barView
	Ticks         []tickView
	Years         []yearLabel
	Legend        []legendView
	ZeroY         float64
	Left, Right   float64
}

type barView struct {
	X, Y, W, H float64
	Series     int
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
	Series int
	Label  string
}

const (
	chartWidth  = 720
	chartHeight = 260
	chartLeft   = 96
	chartRight  = 12
	chartTop    = 12
	chartBottom = 28
	series      = 8 // colours in the style sheet: serie-0 … serie-7
)

// deltaChart draws the change of each member's amount against the
// baseline, per year: a bar above the line when the member pays more.
func deltaChart(c *reports.Comparison, years []int) chartView {
	v := chartView{Width: chartWidth, Height: chartHeight, Left: chartLeft, Right: chartWidth - chartRight}
	index := map[string]int{}
	for i, m := range c.Members {
		index[m.Member] = i
		v.Legend = append(v.Legend, legendView{Series: i % series, Label: m.Label})
	}
	lo, hi := 0.0, 0.0
	for _, r := range c.Rows {
		f := r.Change.InexactFloat64()
		lo, hi = math.Min(lo, f), math.Max(hi, f)
	}
	if lo == 0 && hi == 0 || len(years) == 0 {
		v.Empty = true
		return v
	}
	step := niceStep((hi - lo) / 4)
	lo, hi = math.Floor(lo/step)*step, math.Ceil(hi/step)*step
	plotH := float64(chartHeight - chartTop - chartBottom)
	y := func(f float64) float64 { return chartTop + (hi-f)/(hi-lo)*plotH }
	v.ZeroY = y(0)
	for t := lo; t <= hi+step/2; t += step {
		d := decimal.NewFromFloat(t).Round(0)
		v.Ticks = append(v.Ticks, tickView{Y: y(t), Label: reports.Signed(reports.Number(d, 0, reports.French), d) + "\u00a0€"})
	}
	group := float64(chartWidth-chartLeft-chartRight) / float64(len(years))
	n := float64(max(1, len(c.Members)))
	barW := group * 0.8 / n
	for gi, year := range years {
		x0 := chartLeft + float64(gi)*group + group*0.1
		v.Years = append(v.Years, yearLabel{X: chartLeft + (float64(gi)+0.5)*group, Label: fmt.Sprint(year)})
		for _, r := range c.Rows {
			if r.Year != year || r.Change.IsZero() {
				continue
			}
			i := index[r.Member]
			f := r.Change.InexactFloat64()
			top, bottom := y(math.Max(f, 0)), y(math.Min(f, 0))
			v.Bars = append(v.Bars, barView{X: round1(x0 + float64(i)*barW), Y: round1(top), W: round1(math.Max(barW-1, 1)),
				H: round1(math.Max(bottom-top, 1)), Series: i % series,
				Title: fmt.Sprintf("%s, %d : %s", r.Label, year, reports.SignedMoney(r.Change, reports.French))})
		}
	}
	for i := range v.Ticks {
		v.Ticks[i].Y = round1(v.Ticks[i].Y)
	}
	v.ZeroY = round1(v.ZeroY)
	return v
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
