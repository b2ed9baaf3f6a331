package reports

import (
	"fmt"
	"maps"
	"slices"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/formula"
	"github.com/shopspring/decimal"
)

// Report is what a report file shows: for officials, a summary of what
// each member pays and how the scenarios change it; for auditors, the
// detailed bills, the project portfolio, the sensitivity of the bills to
// the parameters, every parameter with its source, and the rules as
// written. It is built once and rendered as HTML, Markdown or XLSX; the
// same report gives the same bytes.
type Report struct {
	Title string
	// Date is printed on the report when set; a report never reads the
	// clock.
	Date engine.Date
	// Parts are the scenarios, the baseline first.
	Parts []*ScenarioPart
	// Evaluation is the PMO evaluation of the project requests; nil when
	// there are none.
	Evaluation *Evaluation
	// Valuation holds the formulas that value and discount the projects;
	// nil without projects.
	Valuation *engine.Valuation
	// Adopted lists, per project id, the scenarios adopting it.
	Adopted map[string][]string
	// Members, when set, is the model whose members, in their order,
	// take the first colours of the palette (MemberColours): the rules as
	// loaded, before any scenario, so that each member has the colour it
	// has on the what-if page. Nil: the baseline's.
	Members *engine.Model
	// Provenance says which quotepart wrote the report from which files;
	// the report prints it under its title.
	Provenance Provenance
}

// ScenarioPart is one scenario of a report.
type ScenarioPart struct {
	Result                           *engine.Result
	Model                            *engine.Model
	Description, Assumption, Extends string
	// Portfolio is the project portfolio the scenario adopts, if any.
	Portfolio *AdoptedPortfolio
	// Sensitivity, when computed, measures how the bills move with the
	// parameters.
	Sensitivity *engine.Sensitivity

	// Set by NewReport.
	Comparison *Comparison     // against the baseline; nil for the baseline
	Params     []ParamEntry    // the baseline's all; another's, those it changes
	Rules      []RuleEntry     // likewise
	Members    []engine.Member // likewise
}

// AdoptedPortfolio is the set of project requests a scenario adopts, with
// their figures evaluated on that scenario.
type AdoptedPortfolio struct {
	Label    string
	Projects []string
	Figures  engine.Indicators
	Spread   *engine.Simulated // nil without simulation
	// Starts gives each request's start year; Trajectories the
	// commitments' trajectories with the portfolio.
	Starts       map[string]int
	Trajectories []engine.Trajectory
}

// ParamEntry is a parameter as a report lists it.
type ParamEntry struct {
	engine.Param
	// UsedBy says what reads it: "bills", "projects", both, or neither.
	Bills, Projects bool
}

// RuleEntry is a rule, a pool or the fee rate, as written.
type RuleEntry struct {
	Kind                     RuleKind
	Name, Label, Unit, Descr string
	// Source is the text the rule implements and URL its address.
	Source, URL string
	Versions    []RuleVersion
	// Pools only.
	Key  string
	Fees bool
}

// RuleKind says what a RuleEntry is.
type RuleKind int

const (
	GlobalRule RuleKind = iota
	MemberRule
	PoolRule
	FeeRateRule
)

// RuleVersion is a formula in force from a date, for one member or all.
type RuleVersion struct {
	From   engine.Date
	Member string // "" for every member (or a global rule)
	// Others is set on the formula of a per-member rule that serves the
	// members without a formula of their own.
	Others bool
	Expr   string
	Pos    string
	// Description says what the version changed; Source and URL are the
	// text it implements. Every formula of a version carries them.
	Description, Source, URL string
}

// NewReport assembles a report: it compares every part with the first
// (the baseline) and lists the parameters, members and rules each part
// uses or changes. Every part must have run over the same years.
func NewReport(title string, date engine.Date, parts []*ScenarioPart, ev *Evaluation, val *engine.Valuation) (*Report, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("a report needs at least one scenario")
	}
	r := &Report{Title: title, Date: date, Parts: parts, Evaluation: ev, Valuation: val, Adopted: map[string][]string{}}
	base := parts[0]
	for i, p := range parts {
		if p.Result == nil || p.Model == nil {
			return nil, fmt.Errorf("scenario %d of the report has no result", i+1)
		}
		if i > 0 && !sameYears(base.Result, p.Result) {
			return nil, fmt.Errorf("scenario %s ran over other years than the baseline %s", p.Result.ID, base.Result.ID)
		}
		used := usage(p.Model, val, ev)
		baseParams := map[string]engine.Param{}
		baseRules := map[string]RuleEntry{}
		baseMembers := map[string]engine.Member{}
		if i > 0 {
			p.Comparison = Compare(base.Result, p.Result)
			for _, q := range base.Model.Params {
				baseParams[q.Name] = q
			}
			for _, e := range ruleEntries(base.Model) {
				baseRules[ruleKey(e)] = e
			}
			for _, m := range base.Model.Members {
				baseMembers[m.ID] = m
			}
		}
		for _, q := range p.Model.Params {
			if old, ok := baseParams[q.Name]; i > 0 && ok && sameParam(old, q) {
				continue
			}
			p.Params = append(p.Params, ParamEntry{Param: q, Bills: used[q.Name]&1 != 0, Projects: used[q.Name]&2 != 0})
		}
		for _, e := range ruleEntries(p.Model) {
			if old, ok := baseRules[ruleKey(e)]; i > 0 && ok && sameRule(old, e) {
				continue
			}
			p.Rules = append(p.Rules, e)
		}
		for _, m := range p.Model.Members {
			if old, ok := baseMembers[m.ID]; i > 0 && ok && sameMember(old, m) {
				continue
			}
			p.Members = append(p.Members, m)
		}
		if p.Portfolio != nil {
			for _, id := range p.Portfolio.Projects {
				r.Adopted[id] = append(r.Adopted[id], p.Result.ID)
			}
		}
	}
	return r, nil
}

// Baseline is the scenario the others are compared with.
func (r *Report) Baseline() *ScenarioPart { return r.Parts[0] }

// Years returns the years of the report.
func (r *Report) Years() []int {
	var ys []int
	for _, y := range r.Baseline().Result.Years {
		ys = append(ys, y.Year)
	}
	return ys
}

func sameYears(a, b *engine.Result) bool {
	return slices.EqualFunc(a.Years, b.Years, func(x, y engine.Year) bool { return x.Year == y.Year })
}

// usage tells, per name, whether the bills (bit 1) or the project
// evaluation (bit 2) read it directly.
func usage(m *engine.Model, val *engine.Valuation, ev *Evaluation) map[string]int {
	used := map[string]int{}
	mark := func(f *engine.Formula, bit int) {
		if f == nil || f.Program == nil {
			return
		}
		for _, ref := range f.Program.Refs() {
			name := ref.Name
			if name == formula.Previous && ref.Field != "" {
				name = ref.Field
			}
			used[name] |= bit
		}
	}
	mark(m.FeeRate, 1)
	for _, p := range m.Pools {
		mark(p.Amount, 1)
	}
	for _, r := range m.Rules {
		for _, v := range r.Versions {
			mark(v.Expr, 1)
			for _, k := range slices.Sorted(maps.Keys(v.ByMember)) {
				mark(v.ByMember[k], 1)
			}
		}
	}
	if val != nil {
		mark(val.DiscountRate, 2)
		for _, d := range val.Dimensions {
			mark(d.Price, 2)
		}
	}
	if ev != nil {
		for _, p := range ev.Projects {
			if p.Project == nil {
				continue
			}
			for _, l := range p.Project.Lines {
				for _, y := range slices.Sorted(maps.Keys(l.Values)) {
					mark(l.Values[y], 2)
				}
			}
		}
	}
	// A rule read by the projects makes what it reads count for them too.
	for changed := true; changed; {
		changed = false
		for _, r := range m.Rules {
			if used[r.Name]&2 == 0 {
				continue
			}
			for _, v := range r.Versions {
				for _, f := range append([]*engine.Formula{v.Expr}, mapValues(v.ByMember)...) {
					if f == nil || f.Program == nil {
						continue
					}
					for _, ref := range f.Program.Refs() {
						name := ref.Name
						if name == formula.Previous && ref.Field != "" {
							name = ref.Field
						}
						if used[name]&2 == 0 {
							used[name] |= 2
							changed = true
						}
					}
				}
			}
		}
	}
	return used
}

func mapValues(m map[string]*engine.Formula) []*engine.Formula {
	var out []*engine.Formula
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[k])
	}
	return out
}

func sameParam(a, b engine.Param) bool {
	return a.Label == b.Label && a.Unit == b.Unit && a.Source == b.Source && a.Assumption == b.Assumption &&
		slices.EqualFunc(a.Values, b.Values, func(x, y engine.Dated) bool { return x.From == y.From && x.Value.Equal(y.Value) })
}

func sameMember(a, b engine.Member) bool {
	return a.Label == b.Label && a.Kind == b.Kind && a.Joined == b.Joined && a.Left == b.Left &&
		maps.EqualFunc(a.Attributes, b.Attributes, decimal.Decimal.Equal)
}

func ruleKey(e RuleEntry) string { return fmt.Sprintf("%d/%s", e.Kind, e.Name) }

func sameRule(a, b RuleEntry) bool {
	return a.Label == b.Label && a.Key == b.Key && a.Fees == b.Fees && a.Source == b.Source && a.URL == b.URL &&
		slices.EqualFunc(a.Versions, b.Versions, func(x, y RuleVersion) bool {
			return x.From == y.From && x.Member == y.Member && x.Others == y.Others && x.Expr == y.Expr &&
				x.Description == y.Description && x.Source == y.Source && x.URL == y.URL
		})
}

// cmpOr returns the first non-empty string.
func cmpOr(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func source(f *engine.Formula) string {
	if f == nil || f.Program == nil {
		return ""
	}
	return oneLine(f.Program.Source())
}

// ruleEntries lists a model's rules in evaluation order, then its pools and
// its fee rate.
func ruleEntries(m *engine.Model) []RuleEntry {
	var out []RuleEntry
	for _, r := range m.Rules {
		e := RuleEntry{Kind: GlobalRule, Name: r.Name, Label: cmpOr(r.Label, oneLine(r.Description)), Unit: r.Unit, Descr: oneLine(r.Description),
			Source: oneLine(r.Source), URL: r.URL}
		if r.PerMember {
			e.Kind = MemberRule
		}
		for _, v := range r.Versions {
			for _, id := range memberOrder(m, v.ByMember) {
				f := v.ByMember[id]
				e.Versions = append(e.Versions, RuleVersion{From: v.From, Member: id, Expr: source(f), Pos: f.Pos.String(),
					Description: oneLine(v.Description), Source: oneLine(v.Source), URL: v.URL})
			}
			if v.Expr != nil {
				e.Versions = append(e.Versions, RuleVersion{From: v.From, Others: r.PerMember && len(v.ByMember) > 0, Expr: source(v.Expr), Pos: v.Expr.Pos.String(),
					Description: oneLine(v.Description), Source: oneLine(v.Source), URL: v.URL})
			}
		}
		out = append(out, e)
	}
	for _, p := range m.Pools {
		e := RuleEntry{Kind: PoolRule, Name: p.ID, Label: p.Label, Key: p.Key, Fees: p.Fees}
		if p.Amount != nil {
			e.Versions = []RuleVersion{{Expr: source(p.Amount), Pos: p.Amount.Pos.String()}}
		}
		out = append(out, e)
	}
	if m.FeeRate != nil {
		out = append(out, RuleEntry{Kind: FeeRateRule, Name: "fees.rate", Versions: []RuleVersion{{Expr: source(m.FeeRate), Pos: m.FeeRate.Pos.String()}}})
	}
	return out
}

// memberOrder returns the keys of a by-member map in the members' order of
// declaration, then any other key by name.
func memberOrder(m *engine.Model, byMember map[string]*engine.Formula) []string {
	var out []string
	for _, mem := range m.Members {
		if _, ok := byMember[mem.ID]; ok {
			out = append(out, mem.ID)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(byMember)) {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}
