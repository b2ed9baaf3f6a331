package app

import (
	"context"
	"fmt"
	"slices"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/engine/billing"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/reports"
)

// StatementOptions choose a statement: the scenario (the rules' own by
// default), the member (every member of the year when empty, for
// Statements), the year, the basis and the date printed on it.
type StatementOptions struct {
	Scenario string
	Member   string
	Year     int
	Basis    Basis
	// Date is printed on the statement; the zero Date prints none, so
	// that the statement depends on its inputs only.
	Date engine.Date
}

// Statement assembles the statement that goes with a member's invoice for
// a year: the service, the member's key and how it derives, its part of
// each pool with the fees, its instalments, the regularisation of the
// previous year, how it settles (invoice, or imputation on its
// attribution de compensation), the source of every figure, and the
// version and digest of the files read.
func (ws *Workspace) Statement(ctx context.Context, opt StatementOptions) (*reports.Statement, error) {
	list, err := ws.statements(ctx, opt, []string{opt.Member})
	if err != nil {
		return nil, err
	}
	return list[0], nil
}

// Statements assembles the statement of every member of the year (the
// manager's included, which says it bills itself nothing).
func (ws *Workspace) Statements(ctx context.Context, opt StatementOptions) ([]*reports.Statement, error) {
	return ws.statements(ctx, opt, nil)
}

func (ws *Workspace) statements(ctx context.Context, opt StatementOptions, members []string) ([]*reports.Statement, error) {
	if opt.Basis == "" {
		opt.Basis = Budget
	}
	j, err := ws.defaultJob(ctx, opt.Scenario)
	if err != nil {
		return nil, err
	}
	m := j.Model()
	if first := max(m.FirstYear, m.Start.Year); opt.Year < first || opt.Year > m.LastYear {
		return nil, diag.Errorf(diag.Pos{}, diag.Invalid, "%d is outside the years of %s, %d–%d", opt.Year, j.ID, first, m.LastYear)
	}
	res, warns, err := ws.Bill(ctx, j, opt.Basis, opt.Year, opt.Year)
	if err != nil {
		return nil, err
	}
	run := j
	if opt.Basis == Actuals {
		if run, _, err = ws.OnActuals(ctx, j); err != nil {
			return nil, err
		}
	}
	year := &res.Years[0]
	if members == nil {
		for _, my := range year.Members {
			members = append(members, my.ID)
		}
	}
	// The regularisation of the previous year, when it has actual
	// figures: carried into this year's bill, or billed apart.
	var prev *billing.Settlement
	if slices.Contains(ws.Actuals.Years(), opt.Year-1) && opt.Year-1 >= max(m.FirstYear, m.Start.Year) {
		if prev, _, err = ws.settleJob(ctx, j, opt.Year-1); err != nil {
			return nil, fmt.Errorf("the regularisation of %d: %w", opt.Year-1, err)
		}
	}
	terms := j.Set.Billing
	prov := ws.Provenance(j)
	var out []*reports.Statement
	for _, id := range members {
		trace, err := engine.Explain(run.Model(), year, id)
		if err != nil {
			return nil, err
		}
		st := &reports.Statement{ScenarioID: j.ID, ScenarioTitle: j.Title, Basis: string(opt.Basis), Date: opt.Date,
			Service: serviceInfo(run.Model()), Trace: trace, Provenance: prov, ReferenceKey: referenceKey(run.Model())}
		for _, mem := range run.Model().Members {
			if mem.ID == id {
				st.Kind, st.Joined, st.Left = mem.Kind, mem.Joined, mem.Left
			}
		}
		months := billing.Months(run.Model(), id, opt.Year)
		for _, in := range months {
			if in {
				st.MemberMonths++
			}
		}
		my := trace.Member
		if ms := prev.Of(id); ms != nil {
			st.Previous = &reports.PreviousYear{Year: prev.Year, Billed: ms.Billed, Due: ms.Due, Difference: ms.Difference,
				Carried: opt.Basis == Budget && terms.Regularisation.Carry && year.Settled == prev.Year}
		}
		if im := terms.ImputationOf(id); im != nil && my.Imputation != nil {
			st.Imputation = &reports.ImputationInfo{Imputation: *my.Imputation, Source: im.Source, Assumption: im.Assumption}
		}
		if sch := terms.ScheduleFor(opt.Year, run.Model().Start); sch != nil {
			st.Schedule = &reports.ScheduleInfo{Label: sch.Label, Source: sch.Source, Assumption: sch.Assumption}
		}
		if !my.Manager && st.Imputation == nil {
			bill := my.Billed.Sub(my.Regularisation)
			if st.Instalments, err = billing.Instalments(terms.ScheduleFor(opt.Year, run.Model().Start), opt.Year, bill, months); err != nil {
				return nil, fmt.Errorf("the instalments of %s for %d: %w", id, opt.Year, err)
			}
		}
		for _, w := range warns {
			st.Warnings = append(st.Warnings, w.Msg)
		}
		out = append(out, st)
	}
	return out, nil
}

// serviceInfo is what a statement says of the service.
func serviceInfo(m *engine.Model) reports.ServiceInfo {
	s := reports.ServiceInfo{ID: m.ID, Title: m.Title, Start: m.Start, Description: m.Description, Source: m.Source, URL: m.URL}
	for _, mem := range m.Members {
		if mem.ID == m.Manager {
			s.Manager = mem.Label
		}
	}
	return s
}

// referenceKey is the per-member rule reported as each member's share.
func referenceKey(m *engine.Model) string {
	if m.ReferenceKey != "" || len(m.Pools) == 0 {
		return m.ReferenceKey
	}
	return m.Pools[0].Key
}
