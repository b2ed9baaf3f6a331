package scenarios

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/formula"
	"github.com/quotepart/quotepart/rules"
	"github.com/shopspring/decimal"
)

// What a committee decides beyond the lines of each request: which
// requests are mandatory, which require or exclude others, when each may
// start; criteria and scores; the commitments of the Numérique
// Responsable label; the limits of a selection.

// RequirementSpec is a request another one requires.
type RequirementSpec struct {
	Project rules.Text `yaml:"project" required:"true" doc:"id of the required request"`
	Lag     *rules.Int `yaml:"lag" doc:"years it must start before, at least (0 when left out: the same year or before)"`
}

// ScoreSpec is a request's score on one criterion.
type ScoreSpec struct {
	Score         rules.Number `yaml:"score" required:"true" doc:"the score, on the criterion's scale"`
	Justification rules.Text   `yaml:"justification" required:"true" doc:"why this score, for the committee"`
}

// EffectSpec is a request's effect on a commitment's indicator.
type EffectSpec struct {
	Values        rules.Map[rules.Expr] `yaml:"values" required:"true" doc:"change of the indicator per year of the request (a number or an expression), moved with its start"`
	Justification rules.Text            `yaml:"justification" required:"true" doc:"how the request moves the indicator"`
	Source        rules.Text            `yaml:"source" doc:"where the figure comes from"`
	Assumption    rules.Text            `yaml:"assumption" doc:"why the figure is an estimate"`
}

// ScoringSpec declares the criteria requests are scored on.
type ScoringSpec struct {
	OutOf       *rules.Number            `yaml:"out_of" doc:"the score is out of this many points (e.g. 100): each criterion counts its share of its scale, and the weights must sum to 1"`
	Description rules.Text               `yaml:"description" doc:"how the committee scores"`
	Criteria    rules.Map[CriterionSpec] `yaml:"criteria" required:"true" doc:"the criteria, by id: label, weight, scale"`
}

// CriterionSpec is one criterion.
type CriterionSpec struct {
	Label       rules.Text   `yaml:"label" required:"true" doc:"name shown in French, e.g. Alignement stratégique"`
	LabelEN     rules.Text   `yaml:"label_en" doc:"name shown in English (the French one when left out)"`
	Weight      rules.Number `yaml:"weight" required:"true" doc:"its weight, positive"`
	Scale       *ScaleSpec   `yaml:"scale" required:"true" doc:"the scores it takes, e.g. {from: 0, to: 3}"`
	Better      rules.Text   `yaml:"better" doc:"higher (the default) or lower: which end of the scale is the good one (lower for a risk)"`
	Description rules.Text   `yaml:"description" doc:"what it measures and what each score means"`
}

// ScaleSpec is the range of a criterion's scores.
type ScaleSpec struct {
	From rules.Number `yaml:"from" required:"true" doc:"lowest score"`
	To   rules.Number `yaml:"to" required:"true" doc:"highest score"`
}

// CommitmentSpec is an indicator the service has committed to move.
type CommitmentSpec struct {
	Label       rules.Text              `yaml:"label" required:"true" doc:"name shown in French"`
	LabelEN     rules.Text              `yaml:"label_en" doc:"name shown in English (the French one when left out)"`
	Unit        rules.Text              `yaml:"unit" required:"true" doc:"what it counts: ans, %, tCO2e"`
	Decimals    *rules.Int              `yaml:"decimals" doc:"places its figures are shown with, 0 to 6 (1 when left out)"`
	Better      rules.Text              `yaml:"better" required:"true" doc:"higher or lower: which way the target is met"`
	Baseline    rules.Map[rules.Number] `yaml:"baseline" required:"true" doc:"the indicator without any request, by year; a year keeps the value of the last year given"`
	Targets     rules.Map[rules.Number] `yaml:"targets" doc:"the target by year"`
	Dimension   rules.Text              `yaml:"dimension" doc:"a dimension whose net moves the indicator (environmental for a carbon trajectory), instead of effects written in the requests"`
	Scale       *rules.Number           `yaml:"scale" doc:"with dimension: indicator units per unit of the dimension (0.001 for tCO2e from kgCO2e); 1 when left out"`
	Framework   rules.Text              `yaml:"framework" doc:"what of the label's framework the commitment answers"`
	Description rules.Text              `yaml:"description" doc:"what it measures"`
	Source      rules.Text              `yaml:"source" doc:"where the baseline and targets come from"`
	Assumption  rules.Text              `yaml:"assumption" doc:"what in them is assumed"`
}

// LimitsSpec holds the limits of a selection written in the evaluation
// settings.
type LimitsSpec struct {
	Budget       rules.Map[rules.Number] `yaml:"budget" doc:"financial efforts per year, EUR, by year"`
	ETC          rules.Map[rules.Number] `yaml:"etc" doc:"HR efforts per year, ETC, by year"`
	Carbon       *rules.Number           `yaml:"carbon" doc:"net emissions over the horizon, kgCO2e (negative: a reduction)"`
	CarbonByYear rules.Map[rules.Number] `yaml:"carbon_by_year" doc:"net emissions per year, kgCO2e, by year"`
}

var directions = map[string]engine.Direction{"higher": engine.Higher, "lower": engine.Lower}

func direction(t rules.Text, what string, def engine.Direction, errs *diag.List) engine.Direction {
	if !t.Set {
		return def
	}
	d, ok := directions[t.Value]
	if !ok {
		errs.Addf(t.Pos, diag.Invalid, "%s: better is higher or lower, found %q", what, t.Value)
	}
	return d
}

// scoring compiles the criteria: scales in order, positive weights that
// sum to 1 when the score is out of a number of points.
func (ev *EvaluationSpec) scoring(errs *diag.List) *engine.Scoring {
	spec := ev.Scoring
	if spec == nil {
		return nil
	}
	s := &engine.Scoring{}
	if spec.OutOf != nil {
		if !spec.OutOf.Value.IsPositive() {
			errs.Addf(spec.OutOf.Pos, diag.Invalid, "scoring: out_of must be a positive number of points, found %s", spec.OutOf.Value)
		} else {
			s.OutOf = spec.OutOf.Value
		}
	}
	if len(spec.Criteria.Entries) == 0 {
		errs.Addf(spec.Criteria.Pos, diag.Invalid, "scoring: declare at least one criterion under criteria:")
	}
	sum := decimal.Zero
	var weights []string
	for _, e := range spec.Criteria.Entries {
		c := &e.Value
		what := "criterion " + e.Key
		if !formula.ValidName(e.Key) {
			errs.Addf(e.KeyPos, diag.Invalid, "%s: expected letters, digits and underscores, starting with a letter", what)
		}
		cr := engine.Criterion{ID: e.Key, LabelFR: c.Label.Value, LabelEN: c.LabelEN.Value, Description: c.Description.Value,
			Weight: c.Weight.Value, Better: direction(c.Better, what, engine.Higher, errs)}
		if !c.Weight.Value.IsPositive() && c.Weight.Set {
			errs.Addf(c.Weight.Pos, diag.Invalid, "%s: the weight must be positive, found %s", what, c.Weight.Value)
		}
		if c.Scale != nil {
			cr.Min, cr.Max = c.Scale.From.Value, c.Scale.To.Value
			if c.Scale.From.Set && c.Scale.To.Set && !cr.Min.LessThan(cr.Max) {
				errs.Addf(c.Scale.From.Pos, diag.Invalid, "%s: the scale goes from a lower to a higher score, found %s to %s", what, cr.Min, cr.Max)
			}
		}
		sum = sum.Add(cr.Weight)
		weights = append(weights, fmt.Sprintf("%s %s", e.Key, cr.Weight))
		s.Criteria = append(s.Criteria, cr)
	}
	if spec.OutOf != nil && len(weights) > 0 && !sum.Equal(decimal.NewFromInt(1)) {
		errs.Addf(spec.OutOf.Pos, diag.Invalid, "scoring: the weights sum to %s, not 1 (%s); a score out_of %s needs weights that sum to 1",
			sum, strings.Join(weights, ", "), spec.OutOf.Value)
	}
	return s
}

// commitments compiles the indicators and their trajectories over the
// horizon.
func (ev *EvaluationSpec) commitments(h engine.Horizon, dims []engine.Dimension, errs *diag.List) []engine.Commitment {
	var out []engine.Commitment
	var years []int
	for y := h.From; y <= h.To; y++ {
		years = append(years, y)
	}
	for _, e := range ev.Commitments.Entries {
		spec := &e.Value
		what := "commitment " + e.Key
		if !formula.ValidName(e.Key) {
			errs.Addf(e.KeyPos, diag.Invalid, "%s: expected letters, digits and underscores, starting with a letter", what)
		}
		c := engine.Commitment{ID: e.Key, LabelFR: spec.Label.Value, LabelEN: spec.LabelEN.Value, Unit: spec.Unit.Value,
			Better: direction(spec.Better, what, engine.Higher, errs), Decimals: decimals(spec.Decimals, what, 1, errs), Years: years, Dim: -1, Scale: decimal.NewFromInt(1),
			Framework: spec.Framework.Value, Description: spec.Description.Value, Source: spec.Source.Value, Assumption: spec.Assumption.Value,
			Pos: e.KeyPos}
		byYear := func(m rules.Map[rules.Number], name string) map[int]rules.Entry[rules.Number] {
			out := map[int]rules.Entry[rules.Number]{}
			for _, x := range m.Entries {
				y, err := strconv.Atoi(x.Key)
				if err != nil || y < 1000 || y > 9999 {
					errs.Addf(x.KeyPos, diag.Invalid, "%s: %s: %q is not a year", what, name, x.Key)
					continue
				}
				out[y] = x
			}
			return out
		}
		base := byYear(spec.Baseline, "baseline")
		first := 0
		for y := range base {
			if first == 0 || y < first {
				first = y
			}
		}
		if spec.Baseline.Set && len(base) > 0 && first > h.From {
			errs.Addf(base[first].KeyPos, diag.Invalid, "%s: the baseline starts in %d, after the first evaluation year %d: give its value in %d or before", what, first, h.From, h.From)
		}
		last := decimal.Zero
		for y := first; first > 0 && y <= h.To; y++ {
			if x, ok := base[y]; ok {
				last = x.Value.Value
			}
			if y >= h.From {
				c.Baseline = append(c.Baseline, last)
			}
		}
		for len(c.Baseline) < len(years) {
			c.Baseline = append(c.Baseline, decimal.Zero)
		}
		c.Target, c.HasTarget = make([]decimal.Decimal, len(years)), make([]bool, len(years))
		for y, x := range byYear(spec.Targets, "targets") {
			if y < h.From || y > h.To {
				errs.Addf(x.KeyPos, diag.Invalid, "%s: a target for %d, outside the evaluation years %d–%d", what, y, h.From, h.To)
				continue
			}
			c.Target[y-h.From], c.HasTarget[y-h.From] = x.Value.Value, true
		}
		if spec.Dimension.Set {
			ids := make([]string, len(dims))
			for i := range dims {
				ids[i] = dims[i].ID
			}
			if c.Dim = slices.Index(ids, spec.Dimension.Value); c.Dim < 0 {
				errs.Addf(spec.Dimension.Pos, diag.Invalid, "%s: unknown dimension %q%s; expected %s", what, spec.Dimension.Value, diag.Suggest(spec.Dimension.Value, ids), orList(ids))
			}
			if spec.Scale != nil {
				c.Scale = spec.Scale.Value
			}
		} else if spec.Scale != nil {
			errs.Addf(spec.Scale.Pos, diag.Invalid, "%s: scale converts a dimension's units: give dimension too, or leave scale out", what)
		}
		out = append(out, c)
	}
	return out
}

// limits compiles the limits written in the evaluation settings.
func (ev *EvaluationSpec) limits(h engine.Horizon, errs *diag.List) engine.Limits {
	var lim engine.Limits
	spec := ev.Limits
	if spec == nil {
		return lim
	}
	yearly := func(m rules.Map[rules.Number], name string, signed bool) map[int]decimal.Decimal {
		if len(m.Entries) == 0 {
			return nil
		}
		out := map[int]decimal.Decimal{}
		for _, e := range m.Entries {
			y, err := strconv.Atoi(e.Key)
			if err != nil || y < h.From || y > h.To {
				errs.Addf(e.KeyPos, diag.Invalid, "limits: %s: %q is not a year of the evaluation, %d–%d", name, e.Key, h.From, h.To)
				continue
			}
			if !signed && e.Value.Value.IsNegative() {
				errs.Addf(e.Value.Pos, diag.Invalid, "limits: %s %d: expected a non-negative amount, found %s", name, y, e.Value.Value)
			}
			out[y] = e.Value.Value
		}
		return out
	}
	lim.Budget = yearly(spec.Budget, "budget", false)
	lim.Staff = yearly(spec.ETC, "etc", false)
	lim.CarbonByYear = yearly(spec.CarbonByYear, "carbon_by_year", true)
	if spec.Carbon != nil {
		v := spec.Carbon.Value
		lim.Carbon = &v
	}
	return lim
}

// planProject sets what a selection needs of a request: its window,
// whether it is mandatory, what it requires and excludes, its scores and
// its effects on the commitments.
func planProject(f *ProjectFile, p *engine.Project, c *Compiled, compile func(rules.Expr, string) *engine.Formula, errs *diag.List) {
	h := f.Project
	if h.Mandatory != nil {
		p.Mandatory = h.Mandatory.Value
	}
	p.MandatoryReason = h.MandatoryReason.Value
	if h.Start != nil {
		p.Earliest, p.Latest = h.Start.From.Value, h.Start.To.Value
	}
	for _, r := range h.Requires {
		req := engine.Requirement{ID: r.Project.Value, Pos: r.Project.Pos}
		if r.Lag != nil {
			req.Lag = r.Lag.Value
		}
		p.Requires = append(p.Requires, req)
	}
	for _, x := range h.Excludes {
		p.Excludes = append(p.Excludes, x.Value)
	}
	what := "project " + p.ID
	if sc := c.Scoring; sc != nil {
		given := map[string]rules.Entry[ScoreSpec]{}
		var ids []string
		for _, cr := range sc.Criteria {
			ids = append(ids, cr.ID)
		}
		for _, e := range f.Scores.Entries {
			if !slices.Contains(ids, e.Key) {
				errs.Addf(e.KeyPos, diag.NotFound, "%s: unknown criterion %q%s; the criteria are %s", what, e.Key, diag.Suggest(e.Key, ids), orList(ids))
				continue
			}
			given[e.Key] = e
		}
		var missing []string
		for _, cr := range sc.Criteria {
			e, ok := given[cr.ID]
			if !ok {
				missing = append(missing, cr.ID)
				continue
			}
			v := e.Value.Score.Value
			if e.Value.Score.Set && (v.LessThan(cr.Min) || v.GreaterThan(cr.Max)) {
				errs.Addf(e.Value.Score.Pos, diag.Invalid, "%s: the score %s on %s is outside its scale, %s to %s", what, v, cr.ID, cr.Min, cr.Max)
			}
			p.Scores = append(p.Scores, engine.Score{Value: v, Justification: e.Value.Justification.Value, Pos: e.Value.Score.Pos})
		}
		if len(missing) > 0 {
			at := cmp.Or(f.Scores.Pos, h.ID.Pos)
			errs.Addf(at, diag.Invalid, "%s: no score on %s: score every criterion of the evaluation, with a justification", what, strings.Join(missing, ", "))
		}
	} else if len(f.Scores.Entries) > 0 {
		errs.Addf(f.Scores.Pos, diag.Invalid, "%s: scores, but the evaluation settings declare no criteria (scoring:)", what)
	}
	var ids []string
	for _, cm := range c.Commitments {
		ids = append(ids, cm.ID)
	}
	for _, e := range f.Commitments.Entries {
		ci := slices.Index(ids, e.Key)
		if ci < 0 {
			errs.Addf(e.KeyPos, diag.NotFound, "%s: unknown commitment %q%s; the commitments are %s", what, e.Key, diag.Suggest(e.Key, ids), orList(ids))
			continue
		}
		if c.Commitments[ci].Dim >= 0 {
			errs.Addf(e.KeyPos, diag.Invalid, "%s: commitment %s follows the dimension %s: the request's lines move it, write no effect", what, e.Key, c.Valuation.Dimensions[c.Commitments[ci].Dim].ID)
			continue
		}
		eff := engine.Effect{Commitment: ci, CommitmentID: e.Key, Values: map[int]*engine.Formula{}, Justification: e.Value.Justification.Value, Pos: e.KeyPos}
		for _, v := range e.Value.Values.Entries {
			y, err := strconv.Atoi(v.Key)
			if err != nil || y < p.FirstYear || y > p.LastYear {
				errs.Addf(v.KeyPos, diag.Invalid, "%s, effect on %s: %q is not a year of the project, %d–%d", what, e.Key, v.Key, p.FirstYear, p.LastYear)
				continue
			}
			if fm := compile(v.Value, fmt.Sprintf("%s, effect on %s, year %d", what, e.Key, y)); fm != nil {
				eff.Values[y] = fm
			}
		}
		p.Effects = append(p.Effects, eff)
	}
}

// checkPlan checks the requests' constraints together, over every request
// of the folder: windows within the evaluation years, requirements and
// alternatives that name other requests, no cycle of requirements, no two
// mandatory alternatives, and a start for every request that its
// requirements allow.
func (ps *Projects) checkPlan(c *Compiled, errs *diag.List) {
	g := &planGraph{byID: map[string]*planNode{}, horizon: c.Horizon, errs: errs}
	for _, nf := range ps.Files {
		n := g.nodeOf(nf.File.Project)
		g.nodes = append(g.nodes, n)
		g.byID[n.id] = n
	}
	ids := ps.IDs()
	for _, n := range g.nodes {
		g.checkRequires(n, ids)
		g.checkExcludes(n, ids)
	}
	order, ok := g.requirementOrder()
	if !ok {
		return
	}
	g.checkEarliestStarts(order)
	// A mandatory request makes what it requires mandatory too: two of
	// them may not be alternatives.
	for _, n := range g.nodes {
		if n.mandatory {
			g.markImplied(n, n.id)
		}
	}
	g.checkImpliedAlternatives()
}

// planGraph is the requests of a folder, linked by their requirements,
// as checkPlan checks them.
type planGraph struct {
	nodes   []*planNode // in the order of the files
	byID    map[string]*planNode
	horizon engine.Horizon
	errs    *diag.List
}

// planNode is a request in a planGraph.
type planNode struct {
	id              string
	pos             diag.Pos
	header          *ProjectHeader
	first, from, to int
	mandatory       bool
	requires        []RequirementSpec
	excludes        []rules.Text
	earliest        int // the earliest start its requirements allow
	implied         bool
	impliedBy       string
}

// nodeOf is the request hd, its start window checked against the
// evaluation years.
func (g *planGraph) nodeOf(hd *ProjectHeader) *planNode {
	h := g.horizon
	n := &planNode{id: hd.ID.Value, pos: hd.ID.Pos, header: hd, requires: hd.Requires, excludes: hd.Excludes}
	if hd.Years != nil {
		n.first = hd.Years.From.Value
	}
	n.from, n.to = n.first, n.first
	if hd.Mandatory != nil {
		n.mandatory = hd.Mandatory.Value
	}
	if s := hd.Start; s != nil {
		n.from, n.to = s.From.Value, s.To.Value
		switch {
		case n.from > n.to:
			g.errs.Addf(s.From.Pos, diag.Invalid, "project %s: the start window %d–%d ends before it begins", n.id, n.from, n.to)
			n.to = n.from
		case n.from < h.From || n.to > h.To:
			g.errs.Addf(s.From.Pos, diag.Invalid, "project %s: the start window %d–%d is outside the evaluation years %d–%d", n.id, n.from, n.to, h.From, h.To)
		}
	}
	if hd.MandatoryReason.Set && !n.mandatory {
		g.errs.Addf(hd.MandatoryReason.Pos, diag.Invalid, "project %s: mandatory_reason, but the request is not mandatory (mandatory: true)", n.id)
	}
	return n
}

// checkRequires checks that n requires other requests (ids), each with a
// lag within the evaluation years.
func (g *planGraph) checkRequires(n *planNode, ids []string) {
	h := g.horizon
	for _, r := range n.requires {
		switch other := g.byID[r.Project.Value]; {
		case other == nil:
			g.errs.Addf(r.Project.Pos, diag.NotFound, "project %s requires an unknown request %q%s", n.id, r.Project.Value, diag.Suggest(r.Project.Value, ids))
		case other == n:
			g.errs.Addf(r.Project.Pos, diag.Invalid, "project %s requires itself", n.id)
		}
		if r.Lag != nil && (r.Lag.Value < 0 || r.Lag.Value > h.To-h.From) {
			g.errs.Addf(r.Lag.Pos, diag.Invalid, "project %s: a lag of %d years; expected 0 to %d, within the evaluation years", n.id, r.Lag.Value, h.To-h.From)
		}
	}
}

// checkExcludes checks that n's alternatives are other requests (ids), not
// both mandatory, neither requiring the other.
func (g *planGraph) checkExcludes(n *planNode, ids []string) {
	for _, x := range n.excludes {
		other := g.byID[x.Value]
		switch {
		case other == nil:
			g.errs.Addf(x.Pos, diag.NotFound, "project %s excludes an unknown request %q%s", n.id, x.Value, diag.Suggest(x.Value, ids))
		case other == n:
			g.errs.Addf(x.Pos, diag.Invalid, "project %s excludes itself", n.id)
		case n.mandatory && other.mandatory:
			g.errs.Addf(x.Pos, diag.Invalid, "projects %s and %s are alternatives and both mandatory: no selection can hold both", n.id, other.id)
		case slices.ContainsFunc(n.requires, func(r RequirementSpec) bool { return r.Project.Value == other.id }) ||
			slices.ContainsFunc(other.requires, func(r RequirementSpec) bool { return r.Project.Value == n.id }):
			g.errs.Addf(x.Pos, diag.Invalid, "projects %s and %s are alternatives, yet one requires the other", n.id, other.id)
		}
	}
}

// required are the other requests that n requires and that exist.
func (g *planGraph) required(n *planNode) []*planNode {
	var out []*planNode
	for _, r := range n.requires {
		if other := g.byID[r.Project.Value]; other != nil && other != n {
			out = append(out, other)
		}
	}
	return out
}

// requirementOrder is the requests in order, those required first; false,
// the cycle reported, when the requirements form one.
func (g *planGraph) requirementOrder() ([]*planNode, bool) {
	state := map[*planNode]int{} // 0 new, 1 on the path, 2 done
	var order []*planNode
	var visit func(n *planNode, path []string) bool
	visit = func(n *planNode, path []string) bool {
		switch state[n] {
		case 1:
			i := slices.Index(path, n.id)
			g.errs.Addf(n.pos, diag.Invalid, "the requirements form a cycle: %s", strings.Join(append(path[i:], n.id), " → "))
			return false
		case 2:
			return true
		}
		state[n] = 1
		for _, other := range g.required(n) {
			if !visit(other, append(path, n.id)) {
				return false
			}
		}
		state[n] = 2
		order = append(order, n)
		return true
	}
	for _, n := range g.nodes {
		if state[n] == 0 && !visit(n, nil) {
			return nil, false
		}
	}
	return order, true
}

// checkEarliestStarts sets each request's earliest start from those it
// requires, taken in order (those required first), and checks that it
// falls in its window.
func (g *planGraph) checkEarliestStarts(order []*planNode) {
	for _, n := range order {
		n.earliest = n.from
		var why string
		for _, r := range n.requires {
			other := g.byID[r.Project.Value]
			if other == nil || other == n {
				continue
			}
			lag := 0
			if r.Lag != nil {
				lag = r.Lag.Value
			}
			if other.earliest+lag > n.earliest {
				n.earliest = other.earliest + lag
				why = fmt.Sprintf("it requires %s started at least %d year(s) before, and %s starts in %d at the earliest", other.id, lag, other.id, other.earliest)
			}
		}
		if n.earliest > n.to {
			at := n.pos
			if n.header.Start != nil {
				at = n.header.Start.To.Pos
			}
			kind := "project"
			if n.mandatory {
				kind = "mandatory project"
			}
			g.errs.Addf(at, diag.Invalid, "%s %s can start in no year of its window %d–%d: %s", kind, n.id, n.from, n.to, why)
		}
	}
}

// markImplied marks n, and what it requires, as required by the
// mandatory request by.
func (g *planGraph) markImplied(n *planNode, by string) {
	if n.implied {
		return
	}
	n.implied, n.impliedBy = true, by
	for _, other := range g.required(n) {
		g.markImplied(other, by)
	}
}

// checkImpliedAlternatives reports alternatives that must both be
// selected, not both mandatory themselves (checkExcludes reports those).
func (g *planGraph) checkImpliedAlternatives() {
	for _, n := range g.nodes {
		for _, x := range n.excludes {
			other := g.byID[x.Value]
			if other == nil || other == n || (n.mandatory && other.mandatory) || !n.implied || !other.implied {
				continue
			}
			g.errs.Addf(x.Pos, diag.Invalid, "projects %s and %s are alternatives, yet both must be selected: %s is required by mandatory %s, %s by mandatory %s",
				n.id, other.id, n.id, n.impliedBy, other.id, other.impliedBy)
		}
	}
}
