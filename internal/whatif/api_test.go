package whatif

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// do sends a request to the handler with a body of the given type.
func do(t *testing.T, h http.Handler, method, target, contentType, body string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, "http://127.0.0.1"+target, strings.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// apiSchemas compiles the API's description: valid against the OpenAPI
// 3.1 schema, and its own schemas usable to validate its answers.
func apiSchemas(t *testing.T, h http.Handler) map[string]*jsonschema.Schema {
	t.Helper()
	w := get(t, h, "/api/v1/openapi.json")
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("GET /api/v1/openapi.json = %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	desc, err := jsonschema.UnmarshalJSON(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("testdata/openapi/schema-3.1.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	meta, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	const metaURL = "https://spec.openapis.org/oas/3.1/schema/2025-11-23"
	c := jsonschema.NewCompiler()
	if err := c.AddResource(metaURL, meta); err != nil {
		t.Fatal(err)
	}
	oas, err := c.Compile(metaURL)
	if err != nil {
		t.Fatalf("the OpenAPI 3.1 schema does not compile: %v", err)
	}
	if err := oas.Validate(desc); err != nil {
		t.Fatalf("web/openapi.json is not a valid OpenAPI 3.1 document:\n%v", err)
	}
	// Its schemas, as JSON Schema 2020-12.
	const descURL = "https://quotepart.invalid/api/v1/openapi.json"
	c = jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(descURL, desc); err != nil {
		t.Fatal(err)
	}
	out := map[string]*jsonschema.Schema{}
	for _, name := range []string{"Scenarios", "Run", "Trace", "Error", "WhatIf"} {
		s, err := c.Compile(descURL + "#/components/schemas/" + name)
		if err != nil {
			t.Fatalf("schema %s: %v", name, err)
		}
		out[name] = s
	}
	return out
}

func validateAnswer(t *testing.T, s *jsonschema.Schema, what string, body []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s: not JSON: %v\n%.300s", what, err, body)
	}
	if err := s.Validate(doc); err != nil {
		t.Errorf("%s does not match the API's description:\n%v", what, err)
	}
}

// TestOpenAPI: the description validates against the OpenAPI 3.1 schema,
// and every answer of the API validates against the schema it declares.
func TestOpenAPI(t *testing.T) {
	h := NewHandler(defaultSimulator(t), Options{Rate: -1})
	schemas := apiSchemas(t, h)

	w := get(t, h, "/api/v1/scenarios")
	if w.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/scenarios = %d\n%s", w.Code, w.Body)
	}
	validateAnswer(t, schemas["Scenarios"], "GET /api/v1/scenarios", w.Body.Bytes())

	w = do(t, h, http.MethodPost, "/api/v1/run", "application/x-www-form-urlencoded", "etc.etc_dsi.2027=2&nm.date=2028-01-01&nm.population=9727")
	if w.Code != http.StatusOK {
		t.Fatalf("POST /api/v1/run = %d\n%s", w.Code, w.Body)
	}
	validateAnswer(t, schemas["Run"], "POST /api/v1/run", w.Body.Bytes())

	w = get(t, h, "/api/v1/explain?scenario=nouveau-membre&member=ville&year=2028")
	if w.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/explain = %d\n%s", w.Code, w.Body)
	}
	validateAnswer(t, schemas["Trace"], "GET /api/v1/explain", w.Body.Bytes())

	w = get(t, h, "/api/v1/explain?member=ville")
	validateAnswer(t, schemas["Error"], "an error", w.Body.Bytes())
}

func TestAPIScenarios(t *testing.T) {
	h := NewHandler(defaultSimulator(t), Options{Rate: -1})
	var doc struct {
		Schema    string
		Scenarios []struct {
			ID         string
			Baseline   bool
			From, To   int
			Units      []struct{ Name string }
			Parameters []struct {
				Name    string
				Percent bool
				Fee     bool
			}
			Joiners, Portfolio []string
			Example            struct{ Query string }
		}
		Projects []struct{ ID string }
	}
	if err := json.Unmarshal(get(t, h, "/api/v1/scenarios").Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	s := defaultSimulator(t)
	if doc.Schema != ScenariosSchema || len(doc.Scenarios) != len(s.bases) || !doc.Scenarios[0].Baseline || doc.Scenarios[0].ID != "convention-2026" ||
		len(doc.Projects) != len(s.projects) || len(doc.Projects) == 0 {
		t.Fatalf("scenarios: %+v", doc)
	}
	base := doc.Scenarios[0]
	if base.From != 2026 || base.To != 2030 || len(base.Units) != 3 || !base.Parameters[0].Fee || !base.Parameters[0].Percent || len(base.Joiners) != 1 || base.Joiners[0] != "ccas" {
		t.Errorf("the baseline: %+v", base)
	}
	// The example of each scenario is a what-if the API runs.
	for _, sc := range doc.Scenarios {
		if w := do(t, h, http.MethodPost, "/api/v1/run", "application/x-www-form-urlencoded", sc.Example.Query); w.Code != http.StatusOK {
			t.Errorf("%s: the example %q: %d %s", sc.ID, sc.Example.Query, w.Code, w.Body)
		}
	}
}

// TestAPIRunState: a what-if given as the page's query gives the amounts
// the page shows.
func TestAPIRunState(t *testing.T) {
	h := NewHandler(defaultSimulator(t), Options{Rate: -1})
	q := "etc.etc_cellule_numerique_confiance.2027=2&p.taux_frais_gestion=3,5"
	var doc struct {
		Scenarios []struct {
			ID    string
			Years []struct {
				Year    int
				Members []struct{ ID, Amount string }
			}
		}
	}
	w := do(t, h, http.MethodPost, "/api/v1/run", "application/x-www-form-urlencoded; charset=utf-8", q)
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil || len(doc.Scenarios) != 1 {
		t.Fatalf("POST /api/v1/run = %d %v\n%s", w.Code, err, w.Body)
	}
	page := get(t, h, "/resultats?"+q).Body.String()
	n := 0
	for _, y := range doc.Scenarios[0].Years {
		for _, m := range y.Members {
			want := `id="montant-` + m.ID + "-" + strconv.Itoa(y.Year) + `" data-valeur="` + m.Amount + `"`
			if !strings.Contains(page, want) {
				t.Errorf("%s %d: the API gives %s, the page does not", m.ID, y.Year, m.Amount)
			}
			n++
		}
	}
	if n != 15 {
		t.Errorf("%d amounts compared, want 15", n)
	}
}

// TestAPIErrors: every mistake is a JSON error with the right status, in
// French, naming the field at fault; the page's limits hold.
func TestAPIErrors(t *testing.T) {
	h := NewHandler(defaultSimulator(t), Options{Rate: -1})
	tests := []struct {
		name, method, target, ctype, body string
		status                            int
		want                              string
	}{
		{"a figure that is not a number", "POST", "/api/v1/run", "application/x-www-form-urlencoded", "etc.etc_dsi.2027=2x", 400, `"field": "etc.etc_dsi.2027"`},
		{"an unknown parameter", "POST", "/api/v1/run", "application/x-www-form-urlencoded", "inconnu=1", 400, "paramètre inconnu « inconnu »"},
		{"a what-if the rules refuse", "POST", "/api/v1/run", "application/x-www-form-urlencoded", "p.cout_moyen_etc_2026=0", 422, "Les règles refusent cette simulation"},
		{"a scenario file that does not decode", "POST", "/api/v1/run", "application/yaml", "scenario:\n  id: x\n  titel: X\n", 400, `scenario.yaml:3:3: `},
		{"a scenario extending an unknown one", "POST", "/api/v1/run", "application/yaml", "scenario:\n  id: x\n  title: X\n  extends: convention-2062\n", 400, "convention-2062"},
		{"another content type", "POST", "/api/v1/run", "text/plain", "x", 415, "Type de contenu non accepté"},
		{"a body too large", "POST", "/api/v1/run", "application/yaml", strings.Repeat("#", MaxAPIBodyBytes+1), 413, "trop volumineuse"},
		{"a run read with GET", "GET", "/api/v1/run", "", "", 405, "POST"},
		{"a list sent with POST", "POST", "/api/v1/scenarios", "application/json", "{}", 405, "GET"},
		{"an unknown address", "GET", "/api/v2/run", "", "", 404, "Adresse inconnue de l'API"},
		{"explain without a member", "GET", "/api/v1/explain?year=2027", "", "", 400, `"field": "member"`},
		{"explain of an unknown member", "GET", "/api/v1/explain?member=vile&year=2027", "", "", 400, "vouliez-vous dire « ville »"},
		{"explain out of the years", "GET", "/api/v1/explain?member=ville&year=2040", "", "", 400, "2026 à 2030"},
	}
	for _, tc := range tests {
		w := do(t, h, tc.method, tc.target, tc.ctype, tc.body)
		if w.Code != tc.status || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") || !strings.Contains(w.Body.String(), tc.want) {
			t.Errorf("%s: %d %s\n%s\nwant %d and %q", tc.name, w.Code, w.Header().Get("Content-Type"), w.Body, tc.status, tc.want)
		}
	}
	// The Host allow-list, answered in JSON on the API.
	r := httptest.NewRequest(http.MethodGet, "http://evil.example/api/v1/scenarios", nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusMisdirectedRequest || !strings.Contains(w.Body.String(), `"status": 421`) {
		t.Errorf("Host evil.example: %d %s", w.Code, w.Body)
	}
	// The rate limit, shared with the page.
	limited := NewHandler(defaultSimulator(t), Options{Rate: 1, Burst: 1})
	codes := []int{}
	for range 3 {
		codes = append(codes, get(t, limited, "/api/v1/scenarios").Code)
	}
	if codes[0] != 200 || codes[2] != http.StatusTooManyRequests {
		t.Errorf("three requests at once with a burst of 1: %v", codes)
	}
}
