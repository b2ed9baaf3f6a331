package cli

import (
	"bytes"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/reports"
	"github.com/spf13/cobra"
)

func (a *app) compareCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "compare BASE OTHER...",
		Short: "Compare scenarios with a baseline, member by member and year by year",
		Long: `compare runs the BASE scenario and each OTHER one over the same years and shows,
per member and year, the base amount, the other, the change in EUR and in %, then
the totals per year and over the horizon. Amounts are the members' allocated
costs, fees included (for the manager, what it bears itself). A member present in
only one scenario counts 0 in the other. Each scenario is an id or a file path.`,
		Example: `  quotepart compare convention-2026 nouveau-membre
  quotepart compare convention-2026 sans-ccas evolution-etc --format md
  quotepart compare convention-2026 ./mon-scenario.yaml --format json -o ecarts.json`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			req, err := a.scenarioRequest(cmd, args)
			if err != nil {
				return err
			}
			jobs, from, to := req.jobs, req.from, req.to
			// Every scenario runs on the base's years unless told otherwise.
			if from == 0 {
				from = jobs[0].from
			}
			if to == 0 {
				to = jobs[0].to
			}
			results := make([]*engine.Result, len(jobs))
			for i, j := range jobs {
				if results[i], err = j.run(cmd.Context(), from, to); err != nil {
					return err
				}
			}
			var cs []*reports.Comparison
			for _, other := range results[1:] {
				cs = append(cs, reports.Compare(results[0], other))
			}
			var out bytes.Buffer
			if err := reports.RenderComparisons(&out, req.format, a.lang(), cs); err != nil {
				return err
			}
			return a.writeOutput(a.path(cmd, "output"), out.Bytes())
		},
	}
	addOutputFlags(cmd, "table, json (quotepart/compare/v1), csv or md")
	return cmd
}

// addOutputFlags declares the years, format and output flags shared by the
// commands that print results.
func addOutputFlags(cmd *cobra.Command, formats string) {
	f := cmd.Flags()
	f.String("from", "", "first year (default: the scenario's, or the rules' run.from)")
	f.String("to", "", "last year (default: the scenario's, or the rules' run.to)")
	f.String("format", "table", formats)
	f.StringP("output", "o", "", "write to this file, atomically (default: standard output)")
}
