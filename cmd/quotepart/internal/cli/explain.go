package cli

import (
	"errors"
	"github.com/quotepart/quotepart/internal/app"

	"github.com/quotepart/quotepart/reports"
	"github.com/spf13/cobra"
)

func (p *program) explainCommand() *cobra.Command {
	var member string
	var year int
	cmd := &cobra.Command{
		Use:   "explain SCENARIO --member M --year Y",
		Short: "Show how a member's amount for a year was computed, step by step",
		Long: `explain walks from the parameters to a member's billed amount for one year: each
pool's amount formula, the member's key, the exact part and its rounding to the
cent, then every rule involved with its formula as written, where it is written,
the values it read and the value it produced, and every parameter with its
source. The parts add up to the amount that run prints. SCENARIO is a scenario
id, a file path or the rules' own id.`,
		Example: `  quotepart explain convention-2026 --member ville --year 2027
  quotepart explain nouveau-membre --member darnetal --year 2028 --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if member == "" || year == 0 {
				return errors.New("explain needs --member and --year")
			}
			basis, err := p.basis()
			if err != nil {
				return err
			}
			_, err = produce(p, cmd, reports.ExplainOutput, func(ws *app.Workspace) (reports.Explained, error) {
				return ws.ExplainOn(cmd.Context(), args[0], member, year, basis)
			})
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&member, "member", "", "member id, e.g. ville")
	f.IntVar(&year, "year", 0, "year, e.g. 2027")
	addBasisFlag(cmd)
	addActualsFlag(cmd)
	addOutputFlags(cmd, reports.ExplainOutput)
	return cmd
}
