package cli

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/quotepart/quotepart/internal/whatif"
)

// TestServeUntilDone serves the page on loopback, answers a request, and
// stops cleanly when the context ends, as on Ctrl-C.
func TestServeUntilDone(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := whatif.NewServer("", newServeHandler(t))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveUntilDone(ctx, srv, ln) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/sante")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != "ok" {
		t.Errorf("GET /sante = %d %q", resp.StatusCode, body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve ended with %v, want nil on interruption", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop after the interruption")
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/sante"); err == nil {
		t.Error("the server still answers after stopping")
	}
}

func TestServeErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--addr", "256.0.0.1:1"}, "cannot listen on 256.0.0.1:1"},
		{[]string{"serve", "page"}, "unknown command"},
		{[]string{"serve", "--scenarios", "/nonexistent"}, "no such scenarios folder"},
	} {
		var stdout, stderr bytes.Buffer
		if code := Main(tt.args, &stdout, &stderr); code != exitError || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("quotepart %v: exit %d, stderr %q; want exit 1 and %q", tt.args, code, stderr.String(), tt.want)
		}
	}
}
