package outfile

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// names lists the files of dir, to tell that no temporary file is left.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestStdout(t *testing.T) {
	for _, path := range []string{"", "-"} {
		var out bytes.Buffer
		if err := Check(path); err != nil {
			t.Errorf("Check(%q) = %v", path, err)
		}
		if err := Write(path, []byte("data"), &out); err != nil || out.String() != "data" {
			t.Errorf("Write(%q) = %v, wrote %q", path, err, out.String())
		}
	}
}

func TestNewAndExistingRegularFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.json")
	if err := Write(path, []byte("one"), nil); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, path); got != "one" {
		t.Errorf("content %q, want one", got)
	}
	if runtime.GOOS != "windows" {
		if info, _ := os.Stat(path); info.Mode().Perm() != 0o644 {
			t.Errorf("new file mode %v, want 0644", info.Mode().Perm())
		}
		if err := os.Chmod(path, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := Write(path, []byte("two"), nil); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, path); got != "two" {
		t.Errorf("content %q, want two", got)
	}
	if runtime.GOOS != "windows" {
		if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
			t.Errorf("mode %v after a rewrite, want the file's own 0600", info.Mode().Perm())
		}
	}
	if got := names(t, dir); !slices.Equal(got, []string{"out.json"}) {
		t.Errorf("folder holds %q, want out.json only", got)
	}
}

// A write that fails half-way leaves the old file and no temporary one.
func TestFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	syncFile = func(*os.File) error { return errors.New("input/output error") }
	defer func() { syncFile = (*os.File).Sync }()
	err := Write(path, []byte("new"), nil)
	if err == nil || err.Error() != "cannot write "+path+": input/output error" {
		t.Errorf("Write = %v, want cannot write %s: input/output error", err, path)
	}
	if got := readFile(t, path); got != "old" {
		t.Errorf("content %q, want the old one", got)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"out.json"}) {
		t.Errorf("folder holds %q after a failure, want out.json only", got)
	}
}

func TestFolderAndMissingFolder(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ path, want string }{
		{dir, "cannot write " + dir + ": it is a folder"},
		{filepath.Join(dir, "nowhere", "out.json"), "cannot write " + filepath.Join(dir, "nowhere", "out.json") + ": the folder " + filepath.Join(dir, "nowhere") + " does not exist"},
	} {
		if err := Check(tt.path); err == nil || err.Error() != tt.want {
			t.Errorf("Check(%q) = %v, want %s", tt.path, err, tt.want)
		}
		if err := Write(tt.path, []byte("x"), nil); err == nil || err.Error() != tt.want {
			t.Errorf("Write(%q) = %v, want %s", tt.path, err, tt.want)
		}
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}
}

// A symbolic link is followed: its target is written, the link stays.
func TestSymlink(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "real"), 0o755); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "real", "bills.json")
	if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	symlink(t, filepath.Join("real", "bills.json"), link)
	if err := Write(link, []byte("new"), nil); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", info.Mode(), err)
	}
	if got := readFile(t, target); got != "new" {
		t.Errorf("target holds %q, want new", got)
	}
	if got := names(t, filepath.Join(dir, "real")); !slices.Equal(got, []string{"bills.json"}) {
		t.Errorf("target folder holds %q", got)
	}

	// A dangling link: the path it names is created.
	dangling := filepath.Join(dir, "dangling.json")
	symlink(t, filepath.Join(dir, "real", "later.json"), dangling)
	if err := Write(dangling, []byte("later"), nil); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(dir, "real", "later.json")); got != "later" {
		t.Errorf("dangling link's target holds %q", got)
	}
	// A link to a folder is a folder.
	toDir := filepath.Join(dir, "dir-link")
	symlink(t, "real", toDir)
	if err := Check(toDir); err == nil || !strings.HasSuffix(err.Error(), "it is a folder") {
		t.Errorf("Check(link to folder) = %v", err)
	}
	// A loop ends.
	loop := filepath.Join(dir, "loop")
	symlink(t, "loop", loop)
	if err := Check(loop); err == nil || !strings.Contains(err.Error(), "too many levels of symbolic links") {
		t.Errorf("Check(loop) = %v", err)
	}
}

func TestDevNullStaysADevice(t *testing.T) {
	info, err := os.Lstat("/dev/null")
	if err != nil || info.Mode()&fs.ModeCharDevice == 0 {
		t.Skip("no /dev/null character device here")
	}
	if err := Write("/dev/null", []byte("discarded"), nil); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Lstat("/dev/null"); err != nil || info.Mode()&fs.ModeCharDevice == 0 {
		t.Fatalf("/dev/null is no longer a character device: %v %v", info.Mode(), err)
	}
}

func TestDevFullIsAnError(t *testing.T) {
	if _, err := os.Lstat("/dev/full"); err != nil {
		t.Skip("no /dev/full here")
	}
	err := Write("/dev/full", []byte("data"), nil)
	if err == nil || err.Error() != "cannot write /dev/full: no space left on device" {
		t.Errorf("Write(/dev/full) = %v, want cannot write /dev/full: no space left on device", err)
	}
}
