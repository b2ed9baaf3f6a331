package cli

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
