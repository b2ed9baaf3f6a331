package whatif

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// dialIdle opens n connections to addr that send nothing.
func dialIdle(t *testing.T, addr string, n int) []net.Conn {
	t.Helper()
	conns := make([]net.Conn, n)
	for i := range conns {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		conns[i] = c
	}
	return conns
}

// waitAdmitted waits until the server has taken n connections in all.
func waitAdmitted(t *testing.T, s *Server, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		s.conns.mu.Lock()
		got := s.conns.admitted
		s.conns.mu.Unlock()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server took %d connections, want %d", got, n)
		}
	}
}

// closedWithin tells whether the server closes c within d.
func closedWithin(c net.Conn, d time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(d))
	_, err := io.ReadAll(c)
	return !errors.Is(err, os.ErrDeadlineExceeded)
}

// quickGet asks for /sante on a new connection and says how long it took.
func quickGet(t *testing.T, addr string) (int, time.Duration) {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	start := time.Now()
	resp, err := client.Get("http://" + addr + "/sante")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, time.Since(start)
}

// TestConnectionCap: idle sockets beyond the cap do not hold more
// descriptors, and do not keep a person out: a normal request takes the
// place of the socket idle longest and answers at once, well before the
// read-header timeout would have closed the idle ones.
func TestConnectionCap(t *testing.T) {
	const maxConns = 8
	var log bytes.Buffer
	s := NewServer("", NewHandler(defaultSimulator(t), Options{Rate: -1, MaxConns: maxConns, Log: slog.New(slog.NewTextHandler(&log, nil))}))
	addr := serveLoopback(t, s)
	idle := dialIdle(t, addr, 5*maxConns)
	waitAdmitted(t, s, 5*maxConns)
	if want := "8 connections open: the one idle longest is closed for each new one"; strings.Count(log.String(), want) != 1 {
		t.Errorf("the log does not say once %q:\n%s", want, &log)
	}
	if open, _ := s.conns.counts(); open > maxConns {
		t.Errorf("%d connections open, the cap is %d", open, maxConns)
	}
	if !closedWithin(idle[0], 2*time.Second) {
		t.Error("the idle connection opened first is still open with the cap reached")
	}
	code, took := quickGet(t, addr)
	if code != http.StatusOK || took > time.Second {
		t.Errorf("GET /sante with %d idle connections: %d after %v, want 200 at once (the read-header timeout is 5 s)", 5*maxConns, code, took)
	}
	if open, _ := s.conns.counts(); open > maxConns {
		t.Errorf("%d connections open, the cap is %d", open, maxConns)
	}
}

// TestIdleTimeouts: a connection that sends nothing is closed after the
// read-header timeout, a kept-alive one after the idle timeout.
func TestIdleTimeouts(t *testing.T) {
	const timeout = 200 * time.Millisecond
	s := NewServer("", NewHandler(defaultSimulator(t), Options{Rate: -1, ReadHeaderTimeout: timeout, IdleTimeout: timeout}))
	addr := serveLoopback(t, s)
	silent := dialIdle(t, addr, 1)[0]
	start := time.Now()
	if !closedWithin(silent, 5*time.Second) {
		t.Fatal("a connection that sends nothing is still open after 5 s")
	}
	if took := time.Since(start); took < timeout/2 {
		t.Errorf("a silent connection was closed after %v, before the timeout", took)
	}
	kept := dialIdle(t, addr, 1)[0]
	if _, err := io.WriteString(kept, "GET /sante HTTP/1.1\r\nHost: "+addr+"\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 12)
	if _, err := io.ReadFull(kept, buf); err != nil || string(buf) != "HTTP/1.1 200" {
		t.Fatalf("kept-alive request: %q, %v", buf, err)
	}
	if !closedWithin(kept, 5*time.Second) {
		t.Error("an idle kept-alive connection is still open after 5 s")
	}
	if open, waiting := s.conns.counts(); open != 0 || waiting != 0 {
		t.Errorf("after the timeouts, %d connections counted open, %d waiting", open, waiting)
	}
	if code, took := quickGet(t, addr); code != http.StatusOK || took > time.Second {
		t.Errorf("GET /sante after the timeouts: %d after %v", code, took)
	}
}

// TestConnectionCapAllBusy: when every connection has a request under
// way, a new one is answered 503 and closed; once they finish, requests
// are served again.
func TestConnectionCapAllBusy(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/lent" {
			entered <- struct{}{}
			<-release
		}
	})
	s := newServer("", slow, Options{MaxConns: 2})
	addr := serveLoopback(t, s)
	done := make(chan error, 2)
	for range 2 {
		go func() {
			resp, err := http.Get("http://" + addr + "/lent")
			if err == nil {
				resp.Body.Close()
			}
			done <- err
		}()
	}
	<-entered
	<-entered
	if got := rawStatus(t, addr, "GET / HTTP/1.1\r\nHost: "+addr+"\r\n\r\n"); got != "HTTP/1.1 503" {
		t.Errorf("a third connection while two requests are under way: %q, want HTTP/1.1 503", got)
	}
	close(release)
	for range 2 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
	// The server marks a connection idle just after the client has read
	// its answer.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if open, waiting := s.conns.counts(); waiting == open {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the connections of the finished requests are not idle after 5 s")
		}
	}
	if code, _ := quickGet(t, addr); code != http.StatusOK {
		t.Errorf("after the slow requests: %d", code)
	}
}

// TestShutdown: on Shutdown, a request under way finishes and gets its
// answer, while connections that have sent nothing do not hold the
// server up until their read-header timeout.
func TestShutdown(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/lent" {
			close(entered)
			<-release
		}
		io.WriteString(w, "fini")
	})
	s := newServer("", slow, Options{ReadHeaderTimeout: 30 * time.Second})
	addr := serveLoopback(t, s)
	silent := dialIdle(t, addr, 1)[0]
	waitAdmitted(t, s, 1)
	type answer struct {
		body string
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		resp, err := http.Get("http://" + addr + "/lent")
		if err != nil {
			got <- answer{err: err}
			return
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- answer{string(b), err}
	}()
	<-entered
	stopped := make(chan error, 1)
	start := time.Now()
	go func() { stopped <- s.Shutdown(context.Background()) }()
	time.Sleep(50 * time.Millisecond)
	close(release)
	if a := <-got; a.err != nil || a.body != "fini" {
		t.Errorf("the request under way: %q, %v; want its answer", a.body, a.err)
	}
	select {
	case err := <-stopped:
		if err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Shutdown waits for a connection that sent nothing")
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("Shutdown took %v", took)
	}
	if !closedWithin(silent, time.Second) {
		t.Error("the silent connection is still open after Shutdown")
	}
}
