package app

import (
	"context"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
	"github.com/quotepart/quotepart/scenarios"
)

// Job is a rule set ready to run: a scenario built on the workspace's
// rules, or the rules alone.
type Job struct {
	ID, Title string
	Set       *rules.Set
	// From and To are the years run when the caller does not choose.
	From, To int
	// Scenario is nil for the rules alone; Chain runs from the root of
	// its extends chain to Scenario itself.
	Scenario *scenarios.Scenario
	Chain    []*scenarios.Scenario
	// Basis is what the job runs on: the budget (empty or Budget) or
	// the actual figures (Workspace.OnActuals).
	Basis Basis
}

// Model is the job's compiled model.
func (j *Job) Model() *engine.Model { return j.Set.Model }

// Years returns the years to run: from and to when set, the job's own
// otherwise (zero means the default).
func (j *Job) Years(from, to int) (int, int) {
	if from == 0 {
		from = j.From
	}
	if to == 0 {
		to = j.To
	}
	return from, to
}

// Run evaluates the job over from–to (zero: the job's years); the result
// carries the job's id and title.
func (j *Job) Run(ctx context.Context, from, to int) (*engine.Result, error) {
	from, to = j.Years(from, to)
	res, err := engine.Run(ctx, j.Set.Model, engine.Options{From: from, To: to})
	if err != nil {
		return nil, err
	}
	res.ID, res.Title = j.ID, j.Title
	return res, nil
}

// Portfolio is the project portfolio the job's chain adopts, nil when it
// adopts none.
func (j *Job) Portfolio() *scenarios.Portfolio {
	p, _ := scenarios.Adopted(j.Chain)
	return p
}

// RulesJob is the rules alone, under the rule set's own id.
func (ws *Workspace) RulesJob() *Job {
	m := ws.Rules.Model
	return &Job{ID: m.ID, Title: m.Title, Set: ws.Rules, From: m.From, To: m.To}
}

// Resolve turns names into jobs: a scenario id, the path of a scenario
// file, or the rule set's own id for the rules alone. With no name, every
// scenario of the catalog, baseline first, or the rules alone when there
// is no scenario.
func (ws *Workspace) Resolve(ctx context.Context, names []string) ([]*Job, error) {
	if len(names) == 0 {
		all := ws.Scenarios.All()
		if len(all) == 0 {
			return []*Job{ws.RulesJob()}, nil
		}
		jobs := make([]*Job, 0, len(all))
		for _, s := range all {
			j, err := ws.Build(ctx, ws.Scenarios, s)
			if err != nil {
				return nil, err
			}
			jobs = append(jobs, j)
		}
		return jobs, nil
	}
	jobs := make([]*Job, 0, len(names))
	for _, name := range names {
		j, err := ws.Job(ctx, name)
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, j)
	}
	return jobs, nil
}

// Job resolves one name, as Resolve does.
func (ws *Workspace) Job(ctx context.Context, name string) (*Job, error) {
	catalog, s, err := ws.scenario(name)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return ws.RulesJob(), nil
	}
	return ws.Build(ctx, catalog, s)
}

// scenario finds a scenario by id, or reads it from a file when name is a
// path, in a copy of the catalog (so that its extends resolve there). It
// returns a nil scenario for the rule set's own id.
func (ws *Workspace) scenario(name string) (*scenarios.Catalog, *scenarios.Scenario, error) {
	if strings.ContainsAny(name, `/\`) || rules.IsRuleFile(name) {
		src := rules.ReadPath(name)
		switch {
		case src.Err != nil && src.Err.Code == diag.NotFound:
			return nil, nil, diag.Errorf(src.Err.Pos, diag.NotFound, "cannot read the scenario file: %s", strings.TrimPrefix(src.Err.Msg, "cannot read: "))
		case src.Err != nil:
			return nil, nil, src.Err
		case src.Output != "":
			return nil, nil, diag.Errorf(diag.Pos{File: src.Path}, diag.Invalid, "an output of quotepart (%s), not a scenario file", src.Output)
		}
		return ws.Scenarios.With(src.Path, src.Data)
	}
	s, err := ws.Scenarios.Get(name)
	switch {
	case err == nil:
		return ws.Scenarios, s, nil
	case name == ws.Rules.Model.ID:
		return ws.Scenarios, nil, nil
	case len(ws.Scenarios.All()) == 0:
		return nil, nil, diag.Errorf(diag.Pos{}, diag.NotFound, "unknown scenario %q: the rules alone are %q; with --rules, give --scenarios DIR or a scenario file path", name, ws.Rules.Model.ID)
	}
	return nil, nil, err
}

// Build lays the chain of scenario s, found in catalog, on the rules.
func (ws *Workspace) Build(ctx context.Context, catalog *scenarios.Catalog, s *scenarios.Scenario) (*Job, error) {
	chain, err := catalog.Chain(s)
	if err != nil {
		return nil, err
	}
	return ws.BuildChain(ctx, chain)
}

// BuildChain lays a chain of scenarios, root first, on the rules; the job
// is named after the last one.
func (ws *Workspace) BuildChain(ctx context.Context, chain []*scenarios.Scenario) (*Job, error) {
	set, applied, err := scenarios.Build(ctx, ws.Rules.Files, chain, ws.Projects, ws.formulas())
	if err != nil {
		return nil, err
	}
	s := chain[len(chain)-1]
	return &Job{ID: s.ID, Title: s.Title, Set: set, From: applied.From, To: applied.To, Scenario: s, Chain: chain}, nil
}

// Extend builds a scenario file that extends job base (a what-if drawn on
// a scenario) without adding it to the catalog.
func (ws *Workspace) Extend(ctx context.Context, base *Job, name string, data []byte) (*Job, error) {
	_, s, err := scenarios.NewCatalog().With(name, data)
	if err != nil {
		return nil, err
	}
	return ws.BuildChain(ctx, append(append([]*scenarios.Scenario(nil), base.Chain...), s))
}

// RunAll runs jobs over from–to (zero: each job's own years).
func RunAll(ctx context.Context, jobs []*Job, from, to int) ([]*engine.Result, error) {
	results := make([]*engine.Result, len(jobs))
	for i, j := range jobs {
		var err error
		if results[i], err = j.Run(ctx, from, to); err != nil {
			return nil, err
		}
	}
	return results, nil
}
