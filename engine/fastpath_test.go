package engine_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/quotepart/quotepart/engine"
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
