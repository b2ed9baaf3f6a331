package actuals_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
	"github.com/quotepart/quotepart/rules/actuals"
)

// service is a service billed per use: a pool shared by the units of
// acts each commune used, weighted, and staff counted in ETC.
const service = `service:
  id: ads
  title: Instruction ADS
  manager: cc
  start: 2025-01-01
  years: {from: 2025, to: 2027}
members:
  - {id: cc, label: Communauté}
  - {id: a, label: Commune A}
  - {id: b, label: Commune B, joined: 2026-01-01}
parameters:
  etc:
    description: Instructeurs.
    unit: ETC
    values: {2025-01-01: 3, 2027-01-01: 4}
    assumption: Essai.
  cout_etc:
    description: Coût d'un ETC.
    unit: EUR
    value: 50000
    assumption: Essai.
  pc:
    description: Permis de construire instruits.
    unit: actes
    assumption: Essai.
    by_member:
      cc: 0
      a: {2025-01-01: 100, 2027-01-01: 120}
      b: 50
rules:
  cout:
    expr: etc * cout_etc
  total_pc:
    expr: sum(pc_utiles)
  pc_utiles:
    per_member: true
    expr: pc
  cle:
    per_member: true
    expr: "total_pc == 0 ? 0 : pc / total_pc"
  cle_ref:
    per_member: true
    by_member:
      cc: "total_pc == 0 ? 1 : 0"
    expr: "total_pc == 0 ? 0 : pc / total_pc"
pools:
  instruction:
    label: Instruction
    amount: cout
    key: cle_ref
`

const good = `actuals:
  year: 2026
  title: Compte administratif 2026
  source: CA 2026
pools:
  instruction:
    amount: 161234.56
parameters:
  etc:
    value: 3.2
  pc:
    by_member: {cc: 0, a: 110, b: 40}
`

func load(t *testing.T, data map[string]string) (*actuals.Catalog, error) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, text := range data {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return actuals.LoadDir(fsys, ".", "comptes")
}

func base(t *testing.T) *rules.Set {
	t.Helper()
	set, err := rules.Load(fstest.MapFS{"service.yaml": {Data: []byte(service)}}, ".", "regles")
	if err != nil {
		t.Fatal(diag.Flatten(err).Detail())
	}
	return set
}

func run(t *testing.T, set *rules.Set, c *actuals.Catalog) (*engine.Result, *actuals.Applied) {
	t.Helper()
	a, err := actuals.Apply(set.Files, c.All())
	if err != nil {
		t.Fatal(diag.Flatten(err).Detail())
	}
	built, err := rules.BuildDecoded(a.Files, nil)
	if err != nil {
		t.Fatal(diag.Flatten(err).Detail())
	}
	a.SetPools(built.Model)
	res, err := engine.Run(context.Background(), built.Model, engine.Options{From: 2025, To: 2027})
	if err != nil {
		t.Fatal(diag.Flatten(err).Detail())
	}
	return res, a
}

func value(y engine.Year, name, member string) string {
	if member == "" {
		return y.Segments[0].Values[name].String()
	}
	return y.Segments[0].MemberValues[member][name].String()
}

// TestApply checks that the actual figures replace the budget's for their
// year only: the pool's amount, a staff count, each member's units.
func TestApply(t *testing.T) {
	set := base(t)
	c, err := load(t, map[string]string{"2026.yaml": good})
	if err != nil {
		t.Fatal(err)
	}
	res, a := run(t, set, c)
	y25, y26, y27 := res.Years[0], res.Years[1], res.Years[2]
	if got := y26.Pools[0].Amount.StringFixed(2); got != "161234.56" {
		t.Errorf("2026 pool amount %s", got)
	}
	if got := y25.Pools[0].Amount.StringFixed(2); got != "150000.00" {
		t.Errorf("2025 pool amount %s (the budget's)", got)
	}
	for _, c := range []struct {
		year               engine.Year
		name, member, want string
	}{
		{y25, "etc", "", "3"}, {y26, "etc", "", "3.2"}, {y27, "etc", "", "4"},
		{y25, "pc", "a", "100"}, {y26, "pc", "a", "110"}, {y27, "pc", "a", "120"},
		{y26, "pc", "b", "40"}, {y27, "pc", "b", "50"},
	} {
		if got := value(c.year, c.name, c.member); got != c.want {
			t.Errorf("%d %s %s = %s, want %s", c.year.Year, c.name, c.member, got, c.want)
		}
	}
	// The key follows the actual units: a has 110 of 150.
	for _, m := range y26.Members {
		if m.ID == "a" && m.Amount.StringFixed(2) != "118238.68" {
			t.Errorf("a's 2026 amount %s, want 161234.56 × 110/150 = 118238.68", m.Amount)
		}
	}
	if len(a.Warnings) != 0 {
		t.Errorf("warnings: %v", a.Warnings)
	}
	if a.Figures(2026) == nil || a.Figures(2025) != nil {
		t.Error("Figures")
	}
}

func TestPoolWithoutActualKeepsItsBudget(t *testing.T) {
	c, err := load(t, map[string]string{"2026.yaml": "actuals: {year: 2026, title: CA, source: CA}\n"})
	if err != nil {
		t.Fatal(err)
	}
	_, a := run(t, base(t), c)
	if len(a.Warnings) != 1 || !strings.Contains(a.Warnings[0].Msg, "no actual amount for pool instruction") {
		t.Errorf("warnings %v", a.Warnings)
	}
}

// TestBad checks that each mistake of an actuals file is one error at its
// file:line:col, with its line.
func TestBad(t *testing.T) {
	for _, c := range []struct{ name, text, want string }{
		{"year outside the service", "actuals: {year: 2031, title: CA, source: CA}\n",
			"comptes/x.yaml:1:17: actual figures for 2031, outside the years of the service, 2025–2027"},
		{"unknown pool", "actuals: {year: 2026, title: CA, source: CA}\npools:\n  instrution: {amount: 1}\n",
			`comptes/x.yaml:3:3: "instrution" is not a pool of the rules (did you mean "instruction"?); the pools are: instruction`},
		{"negative units", "actuals: {year: 2026, title: CA, source: CA}\nparameters:\n  pc:\n    by_member: {cc: 0, a: -4, b: 1}\n",
			"comptes/x.yaml:4:27: parameter pc, member a: -4 actes is below the minimum 0"},
		{"negative staff", "actuals: {year: 2026, title: CA, source: CA}\nparameters:\n  etc: {value: -1}\n",
			"comptes/x.yaml:3:16: parameter etc: -1 ETC is below the minimum 0"},
		{"a member missing", "actuals: {year: 2026, title: CA, source: CA}\nparameters:\n  pc:\n    by_member: {cc: 0, a: 4}\n",
			"comptes/x.yaml:4:16: parameter pc: no actual value for b, a member in 2026"},
		{"not a member that year", "actuals: {year: 2025, title: CA, source: CA}\nparameters:\n  pc:\n    by_member: {cc: 0, a: 4, b: 2}\n",
			"comptes/x.yaml:4:30: parameter pc: b is not a member in 2025"},
		{"unknown parameter", "actuals: {year: 2026, title: CA, source: CA}\nparameters:\n  ect: {value: 3}\n",
			`comptes/x.yaml:3:3: "ect" is not a parameter of the rules (did you mean "etc"?)`},
		{"value for a per-member parameter", "actuals: {year: 2026, title: CA, source: CA}\nparameters:\n  pc: {value: 3}\n",
			"comptes/x.yaml:3:15: parameter pc is per member: give each member's actual value under by_member:"},
		{"by member for a parameter", "actuals: {year: 2026, title: CA, source: CA}\nparameters:\n  etc: {by_member: {a: 1}}\n",
			"comptes/x.yaml:3:20: parameter etc is not per member: give its actual value under value:"},
		{"issued to a stranger", "actuals: {year: 2026, title: CA, source: CA}\nissued:\n  z: [{date: 2026-03-31, amount: 1}]\n",
			`comptes/x.yaml:3:3: instalments issued to "z", which is not a member`},
		{"no source", "actuals: {year: 2026, title: CA}\npools:\n  instruction: {amount: 1}\n",
			"comptes/x.yaml:3:3: pool instruction: say where the figure comes from (source:, or assumption: for an estimate), here or for the whole file under actuals:"},
		{"mills", "actuals: {year: 2026, title: CA, source: CA}\npools:\n  instruction: {amount: 1.005}\n",
			"comptes/x.yaml:3:25: pool instruction: 1.005 EUR has more than two decimals: an amount of the accounts is in cents"},
		{"unknown key", "actuals: {year: 2026, title: CA, source: CA}\npool:\n  instruction: {amount: 1}\n",
			`comptes/x.yaml:2:1: top level: unknown key "pool" (did you mean "pools"?); expected one of: actuals, pools, parameters, rules, issued`},
		{"no header", "pools:\n  instruction: {amount: 1}\n",
			`comptes/x.yaml:1:1: top level: missing key "actuals"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			cat, err := load(t, map[string]string{"x.yaml": c.text})
			if err == nil {
				_, err = actuals.Apply(base(t).Files, cat.All())
			}
			list := diag.Flatten(err)
			if len(list) != 1 {
				t.Fatalf("want one error, got %d: %v", len(list), err)
			}
			if got := list[0].Error(); !strings.HasPrefix(got, c.want) {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
			if list[0].Source == "" {
				t.Errorf("no source line for the caret")
			}
		})
	}
}

func TestYearTwice(t *testing.T) {
	_, err := load(t, map[string]string{"a.yaml": good, "b.yaml": good})
	if err == nil || !strings.Contains(err.Error(), "comptes/b.yaml:2:9: the actual figures of 2026 are given twice: first in comptes/a.yaml") {
		t.Errorf("got %v", err)
	}
}

// csvService reads each commune's units from a CSV file (a parameter with
// a member column, as quotepart init --key units writes it).
const csvService = `service:
  id: csv
  title: Par unité
  manager: cc
  start: 2026-01-01
  years: {from: 2026, to: 2027}
members:
  - {id: cc, label: Communauté}
  - {id: a, label: A}
  - {id: b, label: B}
parameters:
  unites:
    description: Unités d'œuvre.
    unit: unités
    csv: {file: donnees/unites.csv, column: unités, date: année, member: membre}
    assumption: Essai.
rules:
  total:
    expr: sum(unites)
  cle:
    per_member: true
    expr: unites / total
pools:
  p: {label: P, amount: 1000, key: cle}
`

// TestCSVUnits lays actual units on units read from a CSV file: they hold
// for their year only, and are checked like any per-member figure.
func TestCSVUnits(t *testing.T) {
	fsys := fstest.MapFS{
		"regles/service.yaml":       {Data: []byte(csvService)},
		"regles/donnees/unites.csv": {Data: []byte("membre;année;unités\ncc;2026;0\na;2026;1\nb;2026;3\n")},
	}
	set, err := rules.Load(fsys, "regles", "regles")
	if err != nil {
		t.Fatal(diag.Flatten(err).Detail())
	}
	c, err := load(t, map[string]string{"2026.yaml": "actuals: {year: 2026, title: CA, source: Registre}\nparameters:\n  unites:\n    by_member: {cc: 0, a: 2, b: 2}\n"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := actuals.Apply(set.Files, c.All())
	if err != nil {
		t.Fatal(diag.Flatten(err).Detail())
	}
	built, err := rules.BuildDecoded(a.Files, nil)
	if err != nil {
		t.Fatal(diag.Flatten(err).Detail())
	}
	res, err := engine.Run(context.Background(), built.Model, engine.Options{From: 2026, To: 2027})
	if err != nil {
		t.Fatal(diag.Flatten(err).Detail())
	}
	for _, c := range []struct {
		year engine.Year
		want string
	}{{res.Years[0], "2"}, {res.Years[1], "1"}} {
		if got := value(c.year, "unites", "a"); got != c.want {
			t.Errorf("%d: a has %s units, want %s", c.year.Year, got, c.want)
		}
	}
	negative, err := load(t, map[string]string{"x.yaml": "actuals: {year: 2026, title: CA, source: R}\nparameters:\n  unites: {by_member: {cc: 0, a: -2, b: 2}}\n"})
	if err == nil {
		_, err = actuals.Apply(set.Files, negative.All())
	}
	if err == nil || !strings.Contains(err.Error(), "comptes/x.yaml:3:34: parameter unites, member a: -2 unités is below the minimum 0") {
		t.Errorf("negative units: %v", err)
	}
}

// TestRuleFigure gives a global rule (a cost the rules compute from staff)
// its actual value: the pool that reads it follows, for that year only,
// with no warning; a per-member rule or an unknown one is an error.
func TestRuleFigure(t *testing.T) {
	c, err := load(t, map[string]string{"2026.yaml": "actuals: {year: 2026, title: CA, source: CA}\nrules:\n  cout: {value: 155000.5}\n"})
	if err != nil {
		t.Fatal(err)
	}
	res, a := run(t, base(t), c)
	if got := res.Years[1].Pools[0].Amount.StringFixed(2); got != "155000.50" {
		t.Errorf("2026 pool amount %s, want the actual cost", got)
	}
	if got := res.Years[2].Pools[0].Amount.StringFixed(2); got != "200000.00" {
		t.Errorf("2027 pool amount %s, want the budget's (4 ETC)", got)
	}
	if len(a.Warnings) != 0 {
		t.Errorf("warnings: %v", a.Warnings)
	}
	for text, want := range map[string]string{
		"actuals: {year: 2026, title: CA, source: CA}\nrules:\n  coute: {value: 1}\n": `comptes/x.yaml:3:3: "coute" is not a rule of the rules (did you mean "cout"?)`,
		"actuals: {year: 2026, title: CA, source: CA}\nrules:\n  cle: {value: 1}\n":   "comptes/x.yaml:3:3: rule cle is per member",
	} {
		cat, err := load(t, map[string]string{"x.yaml": text})
		if err == nil {
			_, err = actuals.Apply(base(t).Files, cat.All())
		}
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("got %v, want %s", err, want)
		}
	}
}
