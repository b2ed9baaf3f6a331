package engine_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/quotepart/quotepart/engine"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// schedRaw is a request of a scheduling instance: its efforts and gains
// per dimension and year of its own run (0 is its first year), its window
// of start years, and its constraints.
type schedRaw struct {
	id                  string
	effort, gain        [3][]decimal.Decimal // [dimension][year of the run]
	earliest, latest    int
	mandatory           bool
	requires            []engine.Requirement
	excludes            []string
	scores              []decimal.Decimal
	firstYear, lastYear int
	// effect is the request's effect on the "duree" commitment per year
	// of its run.
	effect []decimal.Decimal
}

// schedInstance is a scheduling instance with its valuation, limits,
// scoring and objective.
type schedInstance struct {
	raws    []schedRaw
	v       projValuationRaw
	lim     engine.Limits
	scoring *engine.Scoring
	obj     engine.Objective
}

// shifted returns a run's per-year values at a start, over the horizon.
func (in *schedInstance) shifted(run []decimal.Decimal, start int) []decimal.Decimal {
	n := len(in.v.discount)
	out := make([]decimal.Decimal, n)
	for y := range out {
		out[y] = decimal.Zero
	}
	for k, v := range run {
		if yi := start - 2027 + k; yi < n {
			out[yi] = v
		}
	}
	return out
}

// profile returns the raw request's values at a start, per horizon year:
// each year of its run moved to start, those past the horizon left out.
func (in *schedInstance) profile(r *schedRaw, start int) (effort, gain [3][]decimal.Decimal) {
	n := len(in.v.discount)
	for d := range 3 {
		effort[d], gain[d] = make([]decimal.Decimal, n), make([]decimal.Decimal, n)
		for y := range n {
			effort[d][y], gain[d][y] = decimal.Zero, decimal.Zero
		}
		for k := range r.effort[d] {
			if yi := start - 2027 + k; yi < n {
				effort[d][yi], gain[d][yi] = r.effort[d][k], r.gain[d][k]
			}
		}
	}
	return effort, gain
}

// candidates builds what Select reads: each request assessed at each
// start of its window.
func (in *schedInstance) candidates() []engine.Candidate {
	n := len(in.v.discount)
	var out []engine.Candidate
	for ri := range in.raws {
		r := &in.raws[ri]
		p := &engine.Project{ID: r.id, FirstYear: r.firstYear, LastYear: r.lastYear, Earliest: r.earliest, Latest: r.latest,
			Mandatory: r.mandatory, Requires: r.requires, Excludes: r.excludes}
		for _, s := range r.scores {
			p.Scores = append(p.Scores, engine.Score{Value: s})
		}
		if r.effect != nil {
			p.Effects = []engine.Effect{{Commitment: 0, CommitmentID: "duree"}}
		}
		for d := range 3 {
			p.Lines = append(p.Lines, engine.Line{Label: "effort", Dim: d, Side: engine.Effort}, engine.Line{Label: "gain", Dim: d, Side: engine.Gain})
		}
		var c engine.Candidate
		for s := r.earliest; s <= r.latest; s++ {
			a := engine.Assessed{Project: p, Start: s, Dimensions: engine.StandardDimensions(),
				Prices: [][]decimal.Decimal{nil, in.v.etc, in.v.carbon}, Discount: in.v.discount}
			for y := range n {
				a.Years = append(a.Years, 2027+y)
			}
			effort, gain := in.profile(r, s)
			for d := range 3 {
				a.Values = append(a.Values, effort[d], gain[d])
			}
			if r.effect != nil {
				a.Effects = [][]decimal.Decimal{in.shifted(r.effect, s)}
			}
			c.Options = append(c.Options, a)
		}
		out = append(out, c)
	}
	return out
}

// value is a request's monetized value at a start, the long way.
func (in *schedInstance) value(r *schedRaw, start int) decimal.Decimal {
	effort, gain := in.profile(r, start)
	return in.v.value(projRaw{effort: effort, gain: gain})
}

// score is a request's weighted score, the long way: each score's share of
// its scale (reversed where lower is better), weighted, out of OutOf.
func (in *schedInstance) score(r *schedRaw) decimal.Decimal {
	total := decimal.Zero
	for i, c := range in.scoring.Criteria {
		p := r.scores[i].Sub(c.Min)
		if c.Better == engine.Lower {
			p = c.Max.Sub(r.scores[i])
		}
		total = total.Add(c.Weight.Mul(p.DivRound(c.Max.Sub(c.Min), 20)))
	}
	return total.Mul(in.scoring.OutOf).Round(4)
}

// objective is what a request at a start adds to the objective, as
// docs/projets.md defines it.
func (in *schedInstance) objective(r *schedRaw, start int) decimal.Decimal {
	switch in.obj.Kind {
	case engine.ByScore:
		return in.score(r)
	case engine.Mixed:
		maxAbs := decimal.Zero
		for i := range in.raws {
			for s := in.raws[i].earliest; s <= in.raws[i].latest; s++ {
				maxAbs = decimal.Max(maxAbs, in.value(&in.raws[i], s).Abs())
			}
		}
		v := decimal.Zero
		if maxAbs.IsPositive() {
			v = in.value(r, start).DivRound(maxAbs, 20)
		}
		s := in.score(r).DivRound(in.scoring.OutOf, 20)
		one := decimal.NewFromInt(1)
		return in.obj.Alpha.Mul(v).Add(one.Sub(in.obj.Alpha).Mul(s)).Round(9)
	case engine.ByValue:
	}
	return in.value(r, start)
}

// uses returns what a choice (start per request, 0 for out) uses of each
// limit, in the engine's order of constraints, and the limits.
func (in *schedInstance) uses(starts []int) (used, limits []decimal.Decimal) {
	n := len(in.v.discount)
	var efforts, gains [3][]decimal.Decimal
	for d := range 3 {
		efforts[d], gains[d] = make([]decimal.Decimal, n), make([]decimal.Decimal, n)
		for y := range n {
			efforts[d][y], gains[d][y] = decimal.Zero, decimal.Zero
		}
	}
	for i, s := range starts {
		if s == 0 {
			continue
		}
		e, g := in.profile(&in.raws[i], s)
		for d := range 3 {
			for y := range n {
				efforts[d][y], gains[d][y] = efforts[d][y].Add(e[d][y]), gains[d][y].Add(g[d][y])
			}
		}
	}
	add := func(m map[int]decimal.Decimal, f func(y int) decimal.Decimal) {
		for y := range n {
			if l, ok := m[2027+y]; ok {
				used, limits = append(used, f(y)), append(limits, l)
			}
		}
	}
	add(in.lim.Budget, func(y int) decimal.Decimal { return efforts[engine.Money][y] })
	add(in.lim.Staff, func(y int) decimal.Decimal { return efforts[engine.Staff][y] })
	add(in.lim.CarbonByYear, func(y int) decimal.Decimal { return efforts[engine.Carbon][y].Sub(gains[engine.Carbon][y]) })
	if in.lim.Carbon != nil {
		net := decimal.Zero
		for y := range n {
			net = net.Add(efforts[engine.Carbon][y]).Sub(gains[engine.Carbon][y])
		}
		used, limits = append(used, net), append(limits, *in.lim.Carbon)
	}
	// Commitments: "duree" (higher is better) moves by the requests'
	// effects, "carbone" (lower is better) by their net emissions.
	for _, c := range in.lim.Commitments {
		for yi := range c.Years {
			if !c.HasTarget[yi] {
				continue
			}
			moved := decimal.Zero
			for i, s := range starts {
				if s == 0 {
					continue
				}
				if c.ID == "duree" && in.raws[i].effect != nil {
					moved = moved.Add(in.shifted(in.raws[i].effect, s)[yi])
				}
				if c.ID == "carbone" {
					e, g := in.profile(&in.raws[i], s)
					moved = moved.Add(e[engine.Carbon][yi]).Sub(g[engine.Carbon][yi])
				}
			}
			// The target reached, written as a limit.
			if c.Better == engine.Higher {
				used, limits = append(used, moved.Neg()), append(limits, c.Baseline[yi].Sub(c.Target[yi]))
			} else {
				used, limits = append(used, moved), append(limits, c.Target[yi].Sub(c.Baseline[yi]))
			}
		}
	}
	return used, limits
}

// allowed reports whether a choice keeps the requests' own rules: every
// mandatory request in, every requirement started at least its lag
// before, no two alternatives.
func (in *schedInstance) allowed(starts []int) bool {
	index := map[string]int{}
	for i, r := range in.raws {
		index[r.id] = i
	}
	for i, r := range in.raws {
		if r.mandatory && starts[i] == 0 {
			return false
		}
		if starts[i] == 0 {
			continue
		}
		for _, q := range r.requires {
			j := index[q.ID]
			if starts[j] == 0 || starts[j]+q.Lag > starts[i] {
				return false
			}
		}
		for _, x := range r.excludes {
			if starts[index[x]] != 0 {
				return false
			}
		}
	}
	return true
}

// bruteForce tries every choice of a start or none for each request; it
// returns the best objective and the highest value among the choices
// that reach it.
func (in *schedInstance) bruteForce() (best, value decimal.Decimal, found bool) {
	starts := make([]int, len(in.raws))
	var walk func(i int)
	walk = func(i int) {
		if i == len(in.raws) {
			if !in.allowed(starts) {
				return
			}
			used, limits := in.uses(starts)
			if !projFeasible(used, limits) {
				return
			}
			total, v := decimal.Zero, decimal.Zero
			for j, s := range starts {
				if s != 0 {
					total = total.Add(in.objective(&in.raws[j], s))
					v = v.Add(in.value(&in.raws[j], s))
				}
			}
			switch {
			case !found || total.GreaterThan(best):
				best, value, found = total, v, true
			case total.Equal(best) && v.GreaterThan(value):
				value = v
			}
			return
		}
		r := &in.raws[i]
		for _, s := range append([]int{0}, seq(r.earliest, r.latest)...) {
			starts[i] = s
			walk(i + 1)
		}
		starts[i] = 0
	}
	walk(0)
	return best, value, found
}

func seq(from, to int) []int {
	var out []int
	for y := from; y <= to; y++ {
		out = append(out, y)
	}
	return out
}

// schedDraw draws a small scheduling instance: 1–6 requests over a 1–4
// year horizon, each with a run of 1 to 4 years and a window of 1 to 4
// start years (moved past the horizon, its last years drop out), some
// mandatory, some requiring an earlier request with a lag of 0–2 years,
// some pairs of alternatives, two criteria, limits per year on the budget,
// staff and carbon, sometimes a carbon cap over the horizon, and one of
// the three objectives.
func schedDraw(t *rapid.T) *schedInstance {
	years := rapid.IntRange(1, 4).Draw(t, "years")
	n := rapid.IntRange(1, 6).Draw(t, "requests")
	amount := func(label string, max int) decimal.Decimal {
		if rapid.IntRange(0, 3).Draw(t, label+" cents?") == 0 {
			return decimal.New(int64(rapid.IntRange(0, max*100).Draw(t, label)), -2)
		}
		return decimal.NewFromInt(int64(rapid.IntRange(0, max).Draw(t, label)))
	}
	in := &schedInstance{}
	for y := range years {
		in.v.discount = append(in.v.discount, decimal.New(int64(rapid.IntRange(90, 100).Draw(t, fmt.Sprint("discount ", y))), -2))
		in.v.etc = append(in.v.etc, decimal.NewFromInt(int64(rapid.IntRange(0, 50).Draw(t, fmt.Sprint("etc cost ", y)))))
		in.v.carbon = append(in.v.carbon, decimal.New(int64(rapid.IntRange(0, 100).Draw(t, fmt.Sprint("carbon value ", y))), -2))
	}
	in.scoring = &engine.Scoring{OutOf: decimal.NewFromInt(100), Criteria: []engine.Criterion{
		{ID: "alignement", Weight: decimal.RequireFromString("0.6"), Min: decimal.Zero, Max: decimal.NewFromInt(3)},
		{ID: "risque", Weight: decimal.RequireFromString("0.4"), Min: decimal.Zero, Max: decimal.NewFromInt(3), Better: engine.Lower},
	}}
	maxima := [3]int{100, 3, 200}
	last := 2026 + years
	for i := range n {
		r := schedRaw{id: fmt.Sprintf("p%d", i)}
		run := rapid.IntRange(1, 4).Draw(t, fmt.Sprint("run ", i))
		for d := range 3 {
			for k := range run {
				r.effort[d] = append(r.effort[d], amount(fmt.Sprintf("p%d effort %d %d", i, d, k), maxima[d]))
				r.gain[d] = append(r.gain[d], amount(fmt.Sprintf("p%d gain %d %d", i, d, k), maxima[d]))
			}
		}
		r.earliest = rapid.IntRange(2027, last).Draw(t, fmt.Sprint("earliest ", i))
		r.latest = rapid.IntRange(r.earliest, min(last, r.earliest+3)).Draw(t, fmt.Sprint("latest ", i))
		r.firstYear, r.lastYear = r.earliest, r.earliest+run-1
		r.mandatory = rapid.IntRange(0, 5).Draw(t, fmt.Sprint("mandatory ", i)) == 0
		for j := range i {
			if rapid.IntRange(0, 3).Draw(t, fmt.Sprintf("p%d requires p%d", i, j)) == 0 {
				r.requires = append(r.requires, engine.Requirement{ID: fmt.Sprintf("p%d", j), Lag: rapid.IntRange(0, 2).Draw(t, fmt.Sprintf("lag %d %d", i, j))})
			} else if rapid.IntRange(0, 5).Draw(t, fmt.Sprintf("p%d excludes p%d", i, j)) == 0 {
				r.excludes = append(r.excludes, fmt.Sprintf("p%d", j))
			}
		}
		for c := range in.scoring.Criteria {
			r.scores = append(r.scores, decimal.NewFromInt(int64(rapid.IntRange(0, 3).Draw(t, fmt.Sprintf("score %d %d", i, c)))))
		}
		if rapid.Bool().Draw(t, fmt.Sprint("effect? ", i)) {
			for k := range run {
				r.effect = append(r.effect, decimal.NewFromInt(int64(rapid.IntRange(0, 2).Draw(t, fmt.Sprintf("effect %d %d", i, k)))))
			}
		}
		in.raws = append(in.raws, r)
	}
	var horizon []int
	for y := range years {
		horizon = append(horizon, 2027+y)
	}
	commitment := func(id string, better engine.Direction, dim int, baseline, lo, hi int) engine.Commitment {
		c := engine.Commitment{ID: id, Years: horizon, Better: better, Dim: dim, Scale: decimal.NewFromInt(1)}
		for y := range years {
			c.Baseline = append(c.Baseline, decimal.NewFromInt(int64(baseline)))
			has := rapid.Bool().Draw(t, fmt.Sprintf("%s target? %d", id, y))
			c.HasTarget = append(c.HasTarget, has)
			c.Target = append(c.Target, decimal.NewFromInt(int64(baseline+rapid.IntRange(lo, hi).Draw(t, fmt.Sprintf("%s target %d", id, y)))))
		}
		return c
	}
	in.lim = engine.Limits{Budget: map[int]decimal.Decimal{}, Staff: map[int]decimal.Decimal{}, CarbonByYear: map[int]decimal.Decimal{}}
	for y := range years {
		if rapid.IntRange(0, 3).Draw(t, fmt.Sprint("budget? ", y)) > 0 {
			in.lim.Budget[2027+y] = decimal.NewFromInt(int64(rapid.IntRange(30*n, 150*n).Draw(t, fmt.Sprint("budget ", y))))
		}
		if rapid.IntRange(0, 2).Draw(t, fmt.Sprint("staff? ", y)) > 0 {
			in.lim.Staff[2027+y] = decimal.NewFromInt(int64(rapid.IntRange(n, 4*n).Draw(t, fmt.Sprint("staff ", y))))
		}
		if rapid.IntRange(0, 3).Draw(t, fmt.Sprint("carbon year? ", y)) == 0 {
			in.lim.CarbonByYear[2027+y] = decimal.NewFromInt(int64(rapid.IntRange(-20*n, 200*n).Draw(t, fmt.Sprint("carbon year ", y))))
		}
	}
	if rapid.IntRange(0, 3).Draw(t, "carbon cap?") == 0 {
		c := decimal.NewFromInt(int64(rapid.IntRange(-50*n*years, 150*n*years).Draw(t, "carbon cap")))
		in.lim.Carbon = &c
	}
	// Sometimes commitments whose targets the selection must meet; the
	// "duree" commitment is the first, as the requests' effects name it.
	if rapid.IntRange(0, 2).Draw(t, "commitments?") == 0 {
		in.lim.Commitments = []engine.Commitment{
			commitment("duree", engine.Higher, -1, 5, 0, 3),
			commitment("carbone", engine.Lower, engine.Carbon, 1000, -100, 300*n),
		}
	}
	switch rapid.IntRange(0, 2).Draw(t, "objective") {
	case 1:
		in.obj = engine.Objective{Kind: engine.ByScore}
	case 2:
		in.obj = engine.Objective{Kind: engine.Mixed, Alpha: decimal.New(int64(rapid.IntRange(0, 10).Draw(t, "alpha")), -1)}
	}
	return in
}

// Select schedules as well as trying every start of every request: the
// same objective (by score, the highest value among the best scores), a
// choice that keeps every rule and limit in exact decimals, and an
// Infeasible error exactly when nothing is allowed.
func TestScheduleMatchesBruteForce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := schedDraw(t)
		best, bestValue, found := in.bruteForce()
		sel, err := engine.Select(context.Background(), in.candidates(), engine.SelectOptions{Limits: in.lim, Scoring: in.scoring, Objective: in.obj})
		if !found {
			var inf *engine.Infeasible
			if !errors.As(err, &inf) {
				t.Fatalf("nothing is allowed, Select gives %+v, error %v", sel, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("Select: %v", err)
		}
		if !sel.Exact {
			t.Fatalf("not exact after %d nodes", sel.Nodes)
		}
		if !sel.Total.Equal(best) {
			t.Fatalf("Select's objective %s (chose %v at %v), brute force %s", sel.Total, sel.Chosen, sel.Starts, best)
		}
		// By score, the starts are chosen for the highest value among the
		// selections of the best score.
		if in.obj.Kind == engine.ByScore && !sel.Value.Equal(bestValue) {
			t.Fatalf("score %s: value %s (chose %v), brute force %s", best, sel.Value, sel.Starts, bestValue)
		}
		starts := make([]int, len(in.raws))
		total, value := decimal.Zero, decimal.Zero
		for _, id := range sel.Chosen {
			i := slices.IndexFunc(in.raws, func(r schedRaw) bool { return r.id == id })
			s, ok := sel.Starts[id]
			if i < 0 || starts[i] != 0 || !ok || s < in.raws[i].earliest || s > in.raws[i].latest {
				t.Fatalf("chosen %v at %v: %q unknown, repeated or out of its window", sel.Chosen, sel.Starts, id)
			}
			starts[i] = s
			total = total.Add(in.objective(&in.raws[i], s))
			value = value.Add(in.value(&in.raws[i], s))
		}
		if !in.allowed(starts) {
			t.Fatalf("the choice %v breaks a mandatory request, a requirement or alternatives", sel.Starts)
		}
		if !total.Equal(sel.Total) || !value.Equal(sel.Value) {
			t.Fatalf("the chosen %v are worth %s (objective %s), Select says %s (%s)", sel.Starts, value, total, sel.Value, sel.Total)
		}
		used, limits := in.uses(starts)
		if !projFeasible(used, limits) {
			t.Fatalf("the chosen %v use %v, over the limits %v", sel.Starts, used, limits)
		}
		for k, c := range sel.Constraints {
			if !c.Used.Equal(used[k]) || !c.Limit.Equal(limits[k]) {
				t.Fatalf("constraint %s: used %s of %s, want %s of %s", c.Name(), c.Used, c.Limit, used[k], limits[k])
			}
			if c.Relief != nil && c.Relief.Gain.IsNegative() {
				t.Fatalf("constraint %s: raising it loses %s", c.Name(), c.Relief.Gain)
			}
		}
		for _, r := range sel.Ranking {
			raw := in.raws[slices.IndexFunc(in.raws, func(x schedRaw) bool { return x.id == r.ID })]
			if r.Chosen != slices.Contains(sel.Chosen, r.ID) || r.Mandatory != raw.mandatory || (r.Mandatory && !r.Chosen) {
				t.Fatalf("%s: chosen %v, mandatory %v", r.ID, r.Chosen, r.Mandatory)
			}
			if !r.Objective.Equal(in.objective(&raw, r.Start)) {
				t.Fatalf("%s at %d: objective %s, want %s", r.ID, r.Start, r.Objective, in.objective(&raw, r.Start))
			}
		}
	})
}

// A selection that cannot be proven best within its node budget says so:
// it returns the best set found, which keeps every limit, and an upper
// bound at or above it.
func TestScheduleBeyondExactRange(t *testing.T) {
	in := schedLarge(40, 4, 1)
	sel, err := engine.Select(context.Background(), in.cands, engine.SelectOptions{Limits: in.lim, MaxNodes: 200})
	if err != nil {
		t.Fatal(err)
	}
	if sel.Exact || sel.Nodes <= 200 || sel.Gap.IsNegative() || !sel.Bound.Equal(sel.Total.Add(sel.Gap)) {
		t.Fatalf("exact %v after %d nodes, total %s, bound %s, gap %s", sel.Exact, sel.Nodes, sel.Total, sel.Bound, sel.Gap)
	}
	for _, c := range sel.Constraints {
		if c.Used.GreaterThan(c.Limit) {
			t.Fatalf("%s: used %s of %s", c.Name(), c.Used, c.Limit)
		}
	}
	full, err := engine.Select(context.Background(), in.cands, engine.SelectOptions{Limits: in.lim})
	if err != nil {
		t.Fatal(err)
	}
	if !full.Exact || full.Total.LessThan(sel.Total) || full.Total.GreaterThan(sel.Bound) {
		t.Fatalf("exact: %s (%v); stopped early: %s, bound %s", full.Total, full.Exact, sel.Total, sel.Bound)
	}
}

// schedLargeInstance is a large scheduling instance for benchmarks.
type schedLargeInstance struct {
	cands []engine.Candidate
	lim   engine.Limits
}

// schedLarge builds n requests of 4 years over a 4-year horizon, each may
// start in any of the first `starts` years, with front-loaded efforts and
// gains that grow after the first year, a budget per year of about a
// fifth of what all the requests would spend and a staff limit likewise,
// every tenth mandatory, a few requirements and pairs of alternatives.
func schedLarge(n, starts int, seed uint64) schedLargeInstance {
	rng := rand.New(rand.NewPCG(seed, 7))
	const years = 4
	v := projValuationRaw{}
	for y := range years {
		v.discount = append(v.discount, decimal.NewFromFloat(1/projPow(1.032, y)).Round(8))
		v.etc = append(v.etc, decimal.NewFromInt(50000))
		v.carbon = append(v.carbon, decimal.RequireFromString("0.25"))
	}
	in := &schedInstance{v: v}
	totalBudget, totalStaff := decimal.Zero, decimal.Zero
	for i := range n {
		r := schedRaw{id: fmt.Sprintf("r%02d", i), earliest: 2027, latest: 2026 + starts, firstYear: 2027, lastYear: 2030}
		invest := 20000 + rng.IntN(180000)
		for d := range 3 {
			r.effort[d] = make([]decimal.Decimal, years)
			r.gain[d] = make([]decimal.Decimal, years)
		}
		for k := range years {
			running := invest / 10
			var effort, gain int
			if k == 0 {
				effort, gain = invest, 0
			} else {
				effort, gain = running, invest*(20+rng.IntN(40))/100
			}
			r.effort[engine.Money][k] = decimal.NewFromInt(int64(effort))
			r.gain[engine.Money][k] = decimal.NewFromInt(int64(gain))
			r.effort[engine.Staff][k] = decimal.New(int64(rng.IntN(150)), -2)
			r.gain[engine.Staff][k] = decimal.New(int64(rng.IntN(60)*k), -2)
			r.effort[engine.Carbon][k] = decimal.NewFromInt(int64(rng.IntN(3000)))
			r.gain[engine.Carbon][k] = decimal.NewFromInt(int64(rng.IntN(3000) * k))
			totalBudget = totalBudget.Add(r.effort[engine.Money][k])
			totalStaff = totalStaff.Add(r.effort[engine.Staff][k])
		}
		r.mandatory = i%10 == 3
		if i%7 == 5 {
			r.requires = []engine.Requirement{{ID: fmt.Sprintf("r%02d", i-3), Lag: 1}}
		}
		if i%11 == 8 {
			r.excludes = []string{fmt.Sprintf("r%02d", i-1)}
		}
		in.raws = append(in.raws, r)
	}
	share := decimal.RequireFromString("0.2")
	lim := engine.Limits{Budget: map[int]decimal.Decimal{}, Staff: map[int]decimal.Decimal{}}
	for y := range years {
		lim.Budget[2027+y] = totalBudget.Mul(share).Div(decimal.NewFromInt(years)).Round(0)
		lim.Staff[2027+y] = totalStaff.Mul(share).Div(decimal.NewFromInt(years)).Round(2)
	}
	in.lim = lim
	return schedLargeInstance{cands: in.candidates(), lim: lim}
}

// BenchmarkSchedule: 40 requests × 4 start years under yearly budget and
// staff limits, the whole selection (binding limits and their relief
// included), exact. docs/performance.md, (e).
func BenchmarkSchedule(b *testing.B) {
	for _, seed := range []uint64{1, 2, 3} {
		in := schedLarge(40, 4, seed)
		b.Run(fmt.Sprint("seed", seed), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sel, err := engine.Select(context.Background(), in.cands, engine.SelectOptions{Limits: in.lim})
				if err != nil {
					b.Fatal(err)
				}
				if !sel.Exact {
					b.Fatalf("not exact after %d nodes", sel.Nodes)
				}
			}
		})
	}
}

// 40 requests × 4 start years are scheduled exactly within 2 s (the
// target of docs/performance.md), whatever the seed of the instance.
func TestScheduleFortyByFour(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	for _, seed := range []uint64{1, 2, 3, 4, 5} {
		in := schedLarge(40, 4, seed)
		start := time.Now()
		sel, err := engine.Select(context.Background(), in.cands, engine.SelectOptions{Limits: in.lim})
		took := time.Since(start)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("seed %d: %d chosen, %d nodes, %v", seed, len(sel.Chosen), sel.Nodes, took)
		if !sel.Exact {
			t.Errorf("seed %d: not exact after %d nodes", seed, sel.Nodes)
		}
		if took > 2*time.Second {
			t.Errorf("seed %d: %v, over 2 s", seed, took)
		}
	}
}

// An infeasible selection names the limit that cannot be met, the least
// the allowed sets use of it and which requests make that least.
func TestSelectInfeasibleNamesTheLimit(t *testing.T) {
	raws, v := projCase(map[string][5]int64{"a": {300000, 0, 0, 0, 0}, "b": {150000, 0, 0, 0, 0}, "c": {10, 500, 0, 0, 0}})
	set := v.assessed(raws)
	set[0].Project.Mandatory, set[1].Project.Mandatory = true, true
	lim := engine.Limits{Budget: map[int]decimal.Decimal{2027: decimal.NewFromInt(400000)}}
	_, err := engine.Select(context.Background(), engine.Fixed(set), engine.SelectOptions{Limits: lim})
	var inf *engine.Infeasible
	if !errors.As(err, &inf) || len(inf.Short) != 1 {
		t.Fatalf("error %v", err)
	}
	s := inf.Short[0]
	if s.Constraint.Kind != engine.KindBudget || s.Constraint.Year != 2027 || !s.Least.Equal(decimal.NewFromInt(450000)) ||
		!s.Over.Equal(decimal.NewFromInt(50000)) || !slices.Equal(s.Set, []string{"a", "b"}) {
		t.Errorf("shortfall %+v", s)
	}
	if want := "no selection meets the limits: budget 2027 is limited to 400000 EUR, but no allowed set uses less than 450000 EUR (a, b): 50000 EUR over"; err.Error() != want {
		t.Errorf("message\n%s\nwant\n%s", err, want)
	}
	// Raised to 450,000, the two mandatory requests fit, and c beside them.
	lim.Budget[2027] = decimal.NewFromInt(450010)
	sel, err := engine.Select(context.Background(), engine.Fixed(set), engine.SelectOptions{Limits: lim})
	if err != nil || !slices.Equal(sel.Chosen, []string{"c", "b", "a"}) || sel.Starts["a"] != 2027 {
		t.Errorf("chosen %v, %v", sel, err)
	}
}

// A request that requires another is chosen only with it, started late
// enough; an alternative chosen keeps the other out; the reasons say so.
func TestSelectRequirementsAndAlternatives(t *testing.T) {
	raws, v := projCase(map[string][5]int64{"a": {0, 100, 0, 0, 0}, "b": {0, 50, 0, 0, 0}, "c": {0, 120, 0, 0, 0}, "d": {0, 30, 0, 0, 0}})
	set := v.assessed(raws)
	set[1].Project.Requires = []engine.Requirement{{ID: "a"}}
	set[2].Project.Excludes = []string{"a"}
	set[3].Project.Requires = []engine.Requirement{{ID: "c"}}
	sel, err := engine.Select(context.Background(), engine.Fixed(set), engine.SelectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// a + b (150) beat c + d (150)? a tie is broken by the search order;
	// make it plain: c + d is worth 150 too, so check the total and rules.
	if !sel.Value.Equal(decimal.NewFromInt(150)) {
		t.Fatalf("value %s, chosen %v", sel.Value, sel.Chosen)
	}
	reasons := map[string]string{}
	for _, r := range sel.Ranking {
		if !r.Chosen {
			reasons[r.ID] = r.Reason + " " + r.Because
		}
	}
	switch {
	case slices.Contains(sel.Chosen, "a"):
		if !slices.Contains(sel.Chosen, "b") || reasons["c"] != "alternative chosen a" || reasons["d"] != "needs a request left out c" {
			t.Errorf("chosen %v, reasons %v", sel.Chosen, reasons)
		}
	default:
		if !slices.Contains(sel.Chosen, "d") || reasons["a"] != "alternative chosen c" || reasons["b"] != "needs a request left out a" {
			t.Errorf("chosen %v, reasons %v", sel.Chosen, reasons)
		}
	}
	// A lag the starts cannot keep leaves the dependent out.
	set[1].Project.Requires = []engine.Requirement{{ID: "a", Lag: 1}}
	set[2].Project.Excludes, set[3].Project.Requires = nil, nil
	sel, err = engine.Select(context.Background(), engine.Fixed(set), engine.SelectOptions{})
	if err != nil || slices.Contains(sel.Chosen, "b") {
		t.Errorf("b needs a a year before, both start in 2027: chosen %v, %v", sel.Chosen, err)
	}
}
