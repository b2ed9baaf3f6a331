package scenarios_test

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
	"github.com/quotepart/quotepart/scenarios"
	"github.com/shopspring/decimal"
)

// planEvaluation is an evaluation settings file with two criteria and two
// commitments, one of them following the environmental dimension.
const planEvaluation = projectsEvaluation + `  scoring:
    out_of: 100
    criteria:
      alignement:
        label: Alignement
        weight: 0.6
        scale: {from: 0, to: 3}
      risque:
        label: Risque
        weight: 0.4
        scale: {from: 0, to: 3}
        better: lower
  commitments:
    duree_vie:
      label: Durée de vie
      unit: ans
      better: higher
      baseline: {2026: 5}
      targets: {2028: 6}
    carbone:
      label: Émissions
      unit: tCO2e
      better: lower
      baseline: {2027: 100}
      targets: {2030: 90}
      dimension: environmental
      scale: 0.001
  limits:
    budget: {2027: 1000, 2028: 1000}
`

// planRequest is a request file: id, its project: keys beyond the usual
// ones, and its top-level keys beyond lines.
func planRequest(id, header, extra string) string {
	return `project:
  id: ` + id + `
  title: Essai ` + id + `
  requested_by: [ville]
  category: test
  years: {from: 2027, to: 2028}
` + header + `lines:
  - label: Ligne
    dimension: financial
    side: effort
    values: {2027: 100}
scores:
  alignement: {score: 2, justification: Pourquoi.}
  risque: {score: 1, justification: Pourquoi.}
` + extra
}

func planCompile(t *testing.T, files map[string]string) (*scenarios.Compiled, error) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, text := range files {
		fsys["projets/"+name] = &fstest.MapFile{Data: []byte(text)}
	}
	ps, err := scenarios.LoadProjects(fsys, "projets", "p")
	if err != nil {
		return nil, err
	}
	return ps.Compile(projectsDefaultModel(t), nil)
}

func TestPlanCompiles(t *testing.T) {
	c, err := planCompile(t, map[string]string{"evaluation.yaml": planEvaluation,
		"a.yaml": planRequest("a", "  mandatory: true\n  mandatory_reason: Sécurité.\n", ""),
		"b.yaml": planRequest("b", "  start: {from: 2028, to: 2029}\n  requires: [{project: a, lag: 1}]\n  excludes: [c]\n",
			"commitments:\n  duree_vie: {values: {2027: 0.5, 2028: 1}, justification: Reconditionnement.}\n"),
		"c.yaml": planRequest("c", "", ""),
	})
	if err != nil {
		t.Fatal(diag.Flatten(err).Detail())
	}
	a, b := c.Projects[0], c.Projects[1]
	if !a.Mandatory || a.MandatoryReason != "Sécurité." || b.Earliest != 2028 || b.Latest != 2029 ||
		len(b.Requires) != 1 || b.Requires[0].ID != "a" || b.Requires[0].Lag != 1 || len(b.Excludes) != 1 || b.Excludes[0] != "c" {
		t.Errorf("a %+v\nb %+v", a, b)
	}
	if len(b.Effects) != 1 || b.Effects[0].CommitmentID != "duree_vie" || len(b.Effects[0].Values) != 2 {
		t.Errorf("effects %+v", b.Effects)
	}
	if got := c.Scoring.Weighted(&a); !got.Equal(projDec("66.6667")) { // 100 × (0.6 × 2/3 + 0.4 × 2/3)
		t.Errorf("score %s", got)
	}
	duree, carbone := c.Commitments[0], c.Commitments[1]
	if len(duree.Baseline) != 4 || !duree.Baseline[3].Equal(projDec("5")) || !duree.HasTarget[1] || duree.HasTarget[0] || duree.Dim != -1 {
		t.Errorf("duree_vie %+v", duree)
	}
	if carbone.Dim != engine.Carbon || !carbone.Scale.Equal(projDec("0.001")) || carbone.Better != engine.Lower {
		t.Errorf("carbone %+v", carbone)
	}
	if len(c.Limits.Budget) != 2 || c.Limits.Staff != nil {
		t.Errorf("limits %+v", c.Limits)
	}
}

func TestPlanErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{{
		name: "a cycle of requirements",
		files: map[string]string{"a.yaml": planRequest("a", "  requires: [{project: b}]\n", ""),
			"b.yaml": planRequest("b", "  requires: [{project: a}]\n", "")},
		want: `p/a.yaml:2:7: the requirements form a cycle: a → b → a`,
	}, {
		name: "a mandatory request its requirement leaves no start",
		files: map[string]string{"a.yaml": planRequest("a", "  start: {from: 2028, to: 2029}\n", ""),
			"b.yaml": planRequest("b", "  mandatory: true\n  start: {from: 2027, to: 2029}\n  requires: [{project: a, lag: 2}]\n", "")},
		want: `p/b.yaml:8:27: mandatory project b can start in no year of its window 2027–2029: it requires a started at least 2 year(s) before, and a starts in 2028 at the earliest`,
	}, {
		name: "mandatory alternatives",
		files: map[string]string{"a.yaml": planRequest("a", "  mandatory: true\n  excludes: [b]\n", ""),
			"b.yaml": planRequest("b", "  mandatory: true\n", "")},
		want: `p/a.yaml:8:14: projects a and b are alternatives and both mandatory: no selection can hold both`,
	}, {
		name: "an alternative required by a mandatory request",
		files: map[string]string{"a.yaml": planRequest("a", "  mandatory: true\n  requires: [{project: c}]\n", ""),
			"b.yaml": planRequest("b", "  mandatory: true\n  excludes: [c]\n", ""),
			"c.yaml": planRequest("c", "", "")},
		want: `p/b.yaml:8:14: projects b and c are alternatives, yet both must be selected: b is required by mandatory b, c by mandatory a`,
	}, {
		name:  "a start window outside the SDSI years",
		files: map[string]string{"a.yaml": planRequest("a", "  start: {from: 2029, to: 2031}\n", "")},
		want:  `p/a.yaml:7:17: project a: the start window 2029–2031 is outside the evaluation years 2027–2030`,
	}, {
		name:  "an unknown requirement",
		files: map[string]string{"a.yaml": planRequest("a", "  requires: [{project: idenitte-mfa}]\n", ""), "identite-mfa.yaml": planRequest("identite-mfa", "", "")},
		want:  `p/a.yaml:7:24: project a requires an unknown request "idenitte-mfa" (did you mean "identite-mfa"?)`,
	}, {
		name:  "a score outside its scale",
		files: map[string]string{"a.yaml": strings.Replace(planRequest("a", "", ""), "score: 2", "score: 4", 1)},
		want:  `p/a.yaml:13:23: project a: the score 4 on alignement is outside its scale, 0 to 3`,
	}, {
		name:  "a criterion not scored",
		files: map[string]string{"a.yaml": strings.Replace(planRequest("a", "", ""), "  risque: {score: 1, justification: Pourquoi.}\n", "", 1)},
		want:  `p/a.yaml:13:3: project a: no score on risque: score every criterion of the evaluation, with a justification`,
	}, {
		name:  "an unknown criterion",
		files: map[string]string{"a.yaml": planRequest("a", "", "") + "  alignemnt: {score: 1, justification: X.}\n"},
		want:  `p/a.yaml:15:3: project a: unknown criterion "alignemnt" (did you mean "alignement"?); the criteria are alignement or risque`,
	}, {
		name: "weights that do not sum to 1",
		files: map[string]string{"evaluation.yaml": strings.Replace(planEvaluation, "weight: 0.4", "weight: 0.3", 1),
			"a.yaml": planRequest("a", "", "")},
		want: `p/evaluation.yaml:8:13: scoring: the weights sum to 0.9, not 1 (alignement 0.6, risque 0.3); a score out_of 100 needs weights that sum to 1`,
	}, {
		name:  "an effect on an unknown commitment",
		files: map[string]string{"a.yaml": planRequest("a", "", "commitments:\n  duree_de_vie: {values: {2027: 1}, justification: X.}\n")},
		want:  `p/a.yaml:16:3: project a: unknown commitment "duree_de_vie" (did you mean "duree_vie"?); the commitments are duree_vie or carbone`,
	}, {
		name:  "an effect on a commitment that follows a dimension",
		files: map[string]string{"a.yaml": planRequest("a", "", "commitments:\n  carbone: {values: {2027: 1}, justification: X.}\n")},
		want:  `p/a.yaml:16:3: project a: commitment carbone follows the dimension environmental: the request's lines move it, write no effect`,
	}, {
		name: "a limit outside the evaluation years",
		files: map[string]string{"evaluation.yaml": strings.Replace(planEvaluation, "budget: {2027: 1000, 2028: 1000}", "budget: {2026: 1000}", 1),
			"a.yaml": planRequest("a", "", "")},
		want: `p/evaluation.yaml:35:14: limits: budget: "2026" is not a year of the evaluation, 2027–2030`,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, ok := tc.files["evaluation.yaml"]; !ok {
				tc.files["evaluation.yaml"] = planEvaluation
			}
			_, err := planCompile(t, tc.files)
			if err == nil {
				t.Fatalf("no error, want %s", tc.want)
			}
			list := diag.Flatten(err)
			t.Logf("%s", list.Detail())
			if len(list) != 1 {
				t.Errorf("%d errors, want 1", len(list))
			}
			if got := list[0].Error(); got != tc.want {
				t.Errorf("error\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func projDec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// A scenario's portfolio keeps the requests' rules: starts within their
// windows, requirements adopted and started early enough, one of
// alternatives.
func TestPortfolioCheckPlan(t *testing.T) {
	c, err := planCompile(t, map[string]string{"evaluation.yaml": planEvaluation,
		"a.yaml": planRequest("a", "  start: {from: 2027, to: 2028}\n", ""),
		"b.yaml": planRequest("b", "  start: {from: 2027, to: 2029}\n  requires: [{project: a, lag: 1}]\n  excludes: [c]\n", ""),
		"c.yaml": planRequest("c", "", ""),
	})
	if err != nil {
		t.Fatal(diag.Flatten(err).Detail())
	}
	pick := func(ids ...string) []engine.Project {
		var out []engine.Project
		for _, p := range c.Projects {
			if slices.Contains(ids, p.ID) {
				out = append(out, p)
			}
		}
		return out
	}
	portfolio := func(starts map[string]int, ids ...string) *scenarios.Portfolio {
		p := &scenarios.Portfolio{}
		for i, id := range ids {
			p.Projects = append(p.Projects, rules.Text{Node: rules.Node{Set: true, Pos: diag.Pos{File: "s.yaml", Line: 10 + i, Col: 7}}, Value: id})
		}
		for _, id := range slices.Sorted(maps.Keys(starts)) {
			p.Starts.Entries = append(p.Starts.Entries, rules.Entry[rules.Int]{Key: id, KeyPos: diag.Pos{File: "s.yaml", Line: 20, Col: 5},
				Value: rules.Int{Node: rules.Node{Set: true, Pos: diag.Pos{File: "s.yaml", Line: 20, Col: 9}}, Value: starts[id]}})
		}
		return p
	}
	starts, err := portfolio(map[string]int{"b": 2029}, "a", "b").CheckPlan("s", pick("a", "b"))
	if err != nil || starts["a"] != 2027 || starts["b"] != 2029 {
		t.Errorf("a 2027, b 2029: %v, %v", starts, err)
	}
	for _, tc := range []struct {
		starts map[string]int
		ids    []string
		want   string
	}{
		{map[string]int{"b": 2027}, []string{"a", "b"}, "s.yaml:11:7: scenario s: b starts in 2027, but requires a started at least 1 year(s) before, and a starts in 2027"},
		{nil, []string{"b"}, "s.yaml:10:7: scenario s adopts b, which requires a: adopt a too"},
		{map[string]int{"a": 2030}, []string{"a"}, "s.yaml:20:9: scenario s: project a cannot start in 2030: its window is 2027–2028"},
		{map[string]int{"b": 2028}, []string{"a", "b", "c"}, "s.yaml:11:7: scenario s adopts b and c, which are alternatives: keep one"},
	} {
		_, err := portfolio(tc.starts, tc.ids...).CheckPlan("s", pick(tc.ids...))
		if err == nil || diag.Flatten(err)[0].Error() != tc.want {
			t.Errorf("%v %v: %v, want %s", tc.ids, tc.starts, err, tc.want)
		}
	}
}

// The shipped requests carry what a committee decides: security and
// identity mandatory, a requirement, a pair of alternatives, windows to
// schedule in, every request scored with a justification on every
// criterion, and commitments that requests move.
func TestDefaultProjectsPlan(t *testing.T) {
	ps, err := scenarios.LoadProjects(scenarios.Defaults(), scenarios.ProjectsDir, scenarios.DefaultDir+"/"+scenarios.ProjectsDir)
	if err != nil {
		t.Fatal(diag.Flatten(err).Detail())
	}
	c, err := ps.Compile(projectsDefaultModel(t), nil)
	if err != nil {
		t.Fatal(diag.Flatten(err).Detail())
	}
	byID := map[string]engine.Project{}
	requirements, alternatives, scheduled := 0, 0, 0
	for _, p := range c.Projects {
		byID[p.ID] = p
		requirements += len(p.Requires)
		alternatives += len(p.Excludes)
		if p.Scheduled() {
			scheduled++
		}
		if len(p.Scores) != len(c.Scoring.Criteria) {
			t.Errorf("%s: %d scores for %d criteria", p.ID, len(p.Scores), len(c.Scoring.Criteria))
		}
		for i, s := range p.Scores {
			if strings.TrimSpace(s.Justification) == "" {
				t.Errorf("%s: no justification of its score on %s", p.ID, c.Scoring.Criteria[i].ID)
			}
		}
	}
	for _, id := range []string{"soc-mutualise", "identite-mfa"} {
		if p := byID[id]; !p.Mandatory || p.MandatoryReason == "" {
			t.Errorf("%s: mandatory %v, reason %q", id, p.Mandatory, p.MandatoryReason)
		}
	}
	if requirements == 0 || alternatives == 0 || scheduled < 5 {
		t.Errorf("%d requirements, %d alternatives, %d requests with a window", requirements, alternatives, scheduled)
	}
	if c.Scoring == nil || !c.Scoring.OutOf.IsPositive() || len(c.Scoring.Criteria) < 3 {
		t.Errorf("scoring %+v", c.Scoring)
	}
	moved := map[string]bool{}
	for _, p := range c.Projects {
		for _, e := range p.Effects {
			moved[e.CommitmentID] = true
		}
	}
	for _, cm := range c.Commitments {
		if !moved[cm.ID] && cm.Dim < 0 {
			t.Errorf("commitment %s: no request moves it", cm.ID)
		}
		if cm.Source == "" && cm.Assumption == "" {
			t.Errorf("commitment %s: neither source nor assumption", cm.ID)
		}
		if !slices.Contains(cm.HasTarget, true) {
			t.Errorf("commitment %s: no target", cm.ID)
		}
	}
	if len(c.Commitments) < 3 || len(c.Limits.Budget) != 4 || len(c.Limits.Staff) != 4 {
		t.Errorf("%d commitments, limits %+v", len(c.Commitments), c.Limits)
	}
}
