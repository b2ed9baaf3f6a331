package cli

import (
	"errors"

	"github.com/quotepart/quotepart/internal/app"
	"github.com/quotepart/quotepart/reports"
	"github.com/spf13/cobra"
)

func (p *program) settleCommand() *cobra.Command {
	var year int
	cmd := &cobra.Command{
		Use:   "settle [SCENARIO] --year Y",
		Short: "Regularise a closed year: billed against due on the actual figures, per member, to the cent",
		Long: `settle runs the rules twice for a closed year, on the budget and on the actual
figures of that year (an actuals file of the --actuals folder, by default the
comptes folder of the rules folder; docs/cycle.md), and prints per member what
it was billed (its forecast bill, or the instalments actually issued when the
actuals file lists them), what it owed on the actual figures, and the difference
to the cent. The members' differences sum exactly to the difference of the
totals. Whether the regularisation is added to the next year's bills (and so
shows in run, explain, statement and report) or billed apart is a billing term
of the rules (billing: regularisation: carry).

SCENARIO is a scenario id, a scenario file or the rules' own id (the default).`,
		Example: `  quotepart settle --year 2026
  quotepart settle --year 2026 --rules rules/grand-pic-saint-loup
  quotepart settle sans-ccas --year 2026 --actuals ./comptes --format json -o regul-2026.json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if year == 0 {
				return errors.New("settle needs --year, the closed year to regularise")
			}
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			_, err := produce(p, cmd, reports.SettleOutput, func(ws *app.Workspace) (*reports.Settled, error) {
				return ws.Settle(cmd.Context(), name, year)
			})
			return err
		},
	}
	cmd.Flags().IntVar(&year, "year", 0, "the closed year, e.g. 2026")
	addActualsFlag(cmd)
	addOutputFlags(cmd, reports.SettleOutput)
	return cmd
}
