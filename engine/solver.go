package engine

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/big"
	"slices"

	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// The selection is a 0/1 program: one variable per request and start
// year, at most one start per request (exactly one for a mandatory one),
// a required request started early enough, at most one of alternatives,
// and each limit a linear constraint. The solver is a depth-first branch
// and bound over the requests, taken in an order where every request
// comes after those it requires: at each node it tries each start of the
// request that its requirements and alternatives allow, then leaving it
// out.
//
// Bounds. A node is cut when the requests still to decide cannot beat the
// best set found. The bound is the Lagrangian relaxation of the limits:
// for multipliers μ ≥ 0, one per limit,
//
//	L(μ) = Σ_k μ_k room_k + Σ_i max(0, max_s (c_is − Σ_k μ_k w_isk))
//
// (without the 0 for a mandatory request) bounds from above what the
// remaining requests can add within the room left, for any μ ≥ 0 — weak
// duality, so the search stays exact whatever μ is. With μ the dual
// values of the limits in the linear relaxation at the root (solved once
// with gonum's simplex, on its dual), L(μ) is the linear relaxation's
// bound at the root and a cheap one below it: each node costs a pass over
// the remaining starts instead of a simplex. Feasibility is checked in
// exact decimals: a node is cut when even the least the remaining
// requests must add to a limit (their mandatory use, every reduction
// they offer) no longer fits.

// undecided marks a request the search has not reached.
const undecided = -2

// lpMaxOptions is the largest number of starts whose root relaxation is
// solved with the simplex; beyond it, the multipliers come from a
// subgradient method, which costs less memory.
const lpMaxOptions = 400

type solver struct {
	ctx    context.Context
	pr     *problem
	limits []decimal.Decimal
	order  []int
	// The limits, weights and objective in exact integers: each limit k
	// in units of 10^exp[k], the objective in units of pr.unit. The
	// search adds and compares them in place, without allocating.
	w          [][][]*big.Int // [item][option][constraint]
	obj        [][]*big.Int   // [item][option]
	room       []*big.Int     // what is left of each limit
	value      *big.Int       // the objective of the choices made
	minNeed    [][]*big.Int   // [constraint][depth]
	mu         []float64
	red        [][]float64 // [item][option]: c − μ·w
	roomF      [][]float64 // [depth][constraint]
	children   [][]child   // [depth]
	choice     []int
	maxNodes   int
	nodes      int
	stopped    bool
	err        error
	found      bool
	best       *big.Int
	bestF      float64
	bestChoice []int
	halfUnit   float64
}

type child struct {
	o   int
	red float64
}

// scaled returns d as an integer number of units of 10^exp; exp is at
// most d's exponent.
func scaled(d decimal.Decimal, exp int32) *big.Int {
	v := new(big.Int).Set(d.Coefficient())
	if e := d.Exponent() - exp; e > 0 {
		v.Mul(v, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(e)), nil))
	}
	return v
}

// solve finds the best choice within limits, starting from seed when it
// is a feasible choice (a known solution of a tighter problem).
func (pr *problem) solve(ctx context.Context, limits []decimal.Decimal, maxNodes int, seed []int) (result, error) {
	n := len(pr.items)
	s := &solver{ctx: ctx, pr: pr, limits: limits, maxNodes: maxNodes, choice: make([]int, n), halfUnit: pr.unit.InexactFloat64() / 2}
	for i := range s.choice {
		s.choice[i] = undecided
	}
	active := pr.active()
	for i := range active {
		if !active[i] {
			s.choice[i] = -1
		}
	}
	var activeList []int
	for i, a := range active {
		if a {
			activeList = append(activeList, i)
		}
	}
	K := len(limits)
	s.mu = pr.multipliers(activeList, limits)
	// Requests are decided in the order of what they can add at the
	// root's multipliers: those that give the most for what they use of
	// the limits first, so that good sets are found early.
	priority := func(i int) float64 {
		best := math.Inf(-1)
		for o := range pr.items[i].opts {
			best = math.Max(best, reduced(&pr.items[i].opts[o], s.mu))
		}
		return best
	}
	order, err := pr.branchOrder(active, priority)
	if err != nil {
		return result{}, err
	}
	s.order = order
	exps := make([]int32, K)
	for k, l := range limits {
		exps[k] = l.Exponent()
		for _, it := range pr.items {
			for _, o := range it.opts {
				exps[k] = min(exps[k], o.w[k].Exponent())
			}
		}
	}
	unitExp := pr.unit.Exponent()
	s.w, s.obj = make([][][]*big.Int, n), make([][]*big.Int, n)
	for i, it := range pr.items {
		s.w[i], s.obj[i] = make([][]*big.Int, len(it.opts)), make([]*big.Int, len(it.opts))
		for o, opt := range it.opts {
			s.obj[i][o] = scaled(opt.obj, unitExp)
			s.w[i][o] = make([]*big.Int, K)
			for k := range K {
				s.w[i][o][k] = scaled(opt.w[k], exps[k])
			}
		}
	}
	s.room = make([]*big.Int, K)
	for k, l := range limits {
		s.room[k] = scaled(l, exps[k])
	}
	s.value = new(big.Int)
	s.minNeed = make([][]*big.Int, K)
	for k := range K {
		need := make([]*big.Int, len(order)+1)
		need[len(order)] = new(big.Int)
		for d := len(order) - 1; d >= 0; d-- {
			i := order[d]
			least := s.w[i][0][k]
			for o := range s.w[i] {
				if s.w[i][o][k].Cmp(least) < 0 {
					least = s.w[i][o][k]
				}
			}
			if !pr.items[i].mandatory && least.Sign() > 0 {
				least = new(big.Int)
			}
			need[d] = new(big.Int).Add(need[d+1], least)
		}
		s.minNeed[k] = need
	}
	s.red = make([][]float64, n)
	for i, it := range pr.items {
		s.red[i] = make([]float64, len(it.opts))
		for o, opt := range it.opts {
			r := opt.objF
			for k, m := range s.mu {
				r -= m * opt.wf[k]
			}
			s.red[i][o] = r
		}
	}
	s.roomF = make([][]float64, len(order)+1)
	s.children = make([][]child, len(order))
	for d := range s.roomF {
		s.roomF[d] = make([]float64, K)
	}
	for k, l := range limits {
		s.roomF[0][k] = l.InexactFloat64()
	}
	if seed != nil && pr.feasible(seed, limits) {
		s.found, s.bestChoice = true, slices.Clone(seed)
		s.best = scaled(pr.total(seed), unitExp)
		s.bestF = pr.total(seed).InexactFloat64()
	}
	rootBound, _, rootOK := s.bound(0, 0)
	s.branch(0, 0)
	if s.err != nil {
		return result{}, s.err
	}
	res := result{found: s.found, exact: !s.stopped, nodes: s.nodes}
	if s.found {
		res.choice, res.total = s.bestChoice, decimal.NewFromBigInt(s.best, unitExp)
	}
	if !res.exact {
		res.bound = math.Inf(1)
		if rootOK {
			res.bound = rootBound
		}
	}
	return res, nil
}

// active marks the requests worth deciding: the mandatory ones, those
// that can add to the objective or lower a limit, and every request they
// require; the others are left out from the start, as is a request that
// requires one missing from the candidates.
func (pr *problem) active() []bool {
	useful := make([]bool, len(pr.items))
	var queue []int
	for i, it := range pr.items {
		if it.missing != "" {
			continue
		}
		if it.mandatory || slices.ContainsFunc(it.opts, func(o selOption) bool {
			return o.obj.IsPositive() || slices.ContainsFunc(o.w, decimal.Decimal.IsNegative)
		}) {
			useful[i] = true
			queue = append(queue, i)
		}
	}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		for _, r := range pr.items[i].requires {
			if !useful[r.item] && pr.items[r.item].missing == "" {
				useful[r.item] = true
				queue = append(queue, r.item)
			}
		}
	}
	return useful
}

// branchOrder orders the active requests so that each comes after those
// it requires; among those ready, mandatory first, then by highest
// objective, then by id.
func (pr *problem) branchOrder(active []bool, priority func(int) float64) ([]int, error) {
	n := len(pr.items)
	waiting := make([]int, n) // requirements not yet placed
	var ready []int
	count := 0
	for i := range n {
		if !active[i] {
			continue
		}
		count++
		waiting[i] = len(pr.items[i].requires)
		if waiting[i] == 0 {
			ready = append(ready, i)
		}
	}
	prio := make([]float64, n)
	for i := range n {
		if active[i] {
			prio[i] = priority(i)
		}
	}
	var order []int
	for len(ready) > 0 {
		slices.SortFunc(ready, func(a, b int) int {
			ia, ib := &pr.items[a], &pr.items[b]
			if ia.mandatory != ib.mandatory {
				if ia.mandatory {
					return -1
				}
				return 1
			}
			if c := cmp.Compare(prio[b], prio[a]); c != 0 {
				return c
			}
			return cmp.Compare(ia.id, ib.id)
		})
		i := ready[0]
		ready = ready[1:]
		order = append(order, i)
		for j := range n {
			if !active[j] {
				continue
			}
			for _, r := range pr.items[j].requires {
				if r.item == i {
					waiting[j]--
					if waiting[j] == 0 {
						ready = append(ready, j)
					}
				}
			}
		}
	}
	if len(order) != count {
		var stuck []string
		for i := range n {
			if active[i] && !slices.Contains(order, i) {
				stuck = append(stuck, pr.items[i].id)
			}
		}
		return nil, fmt.Errorf("the requirements between %s form a cycle", listOrNone(stuck))
	}
	return order, nil
}

// feasible reports whether a complete choice meets the limits.
func (pr *problem) feasible(choice []int, limits []decimal.Decimal) bool {
	for k, l := range limits {
		used := decimal.Zero
		for i, it := range pr.items {
			if o := choice[i]; o >= 0 {
				used = used.Add(it.opts[o].w[k])
			}
		}
		if used.GreaterThan(l) {
			return false
		}
	}
	return true
}

// total is a choice's objective.
func (pr *problem) total(choice []int) decimal.Decimal {
	t := decimal.Zero
	for i, it := range pr.items {
		if o := choice[i]; o >= 0 {
			t = t.Add(it.opts[o].obj)
		}
	}
	return t
}

func (s *solver) branch(depth int, valueF float64) {
	if s.err != nil || s.stopped {
		return
	}
	s.nodes++
	if s.nodes%1024 == 1 { // the first node, then every 1,024
		if s.err = s.ctx.Err(); s.err != nil {
			return
		}
	}
	if s.nodes > s.maxNodes {
		s.stopped = true
		return
	}
	// Even the least the remaining requests must add to a limit has to
	// fit in what is left of it.
	for k, r := range s.room {
		if r.Cmp(s.minNeed[k][depth]) < 0 {
			return
		}
	}
	if depth == len(s.order) {
		if !s.found || s.value.Cmp(s.best) > 0 {
			s.found, s.best = true, new(big.Int).Set(s.value)
			s.bestF = valueF
			s.bestChoice = slices.Clone(s.choice)
		}
		return
	}
	bnd, slack, ok := s.bound(depth, valueF)
	if !ok {
		return // a mandatory request has no start left
	}
	// Every objective is a multiple of the unit: a better set is better
	// by at least one unit.
	if s.found && valueF+bnd+slack < s.bestF+s.halfUnit {
		return
	}
	i := s.order[depth]
	it := &s.pr.items[i]
	children := s.children[depth][:0]
	for o := range it.opts {
		if s.pr.allowed(s.choice, i, o) {
			children = append(children, child{o, s.red[i][o]})
		}
	}
	if !it.mandatory {
		children = append(children, child{-1, 0})
	}
	slices.SortStableFunc(children, func(a, b child) int { return cmp.Compare(b.red, a.red) })
	s.children[depth] = children
	room, next := s.roomF[depth], s.roomF[depth+1]
	for _, c := range children {
		s.choice[i] = c.o
		if c.o < 0 {
			copy(next, room)
			s.branch(depth+1, valueF)
			continue
		}
		o := &it.opts[c.o]
		w := s.w[i][c.o]
		for k := range s.room {
			s.room[k].Sub(s.room[k], w[k])
			next[k] = room[k] - o.wf[k]
		}
		s.value.Add(s.value, s.obj[i][c.o])
		s.branch(depth+1, valueF+o.objF)
		s.value.Sub(s.value, s.obj[i][c.o])
		for k := range s.room {
			s.room[k].Add(s.room[k], w[k])
		}
	}
	s.choice[i] = undecided
}

// bound returns L(μ) for the requests from depth on, given the room left,
// and a margin covering its floating-point error; ok is false when a
// mandatory request has no start its requirements allow.
func (s *solver) bound(depth int, valueF float64) (bound, slack float64, ok bool) {
	scale := math.Abs(valueF) + 1
	for k, m := range s.mu {
		t := m * s.roomF[depth][k]
		bound += t
		scale += math.Abs(t)
	}
	for _, i := range s.order[depth:] {
		it := &s.pr.items[i]
		best := math.Inf(-1)
		if !it.mandatory {
			best = 0
		}
		for o := range it.opts {
			if r := s.red[i][o]; r > best && s.pr.allowed(s.choice, i, o) {
				best = r
			}
		}
		if math.IsInf(best, -1) {
			return 0, 0, false
		}
		bound += best
		scale += math.Abs(best)
	}
	return bound, 1e-9 * scale, true
}

// multipliers returns μ ≥ 0 for the Lagrangian bound: the dual values of
// the limits in the linear relaxation of the active requests, from
// gonum's simplex on the dual problem, or, when it is too large or the
// simplex fails, from a subgradient method. Any μ ≥ 0 gives a valid
// bound; good ones give tight bounds.
func (pr *problem) multipliers(order []int, limits []decimal.Decimal) []float64 {
	K := len(limits)
	if K == 0 {
		return nil
	}
	nOpts := 0
	for _, i := range order {
		nOpts += len(pr.items[i].opts)
	}
	if nOpts > 0 && nOpts <= lpMaxOptions {
		if mu, ok := pr.dualLP(order, limits); ok {
			return mu
		}
	}
	return pr.subgradient(order, limits)
}

// dualLP solves the dual of the linear relaxation:
//
//	min Σ_k b_k μ_k + Σ_i π_i   s.t.  Σ_k w_ok μ_k + π_i ≥ c_o for every start o of i,
//	μ ≥ 0, π_i ≥ 0 (free for a mandatory request)
//
// in gonum's standard form (a surplus per row, π split for mandatory
// requests, rows with c_o < 0 negated so that b ≥ 0).
func (pr *problem) dualLP(order []int, limits []decimal.Decimal) ([]float64, bool) {
	K := len(limits)
	var rows int
	piCol := map[int]int{}
	cols := K
	for _, i := range order {
		rows += len(pr.items[i].opts)
		piCol[i] = cols
		cols++
		if pr.items[i].mandatory {
			cols++ // π⁻
		}
	}
	surplus := cols
	cols += rows
	c := make([]float64, cols)
	for k, l := range limits {
		c[k] = l.InexactFloat64()
	}
	for _, i := range order {
		c[piCol[i]] = 1
		if pr.items[i].mandatory {
			c[piCol[i]+1] = -1
		}
	}
	A := mat.NewDense(rows, cols, nil)
	b := make([]float64, rows)
	r := 0
	for _, i := range order {
		it := &pr.items[i]
		for _, o := range it.opts {
			sign := 1.0
			if o.objF < 0 {
				sign = -1
			}
			for k := range K {
				A.Set(r, k, sign*o.wf[k])
			}
			A.Set(r, piCol[i], sign)
			if it.mandatory {
				A.Set(r, piCol[i]+1, -sign)
			}
			A.Set(r, surplus+r, -sign)
			b[r] = sign * o.objF
			r++
		}
	}
	_, x, err := lp.Simplex(c, A, b, 1e-10, nil)
	if err != nil {
		// gonum's simplex is known to call some feasible problems
		// infeasible: the subgradient method takes over.
		return nil, false
	}
	mu := make([]float64, K)
	for k := range mu {
		if v := x[k]; v > 0 && !math.IsInf(v, 0) && !math.IsNaN(v) {
			mu[k] = v
		}
	}
	return mu, true
}

// subgradient minimizes L(μ) approximately: projected subgradient steps
// of Polyak's length towards a target below the best L found, the target
// drawing nearer when the steps stop improving it (a variable target
// method). It is a fallback: any μ ≥ 0 it returns is a valid multiplier.
func (pr *problem) subgradient(order []int, limits []decimal.Decimal) []float64 {
	K := len(limits)
	b := make([]float64, K)
	for k, l := range limits {
		b[k] = l.InexactFloat64()
	}
	mu := make([]float64, K)
	best := slices.Clone(mu)
	bestL := math.Inf(1)
	delta := -1.0 // how far below bestL the target lies
	stale := 0
	g := make([]float64, K)
	for iter := 0; iter < 2000; iter++ {
		L := 0.0
		copy(g, b)
		for k := range K {
			L += mu[k] * b[k]
		}
		for _, i := range order {
			it := &pr.items[i]
			bi, bo := math.Inf(-1), -1
			if !it.mandatory {
				bi = 0
			}
			for o := range it.opts {
				if r := reduced(&it.opts[o], mu); r > bi {
					bi, bo = r, o
				}
			}
			if math.IsInf(bi, -1) {
				return best
			}
			L += bi
			if bo >= 0 {
				for k := range K {
					g[k] -= it.opts[bo].wf[k]
				}
			}
		}
		if delta < 0 {
			delta = 0.1 * math.Max(math.Abs(L), 1)
		}
		if iter == 0 || L < bestL-1e-12*math.Abs(bestL) {
			bestL, stale = L, 0
			copy(best, mu)
		} else if stale++; stale >= 20 {
			delta, stale = delta/2, 0
			copy(mu, best)
		}
		norm := 0.0
		for _, v := range g {
			norm += v * v
		}
		if norm == 0 || delta < 1e-9*math.Max(math.Abs(bestL), 1) {
			break
		}
		t := (L - (bestL - delta)) / norm
		for k := range K {
			mu[k] = math.Max(0, mu[k]-t*g[k])
		}
	}
	return best
}

// reduced is an option's objective less what it uses of the limits at
// the multipliers mu.
func reduced(o *selOption, mu []float64) float64 {
	r := o.objF
	for k, m := range mu {
		r -= m * o.wf[k]
	}
	return r
}
