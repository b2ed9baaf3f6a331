package scenarios

import (
	"context"
	"fmt"
	"slices"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
	"github.com/shopspring/decimal"
)

// Names of what a portfolio adds to the rules: two dated parameters and
// the two pools that bill them.
const (
	PortfolioCostPool  = "projets_portefeuille"
	PortfolioStaffPool = "projets_portefeuille_personnel"
	portfolioCost      = "projets_portefeuille_cout_net"
	portfolioStaff     = "projets_portefeuille_etc_net"
)

// PortfolioCostParam and PortfolioStaffParam name the parameters holding
// an adopted portfolio's net financial cost (EUR) and net staff (ETC), one
// value from 1 January of each year of the evaluation.
const (
	PortfolioCostParam  = portfolioCost
	PortfolioStaffParam = portfolioStaff
)

// PortfolioParam names the parameter through which a dimension of an
// adopted portfolio reaches the bills: the net financial cost, the net
// staff; "" for a dimension that reaches no bill.
func PortfolioParam(d *engine.Dimension) string {
	switch d.Flows {
	case engine.CostFlow:
		return PortfolioCostParam
	case engine.StaffFlow:
		return PortfolioStaffParam
	case engine.NoFlow:
	}
	return ""
}

// netFlow is, in year index i, the net (efforts − gains) of the first
// dimension that flows into the bills as flow, zero when none does.
func netFlow(fig engine.Indicators, flow engine.Flow, i int) decimal.Decimal {
	for _, df := range fig.Dimensions {
		if df.Dimension.Flows == flow {
			return df.Efforts[i].Sub(df.Gains[i])
		}
	}
	return decimal.Zero
}

// flows are a portfolio's yearly net financial cost and net staff.
type flows struct {
	years       []int
	cost, staff []decimal.Decimal
	etcCost     rules.Expr
}

// Adopted returns the portfolio a chain adopts and the scenario that
// declares it: the last of the chain that has one, since a scenario's
// portfolio replaces the one of the scenario it extends. Both are nil when
// the chain adopts none.
func Adopted(chain []*Scenario) (*Portfolio, *Scenario) {
	for i := len(chain) - 1; i >= 0; i-- {
		if p := chain[i].File.Portfolio; p != nil {
			return p, chain[i]
		}
	}
	return nil, nil
}

// StartYears returns the start years a portfolio gives, by project id.
func (p *Portfolio) StartYears() map[string]int {
	out := map[string]int{}
	for _, e := range p.Starts.Entries {
		out[e.Key] = e.Value.Value
	}
	return out
}

// CheckPlan checks a portfolio against its compiled requests: each start
// given is that of an adopted request, within its window; every request an
// adopted one requires is adopted and starts early enough; no two
// alternatives are adopted. It returns the start of each request.
func (p *Portfolio) CheckPlan(scenario string, projects []engine.Project) (map[string]int, error) {
	var errs diag.List
	ids := p.IDs()
	at := map[string]diag.Pos{}
	for _, t := range p.Projects {
		at[t.Value] = t.Pos
	}
	byID := map[string]*engine.Project{}
	for i := range projects {
		byID[projects[i].ID] = &projects[i]
	}
	starts := map[string]int{}
	for _, pr := range projects {
		starts[pr.ID] = pr.Starts()[0]
	}
	for _, e := range p.Starts.Entries {
		pr, ok := byID[e.Key]
		if !ok {
			errs.Addf(e.KeyPos, diag.Invalid, "scenario %s: starts: %q is not among the adopted projects%s", scenario, e.Key, diag.Suggest(e.Key, ids))
			continue
		}
		if !slices.Contains(pr.Starts(), e.Value.Value) {
			first, all := pr.Starts()[0], pr.Starts()
			errs.Addf(e.Value.Pos, diag.Invalid, "scenario %s: project %s cannot start in %d: its window is %d–%d", scenario, pr.ID, e.Value.Value, first, all[len(all)-1])
			continue
		}
		starts[e.Key] = e.Value.Value
	}
	pairs := map[[2]string]bool{}
	for _, pr := range projects {
		for _, r := range pr.Requires {
			if _, ok := byID[r.ID]; !ok {
				errs.Addf(at[pr.ID], diag.Invalid, "scenario %s adopts %s, which requires %s: adopt %s too", scenario, pr.ID, r.ID, r.ID)
				continue
			}
			if starts[r.ID]+r.Lag > starts[pr.ID] {
				errs.Addf(at[pr.ID], diag.Invalid, "scenario %s: %s starts in %d, but requires %s started at least %d year(s) before, and %s starts in %d", scenario, pr.ID, starts[pr.ID], r.ID, r.Lag, r.ID, starts[r.ID])
			}
		}
		for _, x := range pr.Excludes {
			pair := [2]string{min(pr.ID, x), max(pr.ID, x)}
			if _, ok := byID[x]; ok && !pairs[pair] {
				pairs[pair] = true
				errs.Addf(at[pr.ID], diag.Invalid, "scenario %s adopts %s and %s, which are alternatives: keep one", scenario, pair[0], pair[1])
			}
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return starts, nil
}

// IDs lists the ids of the projects a portfolio adopts, as written.
func (p *Portfolio) IDs() []string {
	ids := make([]string, len(p.Projects))
	for i, t := range p.Projects {
		ids[i] = t.Value
	}
	return ids
}

// Build applies chain to the base rule files and builds the rule set. When
// the chain adopts a portfolio, the projects are first evaluated on the
// scenario without it, over the evaluation years, and their yearly net
// financial cost and net staff then enter the rules as two pools; so a
// project line may read the scenario's own parameters.
//
// Expressions compile in the environment opts choose (rules.WithFormulas),
// or in one new environment that the builds of this call share.
func Build(ctx context.Context, base []rules.NamedFile, chain []*Scenario, projects *Projects, opts ...rules.Option) (*rules.Set, *Applied, error) {
	formulas := rules.WithFormulas(rules.Formulas(opts...))
	applied, err := apply(base, chain, nil)
	if err != nil {
		return nil, nil, err
	}
	set, err := rules.BuildDecoded(applied.Files, nil, formulas, rules.WithContext(ctx))
	if err != nil {
		return nil, nil, err
	}
	spec, owner := Adopted(chain)
	if spec == nil {
		return set, applied, nil
	}
	where := spec.Key.Pos
	if len(spec.Projects) > 0 {
		where = spec.Projects[0].Pos
	}
	if projects == nil || projects.Evaluation == nil {
		return nil, nil, diag.Errorf(where, diag.NotFound, "scenario %s adopts projects, but there are no project requests beside the scenarios (folder %s/)", owner.ID, ProjectsDir)
	}
	compiled, err := projects.Compile(set.Model, spec.IDs(), formulas)
	if err != nil {
		return nil, nil, err
	}
	starts, err := spec.CheckPlan(owner.ID, compiled.Projects)
	if err != nil {
		return nil, nil, err
	}
	res, err := engine.Run(ctx, set.Model, engine.Options{From: compiled.Horizon.From, To: compiled.Horizon.To})
	if err != nil {
		return nil, nil, err
	}
	assessed, err := engine.AssessAt(ctx, compiled.Projects, starts, compiled.Valuation, compiled.Horizon, engine.EnvFromResult(res))
	if err != nil {
		return nil, nil, err
	}
	fig := engine.Figures(assessed)
	f := &flows{years: fig.Years, etcCost: projects.Evaluation.ETCCost}
	for i := range fig.Years {
		f.cost = append(f.cost, netFlow(fig, engine.CostFlow, i))
		f.staff = append(f.staff, netFlow(fig, engine.StaffFlow, i))
	}
	applied, err = apply(base, chain, f)
	if err != nil {
		return nil, nil, err
	}
	set, err = rules.BuildDecoded(applied.Files, nil, formulas, rules.WithContext(ctx))
	if err != nil {
		return nil, nil, err
	}
	return set, applied, nil
}

// portfolio adds the two pools of s's portfolio, billed from the flows.
func (a *applier) portfolio(s *Scenario, f *flows) {
	spec := s.File.Portfolio
	staffPool := declared(a.files, pools, spec.StaffPool.Value)
	if staffPool == nil {
		a.errorf(spec.StaffPool.Pos, "scenario %s: portfolio staff_pool %q is not a pool%s", s.ID, spec.StaffPool.Value, diag.Suggest(spec.StaffPool.Value, keys(a.files, pools)))
		return
	}
	label := spec.Label.Value
	if label == "" {
		label = "Portefeuille de projets"
	}
	at := spec.Key.Node
	dated := func(values []decimal.Decimal) rules.Map[rules.Number] {
		m := rules.Map[rules.Number]{Node: at}
		add := func(d engine.Date, v decimal.Decimal) {
			m.Entries = append(m.Entries, rules.Entry[rules.Number]{Key: d.String(), KeyPos: at.Pos, Value: rules.Number{Node: at, Value: v}})
		}
		first := engine.NewDate(f.years[0], 1, 1)
		if a.start.Before(first) {
			add(a.start, decimal.Zero)
		}
		for i, y := range f.years {
			add(engine.NewDate(y, 1, 1), values[i])
		}
		add(engine.NewDate(f.years[len(f.years)-1]+1, 1, 1), decimal.Zero)
		return m
	}
	text := func(v string) rules.Text { return rules.Text{Node: at, Value: v} }
	extra := &rules.File{}
	extra.SetSource(s.Path, s.data)
	extra.Parameters.Entries = []rules.Entry[rules.Parameter]{
		{Key: portfolioCost, KeyPos: at.Pos, Value: rules.Parameter{
			Label: text(label + " : coût net"), Unit: text("EUR"),
			Description: text("Coût financier net des projets adoptés (efforts − gains), par année."),
			Source:      text(fmt.Sprintf("Évaluation des demandes de projets du scénario %s.", s.ID)),
			Values:      dated(f.cost)}},
		{Key: portfolioStaff, KeyPos: at.Pos, Value: rules.Parameter{
			Label: text(label + " : ETC nets"), Unit: text("ETC nets"),
			Description: text("ETC nets des projets adoptés (efforts − ETC libérés), par année."),
			Source:      text(fmt.Sprintf("Évaluation des demandes de projets du scénario %s.", s.ID)),
			Values:      dated(f.staff)}},
	}
	extra.Pools.Entries = []rules.Entry[rules.Pool]{
		{Key: PortfolioCostPool, KeyPos: at.Pos, Value: rules.Pool{
			Label: text(label + " (coût net)"), Key: spec.Key,
			Amount: rules.Expr{Node: at, Source: portfolioCost}}},
		{Key: PortfolioStaffPool, KeyPos: at.Pos, Value: rules.Pool{
			Label: text(label + " (personnel)"), Key: staffPool.Key, Fees: staffPool.Fees,
			Amount: rules.Expr{Node: at, Source: fmt.Sprintf("%s * (%s)", portfolioStaff, f.etcCost.Source)}}},
	}
	a.files = append(a.files, rules.NamedFile{Path: s.Path, File: extra})
}
