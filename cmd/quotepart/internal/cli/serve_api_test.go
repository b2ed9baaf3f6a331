package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
)

// TestServeAPIRunsDownloadedFile: a what-if downloaded from the page
// ("Télécharger comme scénario"), sent to POST /api/v1/run, gives exactly
// what `quotepart run --format json` prints for that file: every scenario,
// year, pool and member, to the cent.
func TestServeAPIRunsDownloadedFile(t *testing.T) {
	srv := httptest.NewServer(newServeHandler(t))
	defer srv.Close()
	dir := t.TempDir()
	for _, what := range []string{
		"etc.etc_cellule_numerique_confiance.2027=2&p.taux_frais_gestion=3,5",
		"scenario=sdsi-2027-2030&nm.date=2028-07-01&nm.label=Darn%C3%A9tal&nm.population=9727&adh.ccas=2027-01-01",
	} {
		resp, err := http.Get(srv.URL + "/scenario.yaml?" + what)
		if err != nil {
			t.Fatal(err)
		}
		file, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("downloading %s: %d %v", what, resp.StatusCode, err)
		}
		_, params, _ := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
		path := filepath.Join(dir, params["filename"])
		writeFile(t, path, string(file))

		var stdout, stderr bytes.Buffer
		if code := Main([]string{"run", "--format", "json", path}, &stdout, &stderr); code != 0 {
			t.Fatalf("quotepart run %s: exit %d\n%s", path, code, stderr.String())
		}
		resp, err = http.Post(srv.URL+"/api/v1/run", "application/yaml", bytes.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		api, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("POST /api/v1/run: %d %v\n%s", resp.StatusCode, err, api)
		}
		cli, server := scenariosOf(t, stdout.Bytes()), scenariosOf(t, api)
		if !bytes.Equal(cli, server) {
			t.Errorf("%s: POST /api/v1/run and quotepart run differ:\nAPI %.600s\nrun %.600s", what, server, cli)
		}
		var amounts int
		var doc struct {
			Scenarios []struct {
				Years []struct{ Members []json.RawMessage }
			}
		}
		_ = json.Unmarshal(api, &doc)
		for _, s := range doc.Scenarios {
			for _, y := range s.Years {
				amounts += len(y.Members)
			}
		}
		if amounts < 15 {
			t.Errorf("%s: %d amounts compared", what, amounts)
		}
		t.Logf("%s: %d members' amounts, the same from the API and from quotepart run", what, amounts)
	}
}

// scenariosOf is the scenarios of a quotepart/run/v1 document, as JSON
// (the provenance names the files read, which differ).
func scenariosOf(t *testing.T, doc []byte) []byte {
	t.Helper()
	var d struct {
		Schema    string          `json:"schema"`
		Scenarios json.RawMessage `json:"scenarios"`
	}
	if err := json.Unmarshal(doc, &d); err != nil || d.Schema != "quotepart/run/v1" {
		t.Fatalf("not a quotepart/run/v1 document (%v):\n%.300s", err, doc)
	}
	var v any
	if err := json.Unmarshal(d.Scenarios, &v); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(v)
	return out
}
