package engine_test

import (
	"testing"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/formula"
	"github.com/quotepart/quotepart/rules"
	"github.com/shopspring/decimal"
)

// A formula outside the rules (here the discount rate of project
// requests) that fails at run time is reported at the operator that
// failed, in its file; an engine.Formula without At keeps the start.
func TestFormulaErrorAtOperator(t *testing.T) {
	const src = "rules:\n  taux:\n    expr: 0.04 +\n      1 / zero\n"
	f, err := rules.DecodeFile("eval.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	rate, err := rules.CompileExpr(f.Rules.Entries[0].Value.Expr, formula.Decls{"zero": formula.Number}, "the discount rate")
	if err != nil {
		t.Fatal(err)
	}
	env := func(int) (map[string]any, error) { return map[string]any{"zero": decimal.Zero}, nil }
	_, err = engine.Valuation{BaseYear: 2027, DiscountRate: rate}.Rate(env)
	e, ok := err.(*diag.Error)
	if !ok {
		t.Fatalf("error %v, want a *diag.Error", err)
	}
	want := "eval.yaml:4:9: the discount rate, year 2027: division by zero\n" +
		"    4 |       1 / zero\n" +
		"      |         ^"
	if got := e.Detail(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}

	rate.At = nil
	_, err = engine.Valuation{BaseYear: 2027, DiscountRate: rate}.Rate(env)
	if e, ok := err.(*diag.Error); !ok || e.Pos != rate.Pos {
		t.Errorf("without At: error %v, want it at %s", err, rate.Pos)
	}
}
