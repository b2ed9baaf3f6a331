package scenarios_test

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
	"github.com/quotepart/quotepart/scenarios"
)

func TestScenarioYearSpanLimit(t *testing.T) {
	_, err := scenarios.NewCatalog().Add("s.yaml", []byte("scenario:\n  id: loin\n  title: Loin\n  years: {from: 2026, to: 999999}\n"))
	var e *diag.Error
	if errs := diag.Flatten(err); len(errs) == 1 {
		e = errs[0]
	}
	if e == nil || e.Code != diag.Limit || e.Error() != "s.yaml:4:27: scenario loin: years 2026–999999: 997,974 years, beyond the limit of 200 years a rule set may cover" {
		t.Errorf("got %v", err)
	}
}

func TestProjectLimits(t *testing.T) {
	eval := "evaluation:\n  years: {from: 2026, to: 999999}\n  base_year: 2026\n  discount_rate: '0.04'\n  etc_cost: '1'\n  carbon_value: '0'\n"
	_, err := scenarios.LoadProjects(fstest.MapFS{"p/evaluation.yaml": {Data: []byte(eval)}}, "p", "p")
	if errs := diag.Flatten(err); len(errs) != 1 || errs[0].Code != diag.Limit || !strings.HasSuffix(errs[0].Error(), "evaluation: years 2026–999999: 997,974 years, beyond the limit of 200 years a rule set may cover") {
		t.Errorf("evaluation years: %v", err)
	}
	// Expressions: a line with more years than the limit of expressions.
	var b strings.Builder
	b.WriteString("project: {id: p, title: P, requested_by: [a], category: c, years: {from: 2026, to: 2026}}\nlines:\n  - label: L\n    dimension: financial\n    side: effort\n    values: {")
	for i := range rules.MaxFormulas + 1 {
		fmt.Fprintf(&b, "%d: 1, ", i)
	}
	b.WriteString("}\n")
	_, err = scenarios.LoadProjects(fstest.MapFS{"p/p.yaml": {Data: []byte(b.String())}}, "p", "p")
	if errs := diag.Flatten(err); len(errs) != 1 || errs[0].Code != diag.Limit || errs[0].Error() != "p/p.yaml:3:12: too many expressions among the project requests: more than 50,000, the limit of expressions in a rule set" {
		t.Errorf("expressions: %v", err)
	}
}

// TestTOMLScenario: a scenario file in TOML adds to the rules, and an
// error in what it adds points at its line, with that line for the caret
// (TOML breaks lines at \n only).
func TestTOMLScenario(t *testing.T) {
	text := `[scenario]
id = "plus"
title = "Plus"

[add.parameters.Bonus]
description = "Un bonus, sur deux lignes (U+2028: a line break in YAML, not in TOML)."
unit = "EUR"
value = 0.1
source = "Test."

min = 1

[add.rules.bonus_total]
expr = "Bonus * 10"
`
	cat := catalog(t, "plus.toml", text)
	s, err := cat.Get("plus")
	if err != nil {
		t.Fatal(err)
	}
	_, err = pipeline(t, cat, s, loadBase(t).Files, 2024, 2030)
	errs := diag.Flatten(err)
	if len(errs) != 1 || errs[0].Pos.String() != "plus.toml:8:9" || errs[0].Source != `value = 0.1` {
		t.Fatalf("got %v (source %q)", err, func() string {
			if len(errs) > 0 {
				return errs[0].Source
			}
			return ""
		}())
	}
	// Without the mistake, Bonus (its case kept) adds exactly 1.
	cat = catalog(t, "plus.toml", strings.Replace(text, "min = 1\n", "", 1))
	s, _ = cat.Get("plus")
	out, err := pipeline(t, cat, s, loadBase(t).Files, 2024, 2030)
	if err != nil {
		t.Fatal(diag.Flatten(err).Detail())
	}
	if p := out.set.Model.Params; p[len(p)-1].Name != "Bonus" || p[len(p)-1].Values[0].Value.String() != "0.1" {
		t.Errorf("the parameter: %+v", p[len(p)-1])
	}
}
