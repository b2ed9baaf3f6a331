package engine

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/quotepart/quotepart/internal/diag"
	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// Limits bound a portfolio. A year missing from Budget or Staff has no
// limit that year.
type Limits struct {
	// Budget caps, per year, the projects' financial efforts (investment
	// and running costs, before savings), in EUR.
	Budget map[int]decimal.Decimal
	// Staff caps, per year, the projects' HR efforts, in ETC.
	Staff map[int]decimal.Decimal
	// Carbon, when set, caps the projects' net emissions (efforts − gains)
	// over the horizon, in kgCO2e; a negative cap asks for a reduction.
	Carbon *decimal.Decimal
}

// Constraint is one limit of a selection and how much of it is used.
type Constraint struct {
	Kind string // "budget", "staff" or "carbon"
	// Dim is the dimension limited: Money, Staff or Carbon.
	Dim   int
	Year  int // 0 for carbon, over the horizon
	Limit decimal.Decimal
	Used  decimal.Decimal
	// Binding is true when a worthwhile project left out would fit every
	// other limit but not this one.
	Binding bool
	// Relief says what 10 % more of this limit would bring, when binding.
	Relief *Relief
}

// Relief is the effect of raising one limit by ReliefStep.
type Relief struct {
	Limit    decimal.Decimal // the raised limit
	Gain     decimal.Decimal // monetized value gained, EUR
	Entering []string
	Leaving  []string
}

// ReliefStep is how much a binding limit is raised to show what it costs.
var ReliefStep = decimal.RequireFromString("0.10")

// Reasons a project is left out whatever the other projects chosen.
const (
	ReasonNoValue    = "no value"
	ReasonOverLimits = "over the limits on its own"
)

// Ranked is a project in the ranking.
type Ranked struct {
	ID string
	// Value is the project's monetized value (see Indicators.Monetized).
	Value decimal.Decimal
	// PerEuro is the value per EUR of financial effort, 0 without effort.
	PerEuro decimal.Decimal
	Chosen  bool
	// Reason says why a project is left out whatever the others: it brings
	// no value, or it cannot fit the limits, even beside every carbon
	// reduction the other requests offer.
	Reason string
}

// Selection is the portfolio that maximizes the monetized value under the
// limits, exactly (branch and bound on the linear relaxation).
type Selection struct {
	Chosen      []string // in the order of the ranking
	Value       decimal.Decimal
	Ranking     []Ranked // by value, highest first; ties by id
	Constraints []Constraint
	// Nodes is the number of branch-and-bound nodes explored.
	Nodes int
}

// item is a project as the selector sees it.
type item struct {
	id     string
	value  decimal.Decimal
	weight []decimal.Decimal // per constraint
}

// constraintSpec is a limit before solving.
type constraintSpec struct {
	kind  string
	dim   int
	year  int
	limit decimal.Decimal
	// total: the net over the horizon (carbon); otherwise the year's
	// efforts.
	total bool
}

// Select chooses, among the assessed projects, the set with the highest
// total monetized value whose efforts fit the limits. It stops with ctx's
// error when ctx is cancelled.
func Select(ctx context.Context, set []Assessed, lim Limits) (*Selection, error) {
	if len(set) > 64 {
		return nil, fmt.Errorf("portfolio selection is exact up to 64 requests; %d given", len(set))
	}
	specs := limitSpecs(set, lim)
	items := make([]item, len(set))
	sel := &Selection{}
	for i, a := range set {
		ind := Figures([]Assessed{a})
		it := item{id: a.Project.ID, value: ind.Monetized, weight: make([]decimal.Decimal, len(specs))}
		for k, c := range specs {
			it.weight[k] = weightOf(ind, c)
		}
		items[i] = it
		r := Ranked{ID: it.id, Value: it.value}
		if e := ind.Dimensions[Money].TotalEfforts; !e.IsZero() {
			r.PerEuro = it.value.DivRound(e, 4)
		}
		sel.Ranking = append(sel.Ranking, r)
	}
	slices.SortStableFunc(sel.Ranking, func(a, b Ranked) int {
		if c := b.Value.Cmp(a.Value); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	limits := make([]decimal.Decimal, len(specs))
	for k, c := range specs {
		limits[k] = c.limit
	}
	chosen, nodes, ok, err := solve(ctx, items, limits)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, diag.Errorf(diag.Pos{}, diag.Invalid, "no set of the %d requests meets the limits: no combination reaches the reduction a negative limit asks for", len(set))
	}
	sel.Nodes = nodes
	sel.Value = decimal.Zero
	inSet := map[string]bool{}
	for _, i := range chosen {
		inSet[items[i].id] = true
		sel.Value = sel.Value.Add(items[i].value)
	}
	for ri := range sel.Ranking {
		r := &sel.Ranking[ri]
		r.Chosen = inSet[r.ID]
		if r.Chosen {
			sel.Chosen = append(sel.Chosen, r.ID)
		}
		i := slices.IndexFunc(items, func(x item) bool { return x.id == r.ID })
		switch {
		case r.Chosen:
		case !items[i].value.IsPositive():
			r.Reason = ReasonNoValue
		case !canFit(items, i, limits):
			r.Reason = ReasonOverLimits
		}
	}
	for k, c := range specs {
		used := decimal.Zero
		for _, i := range chosen {
			used = used.Add(items[i].weight[k])
		}
		con := Constraint{Kind: c.kind, Dim: c.dim, Year: c.year, Limit: c.limit, Used: used}
		con.Binding = binding(items, chosen, limits, k)
		if con.Binding {
			raised := slices.Clone(limits)
			raised[k] = c.limit.Add(c.limit.Abs().Mul(ReliefStep)).Round(2)
			more, _, _, err := solve(ctx, items, raised)
			if err != nil {
				return nil, err
			}
			relief := &Relief{Limit: raised[k], Gain: decimal.Zero}
			for _, i := range more {
				relief.Gain = relief.Gain.Add(items[i].value)
				if !inSet[items[i].id] {
					relief.Entering = append(relief.Entering, items[i].id)
				}
			}
			relief.Gain = relief.Gain.Sub(sel.Value)
			for _, i := range chosen {
				if !slices.Contains(more, i) {
					relief.Leaving = append(relief.Leaving, items[i].id)
				}
			}
			con.Relief = relief
		}
		sel.Constraints = append(sel.Constraints, con)
	}
	return sel, nil
}

func limitSpecs(set []Assessed, lim Limits) []constraintSpec {
	var specs []constraintSpec
	if len(set) == 0 {
		return nil
	}
	for _, y := range set[0].Years {
		if v, ok := lim.Budget[y]; ok {
			specs = append(specs, constraintSpec{kind: "budget", dim: Money, year: y, limit: v})
		}
	}
	for _, y := range set[0].Years {
		if v, ok := lim.Staff[y]; ok {
			specs = append(specs, constraintSpec{kind: "staff", dim: Staff, year: y, limit: v})
		}
	}
	if lim.Carbon != nil {
		specs = append(specs, constraintSpec{kind: "carbon", dim: Carbon, limit: *lim.Carbon, total: true})
	}
	return specs
}

func weightOf(ind Indicators, c constraintSpec) decimal.Decimal {
	df := ind.Dimensions[c.dim]
	if c.total {
		return df.TotalNet.Neg()
	}
	return df.Efforts[slices.Index(ind.Years, c.year)]
}

// canFit reports whether item i could meet each limit in some company: its
// weight, lowered by every reduction the other items offer on that limit
// (carbon), stays within it. When it cannot, no selection can hold it.
func canFit(items []item, i int, limits []decimal.Decimal) bool {
	for k, w := range items[i].weight {
		for j, other := range items {
			if j != i && other.weight[k].IsNegative() {
				w = w.Add(other.weight[k])
			}
		}
		if w.GreaterThan(limits[k]) {
			return false
		}
	}
	return true
}

// binding reports whether constraint k keeps out a project of positive
// value that every other limit would let in beside the chosen ones.
func binding(items []item, chosen []int, limits []decimal.Decimal, k int) bool {
	used := make([]decimal.Decimal, len(limits))
	for c := range used {
		used[c] = decimal.Zero
		for _, i := range chosen {
			used[c] = used[c].Add(items[i].weight[c])
		}
	}
	for i, it := range items {
		if slices.Contains(chosen, i) || !it.value.IsPositive() {
			continue
		}
		fitsOthers, fitsThis := true, true
		for c, w := range it.weight {
			over := used[c].Add(w).GreaterThan(limits[c])
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
	return false
}

// solve returns the indices of the items of the best feasible subset, by
// depth-first branch and bound: items in decreasing value, include before
// exclude, a node pruned when the linear relaxation of what remains cannot
// beat the best subset found. Items of no value are kept only when they
// lower a limit (a carbon reduction), since they may let a better item in.
// Feasibility is checked in exact decimals; only bounds use floats. ok is
// false when no subset meets the limits (a negative carbon cap); err is
// ctx's error when ctx is cancelled during the search.
func solve(ctx context.Context, items []item, limits []decimal.Decimal) (chosen []int, nodes int, ok bool, err error) {
	var order []int
	for i, it := range items {
		if it.value.IsPositive() || slices.ContainsFunc(it.weight, decimal.Decimal.IsNegative) {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := items[b].value.Cmp(items[a].value); c != 0 {
			return c
		}
		return cmp.Compare(items[a].id, items[b].id)
	})
	// minLeft[k][d] is the most that the items from depth d on can lower
	// constraint k (negative weights, e.g. carbon reductions).
	minLeft := make([][]decimal.Decimal, len(limits))
	for k := range limits {
		minLeft[k] = make([]decimal.Decimal, len(order)+1)
		minLeft[k][len(order)] = decimal.Zero
		for d := len(order) - 1; d >= 0; d-- {
			minLeft[k][d] = minLeft[k][d+1].Add(decimal.Min(decimal.Zero, items[order[d]].weight[k]))
		}
	}
	s := &solver{ctx: ctx, items: items, order: order, minLeft: minLeft, best: math.Inf(-1)}
	room := slices.Clone(limits)
	s.branch(0, nil, room, 0)
	if s.err != nil {
		return nil, s.nodes, false, s.err
	}
	return s.bestSet, s.nodes, !math.IsInf(s.best, -1), nil
}

type solver struct {
	ctx     context.Context
	err     error // ctx's error once it is cancelled
	items   []item
	order   []int
	minLeft [][]decimal.Decimal
	best    float64
	bestSet []int
	nodes   int
}

func (s *solver) branch(depth int, chosen []int, room []decimal.Decimal, value float64) {
	if s.err != nil {
		return
	}
	s.nodes++
	if s.nodes%1024 == 1 { // the first node, then every 1,024
		if s.err = s.ctx.Err(); s.err != nil {
			return
		}
	}
	// Room may only go negative on a limit that later items can still
	// lower; otherwise this branch can never become feasible.
	feasible := true
	for k, r := range room {
		if r.Add(s.minLeft[k][depth].Neg()).IsNegative() {
			return
		}
		if r.IsNegative() {
			feasible = false
		}
	}
	if feasible && value > s.best+1e-9 {
		s.best, s.bestSet = value, slices.Clone(chosen)
	}
	if depth == len(s.order) {
		return
	}
	if value+s.bound(depth, room) <= s.best+1e-9 {
		return
	}
	i := s.order[depth]
	it := s.items[i]
	next := make([]decimal.Decimal, len(room))
	for k := range room {
		next[k] = room[k].Sub(it.weight[k])
	}
	s.branch(depth+1, append(chosen, i), next, value+it.value.InexactFloat64())
	s.branch(depth+1, chosen, room, value)
}

// bound returns an upper bound on the value the items from depth on can
// add within room: the optimum of the linear relaxation, or, when the
// solver fails, the sum of their positive values.
func (s *solver) bound(depth int, room []decimal.Decimal) float64 {
	rest := s.order[depth:]
	sum := 0.0 // what the items of positive value would add
	for _, i := range rest {
		sum += max(0, s.items[i].value.InexactFloat64())
	}
	if len(room) == 0 {
		return sum
	}
	n, m := len(rest), len(room)
	// Standard form: x (n), slack per limit (m), slack per upper bound (n).
	cols := 2*n + m
	c := make([]float64, cols)
	A := mat.NewDense(m+n, cols, nil)
	b := make([]float64, m+n)
	for j, i := range rest {
		c[j] = -s.items[i].value.InexactFloat64()
	}
	for k := range room {
		sign := 1.0
		bk := room[k].InexactFloat64()
		if bk < 0 {
			sign = -1
		}
		for j, i := range rest {
			A.Set(k, j, sign*s.items[i].weight[k].InexactFloat64())
		}
		A.Set(k, n+k, sign)
		b[k] = sign * bk
	}
	for j := range rest {
		A.Set(m+j, j, 1)
		A.Set(m+j, n+m+j, 1)
		b[m+j] = 1
	}
	opt, _, err := lp.Simplex(c, A, b, 1e-10, nil)
	if err != nil {
		// Simplex is known to report some feasible problems infeasible;
		// a weaker bound costs time, never the optimum.
		return sum
	}
	// Guard against the solver's rounding: never bound below what a
	// relaxation can be trusted with.
	return min(sum, -opt+1e-6*max(1, sum))
}
