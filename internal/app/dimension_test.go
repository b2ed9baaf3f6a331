package app

import (
	"context"
	"os"
	"testing"

	"github.com/quotepart/quotepart/engine"
	"github.com/shopspring/decimal"
)

// openSocial loads testdata/social: a request weighed in a fourth
// dimension its projects folder declares, persons served, worth 3 EUR each.
func openSocial(t *testing.T) *Workspace {
	t.Helper()
	ws, err := Load(Source{FS: os.DirFS("testdata/social/regles"), Dir: ".", Display: "regles"},
		&Source{FS: os.DirFS("testdata/social/scenarios"), Dir: ".", Display: "scenarios"})
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

// A declared dimension is carried through the evaluation, the monetized
// value and the Monte Carlo spread, with no code of its own.
func TestDeclaredDimension(t *testing.T) {
	ws := openSocial(t)
	ev, err := ws.Evaluate(context.Background(), EvaluateOptions{Simulation: Simulation{Draws: 200, Seed: 1}})
	if err != nil {
		t.Fatal(err)
	}
	dims := ev.Portfolio.Figures.Dimensions
	if len(dims) != 4 || dims[3].Dimension.ID != "social" || dims[3].Dimension.Unit != "personnes" {
		t.Fatalf("dimensions %+v, want the three standard ones then social", dims)
	}
	social := dims[3]
	if !social.TotalNet.Equal(dec("500")) || social.Dimension.Valued != engine.ByPrice {
		t.Errorf("social net %s valued %d, want 500 valued by price", social.TotalNet, social.Dimension.Valued)
	}
	// -1 000 EUR of effort, 500 persons at 3 EUR: the NPV is the money
	// alone, the monetized value adds the persons.
	if f := ev.Portfolio.Figures; !f.NPV.Equal(dec("-1000")) || !f.Monetized.Equal(dec("500")) {
		t.Errorf("NPV %s, monetized %s; want -1000 and 500", f.NPV, f.Monetized)
	}
	// No uncertainty: every draw gives the figures themselves.
	sp := ev.Portfolio.Spread
	if sp == nil || len(sp.Net) != 4 || sp.Net[3].P50 != 500 || sp.Monetized.P50 != 500 {
		t.Fatalf("spread %+v, want four nets, social and monetized at 500", sp)
	}
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }
