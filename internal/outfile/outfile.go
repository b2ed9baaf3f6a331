package outfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// newFileMode is the permission of a file that did not exist.
const newFileMode fs.FileMode = 0o644

// maxLinks bounds the chain of symbolic links followed, as the kernel
// does (ELOOP).
const maxLinks = 40

// IsStdout reports whether path means standard output: "" or "-".
func IsStdout(path string) bool { return path == "" || path == "-" }

// Check reports whether path could be written, without writing anything:
// standard output always can; otherwise, once symbolic links are followed,
// the target must not be a folder, and when it does not exist its folder
// must. The error reads "cannot write PATH: ...".
func Check(path string) error {
	if IsStdout(path) {
		return nil
	}
	_, _, err := resolve(path)
	return err
}

// Write writes data to path, or to stdout when path is "" or "-"; see the
// package documentation for what happens to each kind of file.
func Write(path string, data []byte, stdout io.Writer) error {
	if IsStdout(path) {
		if _, err := stdout.Write(data); err != nil {
			return fmt.Errorf("cannot write to standard output: %v", cause(err))
		}
		return nil
	}
	target, info, err := resolve(path)
	if err != nil {
		return err
	}
	switch {
	case info == nil:
		err = replace(target, data, newFileMode)
	case info.Mode().IsRegular():
		err = replace(target, data, info.Mode().Perm())
	default: // a device, a FIFO, a socket: write through
		err = writeThrough(target, data)
	}
	if err != nil {
		return fmt.Errorf("cannot write %s: %v", path, cause(err))
	}
	return nil
}

// resolve follows the symbolic links of path to the file they name and
// returns it with its information, nil when it does not exist yet.
func resolve(path string) (string, fs.FileInfo, error) {
	target := path
	for range maxLinks {
		info, err := os.Lstat(target)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			dir := filepath.Dir(target)
			if di, err := os.Stat(dir); err != nil || !di.IsDir() {
				return "", nil, fmt.Errorf("cannot write %s: the folder %s does not exist", path, dir)
			}
			return target, nil, nil
		case err != nil:
			return "", nil, fmt.Errorf("cannot write %s: %v", path, cause(err))
		case info.Mode()&fs.ModeSymlink != 0:
			link, err := os.Readlink(target)
			if err != nil {
				return "", nil, fmt.Errorf("cannot write %s: %v", path, cause(err))
			}
			if !filepath.IsAbs(link) {
				link = filepath.Join(filepath.Dir(target), link)
			}
			target = link
		case info.IsDir():
			return "", nil, fmt.Errorf("cannot write %s: it is a folder", path)
		default:
			return target, info, nil
		}
	}
	return "", nil, fmt.Errorf("cannot write %s: too many levels of symbolic links", path)
}

// syncFile is (*os.File).Sync; tests replace it to fail a write half-way.
var syncFile = (*os.File).Sync

// replace writes data to a temporary file beside target, then renames it
// over target; on any error the temporary file is removed.
func replace(target string, data []byte, mode fs.FileMode) (err error) {
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Chmod(mode); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return err
	}
	if err = syncFile(f); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, target)
}

// writeThrough opens a file that is not a regular one (a device, a FIFO)
// for writing and writes data to it, leaving the file itself in place.
func writeThrough(target string, data []byte) error {
	f, err := os.OpenFile(target, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// cause keeps the system's words of a file error: "no space left on
// device", not "write /dev/full: no space left on device".
func cause(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	var se *os.SyscallError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	case errors.As(err, &se):
		return se.Err
	}
	return err
}
