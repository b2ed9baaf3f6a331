package whatif

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/quotepart/quotepart/reports"
)

// Options are the limits of the server; the zero value of a field means
// its default.
type Options struct {
	// Rate and Burst are each client's token bucket: Burst requests at
	// once, then Rate a second (default 20, and a burst of twice the
	// rate). A negative Rate turns the limit off.
	Rate  float64
	Burst int
	// MaxClients bounds the clients tracked by the rate limit (10,000).
	MaxClients int
	// Concurrent is the number of what-ifs computed at once (twice the
	// processors); a request waits for a slot at most QueueWait (5 s),
	// then gets 503.
	Concurrent int
	QueueWait  time.Duration
	// ComputeTimeout bounds one computation (10 s): its context carries
	// the deadline down to the engine, which stops at it, and the answer,
	// a 503, does not wait for the computation to stop.
	ComputeTimeout time.Duration
	// CacheEntries is the number of computed what-ifs kept (256; negative:
	// none).
	CacheEntries int
	// MaxConns is the number of connections open at once (256); at the
	// bound, a new connection takes the place of the one idle longest, or
	// is answered 503 when every one has a request under way.
	MaxConns int
	// ReadHeaderTimeout bounds the time from a connection's opening, or
	// the first byte of a request on a kept-alive one, to the end of its
	// headers (5 s); IdleTimeout the time a connection is kept open
	// between two requests (60 s). Past them the connection is closed.
	ReadHeaderTimeout time.Duration
	IdleTimeout       time.Duration
	// Addr is the address the server listens on, as given (--addr). The
	// Host header of a request must name a loopback host (localhost,
	// 127.0.0.1 or another loopback address, [::1]) or Addr's host, with
	// the port the request came in on; when Addr's host is empty
	// (":8080") or an unspecified address (0.0.0.0, ::), any IP address is
	// accepted too. An empty Addr accepts the loopback names only.
	Addr string
	// Hosts are more names accepted in the Host header, with any port
	// unless one is given (name:port): the name a reverse proxy passes on.
	Hosts []string
	// Log receives one line per failed request and per computation error;
	// nil: no log.
	Log *slog.Logger
}

// Limits of a request, beyond those of the state.
const (
	// MaxBodyBytes is the largest request body accepted: the page sends
	// none.
	MaxBodyBytes = 1024
	// MaxHeaderBytes is the largest request line and headers accepted,
	// line ends included; beyond it the server answers 431.
	MaxHeaderBytes = 8 << 10
	// headerSlack is what net/http reads beyond http.Server.MaxHeaderBytes
	// before it gives up on a request's headers (its "bufio slop", 4096
	// bytes in Server.initialReadLimitSize).
	headerSlack = 4096
)

func (o Options) withDefaults() Options {
	if o.Rate == 0 {
		o.Rate = 20
	}
	if o.Burst <= 0 {
		o.Burst = max(1, int(2*o.Rate))
	}
	if o.MaxClients <= 0 {
		o.MaxClients = 10_000
	}
	if o.Concurrent <= 0 {
		o.Concurrent = 2 * runtime.GOMAXPROCS(0)
	}
	if o.QueueWait <= 0 {
		o.QueueWait = 5 * time.Second
	}
	if o.ComputeTimeout <= 0 {
		o.ComputeTimeout = 10 * time.Second
	}
	if o.MaxConns <= 0 {
		o.MaxConns = 256
	}
	if o.ReadHeaderTimeout <= 0 {
		o.ReadHeaderTimeout = 5 * time.Second
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = 60 * time.Second
	}
	if o.CacheEntries == 0 {
		o.CacheEntries = 256
	}
	return o
}

// Handler serves the what-if page:
//
//	GET /               the page, its state read from the query
//	GET /impression     the same, laid out for printing: no form
//	GET /resultats      the results for a query, as an HTML fragment
//	GET /formulaire     the form of the variant a query edits, as an HTML fragment
//	GET /scenario.yaml  the scenario file of a query, to download
//	GET /etat           the generation of the rules and why the last files did not load, as JSON
//	GET /static/...     the page's style sheets, script and icon
//	GET /sante          "ok", for monitoring
//
// and the JSON API under /api/v1 (api.go).
type Handler struct {
	// current is the Simulator in use: serve swaps in a new one when the
	// rule files change (Swap), each request keeping the one it started
	// with.
	current atomic.Pointer[loaded]
	opt     Options
	hosts   hostList
	hostLog everyMinute
	limiter *rateLimiter
	// compute is sim.Evaluate; a test may put a slower one.
	compute func(context.Context, State) (*Outcome, error)
	slots   slots
	cache   *cache
	static  http.Handler
	mux     *http.ServeMux
}

// NewHandler returns the page's handler with the given limits.
func NewHandler(sim *Simulator, opt Options) *Handler {
	opt = opt.withDefaults()
	h := &Handler{opt: opt, hosts: newHostList(opt.Addr, opt.Hosts),
		slots: make(slots, opt.Concurrent), cache: newCache(opt.CacheEntries)}
	h.current.Store(&loaded{sim: sim, generation: 1})
	h.compute = func(ctx context.Context, st State) (*Outcome, error) { return h.sim().Evaluate(ctx, st) }
	if opt.Rate > 0 {
		h.limiter = newRateLimiter(opt.Rate, opt.Burst, opt.MaxClients)
	}
	sub, err := fs.Sub(assets, "web/static")
	if err != nil {
		panic(err) // embedded at build time
	}
	h.static = http.StripPrefix("/static/", http.FileServerFS(sub))
	h.mux = http.NewServeMux()
	h.mux.HandleFunc("GET /{$}", h.page)
	h.mux.HandleFunc("GET /impression", h.printable)
	h.mux.HandleFunc("GET /resultats", h.results)
	h.mux.HandleFunc("GET /formulaire", h.form)
	h.mux.HandleFunc("GET /etat", h.status)
	h.mux.HandleFunc("GET /static/palette.css", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = io.WriteString(w, reports.PaletteCSS())
	})
	h.mux.HandleFunc("GET /scenario.yaml", h.download)
	h.mux.HandleFunc("GET /static/", h.asset)
	h.mux.HandleFunc("GET /sante", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	h.mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/static/icone.svg", http.StatusMovedPermanently)
	})
	h.routeAPI()
	return h
}

// Server serves the page over HTTP within the limits of its Options:
// the time allowed to each stage of a request, the size of its headers,
// the connections open at once.
type Server struct {
	srv   *http.Server
	conns *connLimit
}

// NewServer returns a server for h, with h's limits.
func NewServer(addr string, h *Handler) *Server {
	return newServer(addr, h, h.opt)
}

func newServer(addr string, h http.Handler, opt Options) *Server {
	opt = opt.withDefaults()
	s := &Server{conns: newConnLimit(opt.MaxConns, func(open int, refused bool) {
		if opt.Log == nil {
			return
		}
		if refused {
			opt.Log.Warn(fmt.Sprintf("%d connections open, each with a request under way: new ones are answered 503", open))
		} else {
			opt.Log.Warn(fmt.Sprintf("%d connections open: the one idle longest is closed for each new one", open))
		}
	})}
	s.srv = &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: opt.ReadHeaderTimeout,
		ReadTimeout:       max(10*time.Second, opt.ReadHeaderTimeout),
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       opt.IdleTimeout,
		// net/http accepts MaxHeaderBytes plus headerSlack bytes of
		// request line and headers: ask for less, so that the limit is
		// the documented MaxHeaderBytes, not 12 KiB.
		MaxHeaderBytes: MaxHeaderBytes - headerSlack,
		ConnState:      s.conns.state,
	}
	// Shutdown closes the kept-alive connections at once, but waits for
	// those that have sent nothing yet (up to ReadHeaderTimeout): once the
	// listener is closed, close them too.
	s.srv.RegisterOnShutdown(s.conns.closeWaiting)
	return s
}

// Serve accepts connections on ln and serves them until Shutdown or
// Close; it then returns http.ErrServerClosed.
func (s *Server) Serve(ln net.Listener) error {
	return s.srv.Serve(&limitListener{Listener: ln, l: s.conns})
}

// Shutdown stops accepting connections, closes those without a request
// under way and waits for the requests under way to finish, or for ctx to
// end.
func (s *Server) Shutdown(ctx context.Context) error { return s.srv.Shutdown(ctx) }

// Close closes the listener and every connection at once.
func (s *Server) Close() error { return s.srv.Close() }

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			h.logf("panic serving %s: %v", r.URL.Path, v)
			plain(w, http.StatusInternalServerError, "Erreur interne du serveur.")
		}
	}()
	hd := w.Header()
	hd.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Frame-Options", "DENY")
	// The API answers its errors in JSON, the page in text.
	fail := plain
	if isAPI(r) {
		fail = func(w http.ResponseWriter, status int, msg string) { apiError(w, status, msg, nil) }
	}
	if !h.hosts.allow(r) {
		if h.hostLog.allow() {
			h.logf("refused Host %q from %s: neither a loopback name nor the host of --addr (--allow-host accepts another name); other refusals in the next minute are not logged", r.Host, clientOf(r))
		}
		fail(w, http.StatusMisdirectedRequest, "Adresse non reconnue : ouvrez la page à l'adresse qu'affiche quotepart serve au démarrage.")
		return
	}
	// Everything is read (GET), but a run of the API, which is sent a
	// what-if or a scenario file (POST).
	post := r.URL.Path == "/api/v1/run"
	switch {
	case post && r.Method != http.MethodPost:
		hd.Set("Allow", "POST")
		fail(w, http.StatusMethodNotAllowed, "Méthode non acceptée : envoyez la simulation ou le fichier de scénario en POST.")
		return
	case !post && r.Method != http.MethodGet && r.Method != http.MethodHead:
		hd.Set("Allow", "GET, HEAD")
		fail(w, http.StatusMethodNotAllowed, "Méthode non acceptée : la page ne fait que des lectures (GET).")
		return
	}
	limit := int64(MaxBodyBytes)
	if post {
		limit = MaxAPIBodyBytes
	}
	if r.ContentLength > limit {
		fail(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("Requête trop volumineuse : au plus %d octets.", limit))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if len(r.URL.RawQuery) > MaxQueryBytes {
		fail(w, http.StatusRequestURITooLong, fmt.Sprintf("Adresse trop longue : %d octets de paramètres, au plus %d.", len(r.URL.RawQuery), MaxQueryBytes))
		return
	}
	if ok, wait := h.limiter.allow(clientOf(r)); !ok {
		hd.Set("Retry-After", strconv.Itoa(max(1, int(wait.Round(time.Second)/time.Second))))
		fail(w, http.StatusTooManyRequests, "Trop de requêtes en peu de temps : patientez un instant.")
		return
	}
	h.mux.ServeHTTP(w, r)
}

// clientOf is the address a request comes from, without its port: the
// rate limit is per client machine.
func clientOf(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (h *Handler) asset(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, "/") {
		http.NotFound(w, r) // no listing of the assets
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	h.static.ServeHTTP(w, r)
}

// evaluation is a query parsed and computed. status is 200, or the HTTP
// status of the failure: 400 for a state with mistakes, 422 for a what-if
// the rules refuse, 503 when the server is too busy.
type evaluation struct {
	state  State
	out    *Outcome
	err    error
	status int
	// cached says the outcome was computed for an earlier request.
	cached bool
}

// evaluate parses and computes the query of one what-if, through the
// cache.
func (h *Handler) evaluate(ctx context.Context, rawQuery string) evaluation {
	st, err := h.sim().Parse(rawQuery)
	if err != nil {
		return evaluation{state: st, err: err, status: http.StatusBadRequest}
	}
	return h.evaluateState(ctx, st)
}

// evaluatePage parses the query of the whole page and computes each of
// its variants. Its status is the worst of theirs.
func (h *Handler) evaluatePage(ctx context.Context, rawQuery string) pageState {
	v, err := h.sim().ParseVariants(rawQuery)
	if err != nil {
		return pageState{err: err, status: http.StatusBadRequest}
	}
	ps := pageState{variants: v, status: http.StatusOK}
	for _, st := range v.States {
		ev := h.evaluateState(ctx, st)
		ps.evals = append(ps.evals, ev)
		if ev.status != http.StatusOK && (ps.status == http.StatusOK || ev.status >= 500) {
			ps.status = ev.status
		}
	}
	return ps
}

// evaluateState computes a valid state, through the cache.
func (h *Handler) evaluateState(ctx context.Context, st State) evaluation {
	ev := evaluation{state: st}
	key := fmt.Sprintf("%d:%s?%s", h.generation(), st.Scenario, st.Query(h.sim()).Encode())
	ev.out, ev.err, ev.cached = h.cache.get(key)
	if !ev.cached {
		wait, cancel := context.WithTimeout(ctx, h.opt.QueueWait)
		got := h.slots.acquire(wait)
		cancel()
		if !got {
			ev.err, ev.status = errBusy, http.StatusServiceUnavailable
			return ev
		}
		ev.out, ev.err = h.run(ctx, st)
		if ev.err == nil || isUserError(ev.err) {
			h.cache.put(key, ev.out, ev.err)
		}
	}
	switch err := ev.err; {
	case err == nil:
		ev.status = http.StatusOK
	case isProblems(err):
		ev.status = http.StatusBadRequest
	case isUserError(err):
		h.logf("what-if refused by the rules (%s): %v", key, err)
		ev.status = http.StatusUnprocessableEntity
	case isTooLong(err):
		h.logf("computing %s: stopped after %v, the compute timeout", key, h.opt.ComputeTimeout)
		ev.status = http.StatusServiceUnavailable
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		ev.err, ev.status = errBusy, http.StatusServiceUnavailable
	default:
		h.logf("computing %s: %v", key, err)
		ev.status = http.StatusInternalServerError
	}
	return ev
}

// run computes st, in the slot the caller holds, within the compute
// timeout: the deadline travels down in the context, and the answer does
// not wait past it even if the computation has not stopped yet; the slot
// is freed when it has.
func (h *Handler) run(ctx context.Context, st State) (*Outcome, error) {
	compute, cancel := context.WithTimeout(ctx, h.opt.ComputeTimeout)
	defer cancel()
	type result struct {
		out *Outcome
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer h.slots.release()
		defer func() {
			if v := recover(); v != nil {
				done <- result{err: fmt.Errorf("panic: %v", v)}
			}
		}()
		out, err := h.compute(compute, st)
		done <- result{out, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-compute.Done():
		select {
		case r = <-done: // finished just in time
		default:
			r.err = compute.Err()
		}
	}
	if r.err != nil && compute.Err() != nil {
		// Whatever error the computation gave on its way out, the
		// deadline or the client's leaving is the cause.
		if ctx.Err() == nil && errors.Is(compute.Err(), context.DeadlineExceeded) {
			return nil, tooLongError{h.opt.ComputeTimeout}
		}
		return nil, compute.Err()
	}
	return r.out, r.err
}

var errBusy = errors.New("le serveur est très sollicité : réessayez dans un instant")

// tooLongError is a computation stopped at the compute timeout.
type tooLongError struct{ limit time.Duration }

func (e tooLongError) Error() string {
	return "le calcul a dépassé la limite de " + frenchDuration(e.limit) + " et a été arrêté"
}

func isTooLong(err error) bool {
	var tl tooLongError
	return errors.As(err, &tl)
}

// frenchDuration writes a limit the French way: "10 s", "2,5 s", "50 ms".
func frenchDuration(d time.Duration) string {
	if d >= time.Second {
		return strings.Replace(strconv.FormatFloat(d.Seconds(), 'f', -1, 64), ".", ",", 1) + "\u00a0s"
	}
	return strconv.FormatInt(max(1, d.Milliseconds()), 10) + "\u00a0ms"
}

func isProblems(err error) bool {
	var ps Problems
	return errors.As(err, &ps)
}

// isUserError tells a what-if that the rules refuse (the user's to fix)
// from a failure of the server.
func isUserError(err error) bool {
	var ce *ComputeError
	return isProblems(err) || errors.As(err, &ce) && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled)
}

func (h *Handler) page(w http.ResponseWriter, r *http.Request) { h.servePage(w, r, false) }

// printable is the page laid out for printing: the title, what the
// variants suppose and the results with every column, without the form.
func (h *Handler) printable(w http.ResponseWriter, r *http.Request) { h.servePage(w, r, true) }

func (h *Handler) servePage(w http.ResponseWriter, r *http.Request, print bool) {
	ps := h.evaluatePage(r.Context(), r.URL.RawQuery)
	h.sendHTML(w, "the page", ps.evals, ps.status, func(buf *bytes.Buffer) error {
		return h.renderPage(buf, r.URL.RawQuery, ps, print)
	})
}

func (h *Handler) results(w http.ResponseWriter, r *http.Request) {
	ps := h.evaluatePage(r.Context(), r.URL.RawQuery)
	h.sendHTML(w, "results", ps.evals, ps.status, func(buf *bytes.Buffer) error {
		if ps.failed() != nil {
			return h.renderProblems(buf, ps)
		}
		return h.renderResults(buf, ps)
	})
}

// form serves the part of the form that depends on the scenario the
// edited variant starts from, for a query: the page swaps it in when the
// scenario changes, without reloading (the focus stays where it is).
func (h *Handler) form(w http.ResponseWriter, r *http.Request) {
	h.sendHTML(w, "the form", nil, http.StatusOK, func(buf *bytes.Buffer) error {
		buf.WriteString(`<div id="champs">`)
		s := h.sim()
		b, vq := editedVariant(s, r.URL.RawQuery)
		if err := templates.ExecuteTemplate(buf, "champs", champsOf(s, b, vq, nil)); err != nil {
			return err
		}
		buf.WriteString(`</div>`)
		return nil
	})
}

// sendHTML sends the HTML that render writes, never stored by caches,
// with the timings of evs (send); when render fails, the failure is
// logged and the client told of an internal error.
func (h *Handler) sendHTML(w http.ResponseWriter, what string, evs []evaluation, status int, render func(*bytes.Buffer) error) {
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		h.logf("rendering %s: %v", what, err)
		plain(w, http.StatusInternalServerError, "Erreur interne du serveur.")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	send(w, evs, status, "text/html; charset=utf-8", buf.Bytes())
}

// status tells the page which rules it shows: their generation (it
// changes when serve reloads them) and, when the files last edited do not
// load, why.
func (h *Handler) status(w http.ResponseWriter, _ *http.Request) {
	l := h.current.Load()
	body, err := json.Marshal(struct {
		Generation int64  `json:"generation"`
		Error      string `json:"error,omitempty"`
	}{l.generation, l.reloadErr})
	if err != nil {
		plain(w, http.StatusInternalServerError, "Erreur interne du serveur.")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	send(w, nil, http.StatusOK, "application/json", body)
}

func (h *Handler) download(w http.ResponseWriter, r *http.Request) {
	sim := h.sim()
	st, err := sim.Parse(r.URL.RawQuery)
	if err != nil {
		plain(w, http.StatusBadRequest, "Simulation invalide : "+err.Error()+".")
		return
	}
	data, err := sim.ScenarioFile(st)
	if err != nil {
		plain(w, http.StatusBadRequest, "Simulation invalide : "+err.Error()+".")
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+sim.FileName(st)+`"`)
	w.Header().Set("Cache-Control", "no-store")
	send(w, nil, http.StatusOK, "application/yaml; charset=utf-8", data)
}

// send writes a response with the computation times as a Server-Timing
// header: calcul;dur=MS for each what-if computed for this request, cache
// for each an earlier one had computed. The page shows no time: the
// header is for those who measure.
func send(w http.ResponseWriter, evs []evaluation, status int, contentType string, body []byte) {
	hd := w.Header()
	hd.Set("Content-Type", contentType)
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	var timings []string
	for i, ev := range evs {
		name := "calcul"
		if i > 0 {
			name = fmt.Sprintf("calcul%d", i+1)
		}
		switch {
		case ev.out != nil && ev.cached:
			timings = append(timings, strings.Replace(name, "calcul", "cache", 1))
		case ev.out != nil:
			timings = append(timings, fmt.Sprintf("%s;dur=%.2f", name, float64(ev.out.Elapsed.Microseconds())/1000))
		}
	}
	if len(timings) > 0 {
		hd.Set("Server-Timing", strings.Join(timings, ", "))
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func plain(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	fmt.Fprintln(w, msg)
}

func (h *Handler) logf(format string, args ...any) {
	if h.opt.Log != nil {
		h.opt.Log.Warn(fmt.Sprintf(format, args...))
	}
}

// loaded is a Simulator with the generation of its rules, and why the
// files edited since did not load, when they did not.
type loaded struct {
	sim        *Simulator
	generation int64
	reloadErr  string
}

// sim is the Simulator in use.
func (h *Handler) sim() *Simulator { return h.current.Load().sim }

// generation counts the rule sets the handler has served, from 1.
func (h *Handler) generation() int64 { return h.current.Load().generation }

// reloadError says why the rule files last edited do not load, or "".
func (h *Handler) reloadError() string { return h.current.Load().reloadErr }

// Swap puts a new Simulator in use, built on rule files that changed: the
// requests under way finish with the old one, the next ones get the new
// one, and the page, which asks /etat, tells its reader that the rules
// changed. The cache, keyed by generation, forgets the old results.
func (h *Handler) Swap(sim *Simulator) {
	for {
		old := h.current.Load()
		if h.current.CompareAndSwap(old, &loaded{sim: sim, generation: old.generation + 1}) {
			return
		}
	}
}

// Refuse records that the rule files as edited do not load: the handler
// keeps serving the last rules that loaded, and the page shows err.
func (h *Handler) Refuse(err error) {
	msg := err.Error()
	for {
		old := h.current.Load()
		if old.reloadErr == msg {
			return
		}
		if h.current.CompareAndSwap(old, &loaded{sim: old.sim, generation: old.generation, reloadErr: msg}) {
			return
		}
	}
}
