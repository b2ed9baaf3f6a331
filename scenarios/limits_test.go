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
