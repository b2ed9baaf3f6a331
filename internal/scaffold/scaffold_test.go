package scaffold

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/quotepart/quotepart/engine"
	"go.yaml.in/yaml/v3"
)

// yamlText writes text YAML reads back unchanged.
func TestYAMLText(t *testing.T) {
	for _, s := range []string{
		"Trouville-sur-Mer", "L'Haÿ-les-Roses", "Service commun — CC Coeur Côte Fleurie",
		"La population : comptée une fois.", "a #hash", "true", "Non", "2026", "0.5", "- tiret", "[crochet]",
		"fin:", "Saint-Pierre-Azif", "« guillemets »", `"quoted"`, "tab\there", "ligne\nsuivante", " espace", "x",
	} {
		var got string
		if err := yaml.Unmarshal([]byte("v: "+yamlText(s)), &struct{ V *string }{&got}); err != nil {
			t.Errorf("%q → %s: %v", s, yamlText(s), err)
			continue
		}
		if got != s {
			t.Errorf("%q → %s → %q", s, yamlText(s), got)
		}
	}
	if got := yamlText("Trouville-sur-Mer"); got != "Trouville-sur-Mer" {
		t.Errorf("a plain name is quoted: %s", got)
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Saint-Gatien-des-Bois": "saint_gatien_des_bois",
		"CC Cœur Côte Fleurie":  "cc_coeur_cote_fleurie",
		"L'Haÿ-les-Roses":       "l_hay_les_roses",
		"1er arrondissement":    "m_1er_arrondissement",
		"***":                   "membre",
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidate(t *testing.T) {
	a := Member{ID: "a", Kind: "commune", Population: 1}
	b := Member{ID: "b", Kind: "commune", Population: 2}
	start := engine.NewDate(2026, time.January, 1)
	for _, tc := range []struct {
		spec Spec
		want string
	}{
		{Spec{Communes: []Member{a}, Manager: "a", Key: KeyEqual, Start: start, To: 2026}, "at least two members"},
		{Spec{Communes: []Member{a, a}, Manager: "a", Key: KeyEqual, Start: start, To: 2026}, "member id a is given twice"},
		{Spec{Communes: []Member{a, b}, Manager: "c", Key: KeyEqual, Start: start, To: 2026}, `the manager "c" is not a member`},
		{Spec{Communes: []Member{a, b}, Manager: "a", Key: "x", Start: start, To: 2026}, `unknown key "x"`},
		{Spec{Communes: []Member{a, b}, Manager: "a", Key: KeyEqual, Start: start, To: 2025}, "not in order"},
		{Spec{Communes: []Member{a, {ID: "b-c"}}, Manager: "a", Key: KeyEqual, Start: start, To: 2026}, "not made of letters"},
	} {
		if _, _, err := Files(tc.spec); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %s", tc.spec, err, tc.want)
		}
	}
}

// The CI example runs the same three command lines as docs/ci.md.
func TestCIExample(t *testing.T) {
	doc, err := os.ReadFile("../../docs/ci.md")
	if err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile(`(?m)^\s+- (quotepart [a-z]+ .*)$`)
	var want []string
	for _, m := range line.FindAllStringSubmatch(string(doc), -1) {
		want = append(want, strings.TrimSpace(strings.SplitN(m[1], "#", 2)[0]))
	}
	if len(want) < 3 {
		t.Fatalf("docs/ci.md: %d command lines found", len(want))
	}
	for _, w := range want[:3] {
		if !strings.Contains(string(ciExample), "- "+w+"\n") {
			t.Errorf("the CI example lacks %q", w)
		}
	}
}
