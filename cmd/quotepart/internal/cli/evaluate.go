package cli

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/reports"
	"github.com/quotepart/quotepart/scenarios"
	"github.com/schollz/progressbar/v3"
	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"
)

func (a *app) evaluateCommand() *cobra.Command {
	var (
		draws                 int
		seed                  uint64
		quiet, choose         bool
		budget, staff, carbon string
	)
	cmd := &cobra.Command{
		Use:   "evaluate [PROJECT...]",
		Short: "Weigh project requests: money, staff and carbon, with uncertainty; select a portfolio",
		Long: `evaluate weighs the project requests (all, or the PROJECT ids given) year by year in
three dimensions — financial (EUR), HR (ETC), environmental (kgCO2e) — with their
net, cumulative net, gains/efforts ratio and payback year, the NPV of the financial
net, and a monetized value of the three (ETC at their yearly cost, CO2e at the value
of carbon) shown beside them. With --draws, a Monte Carlo simulation gives P10, P50
and P90 and the probability that the NPV is positive; the same seed gives the same
output. With --select, it chooses the set of requests of highest monetized value
within the limits, exactly, and says what each binding limit costs.

Limits are a single amount for every year (--budget 400000) or per year
(--budget 2027=500000,2028=300000).`,
		Example: `  quotepart evaluate
  quotepart evaluate ged-archives allongement-duree-vie --draws 50000 --seed 7
  quotepart evaluate --select --budget 400000 --etc 3
  quotepart evaluate --select --budget 2027=500000,2028=300000 --etc 3 --carbon 0 --format json -o portefeuille.json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := reports.ParseFormat(a.v.GetString("format"))
			if err != nil {
				return err
			}
			if draws < 0 {
				return fmt.Errorf("--draws must be 0 (no simulation) or more, found %d", draws)
			}
			ws, err := a.openWorkspace(cmd)
			if err != nil {
				return err
			}
			if ws.projects == nil {
				return diag.Errorf(diag.Pos{}, diag.NotFound, "no project requests: put them in a %s/ folder of the scenarios folder", scenarios.ProjectsDir)
			}
			compiled, set, err := ws.assess(cmd.Context(), args)
			if err != nil {
				return err
			}
			rate, err := ws.discountRate(compiled)
			if err != nil {
				return err
			}
			ev := &reports.Evaluation{Scenario: compiled.Scenario, BaseYear: compiled.Valuation.BaseYear, DiscountRate: rate,
				Portfolio: reports.EvaluatedProject{Figures: engine.Figures(set)}}
			for i := range set {
				ev.Projects = append(ev.Projects, reports.EvaluatedProject{Project: set[i].Project, Figures: engine.Figures(set[i : i+1])})
			}
			if draws > 0 {
				sim, err := engine.MonteCarlo(cmd.Context(), set, engine.MonteCarloOptions{Draws: draws, Seed: seed, Progress: a.progress(quiet, draws)})
				if err != nil {
					return err
				}
				ev.Draws, ev.Seed = draws, seed
				for i := range ev.Projects {
					ev.Projects[i].Spread = &sim.Projects[i]
				}
				ev.Portfolio.Spread = &sim.Portfolio
			}
			if choose {
				lim, err := parseLimits(budget, staff, carbon, compiled.Horizon)
				if err != nil {
					return err
				}
				if ev.Selection, err = engine.Select(set, lim); err != nil {
					return err
				}
			} else if budget != "" || staff != "" || carbon != "" {
				return fmt.Errorf("--budget, --etc and --carbon limit a selection: add --select")
			}
			var out bytes.Buffer
			if err := reports.RenderEvaluation(&out, format, a.lang(), ev); err != nil {
				return err
			}
			return a.writeOutput(a.path(cmd, "output"), out.Bytes())
		},
	}
	f := cmd.Flags()
	f.IntVar(&draws, "draws", 10000, "Monte Carlo draws (0: no simulation)")
	f.Uint64Var(&seed, "seed", 1, "seed of the draws")
	f.BoolVar(&quiet, "quiet", false, "no progress bar")
	f.BoolVar(&choose, "select", false, "select the portfolio of highest value within the limits")
	f.StringVar(&budget, "budget", "", "yearly limit of financial efforts, EUR: 400000 or 2027=500000,2028=300000")
	f.StringVar(&staff, "etc", "", "yearly limit of HR efforts, ETC: 3 or 2027=4,2028=2.5")
	f.StringVar(&carbon, "carbon", "", "limit of the net emissions over the horizon, kgCO2e (negative: a reduction)")
	f.String("format", "table", "table, json (quotepart/evaluate/v1), csv or md")
	f.StringP("output", "o", "", "write to this file, atomically (default: standard output)")
	return cmd
}

// progress returns a progress callback drawing a bar on standard error when
// it is a terminal, or nil.
func (a *app) progress(quiet bool, total int) func(done, total int) {
	f, ok := a.stderr.(*os.File)
	if quiet || !ok || !isatty.IsTerminal(f.Fd()) {
		return nil
	}
	bar := progressbar.NewOptions(total, progressbar.OptionSetWriter(f), progressbar.OptionSetDescription("tirages"),
		progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100_000_000), progressbar.OptionEnableColorCodes(os.Getenv("NO_COLOR") == ""))
	return func(done, _ int) { _ = bar.Set(done) }
}

// parseLimits reads the limit flags.
func parseLimits(budget, staff, carbon string, h engine.Horizon) (engine.Limits, error) {
	var lim engine.Limits
	var err error
	if lim.Budget, err = parseYearly("--budget", budget, h); err != nil {
		return lim, err
	}
	if lim.Staff, err = parseYearly("--etc", staff, h); err != nil {
		return lim, err
	}
	if carbon != "" {
		c, err := decimal.NewFromString(strings.TrimSpace(carbon))
		if err != nil {
			return lim, fmt.Errorf("--carbon: expected a number of kgCO2e, found %q", carbon)
		}
		lim.Carbon = &c
	}
	return lim, nil
}

// parseYearly reads "400000" (every year of the horizon) or
// "2027=500000,2028=300000".
func parseYearly(flag, s string, h engine.Horizon) (map[int]decimal.Decimal, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	out := map[int]decimal.Decimal{}
	if !strings.Contains(s, "=") {
		v, err := decimal.NewFromString(strings.TrimSpace(s))
		if err != nil || v.IsNegative() {
			return nil, fmt.Errorf("%s: expected a non-negative amount, or YEAR=AMOUNT pairs, found %q", flag, s)
		}
		for y := h.From; y <= h.To; y++ {
			out[y] = v
		}
		return out, nil
	}
	for _, part := range strings.Split(s, ",") {
		ys, vs, _ := strings.Cut(strings.TrimSpace(part), "=")
		y, err := strconv.Atoi(ys)
		if err != nil || y < h.From || y > h.To {
			return nil, fmt.Errorf("%s: %q is not a year of the evaluation, %d–%d", flag, ys, h.From, h.To)
		}
		v, err := decimal.NewFromString(vs)
		if err != nil || v.IsNegative() {
			return nil, fmt.Errorf("%s: expected a non-negative amount for %d, found %q", flag, y, vs)
		}
		out[y] = v
	}
	return out, nil
}
