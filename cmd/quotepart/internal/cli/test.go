package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/quotepart/quotepart/internal/casetest"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"
)

func (a *app) testCommand() *cobra.Command {
	var run, format, output, minCoverage string
	var coverage bool
	cmd := &cobra.Command{
		Use:   "test [PATH...]",
		Short: "Run the test cases written next to the rule files",
		Long: `test runs the test cases of the *.test.yaml files next to the rules: each case
runs the rules (or a scenario, or inline overrides) over its years and compares
every expected value — a member's key, amount, fees or billed amount, a pool, the
year's total, a rule or a parameter — with what the rules produce, within the
case's tolerance. docs/tests.md describes the file format.

With no PATH, the test files of the --rules folder (or of the embedded defaults)
run on those rules and the --scenarios folder (or the embedded scenarios). A
PATH that is a folder runs its test files on the rules of that folder; a PATH
that is a test file runs on the --rules folder.

A failed case shows, for each value, the expected and actual values, their
difference and where the case and the value are written. --format junit writes
JUnit XML for CI servers (GitLab, GitHub, Jenkins); with -o, the text report is
printed too. --coverage lists the rule versions and parameters the checked
values read; --min-coverage P fails below P percent.

Exit status: 0 when every case passes, 2 when a case fails (or the coverage is
below --min-coverage), 1 when the test files or the rules cannot be loaded (an
unknown key, a negative tolerance, a member or a year that does not exist).`,
		Example: `  quotepart test
  quotepart test --run 'CCAS|Ville'
  quotepart test --format junit -o test-report.xml
  quotepart test --coverage --min-coverage 90
  quotepart test ./mes-regles --scenarios ./mes-scenarios
  quotepart test ./mes-regles/deliberation.test.yaml --rules ./mes-regles`,
		RunE: func(cmd *cobra.Command, args []string) error {
			reporter, err := casetest.NewReporter(format)
			if err != nil {
				return err
			}
			opt := casetest.Options{Coverage: coverage || minCoverage != ""}
			if run != "" {
				if opt.Run, err = regexp.Compile(run); err != nil {
					return fmt.Errorf("--run: %v", err)
				}
			}
			var min decimal.Decimal
			if minCoverage != "" {
				if min, err = decimal.NewFromString(minCoverage); err != nil || min.IsNegative() || min.GreaterThan(decimal.NewFromInt(100)) {
					return fmt.Errorf("--min-coverage: expected a percentage between 0 and 100, found %q", minCoverage)
				}
			}
			groups, err := a.testGroups(cmd, args)
			if err != nil {
				var loadErrs diag.List
				loadErrs.Add(err)
				// Say what else is wrong in the files that decoded.
				for _, g := range groups {
					loadErrs.Add(casetest.Validate(cmd.Context(), g.ws, g.files, opt))
				}
				return loadErrs.Err()
			}
			report := &casetest.Report{}
			var errs diag.List
			found := 0
			for _, g := range groups {
				found += countCases(g.files, opt)
				rep, err := casetest.Run(cmd.Context(), g.ws, g.files, opt)
				if err != nil {
					errs.Add(err)
					continue
				}
				report.Cases = append(report.Cases, rep.Cases...)
				report.Coverage = mergeCoverage(report.Coverage, rep.Coverage)
			}
			if err := errs.Err(); err != nil {
				return err
			}
			if found == 0 {
				if run != "" {
					return fmt.Errorf("no test case matches --run %q", run)
				}
				return fmt.Errorf("no test case found: write them in *.test.yaml files next to the rules (see docs/tests.md)")
			}
			var out bytes.Buffer
			if err := reporter.Report(&out, report); err != nil {
				return err
			}
			if err := a.writeOutput(output, out.Bytes()); err != nil {
				return err
			}
			if output != "" && output != "-" {
				if _, isText := reporter.(casetest.TextReporter); !isText {
					if err := (casetest.TextReporter{}).Report(a.stdout, report); err != nil {
						return err
					}
				}
			}
			failed := !report.OK()
			if minCoverage != "" && report.Coverage != nil && report.Coverage.Below(min) {
				fmt.Fprintf(a.stderr, "quotepart: coverage %s %% is below --min-coverage %s %%\n", report.Coverage.Percent().StringFixed(1), min)
				failed = true
			}
			if failed {
				return &exitCodeError{code: exitFailed}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&run, "run", "", "run only the cases whose name matches this regular expression")
	f.StringVar(&format, "format", "text", "text, json (quotepart/test/v1) or junit (JUnit XML)")
	f.StringVarP(&output, "output", "o", "", "write the report to this file, atomically (default: standard output)")
	f.BoolVar(&coverage, "coverage", false, "list the rule versions and parameters the cases exercised")
	f.StringVar(&minCoverage, "min-coverage", "", "fail (exit 2) when less than this percentage of rule versions and parameters is exercised")
	return cmd
}

// testGroup is a set of test files and the rules and scenarios they run on.
type testGroup struct {
	ws    casetest.Workspace
	files []*casetest.Loaded
}

// testGroups resolves the PATH arguments of test. With an error, it also
// returns the groups whose files decoded, so that their other mistakes can
// be reported in the same run.
func (a *app) testGroups(cmd *cobra.Command, args []string) ([]testGroup, error) {
	var groups []testGroup
	var errs diag.List
	var single []*casetest.Loaded
	for _, p := range args {
		info, err := os.Stat(p)
		switch {
		case err != nil:
			errs.Addf(diag.Pos{File: p}, diag.NotFound, "no such test file or folder")
		case info.IsDir():
			set, err := loadRules(p)
			if err != nil {
				errs.Add(err)
				continue
			}
			ws := casetest.Workspace{Rules: set}
			if a.path(cmd, "scenarios") != "" {
				w, err := a.openWorkspace(cmd)
				if err != nil {
					errs.Add(err)
					continue
				}
				ws.Scenarios, ws.Projects = w.catalog, w.projects
			}
			files, err := casetest.LoadDir(os.DirFS(p), ".", filepath.ToSlash(filepath.Clean(p)))
			errs.Add(err)
			groups = append(groups, testGroup{ws: ws, files: files})
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				errs.Addf(diag.Pos{File: p}, diag.NotFound, "cannot read: %v", unwrapPath(err))
				continue
			}
			l, err := casetest.Decode(filepath.ToSlash(p), data)
			errs.Add(err)
			if l != nil {
				single = append(single, l)
			}
		}
	}
	if len(args) == 0 || len(single) > 0 {
		ws, err := a.openWorkspace(cmd)
		if err != nil {
			errs.Add(err)
			return groups, errs.Err()
		}
		files := single
		if len(args) == 0 {
			if ws.rulesDir == "" {
				files, err = casetest.LoadDir(rules.Defaults(), ".", rules.DefaultDir)
			} else if info, serr := os.Stat(ws.rulesDir); serr == nil && info.IsDir() {
				files, err = casetest.LoadDir(os.DirFS(ws.rulesDir), ".", filepath.ToSlash(filepath.Clean(ws.rulesDir)))
			}
			errs.Add(err)
		}
		groups = append(groups, testGroup{ws: casetest.Workspace{Rules: ws.base, Scenarios: ws.catalog, Projects: ws.projects}, files: files})
	}
	return groups, errs.Err()
}

func countCases(files []*casetest.Loaded, opt casetest.Options) int {
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

// mergeCoverage adds the units of b to a, for several PATHs.
func mergeCoverage(a, b *casetest.Coverage) *casetest.Coverage {
	switch {
	case b == nil:
		return a
	case a == nil:
		return b
	}
	out := &casetest.Coverage{Units: append(append([]casetest.Unit(nil), a.Units...), b.Units...)}
	out.Covered, out.Total = a.Covered+b.Covered, a.Total+b.Total
	return out
}
