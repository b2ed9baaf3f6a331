package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/quotepart/quotepart/engine"
	"github.com/shopspring/decimal"
)

func diffResult(amounts map[string]string) *engine.Result {
	y := engine.Year{Year: 2026}
	for _, id := range []string{"a", "b", "c"} {
		v, ok := amounts[id]
		if !ok {
			continue
		}
		d := decimal.RequireFromString(v)
		y.Members = append(y.Members, engine.MemberYear{ID: id, Label: strings.ToUpper(id), Manager: id == "a", Amount: d, Billed: d})
	}
	return &engine.Result{ID: "s", Title: "S", Years: []engine.Year{y}}
}

func decPtr(s string) *decimal.Decimal {
	d := decimal.RequireFromString(s)
	return &d
}

func TestRuleDiffGates(t *testing.T) {
	before := diffResult(map[string]string{"a": "600", "b": "400"})
	after := diffResult(map[string]string{"a": "590", "b": "400", "c": "10"})
	cases := []struct {
		gate Gate
		want []string // members past the gate
	}{
		{Gate{}, nil},
		{Gate{Amount: decPtr("10")}, nil},
		{Gate{Amount: decPtr("9.99")}, []string{"a", "c"}},
		{Gate{Pct: decPtr("1.67")}, []string{"c"}}, // a moved 1.67 %; c has no percentage
		{Gate{Pct: decPtr("1.66")}, []string{"a", "c"}},
	}
	for _, c := range cases {
		d := &RuleDiff{Before: "old", After: "new", Gate: c.gate, Scenarios: []RuleDiffScenario{CompareRules("s", "S", before, after, c.gate)}}
		var got []string
		for _, r := range d.Exceeded() {
			got = append(got, r.Member)
		}
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("gate %+v: exceeded by %v, want %v", c.gate, got, c.want)
		}
	}
	s := CompareRules("s", "S", before, after, Gate{})
	if n := len(s.Changes()); n != 2 {
		t.Errorf("%d changes, want 2 (a and the new member c)", n)
	}
	if !s.Rows[0].Manager || s.Rows[1].Manager {
		t.Errorf("manager flags: %+v", s.Rows)
	}
}

func TestRuleDiffRenderIsStable(t *testing.T) {
	d := &RuleDiff{Before: "HEAD~1:regles", After: "regles", Gate: Gate{Amount: decPtr("5")},
		Scenarios: []RuleDiffScenario{CompareRules("s", "S | x", diffResult(map[string]string{"a": "600", "b": "400"}), diffResult(map[string]string{"a": "590", "b": "410"}), Gate{Amount: decPtr("5")}), {ID: "t", Title: "T", Skipped: "t.yaml:3:5: unknown"}}}
	for _, f := range DiffOutput.Formats() {
		var one, two bytes.Buffer
		if err := DiffOutput.Render(&one, f, French, d); err != nil {
			t.Fatal(err)
		}
		_ = DiffOutput.Render(&two, f, French, d)
		if !bytes.Equal(one.Bytes(), two.Bytes()) {
			t.Errorf("%s: two renderings differ", f)
		}
		if f == "md" && !strings.Contains(one.String(), `#### S \| x (s)`) {
			t.Errorf("markdown does not escape the title:\n%s", one.String())
		}
	}
	if err := DiffOutput.Render(&bytes.Buffer{}, "pdf", French, d); err == nil {
		t.Error("pdf accepted")
	}
}
