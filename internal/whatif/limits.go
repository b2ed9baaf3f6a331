package whatif

import (
	"container/list"
	"context"
	"io"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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

// everyMinute lets something happen at most once a minute: a log line
// that a flood of requests would repeat.
type everyMinute struct{ last atomic.Int64 }

func (e *everyMinute) allow() bool {
	now := time.Now().UnixNano()
	last := e.last.Load()
	return (last == 0 || now-last >= int64(time.Minute)) && e.last.CompareAndSwap(last, now)
}

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

// connLimit bounds the connections open at once. At the bound, a new
// connection takes the place of the one that has waited longest without
// a request under way (nothing read yet, or idle between two requests),
// so that idle sockets, however many, cannot keep a person out; when
// every connection has a request under way, the new one is answered 503
// and closed. The server's timeouts close the waiting ones in time
// anyway (ReadHeaderTimeout, IdleTimeout).
type connLimit struct {
	max int
	// full is called, at most once a minute, when a connection is turned
	// away or closed to make room.
	full func(open int, refused bool)

	mu       sync.Mutex
	open     int
	admitted int       // in all, for the tests
	waiting  list.List // of *limitedConn, the longest waiting first
	lastFull time.Time
}

func newConnLimit(max int, full func(open int, refused bool)) *connLimit {
	return &connLimit{max: max, full: full}
}

// limitedConn is a connection counted by a connLimit.
type limitedConn struct {
	net.Conn
	l *connLimit
	// Guarded by l.mu: waiting is the connection's place in l.waiting,
	// nil while a request is under way; closed says it is no longer
	// counted.
	waiting *list.Element
	closed  bool
}

// admit counts a new connection. It returns the connection to close to
// make room for it, if any, or false when there is no room.
func (l *connLimit) admit(c *limitedConn) (evicted *limitedConn, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open >= l.max {
		front := l.waiting.Front()
		if front == nil {
			l.noteFull(true)
			return nil, false
		}
		l.noteFull(false)
		evicted = front.Value.(*limitedConn)
		l.forget(evicted)
	}
	l.open++
	l.admitted++
	c.waiting = l.waiting.PushBack(c)
	return evicted, true
}

func (l *connLimit) noteFull(refused bool) {
	if l.full != nil && time.Since(l.lastFull) >= time.Minute {
		l.lastFull = time.Now()
		l.full(l.open, refused)
	}
}

// forget stops counting c; l.mu is held.
func (l *connLimit) forget(c *limitedConn) {
	if c.closed {
		return
	}
	c.closed = true
	l.open--
	if c.waiting != nil {
		l.waiting.Remove(c.waiting)
		c.waiting = nil
	}
}

// state follows a connection through http.Server.ConnState: waiting
// while new or idle, not while a request is under way.
func (l *connLimit) state(nc net.Conn, st http.ConnState) {
	c, ok := nc.(*limitedConn)
	if !ok || c.l != l {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case c.closed:
	case st == http.StateActive && c.waiting != nil:
		l.waiting.Remove(c.waiting)
		c.waiting = nil
	case st == http.StateIdle && c.waiting == nil:
		c.waiting = l.waiting.PushBack(c)
	case st == http.StateHijacked || st == http.StateClosed:
		l.forget(c)
	}
}

// closeWaiting closes every connection without a request under way.
func (l *connLimit) closeWaiting() {
	l.mu.Lock()
	var conns []*limitedConn
	for e := l.waiting.Front(); e != nil; e = e.Next() {
		conns = append(conns, e.Value.(*limitedConn))
	}
	for _, c := range conns {
		l.forget(c)
	}
	l.mu.Unlock()
	for _, c := range conns {
		c.Conn.Close()
	}
}

// counts returns the connections open and, of them, those waiting.
func (l *connLimit) counts() (open, waiting int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open, l.waiting.Len()
}

func (c *limitedConn) Close() error {
	c.l.mu.Lock()
	c.l.forget(c)
	c.l.mu.Unlock()
	return c.Conn.Close()
}

// limitListener is a listener whose connections a connLimit counts.
type limitListener struct {
	net.Listener
	l *connLimit
}

// tooManyConns is the answer to a connection turned away.
var tooManyConns = func() string {
	const msg = "Trop de connexions ouvertes : réessayez dans un instant.\n"
	return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nRetry-After: 1\r\nConnection: close\r\n" +
		"Content-Length: " + strconv.Itoa(len(msg)) + "\r\n\r\n" + msg
}()

func (ln *limitListener) Accept() (net.Conn, error) {
	for {
		nc, err := ln.Listener.Accept()
		if err != nil {
			return nil, err
		}
		c := &limitedConn{Conn: nc, l: ln.l}
		evicted, ok := ln.l.admit(c)
		if evicted != nil {
			evicted.Conn.Close()
		}
		if ok {
			return c, nil
		}
		nc.SetWriteDeadline(time.Now().Add(time.Second))
		_, _ = io.WriteString(nc, tooManyConns)
		nc.Close()
	}
}
