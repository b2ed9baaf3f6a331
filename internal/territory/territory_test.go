package territory

import (
	"testing"
)

// The embedded file is the whole edition: 1,255 EPCI, 34,871 communes,
// and CC Coeur Côte Fleurie (the example of the README) with its twelve
// communes.
func TestData(t *testing.T) {
	d, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(d.EPCIs()); n != 1255 {
		t.Errorf("%d EPCI, want 1255", n)
	}
	if n := d.CommuneCount(); n != 34871 {
		t.Errorf("%d communes, want 34871", n)
	}
	e, ok := d.EPCI("241400415")
	if !ok {
		t.Fatal("241400415 not found")
	}
	if e.Name != "CC Coeur Côte Fleurie" || e.Kind != "CC" || len(e.Communes) != 12 {
		t.Errorf("got %s (%s), %d communes", e.Name, e.Kind, len(e.Communes))
	}
	if c := e.Communes[0]; c.Name != "Trouville-sur-Mer" || c.INSEE != "14715" || c.Population != 4679 || c.MunicipalPopulation != 4624 || c.EPCI != e {
		t.Errorf("first commune %+v", *c)
	}
	if p := e.Population(); p != 21024 {
		t.Errorf("population %d, want 21024", p)
	}
	rouen, _ := d.EPCI("200023414")
	if rouen == nil || len(rouen.Communes) != 71 || rouen.Population() != 507654 {
		t.Errorf("Métropole Rouen Normandie: %+v", rouen)
	}
	if c, ok := d.Commune("76540"); !ok || c.Name != "Rouen" || c.Population != 117853 || c.EPCI != rouen {
		t.Errorf("Rouen: %+v", c)
	}
	if c, ok := d.Commune("2a004"); !ok || c.Name != "Ajaccio" {
		t.Errorf("2A004 (Ajaccio, lower case asked): %+v", c)
	}
}

func TestSearch(t *testing.T) {
	d, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"coeur cote fleurie", "CŒUR Côte-Fleurie", "2414004"} {
		got := d.SearchEPCI(q)
		if len(got) != 1 || got[0].SIREN != "241400415" {
			t.Errorf("SearchEPCI(%q) = %v", q, names(got))
		}
	}
	if got := d.SearchEPCI("  "); got != nil {
		t.Errorf("empty search: %v", names(got))
	}
	// Exact names first, then by name.
	got := d.SearchEPCI("rouen")
	if len(got) == 0 || got[0].SIREN != "200023414" {
		t.Errorf("SearchEPCI(rouen) = %v", names(got))
	}
	cs := d.SearchCommune("trouville sur mer")
	if len(cs) != 1 || cs[0].INSEE != "14715" {
		t.Errorf("SearchCommune(trouville sur mer): %d found", len(cs))
	}
	if cs := d.SearchCommune("trouville"); len(cs) < 2 {
		t.Errorf("SearchCommune(trouville): %d found, want Trouville-sur-Mer and others", len(cs))
	}
}

func TestNear(t *testing.T) {
	d, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	found := func(es []*EPCI, siren string) bool {
		for _, e := range es {
			if e.SIREN == siren {
				return true
			}
		}
		return false
	}
	for _, typo := range []string{"241400416", "244100415", "241400451"} {
		if !found(d.NearSIREN(typo), "241400415") {
			t.Errorf("NearSIREN(%s) = %v", typo, names(d.NearSIREN(typo)))
		}
	}
	if got := d.NearSIREN("241400415"); found(got, "241400415") {
		t.Error("a SIREN is not a typo of itself")
	}
	if got := d.NearINSEE("14716"); len(got) == 0 {
		t.Error("NearINSEE(14716): nothing")
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Saint-Gatien-des-Bois": "saint gatien des bois",
		"CC Cœur Côte Fleurie":  "cc coeur cote fleurie",
		"L'Haÿ-les-Roses":       "l hay les roses",
		"  Évreux  ":            "evreux",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func names(es []*EPCI) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.SIREN+" "+e.Name)
	}
	return out
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parse(compressed); err != nil {
			b.Fatal(err)
		}
	}
}
