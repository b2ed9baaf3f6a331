package cli

import (
	"bytes"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/reports"
	"github.com/spf13/cobra"
)

func (a *app) runCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Compute each member's bill for each year",
		Long: `run evaluates the rules for each year and prints, per member, its key, the amount
allocated to it (fees included) and what the manager bills it. Amounts are exact
decimals rounded to the cent; each year, the members' amounts sum exactly to the
total.`,
		Example: `  quotepart run
  quotepart run --lang en
  quotepart run --from 2024 --to 2030
  quotepart run --format json -o bills.json
  quotepart run --rules ./mes-regles --format csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := reports.ParseFormat(a.v.GetString("format"))
			if err != nil {
				return err
			}
			from, err := a.intSetting("from")
			if err != nil {
				return err
			}
			to, err := a.intSetting("to")
			if err != nil {
				return err
			}
			set, err := loadRules(a.path(cmd, "rules"))
			if err != nil {
				return err
			}
			res, err := engine.Run(cmd.Context(), set.Model, engine.Options{From: from, To: to})
			if err != nil {
				return err
			}
			r, err := reports.For(format, a.lang())
			if err != nil {
				return err
			}
			var out bytes.Buffer
			if err := r.Render(&out, []*engine.Result{res}); err != nil {
				return err
			}
			return a.writeOutput(a.path(cmd, "output"), out.Bytes())
		},
	}
	f := cmd.Flags()
	f.String("from", "", "first year (default: the rules' run.from)")
	f.String("to", "", "last year (default: the rules' run.to)")
	f.String("format", "table", "table, json (quotepart/run/v1), csv or md")
	f.StringP("output", "o", "", "write to this file, atomically (default: standard output)")
	return cmd
}
