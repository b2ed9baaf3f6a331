package app

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/reports"
	"github.com/quotepart/quotepart/scenarios"
	"go.yaml.in/yaml/v3"
)

// SheetOptions choose the request a sheet is about and the bills it shows.
type SheetOptions struct {
	// ID is the request.
	ID string
	// Start is its start year; 0 for the one the bills scenario gives it,
	// else the first its requirements allow.
	Start int
	// Bills names the scenario whose bills the sheet shows with and
	// without the request: "" for the first scenario that adopts a
	// portfolio, else the one the evaluation reads its values from.
	Bills string
	Simulation
}

// RequestSheet gathers what a committee reads on one request: its figures
// at its start, its scores, its effects on the commitments, what it
// requires and excludes, and each member's bills in the bills scenario
// with and without it, through the portfolio pools as a scenario that
// adopts it would bill them.
func (ws *Workspace) RequestSheet(ctx context.Context, opt SheetOptions) (*reports.RequestSheet, error) {
	all, err := ws.AssessRequests(ctx, nil)
	if err != nil {
		return nil, err
	}
	c := all.Compiled
	i := slices.IndexFunc(c.Projects, func(p engine.Project) bool { return p.ID == opt.ID })
	if i < 0 {
		ids := ws.Projects.IDs()
		return nil, diag.Errorf(diag.Pos{}, diag.NotFound, "--request: unknown project %q%s; known: %s", opt.ID, diag.Suggest(opt.ID, ids), strings.Join(ids, ", "))
	}
	p := &c.Projects[i]
	bills, err := ws.billsJob(ctx, opt.Bills)
	if err != nil {
		return nil, err
	}
	plan, err := planWith(bills, c.Projects, p, opt.Start)
	if err != nil {
		return nil, err
	}
	set, err := engine.AssessAt(ctx, []engine.Project{*p}, map[string]int{p.ID: plan.start}, c.Valuation, c.Horizon, all.Env)
	if err != nil {
		return nil, err
	}
	sheet := &reports.RequestSheet{Project: p, Start: plan.start, Figures: engine.Figures(set), BaseYear: c.Valuation.BaseYear,
		DiscountRate: all.DiscountRate, Scenario: c.Scenario, Scoring: c.Scoring, Trajectories: engine.Trajectories(c.Commitments, set),
		Titles: map[string]string{}, Members: memberNames(bills.Model())}
	for _, q := range c.Projects {
		sheet.Titles[q.ID] = q.Title
		if slices.ContainsFunc(q.Requires, func(r engine.Requirement) bool { return r.ID == p.ID }) {
			sheet.RequiredBy = append(sheet.RequiredBy, q.ID)
		}
		if q.ID != p.ID && (slices.Contains(q.Excludes, p.ID) || slices.Contains(p.Excludes, q.ID)) {
			sheet.Alternatives = append(sheet.Alternatives, q.ID)
		}
	}
	spread, err := opt.Simulation.run(ctx, set)
	if err != nil {
		return nil, err
	}
	if spread != nil {
		sheet.Spread, sheet.Draws, sheet.Seed = &spread.Projects[0], opt.Draws, opt.Seed
	}
	with, without := bills, bills
	if plan.changesWith {
		if with, err = ws.extendPortfolio(ctx, bills, "avec", p.ID, plan.with, plan); err != nil {
			return nil, err
		}
	}
	if plan.changesWithout {
		if without, err = ws.extendPortfolio(ctx, bills, "sans", p.ID, plan.without, plan); err != nil {
			return nil, err
		}
	}
	from, to := bills.Years(0, 0)
	a, err := without.Run(ctx, from, to)
	if err != nil {
		return nil, err
	}
	b, err := with.Run(ctx, from, to)
	if err != nil {
		return nil, err
	}
	sheet.Bills = &reports.SheetBills{Scenario: bills.ID, Title: bills.Title, Adopted: plan.adopted, AdoptedStart: plan.adoptedStart, Added: plan.added, Replaced: plan.replaced,
		Dependents: plan.dependents, Comparison: reports.Compare(a, b)}
	return sheet, nil
}

// billsJob is the job whose bills a sheet shows: the scenario named, the
// first that adopts a portfolio, or the evaluation's.
func (ws *Workspace) billsJob(ctx context.Context, name string) (*Job, error) {
	if name != "" {
		j, err := ws.Job(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("--bills: %w", err)
		}
		return j, nil
	}
	for _, s := range ws.Scenarios.All() {
		chain, err := ws.Scenarios.Chain(s)
		if err != nil {
			return nil, err
		}
		if p, _ := scenarios.Adopted(chain); p != nil {
			return ws.BuildChain(ctx, chain)
		}
	}
	return ws.ValuesJob(ctx)
}

// sheetPlan is the portfolio of the bills scenario with the request and
// without it.
type sheetPlan struct {
	start, adoptedStart int
	adopted             bool
	with, without       map[string]int // request id → start
	order               []string       // ids in the scenario's order, then those added
	// added enter with the request (what it requires), replaced leave
	// with it (its alternatives), dependents leave without it (what
	// requires it).
	added, replaced, dependents []string
	changesWith, changesWithout bool
	key, staffPool, label       string
}

// planWith works out both portfolios. With the request: the scenario's
// portfolio, the request at its start, what it requires (each at the first
// start its own requirements allow) and none of its alternatives. Without
// it: the scenario's portfolio less the request and what requires it.
func planWith(bills *Job, projects []engine.Project, p *engine.Project, start int) (*sheetPlan, error) {
	byID := map[string]*engine.Project{}
	for i := range projects {
		byID[projects[i].ID] = &projects[i]
	}
	plan := &sheetPlan{with: map[string]int{}, without: map[string]int{}}
	m := bills.Model()
	plan.key, plan.label, plan.staffPool = m.ReferenceKey, "Projets retenus", ReferenceStaffPool(m)
	current := map[string]int{}
	if spec := bills.Portfolio(); spec != nil {
		plan.key, plan.staffPool = spec.Key.Value, spec.StaffPool.Value
		if spec.Label.Value != "" {
			plan.label = spec.Label.Value
		}
		given := spec.StartYears()
		for _, id := range spec.IDs() {
			q := byID[id]
			if q == nil {
				continue
			}
			s, ok := given[id]
			if !ok {
				s = q.Starts()[0]
			}
			current[id] = s
			plan.order = append(plan.order, id)
		}
	}
	if plan.staffPool == "" {
		return nil, diag.Errorf(diag.Pos{}, diag.Invalid, "scenario %s adopts no portfolio and no pool is shared by its reference key: give --bills with a scenario that adopts one", bills.ID)
	}
	plan.adoptedStart, plan.adopted = current[p.ID]
	// Without: drop the request and, in turn, what requires it.
	for id, s := range current {
		plan.without[id] = s
	}
	drop := []string{p.ID}
	for len(drop) > 0 {
		id := drop[0]
		drop = drop[1:]
		if _, ok := plan.without[id]; !ok {
			continue
		}
		delete(plan.without, id)
		if id != p.ID {
			plan.dependents = append(plan.dependents, id)
		}
		for other := range plan.without {
			if slices.ContainsFunc(byID[other].Requires, func(r engine.Requirement) bool { return r.ID == id }) {
				drop = append(drop, other)
			}
		}
	}
	plan.changesWithout = plan.adopted
	// With: the request and what it requires, alternatives out.
	for id, s := range current {
		plan.with[id] = s
	}
	var add func(q *engine.Project, start int) error
	add = func(q *engine.Project, start int) error {
		for _, x := range q.Excludes {
			if _, ok := plan.with[x]; ok {
				delete(plan.with, x)
				plan.replaced = appendNew(plan.replaced, x)
			}
		}
		for id := range plan.with {
			if slices.Contains(byID[id].Excludes, q.ID) {
				delete(plan.with, id)
				plan.replaced = appendNew(plan.replaced, id)
			}
		}
		for _, r := range q.Requires {
			req := byID[r.ID]
			if req == nil {
				return diag.Errorf(r.Pos, diag.NotFound, "project %s requires %s, which is not among the requests", q.ID, r.ID)
			}
			if _, ok := plan.with[r.ID]; !ok {
				if err := add(req, earliest(req, plan.with, byID)); err != nil {
					return err
				}
				plan.added = append(plan.added, r.ID)
				plan.order = append(plan.order, r.ID)
			}
		}
		if start == 0 {
			start = earliest(q, plan.with, byID)
		}
		if !slices.Contains(q.Starts(), start) {
			return diag.Errorf(q.Pos, diag.Invalid, "project %s cannot start in %d: its window is %d–%d", q.ID, start, q.Starts()[0], q.Starts()[len(q.Starts())-1])
		}
		for _, r := range q.Requires {
			if s := plan.with[r.ID]; s+r.Lag > start {
				return diag.Errorf(q.Pos, diag.Invalid, "project %s cannot start in %d: it requires %s started at least %d year(s) before, and %s starts in %d", q.ID, start, r.ID, r.Lag, r.ID, s)
			}
		}
		plan.with[q.ID] = start
		return nil
	}
	start0 := start
	if start0 == 0 && plan.adopted {
		start0 = current[p.ID]
	}
	if err := add(p, start0); err != nil {
		return nil, err
	}
	// What required an alternative left out, or now starts too early
	// after what it requires, leaves too.
	for changed := true; changed; {
		changed = false
		for _, id := range slices.Sorted(maps.Keys(plan.with)) {
			for _, r := range byID[id].Requires {
				s, ok := plan.with[r.ID]
				if id != p.ID && (!ok || s+r.Lag > plan.with[id]) {
					delete(plan.with, id)
					plan.replaced, changed = appendNew(plan.replaced, id), true
					break
				}
			}
		}
	}
	if !plan.adopted {
		plan.order = append(plan.order, p.ID)
	}
	plan.start = plan.with[p.ID]
	plan.changesWith = !plan.adopted || plan.start != current[p.ID] || len(plan.added) > 0 || len(plan.replaced) > 0
	return plan, nil
}

// ReferenceStaffPool is the pool whose key and fees bill a portfolio's
// staff when the scenario has no portfolio: the first pool shared by the
// reference key that bears fees, else the first shared by it ("" when
// none is).
func ReferenceStaffPool(m *engine.Model) string {
	first := ""
	for _, p := range m.Pools {
		if p.Key != m.ReferenceKey {
			continue
		}
		if p.Fees {
			return p.ID
		}
		if first == "" {
			first = p.ID
		}
	}
	return first
}

func appendNew(xs []string, x string) []string {
	if slices.Contains(xs, x) {
		return xs
	}
	return append(xs, x)
}

// earliest is the first start of q that the starts of the requests it
// requires allow (its last one when none does: the error then says why).
func earliest(q *engine.Project, starts map[string]int, byID map[string]*engine.Project) int {
	for _, s := range q.Starts() {
		ok := true
		for _, r := range q.Requires {
			if rs, in := starts[r.ID]; in && rs+r.Lag > s {
				ok = false
			}
		}
		if ok {
			return s
		}
	}
	return q.Starts()[len(q.Starts())-1]
}

// extendPortfolio builds the bills scenario with its portfolio replaced by
// the requests given, at their starts.
func (ws *Workspace) extendPortfolio(ctx context.Context, bills *Job, what, id string, ids map[string]int, plan *sheetPlan) (*Job, error) {
	type portfolio struct {
		Projects  []string       `yaml:"projects"`
		Key       string         `yaml:"key"`
		StaffPool string         `yaml:"staff_pool"`
		Label     string         `yaml:"label"`
		Starts    map[string]int `yaml:"starts,omitempty"`
	}
	type header struct {
		ID      string `yaml:"id"`
		Title   string `yaml:"title"`
		Extends string `yaml:"extends,omitempty"`
	}
	type file struct {
		Scenario  header    `yaml:"scenario"`
		Portfolio portfolio `yaml:"portfolio"`
	}
	f := file{Scenario: header{ID: bills.ID + "-" + what + "-" + id, Title: fmt.Sprintf("%s, %s %s", bills.Title, what, id)},
		Portfolio: portfolio{Projects: []string{}, Key: plan.key, StaffPool: plan.staffPool, Label: plan.label, Starts: map[string]int{}}}
	if bills.Scenario != nil {
		f.Scenario.Extends = bills.ID
	}
	for _, q := range plan.order {
		if s, ok := ids[q]; ok {
			f.Portfolio.Projects = append(f.Portfolio.Projects, q)
			f.Portfolio.Starts[q] = s
		}
	}
	data, err := yaml.Marshal(f)
	if err != nil {
		return nil, err
	}
	return ws.Extend(ctx, bills, f.Scenario.ID+".yaml", data)
}
