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

// Bills runs jobs over their own years and records which files they read,
// as run does.
func (ws *Workspace) Bills(ctx context.Context, jobs ...*Job) (*reports.Bills, error) {
	results, err := RunAll(ctx, jobs, 0, 0)
	if err != nil {
		return nil, err
	}
	return &reports.Bills{Provenance: ws.Provenance(jobs...), Results: results}, nil
}

// ExplainJob walks from the parameters to a member's amount in a year of
// job j, as explain does for a scenario.
func (ws *Workspace) ExplainJob(ctx context.Context, j *Job, member string, year int) (reports.Explained, error) {
	res, err := j.Run(ctx, year, year)
	if err != nil {
		return reports.Explained{}, err
	}
	trace, err := engine.Explain(j.Model(), &res.Years[0], member)
	if err != nil {
		return reports.Explained{}, err
	}
	return reports.Explained{ScenarioID: j.ID, ScenarioTitle: j.Title, Trace: trace, Provenance: ws.Provenance(j)}, nil
}
