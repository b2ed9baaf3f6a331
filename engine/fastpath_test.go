package engine_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/quotepart/quotepart/engine"
	"github.com/shopspring/decimal"
)

// The formulas bound to closures give exactly the results of expr's VM:
// same values, same exponents, same traces, on the default rules over all
// their years and on the Rouen federation of the scale benchmarks.
func TestFastPathAgreesWithVM(t *testing.T) {
	def := loadDefaults(t)
	models := map[string]*engine.Model{
		"defaults": def,
		"rouen":    rouenInput(t).model(compileScaleRules(t)),
	}
	opts := map[string]engine.Options{"defaults": {From: def.FirstYear, To: def.LastYear}}
	for name, m := range models {
		run := func(fast bool) *engine.Result {
			was := engine.SetFastPath(fast)
			defer engine.SetFastPath(was)
			res, err := engine.Run(context.Background(), m, opts[name])
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return res
		}
		if fast, vm := run(true), run(false); !reflect.DeepEqual(fast, vm) {
			t.Errorf("%s: the fast path and the VM give different results", name)
		}
	}
}

// The sums of combine and Allocate give exactly what decimal.Add gives:
// the same value and the same exponent.
func TestDecimalHelpers(t *testing.T) {
	dec := decimal.RequireFromString
	values := []decimal.Decimal{decimal.Zero, decimal.New(0, 0), decimal.New(0, -22), dec("1"), dec("-2.5"),
		dec("0.00000000000000000001"), dec("12345.67"), decimal.New(3, 4), decimal.New(-7, 2), dec("1e-40")}
	for _, x := range values {
		for _, y := range values {
			want := x.Add(y)
			for name, got := range map[string]decimal.Decimal{"add": engine.Add(x, y), "accumulate": engine.Accumulate(x, y)} {
				if !got.Equal(want) || got.Exponent() != want.Exponent() {
					t.Errorf("%s(%s (exp %d), %s (exp %d)) = %s (exp %d), want %s (exp %d)", name, x, x.Exponent(), y, y.Exponent(),
						got, got.Exponent(), want, want.Exponent())
				}
			}
		}
		if z := decimal.Zero.Mul(x); engine.ZeroAt(1+x.Exponent()).Exponent() != z.Exponent() {
			t.Errorf("zeroAt(%d): exponent %d, want %d", 1+x.Exponent(), engine.ZeroAt(1+x.Exponent()).Exponent(), z.Exponent())
		}
	}
}
