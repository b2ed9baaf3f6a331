package app

import (
	"bytes"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"
)

// gitTree is a folder of the rules at a git revision as a file system:
// the blobs directly inside it, listed with their sizes (git ls-tree -l),
// each read with git when it is opened. rules.Load reads it as a folder on
// disk, under the same rules and limits (rules.ReadFolder): the size of a
// blob is known before it is read, so a blob of gigabytes is refused, not
// read; a symbolic link is not followed, and refused as what it is.
type gitTree struct {
	entries map[string]gitEntry
	names   []string // in the order git lists them (by name)
	// read returns the content of a blob.
	read func(id string) ([]byte, error)
	// deep, when set, lists a path below the folder (git ls-tree -z -l
	// rev -- path), for the data files rule files name in a sub-folder
	// (csv: file: donnees/populations.csv).
	deep func(name string) ([]byte, error)
}

type gitEntry struct {
	id   string
	size int64
	mode fs.FileMode
}

// newGitTree parses the output of git ls-tree -z -l.
func newGitTree(list []byte, read func(id string) ([]byte, error)) *gitTree {
	t := &gitTree{entries: map[string]gitEntry{}, read: read}
	for _, entry := range strings.Split(string(list), "\x00") {
		meta, name, ok := strings.Cut(entry, "\t")
		fields := strings.Fields(meta)
		if !ok || len(fields) != 4 || strings.Contains(name, "/") {
			continue
		}
		e := gitEntry{id: fields[2]}
		switch fields[1] {
		case "blob":
			e.size, _ = strconv.ParseInt(fields[3], 10, 64)
			if fields[0] == "120000" {
				e.mode = fs.ModeSymlink
			}
		case "tree":
			e.mode = fs.ModeDir
		default:
			continue // a submodule
		}
		t.entries[name] = e
		t.names = append(t.names, name)
	}
	return t
}

// Open opens the folder (".") or a blob directly inside it.
func (t *gitTree) Open(name string) (fs.File, error) {
	if name == "." {
		return &gitDir{tree: t}, nil
	}
	e, ok := t.entries[name]
	if !ok && strings.Contains(name, "/") && fs.ValidPath(name) && t.deep != nil {
		e, ok = t.below(name)
	}
	if !ok || !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return &gitFile{tree: t, info: gitInfo{name: name, e: e}}, nil
}

// gitInfo describes a blob or the folder.
type gitInfo struct {
	name string
	e    gitEntry
}

func (i gitInfo) Name() string       { return i.name }
func (i gitInfo) Size() int64        { return i.e.size }
func (i gitInfo) Mode() fs.FileMode  { return i.e.mode | 0o444 }
func (i gitInfo) ModTime() time.Time { return time.Time{} }
func (i gitInfo) IsDir() bool        { return i.e.mode.IsDir() }
func (i gitInfo) Sys() any           { return nil }

// gitFile is an opened blob, read from git at its first Read.
type gitFile struct {
	tree *gitTree
	info gitInfo
	r    *bytes.Reader
}

func (f *gitFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *gitFile) Close() error               { return nil }

func (f *gitFile) Read(p []byte) (int, error) {
	if !f.info.Mode().IsRegular() {
		return 0, &fs.PathError{Op: "read", Path: f.info.name, Err: fs.ErrInvalid}
	}
	if f.r == nil {
		data, err := f.tree.read(f.info.e.id)
		if err != nil {
			return 0, &fs.PathError{Op: "read", Path: f.info.name, Err: err}
		}
		f.r = bytes.NewReader(data)
	}
	return f.r.Read(p)
}

// gitDir is the opened folder.
type gitDir struct {
	tree *gitTree
	next int
}

func (d *gitDir) Stat() (fs.FileInfo, error) {
	return gitInfo{name: ".", e: gitEntry{mode: fs.ModeDir}}, nil
}
func (d *gitDir) Close() error { return nil }
func (d *gitDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: ".", Err: fs.ErrInvalid}
}

// ReadDir lists the entries of the folder, n at a time (all when n <= 0).
func (d *gitDir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.tree.names[d.next:]
	if n > 0 && len(rest) == 0 {
		return nil, io.EOF
	}
	if n > 0 && len(rest) > n {
		rest = rest[:n]
	}
	d.next += len(rest)
	out := make([]fs.DirEntry, len(rest))
	for i, name := range rest {
		out[i] = fs.FileInfoToDirEntry(gitInfo{name: name, e: d.tree.entries[name]})
	}
	return out, nil
}

var _ fs.ReadDirFile = (*gitDir)(nil)

// gitPath joins a folder and a name as messages show a file of a revision.
func gitPath(rev, display string) string { return rev + ":" + path.Clean(display) }

// below finds a blob in a sub-folder, with its size, and remembers it; the
// folder's own listing is unchanged.
func (t *gitTree) below(name string) (gitEntry, bool) {
	list, err := t.deep(name)
	if err != nil {
		return gitEntry{}, false
	}
	for _, entry := range strings.Split(string(list), "\x00") {
		meta, p, ok := strings.Cut(entry, "\t")
		fields := strings.Fields(meta)
		if !ok || p != name || len(fields) != 4 || fields[1] != "blob" {
			continue
		}
		e := gitEntry{id: fields[2]}
		e.size, _ = strconv.ParseInt(fields[3], 10, 64)
		if fields[0] == "120000" {
			e.mode = fs.ModeSymlink
		}
		t.entries[name] = e
		return e, true
	}
	return gitEntry{}, false
}
