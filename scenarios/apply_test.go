package scenarios_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
	"github.com/quotepart/quotepart/scenarios"
	"github.com/shopspring/decimal"
)

// The expected values below are worked out by hand from
// testdata/base/regles.yaml (its header comment sums them up), never
// computed with the code under test.

func TestParameterOverrideFromDate(t *testing.T) {
	out := applyText(t, "s.yaml", `
scenario:
  id: s
  title: Coût en hausse
parameters:
  cout_etc:
    values:
      2029-01-01: 60000
      2027-01-01: 50000
    source: Budget 2027.
    assumption: Hausse supposée.
`)
	m := out.set.Model
	// Values before 2027 are kept, the 2028 value is replaced, the new
	// values come in date order.
	if got, want := dated(t, m, "cout_etc"), "2024-01-01=40000 2026-01-01=42000 2027-01-01=50000 2029-01-01=60000"; got != want {
		t.Errorf("cout_etc = %s, want %s", got, want)
	}
	// etc_service is 13 in 2026–2027, 16 from 2028.
	equal(t, "masse salariale 2026", pool(t, out.res, 2026, "masse_salariale").Amount, dec("546000"))
	equal(t, "masse salariale 2027", pool(t, out.res, 2027, "masse_salariale").Amount, dec("650000"))
	equal(t, "masse salariale 2028", pool(t, out.res, 2028, "masse_salariale").Amount, dec("800000"))
	equal(t, "masse salariale 2029", pool(t, out.res, 2029, "masse_salariale").Amount, dec("960000"))
	for _, p := range m.Params {
		if p.Name != "cout_etc" {
			continue
		}
		if p.Source != "Scénario s : Budget 2027." {
			t.Errorf("source = %q, want the scenario's source", p.Source)
		}
		if p.Assumption != "Test. Scénario s : Hausse supposée." {
			t.Errorf("assumption = %q, want the rules' assumption then the scenario's", p.Assumption)
		}
	}
}

func TestParameterOverrideValueReplacesAll(t *testing.T) {
	out := applyText(t, "s.yaml", `
scenario:
  id: s
  title: Coût constant
parameters:
  cout_etc:
    value: 45000
`)
	if got, want := dated(t, out.set.Model, "cout_etc"), "2024-01-01=45000"; got != want {
		t.Errorf("cout_etc = %s, want %s", got, want)
	}
	equal(t, "masse salariale 2024", pool(t, out.res, 2024, "masse_salariale").Amount, dec("450000"))
	equal(t, "masse salariale 2030", pool(t, out.res, 2030, "masse_salariale").Amount, dec("720000"))
}

func TestRuleOverrideFromDate(t *testing.T) {
	out := applyText(t, "s.yaml", `
scenario:
  id: s
  title: Indexation forte
rules:
  indexation:
    from: 2027-01-01
    expr: "1.10"
`)
	m := out.set.Model
	// The 2028 version is dropped; 2024 and 2026 are kept.
	if got, want := versionDates(t, m, "indexation"), "2024-01-01 2026-01-01 2027-01-01"; got != want {
		t.Errorf("versions of indexation from %s, want %s", got, want)
	}
	for y, want := range map[int]string{2025: "1", 2026: "1.02", 2027: "1.10", 2028: "1.10", 2030: "1.10"} {
		equal(t, fmt.Sprint("indexation ", y), valueIn(t, out.res, y, time.June, "indexation"), dec(want))
	}
	equal(t, "logiciels 2026", pool(t, out.res, 2026, "logiciels").Amount, dec("10200"))
	equal(t, "logiciels 2029", pool(t, out.res, 2029, "logiciels").Amount, dec("11000"))
}

func TestRuleOverrideOnVersionDate(t *testing.T) {
	out := applyText(t, "s.yaml", `
scenario:
  id: s
  title: Indexation 2026 révisée
rules:
  indexation:
    from: 2026-01-01
    expr: "1.01"
`)
	if got, want := versionDates(t, out.set.Model, "indexation"), "2024-01-01 2026-01-01"; got != want {
		t.Errorf("versions of indexation from %s, want %s", got, want)
	}
	equal(t, "indexation 2026", valueIn(t, out.res, 2026, time.June, "indexation"), dec("1.01"))
	equal(t, "indexation 2029", valueIn(t, out.res, 2029, time.June, "indexation"), dec("1.01"))
}

func TestRuleOverrideWithoutVersions(t *testing.T) {
	out := applyText(t, "s.yaml", `
scenario:
  id: s
  title: Sans le bureau PMO
rules:
  etc_service:
    from: 2027-01-01
    description: Le bureau PMO n'est plus compté.
    expr: etc_dsi
`)
	if got, want := versionDates(t, out.set.Model, "etc_service"), "2024-01-01 2027-01-01"; got != want {
		t.Errorf("versions of etc_service from %s, want %s", got, want)
	}
	for y, want := range map[int]string{2025: "10", 2026: "13", 2027: "12", 2028: "15"} {
		equal(t, fmt.Sprint("etc_service ", y), valueIn(t, out.res, y, time.June, "etc_service"), dec(want))
	}
}

func TestRuleOverridePerMember(t *testing.T) {
	out := applyText(t, "s.yaml", `
scenario:
  id: s
  title: Clé fixe
rules:
  cle:
    from: 2028-01-01
    by_member:
      metropole: "0.6"
      ville: "0.3"
      ccas: "0.1"
`)
	want := map[int][3]string{2027: {"0.5", "0.4", "0.1"}, 2028: {"0.6", "0.3", "0.1"}, 2030: {"0.6", "0.3", "0.1"}}
	for y, shares := range want {
		for i, id := range []string{"metropole", "ville", "ccas"} {
			equal(t, fmt.Sprintf("share of %s in %d", id, y), member(t, out.res, y, id).Share, dec(shares[i]))
		}
	}
}

func TestMemberRemove(t *testing.T) {
	out := applyText(t, "s.yaml", `
scenario:
  id: s
  title: Sans le CCAS
members:
  ccas:
    remove: true
`)
	for _, m := range out.set.Model.Members {
		if m.ID == "ccas" {
			t.Error("the CCAS is still a member of the model")
		}
	}
	for y := 2024; y <= 2030; y++ {
		if member(t, out.res, y, "ccas") != nil {
			t.Errorf("the CCAS is billed in %d", y)
		}
		// Weights 5 and 4: keys 5/9 and 4/9, to 20 decimals.
		near(t, fmt.Sprint("share of the Métropole in ", y), member(t, out.res, y, "metropole").Share, dec("5"), dec("9"))
		near(t, fmt.Sprint("share of the Ville in ", y), member(t, out.res, y, "ville").Share, dec("4"), dec("9"))
	}
}

// near checks that got is num/den within 10⁻¹⁸.
func near(tb testing.TB, what string, got, num, den decimal.Decimal) {
	tb.Helper()
	if d := got.Mul(den).Sub(num).Abs(); d.GreaterThan(dec("1e-18")) {
		tb.Errorf("%s = %s, want %s/%s", what, got, num, den)
	}
}

func TestMemberLeftAndJoined(t *testing.T) {
	out := applyText(t, "s.yaml", `
scenario:
  id: s
  title: La Ville part, le CCAS arrive plus tard
members:
  ville:
    left: 2027-06-30
  ccas:
    joined: 2027-01-01
`)
	for _, m := range out.set.Model.Members {
		switch m.ID {
		case "ville":
			if m.Left != engine.NewDate(2027, time.June, 30) {
				t.Errorf("ville leaves on %s, want 2027-06-30", m.Left)
			}
		case "ccas":
			if m.Joined != engine.NewDate(2027, time.January, 1) {
				t.Errorf("ccas joins on %s, want 2027-01-01", m.Joined)
			}
		}
	}
	if member(t, out.res, 2026, "ccas") != nil {
		t.Error("the CCAS is billed in 2026, before it joins")
	}
	// 2027: the Ville is a member from January to June, with key 4/10.
	v := member(t, out.res, 2027, "ville")
	if v == nil {
		t.Fatal("the Ville is not billed in 2027")
	}
	equal(t, "share of the Ville in 2027", v.Share, dec("0.2"))
	parts := pool(t, out.res, 2027, "masse_salariale").Parts
	i := slices.IndexFunc(parts, func(p engine.Part) bool { return p.Member == "ville" })
	equal(t, "Ville's part of the payroll in 2027", parts[i].Amount, dec("109200")) // 546000 × 0.4 × 6/12
	if member(t, out.res, 2028, "ville") != nil {
		t.Error("the Ville is billed in 2028, after it left")
	}
	// 2028: weights 5 and 1.
	near(t, "share of the CCAS in 2028", member(t, out.res, 2028, "ccas").Share, dec("1"), dec("6"))
}

func TestMemberAttributes(t *testing.T) {
	out := applyText(t, "s.yaml", `
scenario:
  id: s
  title: Poids du CCAS relevé
members:
  ccas:
    attributes:
      poids: 3
      surface: 120
`)
	for _, m := range out.set.Model.Members {
		switch m.ID {
		case "ccas":
			if got := fmt.Sprint(m.Attributes); got != "map[poids:3 surface:120]" {
				t.Errorf("attributes of the CCAS = %s, want poids 3 and surface 120", got)
			}
		case "ville":
			if got := fmt.Sprint(m.Attributes); got != "map[poids:4]" {
				t.Errorf("attributes of the Ville = %s, want them unchanged", got)
			}
		}
	}
	// Weights 5, 4, 3: keys 5/12, 4/12, 3/12.
	equal(t, "share of the CCAS in 2027", member(t, out.res, 2027, "ccas").Share, dec("0.25"))
	near(t, "share of the Métropole in 2027", member(t, out.res, 2027, "metropole").Share, dec("5"), dec("12"))
}

func TestETCChange(t *testing.T) {
	for _, c := range []struct {
		name, etc   string
		unit, want  string
		etcService  map[int]string // etc_service in June
		payroll2027 string
	}{{
		name: "between two dates",
		etc:  "  - {from: 2027-01-01, unit: etc_dsi, change: 2}",
		unit: "etc_dsi", want: "2024-01-01=10 2026-01-01=12 2027-01-01=14 2028-01-01=17",
		etcService: map[int]string{2025: "10", 2026: "13", 2027: "15", 2028: "18"}, payroll2027: "630000",
	}, {
		name: "on an existing date",
		etc:  "  - {from: 2026-01-01, unit: etc_dsi, change: 2}",
		unit: "etc_dsi", want: "2024-01-01=10 2026-01-01=14 2028-01-01=17",
		etcService: map[int]string{2025: "10", 2026: "15", 2027: "15", 2028: "18"}, payroll2027: "630000",
	}, {
		name: "on the first date",
		etc:  "  - {from: 2024-01-01, unit: etc_dsi, change: 1}",
		unit: "etc_dsi", want: "2024-01-01=11 2026-01-01=13 2028-01-01=16",
		etcService: map[int]string{2024: "11", 2026: "14", 2028: "17"}, payroll2027: "588000",
	}, {
		name: "down to zero",
		etc:  "  - {from: 2026-01-01, unit: etc_pmo, change: -1}",
		unit: "etc_pmo", want: "2024-01-01=0 2026-01-01=0",
		etcService: map[int]string{2026: "12", 2028: "15"}, payroll2027: "504000",
	}, {
		name: "mid-year, twice",
		etc: "  - {from: 2027-07-01, unit: etc_dsi, change: 2}\n" +
			"  - {from: 2027-01-01, unit: etc_dsi, change: 0.5}",
		unit: "etc_dsi", want: "2024-01-01=10 2026-01-01=12 2027-01-01=12.5 2027-07-01=14.5 2028-01-01=17.5",
		etcService: map[int]string{2026: "13", 2027: "13.5", 2028: "18.5"},
		// (6 × 13.5 + 6 × 15.5) × 42000 / 12
		payroll2027: "609000",
	}} {
		t.Run(c.name, func(t *testing.T) {
			out := applyText(t, "s.yaml", "scenario:\n  id: s\n  title: Effectif\netc:\n"+c.etc+"\n")
			if got := dated(t, out.set.Model, c.unit); got != c.want {
				t.Errorf("%s = %s, want %s", c.unit, got, c.want)
			}
			for y, want := range c.etcService {
				equal(t, fmt.Sprint("etc_service in June ", y), valueIn(t, out.res, y, time.June, "etc_service"), dec(want))
			}
			equal(t, "payroll 2027", pool(t, out.res, 2027, "masse_salariale").Amount, dec(c.payroll2027))
		})
	}
}

func TestETCMove(t *testing.T) {
	out := applyText(t, "s.yaml", `
scenario:
  id: s
  title: Redéploiement
etc:
  - from: 2027-07-01
    move: 1
    from_unit: etc_dsi
    to_unit: etc_pmo
`)
	m := out.set.Model
	if got, want := dated(t, m, "etc_dsi"), "2024-01-01=10 2026-01-01=12 2027-07-01=11 2028-01-01=14"; got != want {
		t.Errorf("etc_dsi = %s, want %s", got, want)
	}
	if got, want := dated(t, m, "etc_pmo"), "2024-01-01=0 2026-01-01=1 2027-07-01=2"; got != want {
		t.Errorf("etc_pmo = %s, want %s", got, want)
	}
	// A move leaves the total, and so the payroll, unchanged.
	equal(t, "etc_service in December 2027", valueIn(t, out.res, 2027, time.December, "etc_service"), dec("13"))
	equal(t, "payroll 2027", pool(t, out.res, 2027, "masse_salariale").Amount, dec("546000"))
	equal(t, "payroll 2028", pool(t, out.res, 2028, "masse_salariale").Amount, dec("704000"))
}

func TestETCChangeOnSingleValue(t *testing.T) {
	out := applyText(t, "s.yaml", `
scenario:
  id: s
  title: Nouvelle unité
add:
  parameters:
    etc_securite:
      description: ETC de la cellule sécurité.
      unit: ETC
      value: 2
      assumption: Test.
etc:
  - {from: 2027-01-01, unit: etc_securite, change: 1}
`)
	if got, want := dated(t, out.set.Model, "etc_securite"), "2024-01-01=2 2027-01-01=3"; got != want {
		t.Errorf("etc_securite = %s, want %s", got, want)
	}
}

func TestAmounts(t *testing.T) {
	out := applyText(t, "s.yaml", `
scenario:
  id: s
  title: Projets
amounts:
  projet_ged:
    pool: masse_salariale
    label: Projet de GED
    amount: 12000
    from: 2026-07-01
    to: 2028-12-31
  maintenance:
    pool: logiciels
    label: Maintenance
    amount: 2400
    from: 2027-01-01
  etude:
    pool: masse_salariale
    label: Étude préalable
    amount: 1200
    from: 2025-01-01
    to: 2025-03-31
`)
	m := out.set.Model
	for _, want := range []engine.Pool{
		{ID: "projet_ged", Label: "Projet de GED", Key: "cle", Fees: true},
		{ID: "maintenance", Label: "Maintenance", Key: "cle", Fees: false},
	} {
		i := slices.IndexFunc(m.Pools, func(p engine.Pool) bool { return p.ID == want.ID })
		if i < 0 {
			t.Fatalf("no pool %s in the model", want.ID)
		}
		if got := m.Pools[i]; got.Label != want.Label || got.Key != want.Key || got.Fees != want.Fees {
			t.Errorf("pool %s: label %q, key %s, fees %v; want %q, %s, %v", want.ID, got.Label, got.Key, got.Fees, want.Label, want.Key, want.Fees)
		}
	}
	// amount and fees of each pool, per year: zero outside the period, the
	// yearly amount inside, by month in a partial year.
	want := map[string]map[int][2]string{
		"projet_ged": {2024: {"0", "0"}, 2025: {"0", "0"}, 2026: {"6000", "180"}, 2027: {"12000", "360"},
			2028: {"12000", "360"}, 2029: {"0", "0"}, 2030: {"0", "0"}},
		"maintenance": {2026: {"0", "0"}, 2027: {"2400", "0"}, 2030: {"2400", "0"}},
		"etude":       {2024: {"0", "0"}, 2025: {"300", "9"}, 2026: {"0", "0"}},
	}
	for id, years := range want {
		for y, w := range years {
			p := pool(t, out.res, y, id)
			if p == nil {
				t.Errorf("no pool %s in %d", id, y)
				continue
			}
			equal(t, fmt.Sprintf("%s %d", id, y), p.Amount, dec(w[0]))
			equal(t, fmt.Sprintf("fees of %s %d", id, y), p.Fees, dec(w[1]))
		}
	}
	// The target's key shares the amount: 0.5, 0.4, 0.1 in 2027; 5/9, 4/9
	// in 2025 (166.666… and 133.333…: the leftover cent goes to the larger
	// remainder).
	parts := map[int]map[string][2]string{
		2027: {"metropole": {"6000", "180"}, "ville": {"4800", "144"}, "ccas": {"1200", "36"}},
	}
	for y, byMember := range parts {
		for _, part := range pool(t, out.res, y, "projet_ged").Parts {
			w := byMember[part.Member]
			equal(t, fmt.Sprintf("%s's part of projet_ged in %d", part.Member, y), part.Amount, dec(w[0]))
			equal(t, fmt.Sprintf("%s's fees on projet_ged in %d", part.Member, y), part.Fees, dec(w[1]))
		}
	}
	etude := pool(t, out.res, 2025, "etude").Parts
	if got := fmt.Sprint(etude[0].Member, etude[0].Amount, etude[1].Member, etude[1].Amount); got != "metropole166.67ville133.33" {
		t.Errorf("parts of etude in 2025: %s, want metropole 166.67, ville 133.33", got)
	}
	// The rules' own pools are untouched.
	equal(t, "payroll 2027", pool(t, out.res, 2027, "masse_salariale").Amount, dec("546000"))
	equal(t, "software 2027", pool(t, out.res, 2027, "logiciels").Amount, dec("10200"))
}

func TestExtendsAppliesParentFirst(t *testing.T) {
	parent := `
scenario:
  id: parent
  title: Coût constant
parameters:
  cout_etc:
    value: 50000
`
	child := `
scenario:
  id: enfant
  title: Coût constant puis en hausse
  extends: parent
parameters:
  cout_etc:
    values:
      2028-01-01: 60000
`
	out := applyText(t, "parent.yaml", parent, "enfant.yaml", child)
	// Applied the other way round, the parent's value: would replace the
	// child's 2028 value.
	if got, want := dated(t, out.set.Model, "cout_etc"), "2024-01-01=50000 2028-01-01=60000"; got != want {
		t.Errorf("cout_etc = %s, want %s", got, want)
	}
	cat := catalog(t, "parent.yaml", parent, "enfant.yaml", child)
	s, err := cat.Get("enfant")
	if err != nil {
		t.Fatal(err)
	}
	chain, err := cat.Chain(s)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range chain {
		ids = append(ids, c.ID)
	}
	if got := strings.Join(ids, " "); got != "parent enfant" {
		t.Errorf("chain %s, want parent enfant", got)
	}
}

// everyKind is a chain of scenarios that uses every kind of overlay, the
// child changing what the parent added.
var everyKind = []string{"parent.yaml", `
scenario:
  id: parent
  title: Tout
  years: {from: 2025, to: 2029}
add:
  members:
    - id: commune_b
      label: Commune B
      joined: 2027-01-01
      attributes: {poids: 2}
  parameters:
    etc_securite:
      description: ETC de la cellule sécurité.
      unit: ETC
      value: 2
      assumption: Test.
  rules:
    etc_total:
      expr: etc_service + etc_securite
parameters:
  cout_etc:
    values: {2027-01-01: 50000}
rules:
  masse_salariale:
    from: 2027-01-01
    expr: etc_total * cout_etc
  indexation:
    from: 2027-01-01
    expr: "1.1"
members:
  ville:
    attributes: {poids: 3}
  ccas:
    joined: 2026-07-01
etc:
  - {from: 2027-01-01, unit: etc_dsi, change: 2}
  - {from: 2028-01-01, move: 1, from_unit: etc_dsi, to_unit: etc_pmo}
amounts:
  projet:
    pool: masse_salariale
    label: Projet
    amount: 10000
    from: 2026-04-01
`, "enfant.yaml", `
scenario:
  id: enfant
  title: Tout, et davantage
  extends: parent
parameters:
  etc_securite:
    values: {2028-01-01: 4}
rules:
  etc_total:
    from: 2029-01-01
    expr: etc_service
members:
  commune_b:
    left: 2028-12-31
    attributes: {poids: 1}
etc:
  - {from: 2027-01-01, unit: etc_securite, change: 1}
`}

// render writes what a result says, so that two results can be compared.
func render(res *engine.Result) string {
	var b strings.Builder
	for _, y := range res.Years {
		fmt.Fprintf(&b, "%d total %s\n", y.Year, y.Total)
		for _, p := range y.Pools {
			fmt.Fprintf(&b, "  pool %s %s %s\n", p.ID, p.Amount, p.Fees)
		}
		for _, m := range y.Members {
			fmt.Fprintf(&b, "  member %s %s %s %s\n", m.ID, m.Share, m.Amount, m.Billed)
		}
	}
	return b.String()
}

func TestApplyLeavesBaseUntouched(t *testing.T) {
	base := loadBase(t)
	pristine := loadBase(t)
	runBase := func() string {
		t.Helper()
		set, err := rules.BuildDecoded(base.Files, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := engine.Run(t.Context(), set.Model, engine.Options{From: 2024, To: 2030})
		if err != nil {
			t.Fatal(err)
		}
		return render(res)
	}
	before := runBase()
	cat := catalog(t, everyKind...)
	for _, id := range []string{"enfant", "parent", "enfant"} {
		s, _ := cat.Get(id)
		if _, err := pipeline(t, cat, s, base.Files, 2024, 2030); err != nil {
			t.Fatalf("scenario %s fails:\n%s", id, diag.Flatten(err).Detail())
		}
	}
	if after := runBase(); after != before {
		t.Errorf("the base rules give other results after scenarios were applied:\n--- before\n%s--- after\n%s", before, after)
	}
	if !reflect.DeepEqual(base.Files, pristine.Files) {
		t.Error("the decoded base files changed when scenarios were applied to them")
	}
}

// TestApplyLeavesScenariosUntouched applies a chain whose child changes
// what its parent adds, then the parent alone: the parent must not see
// its child's changes, and applying a chain twice gives the same result.
func TestApplyLeavesScenariosUntouched(t *testing.T) {
	cat := catalog(t, everyKind...)
	fresh := catalog(t, everyKind...)
	base := loadBase(t).Files
	results := map[string][]string{}
	for _, id := range []string{"enfant", "parent", "enfant", "parent"} {
		s, _ := cat.Get(id)
		out, err := pipeline(t, cat, s, base, 2024, 2030)
		if err != nil {
			t.Fatalf("scenario %s fails:\n%s", id, diag.Flatten(err).Detail())
		}
		results[id] = append(results[id], render(out.res))
	}
	for id, rs := range results {
		if rs[0] != rs[1] {
			t.Errorf("scenario %s gives other results the second time:\n--- first\n%s--- second\n%s", id, rs[0], rs[1])
		}
	}
	for _, id := range []string{"parent", "enfant"} {
		s, _ := cat.Get(id)
		f, _ := fresh.Get(id)
		if !reflect.DeepEqual(s.File, f.File) {
			t.Errorf("scenario %s changed when applied", id)
		}
	}
	// The parent alone: its own values, none of its child's.
	s, _ := fresh.Get("parent")
	out, err := pipeline(t, fresh, s, base, 2024, 2030)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := dated(t, out.set.Model, "etc_securite"), "2024-01-01=2"; got != want {
		t.Errorf("etc_securite in the parent = %s, want %s", got, want)
	}
	if got, want := render(out.res), results["parent"][0]; got != want {
		t.Errorf("the parent applied alone differs from the parent applied after its child:\n--- alone\n%s--- after\n%s", got, want)
	}
	// And the child has them all.
	s, _ = fresh.Get("enfant")
	out, err = pipeline(t, fresh, s, base, 2024, 2030)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := dated(t, out.set.Model, "etc_securite"), "2024-01-01=2 2027-01-01=3 2028-01-01=5"; got != want {
		t.Errorf("etc_securite in the child = %s, want %s", got, want)
	}
	if out.applied.From != 2025 || out.applied.To != 2029 {
		t.Errorf("the child runs %d–%d, want the parent's years 2025–2029", out.applied.From, out.applied.To)
	}
}

func TestCatalogAllBaselineFirst(t *testing.T) {
	cat := catalog(t,
		"a.yaml", "scenario: {id: a-petit-enfant, title: A, extends: z-enfant}",
		"b.yaml", "scenario: {id: b-autre, title: B, extends: m-reference}",
		"m.yaml", "scenario: {id: m-reference, title: M}",
		"z.yaml", "scenario: {id: z-enfant, title: Z, extends: m-reference}",
	)
	all := cat.All()
	if len(all) != 4 || all[0].ID != "m-reference" {
		t.Fatalf("All gives %s, want the 4 scenarios, the baseline m-reference first", strings.Join(cat.IDs(), " "))
	}
	pos := map[string]int{}
	for i, s := range all {
		pos[s.ID] = i
	}
	for _, s := range all {
		if s.Extends != "" && pos[s.Extends] > pos[s.ID] {
			t.Errorf("All gives %s: %s comes before %s, which it extends", strings.Join(cat.IDs(), " "), s.ID, s.Extends)
		}
	}
	if got := strings.Join(cat.IDs(), " "); got != strings.Join(catalog(t,
		"z.yaml", "scenario: {id: z-enfant, title: Z, extends: m-reference}",
		"m.yaml", "scenario: {id: m-reference, title: M}",
		"b.yaml", "scenario: {id: b-autre, title: B, extends: m-reference}",
		"a.yaml", "scenario: {id: a-petit-enfant, title: A, extends: z-enfant}",
	).IDs(), " ") {
		t.Errorf("All depends on the order the files were added in")
	}
	def, err := scenarios.LoadDir(scenarios.Defaults(), ".", scenarios.DefaultDir)
	if err != nil {
		t.Fatal(err)
	}
	if got := def.All()[0].ID; got != "convention-2026" {
		t.Errorf("the default scenarios start with %s, want the baseline convention-2026", got)
	}
}

func TestGetUnknown(t *testing.T) {
	cat := catalog(t, "m.yaml", "scenario: {id: reference, title: M}")
	_, err := cat.Get("referense")
	if err == nil || err.Error() != `unknown scenario "referense" (did you mean "reference"?); known: reference` {
		t.Errorf("Get of an unknown id: %v", err)
	}
}
