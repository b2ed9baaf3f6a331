package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/reports"
	"github.com/quotepart/quotepart/scenarios"
)

// ReportOptions choose what a report holds.
type ReportOptions struct {
	// Scenarios are the names reported (all when empty); Baseline the one
	// the others are compared with (default: the first that extends no
	// other).
	Scenarios []string
	Baseline  string
	// From and To are the years (zero: the baseline's).
	From, To int
	// Simulation gives the projects' P10/P50/P90.
	Simulation
	Title string
	Date  engine.Date
	// Sensitivity adds the sensitivity of the bills to the parameters.
	Sensitivity bool
}

// Report runs the scenarios named (all by default), the baseline first,
// over the baseline's years, evaluates the project requests and the
// portfolio each scenario adopts, measures the sensitivity of the bills,
// and assembles the report.
func (ws *Workspace) Report(ctx context.Context, opt ReportOptions) (*reports.Report, error) {
	jobs, err := ws.reportJobs(ctx, opt.Scenarios, opt.Baseline)
	if err != nil {
		return nil, err
	}
	from, to := jobs[0].Years(opt.From, opt.To)
	parts := make([]*reports.ScenarioPart, len(jobs))
	for i, j := range jobs {
		res, _, err := ws.Bill(ctx, j, Budget, from, to)
		if err != nil {
			return nil, inScenario(j.ID, err)
		}
		p := &reports.ScenarioPart{Result: res, Model: j.Model()}
		if s := j.Scenario; s != nil {
			p.Description, p.Assumption, p.Extends = s.Description, s.Assumption, s.Extends
		}
		parts[i] = p
	}

	var ev *reports.Evaluation
	var val *engine.Valuation
	if ws.HasProjects() {
		a, err := ws.AssessRequests(ctx, nil)
		if err != nil {
			return nil, fmt.Errorf("project requests: %w", err)
		}
		if ev, err = evaluation(ctx, a, opt.Simulation); err != nil {
			return nil, err
		}
		val = &a.Compiled.Valuation
	}

	for i, j := range jobs {
		adopted, lines, err := ws.adoptedPortfolio(ctx, j, opt.Simulation)
		if err != nil {
			return nil, inScenario(j.ID, err)
		}
		parts[i].Portfolio = adopted
		if !opt.Sensitivity || (i > 0 && adopted == nil) {
			continue
		}
		if parts[i].Sensitivity, err = Sensitivity(ctx, j, from, to, lines); err != nil {
			return nil, fmt.Errorf("scenario %s: sensitivity: %w", j.ID, err)
		}
	}
	rep, err := reports.NewReport(opt.Title, opt.Date, parts, ev, val)
	if err != nil {
		return nil, err
	}
	rep.Provenance = ws.Provenance(jobs...)
	// Each member in the colour it has on the what-if page: from the
	// rules' own members, whichever scenario is the baseline.
	rep.Members = ws.Rules.Model
	return rep, nil
}

// Sensitivity measures how job j's bills over from–to move with each of
// its parameters (±10 %) and with each uncertain line of the portfolio it
// adopts (its P10 and P90), assessed in adopted.
func Sensitivity(ctx context.Context, j *Job, from, to int, adopted []engine.Assessed) (*engine.Sensitivity, error) {
	m := j.Model()
	factors := append(engine.ParameterFactors(m), engine.LineFactors(adopted, scenarios.PortfolioParam)...)
	s, err := engine.Analyse(ctx, m, engine.Options{From: from, To: to}, factors)
	if err != nil {
		return nil, err
	}
	s.Scenario, s.Title = j.ID, j.Title
	return s, nil
}

// adoptedPortfolio evaluates the portfolio job j adopts on j itself, with
// its spread, and its assessed requests; nil when it adopts none.
func (ws *Workspace) adoptedPortfolio(ctx context.Context, j *Job, sim Simulation) (*reports.AdoptedPortfolio, []engine.Assessed, error) {
	a, err := ws.Adopted(ctx, j)
	if err != nil || a == nil {
		return nil, nil, err
	}
	spec := j.Portfolio()
	p := &reports.AdoptedPortfolio{Label: spec.Label.Value, Projects: spec.IDs(), Figures: engine.Figures(a.Set),
		Starts: spec.StartYears(), Trajectories: engine.Trajectories(a.Compiled.Commitments, a.Set)}
	spread, err := sim.run(ctx, a.Set)
	if err != nil {
		return nil, nil, err
	}
	if spread != nil {
		p.Spread = &spread.Portfolio
	}
	return p, a.Set, nil
}

// reportJobs resolves the names into jobs and puts the baseline first: the
// one named by baseline, or the first that extends no other (among those
// named, else in the catalog).
func (ws *Workspace) reportJobs(ctx context.Context, names []string, baseline string) ([]*Job, error) {
	all := ws.Scenarios.All()
	if len(names) == 0 && len(all) == 0 {
		if baseline != "" {
			if _, err := ws.Job(ctx, baseline); err != nil {
				return nil, err
			}
		}
		return []*Job{ws.RulesJob()}, nil
	}
	var jobs []*Job
	if len(names) == 0 {
		for _, s := range all {
			j, err := ws.Build(ctx, ws.Scenarios, s)
			if err != nil {
				return nil, inScenario(s.ID, err)
			}
			jobs = append(jobs, j)
		}
	}
	for _, name := range names {
		j, err := ws.Job(ctx, name)
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, j)
	}
	base, err := ws.baseline(ctx, jobs, baseline)
	if err != nil {
		return nil, err
	}
	ordered := []*Job{base}
	for _, j := range jobs {
		if j.ID != base.ID {
			ordered = append(ordered, j)
		}
	}
	return ordered, nil
}

// baseline picks the job the others are compared with.
func (ws *Workspace) baseline(ctx context.Context, jobs []*Job, name string) (*Job, error) {
	if name != "" {
		j, err := ws.Job(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("--baseline: %w", err)
		}
		return j, nil
	}
	for _, j := range jobs {
		if j.Scenario == nil || j.Scenario.Extends == "" {
			return j, nil
		}
	}
	for _, s := range ws.Scenarios.All() {
		if s.Extends == "" {
			return ws.Build(ctx, ws.Scenarios, s)
		}
	}
	return jobs[0], nil
}

// inScenario says which scenario an error comes from; positioned errors
// keep their detail (file:line:col and caret).
func inScenario(id string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
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
