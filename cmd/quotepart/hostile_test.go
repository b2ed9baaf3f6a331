//go:build unix

package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Limits every hostile rule file must end within: a time, and a peak of
// resident memory. The process also runs under a cap on its address space
// (ulimit -v), so that a runaway stops there rather than exhaust the
// machine; the cap is larger than the memory allowed, since the Go
// runtime reserves address space it does not use (at 1 GiB, about one
// start in twenty fails before doing anything).
const (
	hostileTimeout      = 10 * time.Second
	hostileMemory       = 1 << 30 // bytes, resident at most
	hostileAddressSpace = 4 << 30 // bytes, ulimit -v
)

// TestHostile runs quotepart check and run on every case of
// testdata/hostile (see its README.md) in a process of its own, under a
// memory limit and a timeout: each must exit 1 with its expected message
// within hostileTimeout and hostileMemory, never crash, hang or exhaust
// the machine.
func TestHostile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds quotepart and runs it on every hostile file; not with -short")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash here: the hostile files run under bash's ulimit -v")
	}
	if err := exec.Command(bash, "-c", "ulimit -v "+itoa(hostileAddressSpace/1024)).Run(); err != nil {
		t.Skipf("this platform cannot limit a process's memory with ulimit -v: %v", err)
	}
	cases, err := os.ReadDir("testdata/hostile")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "quotepart")
	build := exec.Command(goTool(), "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	env := []string{"NO_COLOR=1"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "QUOTEPART_") {
			env = append(env, kv)
		}
	}
	for _, c := range cases {
		if !c.IsDir() {
			continue
		}
		want, err := os.ReadFile(filepath.Join("testdata/hostile", c.Name(), "want.txt"))
		if err != nil {
			t.Fatalf("%s: %v (every case has a want.txt)", c.Name(), err)
		}
		re, err := regexp.Compile("(?m)" + strings.TrimSpace(string(want)))
		if err != nil {
			t.Fatalf("%s/want.txt: %v", c.Name(), err)
		}
		// A case with files that cannot be in git (hostileMade) runs
		// in a copy completed with them.
		dir := "testdata/hostile"
		if made := hostileMade[c.Name()]; made != nil {
			dir = t.TempDir()
			if err := os.CopyFS(filepath.Join(dir, c.Name()), os.DirFS(filepath.Join("testdata/hostile", c.Name()))); err != nil {
				t.Fatal(err)
			}
			if err := made(filepath.Join(dir, c.Name())); err != nil {
				t.Fatalf("%s: %v", c.Name(), err)
			}
		}
		for _, args := range [][]string{{"check", c.Name()}, {"run", "--rules", c.Name()}} {
			t.Run(c.Name()+"/"+args[0], func(t *testing.T) {
				t.Parallel()
				ctx, cancel := context.WithTimeout(context.Background(), hostileTimeout)
				defer cancel()
				cmd := exec.CommandContext(ctx, bash, append([]string{"-c",
					"ulimit -v " + itoa(hostileAddressSpace/1024) + ` && exec "$0" "$@"`, bin}, args...)...)
				cmd.Dir = dir
				cmd.Env = env
				start := time.Now()
				out, err := cmd.CombinedOutput()
				took := time.Since(start)
				if ctx.Err() != nil {
					t.Fatalf("quotepart %s still running after %v:\n%s", strings.Join(args, " "), hostileTimeout, out)
				}
				var exit *exec.ExitError
				if !errors.As(err, &exit) || exit.ExitCode() != 1 {
					t.Errorf("quotepart %s: %v, want exit status 1", strings.Join(args, " "), err)
				}
				if !re.Match(out) {
					t.Errorf("quotepart %s printed:\n%s\nwant a match of %s", strings.Join(args, " "), out, re)
				}
				if strings.Contains(string(out), "goroutine ") || strings.Contains(string(out), "panic") {
					t.Errorf("quotepart %s printed a Go panic:\n%s", strings.Join(args, " "), out)
				}
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
					// Maxrss is in KiB on Linux, in bytes on the BSDs
					// and macOS: either way, KiB is the stricter reading.
					if ru.Maxrss*1024 > hostileMemory {
						t.Errorf("quotepart %s reached %d MiB, more than %d MiB", strings.Join(args, " "), ru.Maxrss/1024, hostileMemory>>20)
					}
					t.Logf("%v, %d MiB at most", took.Round(time.Millisecond), ru.Maxrss/1024)
				}
			})
		}
	}
}

// goTool is the go command that runs the tests.
func goTool() string {
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); fileExists(p) {
		return p
	}
	return "go"
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
