//go:build unix

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// hostileMade completes the hostile cases that cannot be files in git — a
// named pipe, a link to a device, files of megabytes or by the thousand —
// in dir, a copy of testdata/hostile/<case> made for the test. A case's
// folder holds its want.txt and the small files beside what is made.
var hostileMade = map[string]func(dir string) error{
	// A named pipe named like a rule file: check waited for a writer
	// forever.
	"fifo": func(dir string) error { return syscall.Mkfifo(filepath.Join(dir, "z.yaml"), 0o600) },
	// A link to /dev/zero: reading it grew memory without bound.
	"dev_zero": func(dir string) error { return os.Symlink("/dev/zero", filepath.Join(dir, "zero.yaml")) },
	// A link to a file of the machine outside the folder (a CI runner's
	// credentials): its lines were quoted in the error messages.
	"link_out": func(dir string) error {
		secret := filepath.Join(filepath.Dir(dir), "secret.txt")
		if err := os.WriteFile(secret, []byte("token: hunter2\nnot yaml\n"), 0o600); err != nil {
			return err
		}
		return os.Symlink(secret, filepath.Join(dir, "cle.yaml"))
	},
	// A file of 64 MiB (sparse: it costs no disk), refused before it is
	// read.
	"huge_file": func(dir string) error {
		f, err := os.Create(filepath.Join(dir, "gros.yaml"))
		if err != nil {
			return err
		}
		defer f.Close()
		return f.Truncate(64 << 20)
	},
	// 1,001 rule files beside regles.yaml.
	"many_files": func(dir string) error {
		for i := range 1001 {
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%04d.yaml", i)), []byte("members: []\n"), 0o644); err != nil {
				return err
			}
		}
		return nil
	},
	// Three files of 7 MiB each, under the limit of a file, over that of a
	// folder: the third is not decoded.
	"folder_size": func(dir string) error {
		line := "# " + strings.Repeat("x", 1021) + "\n" // 1 KiB
		text := []byte(strings.Repeat(line, 7<<10))
		for _, name := range []string{"a.yaml", "b.yaml", "c.yaml"} {
			if err := os.WriteFile(filepath.Join(dir, name), text, 0o644); err != nil {
				return err
			}
		}
		return nil
	},
	// A number of a million digits on one line: reading it took seconds,
	// and its message quoted all of it.
	"long_line": func(dir string) error {
		return os.WriteFile(filepath.Join(dir, "regles.yaml"), []byte(`service:
  id: hostile
  title: Règles hostiles
  manager: a
  start: 2026-01-01
  years: {from: 2026, to: 2027}
members: [{id: a, label: A}]
parameters:
  total: {description: Total, unit: EUR, source: Test., value: `+strings.Repeat("1", 1_000_000)+`}
rules:
  cle: {per_member: true, expr: "1"}
pools:
  p: {label: P, amount: total, key: cle}
`), 0o644)
	},
	// Arrays nested a million deep: the TOML parser's recursion exhausted
	// the stack of the process, a crash.
	"toml_deep": func(dir string) error {
		return os.WriteFile(filepath.Join(dir, "regles.toml"), []byte("[service]\nnotes = "+strings.Repeat("[", 1_000_000)+"\n"), 0o644)
	},
	// 100,001 members, in a file of 2.5 MB.
	"too_many_members": func(dir string) error {
		var b strings.Builder
		b.WriteString("members:\n  - {id: c, label: C}\n")
		for i := range 100_000 {
			fmt.Fprintf(&b, "  - {id: m%d, label: M}\n", i)
		}
		return os.WriteFile(filepath.Join(dir, "membres.yaml"), []byte(b.String()), 0o644)
	},
}
