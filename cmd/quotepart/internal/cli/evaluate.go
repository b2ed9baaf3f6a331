package cli

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/app"
	"github.com/quotepart/quotepart/internal/outfile"
	"github.com/quotepart/quotepart/reports"
	"github.com/schollz/progressbar/v3"
	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"
)

func (p *program) evaluateCommand() *cobra.Command {
	var (
		opt                              app.EvaluateOptions
		quiet                            bool
		budget, staff, carbon, objective string
		sheet                            app.SheetOptions
	)
	cmd := &cobra.Command{
		Use:   "evaluate [PROJECT...]",
		Short: "Weigh project requests: money, staff and carbon, with uncertainty; select a portfolio",
		Long: `evaluate weighs the project requests (all, or the PROJECT ids given) year by year in
three dimensions — financial (EUR), HR (ETC), environmental (kgCO2e) — with their
net, cumulative net, gains/efforts ratio and payback year, the NPV of the financial
net, and a monetized value of the three (ETC at their yearly cost, CO2e at the value
of carbon) shown beside them; their weighted score on the committee's criteria; and
the trajectory of each Numérique Responsable commitment against its target. With
--draws, a Monte Carlo simulation gives P10, P50 and P90 and the probability that
the NPV is positive; the same seed gives the same output.

With --select, it chooses exactly the requests and their start years that maximize
the objective (--objective value, score or mixed:ALPHA) within the limits: mandatory
requests in, each started after those it requires, at most one of alternatives, each
yearly limit held; and it says what each binding limit costs. Limits are a single
amount for every year (--budget 400000) or per year (--budget 2027=500000,2028=300000);
--carbon is over the horizon (-5000) or per year (2027=0,2028=-500); --commitments
holds every commitment's target. A kind of limit not given takes the evaluation
settings' (limits:). Limits that no selection meets are an error that says which and
by how much.

With --request ID, it writes the sheet of one request for the committee instead:
HTML or Markdown after -o FILE's extension (Markdown on standard output), with each
member's bills with and without it in the scenario that adopts a portfolio (--bills
for another, --start for its start year).`,
		Example: `  quotepart evaluate
  quotepart evaluate ged-archives allongement-duree-vie --draws 50000 --seed 7
  quotepart evaluate --select --budget 400000 --etc 3
  quotepart evaluate --select --commitments --objective mixed:0.7
  quotepart evaluate --select --budget 2027=500000,2028=300000 --etc 3 --carbon 0 --format json -o portefeuille.json
  quotepart evaluate --request portail-ccas -o fiche.html`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opt.Draws < 0 {
				return fmt.Errorf("--draws must be 0 (no simulation) or more, found %d", opt.Draws)
			}
			if sheet.ID != "" {
				if opt.Select || len(args) > 0 {
					return fmt.Errorf("--request writes the sheet of one request: give no PROJECT and no --select")
				}
				sheet.Simulation = app.Simulation{Draws: opt.Draws, Seed: opt.Seed, Progress: p.progress(quiet, opt.Draws)}
				return p.requestSheet(cmd, sheet)
			}
			if sheet.Start != 0 || sheet.Bills != "" {
				return fmt.Errorf("--start and --bills shape the sheet of a request: add --request ID")
			}
			if !opt.Select && (budget != "" || staff != "" || carbon != "" || objective != "" || opt.Commitments) {
				return fmt.Errorf("--budget, --etc, --carbon, --objective and --commitments shape a selection: add --select")
			}
			var err error
			if opt.Limits, err = parseLimits(budget, staff, carbon); err != nil {
				return err
			}
			if opt.Objective, err = parseObjective(objective); err != nil {
				return err
			}
			opt.Projects, opt.Progress = args, p.progress(quiet, opt.Draws)
			_, err = produce(p, cmd, reports.EvaluateOutput, func(ws *app.Workspace) (*reports.Evaluation, error) {
				return ws.Evaluate(cmd.Context(), opt)
			})
			return err
		},
	}
	f := cmd.Flags()
	f.IntVar(&opt.Draws, "draws", 10000, "Monte Carlo draws (0: no simulation)")
	f.Uint64Var(&opt.Seed, "seed", 1, "seed of the draws")
	f.BoolVar(&quiet, "quiet", false, "no progress bar")
	f.BoolVar(&opt.Select, "select", false, "select the portfolio of highest value within the limits")
	f.StringVar(&budget, "budget", "", "yearly limit of financial efforts, EUR: 400000 or 2027=500000,2028=300000")
	f.StringVar(&staff, "etc", "", "yearly limit of HR efforts, ETC: 3 or 2027=4,2028=2.5")
	f.StringVar(&carbon, "carbon", "", "limit of the net emissions, kgCO2e (negative: a reduction): over the horizon (-5000), or per year (2027=0,2028=-500)")
	f.BoolVar(&opt.Commitments, "commitments", false, "the selection meets the targets of every commitment (Numérique Responsable indicators), each year that has one")
	f.StringVar(&objective, "objective", "", "what the selection maximizes: value (the monetized value, the default), score (the weighted score of the criteria) or mixed:ALPHA (ALPHA × value + (1 − ALPHA) × score, each brought to its largest)")
	f.StringVar(&sheet.ID, "request", "", "write the one-page sheet of this request for the committee (-o FILE.html or FILE.md; Markdown on standard output)")
	f.IntVar(&sheet.Start, "start", 0, "with --request: the year it starts in (default: its start in the bills scenario, else the first its requirements allow)")
	f.StringVar(&sheet.Bills, "bills", "", "with --request: the scenario whose bills the sheet shows with and without it (default: the first that adopts a portfolio)")
	addOutputFlags(cmd, reports.EvaluateOutput)
	return cmd
}

// requestSheet writes the sheet of one request: HTML or Markdown after
// the file's extension, or --format when set in any layer.
func (p *program) requestSheet(cmd *cobra.Command, opt app.SheetOptions) error {
	out := reports.SheetOutput
	file := p.path("output")
	f, err := fileFormat(p, out, file)
	if err != nil {
		return fmt.Errorf("--request: %w", err)
	}
	if err := outfile.Check(file); err != nil {
		return err
	}
	ws, err := p.workspace(cmd)
	if err != nil {
		return err
	}
	sheet, err := ws.RequestSheet(cmd.Context(), opt)
	if err != nil {
		return err
	}
	return emit(p, cmd, out, f, sheet)
}

// progress returns a progress callback drawing a bar on standard error when
// it is a terminal, or nil.
func (p *program) progress(quiet bool, total int) func(done, total int) {
	f, ok := p.stderr.(*os.File)
	if quiet || total <= 0 || !ok || !isatty.IsTerminal(f.Fd()) {
		return nil
	}
	bar := progressbar.NewOptions(total, progressbar.OptionSetWriter(f), progressbar.OptionSetDescription("tirages"),
		progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100_000_000), progressbar.OptionEnableColorCodes(os.Getenv("NO_COLOR") == ""))
	return func(done, _ int) { _ = bar.Set(done) }
}

// parseLimits reads the limit flags.
func parseLimits(budget, staff, carbon string) (app.Limits, error) {
	var lim app.Limits
	var err error
	if lim.Budget, err = parseYearly("--budget", budget); err != nil {
		return lim, err
	}
	if lim.Staff, err = parseYearly("--etc", staff); err != nil {
		return lim, err
	}
	switch {
	case strings.Contains(carbon, "="):
		y, err := parseYearlySigned("--carbon", carbon)
		if err != nil {
			return lim, err
		}
		lim.CarbonByYear = y
	case strings.TrimSpace(carbon) != "":
		c, err := decimal.NewFromString(strings.TrimSpace(carbon))
		if err != nil {
			return lim, fmt.Errorf("--carbon: expected a number of kgCO2e over the horizon, or YEAR=KGCO2E pairs, found %q", carbon)
		}
		lim.Carbon = &c
	}
	return lim, nil
}

// parseYearlySigned reads "2027=0,2028=-500": amounts that may be
// negative (a reduction).
func parseYearlySigned(flag, s string) (map[int]decimal.Decimal, error) {
	out := map[int]decimal.Decimal{}
	for _, part := range strings.Split(s, ",") {
		ys, vs, _ := strings.Cut(strings.TrimSpace(part), "=")
		year, err := strconv.Atoi(ys)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not a year", flag, ys)
		}
		v, err := decimal.NewFromString(vs)
		if err != nil {
			return nil, fmt.Errorf("%s: expected a number for %d, found %q", flag, year, vs)
		}
		out[year] = v
	}
	return out, nil
}

// parseObjective reads --objective: value, score or mixed:ALPHA, ALPHA
// the weight of the value from 0 to 1.
func parseObjective(s string) (engine.Objective, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "" || s == "value":
		return engine.Objective{Kind: engine.ByValue}, nil
	case s == "score":
		return engine.Objective{Kind: engine.ByScore}, nil
	case strings.HasPrefix(s, "mixed:"):
		a, err := decimal.NewFromString(strings.TrimPrefix(s, "mixed:"))
		if err != nil || a.IsNegative() || a.GreaterThan(decimal.NewFromInt(1)) {
			return engine.Objective{}, fmt.Errorf("--objective: mixed takes the weight of the value, from 0 to 1 (mixed:0.7), found %q", s)
		}
		return engine.Objective{Kind: engine.Mixed, Alpha: a}, nil
	}
	return engine.Objective{}, fmt.Errorf("--objective: expected value, score or mixed:ALPHA (mixed:0.7), found %q", s)
}

// parseYearly reads "400000" (every year) or "2027=500000,2028=300000";
// the years are checked against the evaluation's once it is loaded.
func parseYearly(flag, s string) (app.Yearly, error) {
	var y app.Yearly
	if strings.TrimSpace(s) == "" {
		return y, nil
	}
	if !strings.Contains(s, "=") {
		v, err := decimal.NewFromString(strings.TrimSpace(s))
		if err != nil || v.IsNegative() {
			return y, fmt.Errorf("%s: expected a non-negative amount, or YEAR=AMOUNT pairs, found %q", flag, s)
		}
		y.Every = &v
		return y, nil
	}
	y.ByYear = map[int]decimal.Decimal{}
	for _, part := range strings.Split(s, ",") {
		ys, vs, _ := strings.Cut(strings.TrimSpace(part), "=")
		year, err := strconv.Atoi(ys)
		if err != nil {
			return y, fmt.Errorf("%s: %q is not a year", flag, ys)
		}
		v, err := decimal.NewFromString(vs)
		if err != nil || v.IsNegative() {
			return y, fmt.Errorf("%s: expected a non-negative amount for %d, found %q", flag, year, vs)
		}
		y.ByYear[year] = v
	}
	return y, nil
}
