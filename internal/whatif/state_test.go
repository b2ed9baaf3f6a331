package whatif

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/quotepart/quotepart/engine"
	"github.com/shopspring/decimal"
)

func TestParseValid(t *testing.T) {
	s := defaultSimulator(t)
	dec := decimal.RequireFromString
	tests := []struct {
		query string
		want  State
	}{
		{"", State{Scenario: "convention-2026"}},
		{"scenario=sans-ccas&compare=convention-2026", State{Scenario: "sans-ccas", Compare: "convention-2026"}},
		{"compare=convention-2026", State{Scenario: "convention-2026"}},
		{"etc.etc_cellule_numerique_confiance.2027=2&etc.etc_dsi.2026=-1,5&etc.etc_dsi.2028=0", State{Scenario: "convention-2026",
			Staff: []StaffChange{{"etc_dsi", 2026, dec("-1.5")}, {"etc_cellule_numerique_confiance", 2027, dec("2")}}}},
		// French typing: comma, narrow no-break space between thousands, a
		// plus sign, the minus sign U+2212.
		{"p.cible_refacturation_ccas=20%E2%80%AF000&p.taux_frais_gestion=%2B3,5&p.taux_frais_gestion.from=2027&etc.etc_dsi.2027=%E2%88%921",
			State{Scenario: "convention-2026", Staff: []StaffChange{{"etc_dsi", 2027, dec("-1")}},
				Params: []ParamChange{{"taux_frais_gestion", dec("3.5"), 2027}, {"cible_refacturation_ccas", dec("20000"), 2026}}}},
		{"nm.date=2028-01-01&nm.population=9727&nm.label=Darn%C3%A9tal", State{Scenario: "convention-2026",
			Member: &NewMember{Label: "Darnétal", Joined: engine.NewDate(2028, 1, 1), Population: dec("9727")}}},
		{"nm.date=2027-07-01&nm.population=12000", State{Scenario: "convention-2026",
			Member: &NewMember{Label: "Nouveau membre", Joined: engine.NewDate(2027, 7, 1), Population: dec("12000")}}},
		{"adh.ccas=2027-07-01", State{Scenario: "convention-2026", Join: &MemberJoin{Member: "ccas", Joined: engine.NewDate(2027, 7, 1)}}},
		// The scenario's own date is no change.
		{"adh.ccas=2026-01-01", State{Scenario: "convention-2026"}},
		{"projets=ged-archives,identite-mfa", State{Scenario: "convention-2026", Projects: []string{"ged-archives", "identite-mfa"}, ProjectsSet: true}},
		// An empty list on a scenario without portfolio is its default.
		{"projets=", State{Scenario: "convention-2026"}},
		// Empty fields are no change.
		{"etc.etc_dsi.2027=&p.taux_frais_gestion=&nm.label=X", State{Scenario: "convention-2026"}},
	}
	for _, tt := range tests {
		got, err := s.Parse(tt.query)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.query, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q)\n got %+v\nwant %+v", tt.query, got, tt.want)
		}
		// The state's own query gives the same state back.
		again, err := s.Parse(got.Query(s).Encode())
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Errorf("Parse(Query(%q)) = %+v, %v; want %+v", tt.query, again, err, got)
		}
	}
}

func TestParseProjectsDefault(t *testing.T) {
	s := defaultSimulator(t)
	b := s.Base("sdsi-2027-2030")
	ids := b.portfolioIDs()
	if len(ids) < 2 {
		t.Fatalf("sdsi-2027-2030 adopts %v", ids)
	}
	// The scenario's own list, in another order, is no change.
	reversed := make([]string, len(ids))
	for i, id := range ids {
		reversed[len(ids)-1-i] = id
	}
	st, err := s.Parse("scenario=sdsi-2027-2030&projets=" + strings.Join(reversed, ","))
	if err != nil || st.ProjectsSet {
		t.Errorf("the scenario's own projects: %+v, %v; want no change", st, err)
	}
	st, err = s.Parse("scenario=sdsi-2027-2030&projets=" + ids[0])
	if err != nil || !st.ProjectsSet || !reflect.DeepEqual(st.Projects, ids[:1]) {
		t.Errorf("one project kept: %+v, %v", st, err)
	}
}

func TestParseProblems(t *testing.T) {
	s := defaultSimulator(t)
	long := strings.Repeat("a", MaxValueBytes+1)
	many := url.Values{}
	for i := range MaxFields + 1 {
		many.Set("x"+strings.Repeat("y", i%5)+string(rune('a'+i%26))+string(rune('a'+i/26)), "1")
	}
	tests := []struct {
		query, field, want string
	}{
		{"scenario=inconnu", "scenario", "scénario inconnu « inconnu »"},
		{"compare=inconnu", "compare", "scénario de comparaison inconnu"},
		{"etc.etc_dsi.2027=abc", "etc.etc_dsi.2027", "« abc » n'est pas un nombre"},
		{"etc.etc_dsi.2027=1e3", "etc.etc_dsi.2027", "n'est pas un nombre"},
		{"etc.etc_dsi.2027=NaN", "etc.etc_dsi.2027", "n'est pas un nombre"},
		{"etc.etc_dsi.2027=0x10", "etc.etc_dsi.2027", "n'est pas un nombre"},
		{"etc.etc_dsi.2027=1,234", "etc.etc_dsi.2027", "au plus 2 décimales"},
		{"etc.etc_dsi.2027=1001", "etc.etc_dsi.2027", "hors limites"},
		{"etc.etc_dsi.2027=-91", "etc.etc_dsi.2027", "l'effectif deviendrait négatif (-0,5 ETC au 1er janvier 2027)"},
		// The PMO office has 1 post from 2026: -1 in 2027 then -1 in 2029
		// would leave -1.
		{"etc.etc_bureau_pmo.2027=-1&etc.etc_bureau_pmo.2029=-1", "etc.etc_bureau_pmo.2027", "l'effectif deviendrait négatif (-1 ETC au 1er janvier 2029)"},
		{"etc.etc_dsi.2031=1", "etc.etc_dsi.2031", "paramètre inconnu « etc.etc_dsi.2031 »"},
		{"etc.etc_reference_convention.2027=1", "etc.etc_reference_convention.2027", "paramètre inconnu"},
		{"p.taux_frais_gestion=101", "p.taux_frais_gestion", "hors limites (entre 0 et 100\u00a0%)"},
		{"p.taux_frais_gestion=-1", "p.taux_frais_gestion", "hors limites"},
		{"p.cible_refacturation_ccas=-5", "p.cible_refacturation_ccas", "hors limites (entre 0 et 1\u202f000\u202f000\u202f000\u00a0€)"},
		{"p.taux_frais_gestion=3&p.taux_frais_gestion.from=2040", "p.taux_frais_gestion.from", "n'est pas une année du scénario (2026 à 2030)"},
		{"p.taux_frais_gestion=3&p.taux_frais_gestion.from=deux", "p.taux_frais_gestion.from", "n'est pas une année"},
		{"p.taux_gvt=3", "p.taux_gvt", "paramètre inconnu"},
		{"p.taux_frais_gestion=0,1234567", "p.taux_frais_gestion", "au plus 6 décimales"},
		{"nm.date=2028-01-01", "nm.date", "indiquez sa date d'adhésion et sa population"},
		{"nm.date=2028-13-01&nm.population=10", "nm.date", "n'est pas une date"},
		{"nm.date=2024-06-01&nm.population=10", "nm.date", "doit tomber dans les années du scénario, 2026 à 2030"},
		{"nm.date=2028-01-01&nm.population=0", "nm.population", "entre 1 et 10\u202f000\u202f000 habitants"},
		{"nm.date=2028-01-01&nm.population=12,5", "nm.population", "un nombre entier est attendu"},
		{"nm.date=2028-01-01&nm.population=10&nm.label=" + strings.Repeat("é", MaxLabelRunes+1), "nm.label", "trop long (81 caractères, au plus 80)"},
		{"nm.date=2028-01-01&nm.population=10&nm.label=a%0Ab", "nm.label", "caractères de contrôle"},
		{"scenario=nouveau-membre&nm.date=2027-01-01&nm.population=10", "nm.date", "la clé de référence change le 1er janvier 2028"},
		{"adh.ccas=2025-01-01", "adh.ccas", "la page ne sait que retarder une adhésion, prévue le 1er janvier 2026"},
		{"adh.ccas=2031-01-01", "adh.ccas", "jusqu'à 2030"},
		{"adh.ccas=demain", "adh.ccas", "n'est pas une date"},
		{"adh.ville=2027-01-01", "adh.ville", "paramètre inconnu"},
		{"scenario=nouveau-membre&adh.ccas=2027-01-01", "adh.ccas", "la clé de référence change encore le 1er janvier 2028"},
		{"scenario=sans-ccas&adh.ccas=2027-01-01", "adh.ccas", "paramètre inconnu"},
		{"projets=inconnu", "projets", "projet inconnu « inconnu »"},
		{"projets=ged-archives,ged-archives", "projets", "donné deux fois"},
		{"scenario=sdsi-2027-2030&projets=", "projets", "gardez-en au moins un"},
		{"etc.etc_dsi.2027=1&etc.etc_dsi.2027=2", "etc.etc_dsi.2027", "donné 2 fois"},
		{"etc.etc_dsi.2027=" + long, "etc.etc_dsi.2027", "trop longue"},
		{"nm.label=%FF&nm.date=2028-01-01&nm.population=1", "nm.label", "UTF-8"},
		{"%ZZ=1", "", "mal formée"},
		{"a=%", "", "mal formée"},
		{strings.Repeat("x", MaxQueryBytes+1), "", "trop longue"},
		{many.Encode(), "", "trop de paramètres"},
		{"bonjour=1", "bonjour", "paramètre inconnu « bonjour »"},
	}
	for _, tt := range tests {
		_, err := s.Parse(tt.query)
		ps, ok := err.(Problems)
		if !ok || len(ps) == 0 {
			t.Errorf("Parse(%.60q) = %v, want a problem with %q", tt.query, err, tt.want)
			continue
		}
		found := false
		for _, p := range ps {
			if p.Field == tt.field && strings.Contains(p.Message, tt.want) {
				found = true
			}
		}
		if !found {
			t.Errorf("Parse(%.60q) = %q, want on field %q a message with %q", tt.query, ps, tt.field, tt.want)
		}
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	s := defaultSimulator(t)
	_, err := s.Parse("etc.etc_dsi.2027=abc&p.taux_frais_gestion=200&projets=x&inconnu=1")
	ps, _ := err.(Problems)
	fields := map[string]bool{}
	for _, p := range ps {
		fields[p.Field] = true
	}
	for _, f := range []string{"etc.etc_dsi.2027", "p.taux_frais_gestion", "projets", "inconnu"} {
		if !fields[f] {
			t.Errorf("no problem reported on %s: %v", f, ps)
		}
	}
}

func TestAdjustable(t *testing.T) {
	s := defaultSimulator(t)
	b := s.Default()
	names := func(ps []Param) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Name)
		}
		return out
	}
	if got, want := names(b.Units), []string{"etc_dsi", "etc_bureau_pmo", "etc_cellule_numerique_confiance"}; !reflect.DeepEqual(got, want) {
		t.Errorf("units = %v, want %v", got, want)
	}
	if got, want := names(b.KeyParams), []string{"part_ville_convention_2024", "cible_refacturation_ccas", "etc_reference_convention", "cout_moyen_etc_2026"}; !reflect.DeepEqual(got, want) {
		t.Errorf("key parameters = %v, want %v", got, want)
	}
	if b.FeeParam == nil || b.FeeParam.Name != "taux_frais_gestion" || !b.FeeParam.Percent {
		t.Errorf("fee parameter = %+v, want taux_frais_gestion in percent", b.FeeParam)
	}
}
