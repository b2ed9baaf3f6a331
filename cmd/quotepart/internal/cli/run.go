package cli

import (
	"bytes"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/reports"
	"github.com/spf13/cobra"
)

func (a *app) runCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "run [SCENARIO...]",
		Short: "Compute each member's bill for each year, per scenario",
		Long: `run evaluates the rules for each year and prints, per member, its key, the amount
allocated to it (fees included) and what the manager bills it. Amounts are exact
decimals rounded to the cent; each year, the members' amounts sum exactly to the
total.

Each SCENARIO is a scenario id or the path of a scenario file; with none, every
scenario runs (with --rules and no --scenarios, the rules alone run).`,
		Example: `  quotepart run
  quotepart run convention-2026 nouveau-membre
  quotepart run ./mon-scenario.yaml
  quotepart run --lang en
  quotepart run --from 2024 --to 2030
  quotepart run --format json -o bills.json
  quotepart run --rules ./mes-regles --format csv`,
		RunE: func(cmd *cobra.Command, args []string) error {
			req, err := a.scenarioRequest(cmd, args)
			if err != nil {
				return err
			}
			var results []*engine.Result
			for _, j := range req.jobs {
				res, err := j.run(cmd.Context(), req.from, req.to)
				if err != nil {
					return err
				}
				results = append(results, res)
			}
			r, err := reports.For(req.format, a.lang())
			if err != nil {
				return err
			}
			var out bytes.Buffer
			if err := r.Render(&out, results); err != nil {
				return err
			}
			return a.writeOutput(a.path(cmd, "output"), out.Bytes())
		},
	}
	addOutputFlags(cmd, "table, json (quotepart/run/v1), csv or md")
	return cmd
}
