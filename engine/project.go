package engine

import (
	"context"
	"fmt"
	"slices"

	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/formula"
	"github.com/shopspring/decimal"
)

// Side says whether a line costs (effort) or brings (gain).
type Side int

const (
	Effort Side = iota
	Gain
)

func (s Side) String() string { return [...]string{"effort", "gain"}[s] }

// Project is a project request weighed by the PMO office.
type Project struct {
	ID, Title, Category string
	RequestedBy         []string
	Description         string
	Assumption          string
	// FirstYear and LastYear are the years the request runs as written;
	// its lines give their values in these years.
	FirstYear, LastYear int
	Lines               []Line
	Pos                 diag.Pos

	// Earliest and Latest bound the year the request may start in when
	// a selection schedules it; zero means FirstYear (it starts as
	// written). Started later, every value moves by as many years.
	Earliest, Latest int
	// Mandatory requests are in every selection.
	Mandatory bool
	// MandatoryReason says why, for the committee.
	MandatoryReason string
	// Requires lists the requests that must have started at least Lag
	// years before this one starts.
	Requires []Requirement
	// Excludes lists the requests that are alternatives to this one: at
	// most one of them is selected.
	Excludes []string
	// Scores are the request's scores, one per criterion of the
	// evaluation's Scoring, in its order; nil without criteria.
	Scores []Score
	// Effects are the request's effects on the evaluation's commitments.
	Effects []Effect
}

// Requirement is a request another one depends on.
type Requirement struct {
	ID string
	// Lag is how many years before the dependent request the required one
	// must start, at least: 0 is the same year or before.
	Lag int
	Pos diag.Pos
}

// Starts returns the years the request may start in, in order: its
// window, or FirstYear alone.
func (p *Project) Starts() []int {
	from, to := p.Earliest, p.Latest
	if from == 0 && to == 0 {
		from, to = p.FirstYear, p.FirstYear
	}
	var out []int
	for y := from; y <= to; y++ {
		out = append(out, y)
	}
	return out
}

// Scheduled reports whether the request may start in more than one year.
func (p *Project) Scheduled() bool { return len(p.Starts()) > 1 }

// Line is one effort or gain of a project, year by year.
type Line struct {
	Label string
	Kind  string // investment, running, savings, build, run, freed, manufacturing, energy, avoided...
	// Dim is the line's dimension: its place in Valuation.Dimensions.
	Dim  int
	Side Side
	// Values holds a formula per year; a year left out counts 0.
	Values map[int]*Formula
	// Uncertainty, when set, scales every year's value of the line by one
	// draw of a factor.
	Uncertainty *Uncertainty
	Pos         diag.Pos
}

// Valuation holds what turns the dimensions into one amount and discounts
// it: formulas over the rule set's parameters and rules, evaluated per
// year (the discount rate in the base year).
type Valuation struct {
	BaseYear     int
	DiscountRate *Formula // e.g. 0.032
	// Dimensions are the ways projects are weighed, the standard ones
	// first (StandardDimensions), each with its price when it has one.
	Dimensions []Dimension
}

// YearEnv returns the environment formulas of a year are evaluated in: the
// parameters and global rules in force, and year.
type YearEnv func(year int) (map[string]any, error)

// EnvFromResult builds a YearEnv from a run: a year's values are those of
// its first segment, the state on 1 January or at the service's start;
// per-member rules are maps by member id, as Model.GlobalEnv declares them.
func EnvFromResult(r *Result) YearEnv {
	return func(year int) (map[string]any, error) {
		for i := range r.Years {
			y := &r.Years[i]
			if y.Year != year || len(y.Segments) == 0 {
				continue
			}
			seg := &y.Segments[0]
			env := make(map[string]any, len(seg.Values)+2)
			for k, v := range seg.Values {
				env[k] = v
			}
			for id, values := range seg.MemberValues {
				for name, v := range values {
					m, _ := env[name].(map[string]decimal.Decimal)
					if m == nil {
						m = map[string]decimal.Decimal{}
						env[name] = m
					}
					m[id] = v
				}
			}
			env[formula.Year] = decimal.NewFromInt(int64(year))
			env[formula.Previous] = y.Previous
			return env, nil
		}
		return nil, fmt.Errorf("no values for %d: the run covers %s", year, yearSpan(r))
	}
}

func yearSpan(r *Result) string {
	if len(r.Years) == 0 {
		return "no year"
	}
	return fmt.Sprintf("%d–%d", r.Years[0].Year, r.Years[len(r.Years)-1].Year)
}

// Assessed is a project with its values computed: every line's value per
// year, and the year's valuation factors.
type Assessed struct {
	Project *Project
	Years   []int // FirstYear..LastYear of the evaluation horizon
	// Start is the year the project starts in: its FirstYear, or another
	// year of its window when it is scheduled. Its values are those of
	// the written years moved by Start − FirstYear; those moved past the
	// horizon are left out.
	Start int
	// Values[line][yearIndex] is the line's value, before uncertainty.
	Values [][]decimal.Decimal
	// Effects[effect][yearIndex] is the value of the project's effect
	// (Project.Effects) on a commitment, moved like the lines.
	Effects [][]decimal.Decimal
	// Dimensions are the evaluation's (Valuation.Dimensions).
	Dimensions []Dimension
	// Prices[dim][yearIndex] is the EUR a unit of a dimension valued by
	// price is worth that year; nil for the other dimensions.
	Prices [][]decimal.Decimal
	// Discount[yearIndex] is the discount factor to the base year.
	Discount []decimal.Decimal
}

// Horizon is the years over which projects are weighed together.
type Horizon struct{ From, To int }

// Assess evaluates every line of every project for each year of the
// horizon, and the valuation factors; each project starts in the first
// year it may start in (its FirstYear unless its window says otherwise).
func Assess(projects []Project, val Valuation, h Horizon, env YearEnv) ([]Assessed, error) {
	return AssessContext(context.Background(), projects, val, h, env)
}

// AssessContext is Assess stopping when ctx is done: it checks ctx every
// few evaluations.
func AssessContext(ctx context.Context, projects []Project, val Valuation, h Horizon, env YearEnv) ([]Assessed, error) {
	return AssessAt(ctx, projects, nil, val, h, env)
}

// AssessAt is AssessContext with each project starting in the year starts
// gives it (its first possible start when starts has none); a start
// outside the project's window is an error.
func AssessAt(ctx context.Context, projects []Project, starts map[string]int, val Valuation, h Horizon, env YearEnv) (out []Assessed, err error) {
	as := &assessor{ctx: ctx}
	defer as.recover(&err)
	if err := as.init(val, h, env); err != nil {
		return nil, err
	}
	out = make([]Assessed, 0, len(projects))
	for pi := range projects {
		p := &projects[pi]
		start, ok := starts[p.ID]
		if !ok {
			start = p.Starts()[0]
		}
		if !slices.Contains(p.Starts(), start) {
			return nil, diag.Errorf(p.Pos, diag.Invalid, "project %s cannot start in %d: %s", p.ID, start, windowText(p))
		}
		a, err := as.at(p, start)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// AssessStarts assesses every project at each year it may start in
// (Project.Starts): one Candidate per project, in order. It stops when
// ctx is done.
func AssessStarts(ctx context.Context, projects []Project, val Valuation, h Horizon, env YearEnv) (out []Candidate, err error) {
	as := &assessor{ctx: ctx}
	defer as.recover(&err)
	if err := as.init(val, h, env); err != nil {
		return nil, err
	}
	out = make([]Candidate, 0, len(projects))
	for pi := range projects {
		p := &projects[pi]
		var c Candidate
		for _, start := range p.Starts() {
			a, err := as.at(p, start)
			if err != nil {
				return nil, err
			}
			c.Options = append(c.Options, a)
		}
		out = append(out, c)
	}
	return out, nil
}

// windowText words the years a project may start in.
func windowText(p *Project) string {
	starts := p.Starts()
	if len(starts) == 1 {
		return fmt.Sprintf("it starts in %d", starts[0])
	}
	return fmt.Sprintf("it may start from %d to %d", starts[0], starts[len(starts)-1])
}

// assessor evaluates projects over a horizon: the environments of its
// years and the valuation factors, computed once.
type assessor struct {
	ctx      context.Context
	vm       formula.VM
	val      Valuation
	years    []int
	envs     []map[string]any
	prices   [][]decimal.Decimal
	discount []decimal.Decimal
	// evals counts evaluations, to check ctx every cancelEvery; cur,
	// curWhat and curYear are the formula being evaluated, for a panic
	// (the message is made only then).
	evals   int
	cur     *Formula
	curWhat string
	curYear int
}

// recover turns a panic while evaluating — in the decimal library or in
// quotepart — into an error at the formula evaluated, never a crash.
func (as *assessor) recover(err *error) {
	r := recover()
	if r == nil {
		return
	}
	if as.cur != nil {
		e := as.cur.runtimeError(nil, fmt.Sprintf("%s, year %d: internal error: the evaluation failed: %s", as.curWhat, as.curYear, formula.Words(fmt.Sprint(r))))
		e.Code = diag.Internal
		*err = e
		return
	}
	*err = diag.Errorf(diag.Pos{}, diag.Internal, "projects: internal error: %s", formula.Words(fmt.Sprint(r)))
}

// init computes the environments of the horizon's years and the
// valuation factors, the same for every project.
func (as *assessor) init(val Valuation, h Horizon, env YearEnv) error {
	as.val = val
	for y := h.From; y <= h.To; y++ {
		as.years = append(as.years, y)
	}
	years := as.years
	as.envs = make([]map[string]any, len(years))
	for i, y := range years {
		e, err := env(y)
		if err != nil {
			return diag.Errorf(diag.Pos{}, diag.Invalid, "projects: %v", err)
		}
		as.envs[i] = e
	}
	as.prices, as.discount = make([][]decimal.Decimal, len(val.Dimensions)), make([]decimal.Decimal, len(years))
	for d := range val.Dimensions {
		dim := &val.Dimensions[d]
		if err := dim.Validate(); err != nil {
			return diag.Errorf(diag.Pos{}, diag.Internal, "projects: %v", err)
		}
		if dim.Valued == ByPrice {
			as.prices[d] = make([]decimal.Decimal, len(years))
		}
	}
	if !slices.Contains(years, val.BaseYear) {
		return diag.Errorf(diag.Pos{}, diag.Invalid, "projects: the base year of discounting %d is outside the years %d–%d", val.BaseYear, h.From, h.To)
	}
	rate, err := val.Rate(env)
	if err != nil {
		return err
	}
	one := decimal.NewFromInt(1)
	for yi, y := range years {
		for d := range val.Dimensions {
			if as.prices[d] == nil {
				continue
			}
			dim := &val.Dimensions[d]
			if as.prices[d][yi], err = as.eval(dim.Price, yi, dim.PriceName); err != nil {
				return err
			}
		}
		// 1 / (1 + r)^(y - base), exact to formula.DivisionScale places,
		// within the limit of digits of the rate's environment.
		p := one
		for range abs(y - val.BaseYear) {
			p = p.Mul(one.Add(rate))
			if err := val.DiscountRate.Program.Env().Limits().Check(p); err != nil {
				e := val.DiscountRate.runtimeError(nil, fmt.Sprintf("the discount rate, year %d: (1 + rate)^%d: %v", y, abs(y-val.BaseYear), err))
				e.Code = diag.Limit
				return e
			}
		}
		if y >= val.BaseYear {
			as.discount[yi] = one.DivRound(p, formula.DivisionScale)
		} else {
			as.discount[yi] = p
		}
	}
	return nil
}

func (as *assessor) eval(f *Formula, yi int, what string) (decimal.Decimal, error) {
	if as.evals++; as.evals%cancelEvery == 0 {
		if err := as.ctx.Err(); err != nil {
			return decimal.Decimal{}, err
		}
	}
	as.cur, as.curWhat, as.curYear = f, what, as.years[yi]
	v, err := as.vm.Number(f.Program, as.envs[yi])
	if err != nil {
		return v, f.runtimeError(err, fmt.Sprintf("%s, year %d: %v", what, as.years[yi], err))
	}
	return v, nil
}

// at assesses project p starting in year start: each value written for a
// year y is evaluated in, and counted in, year y + start − FirstYear.
func (as *assessor) at(p *Project, start int) (Assessed, error) {
	years := as.years
	shift := start - p.FirstYear
	a := Assessed{Project: p, Years: years, Start: start, Dimensions: as.val.Dimensions, Prices: as.prices, Discount: as.discount,
		Values: make([][]decimal.Decimal, len(p.Lines))}
	what := "project " + p.ID
	if shift != 0 {
		what = fmt.Sprintf("project %s started in %d", p.ID, start)
	}
	// values evaluates formulas written per year, moved to the start.
	values := func(byYear map[int]*Formula, label string, check func(f *Formula, y int, v decimal.Decimal) error) ([]decimal.Decimal, error) {
		out := make([]decimal.Decimal, len(years))
		for yi, y := range years {
			f := byYear[y-shift]
			if f == nil {
				continue
			}
			v, err := as.eval(f, yi, label)
			if err != nil {
				return nil, err
			}
			if check != nil {
				if err := check(f, years[yi], v); err != nil {
					return nil, err
				}
			}
			out[yi] = v
		}
		return out, nil
	}
	for li, l := range p.Lines {
		label := fmt.Sprintf("%s, line %q", what, l.Label)
		v, err := values(l.Values, label, func(f *Formula, y int, v decimal.Decimal) error {
			if v.IsNegative() {
				return &diag.Error{Pos: f.Pos, Code: diag.Invalid, Source: f.Line,
					Msg: fmt.Sprintf("%s, year %d: %s %s is negative; write efforts and gains as positive amounts on their side", label, y, v, as.val.Dimensions[l.Dim].Unit)}
			}
			return nil
		})
		if err != nil {
			return a, err
		}
		a.Values[li] = v
	}
	for ei, e := range p.Effects {
		v, err := values(e.Values, fmt.Sprintf("%s, effect on %s", what, e.CommitmentID), nil)
		if err != nil {
			return a, err
		}
		if a.Effects == nil {
			a.Effects = make([][]decimal.Decimal, len(p.Effects))
		}
		a.Effects[ei] = v
	}
	return a, nil
}

// Rate evaluates the discount rate in the base year.
func (val Valuation) Rate(env YearEnv) (decimal.Decimal, error) {
	e, err := env(val.BaseYear)
	if err != nil {
		return decimal.Decimal{}, diag.Errorf(diag.Pos{}, diag.Invalid, "projects: %v", err)
	}
	var vm formula.VM
	f := val.DiscountRate
	v, err := vm.Number(f.Program, e)
	if err != nil {
		return v, f.runtimeError(err, fmt.Sprintf("the discount rate, year %d: %v", val.BaseYear, err))
	}
	return v, nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// DimensionFigures are a dimension's yearly efforts and gains and what
// follows from them.
type DimensionFigures struct {
	Dimension                          *Dimension
	Efforts, Gains, Net, Cumulative    []decimal.Decimal // per year
	TotalEfforts, TotalGains, TotalNet decimal.Decimal
	// Ratio is gains / efforts over the horizon, to 4 places; HasRatio is
	// false when there is no effort.
	Ratio    decimal.Decimal
	HasRatio bool
	// Payback is the first year from which the cumulative net stays at or
	// above zero after having been below; 0 when it never does or never
	// needed to.
	Payback int
}

// Indicators are a project's (or a portfolio's) figures.
type Indicators struct {
	Years []int
	// Dimensions are the figures of each dimension, in the order of the
	// evaluation's dimensions.
	Dimensions []DimensionFigures
	// NPV is the net of the money dimension discounted to the base year,
	// to the cent.
	NPV decimal.Decimal
	// Monetized is the discounted net of the dimensions valued in EUR
	// (money as it is, the others at their yearly price: ETC at their
	// cost, CO2e at the value of carbon), to the cent. It is shown beside
	// the dimensions, never instead.
	Monetized decimal.Decimal
}

// Figures computes the figures of a set of assessed projects taken
// together (one project, or a portfolio), without uncertainty.
func Figures(set []Assessed) Indicators {
	var ind Indicators
	if len(set) == 0 {
		return ind
	}
	years := set[0].Years
	ind.Years = years
	n := len(years)
	dims := set[0].Dimensions
	ind.Dimensions = make([]DimensionFigures, len(dims))
	for d := range ind.Dimensions {
		df := &ind.Dimensions[d]
		df.Dimension = &dims[d]
		df.Efforts, df.Gains, df.Net, df.Cumulative = zeros(n), zeros(n), zeros(n), zeros(n)
	}
	for _, a := range set {
		for li, l := range a.Project.Lines {
			df := &ind.Dimensions[l.Dim]
			for yi, v := range a.Values[li] {
				if l.Side == Effort {
					df.Efforts[yi] = df.Efforts[yi].Add(v)
				} else {
					df.Gains[yi] = df.Gains[yi].Add(v)
				}
			}
		}
	}
	a := set[0]
	npv, monetized := decimal.Zero, decimal.Zero
	for d := range ind.Dimensions {
		df := &ind.Dimensions[d]
		cum := decimal.Zero
		wasBelow := false
		df.TotalEfforts, df.TotalGains = decimal.Zero, decimal.Zero
		for yi := range years {
			df.Net[yi] = df.Gains[yi].Sub(df.Efforts[yi])
			cum = cum.Add(df.Net[yi])
			df.Cumulative[yi] = cum
			df.TotalEfforts = df.TotalEfforts.Add(df.Efforts[yi])
			df.TotalGains = df.TotalGains.Add(df.Gains[yi])
			if cum.IsNegative() {
				wasBelow, df.Payback = true, 0
			} else if wasBelow && df.Payback == 0 {
				df.Payback = years[yi]
			}
			switch dims[d].Valued {
			case AsMoney:
				value := df.Net[yi].Mul(a.Discount[yi])
				npv = npv.Add(value)
				monetized = monetized.Add(value)
			case ByPrice:
				monetized = monetized.Add(df.Net[yi].Mul(a.Prices[d][yi]).Mul(a.Discount[yi]))
			case NotValued:
			}
		}
		df.TotalNet = df.TotalGains.Sub(df.TotalEfforts)
		if !df.TotalEfforts.IsZero() {
			df.Ratio, df.HasRatio = df.TotalGains.DivRound(df.TotalEfforts, 4), true
		}
	}
	ind.NPV, ind.Monetized = npv.Round(2), monetized.Round(2)
	return ind
}
