package casetest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/quotepart/quotepart/internal/app"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/reports"
	"github.com/quotepart/quotepart/rules"
)

// Group is a set of test files and the workspace they run on.
type Group struct {
	Workspace *app.Workspace
	Files     []*Loaded
}

// Groups resolves what `quotepart test` is given. With no path, the test
// files of the rules folder of folders (or of the embedded defaults) run
// on that workspace. A path that is a folder runs its test files on the
// rules of that folder (with the scenarios of folders, when given); a
// path that is a test file runs on the workspace of folders. With an
// error, it also returns the groups whose files decoded, so that their
// other mistakes can be reported in the same run.
func Groups(ctx context.Context, paths []string, folders app.Folders) ([]Group, error) {
	var groups []Group
	var errs diag.List
	var single []*Loaded
	for _, p := range paths {
		info, err := os.Stat(p)
		switch {
		case err != nil:
			errs.Addf(diag.Pos{File: p}, diag.NotFound, "no such test file or folder")
		case info.IsDir():
			ws, err := app.OpenContext(ctx, app.Folders{Rules: p, Scenarios: folders.Scenarios})
			if err != nil {
				errs.Add(err)
				continue
			}
			files, err := LoadDir(rules.FolderFS(p), ".", filepath.ToSlash(filepath.Clean(p)))
			errs.Add(err)
			groups = append(groups, Group{Workspace: ws, Files: files})
		default:
			src := rules.ReadPath(p)
			switch {
			case src.Err != nil:
				errs = append(errs, src.Err)
				continue
			case src.Output != "":
				errs.Addf(diag.Pos{File: src.Path}, diag.Invalid, "an output of quotepart (%s), not a test file", src.Output)
				continue
			}
			l, err := Decode(src.Path, src.Data)
			errs.Add(err)
			if l != nil {
				single = append(single, l)
			}
		}
	}
	if len(paths) == 0 || len(single) > 0 {
		ws, err := app.OpenContext(ctx, folders)
		if err != nil {
			errs.Add(err)
			return groups, errs.Err()
		}
		files := single
		if len(paths) == 0 {
			if folders.Rules == "" {
				files, err = LoadDir(rules.Defaults(), ".", rules.DefaultDir)
			} else if info, serr := os.Stat(folders.Rules); serr == nil && info.IsDir() {
				files, err = LoadDir(rules.FolderFS(folders.Rules), ".", filepath.ToSlash(filepath.Clean(folders.Rules)))
			}
			errs.Add(err)
		}
		groups = append(groups, Group{Workspace: ws, Files: files})
	}
	return groups, errs.Err()
}

// RunPaths runs the test cases `quotepart test` is given (see Groups),
// every group in turn, into one report. Mistakes in the test files are
// returned together, with those Validate finds in the files that decoded;
// finding no case to run is an error too.
func RunPaths(ctx context.Context, paths []string, folders app.Folders, opt Options) (*Report, error) {
	groups, err := Groups(ctx, paths, folders)
	if err != nil {
		var errs diag.List
		errs.Add(err)
		for _, g := range groups {
			errs.Add(Validate(ctx, g.Workspace, g.Files, opt))
		}
		return nil, errs.Err()
	}
	report := &Report{}
	var errs diag.List
	found := 0
	var read []reports.InputFile
	for _, g := range groups {
		read = append(read, g.Workspace.Inputs()...)
		report.Skipped = append(report.Skipped, g.Workspace.Skipped()...)
		for _, f := range g.Files {
			read = append(read, app.Named(app.RoleTests, f.Input))
		}
		found += countCases(g.Files, opt)
		rep, err := Run(ctx, g.Workspace, g.Files, opt)
		if err != nil {
			errs.Add(err)
			continue
		}
		report.Cases = append(report.Cases, rep.Cases...)
		report.Coverage = report.Coverage.merge(rep.Coverage)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	report.Provenance = app.NewProvenance(read)
	report.Skipped = report.Skipped.Sort() // once each, when two groups read a folder
	if found == 0 {
		if opt.Run != nil {
			return nil, fmt.Errorf("no test case matches --run %q", opt.Run)
		}
		return nil, fmt.Errorf("no test case found: write them in *.test.yaml files next to the rules (see docs/tests.md)")
	}
	return report, nil
}

func countCases(files []*Loaded, opt Options) int {
	n := 0
	for _, f := range files {
		for _, c := range f.File.Tests {
			if opt.Run == nil || opt.Run.MatchString(c.Name.Value) {
				n++
			}
		}
	}
	return n
}

// merge adds the units of b to c, for several groups; either may be nil.
func (c *Coverage) merge(b *Coverage) *Coverage {
	switch {
	case b == nil:
		return c
	case c == nil:
		return b
	}
	out := &Coverage{Units: append(append([]Unit(nil), c.Units...), b.Units...)}
	out.Covered, out.Total = c.Covered+b.Covered, c.Total+b.Total
	return out
}
