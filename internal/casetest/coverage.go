package casetest

import (
	"time"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/formula"
	"github.com/shopspring/decimal"
)

// Coverage says which rule versions and parameters of the rule set under
// test the cases exercised.
//
// A value a case checks exercises the formulas it was computed from, in
// the years and months it covers: for a member's amount, every pool's
// amount formula, the member's formula of each pool's key and the fee rate;
// for a rule's value, that rule. From each formula, the names it reads
// (formula.Program.Refs) are followed to the parameters read and to the
// rules read, taking for each rule the version in force that month and, for
// a per-member rule, the member's own formula (all the members' when a
// global formula reads it); previous.x follows x as it was in December of
// the year before. This is the model's dependency graph restricted to what
// was in force for the values checked: static like the graph (no trace is
// recorded during the run), yet precise to the version and member, so a
// rule version that only applies in years no case checks shows as not
// exercised.
//
// Units are the versions of every rule (one unit for a rule without
// versions) and every parameter of the rule set under test; versions and
// parameters that scenarios or overrides bring are not counted.
type Coverage struct {
	Units          []Unit
	Covered, Total int
}

// Unit is a rule version or a parameter.
type Unit struct {
	Kind string // "rule" or "parameter"
	Name string
	// Version is the effective date of a rule version, for rules with
	// several versions.
	Version string
	Pos     diag.Pos
	Covered bool
}

// Percent is the share of units covered, in percent, rounded to one
// decimal; 100 when there is no unit.
func (c *Coverage) Percent() decimal.Decimal {
	if c.Total == 0 {
		return decimal.NewFromInt(100)
	}
	return decimal.NewFromInt(int64(c.Covered*100)).DivRound(decimal.NewFromInt(int64(c.Total)), 1)
}

// Below reports whether the coverage is below min percent.
func (c *Coverage) Below(min decimal.Decimal) bool {
	if c.Total == 0 {
		return false
	}
	return decimal.NewFromInt(int64(c.Covered * 100)).LessThan(min.Mul(decimal.NewFromInt(int64(c.Total))))
}

type unitKey struct {
	name string
	pos  diag.Pos
}

type visitKey struct {
	m      *engine.Model
	rule   string
	member string
	day    engine.Date
}

type coverer struct {
	units  []Unit
	rules  map[unitKey]int
	params map[string]int
	seen   map[visitKey]bool
}

func newCoverer(base *engine.Model) *coverer {
	c := &coverer{rules: map[unitKey]int{}, params: map[string]int{}, seen: map[visitKey]bool{}}
	for _, r := range base.Rules {
		for _, v := range r.Versions {
			u := Unit{Kind: "rule", Name: r.Name, Pos: v.Pos}
			if len(r.Versions) > 1 {
				u.Version = v.From.String()
			}
			c.rules[unitKey{r.Name, v.Pos}] = len(c.units)
			c.units = append(c.units, u)
		}
	}
	for _, p := range base.Params {
		c.params[p.Name] = len(c.units)
		c.units = append(c.units, Unit{Kind: "parameter", Name: p.Name, Pos: p.Pos})
	}
	return c
}

func (c *coverer) result() *Coverage {
	out := &Coverage{Units: append([]Unit(nil), c.units...), Total: len(c.units)}
	sortUnits(out.Units)
	for _, u := range out.Units {
		if u.Covered {
			out.Covered++
		}
	}
	return out
}

// expectation records what the measures of e read in year y of model m.
func (c *coverer) expectation(m *engine.Model, y int, k *kind, e *Expectation) {
	v := &visit{c: c, m: m}
	for month := time.January; month <= time.December; month++ {
		day := engine.NewDate(y, month, 1)
		if day.Before(m.Start) {
			continue
		}
		for _, ms := range e.measures() {
			v.measure(day, k, e, ms.key)
		}
	}
}

// visit walks the formulas of one model.
type visit struct {
	c *coverer
	m *engine.Model
}

func (v *visit) measure(day engine.Date, k *kind, e *Expectation, measure string) {
	m := v.m
	switch k.name {
	case "year":
		for _, p := range m.Pools {
			v.pool(day, p, "", p.Fees, false)
		}
	case "member":
		if measure == "key" {
			v.rule(day, referenceKey(m), e.Member.Value)
			return
		}
		for _, p := range m.Pools {
			if measure == "fees" && !p.Fees {
				continue
			}
			v.pool(day, p, e.Member.Value, p.Fees, true)
		}
	case "member's part of a pool":
		for _, p := range m.Pools {
			if p.ID != e.Pool.Value {
				continue
			}
			if measure == "key" {
				v.rule(day, p.Key, e.Member.Value)
				continue
			}
			v.pool(day, p, e.Member.Value, measure == "fees" && p.Fees, true)
		}
	case "pool":
		for _, p := range m.Pools {
			if p.ID == e.Pool.Value {
				v.pool(day, p, "", measure == "fees" && p.Fees, false)
			}
		}
	case "rule":
		v.rule(day, e.Rule.Value, "")
	case "per-member rule":
		v.rule(day, e.Rule.Value, e.Member.Value)
	case "parameter":
		v.param(e.Parameter.Value)
	}
}

// pool visits a pool's amount formula, the fee rate when fees count, and
// the member's formula of the pool's key when key is true.
func (v *visit) pool(day engine.Date, p engine.Pool, member string, fees, key bool) {
	v.formula(day, p.Amount, "")
	if fees && v.m.FeeRate != nil {
		v.formula(day, v.m.FeeRate, "")
	}
	if key && member != "" {
		v.rule(day, p.Key, member)
	}
}

func referenceKey(m *engine.Model) string {
	if m.ReferenceKey != "" || len(m.Pools) == 0 {
		return m.ReferenceKey
	}
	return m.Pools[0].Key
}

func (v *visit) param(name string) {
	if i, ok := v.c.params[name]; ok {
		v.c.units[i].Covered = true
	}
}

func (v *visit) findRule(name string) *engine.Rule {
	for i := range v.m.Rules {
		if v.m.Rules[i].Name == name {
			return &v.m.Rules[i]
		}
	}
	return nil
}

// rule visits the version of a rule in force on day, for member id (of a
// per-member rule; ignored for a global rule).
func (v *visit) rule(day engine.Date, name, id string) {
	r := v.findRule(name)
	if r == nil || day.Before(v.m.Start) {
		return
	}
	if !r.PerMember {
		id = ""
	} else if mem := member(v.m, id); mem == nil || !mem.ActiveOn(day) {
		return
	}
	k := visitKey{v.m, name, id, day}
	if v.c.seen[k] {
		return
	}
	v.c.seen[k] = true
	vi := -1
	for j, ver := range r.Versions {
		if !day.Before(ver.From) {
			vi = j
		}
	}
	if vi < 0 {
		return
	}
	ver := &r.Versions[vi]
	if i, ok := v.c.rules[unitKey{r.Name, ver.Pos}]; ok {
		v.c.units[i].Covered = true
	}
	f := ver.Expr
	if r.PerMember && ver.ByMember[id] != nil {
		f = ver.ByMember[id]
	}
	v.formula(day, f, id)
}

// formula follows the names f reads on day, in the context of member ("" for
// a global formula).
func (v *visit) formula(day engine.Date, f *engine.Formula, member string) {
	if f == nil {
		return
	}
	for _, ref := range f.Program.Refs() {
		switch ref.Name {
		case formula.Year, formula.Member:
		case formula.Previous:
			v.param(ref.Field)
			v.rule(engine.NewDate(day.Year-1, time.December, 1), ref.Field, "")
		default:
			r := v.findRule(ref.Name)
			switch {
			case r == nil:
				v.param(ref.Name)
			case r.PerMember && member == "":
				for i := range v.m.Members {
					v.rule(day, r.Name, v.m.Members[i].ID)
				}
			default:
				v.rule(day, r.Name, member)
			}
		}
	}
}
