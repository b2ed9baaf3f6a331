package engine_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/quotepart/quotepart/engine"
	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/stat/distuv"
)

// projAssessed builds an assessed project over 2027..2027+len(discount)-1
// with the given lines and values, an ETC at 50,000 EUR and a kgCO2e at
// 0.25 EUR every year.
func projAssessed(id string, discount []float64, lines []engine.Line, values [][]float64) engine.Assessed {
	n := len(discount)
	a := engine.Assessed{Project: &engine.Project{ID: id, FirstYear: 2027, LastYear: 2026 + n, Lines: lines}}
	for i, d := range discount {
		a.Years = append(a.Years, 2027+i)
		a.Discount = append(a.Discount, decimal.NewFromFloat(d))
	}
	a.Dimensions, a.Prices = standardPrices(n, decimal.NewFromInt(50000), decimal.RequireFromString("0.25"))
	for _, vs := range values {
		row := make([]decimal.Decimal, n)
		for i, v := range vs {
			row[i] = decimal.NewFromFloat(v)
		}
		a.Values = append(a.Values, row)
	}
	return a
}

// projMC runs MonteCarlo and fails the test on error.
func projMC(tb testing.TB, set []engine.Assessed, opt engine.MonteCarloOptions) *engine.Simulation {
	tb.Helper()
	sim, err := engine.MonteCarlo(context.Background(), set, opt)
	if err != nil {
		tb.Fatalf("MonteCarlo: %v", err)
	}
	return sim
}

func projNear(tb testing.TB, what string, got, want, tol float64) {
	tb.Helper()
	if math.Abs(got-want) > tol || math.IsNaN(got) {
		tb.Errorf("%s = %.6g, want %.6g ± %.3g", what, got, want, tol)
	}
}

// z90 is the 0.9 quantile of the standard normal law.
const z90 = 1.2815515655446004

// Each law, on a single financial gain line of 1,000 EUR in 2027 and 1,040
// EUR in 2028 discounted at 4 %: the NPV is 2,000 × factor and the net
// over the horizon 2,040 × factor. With 100,000 draws the standard error
// of a mean or a decile is below 0.002 × 2,000 for these laws: the
// tolerances are 0.005 (mean) and 0.01 (deciles) of the factor, scaled.
func TestMonteCarloLaws(t *testing.T) {
	type analytic struct{ mean, p10, p50, p90 float64 }
	triangle := func(a, c, b float64) analytic {
		q := func(p float64) float64 {
			if p < (c-a)/(b-a) {
				return a + math.Sqrt(p*(b-a)*(c-a))
			}
			return b - math.Sqrt((1-p)*(b-a)*(b-c))
		}
		return analytic{(a + b + c) / 3, q(0.1), q(0.5), q(0.9)}
	}
	pert := func(a, c, b float64) analytic {
		beta := distuv.Beta{Alpha: 1 + 4*(c-a)/(b-a), Beta: 1 + 4*(b-c)/(b-a)}
		q := func(p float64) float64 { return a + (b-a)*beta.Quantile(p) }
		return analytic{(a + 4*c + b) / 6, q(0.1), q(0.5), q(0.9)}
	}
	tests := []struct {
		name string
		u    engine.Uncertainty
		want analytic
	}{
		{"triangular", engine.Uncertainty{Dist: engine.Triangular, Low: 0.8, Mode: 1, High: 1.5}, triangle(0.8, 1, 1.5)},
		{"pert", engine.Uncertainty{Dist: engine.PERT, Low: 0.6, Mode: 1, High: 1.1}, pert(0.6, 1, 1.1)},
		// A symmetric PERT has its median at the mode.
		{"pert symmetric", engine.Uncertainty{Dist: engine.PERT, Low: 0.5, Mode: 1, High: 1.5}, pert(0.5, 1, 1.5)},
		{"normal", engine.Uncertainty{Dist: engine.Normal, Mean: 1, SD: 0.15}, analytic{1, 1 - z90*0.15, 1, 1 + z90*0.15}},
		{"lognormal", engine.Uncertainty{Dist: engine.LogNormal, Mean: -0.045, SD: 0.3},
			analytic{math.Exp(-0.045 + 0.3*0.3/2), math.Exp(-0.045 - z90*0.3), math.Exp(-0.045), math.Exp(-0.045 + z90*0.3)}},
		{"uniform", engine.Uncertainty{Dist: engine.Uniform, Low: 0.5, High: 1.3}, analytic{0.9, 0.58, 0.9, 1.22}},
	}
	if got := tests[2].want.p50; math.Abs(got-1) > 1e-9 {
		t.Fatalf("symmetric PERT median %g, want 1", got)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := tc.u
			line := engine.Line{Label: "gain", Dim: engine.Money, Side: engine.Gain, Uncertainty: &u}
			a := projAssessed("p", []float64{1, 1 / 1.04}, []engine.Line{line}, [][]float64{{1000, 1040}})
			sim := projMC(t, []engine.Assessed{a}, engine.MonteCarloOptions{Draws: 100_000, Seed: 7})
			npv := sim.Projects[0].NPV
			const scale = 2000 // NPV = 2000 × factor
			projNear(t, "mean", npv.Mean, scale*tc.want.mean, scale*0.005)
			projNear(t, "P10", npv.P10, scale*tc.want.p10, scale*0.01)
			projNear(t, "P50", npv.P50, scale*tc.want.p50, scale*0.01)
			projNear(t, "P90", npv.P90, scale*tc.want.p90, scale*0.01)
			// A money-only project: the monetized value is the NPV.
			if sim.Projects[0].Monetized != npv {
				t.Errorf("monetized %+v differs from NPV %+v", sim.Projects[0].Monetized, npv)
			}
			net := sim.Projects[0].Net[engine.Money]
			projNear(t, "net mean", net.Mean, 2040*tc.want.mean, 2040*0.005)
			projNear(t, "net P90", net.P90, 2040*tc.want.p90, 2040*0.01)
			if sim.Portfolio.NPV != npv || sim.Portfolio.ID != "portfolio" || sim.Projects[0].ID != "p" {
				t.Errorf("portfolio of one project %+v, project %+v", sim.Portfolio, sim.Projects[0])
			}
			if sim.Draws != 100_000 || sim.Seed != 7 {
				t.Errorf("draws %d seed %d", sim.Draws, sim.Seed)
			}
		})
	}
}

// The share of draws with NPV > 0: a gain of 1,000 × U(0.5, 1.5) against a
// fixed effort of 800 is positive when the factor exceeds 0.8, 70 % of the
// time; an effort of 800 × U(0.5, 1.5) against a fixed gain of 1,000 when
// it stays under 1.25, 75 % of the time. Standard error 0.0015.
func TestMonteCarloProbabilityPositive(t *testing.T) {
	u := &engine.Uncertainty{Dist: engine.Uniform, Low: 0.5, High: 1.5}
	gain := engine.Line{Label: "gain", Dim: engine.Money, Side: engine.Gain}
	effort := engine.Line{Label: "effort", Dim: engine.Money, Side: engine.Effort}
	uncertainGain, uncertainEffort := gain, effort
	uncertainGain.Uncertainty, uncertainEffort.Uncertainty = u, u
	set := []engine.Assessed{
		projAssessed("gain", []float64{1}, []engine.Line{uncertainGain, effort}, [][]float64{{1000}, {800}}),
		projAssessed("effort", []float64{1}, []engine.Line{gain, uncertainEffort}, [][]float64{{1000}, {800}}),
	}
	sim := projMC(t, set, engine.MonteCarloOptions{Draws: 100_000, Seed: 11})
	projNear(t, "P(NPV > 0), uncertain gain", sim.Projects[0].NPV.Positive, 0.7, 0.006)
	projNear(t, "P(NPV > 0), uncertain effort", sim.Projects[1].NPV.Positive, 0.75, 0.006)
	// NPV = 1000 f − 800 and 1000 − 800 f, f of mean 1 and decile 0.6, 1.4.
	projNear(t, "mean, uncertain gain", sim.Projects[0].NPV.Mean, 200, 5)
	projNear(t, "P10, uncertain gain", sim.Projects[0].NPV.P10, -200, 10)
	projNear(t, "P10, uncertain effort", sim.Projects[1].NPV.P10, 1000-800*1.4, 10)
	projNear(t, "P90, uncertain effort", sim.Projects[1].NPV.P90, 1000-800*0.6, 10)
	if sim.Projects[0].Net[engine.Staff] != (engine.Spread{}) {
		t.Errorf("a project without staff lines has a staff spread %+v", sim.Projects[0].Net[engine.Staff])
	}
}

// Without uncertainty every draw gives the figures: the spreads collapse
// on the values of Figures, with the ETC and the kgCO2e valued and every
// year discounted.
func TestMonteCarloWithoutUncertaintyMatchesFigures(t *testing.T) {
	lines := []engine.Line{
		{Label: "inv", Dim: engine.Money, Side: engine.Effort},
		{Label: "eco", Dim: engine.Money, Side: engine.Gain},
		{Label: "etc", Dim: engine.Staff, Side: engine.Effort},
		{Label: "libéré", Dim: engine.Staff, Side: engine.Gain},
		{Label: "fab", Dim: engine.Carbon, Side: engine.Effort},
		{Label: "évité", Dim: engine.Carbon, Side: engine.Gain},
	}
	a := projAssessed("p", []float64{1, 1 / 1.04, 1 / 1.0816}, lines, [][]float64{
		{100000, 20000, 20000}, {0, 60000, 90000}, {1.5, 0.5, 0}, {0, 0.5, 1}, {7320, 0, 0}, {0, 5000, 5000},
	})
	b := projAssessed("q", []float64{1, 1 / 1.04, 1 / 1.0816}, lines[:2], [][]float64{{10, 0, 0}, {0, 0, 30}})
	sim := projMC(t, []engine.Assessed{a, b}, engine.MonteCarloOptions{Draws: 50, Seed: 1, Workers: 3})
	for i, s := range append(sim.Projects, sim.Portfolio) {
		group := []engine.Assessed{a, b}
		if i < 2 {
			group = group[i : i+1]
		}
		ind := engine.Figures(group)
		check := func(what string, sp engine.Spread, want decimal.Decimal, tol float64) {
			t.Helper()
			w := want.InexactFloat64()
			for _, v := range []float64{sp.Mean, sp.P10, sp.P50, sp.P90} {
				projNear(t, s.ID+" "+what, v, w, tol)
			}
			if wantPos := map[bool]float64{true: 1, false: 0}[w > 0]; sp.Positive != wantPos {
				t.Errorf("%s %s: positive share %g, want %g", s.ID, what, sp.Positive, wantPos)
			}
		}
		check("NPV", s.NPV, ind.NPV, 0.01)
		check("monetized", s.Monetized, ind.Monetized, 0.01)
		for d, df := range ind.Dimensions {
			check(df.Dimension.ID+" net", s.Net[d], df.TotalNet, 1e-6)
		}
	}
	// Hand check of the first project, as in TestFiguresByHand with the
	// ETC at 50,000 EUR and the kgCO2e at 0.25 EUR every year:
	//   2027: −100000 − 1.5 × 50000 − 7320 × 0.25 = −176830
	//   2028:   40000 +   0         + 5000 × 0.25 =   41250
	//   2029:   70000 +   1 × 50000 + 5000 × 0.25 =  121250
	projNear(t, "monetized by hand", sim.Projects[0].Monetized.Mean, -176830+41250/1.04+121250/1.0816, 0.01)
}

// The portfolio's draws are the sums of the projects' draws, so its mean is
// the sum of their means.
func TestMonteCarloPortfolioIsTheSum(t *testing.T) {
	set := projSyntheticSet(6, 3)
	sim := projMC(t, set, engine.MonteCarloOptions{Draws: 20_000, Seed: 3})
	var npv, monetized, carbon float64
	for _, p := range sim.Projects {
		npv += p.NPV.Mean
		monetized += p.Monetized.Mean
		carbon += p.Net[engine.Carbon].Mean
	}
	projNear(t, "portfolio NPV mean", sim.Portfolio.NPV.Mean, npv, 1e-6*math.Abs(npv)+1e-6)
	projNear(t, "portfolio monetized mean", sim.Portfolio.Monetized.Mean, monetized, 1e-6*math.Abs(monetized)+1e-6)
	projNear(t, "portfolio carbon mean", sim.Portfolio.Net[engine.Carbon].Mean, carbon, 1e-6*math.Abs(carbon)+1e-6)
	for _, p := range append(sim.Projects, sim.Portfolio) {
		for _, s := range []engine.Spread{p.NPV, p.Monetized, p.Net[0], p.Net[1], p.Net[2]} {
			if s.P10 > s.P50 || s.P50 > s.P90 || s.Positive < 0 || s.Positive > 1 {
				t.Errorf("%s: spread out of order %+v", p.ID, s)
			}
		}
	}
}

func TestMonteCarloDeterminism(t *testing.T) {
	set := projSyntheticSet(8, 4)
	run := func(seed uint64, workers int) *engine.Simulation {
		return projMC(t, set, engine.MonteCarloOptions{Draws: 5_001, Seed: seed, Workers: workers})
	}
	ref := run(42, 1)
	for _, w := range []int{1, 2, 3, 7, 0, 10_000} {
		if got := run(42, w); !reflect.DeepEqual(got, ref) {
			t.Errorf("seed 42 with %d workers differs from one worker:\n got %+v\nwant %+v", w, got.Portfolio, ref.Portfolio)
		}
	}
	other := run(43, 1)
	if reflect.DeepEqual(other.Portfolio, ref.Portfolio) {
		t.Error("seeds 42 and 43 give the same portfolio spread")
	}
	// The projects differ too, each on its own.
	for i := range other.Projects {
		if other.Projects[i].NPV == ref.Projects[i].NPV {
			t.Errorf("project %s: same NPV spread for seeds 42 and 43", ref.Projects[i].ID)
		}
	}
	// Draw i does not depend on the number of draws or on who computes
	// it: the single draw of a one-draw run is one of the two draws of a
	// two-draw run shared by two workers (its P10 or P90).
	one := projMC(t, set[:1], engine.MonteCarloOptions{Draws: 1, Seed: 42}).Projects[0].NPV
	two := projMC(t, set[:1], engine.MonteCarloOptions{Draws: 2, Seed: 42, Workers: 2}).Projects[0].NPV
	if one.P10 != one.Mean || one.P90 != one.Mean || (two.P10 != one.Mean && two.P90 != one.Mean) || two.P10 == two.P90 {
		t.Errorf("draw 0 of a one-draw run %+v is not a draw of a two-draw run %+v", one, two)
	}
}

func TestMonteCarloCancel(t *testing.T) {
	set := projSyntheticSet(4, 4)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sim, err := engine.MonteCarlo(ctx, set, engine.MonteCarloOptions{Draws: 10_000, Seed: 1})
	if !errors.Is(err, context.Canceled) || sim != nil {
		t.Errorf("cancelled before the start: sim %v, error %v, want context.Canceled", sim != nil, err)
	}

	// Cancelled while running, from the progress callback: 300 uncertain
	// lines and 400,000 draws on one worker take seconds, the callback
	// first runs after 100 ms.
	var lines []engine.Line
	var values [][]float64
	for i := range 300 {
		lines = append(lines, engine.Line{Label: fmt.Sprint(i), Dim: engine.Money, Side: engine.Gain,
			Uncertainty: &engine.Uncertainty{Dist: engine.Normal, Mean: 1, SD: 0.1}})
		values = append(values, []float64{1})
	}
	big := []engine.Assessed{projAssessed("big", []float64{1}, lines, values)}
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	var seen []int
	sim, err = engine.MonteCarlo(ctx, big, engine.MonteCarloOptions{Draws: 400_000, Seed: 1, Workers: 1,
		Progress: func(done, total int) {
			seen = append(seen, done)
			if total != 400_000 {
				t.Errorf("progress total %d", total)
			}
			cancel()
		}})
	if !errors.Is(err, context.Canceled) || sim != nil {
		t.Errorf("cancelled while running: sim %v, error %v, want context.Canceled", sim != nil, err)
	}
	if len(seen) == 0 || seen[len(seen)-1] >= 400_000 {
		t.Errorf("progress reports %v: cancelled after the end", seen)
	}
}

func TestMonteCarloProgressAndErrors(t *testing.T) {
	set := projSyntheticSet(2, 2)
	var calls [][2]int
	projMC(t, set, engine.MonteCarloOptions{Draws: 1000, Seed: 1, Progress: func(done, total int) {
		calls = append(calls, [2]int{done, total})
	}})
	if len(calls) == 0 || calls[len(calls)-1] != [2]int{1000, 1000} {
		t.Errorf("progress calls %v, want a last call (1000, 1000)", calls)
	}
	for _, draws := range []int{0, -5} {
		_, err := engine.MonteCarlo(context.Background(), set, engine.MonteCarloOptions{Draws: draws})
		if want := fmt.Sprintf("the number of draws must be at least 1, found %d", draws); err == nil || err.Error() != want {
			t.Errorf("draws %d: error %v, want %s", draws, err, want)
		}
	}
	// No project: the portfolio of nothing is zero.
	sim := projMC(t, nil, engine.MonteCarloOptions{Draws: 10, Seed: 1})
	if len(sim.Projects) != 0 || sim.Portfolio.NPV != (engine.Spread{}) {
		t.Errorf("no project: %+v", sim)
	}
}

func TestUncertaintyValidate(t *testing.T) {
	tests := []struct {
		u    engine.Uncertainty
		want string
	}{
		{engine.Uncertainty{Dist: engine.Triangular, Low: 0.8, Mode: 1, High: 1.2}, ""},
		{engine.Uncertainty{Dist: engine.Triangular, Low: 1, Mode: 1, High: 1}, ""},
		{engine.Uncertainty{Dist: engine.PERT, Low: 1.1, Mode: 1, High: 1.2}, "expected low ≤ mode ≤ high, found low 1.1, mode 1, high 1.2"},
		{engine.Uncertainty{Dist: engine.Triangular, Low: 0.8, Mode: math.NaN(), High: 1.2}, "expected low ≤ mode ≤ high, found low 0.8, mode NaN, high 1.2"},
		{engine.Uncertainty{Dist: engine.Uniform, Low: 1.2, High: 0.8}, "expected low ≤ high, found low 1.2, high 0.8"},
		{engine.Uncertainty{Dist: engine.Uniform, Low: 0.8, High: math.Inf(1)}, "expected low ≤ high, found low 0.8, high +Inf"},
		{engine.Uncertainty{Dist: engine.Normal, Mean: 1, SD: -0.1}, "expected a finite mean and a standard deviation ≥ 0, found mean 1, sd -0.1"},
		{engine.Uncertainty{Dist: engine.LogNormal, Mean: 0, SD: 0}, ""},
	}
	for _, tc := range tests {
		got := ""
		if err := tc.u.Validate(); err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.u, got, tc.want)
		}
	}
}

// A degenerate law (low = high, sd = 0) always draws the same factor.
func TestMonteCarloDegenerateLaws(t *testing.T) {
	for _, u := range []engine.Uncertainty{
		{Dist: engine.Triangular, Low: 1.2, Mode: 1.2, High: 1.2},
		{Dist: engine.PERT, Low: 1.2, Mode: 1.2, High: 1.2},
		{Dist: engine.Uniform, Low: 1.2, High: 1.2},
		{Dist: engine.Normal, Mean: 1.2, SD: 0},
		{Dist: engine.LogNormal, Mean: math.Log(1.2), SD: 0},
	} {
		line := engine.Line{Label: "g", Dim: engine.Money, Side: engine.Gain, Uncertainty: &u}
		sim := projMC(t, []engine.Assessed{projAssessed("p", []float64{1}, []engine.Line{line}, [][]float64{{1000}})},
			engine.MonteCarloOptions{Draws: 100, Seed: 1})
		s := sim.Projects[0].NPV
		for _, v := range []float64{s.Mean, s.P10, s.P50, s.P90} {
			projNear(t, fmt.Sprintf("law %d", u.Dist), v, 1200, 1e-9)
		}
	}
}

// projSyntheticSet builds n projects over years 2027.. with a few lines
// each, most of them uncertain, every law used: the workload of the
// determinism tests and of BenchmarkMonteCarlo. The same n and years
// always give the same projects.
func projSyntheticSet(n, years int) []engine.Assessed {
	r := rand.New(rand.NewPCG(uint64(n), uint64(years)))
	laws := []engine.Uncertainty{
		{Dist: engine.Triangular, Low: 0.9, Mode: 1, High: 1.5},
		{Dist: engine.PERT, Low: 0.6, Mode: 1, High: 1.1},
		{Dist: engine.Normal, Mean: 1, SD: 0.15},
		{Dist: engine.LogNormal, Mean: -0.045, SD: 0.3},
		{Dist: engine.Uniform, Low: 0.5, High: 1.3},
	}
	discount := make([]float64, years)
	for i := range discount {
		discount[i] = math.Pow(1.032, -float64(i))
	}
	set := make([]engine.Assessed, n)
	for p := range set {
		kinds := []struct {
			d int
			s engine.Side
		}{{engine.Money, engine.Effort}, {engine.Money, engine.Effort}, {engine.Money, engine.Gain},
			{engine.Staff, engine.Effort}, {engine.Staff, engine.Gain}, {engine.Carbon, engine.Gain}}
		var lines []engine.Line
		var values [][]float64
		for i, k := range kinds {
			l := engine.Line{Label: fmt.Sprint(i), Dim: k.d, Side: k.s}
			if i != 1 { // one certain line per project
				u := laws[(p+i)%len(laws)]
				l.Uncertainty = &u
			}
			scale := map[int]float64{engine.Money: 50000, engine.Staff: 1, engine.Carbon: 5000}[k.d]
			vs := make([]float64, years)
			for y := range vs {
				vs[y] = math.Round(scale*r.Float64()*100) / 100
			}
			lines = append(lines, l)
			values = append(values, vs)
		}
		set[p] = projAssessed(fmt.Sprintf("p%02d", p), discount, lines, values)
	}
	return set
}

// BenchmarkMonteCarlo: 10,000 draws of 40 projects over 4 years, six lines
// each, five of them uncertain.
func BenchmarkMonteCarlo(b *testing.B) {
	const draws, projects, years = 10_000, 40, 4
	set := projSyntheticSet(projects, years)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := engine.MonteCarlo(context.Background(), set, engine.MonteCarloOptions{Draws: draws, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(draws*projects*years)*float64(b.N)/b.Elapsed().Seconds(), "project-years/s")
}

// standardPrices gives the standard dimensions over n years with an ETC
// costing etc and a kgCO2e worth carbon every year.
func standardPrices(n int, etc, carbon decimal.Decimal) ([]engine.Dimension, [][]decimal.Decimal) {
	prices := make([][]decimal.Decimal, 3)
	for y := 0; y < n; y++ {
		prices[engine.Staff] = append(prices[engine.Staff], etc)
		prices[engine.Carbon] = append(prices[engine.Carbon], carbon)
	}
	return engine.StandardDimensions(), prices
}
