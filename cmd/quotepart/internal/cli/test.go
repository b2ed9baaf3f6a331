package cli

import (
	"fmt"
	"regexp"

	"github.com/quotepart/quotepart/internal/casetest"
	"github.com/quotepart/quotepart/internal/outfile"
	"github.com/quotepart/quotepart/reports"
	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"
)

func (p *program) testCommand() *cobra.Command {
	var run, minCoverage string
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
			out := casetest.Output
			f, err := p.format(out)
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
			if err := outfile.Check(p.path("output")); err != nil {
				return err
			}
			report, err := casetest.RunPaths(cmd.Context(), args, p.folders(), opt)
			if err != nil {
				return err
			}
			p.warn(report.Skipped)
			if err := emit(p, cmd, out, f, report); err != nil {
				return err
			}
			// Written to a file, a machine format leaves the terminal the text.
			if file := p.path("output"); !outfile.IsStdout(file) && f != reports.Text {
				if err := printText(p, out, report); err != nil {
					return err
				}
			}
			failed := !report.OK()
			if minCoverage != "" && report.Coverage != nil && report.Coverage.Below(min) {
				fmt.Fprintf(p.stderr, "quotepart: coverage %s %% is below --min-coverage %s %%\n", report.Coverage.Percent().StringFixed(1), min)
				failed = true
			}
			if failed {
				return &exitCodeError{code: exitFailed}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&run, "run", "", "run only the cases whose name matches this regular expression")
	fl.BoolVar(&coverage, "coverage", false, "list the rule versions and parameters the cases exercised")
	fl.StringVar(&minCoverage, "min-coverage", "", "fail (exit 2) when less than this percentage of rule versions and parameters is exercised")
	addOutputFlags(cmd, casetest.Output)
	return cmd
}
