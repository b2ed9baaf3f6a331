package whatif

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/reports"
)

// The JSON API serves what the page computes to programs, as OpenFisca's
// web API does, on the same server and within the same limits (Host
// allow-list, rate, connections, computations at once, compute deadline):
//
//	GET  /api/v1/scenarios     the scenarios and what a what-if may change (quotepart/scenarios/v1)
//	POST /api/v1/run           a what-if (the page's query, form-encoded) or a scenario file (YAML or JSON) in, quotepart/run/v1 out
//	GET  /api/v1/explain?…     how a member's amount in a year was computed (quotepart/trace/v1), for a scenario or a what-if
//	GET  /api/v1/openapi.json  the OpenAPI 3.1 description of the above
//
// Errors are JSON too: {"error": {"status", "message", "problems"}}, in
// French like the page.

// ScenariosSchema names the JSON contract of GET /api/v1/scenarios.
const ScenariosSchema = "quotepart/scenarios/v1"

// MaxAPIBodyBytes is the largest body POST /api/v1/run accepts: a scenario
// file the page writes is 1 to 4 KiB.
const MaxAPIBodyBytes = 64 << 10

func (h *Handler) routeAPI() {
	h.mux.HandleFunc("GET /api/v1/scenarios", h.apiScenarios)
	h.mux.HandleFunc("POST /api/v1/run", h.apiRun)
	h.mux.HandleFunc("GET /api/v1/explain", h.apiExplain)
	h.mux.HandleFunc("GET /api/v1/openapi.json", h.apiOpenAPI)
	h.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		apiError(w, http.StatusNotFound, "Adresse inconnue de l'API : voir /api/v1/openapi.json.", nil)
	})
}

// isAPI tells a request to the API, whose answers are JSON.
func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

type apiProblem struct {
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// apiError writes an error of the API.
func apiError(w http.ResponseWriter, status int, msg string, problems []apiProblem) {
	type body struct {
		Status   int          `json:"status"`
		Message  string       `json:"message"`
		Problems []apiProblem `json:"problems,omitempty"`
	}
	var b bytes.Buffer
	_ = reports.WriteJSON(&b, struct {
		Error body `json:"error"`
	}{body{status, msg, problems}})
	w.Header().Set("Cache-Control", "no-store")
	send(w, nil, status, "application/json; charset=utf-8", b.Bytes())
}

// apiFail writes the error of a computation: 400 for mistakes in the
// input, 422 for a what-if the rules refuse, 503 when the server is busy
// or the computation ran past its deadline, 500 otherwise.
func (h *Handler) apiFail(w http.ResponseWriter, status int, err error) {
	var ps Problems
	var ce *ComputeError
	var tl tooLongError
	switch {
	case errors.As(err, &ps):
		var list []apiProblem
		for _, p := range ps {
			list = append(list, apiProblem{Field: p.Field, Message: p.Message})
		}
		apiError(w, http.StatusBadRequest, "La simulation a des erreurs.", list)
	case errors.As(err, &ce):
		apiError(w, http.StatusUnprocessableEntity, "Les règles refusent cette simulation : "+reports.SafeLines(ce.Error()), nil)
	case errors.As(err, &tl):
		apiError(w, http.StatusServiceUnavailable, "Le calcul a dépassé la limite de "+frenchDuration(tl.limit)+" : il a été arrêté.", nil)
	case errors.Is(err, errBusy), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		apiError(w, http.StatusServiceUnavailable, "Le serveur est très sollicité : réessayez dans un instant.", nil)
	default:
		if status < 500 {
			apiError(w, status, reports.SafeLines(err.Error()), nil)
			return
		}
		h.logf("api: %v", err)
		apiError(w, http.StatusInternalServerError, "Erreur interne du serveur.", nil)
	}
}

func sendJSON(w http.ResponseWriter, render func(io.Writer) error) error {
	var b bytes.Buffer
	if err := render(&b); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	send(w, nil, http.StatusOK, "application/json; charset=utf-8", b.Bytes())
	return nil
}

type (
	scenariosDoc struct {
		Schema     string        `json:"schema"`
		Generation int64         `json:"generation"`
		Scenarios  []scenarioDoc `json:"scenarios"`
		Projects   []projectDoc  `json:"projects"`
	}
	scenarioDoc struct {
		ID          string       `json:"id"`
		Title       string       `json:"title"`
		Description string       `json:"description,omitempty"`
		Extends     string       `json:"extends,omitempty"`
		Baseline    bool         `json:"baseline"`
		From        int          `json:"from"`
		To          int          `json:"to"`
		Members     []memberDoc  `json:"members"`
		Units       []paramDoc   `json:"units"`
		Parameters  []paramDoc   `json:"parameters"`
		Joiners     []string     `json:"joiners"`
		Portfolio   []string     `json:"portfolio"`
		Example     *exampleLink `json:"example,omitempty"`
	}
	memberDoc struct {
		ID      string `json:"id"`
		Label   string `json:"label"`
		Manager bool   `json:"manager"`
	}
	paramDoc struct {
		Name    string `json:"name"`
		Label   string `json:"label"`
		Unit    string `json:"unit"`
		Percent bool   `json:"percent"`
		Fee     bool   `json:"fee,omitempty"`
	}
	projectDoc struct {
		ID       string `json:"id"`
		Title    string `json:"title"`
		Category string `json:"category,omitempty"`
	}
	exampleLink struct {
		Query string `json:"query"`
	}
)

// apiScenarios lists the scenarios a what-if may start from and what it
// may change on each: the fields of the page, by the names of its query.
func (h *Handler) apiScenarios(w http.ResponseWriter, _ *http.Request) {
	s := h.sim()
	doc := scenariosDoc{Schema: ScenariosSchema, Generation: h.generation(), Scenarios: []scenarioDoc{}, Projects: []projectDoc{}}
	for i, b := range s.bases {
		sd := scenarioDoc{ID: b.ID, Title: b.Title, Baseline: i == 0, From: b.From, To: b.To,
			Members: []memberDoc{}, Units: []paramDoc{}, Parameters: []paramDoc{}, Joiners: []string{}, Portfolio: b.portfolioIDs()}
		if sd.Portfolio == nil {
			sd.Portfolio = []string{}
		}
		if sc := b.Scenario; sc != nil {
			sd.Description, sd.Extends = sc.Description, sc.Extends
		}
		for _, m := range b.Model.Members {
			sd.Members = append(sd.Members, memberDoc{ID: m.ID, Label: m.Label, Manager: m.ID == b.Model.Manager})
		}
		for _, u := range b.Units {
			sd.Units = append(sd.Units, paramDoc{Name: u.Name, Label: u.Label, Unit: u.Unit, Percent: u.Percent})
		}
		if f := b.FeeParam; f != nil {
			sd.Parameters = append(sd.Parameters, paramDoc{Name: f.Name, Label: f.Label, Unit: f.Unit, Percent: f.Percent, Fee: true})
		}
		for _, p := range b.KeyParams {
			sd.Parameters = append(sd.Parameters, paramDoc{Name: p.Name, Label: p.Label, Unit: p.Unit, Percent: p.Percent})
		}
		for _, m := range b.joiners() {
			if joinVersions(b, m.ID) == nil {
				sd.Joiners = append(sd.Joiners, m.ID)
			}
		}
		if len(b.Units) > 0 {
			q := url.Values{}
			if i > 0 {
				q.Set("scenario", b.ID)
			}
			q.Set(fmt.Sprintf("etc.%s.%d", b.Units[0].Name, min(b.From+1, b.To)), "1")
			sd.Example = &exampleLink{Query: q.Encode()}
		}
		doc.Scenarios = append(doc.Scenarios, sd)
	}
	for _, p := range s.projects {
		doc.Projects = append(doc.Projects, projectDoc{ID: p.ID, Title: p.Title, Category: p.Category})
	}
	if err := sendJSON(w, func(w io.Writer) error { return reports.WriteJSON(w, doc) }); err != nil {
		h.apiFail(w, http.StatusInternalServerError, err)
	}
}

// apiRun runs a what-if, given as the page's query (form-encoded body), or
// a scenario file (a YAML or JSON body), and answers quotepart/run/v1, as
// `quotepart run --format json` prints it for that file.
func (h *Handler) apiRun(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			apiError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("Corps de la requête trop volumineux : au plus %d octets.", MaxAPIBodyBytes), nil)
			return
		}
		apiError(w, http.StatusBadRequest, "Corps de la requête illisible.", nil)
		return
	}
	media, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		media = ""
	}
	var bills *reports.Bills
	switch media {
	case "application/x-www-form-urlencoded":
		bills, err = h.runState(r.Context(), string(body))
	case "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "application/json":
		bills, err = h.runFile(r.Context(), body)
	default:
		apiError(w, http.StatusUnsupportedMediaType, "Type de contenu non accepté : envoyez une simulation (application/x-www-form-urlencoded, les paramètres de l'adresse de la page) ou un fichier de scénario (application/yaml ou application/json).", nil)
		return
	}
	if err != nil {
		h.apiFail(w, http.StatusBadRequest, err)
		return
	}
	if err := sendJSON(w, func(w io.Writer) error { return reports.RunOutput.Render(w, reports.JSON, reports.French, bills) }); err != nil {
		h.apiFail(w, http.StatusInternalServerError, err)
	}
}

// runState computes a what-if given as the page's query, through the
// cache, as the page computes it.
func (h *Handler) runState(ctx context.Context, query string) (*reports.Bills, error) {
	ev := h.evaluate(ctx, query)
	if ev.err != nil {
		return nil, ev.err
	}
	out := ev.out
	return &reports.Bills{Provenance: h.sim().ws.Provenance(out.Job), Results: []*engine.Result{out.Result}}, nil
}

// runFile runs a scenario file as `quotepart run FILE` does, within the
// limits of a computation.
func (h *Handler) runFile(ctx context.Context, data []byte) (*reports.Bills, error) {
	ws := h.sim().ws
	catalog, sc, err := ws.ReadScenario(apiFileName, data)
	if err != nil {
		return nil, fileError{err}
	}
	chain, err := catalog.Chain(sc)
	if err != nil {
		return nil, fileError{err}
	}
	var bills *reports.Bills
	err = h.within(ctx, func(ctx context.Context) error {
		j, err := ws.BuildChain(ctx, chain)
		if err != nil {
			return &ComputeError{Err: err}
		}
		if bills, err = ws.Bills(ctx, j); err != nil {
			return &ComputeError{Err: err}
		}
		return nil
	})
	return bills, err
}

// apiFileName is the name a scenario file sent to the API is read under:
// its errors point at it (scenario.yaml:3:5).
const apiFileName = "scenario.yaml"

// fileError is a scenario file that does not decode: the sender's to fix.
type fileError struct{ err error }

func (e fileError) Error() string { return e.err.Error() }
func (e fileError) Unwrap() error { return e.err }

// within runs fn in a computation slot, within the compute deadline, as
// the page's what-ifs run.
func (h *Handler) within(ctx context.Context, fn func(context.Context) error) error {
	wait, cancel := context.WithTimeout(ctx, h.opt.QueueWait)
	got := h.slots.acquire(wait)
	cancel()
	if !got {
		return errBusy
	}
	compute, cancelCompute := context.WithTimeout(ctx, h.opt.ComputeTimeout)
	defer cancelCompute()
	done := make(chan error, 1)
	go func() {
		defer h.slots.release()
		defer func() {
			if v := recover(); v != nil {
				done <- fmt.Errorf("panic: %v", v)
			}
		}()
		done <- fn(compute)
	}()
	select {
	case err := <-done:
		if err != nil && compute.Err() != nil && ctx.Err() == nil {
			return tooLongError{h.opt.ComputeTimeout}
		}
		return err
	case <-compute.Done():
		if ctx.Err() == nil {
			return tooLongError{h.opt.ComputeTimeout}
		}
		return ctx.Err()
	}
}

// apiExplain explains a member's amount in a year: for a scenario
// (scenario=ID) or a what-if on it (the page's other parameters).
func (h *Handler) apiExplain(w http.ResponseWriter, r *http.Request) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		apiError(w, http.StatusBadRequest, "Adresse mal formée : "+short(err.Error()), nil)
		return
	}
	member, year := q.Get("member"), q.Get("year")
	q.Del("member")
	q.Del("year")
	var ps []apiProblem
	if member == "" {
		ps = append(ps, apiProblem{Field: "member", Message: "indiquez le membre (member=ID)"})
	}
	y, err := strconv.Atoi(year)
	if err != nil {
		ps = append(ps, apiProblem{Field: "year", Message: fmt.Sprintf("indiquez l'année (year=AAAA), pas « %s »", short(year))})
	}
	if len(ps) > 0 {
		apiError(w, http.StatusBadRequest, "La demande d'explication a des erreurs.", ps)
		return
	}
	s := h.sim()
	st, err := s.Parse(q.Encode())
	if err != nil {
		h.apiFail(w, http.StatusBadRequest, err)
		return
	}
	var explained reports.Explained
	err = h.within(r.Context(), func(ctx context.Context) error {
		j := s.byID[st.Scenario].Job
		if !st.isZero() {
			var err error
			if j, err = s.job(ctx, st); err != nil {
				return err
			}
		}
		from, to := j.Years(0, 0)
		if y < from || y > to {
			return Problems{{Field: "year", Message: fmt.Sprintf("l'année %d n'est pas une année du scénario (%d à %d)", y, from, to)}}
		}
		if !slices.ContainsFunc(j.Model().Members, func(m engine.Member) bool { return m.ID == member }) {
			var ids []string
			for _, m := range j.Model().Members {
				ids = append(ids, m.ID)
			}
			return Problems{{Field: "member", Message: fmt.Sprintf("membre inconnu « %s »%s ; membres : %s", short(member), frenchSuggest(member, ids), strings.Join(ids, ", "))}}
		}
		var err error
		if explained, err = s.ws.ExplainJob(ctx, j, member, y); err != nil {
			return &ComputeError{Err: err}
		}
		return nil
	})
	if err != nil {
		h.apiFail(w, http.StatusBadRequest, err)
		return
	}
	if err := sendJSON(w, func(w io.Writer) error {
		return reports.ExplainOutput.Render(w, reports.JSON, reports.French, explained)
	}); err != nil {
		h.apiFail(w, http.StatusInternalServerError, err)
	}
}

// frenchSuggest is diag.Suggest in French: « (vouliez-vous dire ville ?) ».
func frenchSuggest(name string, candidates []string) string {
	if best := diag.Closest(name, candidates); best != "" {
		return " (vouliez-vous dire « " + best + " » ?)"
	}
	return ""
}

// apiOpenAPI serves the OpenAPI 3.1 description of the API.
func (h *Handler) apiOpenAPI(w http.ResponseWriter, _ *http.Request) {
	data, err := assets.ReadFile("web/openapi.json")
	if err != nil {
		h.apiFail(w, http.StatusInternalServerError, err)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	send(w, nil, http.StatusOK, "application/json; charset=utf-8", data)
}
