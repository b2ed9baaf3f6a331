package whatif

import (
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

func TestParseVariants(t *testing.T) {
	s := defaultSimulator(t)
	q := "compare=sans-ccas&etc.etc_dsi.2027=1&v2.p.taux_frais_gestion=4&v2.scenario=evolution-etc&v3.scenario=convention-2026&variante=3"
	v, err := s.ParseVariants(q)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.States) != 3 || v.Active != 2 {
		t.Fatalf("%d variants, editing %d: %+v", len(v.States), v.Active, v)
	}
	// Every variant is compared with the first's base.
	for i, st := range v.States {
		if st.Compare != "sans-ccas" {
			t.Errorf("variant %d is compared with %q, want sans-ccas", i, st.Compare)
		}
	}
	if len(v.States[0].Staff) != 1 || v.States[1].Scenario != "evolution-etc" || len(v.States[1].Params) != 1 || v.States[2].Scenario != "convention-2026" {
		t.Errorf("states: %+v", v.States)
	}
	if got := v.Query(s).Encode(); got != q {
		t.Errorf("Query() = %s\nwant      %s", got, q)
	}
	// Without compare, the others are compared with the first's scenario.
	v, err = s.ParseVariants("scenario=evolution-etc&v2.scenario=sans-ccas")
	if err != nil || v.States[1].Compare != "evolution-etc" || v.States[0].Compare != "" {
		t.Errorf("the base of variant B: %+v (%v)", v.States, err)
	}

	bad := []struct{ query, field, msg string }{
		{"v3.scenario=sans-ccas", "v3.scenario", "la variante C est donnée sans la variante B"},
		{"v2.scenario=sans-ccas&variante=4", "variante", "n'existe pas"},
		{"v2.etc.etc_dsi.2027=x", "v2.etc.etc_dsi.2027", "variante B : ETC de la DSI, 2027 : « x » n'est pas un nombre"},
		{"v2.scenario=inconnu", "v2.scenario", "variante B : scénario inconnu « inconnu »"},
	}
	for _, tc := range bad {
		_, err := s.ParseVariants(tc.query)
		var ps Problems
		if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Field != tc.field || !strings.Contains(ps[0].Message, tc.msg) {
			t.Errorf("ParseVariants(%q) = %v, want one problem on %s: %q", tc.query, err, tc.field, tc.msg)
		}
	}
}

// TestVariantsSideBySide: the side-by-side table gives, for each variant,
// each member's amount over the years that the variant alone gives.
func TestVariantsSideBySide(t *testing.T) {
	h := NewHandler(defaultSimulator(t), Options{Rate: -1})
	w := get(t, h, "/resultats?etc.etc_dsi.2027=2&v2.scenario=sans-ccas&v2.p.taux_frais_gestion=4&v3.scenario=nouveau-membre")
	if w.Code != http.StatusOK {
		t.Fatalf("GET /resultats = %d\n%s", w.Code, w.Body)
	}
	body := w.Body.String()
	alone := map[string]string{
		"a": "/resultats?etc.etc_dsi.2027=2",
		"b": "/resultats?scenario=sans-ccas&p.taux_frais_gestion=4&compare=convention-2026",
		"c": "/resultats?scenario=nouveau-membre&compare=convention-2026",
	}
	total := regexp.MustCompile(`id="montant-ville-total" data-valeur="([0-9.-]+)"`)
	for letter, q := range alone {
		want := total.FindStringSubmatch(get(t, h, q).Body.String())
		got := regexp.MustCompile(`id="montant-` + letter + `-ville" data-valeur="([0-9.-]+)"`).FindStringSubmatch(body)
		if want == nil || got == nil || got[1] != want[1] {
			t.Errorf("variant %s: the Ville over the years is %v side by side, %v alone", letter, got, want)
		}
	}
	for _, want := range []string{"Les variantes côte à côte, sur 2026–2030", `<th scope="col">Variante C</th>`, "Ville de Darnétal<span class=\"note\">nouveau membre</span>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the side-by-side results lack %q", want)
		}
	}
}

// TestNewMemberApart: a new member's bill is shown apart, not as a change
// of the table nor as a bar of the chart; the page shows no timing.
func TestNewMemberApart(t *testing.T) {
	h := NewHandler(defaultSimulator(t), Options{Rate: -1})
	body := get(t, h, "/?etc.etc_cellule_numerique_confiance.2027=2&nm.date=2028-01-01&nm.label=Darn%C3%A9tal&nm.population=9727").Body.String()
	if strings.Contains(body, `id="membre-nouveau_membre"`) {
		t.Error("the new member is a column of the table of changes")
	}
	if !strings.Contains(body, "Darnétal : nouveau membre</h3>") || !regexp.MustCompile(`id="montant-nouveau_membre-2028" data-valeur="179235.46" class="nouveau">179\x{202f}235,46\x{a0}€</td>`).MatchString(body) {
		t.Error("the new member's bill is not shown apart")
	}
	if regexp.MustCompile(`<rect class="s3"`).MatchString(body) || strings.Contains(body, "<li><span class=\"sw s3\" aria-hidden=\"true\"></span> Darnétal</li>") {
		t.Error("the new member is drawn on the chart of changes")
	}
	// The key messages: a sentence per member, the new member's without a
	// change; and the words of the page explained.
	for _, want := range []string{
		"<h2>Ce qu'il faut retenir</h2>",
		"<li>Darnétal, nouveau membre : paierait 546\u00a0k€ sur 2028–2030.</li>",
		"<li>Métropole Rouen Normandie : supporterait 12,26\u00a0M€ sur 2026–2030, soit -83\u00a0k€ (-0,67\u00a0%) par rapport à « Convention 2026 (référence) ».</li>",
		"<summary>Les mots de la page</summary>",
		"<dt>Clé de répartition</dt>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, noise := range []string{"Calculé en", "déjà calculé", "Mis à jour en", " ms."} {
		if strings.Contains(body, noise) {
			t.Errorf("the page shows timing: %q", noise)
		}
	}
}

func TestFormFragmentAndStatus(t *testing.T) {
	s := defaultSimulator(t)
	h := NewHandler(s, Options{Rate: -1})
	w := get(t, h, "/formulaire?scenario=evolution-etc&etc.etc_dsi.2028=1")
	body := w.Body.String()
	if w.Code != http.StatusOK || !strings.HasPrefix(body, `<div id="champs">`) || !strings.Contains(body, `id="etc.etc_dsi.2028" value="1"`) || strings.Contains(body, "<html") {
		t.Errorf("GET /formulaire = %d\n%.300s", w.Code, body)
	}
	status := func() (gen int64, msg string) {
		var st struct {
			Generation int64
			Error      string
		}
		if err := json.Unmarshal(get(t, h, "/etat").Body.Bytes(), &st); err != nil {
			t.Fatal(err)
		}
		return st.Generation, st.Error
	}
	if g, e := status(); g != 1 || e != "" {
		t.Errorf("/etat = %d %q, want generation 1", g, e)
	}
	before := get(t, h, "/resultats?etc.etc_dsi.2027=1")
	h.Refuse(errors.New("rules/regles.yaml:3:5: unknown name ccass"))
	if g, e := status(); g != 1 || !strings.Contains(e, "unknown name ccass") {
		t.Errorf("after Refuse, /etat = %d %q", g, e)
	}
	if page := get(t, h, "/").Body.String(); !strings.Contains(page, "Les fichiers de règles modifiés ne se chargent pas") || !strings.Contains(page, "unknown name ccass") {
		t.Error("the page does not show why the rules do not load")
	}
	h.Swap(s)
	if g, e := status(); g != 2 || e != "" {
		t.Errorf("after Swap, /etat = %d %q, want generation 2 and no error", g, e)
	}
	// The cache forgets what the old rules computed.
	if w := get(t, h, "/resultats?etc.etc_dsi.2027=1"); w.Header().Get("Server-Timing") == "cache" || w.Body.String() != before.Body.String() {
		t.Errorf("after Swap: Server-Timing %q; same results: %v", w.Header().Get("Server-Timing"), w.Body.String() == before.Body.String())
	}
}
