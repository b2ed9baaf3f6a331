package whatif

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quotepart/quotepart/internal/app"
	"github.com/shopspring/decimal"
)

func get(t *testing.T, h http.Handler, target string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1/", nil)
	u, err := url.Parse("http://127.0.0.1" + target)
	if err == nil {
		r.URL = u
		r.RequestURI = target
	} else {
		// A target url.Parse refuses: keep its raw query as a client
		// could send it.
		path, query, _ := strings.Cut(target, "?")
		r.URL = &url.URL{Path: path, RawQuery: query}
		r.RequestURI = target
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestPage(t *testing.T) {
	h := NewHandler(defaultSimulator(t), Options{Rate: -1})
	w := get(t, h, "/?etc.etc_cellule_numerique_confiance.2027=2")
	if w.Code != http.StatusOK {
		t.Fatalf("GET / = %d\n%s", w.Code, w.Body)
	}
	body := w.Body.String()
	for _, want := range []string{
		`<html lang="fr">`,
		`name="etc.etc_cellule_numerique_confiance.2027" id="etc.etc_cellule_numerique_confiance.2027" value="2"`,
		`id="montant-ville-2028" data-valeur="`,
		`Télécharger comme scénario`,
		`href="/scenario.yaml?etc.etc_cellule_numerique_confiance.2027=2"`,
		`<svg class="large" viewBox="0 0 720 260"`,
		`<svg class="etroit" viewBox="0 0 360 240"`,
		`<a href="#resultats">Aller aux résultats</a>`,
		`href="/impression?etc.etc_cellule_numerique_confiance.2027=2">Version imprimable</a>`,
		`<link rel="stylesheet" href="/static/palette.css">`,
		"2\u00a0ETC ajoutés à « ETC de la cellule numérique de confiance » au 1er janvier 2027.",
		`<script src="/static/app.js" defer></script>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(body, "style=") {
		t.Error("the page has a style attribute: the Content-Security-Policy forbids inline styles")
	}
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
	for _, asset := range []string{"/static/app.js", "/static/style.css", "/static/icone.svg"} {
		if w := get(t, h, asset); w.Code != http.StatusOK || w.Body.Len() == 0 {
			t.Errorf("GET %s = %d", asset, w.Code)
		}
	}
}

// TestResultsMatchDownload: the figures of the results fragment are those
// of the downloaded file run as the command line runs it.
func TestResultsMatchDownload(t *testing.T) {
	h := NewHandler(defaultSimulator(t), Options{Rate: -1})
	q := "etc.etc_cellule_numerique_confiance.2027=2&p.taux_frais_gestion=3,5&nm.date=2028-01-01&nm.population=9727"
	w := get(t, h, "/resultats?"+q)
	if w.Code != http.StatusOK {
		t.Fatalf("GET /resultats = %d\n%s", w.Code, w.Body)
	}
	if st := w.Header().Get("Server-Timing"); !strings.HasPrefix(st, "calcul;dur=") {
		t.Errorf("Server-Timing = %q, want the computation time", st)
	}
	cells := regexp.MustCompile(`id="montant-([a-z_]+)-(\d{4})" data-valeur="([0-9.-]+)"`).FindAllStringSubmatch(w.Body.String(), -1)
	if len(cells) < 15 {
		t.Fatalf("the fragment has %d amount cells", len(cells))
	}
	dl := get(t, h, "/scenario.yaml?"+q)
	if dl.Code != http.StatusOK || !strings.Contains(dl.Header().Get("Content-Disposition"), `filename="simulation-convention-2026.yaml"`) {
		t.Fatalf("GET /scenario.yaml = %d, %q", dl.Code, dl.Header().Get("Content-Disposition"))
	}
	res := runAsCommandLine(t, "simulation-convention-2026.yaml", dl.Body.Bytes())
	amounts := map[string]decimal.Decimal{}
	for _, y := range res.Years {
		for _, m := range y.Members {
			amounts[m.ID+"-"+decimal.NewFromInt(int64(y.Year)).String()] = m.Amount
		}
	}
	for _, c := range cells {
		want, ok := amounts[c[1]+"-"+c[2]]
		if !ok {
			continue // totals
		}
		if got := decimal.RequireFromString(c[3]); !got.Equal(want) {
			t.Errorf("%s %s: page %s, file run %s", c[1], c[2], got, want)
		}
	}
	// A second request for the same what-if comes from the cache.
	if w := get(t, h, "/resultats?"+q); w.Header().Get("Server-Timing") != "cache" {
		t.Errorf("second request: Server-Timing = %q, want cache", w.Header().Get("Server-Timing"))
	}
}

// TestBadRequests: every malformed or oversized input gets a 4xx with a
// message, never a 5xx.
func TestBadRequests(t *testing.T) {
	h := NewHandler(defaultSimulator(t), Options{Rate: -1})
	tests := []struct {
		target string
		status int
		want   string
	}{
		{"/resultats?etc.etc_dsi.2027=abc", 400, "n&#39;est pas un nombre"},
		{"/resultats?etc.etc_dsi.2027=1e309", 400, "n&#39;est pas un nombre"},
		{"/resultats?etc.etc_dsi.2027=99999999999999999999", 400, "n&#39;est pas un nombre"},
		{"/resultats?p.taux_frais_gestion=-3", 400, "hors limites"},
		{"/resultats?inconnu=%3Cscript%3Ealert(1)%3C/script%3E", 400, "paramètre inconnu"},
		{"/resultats?%3Cscript%3E=1", 400, "« &lt;script&gt; »"},
		{"/resultats?scenario=../../etc/passwd", 400, "scénario inconnu"},
		{"/resultats?a=%", 400, "mal formée"},
		{"/resultats?a=%00%01", 400, "paramètre inconnu"},
		{"/resultats?nm.label=%C3%28&nm.date=2028-01-01&nm.population=1", 400, "UTF-8"},
		{"/resultats?nm.date=2028-02-30&nm.population=1", 400, "n&#39;est pas une date"},
		{"/resultats?etc.etc_dsi.2027=1&etc.etc_dsi.2027=1", 400, "donné 2 fois"},
		{"/resultats?" + strings.Repeat("a=1&", MaxQueryBytes/4+1), 414, "Adresse trop longue"},
		{"/?" + strings.Repeat("z", MaxQueryBytes+1), 414, "Adresse trop longue"},
		{"/scenario.yaml?etc.etc_dsi.2027=x", 400, "Simulation invalide"},
		{"/?etc.etc_dsi.2027=x", 400, "n&#39;est pas un nombre"},
		{"/inconnu", 404, ""},
		{"/static/inconnu.js", 404, ""},
		{"/static/", 404, ""},
		// The path is cleaned: no way out of the embedded assets.
		{"/static/../simulator.go", 307, `href="/simulator.go"`},
		{"/simulator.go", 404, ""},
		// Valid input the rules refuse: a zero cost per post divides the
		// CCAS target by a zero reference payroll.
		{"/resultats?p.cout_moyen_etc_2026=0", 422, "Les règles refusent cette simulation"},
	}
	for _, tt := range tests {
		w := get(t, h, tt.target)
		if w.Code != tt.status {
			t.Errorf("GET %.70s = %d, want %d\n%.300s", tt.target, w.Code, tt.status, w.Body)
			continue
		}
		if !strings.Contains(w.Body.String(), tt.want) {
			t.Errorf("GET %.70s: the answer lacks %q:\n%.400s", tt.target, tt.want, w.Body)
		}
	}

	post := httptest.NewRequest(http.MethodPost, "http://127.0.0.1/resultats", strings.NewReader("x=1"))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, post)
	if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST = %d, Allow %q; want 405, GET, HEAD", w.Code, w.Header().Get("Allow"))
	}
	big := httptest.NewRequest(http.MethodGet, "http://127.0.0.1/resultats", strings.NewReader(strings.Repeat("x", MaxBodyBytes+1)))
	w = httptest.NewRecorder()
	h.ServeHTTP(w, big)
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("GET with a large body = %d, want 413", w.Code)
	}
}

// TestBadRequestsOverHTTP sends what a browser cannot: oversized headers,
// a request line of garbage, against the real server on loopback.
func TestBadRequestsOverHTTP(t *testing.T) {
	addr := serveLoopback(t, NewServer("", NewHandler(defaultSimulator(t), Options{Rate: -1})))
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/", nil)
	req.Header.Set("X-Grand", strings.Repeat("x", 2*MaxHeaderBytes))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("oversized headers = %d, want 431", resp.StatusCode)
	}
	// (An HTTP version the server does not speak, HTTP/9.9, gets net/http's
	// own 505 before the handler is reached.)
	for _, raw := range []string{"GARBAGE\r\n\r\n", "GET /?a=%zz HTTP/1.1\r\nHost: x\r\n\r\n", "GET / HTTP/1.1\r\n\r\n", "GET /" + strings.Repeat("x", 20000) + " HTTP/1.1\r\nHost: x\r\n\r\n"} {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(conn, raw)
		line := make([]byte, 12)
		n, _ := io.ReadFull(conn, line)
		conn.Close()
		if got := string(line[:n]); !strings.HasPrefix(got, "HTTP/1.1 4") {
			t.Errorf("%q answered %q, want a 4xx", raw, got)
		}
	}
}

func TestRateLimit(t *testing.T) {
	h := NewHandler(defaultSimulator(t), Options{Rate: 1, Burst: 3})
	from := func(addr string) int {
		r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1/sante", nil)
		r.RemoteAddr = addr
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code == http.StatusTooManyRequests && w.Header().Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
		return w.Code
	}
	for i := range 3 {
		if code := from("192.0.2.1:1000"); code != http.StatusOK {
			t.Fatalf("request %d within the burst = %d", i+1, code)
		}
	}
	if code := from("192.0.2.1:1001"); code != http.StatusTooManyRequests {
		t.Errorf("request over the burst, another port of the same client = %d, want 429", code)
	}
	if code := from("192.0.2.2:1000"); code != http.StatusOK {
		t.Errorf("another client = %d, want 200", code)
	}
}

func TestRateLimiterRefills(t *testing.T) {
	now := time.Unix(0, 0)
	l := newRateLimiter(2, 2, 2)
	l.now = func() time.Time { return now }
	allow := func(c string) bool { ok, _ := l.allow(c); return ok }
	if !allow("a") || !allow("a") || allow("a") {
		t.Fatal("burst of 2 not enforced")
	}
	now = now.Add(500 * time.Millisecond) // one token at 2 a second
	if !allow("a") || allow("a") {
		t.Error("half a second should give back exactly one token")
	}
	// The table of clients is bounded: a third client waits until a
	// bucket is full again and swept.
	if !allow("b") {
		t.Fatal("second client refused")
	}
	if allow("c") {
		t.Error("a third client was tracked beyond the bound of 2")
	}
	now = now.Add(10 * time.Second)
	if !allow("c") {
		t.Error("after the others went quiet, a new client is refused")
	}
}

func TestCacheEvicts(t *testing.T) {
	c := newCache(2)
	a, b := &Outcome{}, &Outcome{}
	c.put("a", a, nil)
	c.put("b", b, nil)
	c.get("a")
	c.put("c", &Outcome{}, nil)
	if _, _, ok := c.get("b"); ok {
		t.Error("the least recently used entry was kept")
	}
	if got, _, ok := c.get("a"); !ok || got != a {
		t.Error("a recently used entry was dropped")
	}
}

// TestConcurrentEvaluations computes different what-ifs at once on the
// shared Simulator; run with -race it checks that nothing shared is
// written.
func TestConcurrentEvaluations(t *testing.T) {
	s := defaultSimulator(t)
	var wg sync.WaitGroup
	errs := make(chan error, len(whatIfs)*2)
	for range 2 {
		for _, q := range whatIfs {
			wg.Go(func() {
				st, err := s.Parse(q)
				if err == nil {
					_, err = s.Evaluate(context.Background(), st)
				}
				if err != nil {
					errs <- err
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func FuzzQuery(f *testing.F) {
	for _, q := range whatIfs {
		f.Add(q)
	}
	f.Add("etc.etc_dsi.2027=-91")
	f.Add("p.cout_moyen_etc_2026=0")
	f.Add("nm.date=2028-01-01&nm.population=1&nm.label=%00")
	f.Add("projets=,,,")
	h := NewHandler(defaultSimulator(f), Options{Rate: -1, CacheEntries: -1})
	f.Fuzz(func(t *testing.T, q string) {
		for _, path := range []string{"/resultats", "/scenario.yaml"} {
			r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1/", nil)
			r.URL = &url.URL{Path: path, RawQuery: q}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code >= 500 {
				t.Fatalf("GET %s?%q = %d\n%s", path, q, w.Code, w.Body)
			}
		}
	})
}

// The requests offered on the page show their net in every dimension,
// including one the projects folder declares (persons served), with no
// code of its own; and the default ones in the three standard units.
func TestPageShowsEveryDimension(t *testing.T) {
	ws, err := app.Load(app.Source{FS: os.DirFS("../app/testdata/social/regles"), Dir: ".", Display: "regles"},
		&app.Source{FS: os.DirFS("../app/testdata/social/scenarios"), Dir: ".", Display: "scenarios"})
	if err != nil {
		t.Fatal(err)
	}
	sim, err := New(context.Background(), ws)
	if err != nil {
		t.Fatal(err)
	}
	body := get(t, NewHandler(sim, Options{Rate: -1}), "/").Body.String()
	want := "net\u00a0: -1\u202f000,00\u00a0€ · 0,00\u00a0ETC · 0,0\u00a0kgCO2e · &#43;500\u00a0personnes" // html/template writes + as &#43;
	if !strings.Contains(body, want) {
		t.Errorf("the page lacks the request's nets %q", want)
	}
	body = get(t, NewHandler(defaultSimulator(t), Options{Rate: -1}), "/").Body.String()
	if n := strings.Count(body, `class="note nets">net`); n < 5 {
		t.Errorf("%d requests show their nets on the default page", n)
	}
}

// serveLoopback serves s on a loopback port until the test ends and
// returns its address.
func serveLoopback(t *testing.T, s *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return ln.Addr().String()
}

// rawStatus sends raw on a new connection to addr and returns the status
// line of the answer.
func rawStatus(t *testing.T, addr, raw string) string {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	line := make([]byte, 12)
	n, _ := io.ReadFull(conn, line)
	return string(line[:n])
}

// TestHeaderLimit: the request line and headers may take MaxHeaderBytes,
// line ends included, and not one byte more (net/http alone would allow
// 4 KiB more).
func TestHeaderLimit(t *testing.T) {
	addr := serveLoopback(t, NewServer("", NewHandler(defaultSimulator(t), Options{Rate: -1})))
	request := func(size int) string {
		head := "GET /sante HTTP/1.1\r\nHost: " + addr + "\r\nX-Remplissage: "
		const tail = "\r\n\r\n"
		return head + strings.Repeat("x", size-len(head)-len(tail)) + tail
	}
	if r := request(MaxHeaderBytes); len(r) != MaxHeaderBytes {
		t.Fatalf("the request has %d bytes", len(r))
	}
	if got := rawStatus(t, addr, request(MaxHeaderBytes)); got != "HTTP/1.1 200" {
		t.Errorf("%d bytes of request line and headers: %q, want HTTP/1.1 200", MaxHeaderBytes, got)
	}
	if got := rawStatus(t, addr, request(MaxHeaderBytes+1)); got != "HTTP/1.1 431" {
		t.Errorf("%d bytes of request line and headers: %q, want HTTP/1.1 431", MaxHeaderBytes+1, got)
	}
}

// TestHostAllowList: a request whose Host is not a loopback name, the
// listening address's host or a name given is refused (421), so that a
// page of another site whose name was made to point at this machine (DNS
// rebinding) cannot read the what-if page.
func TestHostAllowList(t *testing.T) {
	sim := defaultSimulator(t)
	hostStatus := func(h http.Handler, host string) int {
		r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1/sante", nil)
		r.Host = host
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code == http.StatusMisdirectedRequest && !strings.Contains(w.Body.String(), "Adresse non reconnue") {
			t.Errorf("Host %q: 421 without the French message: %q", host, w.Body)
		}
		return w.Code
	}
	for _, tt := range []struct {
		addr  string
		hosts []string
		host  string
		want  int
	}{
		{"127.0.0.1:8080", nil, "evil.example", 421},
		{"127.0.0.1:8080", nil, "evil.example:8080", 421},
		{"127.0.0.1:8080", nil, "127.0.0.1.evil.example:8080", 421},
		{"127.0.0.1:8080", nil, "localhost.evil.example", 421},
		{"127.0.0.1:8080", nil, "", 421},
		{"127.0.0.1:8080", nil, "192.168.1.5:8080", 421},
		{"127.0.0.1:8080", nil, "127.0.0.1:8080", 200},
		{"127.0.0.1:8080", nil, "localhost:8080", 200},
		{"127.0.0.1:8080", nil, "LocalHost.:8080", 200},
		{"127.0.0.1:8080", nil, "[::1]:8080", 200},
		{"127.0.0.1:8080", nil, "127.0.0.2", 200},
		{"", nil, "localhost", 200},
		{"", nil, "192.168.1.5", 421},
		{"quotepart.intranet.example:8080", nil, "quotepart.intranet.example:8080", 200},
		{"quotepart.intranet.example:8080", nil, "evil.example:8080", 421},
		{"192.168.1.5:8080", nil, "192.168.1.5:8080", 200},
		{"192.168.1.5:8080", nil, "192.168.1.6:8080", 421},
		// Listening on every address: any IP address names this machine
		// (a DNS rebinding needs a name), names still do not.
		{"0.0.0.0:8080", nil, "192.168.1.5:8080", 200},
		{":8080", nil, "[fe80::1]:8080", 200},
		{"0.0.0.0:8080", nil, "evil.example:8080", 421},
		// A reverse proxy's name, on any port unless one is given.
		{"127.0.0.1:8080", []string{"simulation.intranet.example"}, "simulation.intranet.example", 200},
		{"127.0.0.1:8080", []string{"simulation.intranet.example"}, "Simulation.Intranet.Example:443", 200},
		{"127.0.0.1:8080", []string{"simulation.intranet.example:443"}, "simulation.intranet.example:8443", 421},
		{"127.0.0.1:8080", []string{"simulation.intranet.example"}, "evil.example", 421},
	} {
		h := NewHandler(sim, Options{Rate: -1, Addr: tt.addr, Hosts: tt.hosts})
		if got := hostStatus(h, tt.host); got != tt.want {
			t.Errorf("--addr %q, hosts %q: Host %q = %d, want %d", tt.addr, tt.hosts, tt.host, got, tt.want)
		}
	}

	// Served for real, the port must be the one listened on.
	addr := serveLoopback(t, NewServer("", NewHandler(sim, Options{Rate: -1, Addr: "127.0.0.1:0"})))
	_, port, _ := net.SplitHostPort(addr)
	for host, want := range map[string]string{
		"127.0.0.1:" + port:    "HTTP/1.1 200",
		"localhost:" + port:    "HTTP/1.1 200",
		"localhost:1" + port:   "HTTP/1.1 421",
		"localhost":            "HTTP/1.1 421",
		"evil.example:" + port: "HTTP/1.1 421",
	} {
		if got := rawStatus(t, addr, "GET /sante HTTP/1.1\r\nHost: "+host+"\r\n\r\n"); got != want {
			t.Errorf("Host %q over HTTP: %q, want %q", host, got, want)
		}
	}
	// A request line with a full address names its host there.
	if got := rawStatus(t, addr, "GET http://evil.example/sante HTTP/1.1\r\nHost: 127.0.0.1:"+port+"\r\n\r\n"); got != "HTTP/1.1 421" {
		t.Errorf("absolute request target: %q, want HTTP/1.1 421", got)
	}
}

// TestComputeDeadline: a computation past the compute timeout is answered
// 503 with a French message naming the limit, and is not cached.
func TestComputeDeadline(t *testing.T) {
	sim := defaultSimulator(t)
	h := NewHandler(sim, Options{Rate: -1, ComputeTimeout: time.Nanosecond})
	const target = "/resultats?etc.etc_cellule_numerique_confiance.2027=3"
	for i := range 2 {
		w := get(t, h, target)
		if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "a dépassé la limite de 1\u00a0ms") {
			t.Errorf("request %d with a deadline of 1 ns: %d\n%.400s", i+1, w.Code, w.Body)
		}
		if st := w.Header().Get("Server-Timing"); st == "cache" {
			t.Errorf("request %d: a computation stopped at its deadline was cached", i+1)
		}
	}
	if w := get(t, NewHandler(sim, Options{Rate: -1}), target); w.Code != http.StatusOK {
		t.Errorf("the same what-if with the default deadline: %d", w.Code)
	}
}

// TestComputeDeadlineReachesTheRun: the context's deadline is what every
// stage of a what-if (building the chain, the portfolio's own run, the
// run) stops at.
func TestComputeDeadlineReachesTheRun(t *testing.T) {
	sim := defaultSimulator(t)
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	for _, q := range whatIfs {
		st, err := sim.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sim.Evaluate(ctx, st); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%q past its deadline: %v, want the deadline's error", q, err)
		}
	}
}

// TestComputeDeadlineDoesNotWait: the answer comes at the deadline even
// when the computation is slow to stop; the computation keeps its slot
// until it has.
func TestComputeDeadlineDoesNotWait(t *testing.T) {
	const limit = 50 * time.Millisecond
	h := NewHandler(defaultSimulator(t), Options{Rate: -1, ComputeTimeout: limit, Concurrent: 1, QueueWait: 100 * time.Millisecond})
	unblock := make(chan struct{})
	defer close(unblock)
	deadlines := make(chan time.Duration, 2)
	h.compute = func(ctx context.Context, _ State) (*Outcome, error) {
		d, ok := ctx.Deadline()
		if !ok {
			d = time.Now().Add(time.Hour)
		}
		deadlines <- time.Until(d)
		<-unblock // deaf to its context
		return nil, ctx.Err()
	}
	start := time.Now()
	w := get(t, h, "/resultats?etc.etc_dsi.2027=1")
	if took := time.Since(start); w.Code != http.StatusServiceUnavailable || took > time.Second {
		t.Errorf("a computation that does not stop: %d after %v, want 503 after %v", w.Code, took, limit)
	}
	if d := <-deadlines; d > limit {
		t.Errorf("the computation's context ends in %v, want at most %v", d, limit)
	}
	w = get(t, h, "/resultats?etc.etc_dsi.2027=2")
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "très sollicité") {
		t.Errorf("while the first computation holds the only slot: %d\n%.300s", w.Code, w.Body)
	}
}
