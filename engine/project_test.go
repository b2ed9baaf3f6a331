package engine_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/formula"
	"github.com/shopspring/decimal"
)

// The helpers of the project, Monte Carlo and portfolio tests carry a proj
// prefix: the package's other test files define their own.

// projEnvNames are the names the test formulas may read.
var projEnvNames = formula.Decls{
	formula.Year: formula.Number,
	"taux":       formula.Number, // discount rate
	"cout_etc":   formula.Number, // EUR per ETC, changes each year
	"carbone":    formula.Number, // EUR per kgCO2e, changes each year
	"serveur":    formula.Number, // kgCO2e to make a server
}

// projYearEnv gives the test formulas their values: the cost of an ETC
// rises by 1,000 EUR a year from 50,000 in 2027, the value of carbon by
// 0.01 EUR/kg from 0.25.
func projYearEnv(year int) (map[string]any, error) {
	k := int64(year - 2027)
	return map[string]any{
		formula.Year: decimal.NewFromInt(int64(year)),
		"taux":       decimal.RequireFromString("0.04"),
		"cout_etc":   decimal.NewFromInt(50000 + 1000*k),
		"carbone":    decimal.RequireFromString("0.25").Add(decimal.New(k, -2)),
		"serveur":    decimal.NewFromInt(3660),
	}, nil
}

// projFormulas is the environment the test formulas compile in.
var projFormulas = formula.NewEnv(formula.DefaultLimits)

// projFormula compiles src as a number over projEnvNames, at line in file
// t.yaml.
func projFormula(tb testing.TB, src string, line int) *engine.Formula {
	tb.Helper()
	p, err := projFormulas.Compile(src, projEnvNames, formula.KindNumber)
	if err != nil {
		tb.Fatalf("compile %q: %v", src, err)
	}
	return &engine.Formula{Program: p, Pos: diag.Pos{File: "t.yaml", Line: line, Col: 7}, Line: "      " + src}
}

// projLine builds a line from year → expression pairs.
func projLine(tb testing.TB, label string, d int, s engine.Side, values map[int]string) engine.Line {
	tb.Helper()
	l := engine.Line{Label: label, Dim: d, Side: s, Values: map[int]*engine.Formula{}}
	for i, y := range slices.Sorted(maps.Keys(values)) {
		l.Values[y] = projFormula(tb, values[y], 10+i)
	}
	return l
}

// projValuation is the valuation of the hand-computed cases.
func projValuation(tb testing.TB, base int) engine.Valuation {
	tb.Helper()
	dims := engine.StandardDimensions()
	dims[engine.Staff].Price = projFormula(tb, "cout_etc", 2)
	dims[engine.Carbon].Price = projFormula(tb, "carbone", 3)
	return engine.Valuation{BaseYear: base, DiscountRate: projFormula(tb, "taux", 1), Dimensions: dims}
}

func projDec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func projDecs(ss ...string) []decimal.Decimal {
	out := make([]decimal.Decimal, len(ss))
	for i, s := range ss {
		out[i] = projDec(s)
	}
	return out
}

// projEqualDecs compares two slices of decimals by value.
func projEqualDecs(tb testing.TB, what string, got, want []decimal.Decimal) {
	tb.Helper()
	if len(got) != len(want) {
		tb.Errorf("%s: %d values %v, want %d %v", what, len(got), got, len(want), want)
		return
	}
	for i := range got {
		if !got[i].Equal(want[i]) {
			tb.Errorf("%s = %v, want %v", what, got, want)
			return
		}
	}
}

func projEqualDec(tb testing.TB, what string, got decimal.Decimal, want string) {
	tb.Helper()
	if !got.Equal(projDec(want)) {
		tb.Errorf("%s = %s, want %s", what, got, want)
	}
}

// projHandProject is a three-year request whose figures are worked out by
// hand in TestFiguresByHand.
func projHandProject(tb testing.TB) engine.Project {
	tb.Helper()
	return engine.Project{ID: "main", FirstYear: 2027, LastYear: 2029, Lines: []engine.Line{
		projLine(tb, "investissement", engine.Money, engine.Effort, map[int]string{2027: "100000", 2028: "20000", 2029: "20000"}),
		projLine(tb, "économies", engine.Money, engine.Gain, map[int]string{2028: "60000", 2029: "90000"}),
		projLine(tb, "projet", engine.Staff, engine.Effort, map[int]string{2027: "1.5", 2028: "0.25"}),
		projLine(tb, "exploitation", engine.Staff, engine.Effort, map[int]string{2028: "0.25"}),
		projLine(tb, "temps libéré", engine.Staff, engine.Gain, map[int]string{2028: "0.5", 2029: "1"}),
		projLine(tb, "fabrication", engine.Carbon, engine.Effort, map[int]string{2027: "2 * serveur"}),
		projLine(tb, "évité", engine.Carbon, engine.Gain, map[int]string{2028: "5000", 2029: "2500 * 2"}),
	}}
}

func TestFiguresByHand(t *testing.T) {
	projects := []engine.Project{projHandProject(t)}
	set, err := engine.Assess(projects, projValuation(t, 2027), engine.Horizon{From: 2027, To: 2029}, projYearEnv)
	if err != nil {
		t.Fatal(err)
	}
	if len(set) != 1 {
		t.Fatalf("%d assessed, want 1", len(set))
	}
	a := set[0]
	projEqualDecs(t, "ETC cost", a.Prices[engine.Staff], projDecs("50000", "51000", "52000"))
	projEqualDecs(t, "carbon value", a.Prices[engine.Carbon], projDecs("0.25", "0.26", "0.27"))
	// 1/1.04 and 1/1.0816, to the division scale of formulas.
	if a.Discount[0].Cmp(projDec("1")) != 0 ||
		a.Discount[1].Sub(projDec("0.961538461538461538")).Abs().GreaterThan(projDec("1e-15")) ||
		a.Discount[2].Sub(projDec("0.924556213017751479")).Abs().GreaterThan(projDec("1e-15")) {
		t.Errorf("discount factors = %v", a.Discount)
	}
	projEqualDecs(t, "server line", a.Values[5], projDecs("7320", "0", "0"))

	ind := engine.Figures(set)
	if ind.Years[0] != 2027 || len(ind.Years) != 3 {
		t.Fatalf("years %v", ind.Years)
	}
	money := ind.Dimensions[engine.Money]
	projEqualDecs(t, "money efforts", money.Efforts, projDecs("100000", "20000", "20000"))
	projEqualDecs(t, "money gains", money.Gains, projDecs("0", "60000", "90000"))
	projEqualDecs(t, "money net", money.Net, projDecs("-100000", "40000", "70000"))
	projEqualDecs(t, "money cumulative", money.Cumulative, projDecs("-100000", "-60000", "10000"))
	projEqualDec(t, "money total efforts", money.TotalEfforts, "140000")
	projEqualDec(t, "money total gains", money.TotalGains, "150000")
	projEqualDec(t, "money total net", money.TotalNet, "10000")
	// 150000 / 140000 = 1.071428…
	if !money.HasRatio {
		t.Error("money has no ratio")
	}
	projEqualDec(t, "money ratio", money.Ratio, "1.0714")
	if money.Payback != 2029 {
		t.Errorf("money payback %d, want 2029", money.Payback)
	}

	staff := ind.Dimensions[engine.Staff]
	projEqualDecs(t, "staff efforts", staff.Efforts, projDecs("1.5", "0.5", "0"))
	projEqualDecs(t, "staff net", staff.Net, projDecs("-1.5", "0", "1"))
	projEqualDecs(t, "staff cumulative", staff.Cumulative, projDecs("-1.5", "-1.5", "-0.5"))
	projEqualDec(t, "staff ratio", staff.Ratio, "0.75") // 1.5 / 2
	if staff.Payback != 0 {
		t.Errorf("staff never pays back, payback %d", staff.Payback)
	}

	carbon := ind.Dimensions[engine.Carbon]
	projEqualDecs(t, "carbon net", carbon.Net, projDecs("-7320", "5000", "5000"))
	projEqualDecs(t, "carbon cumulative", carbon.Cumulative, projDecs("-7320", "-2320", "2680"))
	projEqualDec(t, "carbon ratio", carbon.Ratio, "1.3661") // 10000 / 7320 = 1.36612…
	if carbon.Payback != 2029 {
		t.Errorf("carbon payback %d, want 2029", carbon.Payback)
	}

	// NPV = −100000 + 40000/1.04 + 70000/1.04² = 3180.4733…
	npv := -100000 + 40000/1.04 + 70000/(1.04*1.04)
	if want := decimal.NewFromFloat(npv).Round(2); !ind.NPV.Equal(want) || want.String() != "3180.47" {
		t.Errorf("NPV = %s, want %s (3180.47)", ind.NPV, want)
	}
	// Monetized, per year: money net + ETC net × ETC cost + kgCO2e net ×
	// value of carbon, discounted:
	//   2027: −100000 − 1.5 × 50000 − 7320 × 0.25 = −176830
	//   2028:   40000 +   0 × 51000 + 5000 × 0.26 =   41300
	//   2029:   70000 +   1 × 52000 + 5000 × 0.27 =  123350
	monetized := -176830 + 41300/1.04 + 123350/(1.04*1.04)
	if want := decimal.NewFromFloat(monetized).Round(2); !ind.Monetized.Equal(want) || want.String() != "-23074.45" {
		t.Errorf("monetized = %s, want %s (-23074.45)", ind.Monetized, want)
	}
}

// Discounting to a base year inside the horizon: years before it are
// compounded forward, (1 + r)^(base − y).
func TestFiguresBaseYearInside(t *testing.T) {
	p := engine.Project{ID: "p", FirstYear: 2026, LastYear: 2028, Lines: []engine.Line{
		projLine(t, "gain", engine.Money, engine.Gain, map[int]string{2026: "1000", 2027: "1000", 2028: "1040"}),
	}}
	set, err := engine.Assess([]engine.Project{p}, projValuation(t, 2027), engine.Horizon{From: 2026, To: 2028}, projYearEnv)
	if err != nil {
		t.Fatal(err)
	}
	projEqualDecs(t, "discount", set[0].Discount[:2], projDecs("1.04", "1"))
	ind := engine.Figures(set)
	// 1000 × 1.04 + 1000 + 1040 / 1.04 = 3040
	projEqualDec(t, "NPV", ind.NPV, "3040")
	projEqualDec(t, "monetized", ind.Monetized, "3040")
	if d := ind.Dimensions[engine.Money]; d.HasRatio || d.Payback != 0 {
		t.Errorf("gains without effort: ratio %v (%s), payback %d", d.HasRatio, d.Ratio, d.Payback)
	}
}

// projMoneyProject builds a project with one money effort and one gain line
// from yearly nets, starting in 2027: a negative net is an effort.
func projMoneyProject(id string, nets ...int64) engine.Assessed {
	effort, gain := engine.Line{Label: "e", Dim: engine.Money, Side: engine.Effort}, engine.Line{Label: "g", Dim: engine.Money, Side: engine.Gain}
	a := engine.Assessed{Project: &engine.Project{ID: id, FirstYear: 2027, LastYear: 2026 + len(nets), Lines: []engine.Line{effort, gain}},
		Values: [][]decimal.Decimal{make([]decimal.Decimal, len(nets)), make([]decimal.Decimal, len(nets))}}
	a.Dimensions, a.Prices = standardPrices(len(nets), decimal.NewFromInt(1), decimal.NewFromInt(1))
	for i, n := range nets {
		a.Years = append(a.Years, 2027+i)
		a.Discount = append(a.Discount, decimal.NewFromInt(1))
		if n < 0 {
			a.Values[0][i] = decimal.NewFromInt(-n)
		} else {
			a.Values[1][i] = decimal.NewFromInt(n)
		}
	}
	return a
}

func TestPayback(t *testing.T) {
	tests := []struct {
		name string
		nets []int64
		want int
	}{
		{"pays back in the second year", []int64{-100, 100, 0}, 2028},
		{"pays back in the last year", []int64{-100, 50, 60}, 2029},
		{"never pays back", []int64{-100, 30, 30, 30}, 0},
		{"never needs to", []int64{0, 10, 20}, 0},
		{"above zero first, then below, then back", []int64{10, -15, 8}, 2029},
		// Cumulative −10, 5, −3, 1: 2028 does not count, it dips again.
		{"dips below zero later", []int64{-10, 15, -8, 4}, 2030},
		{"dips below zero later for good", []int64{-10, 15, -8, 2}, 0},
		{"zero cumulative counts as paid back", []int64{-10, 10}, 2028},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ind := engine.Figures([]engine.Assessed{projMoneyProject("p", tc.nets...)})
			if got := ind.Dimensions[engine.Money].Payback; got != tc.want {
				t.Errorf("nets %v: payback %d, want %d (cumulative %v)", tc.nets, got, tc.want, ind.Dimensions[engine.Money].Cumulative)
			}
		})
	}
}

// Figures of several projects are those of their summed lines.
func TestFiguresOfAPortfolio(t *testing.T) {
	a, b := projMoneyProject("a", -100, 30, 30), projMoneyProject("b", -20, 50, 0)
	ind := engine.Figures([]engine.Assessed{a, b})
	d := ind.Dimensions[engine.Money]
	projEqualDecs(t, "net", d.Net, projDecs("-120", "80", "30"))
	projEqualDecs(t, "cumulative", d.Cumulative, projDecs("-120", "-40", "-10"))
	projEqualDec(t, "ratio", d.Ratio, "0.9167") // 110 / 120
	projEqualDec(t, "NPV", ind.NPV, "-10")
	if d.Payback != 0 {
		t.Errorf("payback %d, want 0", d.Payback)
	}
	if got := engine.Figures(nil); len(got.Years) != 0 || !got.NPV.IsZero() {
		t.Errorf("figures of no project: %+v", got)
	}
}

func TestAssessErrors(t *testing.T) {
	neg := engine.Project{ID: "neg", FirstYear: 2027, LastYear: 2028, Lines: []engine.Line{
		projLine(t, "temps", engine.Staff, engine.Effort, map[int]string{2028: "1 - 1.5"}),
	}}
	_, err := engine.Assess([]engine.Project{neg}, projValuation(t, 2027), engine.Horizon{From: 2027, To: 2028}, projYearEnv)
	want := `t.yaml:10:7: project neg, line "temps", year 2028: -0.5 ETC is negative; write efforts and gains as positive amounts on their side`
	if err == nil || err.Error() != want {
		t.Errorf("negative ETC: error %v\nwant %s", err, want)
	}
	var de *diag.Error
	if e, ok := err.(*diag.Error); ok {
		de = e
	}
	if de == nil || !strings.Contains(de.Detail(), "   10 |       1 - 1.5\n") {
		t.Errorf("negative ETC: no snippet in %v", err)
	}

	ok := engine.Project{ID: "ok", FirstYear: 2027, LastYear: 2027, Lines: []engine.Line{
		projLine(t, "g", engine.Money, engine.Gain, map[int]string{2027: "1"}),
	}}
	_, err = engine.Assess([]engine.Project{ok}, projValuation(t, 2031), engine.Horizon{From: 2027, To: 2028}, projYearEnv)
	if want := "projects: the base year of discounting 2031 is outside the years 2027–2028"; err == nil || err.Error() != want {
		t.Errorf("base year outside: error %v\nwant %s", err, want)
	}

	div := engine.Project{ID: "div", FirstYear: 2027, LastYear: 2027, Lines: []engine.Line{
		projLine(t, "g", engine.Money, engine.Gain, map[int]string{2027: "1 / (taux - 0.04)"}),
	}}
	_, err = engine.Assess([]engine.Project{div}, projValuation(t, 2027), engine.Horizon{From: 2027, To: 2027}, projYearEnv)
	if err == nil || !strings.HasPrefix(err.Error(), `t.yaml:10:7: project div, line "g", year 2027: `) {
		t.Errorf("division by zero: error %v", err)
	}
}

// A scheduled request is assessed at each start of its window: its values
// move with the start, each evaluated in the year it falls in, and those
// moved past the horizon drop out; its effects on commitments move too.
func TestAssessStarts(t *testing.T) {
	p := engine.Project{ID: "s", FirstYear: 2027, LastYear: 2028, Earliest: 2027, Latest: 2029, Lines: []engine.Line{
		projLine(t, "coût", engine.Money, engine.Effort, map[int]string{2027: "year", 2028: "1000"}),
	}, Effects: []engine.Effect{{Commitment: 0, CommitmentID: "c", Values: map[int]*engine.Formula{2027: projFormula(t, "1", 20), 2028: projFormula(t, "2", 21)}}}}
	if got := p.Starts(); !slices.Equal(got, []int{2027, 2028, 2029}) || !p.Scheduled() {
		t.Fatalf("starts %v", got)
	}
	cands, err := engine.AssessStarts(context.Background(), []engine.Project{p}, projValuation(t, 2027), engine.Horizon{From: 2027, To: 2029}, projYearEnv)
	if err != nil {
		t.Fatal(err)
	}
	if len(cands) != 1 || len(cands[0].Options) != 3 {
		t.Fatalf("%+v", cands)
	}
	want := map[int][]string{2027: {"2027", "1000", "0"}, 2028: {"0", "2028", "1000"}, 2029: {"0", "0", "2029"}}
	effects := map[int][]string{2027: {"1", "2", "0"}, 2028: {"0", "1", "2"}, 2029: {"0", "0", "1"}}
	for _, a := range cands[0].Options {
		projEqualDecs(t, fmt.Sprint("start ", a.Start), a.Values[0], projDecs(want[a.Start]...))
		projEqualDecs(t, fmt.Sprint("effect, start ", a.Start), a.Effects[0], projDecs(effects[a.Start]...))
	}
	set, err := engine.AssessAt(context.Background(), []engine.Project{p}, map[string]int{"s": 2028}, projValuation(t, 2027), engine.Horizon{From: 2027, To: 2029}, projYearEnv)
	if err != nil || set[0].Start != 2028 {
		t.Fatalf("%+v, %v", set, err)
	}
	if _, err := engine.AssessAt(context.Background(), []engine.Project{p}, map[string]int{"s": 2030}, projValuation(t, 2027), engine.Horizon{From: 2027, To: 2029}, projYearEnv); err == nil ||
		!strings.Contains(err.Error(), "project s cannot start in 2030: it may start from 2027 to 2029") {
		t.Errorf("start 2030: %v", err)
	}
}
