package engine_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/rules"
	"github.com/shopspring/decimal"
)

// tiersModel loads testdata/tiers: three members sharing charges by a key
// of three tiers, with fees.
func tiersModel(tb testing.TB) *engine.Model {
	tb.Helper()
	set, err := rules.Load(os.DirFS("testdata/tiers"), ".", "testdata/tiers")
	if err != nil {
		tb.Fatal(err)
	}
	return set.Model
}

func TestScaleParameterLeavesModel(t *testing.T) {
	m := tiersModel(t)
	before := m.Params[0].Values[0].Value
	scaled, err := engine.ScaleParameter(m, m.Params[0].Name, decimal.RequireFromString("0.9"))
	if err != nil {
		t.Fatal(err)
	}
	if !m.Params[0].Values[0].Value.Equal(before) {
		t.Fatalf("ScaleParameter changed the model it was given")
	}
	if want := before.Mul(decimal.RequireFromString("0.9")); !scaled.Params[0].Values[0].Value.Equal(want) {
		t.Errorf("scaled value %s, want %s", scaled.Params[0].Values[0].Value, want)
	}
	if _, err := engine.ScaleParameter(m, "nope", decimal.NewFromInt(1)); err == nil {
		t.Errorf("scaling an unknown parameter did not fail")
	}
}

func TestAnalyse(t *testing.T) {
	m := tiersModel(t)
	ctx := context.Background()
	opt := engine.Options{From: 2027, To: 2027}
	broken := engine.Factor{Name: "casse", Low: decimal.RequireFromString("0.9"), High: decimal.RequireFromString("1.1"),
		Apply: func(*engine.Model, decimal.Decimal) (*engine.Model, error) { return nil, errors.New("no such thing") }}
	s, err := engine.Analyse(ctx, m, opt, append(engine.ParameterFactors(m), broken))
	if err != nil {
		t.Fatal(err)
	}
	if s.Targets[0].ID != "" || len(s.Targets) < 3 {
		t.Fatalf("targets %+v: want the total, then the members", s.Targets)
	}
	res, _ := engine.Run(ctx, m, opt)
	if !s.Targets[0].Base.Equal(res.Years[0].Total) {
		t.Errorf("base total %s, want %s", s.Targets[0].Base, res.Years[0].Total)
	}
	top := s.Ranked(0, 1)
	if len(top) != 1 || top[0].Factor.Name != "charges" {
		t.Fatalf("the total moves most with %v, want charges", top)
	}
	// The changes of the members add up to the change of the total.
	for _, r := range s.Rows {
		if r.Err != "" {
			continue
		}
		for _, changes := range [][]decimal.Decimal{r.Low, r.High} {
			sum := decimal.Zero
			for _, c := range changes[1:] {
				sum = sum.Add(c)
			}
			if !sum.Equal(changes[0]) {
				t.Errorf("%s: members move by %s in all, the total by %s", r.Factor.Name, sum, changes[0])
			}
		}
	}
	// 10 % less charges lowers the total by about 10 % of the charges and
	// their fees.
	if low := top[0].Low[0]; !low.IsNegative() {
		t.Errorf("10 %% less charges changes the total by %s", low)
	}
	last := s.Rows[len(s.Rows)-1]
	if last.Err == "" || !strings.Contains(last.Err, "no such thing") {
		t.Errorf("a failing factor gives %+v, want its error", last)
	}
	if moving := s.Moving(); moving[len(moving)-1].Factor.Name != "casse" {
		t.Errorf("the failing factor is not listed last")
	}
	if _, err := engine.Analyse(ctx, m, engine.Options{From: 1990, To: 1990}, nil); err == nil {
		t.Errorf("a run outside the years did not fail")
	}
}

func TestUncertaintyQuantile(t *testing.T) {
	for _, c := range []struct {
		u        engine.Uncertainty
		p10, p90 string
	}{
		{engine.Uncertainty{Dist: engine.Uniform, Low: 0.5, High: 1.2}, "0.57", "1.13"},
		{engine.Uncertainty{Dist: engine.Normal, Mean: 1, SD: 0.25}, "0.6796", "1.3204"},
		{engine.Uncertainty{Dist: engine.Triangular, Low: 1, Mode: 1, High: 1}, "1", "1"},
		{engine.Uncertainty{Dist: engine.Triangular, Low: 0.9, Mode: 1, High: 1.6}, "0.9837", "1.3951"},
		{engine.Uncertainty{Dist: engine.PERT, Low: 0.8, Mode: 1, High: 1.5}, "", ""},
		{engine.Uncertainty{Dist: engine.LogNormal, Mean: 0, SD: 0}, "1", "1"},
	} {
		lo, hi := c.u.Quantile(0.1), c.u.Quantile(0.9)
		if c.p10 == "" {
			if !lo.LessThan(hi) || lo.LessThan(decimal.RequireFromString("0.8")) || hi.GreaterThan(decimal.RequireFromString("1.5")) {
				t.Errorf("%+v: P10 %s, P90 %s", c.u, lo, hi)
			}
			continue
		}
		if !lo.Equal(decimal.RequireFromString(c.p10)) || !hi.Equal(decimal.RequireFromString(c.p90)) {
			t.Errorf("%+v: P10 %s, P90 %s; want %s, %s", c.u, lo, hi, c.p10, c.p90)
		}
	}
}
