package cli

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// quotepart runs the command line in-process and returns its exit code
// and what it printed.
func quotepart(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errs bytes.Buffer
	code = Main(args, &out, &errs)
	return code, out.String(), errs.String()
}

func TestOutputExitCodes(t *testing.T) {
	dir := t.TempDir()
	if _, err := os.Lstat("/dev/full"); err == nil {
		code, _, stderr := quotepart(t, "run", "--format", "json", "-o", "/dev/full")
		if code != exitError || stderr != "quotepart: cannot write /dev/full: no space left on device\n" {
			t.Errorf("-o /dev/full: exit %d, stderr %q; want exit 1 and no space left on device", code, stderr)
		}
	}
	if info, err := os.Lstat("/dev/null"); err == nil && info.Mode()&fs.ModeCharDevice != 0 {
		if code, stdout, stderr := quotepart(t, "run", "-o", "/dev/null"); code != exitOK || stdout != "" || stderr != "" {
			t.Errorf("-o /dev/null: exit %d, stdout %q, stderr %q", code, stdout, stderr)
		}
		if info, err := os.Lstat("/dev/null"); err != nil || info.Mode()&fs.ModeCharDevice == 0 {
			t.Fatalf("/dev/null is no longer a character device: %v %v", info.Mode(), err)
		}
	}
	missing := filepath.Join(dir, "nowhere", "bills.json")
	code, _, stderr := quotepart(t, "run", "--rules", filepath.Join(dir, "no-rules"), "-o", missing)
	if code != exitError || !strings.Contains(stderr, "does not exist") || strings.Contains(stderr, "no-rules") {
		t.Errorf("-o in a missing folder: exit %d, stderr %q; want exit 1, said before loading the rules", code, stderr)
	}
}

// A panic anywhere in a command is one line, exit 1: never a Go stack
// trace, never exit 2 (a failed gate).
func TestPanicIsAnInternalError(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := execute([]string{"boom"}, &stdout, &stderr, func(_ *program, root *cobra.Command) {
		root.AddCommand(&cobra.Command{Use: "boom", RunE: func(*cobra.Command, []string) error {
			var m map[string]int
			m["x"]++ // a nil map: a runtime panic
			return nil
		}})
	})
	want := "quotepart: internal error: assignment to entry in nil map; this is a bug in quotepart, please report it with the command that caused it\n"
	if code != exitError || stderr.String() != want {
		t.Errorf("exit %d, stderr %q; want exit 1 and %q", code, stderr.String(), want)
	}
	code = execute([]string{"boom"}, &stdout, &stderr, func(_ *program, root *cobra.Command) {
		root.AddCommand(&cobra.Command{Use: "boom", RunE: func(*cobra.Command, []string) error {
			panic("two\nlines \x1b[31m")
		}})
	})
	if got := stderr.String(); code != exitError || strings.Count(got, "\n") != 2 || strings.Contains(got, "\x1b") {
		t.Errorf("a panic with a line break: exit %d, stderr %q; want one line", code, got)
	}
}

// Flag values that do not parse say what was expected, in the user's
// words, not strconv's.
func TestFlagErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"evaluate", "--draws", "x"}, `quotepart: --draws: expected a whole number, found "x"`},
		{[]string{"evaluate", "--seed", "-1"}, `quotepart: --seed: expected a whole number, 0 or more, found "-1"`},
		{[]string{"evaluate", "--quiet=peut-être"}, `quotepart: --quiet: expected true or false, found "peut-être"`},
		{[]string{"serve", "--rate", "vite"}, `quotepart: --rate: expected a number, found "vite"`},
		{[]string{"run", "--timeout", "bientôt"}, `quotepart: --timeout: expected a duration such as 90s, 5m or 1h30m, found "bientôt"`},
		{[]string{"explain", "x", "--year", "2026.5"}, `quotepart: --year: expected a whole number, found "2026.5"`},
		{[]string{"check", "--stale-years", "six"}, `quotepart: --stale-years: expected a whole number, found "six"`},
	} {
		code, _, stderr := quotepart(t, tt.args...)
		first, _, _ := strings.Cut(stderr, "\n")
		if code != exitError || first != tt.want {
			t.Errorf("quotepart %v: exit %d, stderr %q; want exit 1 and %q", tt.args, code, stderr, tt.want)
		}
		for _, leak := range []string{"strconv", "Parse", "invalid syntax", "time:"} {
			if strings.Contains(stderr, leak) {
				t.Errorf("quotepart %v: %q leaks %q", tt.args, stderr, leak)
			}
		}
	}
}

// Every error Main prints has exactly one "quotepart: " before it, unless
// it is positioned in a file (file:line:col: ...), as compilers print them,
// or is the source line and caret under such an error.
func TestOnePrefix(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken")
	if err := os.Mkdir(broken, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(broken, "r.yaml"), []byte("service: {id: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	positioned := regexp.MustCompile(`^[^ :]+(:\d+){0,2}: `)
	snippet := regexp.MustCompile(`^ +(\d+ )?\| `)
	for _, args := range [][]string{
		{"nope"},
		{"run", "--nope"},
		{"run", "--format", "pdf"},
		{"run", "--from", "x"},
		{"run", "--rules", filepath.Join(dir, "missing")},
		{"run", "--rules", broken},
		{"run", "sans-cccas"},
		{"explain", "convention-2026"},
		{"compare", "convention-2026"},
		{"diff"},
		{"report"},
		{"schema", "nope"},
		{"evaluate", "--draws", "-1"},
		{"evaluate", "--budget", "x", "--select"},
		{"test", "--run", "("},
		{"config", "nope"},
	} {
		code, _, stderr := quotepart(t, args...)
		if code != exitError {
			t.Errorf("quotepart %v: exit %d, want 1", args, code)
		}
		for _, line := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
			switch {
			case strings.HasPrefix(line, "quotepart: quotepart"):
				t.Errorf("quotepart %v: two prefixes: %q", args, line)
			case strings.HasPrefix(line, "quotepart: "), strings.HasPrefix(line, "Run '"), line == "",
				positioned.MatchString(line) && !strings.HasPrefix(line, "quotepart"), snippet.MatchString(line),
				strings.HasPrefix(line, "Did you mean"), strings.HasPrefix(line, "  "):
			default:
				t.Errorf("quotepart %v: a line with no prefix: %q\n%s", args, line, stderr)
			}
		}
	}
}
