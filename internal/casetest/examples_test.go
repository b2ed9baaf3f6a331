package casetest_test

import (
	"context"
	"testing"

	"github.com/quotepart/quotepart/internal/app"
	"github.com/quotepart/quotepart/internal/casetest"
)

// TestShippedExamples checks the real examples shipped beside the Rouen
// defaults as CI checks them: check --strict finds nothing (rules, actual
// figures, scenarios), and every test case written beside the rules passes.
func TestShippedExamples(t *testing.T) {
	for _, ex := range []struct{ rules, scenarios string }{
		{"../../rules/grand-pic-saint-loup", "../../scenarios/grand-pic-saint-loup"},
	} {
		t.Run(ex.rules, func(t *testing.T) {
			ctx := context.Background()
			folders := app.Folders{Rules: ex.rules, Scenarios: ex.scenarios}
			c := app.Check(ctx, folders, nil, app.CheckOptions{Strict: true, StaleYears: app.DefaultStaleYears})
			for _, target := range c.Targets {
				for _, e := range target.Errors {
					t.Errorf("check --strict: %s: %v", target.Name, e)
				}
				for _, w := range target.Warnings {
					t.Errorf("check --strict: %s: %v", target.Name, w.Error)
				}
			}
			if !c.OK() {
				t.Error("check --strict fails")
			}
			if len(c.Targets) < 3 {
				t.Errorf("check covered %d targets: the rules, their actual figures and the scenarios expected", len(c.Targets))
			}
			r, err := casetest.RunPaths(ctx, nil, folders, casetest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			passed, failed, errored := r.Counts()
			if !r.OK() || passed < 8 {
				t.Errorf("test cases: %d passed, %d failed, %d in error", passed, failed, errored)
			}
		})
	}
}
