package scenarios_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
	"github.com/quotepart/quotepart/scenarios"
)

// projectsDefaultModel builds the embedded default rule set.
func projectsDefaultModel(tb testing.TB) *engine.Model {
	tb.Helper()
	set, err := rules.LoadDefaults()
	if err != nil {
		tb.Fatalf("the default rules fail:\n%s", diag.Flatten(err).Detail())
	}
	return set.Model
}

// projectsAssess assesses compiled projects against a run of the model
// over the evaluation horizon.
func projectsAssess(tb testing.TB, m *engine.Model, c *scenarios.Compiled) ([]engine.Assessed, error) {
	tb.Helper()
	res, err := engine.Run(context.Background(), m, engine.Options{From: c.Horizon.From, To: c.Horizon.To})
	if err != nil {
		tb.Fatalf("run %d–%d: %v", c.Horizon.From, c.Horizon.To, err)
	}
	return engine.Assess(c.Projects, c.Valuation, c.Horizon, engine.EnvFromResult(res))
}

// The projects shipped with the defaults: what the files must hold, checked
// independently of the code that reads them.
var shippedProjects = []string{
	"abonnements-periodiques", "allongement-duree-vie", "consolidation-serveurs",
	"ged-archives", "hebergement-externalise", "identite-mfa", "label-numerique-responsable",
	"outil-portefeuille-pmo", "portail-ccas", "rationalisation-impression",
	"soc-mutualise",
}

func TestDefaultProjectsCompileAndAssess(t *testing.T) {
	ps, err := scenarios.LoadProjects(scenarios.Defaults(), scenarios.ProjectsDir, scenarios.DefaultDir+"/"+scenarios.ProjectsDir)
	if err != nil {
		t.Fatalf("LoadProjects:\n%s", diag.Flatten(err).Detail())
	}
	if ps == nil {
		t.Fatal("LoadProjects found no projects folder in the defaults")
	}
	ids := slices.Sorted(slices.Values(ps.IDs()))
	if !slices.Equal(ids, shippedProjects) {
		t.Fatalf("project ids = %v, want %v", ids, shippedProjects)
	}
	m := projectsDefaultModel(t)
	c, err := ps.Compile(m, nil)
	if err != nil {
		t.Fatalf("Compile:\n%s", diag.Flatten(err).Detail())
	}
	if c.Horizon != (engine.Horizon{From: 2027, To: 2030}) || c.Valuation.BaseYear != 2027 || c.Scenario != "convention-2026" {
		t.Errorf("evaluation settings: horizon %v, base year %d, scenario %q", c.Horizon, c.Valuation.BaseYear, c.Scenario)
	}
	set, err := projectsAssess(t, m, c)
	if err != nil {
		t.Fatalf("Assess:\n%s", diag.Flatten(err).Detail())
	}
	members := []string{"metropole", "ville", "ccas"}
	laws := map[engine.Distribution]bool{}
	for i, a := range set {
		p := a.Project
		if p.Title == "" || p.Category == "" || len(p.RequestedBy) == 0 {
			t.Errorf("%s: title %q, category %q, requested by %v", p.ID, p.Title, p.Category, p.RequestedBy)
		}
		if !strings.Contains(p.Assumption, "llustratif") {
			t.Errorf("%s: the assumption does not say the figures are illustrative: %q", p.ID, p.Assumption)
		}
		for _, r := range p.RequestedBy {
			if !slices.Contains(members, r) {
				t.Errorf("%s: requested by %q", p.ID, r)
			}
		}
		if p.FirstYear < 2027 || p.LastYear > 2030 {
			t.Errorf("%s: years %d–%d outside the SDSI 2027–2030", p.ID, p.FirstYear, p.LastYear)
		}
		var seen [3]bool
		for li, l := range p.Lines {
			seen[l.Dim] = true
			if l.Uncertainty != nil {
				laws[l.Uncertainty.Dist] = true
			}
			total := 0.0
			for _, v := range a.Values[li] {
				total += v.InexactFloat64()
			}
			if total <= 0 {
				t.Errorf("%s, line %q: no value over the horizon", p.ID, l.Label)
			}
		}
		if !seen[engine.Money] || !seen[engine.Staff] || !seen[engine.Carbon] {
			t.Errorf("%s: dimensions present %v, want all three", p.ID, seen)
		}
		// Plausibility for a 94.5-ETC service with a ~4.2 M EUR payroll:
		// no request should weigh more than a few percent of it a year.
		ind := engine.Figures(set[i : i+1])
		for yi, y := range ind.Years {
			if e := ind.Dimensions[engine.Money].Efforts[yi].InexactFloat64(); e > 300_000 {
				t.Errorf("%s: %d financial efforts %.0f EUR, implausibly large", p.ID, y, e)
			}
			if e := ind.Dimensions[engine.Staff].Efforts[yi].InexactFloat64(); e > 3 {
				t.Errorf("%s: %d HR efforts %.1f ETC, implausibly large", p.ID, y, e)
			}
		}
		t.Logf("%-28s NPV %12s  monetized %12s  ETC net %6s  kgCO2e net %9s", p.ID, ind.NPV.StringFixed(0), ind.Monetized.StringFixed(0),
			ind.Dimensions[engine.Staff].TotalNet.StringFixed(2), ind.Dimensions[engine.Carbon].TotalNet.StringFixed(0))
	}
	for _, d := range []engine.Distribution{engine.Triangular, engine.PERT, engine.Normal, engine.LogNormal, engine.Uniform} {
		if !laws[d] {
			t.Errorf("no shipped project uses distribution %d", d)
		}
	}
}

// projectsEvaluation is a valid evaluation settings file for the bad-input
// cases.
const projectsEvaluation = `evaluation:
  years: {from: 2027, to: 2030}
  base_year: 2027
  discount_rate: taux_actualisation
  etc_cost: cout_moyen_etc
  carbon_value: valeur_action_climat / 1000
`

// projectsRequest returns a project file whose only line has the given
// dimension, values and extra keys.
func projectsRequest(requestedBy, dimension, values, extra string) string {
	return `project:
  id: essai
  title: Essai
  requested_by: [` + requestedBy + `]
  category: test
  years: {from: 2027, to: 2028}
lines:
  - label: Ligne
    dimension: ` + dimension + `
    side: effort
    values: ` + values + `
` + extra
}

func TestProjectErrors(t *testing.T) {
	m := projectsDefaultModel(t)
	tests := []struct {
		name  string
		files map[string]string
		// stage is where the error must appear: load, compile or assess.
		stage string
		// want is the error's first line; snippet, when set, must appear
		// in its detail (the source line and the caret under the column).
		want, snippet string
	}{{
		name: "negative ETC effort",
		files: map[string]string{"evaluation.yaml": projectsEvaluation,
			"essai.yaml": projectsRequest("ville", "hr", "{2027: 1, 2028: -0.5}", "")},
		stage: "assess",
		want:  `p/essai.yaml:11:29: project essai, line "Ligne", year 2028: -0.5 ETC is negative; write efforts and gains as positive amounts on their side`,
		snippet: "   11 |     values: {2027: 1, 2028: -0.5}\n" +
			"      |                             ^",
	}, {
		name: "distribution with low above high",
		files: map[string]string{"evaluation.yaml": projectsEvaluation,
			"essai.yaml": projectsRequest("ville", "financial", "{2027: 1000}",
				"    uncertainty: {distribution: uniform, low: 1.2, high: 0.8}\n")},
		stage: "compile",
		want:  `p/essai.yaml:12:33: project essai, line "Ligne": expected low ≤ high, found low 1.2, high 0.8`,
	}, {
		name: "triangular mode outside its range",
		files: map[string]string{"evaluation.yaml": projectsEvaluation,
			"essai.yaml": projectsRequest("ville", "financial", "{2027: 1000}",
				"    uncertainty: {distribution: triangular, low: 0.9, mode: 1.6, high: 1.5}\n")},
		stage: "compile",
		want:  `p/essai.yaml:12:33: project essai, line "Ligne": expected low ≤ mode ≤ high, found low 0.9, mode 1.6, high 1.5`,
	}, {
		name: "unknown dimension",
		files: map[string]string{"evaluation.yaml": projectsEvaluation,
			"essai.yaml": projectsRequest("ville", "finacial", "{2027: 1000}", "")},
		stage: "compile",
		want:  `p/essai.yaml:9:16: project essai, line "Ligne": unknown dimension "finacial" (did you mean "financial"?); expected financial, hr or environmental`,
	}, {
		name: "year outside the project's years",
		files: map[string]string{"evaluation.yaml": projectsEvaluation,
			"essai.yaml": projectsRequest("ville", "financial", "{2027: 1000, 2029: 500}", "")},
		stage: "compile",
		want:  `p/essai.yaml:11:26: project essai, line "Ligne": "2029" is not a year of the project, 2027–2028`,
	}, {
		name: "expression naming an unknown parameter",
		files: map[string]string{"evaluation.yaml": projectsEvaluation,
			"essai.yaml": projectsRequest("ville", "environmental", "{2027: 8000 * facteur_electricte}", "")},
		stage: "compile",
		want:  `p/essai.yaml:11:27: project essai, line "Ligne", year 2027: unknown name facteur_electricte (did you mean "facteur_electricite"?)`,
		snippet: "   11 |     values: {2027: 8000 * facteur_electricte}\n" +
			"      |                           ^",
	}, {
		name: "unknown requesting member",
		files: map[string]string{"evaluation.yaml": projectsEvaluation,
			"essai.yaml": projectsRequest("ville, metropol", "financial", "{2027: 1000}", "")},
		stage: "compile",
		want:  `p/essai.yaml:4:25: project essai: "metropol" is not a member (did you mean "metropole"?)`,
	}, {
		name:  "missing evaluation file",
		files: map[string]string{"essai.yaml": projectsRequest("ville", "financial", "{2027: 1000}", "")},
		stage: "load",
		want:  `p: no evaluation settings (a file with an evaluation: section) among the project files`,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, text := range tc.files {
				fsys["projets/"+name] = &fstest.MapFile{Data: []byte(text)}
			}
			var err error
			stage := "load"
			ps, err := scenarios.LoadProjects(fsys, "projets", "p")
			if err == nil {
				stage = "compile"
				var c *scenarios.Compiled
				if c, err = ps.Compile(m, nil); err == nil {
					stage = "assess"
					_, err = projectsAssess(t, m, c)
				}
			}
			if err == nil {
				t.Fatalf("no error, want %s", tc.want)
			}
			list := diag.Flatten(err)
			t.Logf("%s\n%s", stage, list.Detail())
			if stage != tc.stage {
				t.Errorf("error at %s, want at %s", stage, tc.stage)
			}
			if len(list) != 1 {
				t.Errorf("%d errors, want 1", len(list))
			}
			if got := list[0].Error(); got != tc.want {
				t.Errorf("error\n got %s\nwant %s", got, tc.want)
			}
			if detail := list[0].Detail(); !strings.Contains(detail, tc.snippet) {
				t.Errorf("detail\n%s\ndoes not contain\n%s", detail, tc.snippet)
			}
		})
	}
}

// A line reads the rules' values of its year as they stand on 1 January in
// the run: parameters, global rules, per-member rules by member id, and
// last year's values.
func TestProjectLinesReadTheRun(t *testing.T) {
	m := projectsDefaultModel(t)
	body := projectsRequest("ville", "financial", "{2027: 10000 * cle_reference.ville, 2028: previous.cout_moyen_etc}", "")
	fsys := fstest.MapFS{
		"projets/evaluation.yaml": {Data: []byte(projectsEvaluation)},
		"projets/essai.yaml":      {Data: []byte(body)},
	}
	ps, err := scenarios.LoadProjects(fsys, "projets", "p")
	if err != nil {
		t.Fatal(diag.Flatten(err).Detail())
	}
	c, err := ps.Compile(m, nil)
	if err != nil {
		t.Fatal(diag.Flatten(err).Detail())
	}
	set, err := projectsAssess(t, m, c)
	if err != nil {
		t.Fatal(diag.Flatten(err).Detail())
	}
	// The Ville's reference key is 46.20 % from 2026 (deliberation 10-26).
	if got := set[0].Values[0][0].InexactFloat64(); got < 4619.5 || got > 4620.5 {
		t.Errorf("10000 × the Ville's key in 2027 = %g, want about 4620", got)
	}
	// The 2027 cost of an ETC, indexed from the 44,100 EUR of 2026, is
	// what the 2028 line reads as previous, and more than 44,100.
	if got, want := set[0].Values[0][1], set[0].Prices[engine.Staff][0]; !got.Equal(want) || got.InexactFloat64() <= 44100 {
		t.Errorf("previous.cout_moyen_etc in 2028 = %s, want the 2027 ETC cost %s (> 44100)", got, want)
	}
}
