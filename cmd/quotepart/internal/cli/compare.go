package cli

import (
	"github.com/quotepart/quotepart/internal/app"
	"github.com/quotepart/quotepart/reports"
	"github.com/spf13/cobra"
)

func (p *program) compareCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "compare BASE OTHER...",
		Short: "Compare scenarios with a baseline, member by member and year by year",
		Long: `compare runs the BASE scenario and each OTHER one over the same years and shows,
per member and year, the base amount, the other, the change in EUR and in %, then
the totals per year and over the horizon. Amounts are the members' allocated
costs, fees included (for the manager, what it bears itself). A member present in
only one scenario counts 0 in the other. Each scenario is an id, a file path or
the rules' own id.`,
		Example: `  quotepart compare convention-2026 nouveau-membre
  quotepart compare convention-2026 sans-ccas evolution-etc --format md
  quotepart compare convention-2026 ./mon-scenario.yaml --format json -o ecarts.json`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			from, to, err := p.years()
			if err != nil {
				return err
			}
			_, err = produce(p, cmd, reports.CompareOutput, func(ws *app.Workspace) (*reports.Comparisons, error) {
				return ws.Compare(cmd.Context(), args, from, to)
			})
			return err
		},
	}
	addYearFlags(cmd, "the base scenario's")
	addOutputFlags(cmd, reports.CompareOutput)
	return cmd
}
