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
			_, err = produce(p, cmd, reports.RunOutput, func(ws *app.Workspace) (*reports.Bills, error) {
				return ws.Run(cmd.Context(), args, from, to)
			})
			return err
		},
	}
	addYearFlags(cmd, "the scenario's")
	addOutputFlags(cmd, reports.RunOutput)
	return cmd
}
