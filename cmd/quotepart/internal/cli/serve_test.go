package cli

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/quotepart/quotepart/internal/app"
	"github.com/quotepart/quotepart/internal/whatif"
)

// TestServeUntilDone serves the page on loopback, answers a request, and
// stops cleanly when the context ends, as on Ctrl-C or SIGTERM, without
// waiting for a connection that sent nothing.
func TestServeUntilDone(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := whatif.NewServer("", newServeHandler(t))
	ctx, cancel := context.WithCancel(context.Background())
	var stderr bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- serveUntilDone(ctx, srv, ln, &stderr) }()
	if code, body := getPage(t, "http://"+ln.Addr().String()+"/sante"); code != http.StatusOK || strings.TrimSpace(body) != "ok" {
		t.Errorf("GET /sante = %d %q", code, body)
	}
	silent, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve ended with %v, want nil on interruption", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("serve did not stop within 3 s of the interruption")
	}
	if stderr.Len() > 0 {
		t.Errorf("stderr: %q", stderr.String())
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/sante"); err == nil {
		t.Error("the server still answers after stopping")
	}
}

func getPage(t *testing.T, url string) (int, string) {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestServeErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--addr", "256.0.0.1:1", "--public"}, "cannot listen on 256.0.0.1:1"},
		{[]string{"serve", "page"}, "unknown command"},
		{[]string{"serve", "--scenarios", "/nonexistent"}, "no such scenarios folder"},
		{[]string{"serve", "--addr", "8080"}, "--addr 8080: expected host:port"},
		{[]string{"serve", "--max-conns", "0"}, "--max-conns: expected at least 1, found 0"},
		// Listening beyond this machine needs --public; nothing is
		// listened on before saying so.
		{[]string{"serve", "--addr", "0.0.0.0:8080"}, "--addr 0.0.0.0:8080 is not a loopback address: the page would be reachable from other machines; add --public to allow it"},
		{[]string{"serve", "--addr", ":8080"}, "--addr :8080 is not a loopback address"},
		{[]string{"serve", "--addr", "[::]:8080"}, "--addr [::]:8080 is not a loopback address"},
		{[]string{"serve", "--addr", "192.0.2.1:8080"}, "--addr 192.0.2.1:8080 is not a loopback address"},
	} {
		var stdout, stderr bytes.Buffer
		if code := Main(tt.args, &stdout, &stderr); code != exitError || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("quotepart %v: exit %d, stderr %q; want exit 1 and %q", tt.args, code, stderr.String(), tt.want)
		}
	}
}

// lockedBuffer is a bytes.Buffer that a server and a test may share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServe runs serve on the embedded defaults until the returned stop
// is called, and returns the address it prints, with its stderr; stop
// returns serve's error.
func startServe(t *testing.T, cfg serveConfig) (addr string, stderr *lockedBuffer, stop func() error) {
	t.Helper()
	ws, err := app.OpenDefaults()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout lockedBuffer
	stderr = &lockedBuffer{}
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ws, cfg, &stdout, stderr) }()
	stop = func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("serve did not stop within 10 s")
			return nil
		}
	}
	printed := regexp.MustCompile(`http://([^/]+)/`)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if m := printed.FindStringSubmatch(stdout.String()); m != nil {
			return m[1], stderr, stop
		}
		select {
		case err := <-done:
			t.Fatalf("serve ended before serving: %v\n%s", err, stderr)
		default:
		}
		if time.Now().After(deadline) {
			stop()
			t.Fatal("serve printed no address within 30 s")
		}
	}
}

// TestServePublic: with --public, serve listens on every address, says so
// on stderr, answers a request addressed to an IP address of the machine
// but not one addressed to another name, and stops on its context with
// no error (exit 0).
func TestServePublic(t *testing.T) {
	addr, stderr, stop := startServe(t, serveConfig{addr: "0.0.0.0:0", public: true, rate: -1})
	_, port, _ := net.SplitHostPort(addr)
	want := regexp.MustCompile(`^quotepart: warning: listening on (0\.0\.0\.0|\[::\]):` + port + `, reachable from other machines\n$`)
	if got := stderr.String(); !want.MatchString(got) {
		t.Errorf("stderr = %q, want %s", got, want)
	}
	if code, _ := getPage(t, "http://127.0.0.1:"+port+"/sante"); code != http.StatusOK {
		t.Errorf("GET http://127.0.0.1:%s/sante = %d", port, code)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+port+"/sante", nil)
	req.Host = "evil.example:" + port
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("Host evil.example: %d, want 421", resp.StatusCode)
	}
	if err := stop(); err != nil {
		t.Errorf("serve ended with %v, want nil", err)
	}
}

// TestServeLoopback: on loopback, no warning; another name given with
// --allow-host is accepted.
func TestServeLoopback(t *testing.T) {
	addr, stderr, stop := startServe(t, serveConfig{addr: "127.0.0.1:0", hosts: []string{"simulation.intranet.example"}, rate: -1})
	for host, want := range map[string]int{"simulation.intranet.example": 200, addr: 200, "evil.example": 421} {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/sante", nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %s: %d, want %d", host, resp.StatusCode, want)
		}
	}
	if err := stop(); err != nil {
		t.Errorf("serve ended with %v, want nil", err)
	}
	if strings.Contains(stderr.String(), "warning") {
		t.Errorf("stderr = %q, want no warning", stderr.String())
	}
}

// TestServeSIGTERM runs `quotepart serve` in a process of its own (this
// test binary, run again) and stops it with SIGTERM, as systemd or docker
// do: it must exit 0, not be killed (143).
func TestServeSIGTERM(t *testing.T) {
	if os.Getenv("QUOTEPART_TEST_SERVE_PROCESS") == "1" {
		os.Exit(Main([]string{"serve", "--addr", "127.0.0.1:0"}, os.Stdout, os.Stderr))
	}
	if runtime.GOOS == "windows" {
		t.Skip("no SIGTERM on Windows")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestServeSIGTERM$")
	cmd.Env = append(os.Environ(), "QUOTEPART_TEST_SERVE_PROCESS=1")
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := regexp.MustCompile(`http://([^/]+)/`).FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		close(found)
	}()
	var addr string
	select {
	case addr = <-found:
	case <-time.After(60 * time.Second):
		t.Fatalf("serve printed no address within 60 s\n%s", stderr.String())
	}
	if addr == "" {
		t.Fatalf("serve ended before serving\n%s", stderr.String())
	}
	if code, _ := getPage(t, "http://"+addr+"/sante"); code != http.StatusOK {
		t.Errorf("GET /sante = %d", code)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Errorf("after SIGTERM: %v, want exit 0\n%s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop within 10 s of SIGTERM")
	}
}
