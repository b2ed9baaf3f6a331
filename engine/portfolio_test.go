package engine_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/quotepart/quotepart/engine"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// projRaw is a request as the selection tests generate it: per year, the
// efforts and gains of each dimension, in exact decimals.
type projRaw struct {
	id string
	// effort[d][y] and gain[d][y], for dimension d and year index y.
	effort, gain [3][]decimal.Decimal
}

// projValuationRaw is the valuation of a generated instance, per year.
type projValuationRaw struct {
	discount, etc, carbon []decimal.Decimal
}

// assessed turns raw requests into what Select reads: one line per
// dimension and side.
func (v projValuationRaw) assessed(raws []projRaw) []engine.Assessed {
	n := len(v.discount)
	var set []engine.Assessed
	for _, r := range raws {
		a := engine.Assessed{Project: &engine.Project{ID: r.id, FirstYear: 2027, LastYear: 2026 + n},
			Dimensions: engine.StandardDimensions(), Prices: [][]decimal.Decimal{nil, v.etc, v.carbon}, Discount: v.discount}
		for y := range n {
			a.Years = append(a.Years, 2027+y)
		}
		for d := range a.Dimensions {
			a.Project.Lines = append(a.Project.Lines,
				engine.Line{Label: "effort", Dim: d, Side: engine.Effort},
				engine.Line{Label: "gain", Dim: d, Side: engine.Gain})
			a.Values = append(a.Values, r.effort[d], r.gain[d])
		}
		set = append(set, a)
	}
	return set
}

// value is the request's monetized value computed the long way: every
// year's nets valued and discounted, summed, rounded to the cent.
func (v projValuationRaw) value(r projRaw) decimal.Decimal {
	total := decimal.Zero
	for y := range v.discount {
		money := r.gain[engine.Money][y].Sub(r.effort[engine.Money][y])
		staff := r.gain[engine.Staff][y].Sub(r.effort[engine.Staff][y]).Mul(v.etc[y])
		carbon := r.gain[engine.Carbon][y].Sub(r.effort[engine.Carbon][y]).Mul(v.carbon[y])
		total = total.Add(money.Add(staff).Add(carbon).Mul(v.discount[y]))
	}
	return total.Round(2)
}

// projWeights are what a subset uses of each limit, in the order of
// engine's constraints: budget years, staff years, carbon.
func projUsed(raws []projRaw, subset []int, lim engine.Limits, years int) (used, limits []decimal.Decimal) {
	sum := func(f func(r projRaw) decimal.Decimal) decimal.Decimal {
		s := decimal.Zero
		for _, i := range subset {
			s = s.Add(f(raws[i]))
		}
		return s
	}
	for y := range years {
		if l, ok := lim.Budget[2027+y]; ok {
			used = append(used, sum(func(r projRaw) decimal.Decimal { return r.effort[engine.Money][y] }))
			limits = append(limits, l)
		}
	}
	for y := range years {
		if l, ok := lim.Staff[2027+y]; ok {
			used = append(used, sum(func(r projRaw) decimal.Decimal { return r.effort[engine.Staff][y] }))
			limits = append(limits, l)
		}
	}
	if lim.Carbon != nil {
		used = append(used, sum(func(r projRaw) decimal.Decimal {
			s := decimal.Zero
			for y := range years {
				s = s.Add(r.effort[engine.Carbon][y]).Sub(r.gain[engine.Carbon][y])
			}
			return s
		}))
		limits = append(limits, *lim.Carbon)
	}
	return used, limits
}

func projFeasible(used, limits []decimal.Decimal) bool {
	for k := range used {
		if used[k].GreaterThan(limits[k]) {
			return false
		}
	}
	return true
}

// projBruteForce returns the best value over every subset, whether any
// subset meets the limits, and which requests belong to one that does.
func projBruteForce(raws []projRaw, v projValuationRaw, lim engine.Limits) (best decimal.Decimal, found bool, fits map[string]bool) {
	fits = map[string]bool{}
	for mask := range 1 << len(raws) {
		var subset []int
		value := decimal.Zero
		for i := range raws {
			if mask&(1<<i) != 0 {
				subset = append(subset, i)
				value = value.Add(v.value(raws[i]))
			}
		}
		if used, limits := projUsed(raws, subset, lim, len(v.discount)); projFeasible(used, limits) {
			for _, i := range subset {
				fits[raws[i].id] = true
			}
			if !found || value.GreaterThan(best) {
				best, found = value, true
			}
		}
	}
	return best, found, fits
}

// projInstance draws a small selection problem: 1–12 requests over 1–3
// years with random efforts and gains (so values of either sign, carbon
// weights of either sign), random valuation factors and random limits, some
// years without a limit, sometimes a carbon cap, possibly negative.
func projInstance(t *rapid.T) ([]projRaw, projValuationRaw, engine.Limits) {
	years := rapid.IntRange(1, 3).Draw(t, "years")
	n := rapid.IntRange(1, 12).Draw(t, "requests")
	amount := func(label string, max int) decimal.Decimal {
		// Whole units most of the time, so that ties happen; cents else.
		if rapid.IntRange(0, 3).Draw(t, label+" cents?") == 0 {
			return decimal.New(int64(rapid.IntRange(0, max*100).Draw(t, label)), -2)
		}
		return decimal.NewFromInt(int64(rapid.IntRange(0, max).Draw(t, label)))
	}
	var v projValuationRaw
	for y := range years {
		v.discount = append(v.discount, decimal.New(int64(rapid.IntRange(90, 100).Draw(t, fmt.Sprint("discount ", y))), -2))
		v.etc = append(v.etc, decimal.NewFromInt(int64(rapid.IntRange(0, 50).Draw(t, fmt.Sprint("etc cost ", y)))))
		v.carbon = append(v.carbon, decimal.New(int64(rapid.IntRange(0, 100).Draw(t, fmt.Sprint("carbon value ", y))), -2))
	}
	raws := make([]projRaw, n)
	maxima := [3]int{100, 3, 200}
	for i := range raws {
		raws[i].id = fmt.Sprintf("p%02d", i)
		for d := range 3 {
			for y := range years {
				raws[i].effort[d] = append(raws[i].effort[d], amount(fmt.Sprintf("p%d effort %d %d", i, d, y), maxima[d]))
				raws[i].gain[d] = append(raws[i].gain[d], amount(fmt.Sprintf("p%d gain %d %d", i, d, y), maxima[d]))
			}
		}
	}
	lim := engine.Limits{Budget: map[int]decimal.Decimal{}, Staff: map[int]decimal.Decimal{}}
	for y := range years {
		if rapid.IntRange(0, 3).Draw(t, fmt.Sprint("budget? ", y)) > 0 {
			lim.Budget[2027+y] = decimal.NewFromInt(int64(rapid.IntRange(0, 100*n/2).Draw(t, fmt.Sprint("budget ", y))))
		}
		if rapid.IntRange(0, 2).Draw(t, fmt.Sprint("staff? ", y)) > 0 {
			lim.Staff[2027+y] = decimal.NewFromInt(int64(rapid.IntRange(0, 3*n/2).Draw(t, fmt.Sprint("staff ", y))))
		}
	}
	if rapid.Bool().Draw(t, "carbon cap?") {
		c := decimal.NewFromInt(int64(rapid.IntRange(-100*n*years, 100*n*years).Draw(t, "carbon cap")))
		lim.Carbon = &c
	}
	return raws, v, lim
}

// Select finds the brute-force optimum on random small instances, and its
// choice meets the limits in exact decimals.
func TestSelectMatchesBruteForce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		raws, v, lim := projInstance(t)
		set := v.assessed(raws)
		best, found, fits := projBruteForce(raws, v, lim)
		sel, err := engine.Select(context.Background(), engine.Fixed(set), engine.SelectOptions{Limits: lim})
		if !found {
			var inf *engine.Infeasible
			if !errors.As(err, &inf) || !strings.HasPrefix(err.Error(), "no selection meets ") {
				t.Fatalf("no subset meets the limits, Select gives %v, error %v", sel, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("Select: %v", err)
		}
		if !sel.Value.Equal(best) {
			t.Fatalf("Select's value %s (chose %v), brute force %s", sel.Value, sel.Chosen, best)
		}
		var subset []int
		total := decimal.Zero
		for _, id := range sel.Chosen {
			i := slices.IndexFunc(raws, func(r projRaw) bool { return r.id == id })
			if i < 0 || slices.Contains(subset, i) {
				t.Fatalf("chosen %v: unknown or repeated %q", sel.Chosen, id)
			}
			subset = append(subset, i)
			total = total.Add(v.value(raws[i]))
		}
		if !total.Equal(sel.Value) {
			t.Fatalf("the chosen %v are worth %s, Select says %s", sel.Chosen, total, sel.Value)
		}
		used, limits := projUsed(raws, subset, lim, len(v.discount))
		if !projFeasible(used, limits) {
			t.Fatalf("the chosen %v use %v, over the limits %v", sel.Chosen, used, limits)
		}
		if len(sel.Constraints) != len(used) {
			t.Fatalf("%d constraints, want %d", len(sel.Constraints), len(used))
		}
		for k, c := range sel.Constraints {
			if !c.Used.Equal(used[k]) || !c.Limit.Equal(limits[k]) {
				t.Fatalf("constraint %s %d: used %s of %s, want %s of %s", c.Kind, c.Year, c.Used, c.Limit, used[k], limits[k])
			}
			if c.Binding != (c.Relief != nil) {
				t.Fatalf("constraint %s %d: binding %v, relief %+v", c.Kind, c.Year, c.Binding, c.Relief)
			}
			if c.Relief != nil && c.Relief.Gain.IsNegative() {
				t.Fatalf("constraint %s %d: raising it loses %s", c.Kind, c.Year, c.Relief.Gain)
			}
		}
		// The ranking: every request once, by value then id, its own value.
		if len(sel.Ranking) != len(raws) {
			t.Fatalf("%d ranked, want %d", len(sel.Ranking), len(raws))
		}
		for i, r := range sel.Ranking {
			raw := raws[slices.IndexFunc(raws, func(x projRaw) bool { return x.id == r.ID })]
			if !r.Value.Equal(v.value(raw)) {
				t.Fatalf("%s ranked at %s, worth %s", r.ID, r.Value, v.value(raw))
			}
			if i > 0 {
				p := sel.Ranking[i-1]
				if p.Value.LessThan(r.Value) || (p.Value.Equal(r.Value) && p.ID > r.ID) {
					t.Fatalf("ranking out of order: %s (%s) before %s (%s)", p.ID, p.Value, r.ID, r.Value)
				}
			}
			if r.Chosen != slices.Contains(sel.Chosen, r.ID) || (r.Chosen && r.Reason != "") {
				t.Fatalf("%s: chosen %v, reason %q, selection %v", r.ID, r.Chosen, r.Reason, sel.Chosen)
			}
			switch r.Reason {
			case "":
			case "no value":
				if r.Value.IsPositive() {
					t.Fatalf("%s: worth %s, said to have no value", r.ID, r.Value)
				}
			case "over the limits on its own":
				if fits[r.ID] {
					t.Fatalf("%s: said to be over the limits on its own, yet some selection within the limits holds it", r.ID)
				}
			default:
				t.Fatalf("%s: unknown reason %q", r.ID, r.Reason)
			}
		}
	})
}

// projCase builds raw requests over one year from (money effort, money
// gain, staff effort, carbon effort, carbon gain) and valuation factors of
// 1 (discount), 0 (ETC) and 0.01 EUR/kgCO2e.
func projCase(rows map[string][5]int64) ([]projRaw, projValuationRaw) {
	v := projValuationRaw{discount: []decimal.Decimal{decimal.NewFromInt(1)}, etc: []decimal.Decimal{decimal.Zero},
		carbon: []decimal.Decimal{decimal.New(1, -2)}}
	var raws []projRaw
	for _, id := range slices.Sorted(func(yield func(string) bool) {
		for id := range rows {
			if !yield(id) {
				return
			}
		}
	}) {
		row := rows[id]
		one := func(x int64) []decimal.Decimal { return []decimal.Decimal{decimal.NewFromInt(x)} }
		raws = append(raws, projRaw{id: id,
			effort: [3][]decimal.Decimal{one(row[0]), one(row[2]), one(row[3])},
			gain:   [3][]decimal.Decimal{one(row[1]), one(0), one(row[4])}})
	}
	return raws, v
}

func projConstraint(tb testing.TB, sel *engine.Selection, kind string) engine.Constraint {
	tb.Helper()
	for _, c := range sel.Constraints {
		if c.Kind == kind {
			return c
		}
	}
	tb.Fatalf("no %s constraint in %+v", kind, sel.Constraints)
	return engine.Constraint{}
}

// A binding budget: A (60 → 160) and C (40 → 100) fill the 100 EUR budget,
// B (50 → 130) is left out by the budget alone. At 110 EUR, A and B fit
// instead: +20. The staff limit, 5 ETC for 2 used, binds nothing.
func TestSelectBindingBudget(t *testing.T) {
	raws, v := projCase(map[string][5]int64{
		"a": {60, 160, 1, 0, 0},
		"b": {50, 130, 1, 0, 0},
		"c": {40, 100, 1, 0, 0},
		"d": {10, 5, 0, 0, 0},    // no value
		"e": {120, 500, 0, 0, 0}, // over the budget on its own
	})
	lim := engine.Limits{Budget: map[int]decimal.Decimal{2027: decimal.NewFromInt(100)}, Staff: map[int]decimal.Decimal{2027: decimal.NewFromInt(5)}}
	sel, err := engine.Select(context.Background(), engine.Fixed(v.assessed(raws)), engine.SelectOptions{Limits: lim})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sel.Chosen, []string{"a", "c"}) || !sel.Value.Equal(decimal.NewFromInt(160)) {
		t.Fatalf("chosen %v worth %s, want [a c] worth 160", sel.Chosen, sel.Value)
	}
	budget := projConstraint(t, sel, "budget")
	if !budget.Binding || budget.Year != 2027 || !budget.Used.Equal(decimal.NewFromInt(100)) || budget.Relief == nil {
		t.Fatalf("budget %+v: want binding, 100 used, with relief", budget)
	}
	r := budget.Relief
	if !r.Limit.Equal(decimal.NewFromInt(110)) || !r.Gain.Equal(decimal.NewFromInt(20)) ||
		!slices.Equal(r.Entering, []string{"b"}) || !slices.Equal(r.Leaving, []string{"c"}) {
		t.Errorf("relief %+v: want limit 110, gain 20, b entering, c leaving", *r)
	}
	staff := projConstraint(t, sel, "staff")
	if staff.Binding || staff.Relief != nil || !staff.Used.Equal(decimal.NewFromInt(2)) {
		t.Errorf("staff %+v: want 2 used, not binding", staff)
	}
	var ranking []string
	for _, rk := range sel.Ranking {
		ranking = append(ranking, fmt.Sprintf("%s:%s:%v:%s", rk.ID, rk.Value, rk.Chosen, rk.Reason))
	}
	want := []string{"e:380:false:over the limits on its own", "a:100:true:", "b:80:false:", "c:60:true:", "d:-5:false:no value"}
	if !slices.Equal(ranking, want) {
		t.Errorf("ranking\n got %v\nwant %v", ranking, want)
	}
	// Value per euro of financial effort: a 100 / 60.
	if got := sel.Ranking[1].PerEuro; !got.Equal(decimal.RequireFromString("1.6667")) {
		t.Errorf("a: value per euro %s, want 1.6667", got)
	}
}

// A carbon cap of 1,000 kgCO2e: E (value 485) emits 1,500 kg and fits only
// beside F, which reduces emissions by 600 kg but is worth −4; G (98, 200
// kg) is then kept out by the cap alone, and at 1,100 kg it comes in.
func TestSelectCarbonCap(t *testing.T) {
	raws, v := projCase(map[string][5]int64{
		"e": {0, 500, 0, 1500, 0},
		"f": {10, 0, 0, 0, 600},
		"g": {0, 100, 0, 200, 0},
	})
	limit := decimal.NewFromInt(1000)
	sel, err := engine.Select(context.Background(), engine.Fixed(v.assessed(raws)), engine.SelectOptions{Limits: engine.Limits{Carbon: &limit}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sel.Chosen, []string{"e", "f"}) || !sel.Value.Equal(decimal.NewFromInt(481)) {
		t.Fatalf("chosen %v worth %s, want [e f] worth 481", sel.Chosen, sel.Value)
	}
	c := projConstraint(t, sel, "carbon")
	if !c.Binding || c.Year != 0 || !c.Used.Equal(decimal.NewFromInt(900)) || c.Relief == nil {
		t.Fatalf("carbon %+v: want binding, 900 used", c)
	}
	if r := c.Relief; !r.Limit.Equal(decimal.NewFromInt(1100)) || !r.Gain.Equal(decimal.NewFromInt(98)) ||
		!slices.Equal(r.Entering, []string{"g"}) || len(r.Leaving) != 0 {
		t.Errorf("relief %+v: want limit 1100, gain 98, g entering", *r)
	}
	for _, r := range sel.Ranking {
		if r.ID == "f" && r.Reason != "" {
			t.Errorf("f is chosen, yet its reason is %q", r.Reason)
		}
	}

	// A cap asking for a reduction: −500 kg is reached with F alone
	// (−600), at a loss; E and F (+900) are out.
	cut := decimal.NewFromInt(-500)
	sel, err = engine.Select(context.Background(), engine.Fixed(v.assessed(raws)), engine.SelectOptions{Limits: engine.Limits{Carbon: &cut}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sel.Chosen, []string{"f"}) || !sel.Value.Equal(decimal.NewFromInt(-4)) {
		t.Errorf("cap −500: chosen %v worth %s, want [f] worth −4", sel.Chosen, sel.Value)
	}
	// E and G are kept out by the cap alone: it binds. Relieved by 10 %
	// of its size, −500 becomes −450, which still lets nothing in.
	c = projConstraint(t, sel, "carbon")
	if !c.Binding || c.Relief == nil || !c.Used.Equal(decimal.NewFromInt(-600)) {
		t.Fatalf("cap −500: %+v, want binding, −600 used", c)
	}
	if r := c.Relief; !r.Limit.Equal(decimal.NewFromInt(-450)) || !r.Gain.IsZero() || len(r.Entering)+len(r.Leaving) != 0 {
		t.Errorf("cap −500: relief %+v, want limit −450 and no change", *r)
	}
	// Even beside F's reduction, E (+900) and G (−400) stay over −500.
	var reasons []string
	for _, r := range sel.Ranking {
		reasons = append(reasons, r.ID+": "+r.Reason)
	}
	if want := []string{"e: over the limits on its own", "g: over the limits on its own", "f: "}; !slices.Equal(reasons, want) {
		t.Errorf("cap −500: reasons %q, want %q", reasons, want)
	}
	// At −300, G fits beside F (−400) though not alone (+200): it is
	// chosen, and E, which cannot fit whatever else is chosen, is over.
	cut = decimal.NewFromInt(-300)
	if sel, err = engine.Select(context.Background(), engine.Fixed(v.assessed(raws)), engine.SelectOptions{Limits: engine.Limits{Carbon: &cut}}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sel.Chosen, []string{"g", "f"}) || sel.Ranking[0].Reason != "over the limits on its own" {
		t.Errorf("cap −300: chosen %v, ranking %+v", sel.Chosen, sel.Ranking)
	}
	cut = decimal.NewFromInt(-700)
	if _, err = engine.Select(context.Background(), engine.Fixed(v.assessed(raws)), engine.SelectOptions{Limits: engine.Limits{Carbon: &cut}}); err == nil ||
		err.Error() != "no selection meets the limits: carbon over the horizon is limited to -700 kgCO2e, but no allowed set uses less than -600 kgCO2e (f): 100 kgCO2e over" {
		t.Errorf("cap −700: error %v", err)
	}
}

func TestSelectLimits(t *testing.T) {
	raws, v := projCase(map[string][5]int64{"a": {1, 2, 0, 0, 0}})
	sel, err := engine.Select(context.Background(), engine.Fixed(v.assessed(raws)), engine.SelectOptions{Limits: engine.Limits{}})
	if err != nil || !slices.Equal(sel.Chosen, []string{"a"}) || len(sel.Constraints) != 0 {
		t.Errorf("no limit: %+v, %v", sel, err)
	}
	sel, err = engine.Select(context.Background(), engine.Fixed(nil), engine.SelectOptions{Limits: engine.Limits{}})
	if err != nil || len(sel.Chosen) != 0 || !sel.Value.IsZero() {
		t.Errorf("no request: %+v, %v", sel, err)
	}
	many := projSelectSet(65, 0.5)
	if sel, err := engine.Select(context.Background(), engine.Fixed(many.set), engine.SelectOptions{Limits: many.lim}); err != nil || !sel.Exact {
		t.Errorf("65 requests: %v", err)
	}
	tooMany := projSelectSet(engine.MaxSelectRequests+1, 0.5)
	if _, err := engine.Select(context.Background(), engine.Fixed(tooMany.set), engine.SelectOptions{Limits: tooMany.lim}); err == nil || err.Error() != "a selection takes at most 500 requests; 501 given" {
		t.Errorf("501 requests: %v", err)
	}
}

type projSelectInstance struct {
	set []engine.Assessed
	lim engine.Limits
}

// projSelectSet draws n requests over 2027–2030, as SDSI requests go:
// investment and project staff mostly in the first year, running costs and
// gains after, values from about −120,000 to +160,000 EUR (for n = 40),
// half of them positive. The 2027 budget is capped at share of what all
// the requests would need, the later years' budgets and every year's staff
// at twice that share.
func projSelectSet(n int, share float64) projSelectInstance {
	r := rand.New(rand.NewPCG(2027, uint64(n)))
	v := projValuationRaw{}
	for y := range 4 {
		v.discount = append(v.discount, decimal.NewFromFloat(1/projPow(1.032, y)).Round(6))
		v.etc = append(v.etc, decimal.NewFromInt(48000+int64(1000*y)))
		v.carbon = append(v.carbon, decimal.RequireFromString("0.28"))
	}
	raws := make([]projRaw, n)
	// Yearly scale of efforts and gains per dimension, first year apart.
	effort := [3][2]float64{{150000, 20000}, {1.5, 0.2}, {15000, 2000}}
	gain := [3][2]float64{{0, 70000}, {0, 0.8}, {0, 8000}}
	for i := range raws {
		raws[i].id = fmt.Sprintf("p%02d", i)
		for d := range 3 {
			for y := range 4 {
				k := min(y, 1)
				raws[i].effort[d] = append(raws[i].effort[d], decimal.NewFromFloat(effort[d][k]*r.Float64()).Round(2))
				raws[i].gain[d] = append(raws[i].gain[d], decimal.NewFromFloat(gain[d][k]*r.Float64()).Round(2))
			}
		}
	}
	lim := engine.Limits{Budget: map[int]decimal.Decimal{}, Staff: map[int]decimal.Decimal{}}
	for y := range 4 {
		money, staff := decimal.Zero, decimal.Zero
		for _, raw := range raws {
			money, staff = money.Add(raw.effort[engine.Money][y]), staff.Add(raw.effort[engine.Staff][y])
		}
		f := decimal.NewFromFloat(share * float64(1+min(y, 1)))
		lim.Budget[2027+y] = money.Mul(f).Round(0)
		lim.Staff[2027+y] = staff.Mul(decimal.NewFromFloat(2 * share)).Round(1)
	}
	return projSelectInstance{v.assessed(raws), lim}
}

func projPow(x float64, n int) float64 {
	p := 1.0
	for range n {
		p *= x
	}
	return p
}

// BenchmarkSelect: 40 requests, the 2027 budget and staff at 30 % of what
// they would all need, so that the 2027 budget binds.
func BenchmarkSelect(b *testing.B) {
	in := projSelectSet(40, 0.3)
	sel, err := engine.Select(context.Background(), engine.Fixed(in.set), engine.SelectOptions{Limits: in.lim})
	if err != nil {
		b.Fatal(err)
	}
	binds := false
	for _, c := range sel.Constraints {
		binds = binds || (c.Kind == "budget" && c.Year == 2027 && c.Binding)
	}
	if !binds {
		b.Fatalf("the 2027 budget does not bind: %+v", sel.Constraints)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := engine.Select(context.Background(), engine.Fixed(in.set), engine.SelectOptions{Limits: in.lim}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(sel.Nodes), "nodes")
}

// A cancelled context stops the search with its error.
func TestSelectStopsWhenCancelled(t *testing.T) {
	in := projSelectSet(40, 0.3)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := engine.Select(ctx, engine.Fixed(in.set), engine.SelectOptions{Limits: in.lim}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Select on a cancelled context: %v, want context.Canceled", err)
	}
}
