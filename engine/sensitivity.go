package engine

import (
	"cmp"
	"context"
	"fmt"
	"github.com/quotepart/quotepart/internal/diag"
	"math"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/stat/distuv"
)

// FactorKind says what a sensitivity factor moves.
type FactorKind int

const (
	// ParameterFactor scales every dated value of a parameter by ±10 %.
	ParameterFactor FactorKind = iota
	// ProjectFactor sets an uncertain project line to the 10th and 90th
	// percentiles of its uncertainty factor.
	ProjectFactor
)

// Factor is one input the sensitivity analysis moves, down to Low and up
// to High, one at a time, all else as written.
type Factor struct {
	Name  string // the parameter name, or "project: line label"
	Label string
	Unit  string
	Kind  FactorKind
	// Low and High are the multipliers applied: 0.9 and 1.1 for a
	// parameter, the P10 and P90 of a project line's factor.
	Low, High decimal.Decimal
	// Apply returns a copy of m with the factor applied at mult; it must
	// leave m unchanged.
	Apply func(m *Model, mult decimal.Decimal) (*Model, error)
}

// Sensitivity is the effect of each factor on the total cost and on each
// member's amount, summed over the years of a run.
type Sensitivity struct {
	Scenario, Title string
	From, To        int
	// Targets are the total (ID "") then each member present in the run,
	// with their amounts as written.
	Targets []Target
	// Rows hold one entry per factor, in the order given.
	Rows []SensitivityRow
}

// Target is a figure whose sensitivity is measured.
type Target struct {
	ID, Label string
	Manager   bool
	Base      decimal.Decimal
}

// SensitivityRow is the change of every target when a factor moves: Low[i]
// and High[i] are target i's amount with the factor at Low (High) minus its
// amount as written. Err is set, and the changes are empty, when the rules
// cannot run with the factor moved.
type SensitivityRow struct {
	Factor    Factor
	Low, High []decimal.Decimal
	Err       string
}

// Effect is how far a factor moves target i, the larger of its two
// changes in absolute value.
func (r SensitivityRow) Effect(i int) decimal.Decimal {
	if r.Err != "" {
		return decimal.Zero
	}
	return decimal.Max(r.Low[i].Abs(), r.High[i].Abs())
}

// Ranked returns the rows that move target i, the largest effect first
// (ties by factor name), at most n of them (all when n ≤ 0).
func (s *Sensitivity) Ranked(i, n int) []SensitivityRow {
	var rows []SensitivityRow
	for _, r := range s.Rows {
		if r.Err == "" && !r.Effect(i).IsZero() {
			rows = append(rows, r)
		}
	}
	slices.SortStableFunc(rows, func(a, b SensitivityRow) int {
		if c := b.Effect(i).Cmp(a.Effect(i)); c != 0 {
			return c
		}
		return cmp.Compare(a.Factor.Name, b.Factor.Name)
	})
	if n > 0 && len(rows) > n {
		rows = rows[:n]
	}
	return rows
}

// Moving returns the rows that move at least one target, ranked by their
// effect on the total then on the members; rows that failed come last.
func (s *Sensitivity) Moving() []SensitivityRow {
	var rows, failed []SensitivityRow
	for _, r := range s.Rows {
		if r.Err != "" {
			failed = append(failed, r)
			continue
		}
		for i := range s.Targets {
			if !r.Effect(i).IsZero() {
				rows = append(rows, r)
				break
			}
		}
	}
	slices.SortStableFunc(rows, func(a, b SensitivityRow) int {
		for i := range s.Targets {
			if c := b.Effect(i).Cmp(a.Effect(i)); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.Factor.Name, b.Factor.Name)
	})
	return append(rows, failed...)
}

// Still returns the factors that move nothing.
func (s *Sensitivity) Still() []Factor {
	var out []Factor
	for _, r := range s.Rows {
		if r.Err != "" {
			continue
		}
		moved := false
		for i := range s.Targets {
			moved = moved || !r.Effect(i).IsZero()
		}
		if !moved {
			out = append(out, r.Factor)
		}
	}
	return out
}

// tenPercent is the move of a parameter in the sensitivity analysis.
var (
	lowScale  = decimal.RequireFromString("0.9")
	highScale = decimal.RequireFromString("1.1")
)

// ParameterFactors returns a factor for every parameter of m that has a
// value other than zero: each scales all the parameter's dated values by
// 0.9 and 1.1.
func ParameterFactors(m *Model) []Factor {
	var out []Factor
	for _, p := range m.Params {
		if !slices.ContainsFunc(p.Values, func(d Dated) bool { return !d.Value.IsZero() }) {
			continue
		}
		name := p.Name
		out = append(out, Factor{Name: name, Label: p.Label, Unit: p.Unit, Kind: ParameterFactor, Low: lowScale, High: highScale,
			Apply: func(m *Model, mult decimal.Decimal) (*Model, error) {
				return ScaleParameter(m, name, mult)
			}})
	}
	return out
}

// LineFactors returns a factor for each uncertain line of an adopted
// portfolio whose dimension flows into the bills: at Low (High), the line's
// values are those of the P10 (P90) of its factor, and the change flows,
// year by year, into the dated parameter that flowsInto names for the
// line's dimension ("" for a dimension that reaches no bill).
func LineFactors(set []Assessed, flowsInto func(*Dimension) string) []Factor {
	var out []Factor
	for _, a := range set {
		for li, l := range a.Project.Lines {
			dim := &a.Dimensions[l.Dim]
			param := flowsInto(dim)
			if l.Uncertainty == nil || param == "" {
				continue
			}
			years, values, side := a.Years, a.Values[li], l.Side
			out = append(out, Factor{
				Name: a.Project.ID + " / " + l.Label, Label: projectLineLabel(a.Project, l.Label), Unit: dim.Unit, Kind: ProjectFactor,
				Low: l.Uncertainty.Quantile(0.1), High: l.Uncertainty.Quantile(0.9),
				Apply: func(m *Model, mult decimal.Decimal) (*Model, error) {
					c := CloneParams(m)
					pi := slices.IndexFunc(c.Params, func(p Param) bool { return p.Name == param })
					if pi < 0 {
						return nil, diag.Errorf(diag.Pos{}, diag.NotFound, "no parameter %s in the scenario", param)
					}
					for yi, y := range years {
						delta := values[yi].Mul(mult.Sub(one))
						if side == Gain {
							delta = delta.Neg()
						}
						for di := range c.Params[pi].Values {
							if d := &c.Params[pi].Values[di]; d.From == NewDate(y, 1, 1) {
								d.Value = d.Value.Add(delta)
							}
						}
					}
					return c, nil
				}})
		}
	}
	return out
}

// CloneParams returns a copy of m whose parameters, and their dated
// values, may be changed without touching m. Members, rules and pools are
// shared: the engine only reads them.
func CloneParams(m *Model) *Model {
	c := *m
	c.Params = slices.Clone(m.Params)
	for i := range c.Params {
		c.Params[i].Values = slices.Clone(m.Params[i].Values)
	}
	return &c
}

// ScaleParameter returns a copy of m with every dated value of the
// parameter name multiplied by mult.
func ScaleParameter(m *Model, name string, mult decimal.Decimal) (*Model, error) {
	c := CloneParams(m)
	for i := range c.Params {
		if c.Params[i].Name != name {
			continue
		}
		for j := range c.Params[i].Values {
			c.Params[i].Values[j].Value = c.Params[i].Values[j].Value.Mul(mult)
		}
		return c, nil
	}
	return nil, fmt.Errorf("no parameter %q", name)
}

// Analyse runs m as written over opt's years, then once per factor at Low
// and once at High, and measures the change of the total and of each
// member's amount over those years. A factor with which the rules fail is
// reported in its row, not as an error.
func Analyse(ctx context.Context, m *Model, opt Options, factors []Factor) (*Sensitivity, error) {
	base, err := Run(ctx, m, opt)
	if err != nil {
		return nil, err
	}
	s := &Sensitivity{Scenario: m.ID, Title: m.Title}
	if len(base.Years) > 0 {
		s.From, s.To = base.Years[0].Year, base.Years[len(base.Years)-1].Year
	}
	s.Targets = []Target{{Base: sumTotals(base)}}
	index := map[string]int{}
	for _, y := range base.Years {
		for _, mem := range y.Members {
			i, ok := index[mem.ID]
			if !ok {
				i = len(s.Targets)
				index[mem.ID] = i
				s.Targets = append(s.Targets, Target{ID: mem.ID, Label: mem.Label, Manager: mem.Manager})
			}
			s.Targets[i].Base = s.Targets[i].Base.Add(mem.Amount)
		}
	}
	measure := func(f Factor, mult decimal.Decimal) ([]decimal.Decimal, error) {
		moved, err := f.Apply(m, mult)
		if err != nil {
			return nil, err
		}
		res, err := Run(ctx, moved, opt)
		if err != nil {
			return nil, err
		}
		out := make([]decimal.Decimal, len(s.Targets))
		for i := range out {
			out[i] = s.Targets[i].Base.Neg()
		}
		out[0] = out[0].Add(sumTotals(res))
		for _, y := range res.Years {
			for _, mem := range y.Members {
				if i, ok := index[mem.ID]; ok {
					out[i] = out[i].Add(mem.Amount)
				}
			}
		}
		return out, nil
	}
	for _, f := range factors {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		row := SensitivityRow{Factor: f}
		var errLow, errHigh error
		row.Low, errLow = measure(f, f.Low)
		row.High, errHigh = measure(f, f.High)
		if err := cmp.Or(errLow, errHigh); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			row.Low, row.High, row.Err = nil, nil, strings.Join(strings.Fields(err.Error()), " ")
		}
		s.Rows = append(s.Rows, row)
	}
	return s, nil
}

func sumTotals(r *Result) decimal.Decimal {
	t := decimal.Zero
	for _, y := range r.Years {
		t = t.Add(y.Total)
	}
	return t
}

// Quantile returns the p-quantile (0 < p < 1) of the factor's law,
// rounded to four decimals.
func (u *Uncertainty) Quantile(p float64) decimal.Decimal {
	var q float64
	switch u.Dist {
	case Triangular:
		q = u.Low
		if u.High > u.Low {
			q = distuv.NewTriangle(u.Low, u.High, u.Mode, nil).Quantile(p)
		}
	case PERT:
		q = u.Low
		if span := u.High - u.Low; span > 0 {
			b := distuv.Beta{Alpha: 1 + 4*(u.Mode-u.Low)/span, Beta: 1 + 4*(u.High-u.Mode)/span}
			q = u.Low + span*b.Quantile(p)
		}
	case Normal:
		q = u.Mean
		if u.SD > 0 {
			q = distuv.Normal{Mu: u.Mean, Sigma: u.SD}.Quantile(p)
		}
	case LogNormal:
		q = math.Exp(u.Mean)
		if u.SD > 0 {
			q = distuv.LogNormal{Mu: u.Mean, Sigma: u.SD}.Quantile(p)
		}
	default:
		q = u.Low + p*(u.High-u.Low)
	}
	if math.IsNaN(q) || math.IsInf(q, 0) {
		return decimal.NewFromInt(1)
	}
	return decimal.NewFromFloat(q).Round(4)
}

// projectLineLabel names a project line in words: the project's title and
// the line's label.
func projectLineLabel(p *Project, line string) string {
	if p.Title == "" {
		return line
	}
	return p.Title + " — " + line
}
