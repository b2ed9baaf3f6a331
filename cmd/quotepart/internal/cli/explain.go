package cli

import (
	"bytes"
	"fmt"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/reports"
	"github.com/spf13/cobra"
)

func (a *app) explainCommand() *cobra.Command {
	var member string
	var year int
	cmd := &cobra.Command{
		Use:   "explain SCENARIO --member M --year Y",
		Short: "Show how a member's amount for a year was computed, step by step",
		Long: `explain walks from the parameters to a member's billed amount for one year: each
pool's amount formula, the member's key, the exact part and its rounding to the
cent, then every rule involved with its formula as written, where it is written,
the values it read and the value it produced, and every parameter with its
source. The parts add up to the amount that run prints.`,
		Example: `  quotepart explain convention-2026 --member ville --year 2027
  quotepart explain nouveau-membre --member darnetal --year 2028 --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := reports.ParseFormat(a.v.GetString("format"))
			if err != nil {
				return err
			}
			if member == "" || year == 0 {
				return fmt.Errorf("explain needs --member and --year")
			}
			ws, err := a.openWorkspace(cmd)
			if err != nil {
				return err
			}
			jobs, err := ws.resolve(args)
			if err != nil {
				return err
			}
			j := jobs[0]
			res, err := j.run(cmd.Context(), year, year)
			if err != nil {
				return err
			}
			trace, err := engine.Explain(j.set.Model, &res.Years[0], member)
			if err != nil {
				return err
			}
			var out bytes.Buffer
			if err := reports.RenderTrace(&out, format, a.lang(), reports.Explained{ScenarioID: j.id, ScenarioTitle: j.title, Trace: trace}); err != nil {
				return err
			}
			return a.writeOutput(a.path(cmd, "output"), out.Bytes())
		},
	}
	f := cmd.Flags()
	f.StringVar(&member, "member", "", "member id, e.g. ville")
	f.IntVar(&year, "year", 0, "year, e.g. 2027")
	f.String("format", "table", "table (text), md or json (quotepart/trace/v1)")
	f.StringP("output", "o", "", "write to this file, atomically (default: standard output)")
	return cmd
}
