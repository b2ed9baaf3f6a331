package engine_test

// Engine against hand-written Go (docs/performance.md): (a) the default
// rule set, (c) Monte Carlo, (d) portfolio selection. Each benchmark runs
// the engine and a reference written directly in Go for the same inputs,
// checks once that they agree, and the ratio is read from the same run.

import (
	"context"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/formula"
	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// paramOn returns the value of parameter name in force on day.
func paramOn(tb testing.TB, m *engine.Model, name string, day engine.Date) decimal.Decimal {
	for _, p := range m.Params {
		if p.Name != name {
			continue
		}
		var v *decimal.Decimal
		for i := range p.Values {
			if !day.Before(p.Values[i].From) {
				v = &p.Values[i].Value
			}
		}
		if v == nil {
			tb.Fatalf("parameter %s has no value on %s", name, day)
		}
		return *v
	}
	tb.Fatalf("no parameter %s", name)
	return decimal.Decimal{}
}

// defaultBill is a member's bill for a year.
type defaultBill struct {
	id             string
	amount, billed decimal.Decimal
}

// referenceDefaults computes the bills of the default rule set for
// 2026–2030 by hand, from its parameter values: the formulas of
// rules/rouen/regles.yaml and charges.yaml written as Go. From 2026 the
// year is one twelve-month segment with three members.
func referenceDefaults(tb testing.TB, m *engine.Model) [][]defaultBill {
	div := func(a, b decimal.Decimal) decimal.Decimal { return a.DivRound(b, formula.DivisionScale) }
	one := decimal.NewFromInt(1)
	jan1 := func(y int) engine.Date { return engine.NewDate(y, time.January, 1) }
	p := func(name string, y int) decimal.Decimal { return paramOn(tb, m, name, jan1(y)) }
	ids := []string{"metropole", "ville", "ccas"}
	var out [][]defaultBill
	var cout decimal.Decimal
	for y := 2026; y <= 2030; y++ {
		etc := p("etc_dsi", y).Add(p("etc_bureau_pmo", y)).Add(p("etc_cellule_numerique_confiance", y))
		partCNRACL := div(p("agents_permanents_transferes", y), p("agents_transferes", y))
		if y == 2026 {
			cout = p("cout_moyen_etc_2026", y)
		} else {
			cout = div(cout.Mul(one.Add(p("taux_gvt", y))).Mul(one.Add(p("revalorisation_point_indice", y))).
				Mul(one.Add(partCNRACL.Mul(p("taux_cotisation_cnracl", y)))),
				one.Add(partCNRACL.Mul(p("taux_cotisation_cnracl", y-1))))
		}
		masse := etc.Mul(cout)
		masseRef := p("etc_reference_convention", y).Mul(p("cout_moyen_etc_2026", y))
		partMetropole := one.Sub(p("part_ville_convention_2024", y))
		partCCAS := div(p("cible_refacturation_ccas", y), masseRef).Round(4)
		cle := []decimal.Decimal{partMetropole, one.Sub(partMetropole).Sub(partCCAS), partCCAS}
		aboVille, aboMetropole := p("abonnements_periodiques_ville", y), p("abonnements_periodiques_metropole", y)
		abo := aboVille.Add(aboMetropole)
		cleAbo := cle
		if !abo.IsZero() {
			cleAbo = []decimal.Decimal{div(aboMetropole, abo), div(aboVille, abo), decimal.Zero}
		}
		rate := p("taux_frais_gestion", y)
		amounts := make([]decimal.Decimal, 3)
		for _, pool := range []struct {
			amount decimal.Decimal
			key    []decimal.Decimal
			fees   bool
		}{{masse, cle, true}, {abo, cleAbo, false}} {
			fee := decimal.Zero
			if pool.fees {
				fee = pool.amount.Mul(rate)
			}
			raw, rawFees := make([]decimal.Decimal, 3), make([]decimal.Decimal, 3)
			for i, k := range pool.key {
				raw[i], rawFees[i] = pool.amount.Mul(k), fee.Mul(k)
			}
			parts, feeParts := make([]decimal.Decimal, 3), make([]decimal.Decimal, 3)
			referenceAllocate(pool.amount.Round(2), raw, ids, parts)
			referenceAllocate(fee.Round(2), rawFees, ids, feeParts)
			for i := range amounts {
				amounts[i] = amounts[i].Add(parts[i]).Add(feeParts[i])
			}
		}
		year := make([]defaultBill, 3)
		for i, id := range ids {
			year[i] = defaultBill{id: id, amount: amounts[i], billed: amounts[i]}
		}
		year[0].billed = decimal.Zero // the manager
		out = append(out, year)
	}
	return out
}

func defaultBills(res *engine.Result) [][]defaultBill {
	var out [][]defaultBill
	for _, y := range res.Years {
		var year []defaultBill
		for _, my := range y.Members {
			year = append(year, defaultBill{my.ID, my.Amount, my.Billed})
		}
		out = append(out, year)
	}
	return out
}

func sameDefaultBills(tb testing.TB, got, want [][]defaultBill) {
	tb.Helper()
	ok := slices.EqualFunc(got, want, func(a, b []defaultBill) bool {
		return slices.EqualFunc(a, b, func(x, y defaultBill) bool {
			return x.id == y.id && x.amount.Equal(y.amount) && x.billed.Equal(y.billed)
		})
	})
	if !ok {
		tb.Fatalf("the engine and the reference disagree:\n engine    %v\n reference %v", got, want)
	}
}

func TestDefaultsReference(t *testing.T) {
	m := loadDefaults(t)
	res, err := engine.Run(context.Background(), m, engine.Options{From: 2026, To: 2030})
	if err != nil {
		t.Fatal(err)
	}
	sameDefaultBills(t, defaultBills(res), referenceDefaults(t, m))
}

// BenchmarkDefaults: (a) in docs/performance.md, the default rule set run
// over its default years (what the what-if page recomputes), against the
// hand-written reference of its 2026–2030 bills. The engine also
// evaluates 2024 and 2025, which later years read through previous.
func BenchmarkDefaults(b *testing.B) {
	m := loadDefaults(b)
	ctx := context.Background()
	res, err := engine.Run(ctx, m, engine.Options{From: 2026, To: 2030})
	if err != nil {
		b.Fatal(err)
	}
	sameDefaultBills(b, defaultBills(res), referenceDefaults(b, m))
	b.Run("engine", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := engine.Run(ctx, m, engine.Options{From: 2026, To: 2030}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("reference", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			referenceDefaults(b, m)
		}
	})
}

// referenceMonteCarlo draws the same factors as engine.MonteCarlo — draw i
// from the PCG stream (seed, i), one factor per uncertain line in order —
// and sums factor × value over the years, written directly.
func referenceMonteCarlo(set []engine.Assessed, draws int, seed uint64) []engine.Simulated {
	type line struct {
		project int
		u       *engine.Uncertainty
		w       [5]float64 // npv, monetized, net per dimension
	}
	var lines []line
	for pi, a := range set {
		for li, l := range a.Project.Lines {
			ln := line{project: pi, u: l.Uncertainty}
			sign := 1.0
			if l.Side == engine.Effort {
				sign = -1
			}
			for yi := range a.Years {
				v := sign * a.Values[li][yi].InexactFloat64()
				disc := a.Discount[yi].InexactFloat64()
				value := v
				switch l.Dim {
				case engine.Staff:
					value = v * a.Prices[engine.Staff][yi].InexactFloat64()
				case engine.Carbon:
					value = v * a.Prices[engine.Carbon][yi].InexactFloat64()
				default:
					ln.w[0] += v * disc
				}
				ln.w[1] += value * disc
				ln.w[2+l.Dim] += v
			}
			lines = append(lines, ln)
		}
	}
	n := (len(set) + 1) * 5
	samples := make([][]float64, n)
	for i := range samples {
		samples[i] = make([]float64, draws)
	}
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	chunk := (draws + workers - 1) / workers
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			src := rand.NewPCG(seed, 0)
			draw := make([]func() float64, len(lines))
			for i, l := range lines {
				u := l.u
				switch {
				case u == nil:
				case u.Dist == engine.Triangular && u.Low != u.High:
					draw[i] = distuv.NewTriangle(u.Low, u.High, u.Mode, src).Rand
				case u.Dist == engine.PERT && u.Low != u.High:
					span := u.High - u.Low
					beta := distuv.Beta{Alpha: 1 + 4*(u.Mode-u.Low)/span, Beta: 1 + 4*(u.High-u.Mode)/span, Src: src}
					draw[i] = func() float64 { return u.Low + span*beta.Rand() }
				case u.Dist == engine.Triangular || u.Dist == engine.PERT:
					draw[i] = func() float64 { return u.Low }
				case u.Dist == engine.Normal:
					draw[i] = distuv.Normal{Mu: u.Mean, Sigma: u.SD, Src: src}.Rand
				case u.Dist == engine.LogNormal:
					draw[i] = distuv.LogNormal{Mu: u.Mean, Sigma: u.SD, Src: src}.Rand
				default:
					draw[i] = distuv.Uniform{Min: u.Low, Max: u.High, Src: src}.Rand
				}
			}
			acc := make([]float64, n)
			for d := w * chunk; d < min((w+1)*chunk, draws); d++ {
				src.Seed(seed, uint64(d))
				clear(acc)
				for i := range lines {
					l := &lines[i]
					f := 1.0
					if draw[i] != nil {
						f = draw[i]()
					}
					for k, x := range l.w {
						acc[l.project*5+k] += f * x
						acc[len(set)*5+k] += f * x
					}
				}
				for k, v := range acc {
					samples[k][d] = v
				}
			}
		}()
	}
	wg.Wait()
	summary := func(x []float64) engine.Spread {
		slices.Sort(x)
		var sum float64
		pos := 0
		for _, v := range x {
			sum += v
			if v > 0 {
				pos++
			}
		}
		return engine.Spread{Mean: sum / float64(len(x)),
			P10: stat.Quantile(0.1, stat.Empirical, x, nil), P50: stat.Quantile(0.5, stat.Empirical, x, nil),
			P90: stat.Quantile(0.9, stat.Empirical, x, nil), Positive: float64(pos) / float64(len(x))}
	}
	out := make([]engine.Simulated, len(set)+1)
	for pi := range out {
		s := &out[pi]
		s.ID = "portfolio"
		if pi < len(set) {
			s.ID = set[pi].Project.ID
		}
		s.NPV, s.Monetized = summary(samples[pi*5]), summary(samples[pi*5+1])
		s.Net = make([]engine.Spread, 3)
		for d := range s.Net {
			s.Net[d] = summary(samples[pi*5+2+d])
		}
	}
	return out
}

// BenchmarkMonteCarloReference: (c) in docs/performance.md, 10,000 draws ×
// 40 project requests × 4 years, engine against the hand-written draws.
func BenchmarkMonteCarloReference(b *testing.B) {
	const draws, projects, years = 10_000, 40, 4
	set := projSyntheticSet(projects, years)
	sim, err := engine.MonteCarlo(context.Background(), set, engine.MonteCarloOptions{Draws: draws, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	want := referenceMonteCarlo(set, draws, 1)
	if got := append(slices.Clone(sim.Projects), sim.Portfolio); !reflect.DeepEqual(got, want) {
		b.Fatal("the engine and the reference disagree")
	}
	perCore := func(b *testing.B) {
		b.ReportMetric(float64(draws*projects*years)*float64(b.N)/b.Elapsed().Seconds()/float64(runtime.GOMAXPROCS(0)), "project-years/s/core")
	}
	b.Run("engine", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := engine.MonteCarlo(context.Background(), set, engine.MonteCarloOptions{Draws: draws, Seed: 1}); err != nil {
				b.Fatal(err)
			}
		}
		perCore(b)
	})
	b.Run("reference", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			referenceMonteCarlo(set, draws, 1)
		}
		perCore(b)
	})
}

// referenceSelect is a hand-written exact selection for limits on budget
// and staff per year (non-negative weights): depth-first over the requests
// of positive value, highest first, pruned by the best fractional
// knapsack over each limit taken alone.
func referenceSelect(set []engine.Assessed, lim engine.Limits) (chosen []string, value decimal.Decimal) {
	type req struct {
		id string
		v  decimal.Decimal
		vf float64
		w  []decimal.Decimal
		wf []float64
	}
	var limits []decimal.Decimal
	years := set[0].Years
	for _, y := range years {
		if l, ok := lim.Budget[y]; ok {
			limits = append(limits, l)
		}
	}
	for _, y := range years {
		if l, ok := lim.Staff[y]; ok {
			limits = append(limits, l)
		}
	}
	var reqs []req
	for _, a := range set {
		ind := engine.Figures([]engine.Assessed{a})
		if !ind.Monetized.IsPositive() {
			continue
		}
		r := req{id: a.Project.ID, v: ind.Monetized, vf: ind.Monetized.InexactFloat64()}
		for yi, y := range years {
			if _, ok := lim.Budget[y]; ok {
				r.w = append(r.w, ind.Dimensions[engine.Money].Efforts[yi])
			}
		}
		for yi, y := range years {
			if _, ok := lim.Staff[y]; ok {
				r.w = append(r.w, ind.Dimensions[engine.Staff].Efforts[yi])
			}
		}
		for _, w := range r.w {
			r.wf = append(r.wf, w.InexactFloat64())
		}
		reqs = append(reqs, r)
	}
	slices.SortStableFunc(reqs, func(a, b req) int {
		if c := b.v.Cmp(a.v); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	// byRatio[k] orders the requests by value per unit of limit k.
	byRatio := make([][]int, len(limits))
	for k := range limits {
		for i := range reqs {
			byRatio[k] = append(byRatio[k], i)
		}
		slices.SortStableFunc(byRatio[k], func(a, b int) int {
			ra, rb := reqs[a].vf/max(reqs[a].wf[k], 1e-12), reqs[b].vf/max(reqs[b].wf[k], 1e-12)
			switch {
			case ra > rb:
				return -1
			case ra < rb:
				return 1
			}
			return 0
		})
	}
	bound := func(depth int, room []float64) float64 {
		best := math.Inf(1)
		for k := range limits {
			left, sum := room[k], 0.0
			for _, i := range byRatio[k] {
				if i < depth {
					continue
				}
				if w := reqs[i].wf[k]; w <= left {
					left -= w
					sum += reqs[i].vf
				} else {
					sum += reqs[i].vf * left / w
					break
				}
			}
			best = min(best, sum)
		}
		if len(limits) == 0 {
			best = 0
			for _, r := range reqs[depth:] {
				best += r.vf
			}
		}
		return best
	}
	bestValue := 0.0
	var bestSet, cur []int
	var dfs func(depth int, room []decimal.Decimal, roomf []float64, v float64)
	dfs = func(depth int, room []decimal.Decimal, roomf []float64, v float64) {
		if v > bestValue+1e-9 {
			bestValue, bestSet = v, slices.Clone(cur)
		}
		if depth == len(reqs) || v+bound(depth, roomf) <= bestValue+1e-9 {
			return
		}
		r := &reqs[depth]
		next, nextf := make([]decimal.Decimal, len(room)), make([]float64, len(room))
		fits := true
		for k := range room {
			next[k] = room[k].Sub(r.w[k])
			nextf[k] = roomf[k] - r.wf[k]
			fits = fits && !next[k].IsNegative()
		}
		if fits {
			cur = append(cur, depth)
			dfs(depth+1, next, nextf, v+r.vf)
			cur = cur[:len(cur)-1]
		}
		dfs(depth+1, room, roomf, v)
	}
	roomf := make([]float64, len(limits))
	for k, l := range limits {
		roomf[k] = l.InexactFloat64()
	}
	dfs(0, slices.Clone(limits), roomf, 0)
	value = decimal.Zero
	for _, i := range bestSet {
		chosen = append(chosen, reqs[i].id)
		value = value.Add(reqs[i].v)
	}
	return chosen, value
}

// BenchmarkSelectReference: (d) in docs/performance.md, the choice among 40
// requests under budget and staff limits per year. The engine also works
// out which limits bind and what raising each would bring (one more
// selection per binding limit); the reference only finds the best set.
func BenchmarkSelectReference(b *testing.B) {
	in := projSelectSet(40, 0.3)
	sel, err := engine.Select(context.Background(), engine.Fixed(in.set), engine.SelectOptions{Limits: in.lim})
	if err != nil {
		b.Fatal(err)
	}
	chosen, value := referenceSelect(in.set, in.lim)
	got := slices.Clone(sel.Chosen)
	slices.Sort(got)
	slices.Sort(chosen)
	if !slices.Equal(got, chosen) || !sel.Value.Equal(value) {
		b.Fatalf("the engine chose %v (%s), the reference %v (%s)", sel.Chosen, sel.Value, chosen, value)
	}
	b.Run("engine", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := engine.Select(context.Background(), engine.Fixed(in.set), engine.SelectOptions{Limits: in.lim}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("reference", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			referenceSelect(in.set, in.lim)
		}
	})
}
