package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/engine/billing"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/reports"
	"github.com/quotepart/quotepart/rules"
	"github.com/quotepart/quotepart/rules/actuals"
)

// Basis is the figures a job runs on.
type Basis string

// The bases.
const (
	// Budget runs the rules as written: forecasts (the default).
	Budget Basis = "budget"
	// Actuals runs them on the actual figures of closed years.
	Actuals Basis = "actuals"
)

// ParseBasis reads budget or actuals.
func ParseBasis(s string) (Basis, error) {
	switch Basis(strings.ToLower(strings.TrimSpace(s))) {
	case "", Budget:
		return Budget, nil
	case Actuals:
		return Actuals, nil
	}
	return "", fmt.Errorf("unknown basis %q: expected budget or actuals%s", s, diag.Suggest(s, []string{string(Budget), string(Actuals)}))
}

// ActualYears are the years the workspace has actual figures for.
func (ws *Workspace) ActualYears() []int { return ws.Actuals.Years() }

// OnActuals builds job j again with the actual figures of every closed
// year laid on it (package actuals): the job of the actuals basis.
func (ws *Workspace) OnActuals(ctx context.Context, j *Job) (*Job, *actuals.Applied, error) {
	if ws.Actuals == nil || len(ws.Actuals.Years()) == 0 {
		return nil, nil, diag.Errorf(diag.Pos{File: ws.actualsName()}, diag.NotFound,
			"no actual figures: the closed accounts of a year go in an actuals file of %s (docs/cycle.md)", ws.actualsName())
	}
	applied, err := actuals.Apply(j.Set.Files, ws.Actuals.All())
	if err != nil {
		return nil, nil, err
	}
	set, err := rules.BuildDecoded(applied.Files, nil, ws.formulas(), rules.WithContext(ctx))
	if err != nil {
		return nil, nil, err
	}
	applied.SetPools(set.Model)
	set.Warnings = append(set.Warnings, applied.Warnings...)
	aj := *j
	aj.Set, aj.Basis = set, Actuals
	return &aj, applied, nil
}

// actualsName is how messages name the actuals folder.
func (ws *Workspace) actualsName() string {
	if ws.ActualsDir != "" {
		return ws.ActualsDir
	}
	return DisplayName(ws.RulesDir) + "/" + actuals.Dir
}

// needYears checks that every year of from–to has actual figures.
func (ws *Workspace) needYears(from, to int) error {
	have := ws.Actuals.Years()
	for y := from; y <= to; y++ {
		if !slices.Contains(have, y) {
			return diag.Errorf(diag.Pos{}, diag.NotFound, "no actual figures for %d in %s; the years with actual figures are: %s",
				y, ws.actualsName(), yearList(have))
		}
	}
	return nil
}

func yearList(years []int) string {
	if len(years) == 0 {
		return "none"
	}
	s := make([]string, len(years))
	for i, y := range years {
		s[i] = fmt.Sprint(y)
	}
	return strings.Join(s, ", ")
}

// Bill runs job j over from–to (zero: its years) on a basis and turns the
// result into bills: on the budget, each member's bill carries the
// regularisation of the previous year when the billing terms carry it and
// that year has actual figures; on either basis, the members that settle
// by imputation on their attribution de compensation are marked, with
// their AC before and after. On the actuals basis, from–to default to the
// years with actual figures within the job's, and every year must have
// some. The warnings say what the bills cannot absorb: an AC turned
// negative, a regularisation owed by a member gone the next year.
func (ws *Workspace) Bill(ctx context.Context, j *Job, basis Basis, from, to int) (*engine.Result, diag.List, error) {
	run := j
	if basis == Actuals {
		aj, _, err := ws.OnActuals(ctx, j)
		if err != nil {
			return nil, nil, err
		}
		run = aj
		if from == 0 && to == 0 {
			from, to = ws.actualRange(j)
			if from == 0 {
				return nil, nil, diag.Errorf(diag.Pos{}, diag.NotFound, "no actual figures for the years of %s, %d–%d; the years with actual figures are: %s",
					j.ID, j.From, j.To, yearList(ws.Actuals.Years()))
			}
		}
		f, t := j.Years(from, to)
		if err := ws.needYears(f, t); err != nil {
			return nil, nil, err
		}
	}
	res, err := run.Run(ctx, from, to)
	if err != nil {
		return nil, nil, err
	}
	var warns diag.List
	if basis == Budget && j.Set.Billing.Regularisation.Carry {
		for _, y := range ws.Actuals.Years() {
			if !slices.ContainsFunc(res.Years, func(ry engine.Year) bool { return ry.Year == y+1 }) {
				continue
			}
			s, _, err := ws.settleJob(ctx, j, y)
			if err != nil {
				return nil, nil, fmt.Errorf("the regularisation of %d, carried into %d: %w", y, y+1, err)
			}
			for _, ms := range billing.Carry(res, s) {
				warns.Addf(j.Set.Billing.Regularisation.Pos, diag.Invalid, "%d: %s is no longer a member in %d: its regularisation of %d (%s EUR) cannot be carried into a bill and must be billed apart",
					y, ms.ID, y+1, y, ms.Difference.StringFixed(2))
			}
		}
	}
	warns = append(warns, billing.Impute(res, run.Set.Billing)...)
	return res, warns, nil
}

// actualRange is the first and last year with actual figures within the
// years of j, zeros when there is none.
func (ws *Workspace) actualRange(j *Job) (int, int) {
	from, to := 0, 0
	for _, y := range ws.Actuals.Years() {
		if y < j.Set.Model.FirstYear || y > j.Set.Model.LastYear {
			continue
		}
		if from == 0 {
			from = y
		}
		to = y
	}
	return from, to
}

// settleJob compares job j on the budget and on the actual figures of
// year: the regularisation of that year.
func (ws *Workspace) settleJob(ctx context.Context, j *Job, year int) (*billing.Settlement, *actuals.Applied, error) {
	aj, applied, err := ws.OnActuals(ctx, j)
	if err != nil {
		return nil, nil, err
	}
	if err := ws.needYears(year, year); err != nil {
		return nil, nil, err
	}
	m := j.Model()
	if year < max(m.FirstYear, m.Start.Year) || year > m.LastYear {
		return nil, nil, diag.Errorf(diag.Pos{}, diag.Invalid, "%d is outside the years of %s, %d–%d", year, j.ID, max(m.FirstYear, m.Start.Year), m.LastYear)
	}
	budget, err := j.Run(ctx, year, year)
	if err != nil {
		return nil, nil, err
	}
	actual, err := aj.Run(ctx, year, year)
	if err != nil {
		return nil, nil, fmt.Errorf("on the actual figures of %d: %w", year, err)
	}
	s, err := billing.Settle(&budget.Years[0], &actual.Years[0], applied.Issued(year))
	if err != nil {
		return nil, nil, err
	}
	return s, applied, nil
}

// defaultJob resolves name, or the rule set's own id (its baseline
// scenario, when a scenario has that id) when name is empty.
func (ws *Workspace) defaultJob(ctx context.Context, name string) (*Job, error) {
	if name == "" {
		name = ws.Rules.Model.ID
	}
	return ws.Job(ctx, name)
}

// Settle is the regularisation of year for the job named (the rules' own
// by default): per member, what it was billed, what it owed on the actual
// figures, and the difference, to the cent.
func (ws *Workspace) Settle(ctx context.Context, name string, year int) (*reports.Settled, error) {
	j, err := ws.defaultJob(ctx, name)
	if err != nil {
		return nil, err
	}
	s, applied, err := ws.settleJob(ctx, j, year)
	if err != nil {
		return nil, err
	}
	fig := applied.Figures(year)
	out := &reports.Settled{ScenarioID: j.ID, ScenarioTitle: j.Title, Settlement: s, Provenance: ws.Provenance(j),
		Figures: reports.FiguresInfo{Title: fig.Title, Source: fig.Source, Assumption: fig.Assumption, Path: fig.Path},
		Carry:   j.Set.Billing.Regularisation.Carry}
	for _, w := range applied.Warnings {
		if strings.HasPrefix(w.Msg, fmt.Sprintf("%d:", year)) {
			out.Warnings = append(out.Warnings, w.Msg)
		}
	}
	return out, nil
}
