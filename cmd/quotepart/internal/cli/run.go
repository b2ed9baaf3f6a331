package cli

import (
	"github.com/quotepart/quotepart/internal/app"
	"github.com/quotepart/quotepart/reports"
	"github.com/spf13/cobra"
)

func (p *program) runCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "run [SCENARIO...]",
		Short: "Compute each member's bill for each year, per scenario",
		Long: `run evaluates the rules for each year and prints, per member, its key, the amount
allocated to it (fees included) and what the manager bills it. Amounts are exact
decimals rounded to the cent; each year, the members' amounts sum exactly to the
total.

With --basis actuals, the rules run on the actual figures of closed years (the
actuals files of --actuals, by default the comptes folder of the rules folder;
docs/cycle.md): each pool's actual amount replaces its formula, and the years run
are those with actual figures. On the budget, a bill carries the regularisation of
the previous year when the billing terms say so and that year has actual figures.

Each SCENARIO is a scenario id, the path of a scenario file, or the rules' own id
(the rules alone); with none, every scenario runs (with --rules and no
--scenarios, the rules alone run).`,
		Example: `  quotepart run
  quotepart run convention-2026 nouveau-membre
  quotepart run ./mon-scenario.yaml
  quotepart run --lang en
  quotepart run --from 2024 --to 2030
  quotepart run --format json -o bills.json
  quotepart run --rules ./mes-regles --format csv`,
		RunE: func(cmd *cobra.Command, args []string) error {
			from, to, err := p.years()
			if err != nil {
				return err
			}
			basis, err := p.basis()
			if err != nil {
				return err
			}
			bills, err := produce(p, cmd, reports.RunOutput, func(ws *app.Workspace) (*reports.Bills, error) {
				return ws.RunOn(cmd.Context(), args, basis, from, to)
			})
			if bills != nil {
				p.warn(bills.Warnings)
			}
			return err
		},
	}
	addYearFlags(cmd, "the scenario's")
	addBasisFlag(cmd)
	addActualsFlag(cmd)
	addOutputFlags(cmd, reports.RunOutput)
	return cmd
}
