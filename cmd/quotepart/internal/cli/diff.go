package cli

import (
	"fmt"
	"strings"

	"github.com/quotepart/quotepart/internal/app"
	"github.com/quotepart/quotepart/reports"
	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"
)

func (p *program) diffCommand() *cobra.Command {
	var opt app.DiffOptions
	var failOver, failOverPct string
	cmd := &cobra.Command{
		Use:   "diff [SCENARIO...] (--against DIR | --against-rev REV)",
		Short: "Show what a change to the rules does to each member's bill",
		Long: `diff runs every scenario (or the given ones; the rules alone when there is no
scenario) on two rule sets — the previous rules, from a folder (--against DIR) or
from a git revision of the --rules folder (--against-rev REV), and the current
--rules — and prints, per scenario, member and year, the amount before and after
the change. The amount is what the member is billed; for the manager, which
bills itself nothing, the part it bears. The scenarios are the current ones,
laid on both rule sets; a scenario that cannot run on the previous rules (it
reads something the change adds) is listed as not compared.

--fail-over AMOUNT and --fail-over-pct P make diff exit 2 when a member's amount
moves by more than AMOUNT EUR or P percent in a year: a gate for CI. --format md
writes Markdown ready to paste in a merge-request comment.

Exit status: 0, 2 when a gate is exceeded, 1 when a rule set cannot be loaded,
git or the revision cannot be found.`,
		Example: `  quotepart diff --rules ./regles --against ./regles-2025
  quotepart diff --rules rules/rouen --scenarios scenarios/rouen --against-rev HEAD~1
  quotepart diff --rules ./regles --against-rev origin/main --format md -o diff.md
  quotepart diff --rules ./regles --against-rev v2025 --fail-over 1000 --fail-over-pct 0.5`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if (opt.Against == "") == (opt.AgainstRev == "") {
				return fmt.Errorf("diff needs the previous rules: --against DIR or --against-rev REV")
			}
			var err error
			if opt.Gate.Amount, err = gateFlag("--fail-over", failOver); err != nil {
				return err
			}
			if opt.Gate.Pct, err = gateFlag("--fail-over-pct", failOverPct); err != nil {
				return err
			}
			if opt.From, opt.To, err = p.years(); err != nil {
				return err
			}
			opt.Scenarios = args
			d, err := produce(p, cmd, reports.DiffOutput, func(ws *app.Workspace) (*reports.RuleDiff, error) {
				return ws.Diff(cmd.Context(), opt)
			})
			if err != nil {
				return err
			}
			if ex := d.Exceeded(); len(ex) > 0 {
				fmt.Fprintf(p.stderr, "quotepart: %d amounts moved past the gate\n", len(ex))
				return &exitCodeError{code: exitFailed}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opt.Against, "against", "", "folder of the previous rules")
	fl.StringVar(&opt.AgainstRev, "against-rev", "", "git revision of the --rules folder holding the previous rules (HEAD~1, origin/main, a tag)")
	fl.StringVar(&failOver, "fail-over", "", "exit 2 when a member's amount moves by more than this many EUR in a year")
	fl.StringVar(&failOverPct, "fail-over-pct", "", "exit 2 when a member's amount moves by more than this percentage in a year")
	addYearFlags(cmd, "each scenario's")
	addOutputFlags(cmd, reports.DiffOutput)
	return cmd
}

func gateFlag(name, s string) (*decimal.Decimal, error) {
	if s == "" {
		return nil, nil
	}
	d, err := decimal.NewFromString(strings.TrimSpace(s))
	if err != nil || d.IsNegative() {
		return nil, fmt.Errorf("%s: expected a number of 0 or more, found %q", name, s)
	}
	return &d, nil
}
