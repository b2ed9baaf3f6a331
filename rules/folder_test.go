package rules_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
)

// writeFiles makes a folder of files for the folder tests.
func writeFiles(tb testing.TB, files map[string]string) string {
	tb.Helper()
	dir := tb.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

// limitError returns the error of code diag.Limit in err, failing when
// there is none.
func limitError(tb testing.TB, err error) *diag.Error {
	tb.Helper()
	for _, e := range diag.Flatten(err) {
		if e.Code == diag.Limit {
			return e
		}
	}
	tb.Fatalf("no limit error in %v", err)
	return nil
}

func TestReadFolderSkipsHiddenFilesAndFolders(t *testing.T) {
	fsys := fstest.MapFS{
		"a.yaml":          {Data: []byte("a")},
		".b.yaml":         {Data: []byte("b")},
		".#c.yaml":        {Data: []byte("c")},
		"sub/d.yaml":      {Data: []byte("d")},
		"e.test.yaml":     {Data: []byte("e")},
		"notes.md":        {Data: []byte("f")},
		"z.yml":           {Data: []byte("z")},
		"sub.yaml/g.yaml": {Data: []byte("g")},
	}
	got, err := rules.ReadFolder(fsys, ".", "r", "the rules folder", rules.IsRuleFile)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range got {
		names = append(names, f.Path)
	}
	if want := "r/a.yaml r/z.yml"; strings.Join(names, " ") != want {
		t.Errorf("read %q, want %q", names, want)
	}
}

func TestReadFolderFollowsSymlinksToRegularFiles(t *testing.T) {
	dir := writeFiles(t, map[string]string{"real.txt": "members: []\n"})
	if err := os.Symlink(filepath.Join(dir, "real.txt"), filepath.Join(dir, "lien.yaml")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sous"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "sous"), filepath.Join(dir, "dossier.yaml")); err != nil {
		t.Fatal(err)
	}
	got, err := rules.ReadFolder(os.DirFS(dir), ".", "r", "the rules folder", rules.IsRuleFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Path != "r/lien.yaml" || string(got[0].Data) != "members: []\n" || got[0].Err != nil {
		t.Errorf("got %+v, want lien.yaml read through the link and the linked folder left out", got)
	}
}

// Through FolderFS, a link is followed only while it stays in the folder:
// one that leads out is refused, by name, and nothing of its target shows.
func TestFolderFSRefusesLinksOut(t *testing.T) {
	outside := writeFiles(t, map[string]string{"secret.txt": "token: hunter2\nnot yaml\n"})
	dir := writeFiles(t, map[string]string{"a.yaml": "members: []\n"})
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(dir, "z.yaml")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if err := os.Symlink("a.yaml", filepath.Join(dir, "b.yaml")); err != nil {
		t.Fatal(err)
	}
	got, err := rules.ReadFolder(rules.FolderFS(dir), ".", "r", "the rules folder", rules.IsRuleFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[1].Err != nil || string(got[1].Data) != "members: []\n" {
		t.Fatalf("got %+v, want b.yaml read through its link inside the folder", got)
	}
	// The message os.Root gives is not exported; diag.ReadError words it,
	// and this pins it.
	if want := "r/z.yaml: a link that leads out of its folder: quotepart reads only the files inside the folders it is given"; got[2].Err == nil || got[2].Err.Error() != want {
		t.Errorf("z.yaml: %v, want %q", got[2].Err, want)
	}
	if _, err := rules.Load(rules.FolderFS(dir), ".", "r"); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("Load: %v", err)
	}
}

func TestReadFolderRefusesDevices(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero here")
	}
	dir := writeFiles(t, map[string]string{"a.yaml": "members: []\n"})
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "z.yaml")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	got, err := rules.ReadFolder(os.DirFS(dir), ".", "r", "the rules folder", rules.IsRuleFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1].Err == nil {
		t.Fatalf("got %+v, want an error for z.yaml", got)
	}
	if want := "r/z.yaml: not a regular file (a character device): quotepart reads only regular files"; got[1].Err.Error() != want {
		t.Errorf("got %q, want %q", got[1].Err, want)
	}
	// So does a file named on the command line.
	src := rules.ReadPath(filepath.Join(dir, "z.yaml"))
	if src.Err == nil || !strings.HasSuffix(src.Err.Error(), "z.yaml: not a regular file (a character device): quotepart reads only regular files") {
		t.Errorf("ReadPath: %v", src.Err)
	}
}

func TestReadFolderLimits(t *testing.T) {
	t.Run("file size", func(t *testing.T) {
		dir := writeFiles(t, map[string]string{"a.yaml": "members: []\n"})
		// A sparse file: its size costs no disk.
		f, err := os.Create(filepath.Join(dir, "gros.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(rules.MaxFileSize + 1); err != nil {
			t.Fatal(err)
		}
		f.Close()
		got, err := rules.ReadFolder(os.DirFS(dir), ".", "r", "the rules folder", rules.IsRuleFile)
		if err != nil {
			t.Fatal(err)
		}
		e := got[1].Err
		if e == nil || e.Code != diag.Limit || e.Error() != "r/gros.yaml: file too large: more than 8 MiB, beyond the limit of 8 MiB on the size of a file" {
			t.Errorf("got %v", e)
		}
		if got[1].Data != nil {
			t.Errorf("the file was read")
		}
		big := rules.ReadPath(filepath.Join(dir, "gros.yaml"))
		if big.Err == nil || big.Err.Code != diag.Limit {
			t.Errorf("ReadPath: %v", big.Err)
		}
	})
	t.Run("number of files", func(t *testing.T) {
		fsys := fstest.MapFS{}
		for i := range rules.MaxFolderFiles + 1 {
			fsys[fmt.Sprintf("f%04d.yaml", i)] = &fstest.MapFile{}
		}
		_, err := rules.ReadFolder(fsys, ".", "r", "the rules folder", rules.IsRuleFile)
		e := limitError(t, err)
		if want := "r: the rules folder holds more than 1,000 files to read, the limit of files in a folder"; e.Error() != want {
			t.Errorf("got %q, want %q", e, want)
		}
		// Other files do not count.
		delete(fsys, "f0000.yaml")
		fsys["notes.md"] = &fstest.MapFile{}
		if _, err := rules.ReadFolder(fsys, ".", "r", "the rules folder", rules.IsRuleFile); err != nil {
			t.Errorf("1,000 files: %v", err)
		}
	})
	t.Run("folder size", func(t *testing.T) {
		fsys := fstest.MapFS{}
		chunk := make([]byte, rules.MaxFileSize)
		for i := range rules.MaxFolderSize/rules.MaxFileSize + 1 {
			fsys[fmt.Sprintf("f%d.yaml", i)] = &fstest.MapFile{Data: chunk}
		}
		_, err := rules.ReadFolder(fsys, ".", "r", "the rules folder", rules.IsRuleFile)
		e := limitError(t, err)
		if want := "r: the files of the rules folder add up to more than the limit of 16 MiB in a folder (reached at f2.yaml)"; e.Error() != want {
			t.Errorf("got %q, want %q", e, want)
		}
	})
}

func TestOutputSchema(t *testing.T) {
	for _, c := range []struct{ name, text, want string }{
		{"bills.json", `{"schema": "quotepart/run/v1", "scenarios": []}`, "quotepart/run/v1"},
		{"bills.json", "{\n  \"scenarios\": [],\n  \"schema\": \"quotepart/check/v1\"\n}", "quotepart/check/v1"},
		{"out.yaml", "schema: quotepart/trace/v1\n", "quotepart/trace/v1"},
		{"out.YML", "schema: quotepart/x\n", "quotepart/x"},
		{"regles.yaml", "service: {id: quotepart/x}\n", ""},
		{"regles.yaml", "# see github.com/quotepart/quotepart\nservice: {}\n", ""},
		{"regles.yaml", "schema: other/v1\n", ""},
		{"bills.toml", `schema = "quotepart/run/v1"`, ""},
		{"bills.csv", `schema,quotepart/run/v1`, ""},
		{"broken.json", `{"schema": "quotepart/run/v1"`, ""},
		{"schema.json", `{"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "quotepart rule file"}`, "JSON Schema"},
		{"schema.json", `{"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "other"}`, ""},
	} {
		if got := rules.OutputSchema(c.name, []byte(c.text)); got != c.want {
			t.Errorf("OutputSchema(%s, %q) = %q, want %q", c.name, c.text, got, c.want)
		}
	}
}

func TestLoadSkipsOutputs(t *testing.T) {
	fsys := fstest.MapFS{
		"base.yaml":  {Data: []byte(buildBase)},
		"bills.json": {Data: []byte(`{"schema": "quotepart/run/v1", "scenarios": []}`)},
	}
	set, err := rules.Load(fsys, ".", "r")
	if err != nil {
		t.Fatal(err)
	}
	want := "r/bills.json: skipped: an output of quotepart (quotepart/run/v1), not a file it reads; write outputs outside the folders quotepart reads"
	if len(set.Skipped) != 1 || set.Skipped[0].Error() != want {
		t.Errorf("skipped: %v, want %q", set.Skipped, want)
	}
	if !strings.Contains(set.Warnings.Error(), want) {
		t.Errorf("warnings: %v", set.Warnings)
	}
	if len(set.Files) != 1 {
		t.Errorf("files: %d, want 1", len(set.Files))
	}
	// A folder with nothing else is a folder with no rule file.
	delete(fsys, "base.yaml")
	_, err = rules.Load(fsys, ".", "r")
	if err == nil || err.Error() != "r: no rule file (*.yaml, *.yml, *.json, *.toml) in this folder (1 file skipped: outputs of quotepart)" {
		t.Errorf("got %v", err)
	}
	var e *diag.Error
	if !errors.As(err, &e) || e.Code != diag.NotFound {
		t.Errorf("code: %v", err)
	}
}

// growingFS is a folder of one file whose size, when stated, is small, but
// which reads on without end, as a file being written to does.
type growingFS struct{}

func (growingFS) Open(name string) (fs.File, error) {
	if name == "." {
		return fstest.MapFS{"g.yaml": {}}.Open(".")
	}
	return &growingFile{}, nil
}

type growingFile struct{}

func (*growingFile) Stat() (fs.FileInfo, error) {
	return fstest.MapFS{"g.yaml": {Data: []byte("a: 1\n")}}.Stat("g.yaml")
}
func (*growingFile) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}
func (*growingFile) Close() error { return nil }

func TestReadFolderStopsAGrowingFile(t *testing.T) {
	got, err := rules.ReadFolder(growingFS{}, ".", "r", "the rules folder", rules.IsRuleFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Err == nil || got[0].Err.Code != diag.Limit || got[0].Data != nil {
		t.Fatalf("got %+v", got)
	}
	if want := "r/g.yaml: file too large: more than 8 MiB, beyond the limit of 8 MiB on the size of a file"; got[0].Err.Error() != want {
		t.Errorf("got %q, want %q", got[0].Err, want)
	}
}
