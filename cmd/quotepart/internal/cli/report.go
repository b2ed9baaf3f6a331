package cli

import (
	"fmt"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/app"
	"github.com/quotepart/quotepart/internal/outfile"
	"github.com/quotepart/quotepart/reports"
	"github.com/spf13/cobra"
)

func (p *program) reportCommand() *cobra.Command {
	var (
		opt           app.ReportOptions
		date          string
		noSensitivity bool
	)
	cmd := &cobra.Command{
		Use:   "report [SCENARIO...] -o FILE",
		Short: "Write a full report for officials and auditors: HTML with charts, Markdown or XLSX",
		Long: `report writes one file: a summary of what each member pays per year and how each
scenario changes it against the baseline, the balance of the project portfolio,
detailed tables per scenario, member, pool and year, the project requests with their
gains and efforts per dimension, NPV and P10/P50/P90, the sensitivity of the bills to
the parameters (±10 % each, P10/P90 for uncertain project lines), every parameter
with its value, unit and source or assumption, and the rules as written.

The format follows the file's extension (.html, .md, .xlsx) unless --format says
otherwise. HTML is one self-contained page with inline SVG charts: no script, no
external request; it opens offline and prints to PDF. XLSX has one sheet per table,
numbers stored as numbers with French number formats and frozen header rows, then
formula sheets: per scenario its parameters, per year the bills computed with
formulas (rules, pools, exact parts, cents of the largest remainder), which a
spreadsheet recalculates when a parameter changes (docs/spreadsheets.md).

The baseline is the first scenario that extends no other (convention-2026 with the
embedded defaults), added when not named; every other scenario runs over its years
and is compared with it. The same inputs give the same bytes: the report carries a
date only when --date gives one, and the simulation uses a fixed seed.`,
		Example: `  quotepart report -o rapport.html
  quotepart report -o rapport.xlsx
  quotepart report convention-2026 sdsi-2027-2030 -o rapport.md
  quotepart report -o report.html --lang en --date 2026-06-30
  quotepart report nouveau-membre --baseline convention-2026 -o adhesion.html`,
		RunE: func(cmd *cobra.Command, args []string) error {
			file := p.path("output")
			if file == "" {
				return fmt.Errorf("report writes a file: give -o FILE, named .html, .md or .xlsx")
			}
			out := reports.ReportOutput
			f, err := out.FromFile(p.explicitFormat(), file)
			if err != nil {
				return err
			}
			if err := outfile.Check(file); err != nil {
				return err
			}
			if opt.Draws < 0 {
				return fmt.Errorf("--draws must be 0 (no simulation) or more, found %d", opt.Draws)
			}
			if date != "" {
				if opt.Date, err = engine.ParseDate(date); err != nil {
					return fmt.Errorf("--date: %v", err)
				}
			}
			if opt.From, opt.To, err = p.years(); err != nil {
				return err
			}
			ws, err := p.workspace(cmd)
			if err != nil {
				return err
			}
			opt.Scenarios, opt.Sensitivity = args, !noSensitivity
			rep, err := ws.Report(cmd.Context(), opt)
			if err != nil {
				return err
			}
			return emit(p, cmd, out, f, rep)
		},
	}
	addYearFlags(cmd, "the baseline's")
	fl := cmd.Flags()
	fl.String("format", "", reports.ReportOutput.Help()+" (default: from the extension of -o)")
	fl.StringP("output", "o", "", "the report file, written atomically")
	fl.IntVar(&opt.Draws, "draws", 10000, "Monte Carlo draws for the projects' P10/P50/P90 (0: no simulation)")
	fl.Uint64Var(&opt.Seed, "seed", 1, "seed of the draws")
	fl.StringVar(&opt.Title, "title", "", "title of the report (default: from the rules)")
	fl.StringVar(&date, "date", "", "date printed on the report, YYYY-MM-DD (default: none, so that the file depends on its inputs only)")
	fl.StringVar(&opt.Baseline, "baseline", "", "scenario the others are compared with (default: the first that extends no other)")
	fl.BoolVar(&noSensitivity, "no-sensitivity", false, "leave out the sensitivity analysis")
	return cmd
}
