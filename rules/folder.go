package rules

import (
	"io/fs"
	"path"

	"github.com/quotepart/quotepart/internal/diag"
)

// SourceFile is a file read from a folder, named as messages report it.
type SourceFile struct {
	Path string
	Data []byte
	// Err, when set, is a positioned error saying why the file could not
	// be read; Data is then nil.
	Err *diag.Error
}

// ReadFolder reads, in name order, the files directly inside dir of fsys
// whose names keep accepts, and names them display/name. Every loader of
// quotepart files (rules, scenarios, projects, test cases) lists its folder
// this way. A folder that cannot be listed is an error naming display and
// what it was expected to hold ("the rules folder"); a file that cannot be
// read comes back with Err set, so that a loader can report it with the
// others and go on.
func ReadFolder(fsys fs.FS, dir, display, what string, keep func(name string) bool) ([]SourceFile, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, diag.Errorf(diag.Pos{File: display}, diag.NotFound, "cannot read %s: %v", what, diag.Cause(err))
	}
	var out []SourceFile
	for _, e := range entries {
		if e.IsDir() || !keep(e.Name()) {
			continue
		}
		f := SourceFile{Path: path.Join(display, e.Name())}
		if f.Data, err = fs.ReadFile(fsys, path.Join(dir, e.Name())); err != nil {
			f.Data, f.Err = nil, diag.ReadError(f.Path, err)
		}
		out = append(out, f)
	}
	return out, nil
}
