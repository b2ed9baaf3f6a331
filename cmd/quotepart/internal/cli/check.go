package cli

import (
	"github.com/quotepart/quotepart/internal/app"
	"github.com/quotepart/quotepart/internal/outfile"
	"github.com/quotepart/quotepart/reports"
	"github.com/spf13/cobra"
)

func (p *program) checkCommand() *cobra.Command {
	var opt app.CheckOptions
	cmd := &cobra.Command{
		Use:   "check [PATH...]",
		Short: "Validate rule files: every error at once, with file:line:col",
		Long: `check loads and compiles rule files, reports every error it finds sorted by
position, then evaluates every year the rules cover to verify that each pool's key
sums to 1 and that nothing fails at run time (a division by zero, a parameter
with no value for a year).

Each PATH is a rules folder, or a rule file; files given one by one are checked
together as one rule set. With no PATH, the --rules folder (or the embedded
defaults) is checked, then its actual figures (the actuals files of --actuals, or
of the comptes folder of the rules folder) are laid on it and the years they
close are run, then every scenario of the --scenarios folder (or the embedded
scenarios, with the embedded rules) is applied to it and run over its years. A
rules folder given as PATH has its comptes folder checked too.

check also warns about what is legal but suspicious: a parameter whose latest
value took effect more than --stale-years years before a simulated year
(stale), a parameter with neither source nor assumption, a rule that no pool,
key or fee rate uses, a member whose reference key is zero in a year it is a
member. With --strict, these warnings are errors. Keys that do not sum to 1
are always errors.

For CI: --format sarif writes SARIF 2.1.0 (GitHub code scanning, GitLab), and
--format github writes GitHub Actions workflow commands, which annotate the
lines of a pull request. With -o, the file is written atomically and the text
report is printed too.

Exit status: 0 when clean, 1 otherwise (with --strict, warnings included).`,
		Example: `  quotepart check
  quotepart check --strict
  quotepart check --strict --stale-years 4 --format json
  quotepart check --strict --format sarif -o quotepart-check.sarif
  quotepart check --strict --format github
  quotepart check --rules ./mes-regles --scenarios ./mes-scenarios
  quotepart check ./mes-regles
  quotepart check regles/service.yaml regles/cles.yaml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			out := reports.CheckOutput
			f, err := p.format(out)
			if err != nil {
				return err
			}
			file := p.path("output")
			if err := outfile.Check(file); err != nil {
				return err
			}
			c := app.Check(cmd.Context(), p.folders(), args, opt)
			if err := emit(p, cmd, out, f, c); err != nil {
				return err
			}
			// Written to a file, a machine format leaves the terminal the text.
			if !outfile.IsStdout(file) && f != reports.Text {
				if err := printText(p, out, c); err != nil {
					return err
				}
			}
			if !c.OK() {
				return &exitCodeError{code: exitError}
			}
			return nil
		},
	}
	addActualsFlag(cmd)
	fl := cmd.Flags()
	fl.BoolVar(&opt.Strict, "strict", false, "treat warnings as errors: stale or unsourced parameters, unused rules, zero keys")
	fl.IntVar(&opt.StaleYears, "stale-years", app.DefaultStaleYears, "a parameter is stale when its latest value took effect more than this many years before a simulated year (0 or less: no check)")
	addOutputFlags(cmd, reports.CheckOutput)
	return cmd
}
