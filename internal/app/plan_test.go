package app

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/reports"
	"github.com/shopspring/decimal"
)

// The acceptance: with the shipped requests, a selection under
// 400,000 EUR and 3 ETC a year keeps the mandatory requests and schedules
// the rest, each in its window, within every yearly limit, exactly.
func TestSelectKeepsMandatoryAndSchedules(t *testing.T) {
	ws, err := OpenDefaults()
	if err != nil {
		t.Fatal(err)
	}
	every := func(v int64) Yearly { d := decimal.NewFromInt(v); return Yearly{Every: &d} }
	ev, err := ws.Evaluate(context.Background(), EvaluateOptions{Select: true, Limits: Limits{Budget: every(400000), Staff: every(3)}})
	if err != nil {
		t.Fatal(err)
	}
	sel := ev.Selection
	if !sel.Exact {
		t.Errorf("not exact after %d nodes", sel.Nodes)
	}
	projects := map[string]*engine.Project{}
	for _, p := range ev.Projects {
		projects[p.Project.ID] = p.Project
	}
	for _, p := range projects {
		if p.Mandatory && !slices.Contains(sel.Chosen, p.ID) {
			t.Errorf("mandatory %s left out", p.ID)
		}
	}
	for id, start := range sel.Starts {
		if !slices.Contains(projects[id].Starts(), start) {
			t.Errorf("%s starts in %d, outside its window %v", id, start, projects[id].Starts())
		}
	}
	if len(sel.Constraints) != 8 {
		t.Errorf("%d constraints, want 4 budgets and 4 staff limits", len(sel.Constraints))
	}
	for _, c := range sel.Constraints {
		if c.Used.GreaterThan(c.Limit) {
			t.Errorf("%s: %s used of %s", c.Name(), c.Used, c.Limit)
		}
	}
	t.Logf("chosen %v, value %s", sel.Starts, sel.Value)
}

// The SDSI scenario adopts the committee's selection: the command its
// comment gives chooses exactly its requests and starts, and the
// trajectories of the commitments meet every target.
func TestSDSIIsTheCommitteeSelection(t *testing.T) {
	ctx := context.Background()
	ws, err := OpenDefaults()
	if err != nil {
		t.Fatal(err)
	}
	ev, err := ws.Evaluate(ctx, EvaluateOptions{Select: true, Commitments: true})
	if err != nil {
		t.Fatal(err)
	}
	sdsi, err := ws.Job(ctx, "sdsi-2027-2030")
	if err != nil {
		t.Fatal(err)
	}
	p := sdsi.Portfolio()
	want := map[string]int{}
	for _, id := range p.IDs() {
		want[id] = 0
	}
	got := maps.Clone(ev.Selection.Starts)
	for id, start := range p.StartYears() {
		want[id] = start
	}
	for id := range want {
		if want[id] == 0 {
			want[id] = got[id] // the first year it may start in
			if ws.isScheduled(id) {
				t.Errorf("%s may start in several years: the scenario should say when", id)
			}
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("selection %v, the scenario adopts %v", got, want)
	}
	for _, tr := range ev.Selected.Trajectories {
		if missed := tr.Missed(); len(missed) > 0 {
			t.Errorf("%s: targets missed in %v", tr.Commitment.ID, missed)
		}
	}
}

func (ws *Workspace) isScheduled(id string) bool {
	for _, f := range ws.Projects.Files {
		if f.File.Project.ID.Value == id {
			s := f.File.Project.Start
			return s != nil && s.From.Value != s.To.Value
		}
	}
	return false
}

// Limits no selection can meet are an error that names the limit and by
// how much.
func TestSelectInfeasibleLimits(t *testing.T) {
	ws, err := OpenDefaults()
	if err != nil {
		t.Fatal(err)
	}
	budget := decimal.NewFromInt(100000)
	_, err = ws.Evaluate(context.Background(), EvaluateOptions{Select: true, Limits: Limits{Budget: Yearly{Every: &budget}}})
	var inf *engine.Infeasible
	if !errors.As(err, &inf) || len(inf.Short) == 0 || inf.Short[0].Constraint.Kind != engine.KindBudget {
		t.Fatalf("error %v", err)
	}
	t.Log(err)
}

// The sheet of a request shows each member's bills with and without it,
// through the portfolio pools: the request enters with what it requires,
// its alternatives leave, and without it what requires it leaves too.
func TestRequestSheet(t *testing.T) {
	ctx := context.Background()
	ws, err := OpenDefaults()
	if err != nil {
		t.Fatal(err)
	}
	sum := func(s *reports.RequestSheet) decimal.Decimal {
		total := decimal.Zero
		for _, d := range s.Bills.Comparison.Members {
			total = total.Add(d.Change)
		}
		return total
	}
	// Not adopted by the SDSI, which adopts the identity it requires a
	// year before: it starts in 2028, and the bills move from 2028 on.
	s, err := ws.RequestSheet(ctx, SheetOptions{ID: "portail-ccas"})
	if err != nil {
		t.Fatal(err)
	}
	c := s.Bills.Comparison
	if s.Start != 2028 || s.Bills.Adopted || s.Bills.Scenario != "sdsi-2027-2030" || len(s.Bills.Added)+len(s.Bills.Replaced)+len(s.Bills.Dependents) != 0 {
		t.Errorf("start %d, bills %+v", s.Start, s.Bills)
	}
	if !sum(s).Equal(c.Total.Change) || c.Total.Change.IsZero() {
		t.Errorf("members' changes %s, total %s", sum(s), c.Total.Change)
	}
	for _, d := range c.Years {
		if moved := !d.Change.IsZero(); moved != (d.Year >= 2028) {
			t.Errorf("%d: change %s", d.Year, d.Change)
		}
	}
	// With the rules alone as bills, the identity enters with it.
	s, err = ws.RequestSheet(ctx, SheetOptions{ID: "portail-ccas", Bills: "convention-2026"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Start != 2028 || !slices.Equal(s.Bills.Added, []string{"identite-mfa"}) {
		t.Errorf("on the convention: start %d, added %v", s.Start, s.Bills.Added)
	}
	// Consolidation replaces its alternative, adopted by the SDSI.
	s, err = ws.RequestSheet(ctx, SheetOptions{ID: "consolidation-serveurs"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Bills.Replaced, []string{"hebergement-externalise"}) || len(s.Alternatives) != 1 {
		t.Errorf("replaced %v, alternatives %v", s.Bills.Replaced, s.Alternatives)
	}
	// The identity, adopted in 2027, moved to 2028: what requires it
	// (the portal) is not adopted, so nothing else leaves.
	s, err = ws.RequestSheet(ctx, SheetOptions{ID: "identite-mfa", Start: 2028})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Bills.Adopted || s.Bills.AdoptedStart != 2027 || s.Start != 2028 || !slices.Equal(s.RequiredBy, []string{"portail-ccas"}) {
		t.Errorf("identity: %+v, start %d, required by %v", s.Bills, s.Start, s.RequiredBy)
	}
	if _, err := ws.RequestSheet(ctx, SheetOptions{ID: "portail-cca"}); err == nil || !strings.Contains(err.Error(), `unknown project "portail-cca" (did you mean "portail-ccas"?)`) {
		t.Errorf("unknown request: %v", err)
	}
	if _, err := ws.RequestSheet(ctx, SheetOptions{ID: "portail-ccas", Start: 2027}); err == nil ||
		!strings.Contains(err.Error(), "cannot start in 2027") {
		t.Errorf("start 2027: %v", err)
	}
}

// The report shows each commitment's trajectory with the SDSI's adopted
// portfolio, against its target year by year, and the criteria's weights.
func TestReportShowsCommitments(t *testing.T) {
	rep := defaultReport(t, nil)
	for _, p := range rep.Parts {
		if p.Result.ID == "sdsi-2027-2030" && (p.Portfolio == nil || len(p.Portfolio.Trajectories) != 3) {
			t.Fatalf("sdsi: portfolio %+v", p.Portfolio)
		}
	}
	var md bytes.Buffer
	if err := reports.ReportOutput.Render(&md, reports.Markdown, reports.French, rep); err != nil {
		t.Fatal(err)
	}
	text := md.String()
	for _, want := range []string{
		"### Critères et pondérations",
		"| Alignement sur le SDSI 2027-2030 | 25,00\u00a0% | 0 – 3 | plus haut est mieux |",
		"### Engagements Numérique Responsable",
		"#### Durée de renouvellement des ordinateurs portables (ans, plus haut est mieux)",
		"**Projets du SDSI 2027-2030 (portefeuille adopté par SDSI 2027-2030 — portefeuille de projets adopté)**",
		"| Allongement de la durée de vie des postes de travail |  | +1,0 | +1,0 | +1,0 |",
		"| **trajectoire** | **5,0** | **6,0** | **6,0** | **6,0** |",
		"| **atteinte** | **—** | **oui (0,0)** | **oui (0,0)** | **oui (0,0)** |",
		"#### Émissions annuelles du numérique des trois membres (tCO2e, plus bas est mieux)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}
