package whatif

import (
	"context"
	"github.com/quotepart/quotepart/internal/app"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/rules"
	"github.com/quotepart/quotepart/scenarios"
	"github.com/shopspring/decimal"
)

// whatIfs are states of every kind, alone and together.
var whatIfs = []string{
	"",
	"etc.etc_cellule_numerique_confiance.2027=2",
	"etc.etc_dsi.2026=-1,5&etc.etc_bureau_pmo.2028=0,5",
	"p.taux_frais_gestion=4&p.taux_frais_gestion.from=2027",
	"p.part_ville_convention_2024=47&p.cible_refacturation_ccas=30000",
	"nm.label=Ville+de+Darn%C3%A9tal&nm.date=2028-01-01&nm.population=9727",
	"nm.label=Bois-Guillaume&nm.date=2027-07-01&nm.population=14000",
	"projets=ged-archives,identite-mfa",
	"scenario=sdsi-2027-2030&projets=ged-archives",
	"scenario=nouveau-membre&nm.date=2029-01-01&nm.population=5000&etc.etc_dsi.2029=3",
	"scenario=sans-ccas&p.taux_frais_gestion=2,5&compare=convention-2026",
	"scenario=evolution-etc&etc.etc_cellule_numerique_confiance.2030=-2&projets=soc-mutualise",
	"adh.ccas=2027-01-01",
	"adh.ccas=2026-04-15&compare=sans-ccas",
	"scenario=sdsi-2027-2030&adh.ccas=2028-01-01",
	// Every kind at once (the golden file).
	"etc.etc_cellule_numerique_confiance.2027=2&p.taux_frais_gestion=3,5&p.taux_frais_gestion.from=2027&nm.label=Ville+de+Darn%C3%A9tal&nm.date=2028-01-01&nm.population=9727&adh.ccas=2027-07-01&projets=ged-archives",
}

// runAsCommandLine runs a scenario file the way `quotepart run FILE` does
// on the embedded defaults: a catalog read from the embedded folder, the
// file added to it, its chain applied and built, the model run over its
// years.
func runAsCommandLine(t *testing.T, name string, data []byte) *engine.Result {
	t.Helper()
	base, err := rules.LoadDefaults()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := scenarios.LoadDir(scenarios.Defaults(), ".", scenarios.DefaultDir)
	if err != nil {
		t.Fatal(err)
	}
	projects, err := scenarios.LoadProjects(scenarios.Defaults(), scenarios.ProjectsDir, scenarios.DefaultDir+"/"+scenarios.ProjectsDir)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := cat.Add(name, data)
	if err != nil {
		t.Fatalf("the generated file does not decode: %v\n%s", err, data)
	}
	chain, err := cat.Chain(sc)
	if err != nil {
		t.Fatal(err)
	}
	set, applied, err := scenarios.Build(context.Background(), base.Files, chain, projects)
	if err != nil {
		t.Fatalf("the generated file does not build: %v\n%s", err, data)
	}
	res, err := engine.Run(context.Background(), set.Model, engine.Options{From: applied.From, To: applied.To})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestGeneratedFileReproduces runs every generated file as the command
// line would and compares each member's amount, fees and share, every
// year, with what the page computed.
func TestGeneratedFileReproduces(t *testing.T) {
	s := defaultSimulator(t)
	for _, q := range whatIfs {
		st, err := s.Parse(q)
		if err != nil {
			t.Errorf("Parse(%q): %v", q, err)
			continue
		}
		out, err := s.Evaluate(context.Background(), st)
		if err != nil {
			t.Errorf("Evaluate(%q): %v", q, err)
			continue
		}
		cli := runAsCommandLine(t, out.FileName, out.File)
		if len(cli.Years) != len(out.Result.Years) {
			t.Fatalf("%q: %d years from the file, %d on the page", q, len(cli.Years), len(out.Result.Years))
		}
		for i, y := range out.Result.Years {
			c := cli.Years[i]
			if !c.Total.Equal(y.Total) || len(c.Members) != len(y.Members) {
				t.Errorf("%q %d: total %s from the file, %s on the page", q, y.Year, c.Total, y.Total)
				continue
			}
			sum := decimal.Zero
			for j, m := range y.Members {
				cm := c.Members[j]
				if cm.ID != m.ID || !cm.Amount.Equal(m.Amount) || !cm.Fees.Equal(m.Fees) || !cm.Share.Equal(m.Share) || !cm.Billed.Equal(m.Billed) {
					t.Errorf("%q %d %s: file %s/%s/%s, page %s/%s/%s", q, y.Year, m.ID, cm.Amount, cm.Fees, cm.Share, m.Amount, m.Fees, m.Share)
				}
				sum = sum.Add(m.Amount)
			}
			if !sum.Equal(y.Total) {
				t.Errorf("%q %d: the members' amounts sum to %s, not the total %s", q, y.Year, sum, y.Total)
			}
		}
	}
}

// TestGeneratedFile compares the file of a what-if of every kind with a
// reviewed golden (QUOTEPART_UPDATE=1 rewrites it).
func TestGeneratedFile(t *testing.T) {
	s := defaultSimulator(t)
	st, err := s.Parse(whatIfs[len(whatIfs)-1])
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.ScenarioFile(st)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "simulation-convention-2026.yaml")
	if os.Getenv("QUOTEPART_UPDATE") != "" {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("generated file differs from %s (QUOTEPART_UPDATE=1 rewrites it):\n%s", golden, got)
	}
}

// TestWhatIfFigures checks each kind of change against figures worked out
// by hand from the rules.
func TestWhatIfFigures(t *testing.T) {
	s := defaultSimulator(t)
	eval := func(q string) *Outcome {
		t.Helper()
		st, err := s.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		out, err := s.Evaluate(context.Background(), st)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	year := func(res *engine.Result, y int) engine.Year {
		for _, x := range res.Years {
			if x.Year == y {
				return x
			}
		}
		t.Fatalf("no year %d", y)
		return engine.Year{}
	}
	member := func(y engine.Year, id string) engine.MemberYear {
		for _, m := range y.Members {
			if m.ID == id {
				return m
			}
		}
		t.Fatalf("no member %s in %d", id, y.Year)
		return engine.MemberYear{}
	}
	pool := func(y engine.Year, id string) engine.PoolYear {
		for _, p := range y.Pools {
			if p.ID == id {
				return p
			}
		}
		t.Fatalf("no pool %s in %d", id, y.Year)
		return engine.PoolYear{}
	}
	dec := decimal.RequireFromString

	// No change: the scenario itself, to the cent.
	out := eval("")
	if !out.Comparison.Total.Change.IsZero() {
		t.Errorf("no change moves the total by %s", out.Comparison.Total.Change)
	}

	// Two posts in the cellule from 2027: 96.5 ETC instead of 94.5, the
	// payroll of 2027 as docs/scenarios.md §8 gives it.
	out = eval("etc.etc_cellule_numerique_confiance.2027=2")
	if got := pool(year(out.Result, 2027), "masse_salariale").Amount; !got.Equal(dec("4409655.23")) {
		t.Errorf("payroll 2027 with two more posts = %s, want 4409655.23", got)
	}
	if got := pool(year(out.Result, 2026), "masse_salariale").Amount; !got.Equal(dec("4167450.00")) {
		t.Errorf("payroll 2026 = %s, want 4167450.00 (the change starts in 2027)", got)
	}

	// Fees at 4 % from 2027: 2026 keeps 3 %.
	out = eval("p.taux_frais_gestion=4&p.taux_frais_gestion.from=2027")
	y26, y27 := year(out.Result, 2026), year(out.Result, 2027)
	if got := pool(y26, "masse_salariale").Fees; !got.Equal(dec("125023.50")) {
		t.Errorf("fees 2026 = %s, want 125023.50 (3 %%)", got)
	}
	if got, want := pool(y27, "masse_salariale").Fees, pool(y27, "masse_salariale").Amount.Mul(dec("0.04")).Round(2); !got.Equal(want) {
		t.Errorf("fees 2027 = %s, want 4 %% of the payroll, %s", got, want)
	}

	// A new member of 9,727 inhabitants in 2028 pays the Ville's rate per
	// inhabitant: round(0.4620 × 9727 / 117853, 4) = 0.0381; the others
	// give up 3.81 % of their shares.
	out = eval("nm.date=2028-01-01&nm.population=9727")
	y28 := year(out.Result, 2028)
	if got := member(y28, NewMemberID).Share; !got.Equal(dec("0.0381")) {
		t.Errorf("the new member's key in 2028 = %s, want 0.0381", got)
	}
	if got := member(y28, "metropole").Share; !got.Equal(dec("0.5332").Mul(dec("0.9619"))) {
		t.Errorf("the Métropole's key in 2028 = %s, want 0.5332 × 0.9619", got)
	}
	if got := len(year(out.Result, 2027).Members); got != 3 {
		t.Errorf("2027 has %d members, want 3: the new member joins in 2028", got)
	}

	// A member joining on 1 July counts six months of 2027.
	out = eval("nm.date=2027-07-01&nm.population=9727")
	if got := member(year(out.Result, 2027), NewMemberID).Share; !got.Equal(dec("0.0381").Div(dec("2"))) {
		t.Errorf("the key of a member joining on 1 July 2027 = %s, want 0.0381 × 6/12", got)
	}

	// The CCAS joining on 1 July 2027: the two-member key until then (as
	// in sans-ccas), six months of each key in 2027.
	out = eval("adh.ccas=2027-07-01")
	sans := s.Base("sans-ccas").Result
	if got, want := member(year(out.Result, 2026), "ville").Amount, member(year(sans, 2026), "ville").Amount; !got.Equal(want) {
		t.Errorf("the Ville's 2026 amount with the CCAS joining in 2027 = %s, want sans-ccas's %s", got, want)
	}
	if got := len(year(out.Result, 2026).Members); got != 2 {
		t.Errorf("2026 has %d members, want 2", got)
	}
	y27 = year(out.Result, 2027)
	if got := member(y27, "ville").Share; !got.Equal(dec("0.4644")) {
		t.Errorf("the Ville's 2027 key = %s, want (0.4668 + 0.4620) / 2 = 0.4644", got)
	}
	if got := member(y27, "ccas").Share; !got.Equal(dec("0.0024")) {
		t.Errorf("the CCAS's 2027 key = %s, want 0.0048 × 6/12", got)
	}
	if got, want := member(year(out.Result, 2028), "ville").Amount, member(year(s.Default().Result, 2028), "ville").Amount; !got.Equal(want) {
		t.Errorf("the Ville's 2028 amount = %s, want the baseline's %s once the CCAS has joined", got, want)
	}

	// Projects adopted on the baseline add the two portfolio pools.
	out = eval("projets=ged-archives")
	if got := year(out.Result, 2028); len(got.Pools) != 4 {
		t.Errorf("with a project, 2028 has %d pools, want 4 (payroll, subscriptions, the portfolio's net cost and staff)", len(got.Pools))
	}
}

func TestScenarioFileNamesItsBase(t *testing.T) {
	s := defaultSimulator(t)
	st, err := s.Parse("scenario=nouveau-membre&etc.etc_dsi.2027=1")
	if err != nil {
		t.Fatal(err)
	}
	data, err := s.ScenarioFile(st)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"extends: nouveau-membre\n", "id: simulation\n", "quotepart run simulation-nouveau-membre.yaml"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the file lacks %q:\n%s", want, data)
		}
	}
}

// TestHostileLabel: a new member's name is data in the file, never YAML
// structure, and comes back unchanged.
func TestHostileLabel(t *testing.T) {
	s := defaultSimulator(t)
	label := "x\": 1\nscenario: {id: pirate} # « </script> » ' & : - [ ]"
	st, err := s.Parse("nm.date=2028-01-01&nm.population=10&nm.label=" + strings.ReplaceAll(strings.ReplaceAll(label, "\n", " "), "&", "%26"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.Evaluate(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.ReplaceAll(label, "\n", " ")
	found := false
	for _, m := range year2028(out.Result).Members {
		if m.ID == NewMemberID {
			found = m.Label == want
		}
	}
	if !found {
		t.Errorf("the new member's label did not come back as %q:\n%s", want, out.File)
	}
}

func year2028(res *engine.Result) engine.Year {
	for _, y := range res.Years {
		if y.Year == 2028 {
			return y
		}
	}
	return engine.Year{}
}

// TestRulesAlone: with rules and no scenarios (serve --rules DIR), the
// what-if applies to the rules themselves, and its file extends nothing.
func TestRulesAlone(t *testing.T) {
	base, err := rules.LoadDefaults()
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(context.Background(), &app.Workspace{Rules: base, Scenarios: scenarios.NewCatalog()})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Default().ID; got != base.Model.ID {
		t.Errorf("the page starts from %q, want the rules' %q", got, base.Model.ID)
	}
	st, err := s.Parse("etc.etc_cellule_numerique_confiance.2027=2&projets=")
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.Evaluate(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out.File), "extends:") {
		t.Errorf("the file extends a scenario:\n%s", out.File)
	}
	sc, err := scenarios.NewCatalog().Add(out.FileName, out.File)
	if err != nil {
		t.Fatal(err)
	}
	set, applied, err := scenarios.Build(context.Background(), base.Files, []*scenarios.Scenario{sc}, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(context.Background(), set.Model, engine.Options{From: applied.From, To: applied.To})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := year2028(res).Total, year2028(out.Result).Total; !got.Equal(want) || got.Equal(year2028(s.Default().Result).Total) {
		t.Errorf("2028 total: file %s, page %s, rules alone %s", got, want, year2028(s.Default().Result).Total)
	}
	if w := get(t, NewHandler(s, Options{Rate: -1}), "/?etc.etc_dsi.2027=1"); w.Code != 200 || !strings.Contains(w.Body.String(), `id="montant-ville-2028"`) {
		t.Errorf("the page on the rules alone = %d\n%.500s", w.Code, w.Body)
	}
}
