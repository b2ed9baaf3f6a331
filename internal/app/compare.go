package app

import (
	"context"
	"errors"

	"github.com/quotepart/quotepart/reports"
)

// Run runs the jobs names resolve to (Resolve) over from–to (zero: each
// job's own years): what run prints.
func (ws *Workspace) Run(ctx context.Context, names []string, from, to int) (*reports.Bills, error) {
	return ws.RunOn(ctx, names, Budget, from, to)
}

// RunOn is Run on a basis: the bills of each job (see Bill), with the
// regularisation a budget bill carries and the imputations on the
// attribution de compensation.
func (ws *Workspace) RunOn(ctx context.Context, names []string, basis Basis, from, to int) (*reports.Bills, error) {
	jobs, err := ws.Resolve(ctx, names)
	if err != nil {
		return nil, err
	}
	b := &reports.Bills{Provenance: ws.Provenance(jobs...), Basis: string(basis)}
	for _, j := range jobs {
		res, warns, err := ws.Bill(ctx, j, basis, from, to)
		if err != nil {
			return nil, inScenario(j.ID, err)
		}
		b.Results = append(b.Results, res)
		b.Warnings = append(b.Warnings, warns...)
	}
	return b, nil
}

// Compare runs the first name (the base) and each other one over the same
// years — from–to, or the base's — and compares each with the base.
func (ws *Workspace) Compare(ctx context.Context, names []string, from, to int) (*reports.Comparisons, error) {
	if len(names) < 2 {
		return nil, errors.New("compare needs a base and at least one other scenario")
	}
	jobs, err := ws.Resolve(ctx, names)
	if err != nil {
		return nil, err
	}
	from, to = jobs[0].Years(from, to)
	results, err := RunAll(ctx, jobs, from, to)
	if err != nil {
		return nil, err
	}
	cs := &reports.Comparisons{Provenance: ws.Provenance(jobs...), List: make([]*reports.Comparison, 0, len(results)-1)}
	for _, other := range results[1:] {
		cs.List = append(cs.List, reports.Compare(results[0], other))
	}
	return cs, nil
}

// Explain traces how member's amount of year was computed in the job named.
func (ws *Workspace) Explain(ctx context.Context, name, member string, year int) (reports.Explained, error) {
	return ws.ExplainOn(ctx, name, member, year, Budget)
}

// ExplainOn is Explain on a basis: on the actual figures, each pool with
// an actual amount shows it and its source instead of its formula; on the
// budget, the member's bill shows the regularisation it carries.
func (ws *Workspace) ExplainOn(ctx context.Context, name, member string, year int, basis Basis) (reports.Explained, error) {
	j, err := ws.Job(ctx, name)
	if err != nil {
		return reports.Explained{}, err
	}
	return ws.ExplainJobOn(ctx, j, member, year, basis)
}
