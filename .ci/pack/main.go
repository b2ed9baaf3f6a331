// Command pack makes the archives of a release reproducibly, the same on
// every system: a tar.gz or a zip of a folder, its entries sorted, dated
// -mtime, owned by root, with the executable bits kept; and SHA256SUMS,
// the sha256sum lines of the archives of a folder. .ci/release runs it;
// it is a tool of the release, not part of quotepart.
//
//	go run ./.ci/pack -mtime SECONDS -o OUT.tar.gz|OUT.zip BASE NAME
//	go run ./.ci/pack -sums DIR
//
// The archive holds BASE/NAME as NAME/..., so that it unpacks into a
// folder of its own.
package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

func main() {
	mtime := flag.Int64("mtime", 0, "the date of every entry, in seconds since 1970 (SOURCE_DATE_EPOCH)")
	out := flag.String("o", "", "the archive to write: .tar.gz or .zip")
	sums := flag.String("sums", "", "write DIR/SHA256SUMS for the archives in DIR")
	flag.Parse()
	var err error
	switch {
	case *sums != "":
		err = writeSums(*sums)
	case *out != "" && flag.NArg() == 2:
		err = pack(*out, flag.Arg(0), flag.Arg(1), time.Unix(*mtime, 0).UTC())
	default:
		err = fmt.Errorf("usage: pack -mtime SECONDS -o OUT.tar.gz|OUT.zip BASE NAME, or pack -sums DIR")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pack:", err)
		os.Exit(1)
	}
}

type entry struct {
	name string // slash-separated, under NAME/
	path string // on disk
	dir  bool
	exec bool
}

func list(base, name string) ([]entry, error) {
	var es []entry
	err := filepath.WalkDir(filepath.Join(base, name), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(base, p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if !d.IsDir() && !info.Mode().IsRegular() {
			return fmt.Errorf("%s: not a regular file", p)
		}
		es = append(es, entry{name: filepath.ToSlash(rel), path: p, dir: d.IsDir(), exec: info.Mode()&0o111 != 0})
		return nil
	})
	slices.SortFunc(es, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	return es, err
}

func pack(out, base, name string, mtime time.Time) (err error) {
	es, err := list(base, name)
	if err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(out)
		}
	}()
	switch {
	case strings.HasSuffix(out, ".tar.gz"):
		return packTar(f, es, mtime)
	case strings.HasSuffix(out, ".zip"):
		return packZip(f, es, mtime)
	}
	return fmt.Errorf("%s: name it .tar.gz or .zip", out)
}

func mode(e entry) int64 {
	switch {
	case e.dir:
		return 0o755
	case e.exec:
		return 0o755
	}
	return 0o644
}

func packTar(w io.Writer, es []entry, mtime time.Time) error {
	gz, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(gz)
	for _, e := range es {
		h := &tar.Header{Name: e.name, Mode: mode(e), ModTime: mtime, Uname: "root", Gname: "root", Format: tar.FormatPAX}
		if e.dir {
			h.Typeflag, h.Name = tar.TypeDir, e.name+"/"
			if err := tw.WriteHeader(h); err != nil {
				return err
			}
			continue
		}
		data, err := os.ReadFile(e.path)
		if err != nil {
			return err
		}
		h.Typeflag, h.Size = tar.TypeReg, int64(len(data))
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if _, err := tw.Write(data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func packZip(w io.Writer, es []entry, mtime time.Time) error {
	zw := zip.NewWriter(w)
	for _, e := range es {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: mtime}
		h.SetMode(fs.FileMode(mode(e)))
		if e.dir {
			h.Name, h.Method = e.name+"/", zip.Store
			h.SetMode(fs.ModeDir | 0o755)
			if _, err := zw.CreateHeader(h); err != nil {
				return err
			}
			continue
		}
		data, err := os.ReadFile(e.path)
		if err != nil {
			return err
		}
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := fw.Write(data); err != nil {
			return err
		}
	}
	return zw.Close()
}

// writeSums writes DIR/SHA256SUMS: one line per archive of DIR, sorted by
// name, as sha256sum prints them, so that `sha256sum -c SHA256SUMS` checks
// them (PowerShell: Get-FileHash).
func writeSums(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !(strings.HasSuffix(n, ".tar.gz") || strings.HasSuffix(n, ".zip")) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(sum[:]), path.Base(n))
	}
	if b.Len() == 0 {
		return fmt.Errorf("%s: no archive", dir)
	}
	return os.WriteFile(filepath.Join(dir, "SHA256SUMS"), []byte(b.String()), 0o644)
}
