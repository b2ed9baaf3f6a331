package app

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// MaxStampEntries bounds the files and folders Stamp looks at: a folder
// with more is an error, not a slow walk.
const MaxStampEntries = 20_000

// Stamp is a digest of what the configured folders hold on disk: the path,
// size and modification time of every file and folder under the rules (a
// folder or a file) and the scenarios folder. It changes when a file is
// written, added, removed or renamed, and costs no reading of a file. It
// is "" when nothing is read from disk (the embedded defaults): there is
// nothing to watch. serve compares stamps to reload the rules when a file
// changes.
func (f Folders) Stamp() (string, error) {
	var roots []string
	for _, r := range []string{f.Rules, f.Scenarios} {
		if r != "" {
			roots = append(roots, r)
		}
	}
	if len(roots) == 0 {
		return "", nil
	}
	h := sha256.New()
	n := 0
	for _, root := range roots {
		info, err := os.Stat(root)
		if err != nil {
			return "", err
		}
		if !info.IsDir() {
			fmt.Fprintf(h, "%s\t%d\t%d\n", root, info.Size(), info.ModTime().UnixNano())
			continue
		}
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if n++; n > MaxStampEntries {
				return fmt.Errorf("%s: more than %d files and folders to watch", root, MaxStampEntries)
			}
			if path != root && strings.HasPrefix(d.Name(), ".") {
				// Hidden files are not read (an editor's swap file, .git).
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "%s\t%d\t%d\t%v\n", path, info.Size(), info.ModTime().UnixNano(), d.IsDir())
			return nil
		})
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
