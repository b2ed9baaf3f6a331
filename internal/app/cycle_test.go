package app_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/app"
	"github.com/quotepart/quotepart/reports"
	"github.com/shopspring/decimal"
)

// cycleRules is a service of three members over 2026–2027: the manager,
// a commune there all along, and a commune that joins on 1 July 2026,
// billed in quarterly instalments, the regularisation carried into the
// next year's bill.
const cycleRules = `service:
  id: cycle
  title: Service d'essai
  manager: epci
  start: 2026-01-01
  years: {from: 2026, to: 2027}
members:
  - {id: epci, label: Communauté, attributes: {population: 5000}}
  - {id: a, label: Commune A, attributes: {population: 3001}}
  - {id: b, label: Commune B, joined: 2026-07-01, attributes: {population: 1999}}
parameters:
  cout:
    description: Coût annuel du service.
    unit: EUR
    values: {2026-01-01: 100000.01, 2027-01-01: 103000}
    assumption: Essai.
  taux:
    description: Taux des frais de gestion.
    unit: taux
    value: 0.02
    assumption: Essai.
rules:
  cle:
    per_member: true
    expr: member.population / sum_population
  sum_population:
    expr: "sum(population_membre)"
  population_membre:
    per_member: true
    expr: member.population
pools:
  service:
    label: Service
    amount: cout
    key: cle
    fees: true
fees:
  rate: taux
billing:
  instalments:
    - from: 2026-01-01
      label: Trimestres
      assumption: Essai.
      due:
        - {date: 03-31, fraction: 0.25}
        - {date: 06-30, fraction: 0.25}
        - {date: 09-30, fraction: 0.25}
        - {date: 12-31, fraction: 0.25}
  regularisation:
    carry: next_year
`

const cycleActuals = `actuals:
  year: 2026
  title: Compte administratif 2026
  source: Compte administratif 2026 (essai)
pools:
  service:
    amount: 104321.77
    source: Compte administratif 2026, chapitre 012
issued:
  a:
    - {date: 2026-03-31, amount: 10000}
    - {date: 2026-06-30, amount: 10000}
    - {date: 2026-09-30, amount: 10000}
    - {date: 2026-12-31, amount: 5000.50, reference: T-4}
`

func cycleWorkspace(t *testing.T) *app.Workspace {
	t.Helper()
	fsys := fstest.MapFS{
		"regles/service.yaml":      {Data: []byte(cycleRules)},
		"regles/comptes/2026.yaml": {Data: []byte(cycleActuals)},
	}
	ws, err := app.Load(app.Source{FS: fsys, Dir: "regles", Display: "regles"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

func cents(t *testing.T, s string) decimal.Decimal {
	t.Helper()
	return decimal.RequireFromString(s)
}

// TestCycle builds a year with budget and actual figures and checks, to the
// cent: each member's instalments sum to its forecast bill; the member
// that joins on 1 July gets only the instalments of its months; the
// regularisations sum to the difference of the billed totals; and the
// regularisation is carried into the next year's bill.
func TestCycle(t *testing.T) {
	ctx := context.Background()
	ws := cycleWorkspace(t)
	budget, err := ws.RunOn(ctx, nil, app.Budget, 2026, 2026)
	if err != nil {
		t.Fatal(err)
	}
	y26 := budget.Results[0].Years[0]

	// Instalments: every member's sum to its forecast bill.
	for _, my := range y26.Members {
		st, err := ws.Statement(ctx, app.StatementOptions{Member: my.ID, Year: 2026})
		if err != nil {
			t.Fatal(err)
		}
		if my.Manager {
			if len(st.Instalments) != 0 {
				t.Errorf("the manager has instalments: %v", st.Instalments)
			}
			continue
		}
		sum := decimal.Zero
		var dues []string
		for _, in := range st.Instalments {
			sum = sum.Add(in.Amount)
			dues = append(dues, in.Due.String())
		}
		if !sum.Equal(my.Billed) {
			t.Errorf("%s: instalments sum to %s, forecast bill %s", my.ID, sum, my.Billed)
		}
		want := "2026-03-31 2026-06-30 2026-09-30 2026-12-31"
		if my.ID == "b" {
			want = "2026-09-30 2026-12-31" // joins on 1 July: its two quarters only
		}
		if got := strings.Join(dues, " "); got != want {
			t.Errorf("%s: instalments due %s, want %s", my.ID, got, want)
		}
	}

	// The figures, by hand: from July, b has 1,999 of 10,000
	// inhabitants: 100,000.01 × 0.1999 × 6/12 = 9,995.00 EUR, and 2 % of
	// fees, 199.90 EUR.
	byID := map[string]engine.MemberYear{}
	for _, my := range y26.Members {
		byID[my.ID] = my
	}
	if got := byID["b"].Billed.StringFixed(2); got != "10194.90" {
		t.Errorf("b's forecast bill %s, want 10194.90", got)
	}

	// Regularisation: the members' differences sum to the difference of
	// the billed totals.
	s, err := ws.Settle(ctx, "", 2026)
	if err != nil {
		t.Fatal(err)
	}
	actual, err := ws.RunOn(ctx, nil, app.Actuals, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	a26 := actual.Results[0].Years[0]
	if got := a26.Pools[0].Amount.StringFixed(2); got != "104321.77" {
		t.Fatalf("actual pool amount %s", got)
	}
	billedTotal, dueTotal, diffs := decimal.Zero, decimal.Zero, decimal.Zero
	issuedA := cents(t, "35000.50")
	for _, my := range y26.Members {
		if my.ID == "a" {
			billedTotal = billedTotal.Add(issuedA) // the instalments issued, not the forecast
		} else {
			billedTotal = billedTotal.Add(my.Billed)
		}
	}
	for _, my := range a26.Members {
		dueTotal = dueTotal.Add(my.Billed)
	}
	for _, m := range s.Settlement.Members {
		diffs = diffs.Add(m.Difference)
		if m.ID == "a" && !m.Billed.Equal(issuedA) {
			t.Errorf("a was billed %s, the instalments issued sum to %s", m.Billed, issuedA)
		}
	}
	if !diffs.Equal(dueTotal.Sub(billedTotal)) || !s.Settlement.Difference.Equal(diffs) {
		t.Errorf("regularisations sum to %s (settlement %s), due %s − billed %s = %s",
			diffs, s.Settlement.Difference, dueTotal, billedTotal, dueTotal.Sub(billedTotal))
	}
	if diffs.IsZero() {
		t.Error("no regularisation: the test shows nothing")
	}

	// The regularisation of 2026 is carried into the bills of 2027.
	next, err := ws.RunOn(ctx, nil, app.Budget, 2027, 2027)
	if err != nil {
		t.Fatal(err)
	}
	y27 := next.Results[0].Years[0]
	if y27.Settled != 2026 {
		t.Errorf("2027 settles %d, want 2026", y27.Settled)
	}
	for _, my := range y27.Members {
		ms := s.Settlement.Of(my.ID)
		want := my.Amount.Add(ms.Difference)
		if my.Manager {
			want = decimal.Zero
		}
		if !my.Billed.Equal(want) || (!my.Manager && !my.Regularisation.Equal(ms.Difference)) {
			t.Errorf("%s 2027: billed %s (regularisation %s), want amount %s + %s", my.ID, my.Billed, my.Regularisation, my.Amount, ms.Difference)
		}
	}
	// The statement of 2027 says so.
	st, err := ws.Statement(ctx, app.StatementOptions{Member: "a", Year: 2027})
	if err != nil {
		t.Fatal(err)
	}
	if st.Previous == nil || !st.Previous.Carried || !st.Previous.Difference.Equal(s.Settlement.Of("a").Difference) {
		t.Errorf("statement 2027 of a: previous %+v", st.Previous)
	}
	sum := decimal.Zero
	for _, in := range st.Instalments {
		sum = sum.Add(in.Amount)
	}
	if !sum.Add(st.Trace.Member.Regularisation).Equal(st.Trace.Member.Billed) {
		t.Errorf("2027: instalments %s + regularisation %s ≠ billed %s", sum, st.Trace.Member.Regularisation, st.Trace.Member.Billed)
	}
}

// TestReportCarriesRegularisation checks that the report bills as run
// does: its detailed table has the regularisation carried into 2027, and
// each member's billed amount includes it.
func TestReportCarriesRegularisation(t *testing.T) {
	ctx := context.Background()
	ws := cycleWorkspace(t)
	rep, err := ws.Report(ctx, app.ReportOptions{From: 2027, To: 2027})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := reports.ReportOutput.Render(&b, reports.Markdown, reports.French, rep); err != nil {
		t.Fatal(err)
	}
	run, err := ws.RunOn(ctx, nil, app.Budget, 2027, 2027)
	if err != nil {
		t.Fatal(err)
	}
	a := run.Results[0].Years[0].Members[1]
	if a.Regularisation.IsZero() {
		t.Fatal("no regularisation carried: the test shows nothing")
	}
	want := "| " + reports.Money(a.Regularisation, reports.French) + " | " + reports.Money(a.Billed, reports.French) + " |"
	if !strings.Contains(b.String(), "Régularisation") || !strings.Contains(b.String(), want) {
		t.Errorf("the report's bills lack the regularisation column or %q", want)
	}
}

func TestStatementMemberAbsent(t *testing.T) {
	ws := cycleWorkspace(t)
	_, err := ws.Statement(context.Background(), app.StatementOptions{Member: "z", Year: 2026})
	if err == nil || !strings.Contains(err.Error(), `"z" is not a member in 2026`) {
		t.Errorf("got %v", err)
	}
}
