package scenarios_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
	"github.com/quotepart/quotepart/scenarios"
	"github.com/shopspring/decimal"
)

// runDefaults applies every default scenario to the default rules and runs
// it over its years, as `quotepart run` does: through Build, which also
// bills the projects of a scenario that adopts a portfolio.
func runDefaults(tb testing.TB) map[string]outcome {
	tb.Helper()
	base, err := rules.LoadDefaults()
	if err != nil {
		tb.Fatalf("the default rules fail:\n%s", diag.Flatten(err).Detail())
	}
	cat, err := scenarios.LoadDir(scenarios.Defaults(), ".", scenarios.DefaultDir)
	if err != nil {
		tb.Fatalf("the default scenarios fail:\n%s", diag.Flatten(err).Detail())
	}
	projects, err := scenarios.LoadProjects(scenarios.Defaults(), scenarios.ProjectsDir, scenarios.DefaultDir+"/"+scenarios.ProjectsDir)
	if err != nil {
		tb.Fatalf("the default project requests fail:\n%s", diag.Flatten(err).Detail())
	}
	out := map[string]outcome{}
	for _, s := range cat.All() {
		var o outcome
		chain, err := cat.Chain(s)
		if err == nil {
			o.set, o.applied, err = scenarios.Build(context.Background(), base.Files, chain, projects)
		}
		if err == nil {
			o.res, err = engine.Run(context.Background(), o.set.Model, engine.Options{From: o.applied.From, To: o.applied.To})
		}
		if err != nil {
			tb.Fatalf("scenario %s fails:\n%s", s.ID, diag.Flatten(err).Detail())
		}
		out[s.ID] = o
	}
	return out
}

func TestDefaults(t *testing.T) {
	all := runDefaults(t)
	for _, id := range []string{"convention-2026", "sans-ccas", "evolution-etc", "nouveau-membre", "sdsi-2027-2030"} {
		o, ok := all[id]
		if !ok {
			t.Fatalf("no default scenario %s", id)
		}
		if o.applied.From != 2026 || o.applied.To != 2030 || len(o.res.Years) != 5 {
			t.Errorf("%s runs %d–%d (%d years), want 2026–2030", id, o.applied.From, o.applied.To, len(o.res.Years))
		}
	}

	t.Run("every year sums to its total", func(t *testing.T) {
		for id, o := range all {
			for _, y := range o.res.Years {
				sum, pools := decimal.Zero, decimal.Zero
				for _, m := range y.Members {
					sum = sum.Add(m.Amount)
				}
				for _, p := range y.Pools {
					pools = pools.Add(p.Amount).Add(p.Fees)
				}
				if !sum.Equal(y.Total) || !pools.Equal(y.Total) {
					t.Errorf("%s %d: members sum to %s, pools to %s, total %s", id, y.Year, sum, pools, y.Total)
				}
			}
		}
	})

	t.Run("sans-ccas", func(t *testing.T) {
		o := all["sans-ccas"]
		for _, m := range o.set.Model.Members {
			if m.ID == "ccas" {
				t.Error("the CCAS is a member of the model")
			}
		}
		for y := 2026; y <= 2030; y++ {
			if member(t, o.res, y, "ccas") != nil {
				t.Errorf("the CCAS is billed in %d", y)
			}
			equal(t, fmt.Sprint("Ville's key in ", y), member(t, o.res, y, "ville").Share, dec("0.4668"))
			equal(t, fmt.Sprint("Métropole's key in ", y), member(t, o.res, y, "metropole").Share, dec("0.5332"))
		}
	})

	t.Run("evolution-etc", func(t *testing.T) {
		o, ref := all["evolution-etc"], all["convention-2026"]
		equal(t, "payroll 2026", pool(t, o.res, 2026, "masse_salariale").Amount, pool(t, ref.res, 2026, "masse_salariale").Amount)
		// From 2027: 96.5 ETC instead of 94.5 at the same cost per ETC.
		ratio := dec("96.5").DivRound(dec("94.5"), 30)
		// Both amounts are rounded to the cent: the scenario's by half a
		// cent, the baseline's by half a cent times the ratio.
		tolerance := dec("0.005").Mul(ratio.Add(decimal.NewFromInt(1)))
		for y := 2027; y <= 2030; y++ {
			equal(t, fmt.Sprint("etc_service in ", y), valueIn(t, o.res, y, 6, "etc_service"), dec("96.5"))
			equal(t, fmt.Sprint("baseline etc_service in ", y), valueIn(t, ref.res, y, 6, "etc_service"), dec("94.5"))
			got, base := pool(t, o.res, y, "masse_salariale").Amount, pool(t, ref.res, y, "masse_salariale").Amount
			if d := got.Sub(base.Mul(ratio)).Abs(); d.GreaterThan(tolerance) {
				t.Errorf("payroll %d: %s, want %s × 96.5 / 94.5 = %s (off by %s)", y, got, base, base.Mul(ratio).StringFixed(4), d)
			}
			if !got.GreaterThan(base) {
				t.Errorf("payroll %d: %s, not above the baseline's %s", y, got, base)
			}
		}
		for y := 2026; y <= 2030; y++ {
			for _, id := range []string{"metropole", "ville", "ccas"} {
				equal(t, fmt.Sprintf("%s's key in %d", id, y), member(t, o.res, y, id).Share, member(t, ref.res, y, id).Share)
			}
		}
	})

	t.Run("nouveau-membre", func(t *testing.T) {
		o := all["nouveau-membre"]
		// Darnétal at the Ville's rate per inhabitant: 46.68 % for 117,853
		// inhabitants, Darnétal 9,727 (populations of the Etalab extract).
		want := dec("0.4668").Mul(dec("9727")).DivRound(dec("117853"), 30).Round(4)
		if !want.Equal(dec("0.0385")) {
			t.Fatalf("the test's own figure is off: %s", want)
		}
		for y := 2026; y <= 2030; y++ {
			d := member(t, o.res, y, "darnetal")
			if y < 2028 {
				if d != nil {
					t.Errorf("Darnétal is billed in %d, before it joins", y)
				}
			} else if d == nil {
				t.Errorf("Darnétal is not billed in %d", y)
			} else {
				equal(t, fmt.Sprint("Darnétal's key in ", y), d.Share, want)
			}
			sum := decimal.Zero
			for _, m := range year(t, o.res, y).Members {
				sum = sum.Add(m.Share)
			}
			equal(t, fmt.Sprint("sum of the keys in ", y), sum, decimal.NewFromInt(1))
		}
		// The other members give up Darnétal's share in proportion.
		ref := all["convention-2026"]
		for _, id := range []string{"metropole", "ccas"} {
			equal(t, id+"'s key in 2028", member(t, o.res, 2028, id).Share,
				member(t, ref.res, 2028, id).Share.Mul(decimal.NewFromInt(1).Sub(want)))
		}
	})
}

// TestDefaultsByHand pins the baseline's 2026 figures to the deliberation:
// the keys 53.32 %, 46.20 %, 0.48 %, and a payroll of 94.5 ETC at the
// assumed 44,100 EUR.
func TestDefaultsByHand(t *testing.T) {
	o := runDefaults(t)["convention-2026"]
	for id, want := range map[string]string{"metropole": "0.5332", "ville": "0.462", "ccas": "0.0048"} {
		equal(t, id+"'s key in 2026", member(t, o.res, 2026, id).Share, dec(want))
	}
	equal(t, "payroll 2026", pool(t, o.res, 2026, "masse_salariale").Amount, dec("94.5").Mul(dec("44100")))
}
