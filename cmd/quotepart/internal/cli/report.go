package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/reports"
	"github.com/quotepart/quotepart/scenarios"
	"github.com/spf13/cobra"
)

// reportOptions are the report command's own flags.
type reportOptions struct {
	draws             int
	seed              uint64
	title, date, base string
	from, to          int
	noSensitivity     bool
}

func (a *app) reportCommand() *cobra.Command {
	var o reportOptions
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
numbers stored as numbers with French number formats and frozen header rows.

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
			out := a.path(cmd, "output")
			if out == "" {
				return fmt.Errorf("report writes a file: give -o FILE, named .html, .md or .xlsx")
			}
			explicit := ""
			if fl := cmd.Flags().Lookup("format"); fl != nil && fl.Changed {
				explicit = fl.Value.String()
			}
			format, err := reports.ReportFormat(explicit, out)
			if err != nil {
				return err
			}
			if out != "-" {
				dir := filepath.Dir(out)
				if info, err := os.Stat(dir); err != nil || !info.IsDir() {
					return fmt.Errorf("cannot write %s: the folder %s does not exist", out, dir)
				}
			}
			if o.draws < 0 {
				return fmt.Errorf("--draws must be 0 (no simulation) or more, found %d", o.draws)
			}
			var day engine.Date
			if o.date != "" {
				if day, err = engine.ParseDate(o.date); err != nil {
					return fmt.Errorf("--date: %v", err)
				}
			}
			if o.from, o.to, err = a.years(); err != nil {
				return err
			}
			ws, err := a.openWorkspace(cmd)
			if err != nil {
				return err
			}
			rep, err := ws.report(cmd.Context(), args, o)
			if err != nil {
				return err
			}
			rep.Date = day
			var buf bytes.Buffer
			if err := reports.RenderReport(&buf, format, a.lang(), rep); err != nil {
				return err
			}
			return a.writeOutput(out, buf.Bytes())
		},
	}
	f := cmd.Flags()
	f.String("from", "", "first year (default: the baseline's)")
	f.String("to", "", "last year (default: the baseline's)")
	f.String("format", "", "html, md or xlsx (default: from the extension of -o)")
	f.StringP("output", "o", "", "the report file, written atomically")
	f.IntVar(&o.draws, "draws", 10000, "Monte Carlo draws for the projects' P10/P50/P90 (0: no simulation)")
	f.Uint64Var(&o.seed, "seed", 1, "seed of the draws")
	f.StringVar(&o.title, "title", "", "title of the report (default: from the rules)")
	f.StringVar(&o.date, "date", "", "date printed on the report, YYYY-MM-DD (default: none, so that the file depends on its inputs only)")
	f.StringVar(&o.base, "baseline", "", "scenario the others are compared with (default: the first that extends no other)")
	f.BoolVar(&o.noSensitivity, "no-sensitivity", false, "leave out the sensitivity analysis")
	return cmd
}

// reportScenario is a scenario to report on, with its file when it has one.
type reportScenario struct {
	job
	s *scenarios.Scenario // nil for the rules alone
}

// report runs the scenarios named (all by default), the baseline first,
// evaluates the project requests and assembles the report.
func (ws *workspace) report(ctx context.Context, names []string, o reportOptions) (*reports.Report, error) {
	chosen, err := ws.reportScenarios(names, o.base)
	if err != nil {
		return nil, err
	}
	base := chosen[0]
	from, to := o.from, o.to
	if from == 0 {
		from = base.from
	}
	if to == 0 {
		to = base.to
	}
	parts := make([]*reports.ScenarioPart, len(chosen))
	for i, c := range chosen {
		res, err := c.run(ctx, from, to)
		if err != nil {
			return nil, inScenario(c.id, err)
		}
		p := &reports.ScenarioPart{Result: res, Model: c.set.Model}
		if c.s != nil {
			p.Description, p.Assumption, p.Extends = c.s.Description, c.s.Assumption, c.s.Extends
		}
		parts[i] = p
	}

	var ev *reports.Evaluation
	var val *engine.Valuation
	if ws.projects != nil && ws.projects.Evaluation != nil {
		compiled, set, err := ws.assess(ctx, nil)
		if err != nil {
			return nil, fmt.Errorf("project requests: %w", err)
		}
		rate, err := ws.discountRate(compiled)
		if err != nil {
			return nil, fmt.Errorf("project requests: %w", err)
		}
		val = &compiled.Valuation
		ev = &reports.Evaluation{Scenario: compiled.Scenario, BaseYear: compiled.Valuation.BaseYear, DiscountRate: rate,
			Portfolio: reports.EvaluatedProject{Figures: engine.Figures(set)}}
		for i := range set {
			ev.Projects = append(ev.Projects, reports.EvaluatedProject{Project: set[i].Project, Figures: engine.Figures(set[i : i+1])})
		}
		if o.draws > 0 && len(set) > 0 {
			sim, err := engine.MonteCarlo(ctx, set, engine.MonteCarloOptions{Draws: o.draws, Seed: o.seed})
			if err != nil {
				return nil, err
			}
			ev.Draws, ev.Seed = o.draws, o.seed
			for i := range ev.Projects {
				ev.Projects[i].Spread = &sim.Projects[i]
			}
			ev.Portfolio.Spread = &sim.Portfolio
		}
	}

	opt := engine.Options{From: from, To: to}
	for i, c := range chosen {
		adopted, assessed, err := ws.adopted(ctx, c, o)
		if err != nil {
			return nil, inScenario(c.id, err)
		}
		parts[i].Portfolio = adopted
		if o.noSensitivity || (i > 0 && adopted == nil) {
			continue
		}
		factors := append(engine.ParameterFactors(c.set.Model), engine.LineFactors(assessed, flowsInto)...)
		if parts[i].Sensitivity, err = engine.Analyse(ctx, c.set.Model, opt, factors); err != nil {
			return nil, fmt.Errorf("scenario %s: sensitivity: %w", c.id, err)
		}
		parts[i].Sensitivity.Scenario, parts[i].Sensitivity.Title = c.id, c.title
	}
	return reports.NewReport(o.title, engine.Date{}, parts, ev, val)
}

// reportScenarios resolves the names into scenarios and puts the baseline
// first: the one named by --baseline, or the first that extends no other
// (among those named, else in the catalog).
func (ws *workspace) reportScenarios(names []string, baseline string) ([]reportScenario, error) {
	if ws.catalog == nil || (len(names) == 0 && len(ws.catalog.All()) == 0) {
		if len(names) > 0 || baseline != "" {
			_, err := ws.scenario(firstOf(names, baseline))
			return nil, err
		}
		m := ws.base.Model
		return []reportScenario{{job: job{id: m.ID, title: m.Title, set: ws.base, from: m.From, to: m.To}}}, nil
	}
	var list []*scenarios.Scenario
	if len(names) == 0 {
		list = ws.catalog.All()
	}
	for _, name := range names {
		s, err := ws.scenario(name)
		if err != nil {
			return nil, err
		}
		list = append(list, s)
	}
	var base *scenarios.Scenario
	switch {
	case baseline != "":
		s, err := ws.catalog.Get(baseline)
		if err != nil {
			return nil, fmt.Errorf("--baseline: %w", err)
		}
		base = s
	default:
		for _, s := range list {
			if s.Extends == "" {
				base = s
				break
			}
		}
		if base == nil {
			for _, s := range ws.catalog.All() {
				if s.Extends == "" {
					base = s
					break
				}
			}
		}
		if base == nil {
			base = list[0]
		}
	}
	ordered := []*scenarios.Scenario{base}
	for _, s := range list {
		if s.ID != base.ID {
			ordered = append(ordered, s)
		}
	}
	out := make([]reportScenario, 0, len(ordered))
	for _, s := range ordered {
		j, err := ws.build(s)
		if err != nil {
			return nil, inScenario(s.ID, err)
		}
		out = append(out, reportScenario{job: j, s: s})
	}
	return out, nil
}

// inScenario says which scenario an error comes from; positioned errors
// keep their detail (file:line:col and caret).
func inScenario(id string, err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	var list diag.List
	var one *diag.Error
	switch {
	case errors.As(err, &list):
		return fmt.Errorf("scenario %s cannot be reported:\n%s", id, list.Detail())
	case errors.As(err, &one):
		return fmt.Errorf("scenario %s cannot be reported:\n%s", id, one.Detail())
	}
	return fmt.Errorf("scenario %s cannot be reported: %w", id, err)
}

func firstOf(names []string, other string) string {
	if len(names) > 0 {
		return names[0]
	}
	return other
}

// adopted evaluates the portfolio a scenario adopts (through its extends
// chain) on the scenario itself; nil when it adopts none.
func (ws *workspace) adopted(ctx context.Context, c reportScenario, o reportOptions) (*reports.AdoptedPortfolio, []engine.Assessed, error) {
	if c.s == nil || ws.projects == nil || ws.projects.Evaluation == nil {
		return nil, nil, nil
	}
	chain, err := ws.catalog.Chain(c.s)
	if err != nil {
		return nil, nil, err
	}
	var spec *scenarios.Portfolio
	for _, s := range chain {
		if s.File.Portfolio != nil {
			spec = s.File.Portfolio
		}
	}
	if spec == nil {
		return nil, nil, nil
	}
	var ids []string
	for _, p := range spec.Projects {
		ids = append(ids, p.Value)
	}
	compiled, err := ws.projects.Compile(c.set.Model, ids)
	if err != nil {
		return nil, nil, err
	}
	res, err := c.run(ctx, compiled.Horizon.From, compiled.Horizon.To)
	if err != nil {
		return nil, nil, err
	}
	set, err := engine.Assess(compiled.Projects, compiled.Valuation, compiled.Horizon, engine.EnvFromResult(res))
	if err != nil {
		return nil, nil, err
	}
	p := &reports.AdoptedPortfolio{Label: spec.Label.Value, Projects: ids, Figures: engine.Figures(set)}
	if o.draws > 0 && len(set) > 0 {
		sim, err := engine.MonteCarlo(ctx, set, engine.MonteCarloOptions{Draws: o.draws, Seed: o.seed})
		if err != nil {
			return nil, nil, err
		}
		p.Spread = &sim.Portfolio
	}
	return p, set, nil
}

// flowsInto names the parameter through which a dimension of an adopted
// portfolio reaches the bills.
func flowsInto(d engine.Dimension) string {
	switch d {
	case engine.Money:
		return scenarios.PortfolioCostParam
	case engine.Staff:
		return scenarios.PortfolioStaffParam
	}
	return ""
}
