//go:build unix

package cli

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// SIGTERM, which CI runners and container managers send, stops a command
// like Ctrl-C: a message, nothing written, exit 1 (not 143).
func TestSIGTERM(t *testing.T) {
	if os.Getenv("QUOTEPART_SIGTERM_CHILD") == "1" {
		os.Exit(Main([]string{"evaluate", "--draws", "10000000", "--quiet", "--timeout", "0"}, os.Stdout, os.Stderr))
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSIGTERM$")
	cmd.Env = append(os.Environ(), "QUOTEPART_SIGTERM_CHILD=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != exitError {
			t.Errorf("after SIGTERM: %v, want exit status 1", err)
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("SIGTERM did not stop the command")
	}
	if got := stderr.String(); got != "quotepart: interrupted; nothing was written\n" {
		t.Errorf("stderr %q, want the interruption message", got)
	}
	if stdout.Len() > 0 {
		t.Errorf("wrote %q after SIGTERM", stdout.String())
	}
}
