package engine

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/quotepart/quotepart/internal/diag"
	"github.com/shopspring/decimal"
)

// Limits bound a portfolio. A year missing from a map has no limit that
// year.
type Limits struct {
	// Budget caps, per year, the projects' financial efforts (investment
	// and running costs, before savings), in EUR.
	Budget map[int]decimal.Decimal
	// Staff caps, per year, the projects' HR efforts, in ETC.
	Staff map[int]decimal.Decimal
	// Carbon, when set, caps the projects' net emissions (efforts − gains)
	// over the horizon, in kgCO2e; a negative cap asks for a reduction.
	Carbon *decimal.Decimal
	// CarbonByYear caps, per year, the projects' net emissions of the
	// year, in kgCO2e.
	CarbonByYear map[int]decimal.Decimal
	// Commitments, when set, must meet their targets: each year with a
	// target, the baseline moved by the chosen requests reaches it.
	Commitments []Commitment
}

// Constraint kinds.
const (
	KindBudget     = "budget"      // financial efforts of a year
	KindStaff      = "staff"       // HR efforts of a year
	KindCarbon     = "carbon"      // net emissions over the horizon
	KindCarbonYear = "carbon-year" // net emissions of a year
	KindCommitment = "commitment"  // a commitment's target of a year
)

// Constraint is one limit of a selection and how much of it is used.
type Constraint struct {
	Kind string // KindBudget, KindStaff, KindCarbon, KindCarbonYear or KindCommitment
	// Dim is the dimension limited: Money, Staff or Carbon; -1 for a
	// commitment.
	Dim int
	// Commitment is, for KindCommitment, the commitment whose target of
	// Year must be met. Its Limit and Used are what the requests must
	// move the indicator by, and move it by, counted the good way
	// negative: Used ≤ Limit is the target met.
	Commitment *Commitment
	Year       int // 0 for carbon over the horizon
	Limit      decimal.Decimal
	Used       decimal.Decimal
	// Binding is true when a worthwhile project left out would fit every
	// other limit but not this one.
	Binding bool
	// Relief says what 10 % more of this limit would bring, when binding.
	Relief *Relief
}

// Name words a constraint for messages: "budget 2027", "carbon".
func (c *Constraint) Name() string {
	switch c.Kind {
	case KindCommitment:
		return fmt.Sprintf("commitment %s %d", c.Commitment.ID, c.Year)
	case KindCarbonYear:
		return fmt.Sprintf("carbon %d", c.Year)
	case KindCarbon:
		return "carbon over the horizon"
	}
	return fmt.Sprintf("%s %d", c.Kind, c.Year)
}

// unit is the unit of the limited dimension, after a space.
func (c *Constraint) unit() string {
	if c.Commitment != nil {
		return " " + c.Commitment.Unit
	}
	dims := StandardDimensions()
	if c.Dim >= 0 && c.Dim < len(dims) {
		return " " + dims[c.Dim].Unit
	}
	return ""
}

// Relief is the effect of raising one limit by ReliefStep.
type Relief struct {
	Limit decimal.Decimal // the raised limit
	// Gain is what the objective gains; Value what the monetized value
	// gains, EUR (the same under the value objective).
	Gain, Value decimal.Decimal
	Entering    []string
	Leaving     []string
}

// ReliefStep is how much a binding limit is raised to show what it costs.
var ReliefStep = decimal.RequireFromString("0.10")

// Reasons a project is left out.
const (
	// ReasonNoValue: it adds nothing to the objective, whatever its start.
	ReasonNoValue = "no value"
	// ReasonOverLimits: no start of it fits the limits, even beside every
	// reduction the other requests offer.
	ReasonOverLimits = "over the limits on its own"
	// ReasonAlternative: an alternative to it (Because) is chosen.
	ReasonAlternative = "alternative chosen"
	// ReasonNeeds: a request it requires (Because) is left out, or starts
	// too late.
	ReasonNeeds = "needs a request left out"
)

// ObjectiveKind is what a selection maximizes.
type ObjectiveKind int

const (
	// ByValue maximizes the total monetized value.
	ByValue ObjectiveKind = iota
	// ByScore maximizes the total weighted score.
	ByScore
	// Mixed maximizes Alpha × value / V + (1 − Alpha) × score / S, where
	// V is the largest monetized value of any request at any start, in
	// absolute value, and S the highest score a request can get.
	Mixed
)

// Objective is what a selection maximizes.
type Objective struct {
	Kind ObjectiveKind
	// Alpha is, for Mixed, the weight of the monetized value, from 0 to
	// 1; the score weighs 1 − Alpha.
	Alpha decimal.Decimal
}

// String words the objective as the command line takes it: value,
// score, mixed:0.7.
func (o Objective) String() string {
	switch o.Kind {
	case ByScore:
		return "score"
	case Mixed:
		return "mixed:" + o.Alpha.String()
	case ByValue:
	}
	return "value"
}

// SelectOptions choose what a selection maximizes and within what.
type SelectOptions struct {
	Limits    Limits
	Objective Objective
	// Scoring scores the requests; needed by the score and mixed
	// objectives, shown beside the value otherwise.
	Scoring *Scoring
	// MaxNodes bounds the search (DefaultMaxNodes when 0): beyond it the
	// selection is the best found, not proven best, with an upper bound
	// on the objective.
	MaxNodes int
}

// DefaultMaxNodes is the exact range of a selection: the nodes the search
// may explore before it stops with the best set found and its gap, about
// 2 to 4 s on the reference machine (docs/performance.md).
const DefaultMaxNodes = 3_000_000

// Size limits of a selection: beyond them it is refused.
const (
	MaxSelectRequests = 500
	MaxSelectOptions  = 5000
)

// Candidate is a request as a selection sees it: assessed at each year it
// may start in, earliest first (AssessStarts).
type Candidate struct {
	Options []Assessed
}

// Fixed makes candidates of requests that start as assessed.
func Fixed(set []Assessed) []Candidate {
	out := make([]Candidate, len(set))
	for i := range set {
		out[i] = Candidate{Options: []Assessed{set[i]}}
	}
	return out
}

// Ranked is a project in the ranking.
type Ranked struct {
	ID string
	// Value is the project's monetized value (see Indicators.Monetized)
	// at Start.
	Value decimal.Decimal
	// PerEuro is the value per EUR of financial effort, 0 without effort.
	PerEuro decimal.Decimal
	// Score is its weighted score (0 without criteria).
	Score decimal.Decimal
	// Objective is what it adds to the objective at Start.
	Objective decimal.Decimal
	// Start is the year it starts in when chosen; when left out, the
	// start of highest objective.
	Start     int
	Chosen    bool
	Mandatory bool
	// Reason says why a project is left out (Reason... constants), when
	// it is not a trade-off against the others; Because names the
	// request behind an alternative or a requirement.
	Reason, Because string
}

// Selection is the portfolio that maximizes the objective under the
// limits, with each chosen request's start year.
type Selection struct {
	Objective Objective
	Chosen    []string // in the order of the ranking
	// Starts gives each chosen request's start year.
	Starts map[string]int
	// Value is the chosen requests' total monetized value, Score their
	// total score, Total the objective reached.
	Value, Score, Total decimal.Decimal
	Ranking             []Ranked // by objective, highest first; ties by id
	Constraints         []Constraint
	// Set holds the chosen requests assessed at their starts, in the
	// order of the ranking.
	Set []Assessed
	// Nodes is the number of branch-and-bound nodes explored.
	Nodes int
	// Exact is true when the search proved the selection best. When it
	// stopped at MaxNodes, Bound is an upper bound on the objective: no
	// selection does better than Bound, and Gap = Bound − Total.
	Exact      bool
	Bound, Gap decimal.Decimal
}

// Infeasible is the error of a selection whose limits no set of requests
// meets (the mandatory requests among them).
type Infeasible struct {
	// Short lists the limits that cannot be met even on their own, with
	// the least the requests must use of each.
	Short []Shortfall
	// Least gives, when each limit can be met on its own but not all
	// together, the limits that cannot be met with every other one met,
	// with the least each then needs.
	Least []Shortfall
	// Rules is set when no set keeps the requests' own rules, whatever
	// the limits: their mandatory requests, requirements and alternatives.
	Rules bool
	// Unexplained is set when the searches that explain which limits
	// conflict did not end within their budget.
	Unexplained bool
}

// Shortfall is a limit and the least the requests must use of it.
type Shortfall struct {
	Constraint Constraint
	// Least is the least any allowed set uses (the mandatory requests,
	// what they require, every reduction the others offer); Over is
	// Least − Limit; Set is a set that uses that least.
	Least, Over decimal.Decimal
	Set         []string
}

func (e *Infeasible) Error() string {
	if e.Rules {
		return "no set of the requests keeps their rules: every mandatory request in, each started after those it requires, at most one of alternatives"
	}
	if e.Unexplained {
		return "no selection meets the limits; which of them conflict could not be worked out within the search's budget"
	}
	var b strings.Builder
	list := e.Short
	if len(list) > 0 {
		b.WriteString("no selection meets the limits")
	} else {
		b.WriteString("no selection meets all the limits together; these conflict, each with the others met")
		list = e.Least
	}
	for i, s := range list {
		sep := ": "
		if i > 0 {
			sep = "; "
		}
		b.WriteString(sep + s.text())
	}
	if len(list) == 0 {
		b.WriteString(", each limit could be met on its own")
	}
	return b.String()
}

// text words a shortfall: the limit, the least the requests need, by how
// much it is over.
func (s *Shortfall) text() string {
	u := s.Constraint.unit()
	if cm := s.Constraint.Commitment; cm != nil {
		yi := slices.Index(cm.Years, s.Constraint.Year)
		best := cm.Baseline[yi].Sub(s.Least)
		if cm.Better == Lower {
			best = cm.Baseline[yi].Add(s.Least)
		}
		p := cm.Decimals
		return fmt.Sprintf("%s: the target is %s%s, but the requests reach at best %s%s (%s): %s%s short", s.Constraint.Name(),
			amount(cm.Target[yi], p), u, amount(best, p), u, listOrNone(s.Set), amount(s.Over, p), u)
	}
	p := int32(2)
	if dims := StandardDimensions(); s.Constraint.Dim >= 0 && s.Constraint.Dim < len(dims) {
		p = dims[s.Constraint.Dim].Decimals
	}
	return fmt.Sprintf("%s is limited to %s%s, but no allowed set uses less than %s%s (%s): %s%s over", s.Constraint.Name(),
		amount(s.Constraint.Limit, p), u, amount(s.Least, p), u, listOrNone(s.Set), amount(s.Over, p), u)
}

// amount writes a figure of a message to the places its unit is shown
// with, or in full when that would round it to zero.
func amount(v decimal.Decimal, places int32) string {
	if r := v.Round(places); !r.IsZero() || v.IsZero() {
		return r.String()
	}
	return v.String()
}

func listOrNone(ids []string) string {
	if len(ids) == 0 {
		return "no request"
	}
	return strings.Join(ids, ", ")
}

// constraintSpec is a limit before solving.
type constraintSpec struct {
	kind  string
	dim   int
	year  int
	limit decimal.Decimal
	// commitment is the index, in the limits' commitments, of a
	// commitment's target; cm the commitment.
	commitment int
	cm         *Commitment
}

func limitSpecs(years []int, lim Limits) []constraintSpec {
	var specs []constraintSpec
	for _, y := range years {
		if v, ok := lim.Budget[y]; ok {
			specs = append(specs, constraintSpec{kind: KindBudget, dim: Money, year: y, limit: v})
		}
	}
	for _, y := range years {
		if v, ok := lim.Staff[y]; ok {
			specs = append(specs, constraintSpec{kind: KindStaff, dim: Staff, year: y, limit: v})
		}
	}
	for _, y := range years {
		if v, ok := lim.CarbonByYear[y]; ok {
			specs = append(specs, constraintSpec{kind: KindCarbonYear, dim: Carbon, year: y, limit: v})
		}
	}
	if lim.Carbon != nil {
		specs = append(specs, constraintSpec{kind: KindCarbon, dim: Carbon, limit: *lim.Carbon})
	}
	for ci := range lim.Commitments {
		c := &lim.Commitments[ci]
		for yi, y := range c.Years {
			if yi >= len(c.HasTarget) || !c.HasTarget[yi] {
				continue
			}
			// Higher is better: Σ contribution ≥ target − baseline, that
			// is Σ −contribution ≤ baseline − target; lower is better:
			// Σ contribution ≤ target − baseline.
			limit := c.Baseline[yi].Sub(c.Target[yi])
			if c.Better == Lower {
				limit = limit.Neg()
			}
			specs = append(specs, constraintSpec{kind: KindCommitment, dim: -1, year: y, limit: limit, commitment: ci, cm: c})
		}
	}
	return specs
}

func weightOf(a *Assessed, ind *Indicators, c constraintSpec, commitments []Commitment) decimal.Decimal {
	if c.kind == KindCommitment {
		yi := slices.Index(a.Years, c.year)
		if yi < 0 {
			return decimal.Zero
		}
		v := Contribution(commitments, c.commitment, a)[yi]
		if c.cm.Better == Higher {
			return v.Neg()
		}
		return v
	}
	df := ind.Dimensions[c.dim]
	switch c.kind {
	case KindCarbon:
		return df.TotalNet.Neg()
	case KindCarbonYear:
		yi := slices.Index(ind.Years, c.year)
		return df.Efforts[yi].Sub(df.Gains[yi])
	}
	return df.Efforts[slices.Index(ind.Years, c.year)]
}

// Select chooses, among the candidates, the set of requests and their
// start years that maximizes the objective within the limits: every
// mandatory request in, each required request started at least its lag
// before, at most one of alternatives. It is exact (branch and bound, see
// solver) up to opt.MaxNodes nodes, and then says so. It stops with ctx's
// error when ctx is cancelled, and returns an *Infeasible error when no
// set meets the limits.
func Select(ctx context.Context, cands []Candidate, opt SelectOptions) (*Selection, error) {
	pr, err := newProblem(cands, opt)
	if err != nil {
		return nil, err
	}
	maxNodes := opt.MaxNodes
	if maxNodes <= 0 {
		maxNodes = DefaultMaxNodes
	}
	res, err := pr.solve(ctx, pr.limits, maxNodes, nil)
	if err != nil {
		return nil, err
	}
	if !res.found {
		if !res.exact {
			return nil, fmt.Errorf("no selection found within %d nodes of search", maxNodes)
		}
		// Each search of the explanation is smaller than the selection.
		return nil, pr.infeasible(ctx, max(maxNodes/10, 10_000))
	}
	if opt.Objective.Kind == ByScore {
		// A score does not depend on the start: among the selections of
		// the best score, take the one of highest value.
		best, err := pr.valueAmong(ctx, res, maxNodes)
		if err != nil {
			return nil, err
		}
		if best.found {
			res.choice, res.exact = best.choice, res.exact && best.exact
		}
		res.nodes += best.nodes
	}
	sel := pr.selection(res)
	// Binding limits and what 10 % more of each would bring.
	for k := range sel.Constraints {
		c := &sel.Constraints[k]
		c.Binding = pr.binding(res.choice, k)
		if !c.Binding || c.Kind == KindCommitment || !res.exact {
			// A target is not a limit to raise; beyond the exact range,
			// what a raised limit brings would not be exact either.
			continue
		}
		raised := slices.Clone(pr.limits)
		raised[k] = c.Limit.Add(c.Limit.Abs().Mul(ReliefStep)).Round(2)
		more, err := pr.solve(ctx, raised, maxNodes, res.choice)
		if err != nil {
			return nil, err
		}
		relief := &Relief{Limit: raised[k], Gain: more.total.Sub(res.total), Value: decimal.Zero}
		for i, it := range pr.items {
			was, now := res.choice[i], more.choice[i]
			if now >= 0 {
				relief.Value = relief.Value.Add(it.opts[now].value)
			}
			if was >= 0 {
				relief.Value = relief.Value.Sub(it.opts[was].value)
			}
			switch {
			case was < 0 && now >= 0:
				relief.Entering = append(relief.Entering, it.id)
			case was >= 0 && now < 0:
				relief.Leaving = append(relief.Leaving, it.id)
			}
		}
		c.Relief = relief
	}
	return sel, nil
}

// selOption is one start of a request.
type selOption struct {
	a     *Assessed
	start int
	value decimal.Decimal // monetized value
	obj   decimal.Decimal // what it adds to the objective
	objF  float64
	w     []decimal.Decimal // per constraint
	wf    []float64
	euros decimal.Decimal // financial efforts over the horizon
}

// selItem is a request.
type selItem struct {
	id        string
	mandatory bool
	score     decimal.Decimal
	opts      []selOption
	requires  []selReq
	excludes  []int
	// missing names a required request that is not among the candidates:
	// the request can never be chosen.
	missing string
}

type selReq struct{ item, lag int }

// problem is a selection instance: requests, their starts, the limits.
type problem struct {
	opt    SelectOptions
	specs  []constraintSpec
	limits []decimal.Decimal
	items  []selItem
	// unit is the objective's smallest step: every objective coefficient
	// is a multiple of it, so a better set is better by at least unit.
	unit decimal.Decimal
}

// objectivePlaces are the decimals the coefficients of each objective are
// rounded to: cents, a score's 4 places, a mixed objective's 9.
var objectivePlaces = map[ObjectiveKind]int32{ByValue: 2, ByScore: scorePlaces, Mixed: 9}

func newProblem(cands []Candidate, opt SelectOptions) (*problem, error) {
	if len(cands) > MaxSelectRequests {
		return nil, fmt.Errorf("a selection takes at most %d requests; %d given", MaxSelectRequests, len(cands))
	}
	nOpts := 0
	var years []int
	for i, c := range cands {
		if len(c.Options) == 0 {
			return nil, fmt.Errorf("request %d has no start to choose from", i+1)
		}
		nOpts += len(c.Options)
		years = c.Options[0].Years
	}
	if nOpts > MaxSelectOptions {
		return nil, fmt.Errorf("a selection takes at most %d requests × start years; %d given", MaxSelectOptions, nOpts)
	}
	switch opt.Objective.Kind {
	case ByValue:
	case ByScore, Mixed:
		if !opt.Scoring.HasCriteria() {
			return nil, diag.Errorf(diag.Pos{}, diag.Invalid, "the %s objective needs criteria to score the requests (scoring: in the evaluation settings)", opt.Objective)
		}
		if opt.Objective.Kind == Mixed && (opt.Objective.Alpha.IsNegative() || opt.Objective.Alpha.GreaterThan(decimal.NewFromInt(1))) {
			return nil, fmt.Errorf("the weight of the value in a mixed objective is from 0 to 1, found %s", opt.Objective.Alpha)
		}
	default:
		return nil, fmt.Errorf("unknown objective %d", opt.Objective.Kind)
	}
	pr := &problem{opt: opt, specs: limitSpecs(years, opt.Limits)}
	for _, c := range pr.specs {
		pr.limits = append(pr.limits, c.limit)
	}
	index := map[string]int{}
	for i, c := range cands {
		p := c.Options[0].Project
		if _, dup := index[p.ID]; dup {
			return nil, fmt.Errorf("request %s is given twice", p.ID)
		}
		index[p.ID] = i
	}
	maxAbs := decimal.Zero
	for _, c := range cands {
		p := c.Options[0].Project
		it := selItem{id: p.ID, mandatory: p.Mandatory, score: opt.Scoring.Weighted(p)}
		for oi := range c.Options {
			a := &c.Options[oi]
			if a.Project.ID != p.ID {
				return nil, fmt.Errorf("the starts of request %s mix in request %s", p.ID, a.Project.ID)
			}
			ind := Figures([]Assessed{*a})
			o := selOption{a: a, start: cmp.Or(a.Start, p.FirstYear), value: ind.Monetized, euros: ind.Dimensions[Money].TotalEfforts}
			for _, spec := range pr.specs {
				w := weightOf(a, &ind, spec, opt.Limits.Commitments)
				o.w, o.wf = append(o.w, w), append(o.wf, w.InexactFloat64())
			}
			maxAbs = decimal.Max(maxAbs, o.value.Abs())
			it.opts = append(it.opts, o)
		}
		pr.items = append(pr.items, it)
	}
	for i, c := range cands {
		p := c.Options[0].Project
		it := &pr.items[i]
		for _, r := range p.Requires {
			j, ok := index[r.ID]
			switch {
			case !ok && p.Mandatory:
				return nil, diag.Errorf(r.Pos, diag.Invalid, "mandatory request %s requires %s, which is not among the requests given", p.ID, r.ID)
			case !ok:
				if it.missing == "" {
					it.missing = r.ID
				}
			case j == i:
				return nil, diag.Errorf(r.Pos, diag.Invalid, "request %s requires itself", p.ID)
			default:
				it.requires = append(it.requires, selReq{item: j, lag: r.Lag})
			}
		}
		for _, x := range p.Excludes {
			if j, ok := index[x]; ok && j != i {
				if !slices.Contains(it.excludes, j) {
					it.excludes = append(it.excludes, j)
				}
				if other := &pr.items[j]; !slices.Contains(other.excludes, i) {
					other.excludes = append(other.excludes, i)
				}
			}
		}
	}
	// Objective coefficients.
	places := objectivePlaces[opt.Objective.Kind]
	one := decimal.NewFromInt(1)
	maxScore := opt.Scoring.Max()
	for i := range pr.items {
		it := &pr.items[i]
		for oi := range it.opts {
			o := &it.opts[oi]
			switch opt.Objective.Kind {
			case ByValue:
				o.obj = o.value
			case ByScore:
				o.obj = it.score
			case Mixed:
				v, s := decimal.Zero, decimal.Zero
				if maxAbs.IsPositive() {
					v = o.value.DivRound(maxAbs, 20)
				}
				if maxScore.IsPositive() {
					s = it.score.DivRound(maxScore, 20)
				}
				o.obj = opt.Objective.Alpha.Mul(v).Add(one.Sub(opt.Objective.Alpha).Mul(s))
			}
			o.obj = o.obj.Round(places)
			o.objF = o.obj.InexactFloat64()
		}
	}
	pr.unit = decimal.New(1, -places)
	return pr, nil
}

// valueAmong finds, among the choices whose objective is at least res's,
// the one of highest monetized value: the same search, maximizing the
// value under one more limit, Σ −objective ≤ −res.total.
func (pr *problem) valueAmong(ctx context.Context, res result, maxNodes int) (result, error) {
	c := pr.clone()
	for i := range c.items {
		for oi := range c.items[i].opts {
			o := &c.items[i].opts[oi]
			floor := o.obj.Neg()
			o.w = append(slices.Clone(o.w), floor)
			o.wf = append(slices.Clone(o.wf), floor.InexactFloat64())
			o.obj, o.objF = o.value, o.value.InexactFloat64()
		}
	}
	c.unit = decimal.New(1, -objectivePlaces[ByValue])
	limits := append(slices.Clone(pr.limits), res.total.Neg())
	return c.solve(ctx, limits, maxNodes, res.choice)
}

// result is a solved problem: the option chosen per item (-1: left out).
type result struct {
	choice []int
	total  decimal.Decimal
	found  bool
	exact  bool
	bound  float64 // an upper bound on the objective when !exact
	nodes  int
}

// selection turns a solution into what Select returns.
func (pr *problem) selection(res result) *Selection {
	sel := &Selection{Objective: pr.opt.Objective, Starts: map[string]int{}, Value: decimal.Zero, Score: decimal.Zero,
		Total: res.total, Nodes: res.nodes, Exact: res.exact, Bound: res.total, Gap: decimal.Zero}
	if !res.exact {
		sel.Bound = decimal.Max(res.total, decimal.NewFromFloat(res.bound).Round(objectivePlaces[pr.opt.Objective.Kind]))
		sel.Gap = sel.Bound.Sub(res.total)
	}
	for i, it := range pr.items {
		r := Ranked{ID: it.id, Score: it.score, Mandatory: it.mandatory}
		o := res.choice[i]
		if o < 0 {
			// Left out: show its start of highest objective.
			o = 0
			for k := range it.opts {
				if it.opts[k].obj.GreaterThan(it.opts[o].obj) {
					o = k
				}
			}
		} else {
			r.Chosen = true
			sel.Value = sel.Value.Add(it.opts[o].value)
			sel.Score = sel.Score.Add(it.score)
		}
		opt := &it.opts[o]
		r.Value, r.Objective, r.Start = opt.value, opt.obj, opt.start
		if !opt.euros.IsZero() {
			r.PerEuro = opt.value.DivRound(opt.euros, 4)
		}
		if !r.Chosen {
			r.Reason, r.Because = pr.reason(res.choice, i)
		}
		sel.Ranking = append(sel.Ranking, r)
	}
	slices.SortStableFunc(sel.Ranking, func(a, b Ranked) int {
		if c := b.Objective.Cmp(a.Objective); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	for _, r := range sel.Ranking {
		if !r.Chosen {
			continue
		}
		sel.Chosen = append(sel.Chosen, r.ID)
		sel.Starts[r.ID] = r.Start
		i := slices.IndexFunc(pr.items, func(it selItem) bool { return it.id == r.ID })
		sel.Set = append(sel.Set, *pr.items[i].opts[res.choice[i]].a)
	}
	for k, c := range pr.specs {
		used := decimal.Zero
		for i, it := range pr.items {
			if o := res.choice[i]; o >= 0 {
				used = used.Add(it.opts[o].w[k])
			}
		}
		sel.Constraints = append(sel.Constraints, Constraint{Kind: c.kind, Dim: c.dim, Year: c.year, Limit: c.limit, Used: used, Commitment: c.cm})
	}
	return sel
}

// allowed reports whether item i may take option o beside the choices
// made: every request it requires chosen early enough, no alternative to
// it chosen. Undecided items (choice -2) neither allow nor forbid.
func (pr *problem) allowed(choice []int, i, o int) bool {
	it := &pr.items[i]
	if it.missing != "" {
		return false
	}
	start := it.opts[o].start
	for _, r := range it.requires {
		c := choice[r.item]
		if c == undecided {
			continue
		}
		if c < 0 || pr.items[r.item].opts[c].start+r.lag > start {
			return false
		}
	}
	for _, j := range it.excludes {
		if choice[j] >= 0 {
			return false
		}
	}
	return true
}

// reason says why item i, left out of a solution, is left out when it is
// not a trade-off.
func (pr *problem) reason(choice []int, i int) (string, string) {
	it := &pr.items[i]
	for _, j := range it.excludes {
		if choice[j] >= 0 {
			return ReasonAlternative, pr.items[j].id
		}
	}
	if it.missing != "" {
		return ReasonNeeds, it.missing
	}
	for _, r := range it.requires {
		c := choice[r.item]
		if c < 0 || !slices.ContainsFunc(it.opts, func(o selOption) bool { return pr.items[r.item].opts[c].start+r.lag <= o.start }) {
			return ReasonNeeds, pr.items[r.item].id
		}
	}
	if !slices.ContainsFunc(it.opts, func(o selOption) bool { return o.obj.IsPositive() }) {
		return ReasonNoValue, ""
	}
	if !slices.ContainsFunc(it.opts, func(o selOption) bool { return pr.fitsAlone(i, o) }) {
		return ReasonOverLimits, ""
	}
	return "", ""
}

// fitsAlone reports whether an option could meet each limit in some
// company: its weight, lowered by every reduction the other requests
// offer on that limit, stays within it.
func (pr *problem) fitsAlone(i int, o selOption) bool {
	for k, w := range o.w {
		for j, other := range pr.items {
			if j == i {
				continue
			}
			least := decimal.Zero
			for _, oo := range other.opts {
				least = decimal.Min(least, oo.w[k])
			}
			w = w.Add(least)
		}
		if w.GreaterThan(pr.limits[k]) {
			return false
		}
	}
	return true
}

// binding reports whether constraint k keeps out a request that would add
// to the objective and that every other limit would let in, at one of its
// starts, beside the chosen ones.
func (pr *problem) binding(choice []int, k int) bool {
	used := make([]decimal.Decimal, len(pr.limits))
	for c := range used {
		used[c] = decimal.Zero
		for i, it := range pr.items {
			if o := choice[i]; o >= 0 {
				used[c] = used[c].Add(it.opts[o].w[c])
			}
		}
	}
	for i, it := range pr.items {
		if choice[i] >= 0 {
			continue
		}
		for o, opt := range it.opts {
			if !opt.obj.IsPositive() || !pr.allowed(choice, i, o) {
				continue
			}
			fitsOthers, fitsThis := true, true
			for c, w := range opt.w {
				over := used[c].Add(w).GreaterThan(pr.limits[c])
				if c == k {
					fitsThis = !over
				} else if over {
					fitsOthers = false
				}
			}
			if fitsOthers && !fitsThis {
				return true
			}
		}
	}
	return false
}

// infeasible explains why no set meets the limits. First, for each limit,
// the least the allowed sets use of it with no other limit: a limit below
// it cannot be met at all. When each can, for each limit the least it
// needs with every other limit met: those above theirs conflict with the
// others, by that much. Each least is found by the same search,
// minimizing the use of the limit.
func (pr *problem) infeasible(ctx context.Context, maxNodes int) error {
	e := &Infeasible{}
	for k := range pr.specs {
		s, found, exact, err := pr.least(ctx, k, nil, maxNodes)
		if err != nil {
			return err
		}
		if !exact {
			return &Infeasible{Unexplained: true}
		}
		if !found {
			return &Infeasible{Rules: true}
		}
		if s.Over.IsPositive() {
			e.Short = append(e.Short, s)
		}
	}
	if len(e.Short) > 0 {
		return e
	}
	// The limits in conflict: drop each limit in turn while what remains
	// is still infeasible, so that those kept conflict and every one of
	// them is needed for the conflict; then the least each needs with
	// the others of the conflict met.
	keep := make([]bool, len(pr.specs))
	for k := range keep {
		keep[k] = true
	}
	for k := range pr.specs {
		keep[k] = false
		ok, exact, err := pr.feasibleWithin(ctx, keep, maxNodes)
		if err != nil {
			return err
		}
		if !exact {
			return &Infeasible{Unexplained: true}
		}
		if ok {
			keep[k] = true
		}
	}
	for k := range pr.specs {
		if !keep[k] {
			continue
		}
		others := slices.Clone(keep)
		others[k] = false
		s, found, exact, err := pr.least(ctx, k, others, maxNodes)
		if err != nil {
			return err
		}
		if !exact {
			return &Infeasible{Unexplained: true}
		}
		if found && s.Over.IsPositive() {
			e.Least = append(e.Least, s)
		}
	}
	return e
}

// feasibleWithin reports whether some allowed set meets the limits kept.
func (pr *problem) feasibleWithin(ctx context.Context, keep []bool, maxNodes int) (ok, exact bool, err error) {
	c := pr.clone()
	limits := keepOnly(pr.limits, keep)
	for i := range c.items {
		for oi := range c.items[i].opts {
			o := &c.items[i].opts[oi]
			o.obj, o.objF = decimal.Zero, 0
			o.w, o.wf = keepOnly(o.w, keep), keepOnly(o.wf, keep)
		}
	}
	c.unit = decimal.NewFromInt(1)
	res, err := c.solve(ctx, limits, maxNodes, nil)
	return res.found, res.found || res.exact, err
}

// keepOnly gives the xs whose keep is true, in order.
func keepOnly[T any](xs []T, keep []bool) []T {
	var out []T
	for k, x := range xs {
		if keep[k] {
			out = append(out, x)
		}
	}
	return out
}

// least finds the least any allowed set uses of limit k, within the
// limits kept when keep is not nil.
func (pr *problem) least(ctx context.Context, k int, keep []bool, maxNodes int) (s Shortfall, found, exact bool, err error) {
	spec := pr.specs[k]
	c := pr.clone()
	if keep == nil {
		keep = make([]bool, len(pr.specs))
	}
	limits := keepOnly(pr.limits, keep)
	for i := range c.items {
		for oi := range c.items[i].opts {
			o := &c.items[i].opts[oi]
			w := pr.items[i].opts[oi].w
			o.obj = w[k].Neg()
			o.objF = o.obj.InexactFloat64()
			o.w, o.wf = keepOnly(w, keep), keepOnly(pr.items[i].opts[oi].wf, keep)
		}
	}
	c.unit = coefficientUnit(c.items)
	res, err := c.solve(ctx, limits, maxNodes, nil)
	if err != nil || !res.found {
		return Shortfall{}, false, res.exact, err
	}
	s = Shortfall{Constraint: Constraint{Kind: spec.kind, Dim: spec.dim, Year: spec.year, Limit: spec.limit, Commitment: spec.cm},
		Least: res.total.Neg()}
	s.Over = s.Least.Sub(spec.limit)
	for i, it := range pr.items {
		if res.choice[i] >= 0 && !it.opts[res.choice[i]].w[k].IsZero() {
			s.Set = append(s.Set, it.id)
		}
	}
	return s, true, res.exact, nil
}

// clone copies the problem's items deeply enough to change their
// coefficients.
func (pr *problem) clone() *problem {
	c := *pr
	c.items = make([]selItem, len(pr.items))
	for i, it := range pr.items {
		it.opts = slices.Clone(it.opts)
		c.items[i] = it
	}
	return &c
}

// coefficientUnit returns the smallest step of the items' objective
// coefficients: 10^-p for the most decimals any of them has.
func coefficientUnit(items []selItem) decimal.Decimal {
	var places int32
	for _, it := range items {
		for _, o := range it.opts {
			places = max(places, -o.obj.Exponent())
		}
	}
	return decimal.New(1, -places)
}
