package whatif

import (
	"container/list"
	"context"
	"math"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// hostList is what the Host header of a request may name. Any other name
// may be a DNS rebinding: a page of another site whose name has been made
// to point at this machine, which the browser would then let read the
// what-if page as that site's own.
type hostList struct {
	// addr is the host of the listening address, accepted with the
	// listening port; anyIP says that address is unspecified (0.0.0.0,
	// ::), so that every IP address is accepted, with the listening port.
	addr  string
	anyIP bool
	// names are accepted with their port, or any port when it is "".
	names []hostPort
}

type hostPort struct{ host, port string }

func newHostList(addr string, names []string) hostList {
	var l hostList
	if host, _, err := net.SplitHostPort(addr); err == nil {
		l.addr = normalHost(host)
		ip := net.ParseIP(l.addr)
		l.anyIP = l.addr == "" || ip != nil && ip.IsUnspecified()
	}
	for _, n := range names {
		host, port := splitHost(n)
		if host != "" {
			l.names = append(l.names, hostPort{host, port})
		}
	}
	return l
}

// allow tells whether r's Host names this server: a loopback name or the
// listening address's host on the port the request came in on, or one of
// the names given.
func (l hostList) allow(r *http.Request) bool {
	host, port := splitHost(r.Host)
	if host == "" {
		return false
	}
	for _, n := range l.names {
		if host == n.host && (n.port == "" || port == n.port || port == "" && n.port == "80") {
			return true
		}
	}
	if !onListeningPort(r, port) {
		return false
	}
	if host == "localhost" || host == l.addr {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || l.anyIP)
}

// onListeningPort tells whether port (empty: 80) is the one r came in on;
// true when that is unknown (the handler called without an http.Server).
func onListeningPort(r *http.Request, port string) bool {
	local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return true
	}
	_, lport, err := net.SplitHostPort(local.String())
	if err != nil {
		return true
	}
	if port == "" {
		port = "80"
	}
	return port == lport
}

// splitHost splits a Host header (name, name:port, IP, [IPv6]:port) into
// its host, lower case without brackets or final dot, and its port.
func splitHost(hostport string) (host, port string) {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = hostport, ""
	}
	return normalHost(host), port
}

func normalHost(host string) string {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	return strings.TrimSuffix(strings.ToLower(host), ".")
}

// rateLimiter is a token bucket per client: each client may make burst
// requests at once, then rate a second. Buckets of clients gone quiet are
// dropped, and the number of buckets kept is bounded.
type rateLimiter struct {
	rate, burst float64
	maxClients  int
	now         func() time.Time

	mu        sync.Mutex
	clients   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(rate float64, burst, maxClients int) *rateLimiter {
	return &rateLimiter{rate: rate, burst: float64(burst), maxClients: maxClients, now: time.Now, clients: map[string]*bucket{}}
}

// allow takes a token from client's bucket; when there is none, it says
// how long until there is one.
func (l *rateLimiter) allow(client string) (bool, time.Duration) {
	if l == nil || l.rate <= 0 {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) > time.Minute || len(l.clients) >= l.maxClients {
		l.sweep(now)
	}
	b := l.clients[client]
	if b == nil {
		if len(l.clients) >= l.maxClients {
			// Too many clients at once: the newcomer waits for a sweep.
			return false, time.Second
		}
		b = &bucket{tokens: l.burst, last: now}
		l.clients[client] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

// sweep drops the buckets that have filled up again: those clients are
// as if new.
func (l *rateLimiter) sweep(now time.Time) {
	l.lastSweep = now
	for k, b := range l.clients {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.clients, k)
		}
	}
}

// slots bounds the computations running at once; a request waits for a
// slot at most its context's time.
type slots chan struct{}

func (s slots) acquire(ctx context.Context) bool {
	select {
	case s <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

func (s slots) release() { <-s }

// cache keeps the last computed what-ifs by query: several people looking
// at the same link cost one computation.
type cache struct {
	mu    sync.Mutex
	max   int
	order *list.List // front: most recent
	items map[string]*list.Element
}

type cacheEntry struct {
	key string
	out *Outcome
	err error
}

func newCache(max int) *cache {
	return &cache{max: max, order: list.New(), items: map[string]*list.Element{}}
}

func (c *cache) get(key string) (*Outcome, error, bool) {
	if c == nil || c.max <= 0 {
		return nil, nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[key]
	if !ok {
		return nil, nil, false
	}
	c.order.MoveToFront(e)
	ce := e.Value.(*cacheEntry)
	return ce.out, ce.err, true
}

func (c *cache) put(key string, out *Outcome, err error) {
	if c == nil || c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.order.MoveToFront(e)
		e.Value = &cacheEntry{key, out, err}
		return
	}
	c.items[key] = c.order.PushFront(&cacheEntry{key, out, err})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*cacheEntry).key)
	}
}
