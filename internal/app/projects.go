package app

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/reports"
	"github.com/quotepart/quotepart/scenarios"
	"github.com/shopspring/decimal"
)

// Assessment is a set of project requests compiled against a job and
// evaluated year by year on its values.
type Assessment struct {
	Compiled *scenarios.Compiled
	Set      []engine.Assessed
	// DiscountRate is the rate in the base year, for display.
	DiscountRate decimal.Decimal
	// Env gives the values of each year, to assess the requests at other
	// starts.
	Env engine.YearEnv
	// Members names the members of the job assessed, by id, for the
	// requests' requested_by.
	Members map[string]string
}

// HasProjects reports whether the workspace has project requests with
// their evaluation settings.
func (ws *Workspace) HasProjects() bool {
	return ws.Projects != nil && ws.Projects.Evaluation != nil
}

// errNoProjects is the error of a command that needs project requests.
func errNoProjects() error {
	return diag.Errorf(diag.Pos{}, diag.NotFound, "no project requests: put them in a %s/ folder of the scenarios folder", scenarios.ProjectsDir)
}

// ValuesJob is the job the evaluation reads its values from: the scenario
// its settings name, or the rules alone.
func (ws *Workspace) ValuesJob(ctx context.Context) (*Job, error) {
	if !ws.HasProjects() {
		return nil, errNoProjects()
	}
	name := ws.Projects.Evaluation.Scenario.Value
	if name == "" {
		return ws.RulesJob(), nil
	}
	return ws.Job(ctx, name)
}

// Assess compiles the projects ids (all when empty) against job j, runs j
// over the evaluation's years and evaluates every line of every project,
// each starting in the first year it may.
func (ws *Workspace) Assess(ctx context.Context, j *Job, ids []string) (*Assessment, error) {
	return ws.AssessAt(ctx, j, ids, nil)
}

// AssessAt is Assess with the start years starts gives, by project id.
func (ws *Workspace) AssessAt(ctx context.Context, j *Job, ids []string, starts map[string]int) (*Assessment, error) {
	if !ws.HasProjects() {
		return nil, errNoProjects()
	}
	compiled, err := ws.Projects.Compile(j.Model(), ids, ws.formulas())
	if err != nil {
		return nil, err
	}
	res, err := j.Run(ctx, compiled.Horizon.From, compiled.Horizon.To)
	if err != nil {
		return nil, err
	}
	env := engine.EnvFromResult(res)
	set, err := engine.AssessAt(ctx, compiled.Projects, starts, compiled.Valuation, compiled.Horizon, env)
	if err != nil {
		return nil, err
	}
	rate, err := compiled.Valuation.Rate(env)
	if err != nil {
		return nil, err
	}
	return &Assessment{Compiled: compiled, Set: set, DiscountRate: rate, Env: env, Members: memberNames(j.Model())}, nil
}

// AssessRequests assesses the projects ids (all when empty) on the job the
// evaluation reads its values from.
func (ws *Workspace) AssessRequests(ctx context.Context, ids []string) (*Assessment, error) {
	j, err := ws.ValuesJob(ctx)
	if err != nil {
		return nil, err
	}
	return ws.Assess(ctx, j, ids)
}

// Adopted assesses the portfolio job j adopts (through its extends chain)
// on j itself; nil when it adopts none.
func (ws *Workspace) Adopted(ctx context.Context, j *Job) (*Assessment, error) {
	p := j.Portfolio()
	if p == nil || !ws.HasProjects() {
		return nil, nil
	}
	return ws.AssessAt(ctx, j, p.IDs(), p.StartYears())
}

// Simulation says how many Monte Carlo draws to make and with which seed;
// zero draws means no simulation.
type Simulation struct {
	Draws    int
	Seed     uint64
	Progress func(done, total int) // nil: no progress shown
}

func (s Simulation) run(ctx context.Context, set []engine.Assessed) (*engine.Simulation, error) {
	if s.Draws <= 0 || len(set) == 0 {
		return nil, nil
	}
	return engine.MonteCarlo(ctx, set, engine.MonteCarloOptions{Draws: s.Draws, Seed: s.Seed, Progress: s.Progress})
}

// Yearly is a limit given for every year or year by year.
type Yearly struct {
	Every  *decimal.Decimal
	ByYear map[int]decimal.Decimal
}

// IsSet reports whether the limit was given.
func (y Yearly) IsSet() bool { return y.Every != nil || len(y.ByYear) > 0 }

// perYear expands the limit over a horizon; a year outside it is an error
// naming the flag.
func (y Yearly) perYear(flag string, h engine.Horizon) (map[int]decimal.Decimal, error) {
	if !y.IsSet() {
		return nil, nil
	}
	out := map[int]decimal.Decimal{}
	if y.Every != nil {
		for year := h.From; year <= h.To; year++ {
			out[year] = *y.Every
		}
	}
	for _, year := range slices.Sorted(maps.Keys(y.ByYear)) {
		if year < h.From || year > h.To {
			return nil, fmt.Errorf("%s: %q is not a year of the evaluation, %d–%d", flag, strconv.Itoa(year), h.From, h.To)
		}
		out[year] = y.ByYear[year]
	}
	return out, nil
}

// Limits bound a portfolio selection: yearly financial and HR efforts, and
// the net emissions over the horizon or per year. A kind of limit given
// here replaces the evaluation settings' limits of that kind.
type Limits struct {
	Budget, Staff Yearly
	Carbon        *decimal.Decimal
	CarbonByYear  map[int]decimal.Decimal
}

// EvaluateOptions choose what Evaluate does.
type EvaluateOptions struct {
	// Projects are the ids evaluated; all when empty.
	Projects []string
	Simulation
	// Select asks for the portfolio that maximizes Objective within
	// Limits (the evaluation settings' limits for a kind not given).
	Select    bool
	Limits    Limits
	Objective engine.Objective
	// Commitments asks the selection to meet every commitment's targets.
	Commitments bool
}

// Evaluate weighs project requests on the job the evaluation reads its
// values from: their figures, their spread when draws are asked for, and
// the best portfolio within limits when a selection is.
func (ws *Workspace) Evaluate(ctx context.Context, opt EvaluateOptions) (*reports.Evaluation, error) {
	a, err := ws.AssessRequests(ctx, opt.Projects)
	if err != nil {
		return nil, err
	}
	ev, err := evaluation(ctx, a, opt.Simulation)
	if err != nil {
		return nil, err
	}
	if opt.Select {
		if err := ws.selectPortfolio(ctx, a, opt, ev); err != nil {
			return nil, err
		}
	}
	ev.Provenance = ws.Provenance()
	return ev, nil
}

// selectPortfolio chooses the portfolio within the limits, each request
// assessed at every start of its window, and gives its figures and
// trajectories.
func (ws *Workspace) selectPortfolio(ctx context.Context, a *Assessment, opt EvaluateOptions, ev *reports.Evaluation) error {
	c := a.Compiled
	lim, err := opt.Limits.engine(c.Horizon, c.Limits)
	if err != nil {
		return err
	}
	if opt.Commitments {
		if len(c.Commitments) == 0 {
			return diag.Errorf(diag.Pos{}, diag.Invalid, "--commitments: the evaluation settings declare no commitment (commitments:)")
		}
		lim.Commitments = c.Commitments
	}
	cands, err := engine.AssessStarts(ctx, c.Projects, c.Valuation, c.Horizon, a.Env)
	if err != nil {
		return err
	}
	sel, err := engine.Select(ctx, cands, engine.SelectOptions{Limits: lim, Objective: opt.Objective, Scoring: c.Scoring})
	if err != nil {
		return err
	}
	ev.Selection = sel
	ev.Selected = &reports.SelectedPortfolio{Figures: engine.Figures(sel.Set), Trajectories: engine.Trajectories(c.Commitments, sel.Set)}
	return nil
}

// engine merges the limits given with those of the evaluation settings,
// kind by kind, over the horizon.
func (l Limits) engine(h engine.Horizon, file engine.Limits) (engine.Limits, error) {
	lim := file
	var err error
	if l.Budget.IsSet() {
		if lim.Budget, err = l.Budget.perYear("--budget", h); err != nil {
			return lim, err
		}
	}
	if l.Staff.IsSet() {
		if lim.Staff, err = l.Staff.perYear("--etc", h); err != nil {
			return lim, err
		}
	}
	if l.Carbon != nil || len(l.CarbonByYear) > 0 {
		lim.Carbon, lim.CarbonByYear = l.Carbon, nil
		if len(l.CarbonByYear) > 0 {
			if lim.CarbonByYear, err = (Yearly{ByYear: l.CarbonByYear}).perYear("--carbon", h); err != nil {
				return lim, err
			}
		}
	}
	return lim, nil
}

// memberNames gives the members' names by id.
func memberNames(m *engine.Model) map[string]string {
	names := make(map[string]string, len(m.Members))
	for _, mem := range m.Members {
		names[mem.ID] = mem.Label
	}
	return names
}

// evaluation gives the figures of each assessed request and of them all,
// with their Monte Carlo spread when draws are asked for.
func evaluation(ctx context.Context, a *Assessment, sim Simulation) (*reports.Evaluation, error) {
	ev := &reports.Evaluation{Scenario: a.Compiled.Scenario, BaseYear: a.Compiled.Valuation.BaseYear, DiscountRate: a.DiscountRate,
		Portfolio: reports.EvaluatedProject{Figures: engine.Figures(a.Set)}, Scoring: a.Compiled.Scoring,
		Trajectories: engine.Trajectories(a.Compiled.Commitments, a.Set), Members: a.Members}
	for i := range a.Set {
		ev.Projects = append(ev.Projects, reports.EvaluatedProject{Project: a.Set[i].Project, Figures: engine.Figures(a.Set[i : i+1])})
	}
	spread, err := sim.run(ctx, a.Set)
	if err != nil || spread == nil {
		return ev, err
	}
	ev.Draws, ev.Seed = sim.Draws, sim.Seed
	for i := range ev.Projects {
		ev.Projects[i].Spread = &spread.Projects[i]
	}
	ev.Portfolio.Spread = &spread.Portfolio
	return ev, nil
}
