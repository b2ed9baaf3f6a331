package whatif

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestLoad runs the server, with its default limits, on loopback and lets
// 50 clients use it for 10 seconds (2 seconds under -short), each like a
// person changing a figure, reading the result and changing another 0.2
// to 0.8 s later (some 100 requests a second in all): from its own loopback
// address (127.0.0.2, 127.0.0.3...), so that each has its own rate limit,
// asking for what-ifs that are mostly new (so computed) and sometimes
// already asked (so cached). It reports the latency percentiles and the
// computation times the server measured, and fails on any answer other
// than 200.
//
// Loopback only, bounded in clients, time and request count.
func TestLoad(t *testing.T) {
	const clients = 50
	duration := 10 * time.Second
	if testing.Short() {
		duration = 2 * time.Second
	}
	sim := defaultSimulator(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer("", NewHandler(sim, Options{}))
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()

	queries := loadQueries()
	type sample struct {
		latency, compute time.Duration
		cached           bool
		status           int
		err              error
	}
	var mu sync.Mutex
	var samples []sample
	deadline := time.Now().Add(duration)
	const maxRequests = 100 // per client: bounds the test whatever the speed
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			local := &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+c))}
			if !local.IP.IsLoopback() {
				panic("load test client outside loopback")
			}
			dialer := &net.Dialer{LocalAddr: local, Timeout: 5 * time.Second}
			if probe, err := dialer.Dial("tcp", ln.Addr().String()); err != nil {
				dialer.LocalAddr = nil // no 127.0.0.0/8 aliases here: share 127.0.0.1
			} else {
				probe.Close()
			}
			client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DialContext: dialer.DialContext, MaxIdleConnsPerHost: 1}}
			defer client.CloseIdleConnections()
			rng := rand.New(rand.NewPCG(uint64(c), 7))
			for n := 0; n < maxRequests && time.Now().Before(deadline); n++ {
				q := queries[rng.IntN(len(queries))]
				if rng.IntN(4) > 0 {
					// A figure nobody asked yet: computed, not cached.
					q += fmt.Sprintf("&etc.etc_dsi.2029=%d,%02d", rng.IntN(5), rng.IntN(100))
				}
				start := time.Now()
				resp, err := client.Get(base + "/resultats?" + q)
				s := sample{err: err}
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					s.err, s.status = err, resp.StatusCode
					timing := resp.Header.Get("Server-Timing")
					s.cached = timing == "cache"
					if ms, ok := strings.CutPrefix(timing, "calcul;dur="); ok {
						f, _ := strconv.ParseFloat(ms, 64)
						s.compute = time.Duration(f * float64(time.Millisecond))
					}
				}
				s.latency = time.Since(start)
				mu.Lock()
				samples = append(samples, s)
				mu.Unlock()
				// A person reads the result, then changes another figure:
				// 0.2 to 0.8 s later.
				time.Sleep(time.Duration(200+rng.IntN(600)) * time.Millisecond)
			}
		})
	}
	wg.Wait()

	var latencies, computes []time.Duration
	failures := map[string]int{}
	cached := 0
	for _, s := range samples {
		switch {
		case s.err != nil:
			failures[s.err.Error()]++
		case s.status != http.StatusOK:
			failures["HTTP "+strconv.Itoa(s.status)]++
		}
		latencies = append(latencies, s.latency)
		if s.cached {
			cached++
		} else if s.compute > 0 {
			computes = append(computes, s.compute)
		}
	}
	pct := func(ds []time.Duration, p float64) time.Duration {
		if len(ds) == 0 {
			return 0
		}
		slices.Sort(ds)
		return ds[min(len(ds)-1, int(p*float64(len(ds))))].Round(100 * time.Microsecond)
	}
	t.Logf("load: %d clients × %s, %d requests (%.0f/s), %d answered from the cache", clients, duration, len(samples), float64(len(samples))/duration.Seconds(), cached)
	t.Logf("latency: p50 %s, p95 %s, p99 %s, max %s", pct(latencies, 0.50), pct(latencies, 0.95), pct(latencies, 0.99), pct(latencies, 1))
	t.Logf("computation (server): p50 %s, p95 %s, max %s over %d computed what-ifs", pct(computes, 0.50), pct(computes, 0.95), pct(computes, 1), len(computes))
	if len(failures) > 0 {
		t.Errorf("failed requests: %v", failures)
	}
	if len(samples) < clients {
		t.Errorf("only %d requests in %s", len(samples), duration)
	}
	if p95 := pct(latencies, 0.95); p95 > 2*time.Second {
		t.Errorf("p95 latency %s over 2 s", p95)
	}
}

// loadQueries are what-ifs of every kind, most on the baseline, as a
// committee would try them.
func loadQueries() []string {
	qs := []string{
		"x=", // replaced below: the baseline with one change
		"etc.etc_cellule_numerique_confiance.2027=2",
		"p.taux_frais_gestion=3,5&p.taux_frais_gestion.from=2027",
		"p.cible_refacturation_ccas=25000",
		"nm.date=2028-01-01&nm.population=9727",
		"nm.date=2027-01-01&nm.population=14000&etc.etc_bureau_pmo.2027=1",
		"scenario=nouveau-membre&p.taux_frais_gestion=4",
		"scenario=sans-ccas&etc.etc_dsi.2028=-2",
		"scenario=evolution-etc",
		"projets=ged-archives",
		"scenario=sdsi-2027-2030",
		"scenario=sdsi-2027-2030&etc.etc_dsi.2027=1",
	}
	qs[0] = "etc.etc_dsi.2027=1"
	return qs
}
