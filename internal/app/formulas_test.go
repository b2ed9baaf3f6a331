package app

import (
	"context"
	"testing"

	"github.com/quotepart/quotepart/engine"
)

// Every build on a workspace compiles in the workspace's environment: a
// scenario built twice reads the same compiled programs, and its project
// requests compile there too.
func TestWorkspaceSharesFormulas(t *testing.T) {
	ctx := context.Background()
	ws, err := OpenDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if ws.Formulas == nil {
		t.Fatal("the workspace has no environment of formulas")
	}
	first := ws.Rules.Model.Rules[0].Versions[0].Expr
	if first.Program.Env() != ws.Formulas {
		t.Fatal("the rules compiled outside the workspace's environment")
	}
	j1, err := ws.Job(ctx, "sdsi-2027-2030")
	if err != nil {
		t.Fatal(err)
	}
	j2, err := ws.Job(ctx, "sdsi-2027-2030")
	if err != nil {
		t.Fatal(err)
	}
	programs := func(m *engine.Model) []*engine.Formula {
		var fs []*engine.Formula
		for _, r := range m.Rules {
			for _, v := range r.Versions {
				if v.Expr != nil {
					fs = append(fs, v.Expr)
				}
			}
		}
		for _, p := range m.Pools {
			fs = append(fs, p.Amount)
		}
		return fs
	}
	p1, p2 := programs(j1.Model()), programs(j2.Model())
	if len(p1) == 0 || len(p1) != len(p2) {
		t.Fatalf("%d and %d formulas", len(p1), len(p2))
	}
	for i := range p1 {
		if p1[i].Program.Env() != ws.Formulas {
			t.Errorf("%s: compiled outside the workspace's environment", p1[i].Program.Source())
		}
		if p1[i].Program != p2[i].Program {
			t.Errorf("%s: compiled again on the second build", p1[i].Program.Source())
		}
	}
	a, err := ws.Assess(ctx, j1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Compiled.Valuation.DiscountRate.Program.Env(); got != ws.Formulas {
		t.Error("the project requests compiled outside the workspace's environment")
	}
}
