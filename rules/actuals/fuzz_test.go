package actuals_test

import (
	"context"
	"errors"
	"testing"
	"testing/fstest"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
	"github.com/quotepart/quotepart/rules/actuals"
)

// FuzzActuals feeds arbitrary bytes to the actuals loader and, when they
// load, lays them on a rule set billed per use and runs it: nothing may
// panic, and every error is a positioned diagnostic that is not internal.
func FuzzActuals(f *testing.F) {
	for _, seed := range []string{good,
		"actuals: {year: 2026, title: CA, source: CA}\nissued:\n  a: [{date: 2026-03-31, amount: 1.5, reference: T}]\n",
		"actuals: {year: 2026, title: CA, assumption: x}\nparameters:\n  pc: {by_member: {cc: 0, a: 1e3, b: 0.5}}\n",
		"actuals: {year: 1, title: CA, source: CA}\npools: {instruction: {amount: -1}}\n",
		"{}", "actuals: &a {year: 2026, title: *a}\n",
	} {
		f.Add([]byte(seed))
	}
	set, err := rules.Load(fstest.MapFS{"service.yaml": {Data: []byte(service)}}, ".", "regles")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := actuals.LoadDir(fstest.MapFS{"2026.yaml": {Data: data}}, ".", "comptes")
		if err == nil {
			var a *actuals.Applied
			if a, err = actuals.Apply(set.Files, c.All()); err == nil {
				var built *rules.Set
				if built, err = rules.BuildDecoded(a.Files, nil); err == nil {
					a.SetPools(built.Model)
					_, err = engine.Run(context.Background(), built.Model, engine.Options{From: 2025, To: 2027})
				}
			}
		}
		for _, e := range diag.Flatten(err) {
			var de *diag.Error
			if !errors.As(e, &de) || de.Code == diag.Internal {
				t.Fatalf("not a user error: %v", e)
			}
		}
	})
}
