package app

import (
	"context"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/reports"
	"github.com/quotepart/quotepart/scenarios"
)

// ReadScenario decodes a scenario file given as data (sent to serve's
// API), under name, into a copy of the catalog, where its extends
// resolve: what run does with the path of a file. An error is the file's
// own (YAML, unknown keys, unknown scenario extended), at its position.
func (ws *Workspace) ReadScenario(name string, data []byte) (*scenarios.Catalog, *scenarios.Scenario, error) {
	return ws.Scenarios.With(name, data)
}

// Bills runs jobs over their own years on the budget and records which
// files they read, as run does (the bills carry the regularisation and
// the imputations of the billing terms, see Bill).
func (ws *Workspace) Bills(ctx context.Context, jobs ...*Job) (*reports.Bills, error) {
	b := &reports.Bills{Provenance: ws.Provenance(jobs...)}
	for _, j := range jobs {
		res, warns, err := ws.Bill(ctx, j, Budget, 0, 0)
		if err != nil {
			return nil, err
		}
		b.Results = append(b.Results, res)
		b.Warnings = append(b.Warnings, warns...)
	}
	return b, nil
}

// ExplainJob walks from the parameters to a member's amount in a year of
// job j, as explain does for a scenario.
func (ws *Workspace) ExplainJob(ctx context.Context, j *Job, member string, year int) (reports.Explained, error) {
	return ws.ExplainJobOn(ctx, j, member, year, Budget)
}

// ExplainJobOn is ExplainJob on a basis: on the actual figures, each pool
// with an actual amount shows it and its source instead of its formula;
// on the budget, the member's bill shows the regularisation it carries.
func (ws *Workspace) ExplainJobOn(ctx context.Context, j *Job, member string, year int, basis Basis) (reports.Explained, error) {
	res, _, err := ws.Bill(ctx, j, basis, year, year)
	if err != nil {
		return reports.Explained{}, err
	}
	m := j.Model()
	if basis == Actuals {
		aj, _, err := ws.OnActuals(ctx, j)
		if err != nil {
			return reports.Explained{}, err
		}
		m = aj.Model()
	}
	trace, err := engine.Explain(m, &res.Years[0], member)
	if err != nil {
		return reports.Explained{}, err
	}
	return reports.Explained{ScenarioID: j.ID, ScenarioTitle: j.Title, Trace: trace, Provenance: ws.Provenance(j),
		Basis: string(basis), Settled: res.Years[0].Settled}, nil
}
