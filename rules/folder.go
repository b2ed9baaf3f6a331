package rules

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/formula"
	"go.yaml.in/yaml/v3"
)

// SourceFile is a file read from a folder, named as messages report it.
type SourceFile struct {
	Path string
	Data []byte
	// Err, when set, is a positioned error saying why the file could not
	// be read; Data is then nil.
	Err *diag.Error
	// Output is the schema of a file that is an output of quotepart (see
	// OutputSchema), and Skipped the warning that says it is not read;
	// Data is then nil.
	Output  string
	Skipped *diag.Error
}

// FolderFS is the files of the folder dir, as os.DirFS gives them, except
// that a symbolic link is followed only while it stays inside dir: a rule
// file may come from a merge request, and a link in it to a file of the
// machine that checks it (a CI runner's credentials) would otherwise be
// read, and its lines quoted in the error messages. Opening a path that
// leaves dir fails with an error that ReadError words as such.
func FolderFS(dir string) fs.FS { return folderFS(dir) }

type folderFS string

func (dir folderFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	f, err := os.OpenInRoot(string(dir), filepath.FromSlash(name))
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Stat describes a file without opening it, as os.DirFS does: opening a
// named pipe to learn what it is would wait for a writer.
func (dir folderFS) Stat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	root, err := os.OpenRoot(string(dir))
	if err != nil {
		return nil, err
	}
	defer root.Close()
	return root.Stat(filepath.FromSlash(name))
}

// ReadFolder reads, in name order, the files directly inside dir of fsys
// whose names keep accepts, and names them display/name. Every loader of
// quotepart files (rules, scenarios, projects, test cases) lists its folder
// this way, so that one rule says which files are read:
//
//   - names starting with a dot (hidden files, editors' lock files such as
//     .#regles.yaml) are never read, nor are sub-folders;
//   - only regular files are read, a symbolic link being followed: a named
//     pipe, a device or a socket is refused by name, since reading one
//     could block or never end; through FolderFS, a link that leads out
//     of the folder is refused too;
//   - a file larger than MaxFileSize, more than MaxFolderFiles files, or
//     more than MaxFolderSize bytes in all, is an error of code
//     diag.Limit;
//   - a JSON or YAML file that is an output of quotepart (its top-level
//     schema is quotepart/..., see OutputSchema) comes back with Skipped
//     set: a warning, not an error.
//
// A folder that cannot be listed is an error naming display and what it
// was expected to hold ("the rules folder"); a file that cannot be read
// comes back with Err set, so that a loader can report it with the others
// and go on.
func ReadFolder(fsys fs.FS, dir, display, what string, keep func(name string) bool) ([]SourceFile, error) {
	names, err := listFolder(fsys, dir, func(name string) bool { return !strings.HasPrefix(name, ".") && keep(name) })
	if err != nil {
		return nil, diag.Errorf(diag.Pos{File: display}, diag.NotFound, "cannot read %s: %v", what, diag.Cause(err))
	}
	if len(names) > MaxFolderFiles {
		return nil, limitErrorf(diag.Pos{File: display}, "%s holds more than %s files to read, the limit of files in a folder",
			what, formula.Thousands(MaxFolderFiles))
	}
	var out []SourceFile
	total := 0
	for _, name := range names {
		f := SourceFile{Path: path.Join(display, name)}
		p := path.Join(dir, name)
		info, err := fs.Stat(fsys, p)
		if err == nil && info.IsDir() {
			continue // a symbolic link to a folder: sub-folders are not read
		}
		f.Data, f.Err = readRegular(f.Path, func() (fs.FileInfo, error) { return info, err }, func() (fs.File, error) { return fsys.Open(p) })
		total += len(f.Data)
		if total > MaxFolderSize {
			return nil, limitErrorf(diag.Pos{File: display}, "the files of %s add up to more than the limit of %s in a folder (reached at %s)",
				what, bytesText(MaxFolderSize), name)
		}
		f.skipOutput()
		out = append(out, f)
	}
	return out, nil
}

// listFolder lists the names in dir that keep accepts, in name order. It
// reads the folder in chunks and stops past MaxFolderFiles names kept, so
// that a folder of millions of files costs no more than that.
func listFolder(fsys fs.FS, dir string, keep func(string) bool) ([]string, error) {
	f, err := fsys.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rd, ok := f.(fs.ReadDirFile)
	if !ok {
		entries, err := fs.ReadDir(fsys, dir)
		if err != nil {
			return nil, err
		}
		var names []string
		for _, e := range entries {
			if !e.IsDir() && keep(e.Name()) {
				names = append(names, e.Name())
			}
		}
		return names, nil
	}
	var names []string
	for len(names) <= MaxFolderFiles {
		entries, err := rd.ReadDir(256)
		for _, e := range entries {
			if !e.IsDir() && keep(e.Name()) {
				names = append(names, e.Name())
			}
		}
		if err == io.EOF || (err == nil && len(entries) == 0) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	slices.Sort(names)
	return names, nil
}

// ReadPath reads a file named on the command line, under the same rules
// as the files of a folder (see ReadFolder): a regular file (a symbolic
// link to one is followed) of at most MaxFileSize bytes; a quotepart
// output comes back with Skipped set. It is reported as p, with forward
// slashes.
func ReadPath(p string) SourceFile {
	f := SourceFile{Path: filepath.ToSlash(p)}
	f.Data, f.Err = readRegular(f.Path, func() (fs.FileInfo, error) { return os.Stat(p) }, func() (fs.File, error) { return os.Open(p) })
	f.skipOutput()
	return f
}

// readRegular reads a file reported as display: stat gives what the name
// leads to (a symbolic link followed), open opens it. What is not a
// regular file is refused before it is opened, since opening a named pipe
// waits for a writer; the size is checked before reading and again while
// reading, since a file can grow in between.
func readRegular(display string, stat func() (fs.FileInfo, error), open func() (fs.File, error)) ([]byte, *diag.Error) {
	info, err := stat()
	if err != nil {
		return nil, diag.ReadError(display, err)
	}
	if e := checkRegular(display, info); e != nil {
		return nil, e
	}
	f, err := open()
	if err != nil {
		return nil, diag.ReadError(display, err)
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil {
		if e := checkRegular(display, info); e != nil {
			return nil, e // replaced since: check what was opened
		}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, diag.ReadError(display, err)
	}
	if len(data) > MaxFileSize {
		return nil, tooLarge(display, int64(len(data)))
	}
	return data, nil
}

// checkRegular refuses what is not a regular file, by kind, and a file
// larger than MaxFileSize.
func checkRegular(display string, info fs.FileInfo) *diag.Error {
	m := info.Mode()
	if !m.IsRegular() {
		return diag.Errorf(diag.Pos{File: display}, diag.Invalid, "not a regular file (%s): quotepart reads only regular files", fileKind(m))
	}
	if info.Size() > MaxFileSize {
		return tooLarge(display, info.Size())
	}
	return nil
}

func tooLarge(display string, size int64) *diag.Error {
	what := "more than " + bytesText(MaxFileSize)
	if size > MaxFileSize+1 {
		what = bytesText(size)
	}
	return limitErrorf(diag.Pos{File: display}, "file too large: %s, beyond the limit of %s on the size of a file", what, bytesText(MaxFileSize))
}

// fileKind names what a file that is not a regular file is.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m.IsDir():
		return "a folder"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "a special file"
}

// OutputSchema returns the schema of a file that quotepart wrote rather
// than one it reads: a JSON or YAML document (by its name) whose top-level
// key schema holds a name starting with quotepart/ (quotepart/run/v1,
// quotepart/check/v1...), as every JSON output of quotepart does, or a
// JSON Schema that quotepart schema printed ("JSON Schema" is returned).
// It returns "" for any other file. Reports in other formats (CSV,
// Markdown, HTML, XLSX, JUnit XML) have extensions that no loader reads.
func OutputSchema(name string, data []byte) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".json", ".yaml", ".yml":
	default:
		return ""
	}
	// Only a file that says quotepart somewhere is parsed a second time.
	if !bytes.Contains(data, []byte("quotepart")) {
		return ""
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil || len(root.Content) == 0 {
		return ""
	}
	top := root.Content[0]
	if top.Kind != yaml.MappingNode {
		return ""
	}
	keys := map[string]string{}
	for i := 0; i+1 < len(top.Content); i += 2 {
		if k, v := top.Content[i], top.Content[i+1]; k.Kind == yaml.ScalarNode && v.Kind == yaml.ScalarNode {
			keys[k.Value] = v.Value
		}
	}
	switch {
	case strings.HasPrefix(keys["schema"], outputPrefix):
		return keys["schema"]
	case strings.Contains(keys["$schema"], "json-schema.org") && strings.HasPrefix(keys["title"], "quotepart "):
		return "JSON Schema"
	}
	return ""
}

const outputPrefix = "quotepart/"

// skipOutput sets Output and Skipped when the file is an output of
// quotepart, and drops its data.
func (f *SourceFile) skipOutput() {
	if f.Output = OutputSchema(f.Path, f.Data); f.Output != "" {
		f.Data = nil
		f.Skipped = diag.Errorf(diag.Pos{File: f.Path}, diag.Invalid, "skipped: an output of quotepart (%s), not a file it reads; write outputs outside the folders quotepart reads", f.Output)
	}
}

// NoteSkipped records files not read because quotepart wrote them: in
// Skipped, and among the warnings.
func (s *Set) NoteSkipped(skipped diag.List) {
	if len(skipped) == 0 {
		return
	}
	s.Skipped = append(s.Skipped, skipped...)
	s.Warnings = append(s.Warnings, skipped...).Sort()
}

// skippedNote says, after "no rule file", that some were skipped.
func skippedNote(skipped diag.List) string {
	if len(skipped) == 0 {
		return ""
	}
	return fmt.Sprintf(" (%s skipped: outputs of quotepart)", plural(len(skipped), "file"))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return formula.Thousands(n) + " " + word + "s"
}
