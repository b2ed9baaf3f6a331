package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/quotepart/quotepart/internal/canon"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/outfile"
	"github.com/quotepart/quotepart/reports"
	"github.com/spf13/cobra"
)

func (p *program) fmtCommand() *cobra.Command {
	var list, diff, write bool
	cmd := &cobra.Command{
		Use:   "fmt [PATH...]",
		Short: "Lay out rule, scenario, project and test files canonically, comments kept",
		Long: `fmt gives quotepart's YAML files their canonical layout: the keys of each section
in the order of the documentation (docs/rules.md, scenarios.md, projets.md,
tests.md), two spaces of indentation, scalars quoted only when YAML needs it,
block scalars (| and >) kept line by line, comments kept, one blank line at most
where the author left one. The keys the author names (parameters, rules,
members, dates) and the items of lists keep their order. fmt is idempotent, and
never changes what a file means: it reads its output back and compares it with
the input, value by value, before writing anything.

Each PATH is a file or a folder, read recursively (hidden folders skipped); in a
folder, the YAML files that are not quotepart files (.gitlab-ci.yml, the
project file quotepart.yaml) are skipped. With no PATH, the --rules and
--scenarios folders. JSON and TOML files are left as they are.

By default fmt prints the formatted files. -l lists the files whose layout
differs, -d prints the differences as a unified diff, -w rewrites them
(atomically, keeping their permissions). Exit status: 0, or 1 when a file
cannot be read or parsed.`,
		Example: `  quotepart fmt -l regles scenarios
  quotepart fmt -d regles/cles.yaml
  quotepart fmt -w regles scenarios`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				for _, dir := range []string{p.path("rules"), p.path("scenarios")} {
					if dir != "" {
						args = append(args, dir)
					}
				}
				if len(args) == 0 {
					return errors.New("fmt needs files or folders (the embedded rules cannot be rewritten): give PATH, or --rules DIR")
				}
			}
			files, errs := fmtFiles(args)
			var out strings.Builder
			for _, f := range files {
				data, err := os.ReadFile(f)
				if err != nil {
					errs = append(errs, diag.ReadError(filepath.ToSlash(f), err))
					continue
				}
				formatted, err := canon.Format(filepath.ToSlash(f), data)
				switch {
				case errors.Is(err, canon.ErrNotYAML):
					fmt.Fprintf(p.stderr, "quotepart: %s: %v\n", reports.SafeText(filepath.ToSlash(f)), err)
					continue
				case err != nil:
					errs = append(errs, diag.Errorf(diag.Pos{File: filepath.ToSlash(f)}, diag.Invalid, "%s", strings.TrimPrefix(err.Error(), filepath.ToSlash(f)+": ")))
					continue
				}
				changed := string(formatted) != string(data)
				if list && changed {
					fmt.Fprintln(&out, reports.SafeText(filepath.ToSlash(f)))
				}
				if diff && changed {
					out.WriteString(reports.SafeLines(canon.Diff(filepath.ToSlash(f)+".orig", filepath.ToSlash(f), data, formatted)))
				}
				if write && changed {
					if err := outfile.Write(f, formatted, p.stdout); err != nil {
						return err
					}
				}
				if !list && !diff && !write {
					out.Write(formatted)
				}
			}
			if _, err := p.stdout.Write([]byte(out.String())); err != nil {
				return err
			}
			return errs.Err()
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&list, "list", "l", false, "list the files whose layout differs from the canonical one")
	f.BoolVarP(&diff, "diff", "d", false, "print the differences as a unified diff")
	f.BoolVarP(&write, "write", "w", false, "rewrite the files, atomically")
	return cmd
}

// fmtFiles lists the files of paths: a file as given; a folder's YAML
// files that are quotepart files, recursively, hidden folders skipped, in
// name order.
func fmtFiles(paths []string) ([]string, diag.List) {
	var files []string
	var errs diag.List
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			errs = append(errs, diag.Errorf(diag.Pos{File: filepath.ToSlash(p)}, diag.NotFound, "no such file or folder"))
			continue
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if d.IsDir() {
				if path != p && strings.HasPrefix(name, ".") {
					return filepath.SkipDir
				}
				return nil
			}
			lower := strings.ToLower(name)
			if !d.Type().IsRegular() || strings.HasPrefix(name, ".") || !(strings.HasSuffix(lower, ".yaml") || strings.HasSuffix(lower, ".yml")) {
				return nil
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if _, err := canon.Kind(name, data); err == nil {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			errs = append(errs, diag.ReadError(filepath.ToSlash(p), err))
		}
	}
	return files, errs
}
