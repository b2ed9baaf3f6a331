package rules_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
)

// A formula that fails at run time is reported at the operator that
// failed, in the file, even when the expression spans several lines of a
// YAML scalar: here the / on the expression's second line, file line 14.
func TestRuntimeErrorAtOperator(t *testing.T) {
	const file = `service: {id: s, title: S, manager: a, start: 2026-01-01, years: {from: 2026, to: 2026}}
members:
  - {id: a, label: A}
  - {id: b, label: B}
parameters:
  zero: {description: zero, unit: part, value: 0, assumption: for the test}
rules:
  key:
    per_member: true
    by_member: {a: 1 - share, b: share}
  share:
    expr: |
      min(1,
        1 / zero)
pools:
  costs: {label: Costs, amount: 100, key: key}
`
	set, err := rules.Load(fstest.MapFS{"regles.yaml": {Data: []byte(file)}}, ".", "regles")
	if err != nil {
		t.Fatal(err)
	}
	_, err = engine.Run(context.Background(), set.Model, engine.Options{})
	list := diag.Flatten(err)
	if len(list) != 1 {
		t.Fatalf("errors %v, want one", err)
	}
	e := list[0]
	if e.Pos.File != "regles/regles.yaml" || e.Pos.Line != 14 || e.Pos.Col != 11 {
		t.Errorf("error at %s, want regles/regles.yaml:14:11, the /", e.Pos)
	}
	if e.Msg != "rule share, year 2026: division by zero" {
		t.Errorf("message %q", e.Msg)
	}
	want := "regles/regles.yaml:14:11: rule share, year 2026: division by zero\n" +
		"   14 |         1 / zero)\n" +
		"      |           ^"
	if got := e.Detail(); got != want {
		t.Errorf("detail:\n%s\nwant:\n%s", got, want)
	}
	if caret, line := strings.Split(e.Detail(), "\n")[2], strings.Split(e.Detail(), "\n")[1]; line[strings.Index(caret, "^")] != '/' {
		t.Errorf("the caret is not under the /:\n%s\n%s", line, caret)
	}
}
