package rules

import (
	"fmt"
	"slices"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/formula"
)

// DefaultStaleYears is how many years a parameter's latest value may be
// older than a simulated year before it is reported as stale: one term of
// a municipal or intercommunal council (six years), so that a figure
// adopted under a previous term is reviewed.
const DefaultStaleYears = 6

// StrictOptions tune the checks of Strict.
type StrictOptions struct {
	// StaleYears: a parameter is stale in year Y when its latest value took
	// effect before 1 January of Y - StaleYears. Zero means
	// DefaultStaleYears; a negative value turns the check off.
	StaleYears int
}

// Names of the strict checks, as reported in check --format json.
const (
	CheckStale      = "stale"       // a parameter's latest value is too old for a simulated year
	CheckNoSource   = "no-source"   // a parameter with neither source nor assumption
	CheckUnusedRule = "unused-rule" // a rule no pool, key, fee rate or used rule reads
	CheckZeroKey    = "zero-key"    // a member whose reference key is zero in a year it is a member
	CheckWarning    = "warning"     // any other warning of the loader
)

// Strict returns the warnings of a rule set: the loader's (Set.Warnings),
// then what needs the whole model or a run — parameters whose latest value
// is stale for a simulated year, parameters with neither source nor
// assumption, rules nothing uses, members with a zero reference key. res
// is a run of set over the years simulated (nil to skip the checks that
// need one). Keys that do not sum to 1 are not here: engine.Run rejects
// them in every mode. Findings are sorted by position.
func Strict(set *Set, res *engine.Result, opt StrictOptions) []diag.Finding {
	m := set.Model
	var out []diag.Finding
	add := func(check string, e *diag.Error) {
		e.Source = set.sourceLine(e.Pos)
		out = append(out, diag.Finding{Check: check, Error: e})
	}
	for _, p := range m.Params {
		if p.Source == "" && p.Assumption == "" {
			add(CheckNoSource, diag.Errorf(p.Pos, diag.Invalid, "parameter %s has neither source nor assumption: say where the figure comes from", p.Name))
		}
	}
	type key struct {
		pos diag.Pos
		msg string
	}
	found := map[key]bool{}
	for _, f := range out {
		found[key{f.Pos, f.Msg}] = true
	}
	for _, w := range set.Warnings {
		if !found[key{w.Pos, w.Msg}] {
			found[key{w.Pos, w.Msg}] = true
			out = append(out, diag.Finding{Check: CheckWarning, Error: w})
		}
	}
	usedRules, usedParams := usage(m)
	for _, name := range unused(m, usedRules) {
		for _, r := range m.Rules {
			if r.Name == name {
				add(CheckUnusedRule, diag.Errorf(r.Pos, diag.Invalid, "rule %s is not used: no pool amount, key, fee rate or reference key reads it, directly or through other rules", name))
			}
		}
	}
	if res != nil && len(res.Years) > 0 {
		out = append(out, staleParams(set, res, usedParams, opt)...)
		out = append(out, zeroKeys(set, res)...)
	}
	slices.SortStableFunc(out, func(a, b diag.Finding) int { return a.Pos.Compare(b.Pos) })
	return out
}

func (s *Set) sourceLine(p diag.Pos) string {
	for _, nf := range s.Files {
		if nf.Path == p.File && nf.File != nil && nf.File.source != nil {
			return nf.File.source.line(p.Line)
		}
	}
	return ""
}

// staleParams reports the parameters the bills read whose latest value in
// force in the last simulated year took effect more than opt.StaleYears
// years before it. A parameter no bill reads (one only project requests
// read, say) is not simulated, so not stale.
func staleParams(set *Set, res *engine.Result, used map[string]bool, opt StrictOptions) []diag.Finding {
	n := opt.StaleYears
	if n == 0 {
		n = DefaultStaleYears
	}
	if n < 0 {
		return nil
	}
	last := res.Years[len(res.Years)-1].Year
	limit := engine.NewDate(last-n, 1, 1)
	var out []diag.Finding
	for _, p := range set.Model.Params {
		var latest *engine.Dated
		for i := range p.Values {
			if p.Values[i].From.Year <= last {
				latest = &p.Values[i]
			}
		}
		if latest == nil || !used[p.Name] {
			continue
		}
		if latest.From.Before(limit) {
			e := diag.Errorf(latest.Pos, diag.Invalid, "parameter %s is stale: its latest value dates from %s, more than %d years before %d, a simulated year; confirm or update it", p.Name, latest.From, n, last)
			e.Source = set.sourceLine(e.Pos)
			out = append(out, diag.Finding{Check: CheckStale, Error: e})
		}
	}
	return out
}

// zeroKeys reports, once per member, the years a member's reference key is
// zero while it is a member: it would pay nothing for the main pool.
func zeroKeys(set *Set, res *engine.Result) []diag.Finding {
	m := set.Model
	// One pass over the results, then one over the members: a member
	// looked up in every year's list would make it quadratic (53 s for
	// 50,000 members).
	zero := map[string][]int{}
	for _, y := range res.Years {
		for _, my := range y.Members {
			if my.Share.IsZero() {
				zero[my.ID] = append(zero[my.ID], y.Year)
			}
		}
	}
	var out []diag.Finding
	for _, mem := range m.Members {
		if years := zero[mem.ID]; len(years) > 0 {
			e := diag.Errorf(mem.Pos, diag.Invalid, "member %s has a zero reference key in %s: it pays nothing for the pools the key shares; give it a share or end its membership", mem.ID, yearsText(years))
			e.Source = set.sourceLine(e.Pos)
			out = append(out, diag.Finding{Check: CheckZeroKey, Error: e})
		}
	}
	return out
}

func yearsText(years []int) string {
	s := ""
	for i, y := range years {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprint(y)
	}
	return s
}

// usage returns the rules and the parameters read — directly or through
// other rules, in any version, for any member, as previous.x too — by a
// pool's amount or key, the fee rate or the reference key: what the bills
// depend on.
func usage(m *engine.Model) (usedRules, usedParams map[string]bool) {
	byName := map[string]*engine.Rule{}
	for i := range m.Rules {
		byName[m.Rules[i].Name] = &m.Rules[i]
	}
	used, params := map[string]bool{}, map[string]bool{}
	var visitRule func(name string)
	var visitFormula func(f *engine.Formula)
	visitFormula = func(f *engine.Formula) {
		if f == nil {
			return
		}
		for _, ref := range f.Program.Refs() {
			switch ref.Name {
			case formula.Member, formula.Year:
			case formula.Previous:
				visitRule(ref.Field)
			default:
				visitRule(ref.Name)
			}
		}
	}
	visitRule = func(name string) {
		r := byName[name]
		if r == nil {
			params[name] = true
			return
		}
		if used[name] {
			return
		}
		used[name] = true
		for _, v := range r.Versions {
			visitFormula(v.Expr)
			for _, id := range sortedKeys(v.ByMember) {
				visitFormula(v.ByMember[id])
			}
		}
	}
	for _, p := range m.Pools {
		visitFormula(p.Amount)
		visitRule(p.Key)
	}
	visitFormula(m.FeeRate)
	visitRule(m.ReferenceKey)
	return used, params
}

// unused returns, in model order, the rules not in used.
func unused(m *engine.Model, used map[string]bool) []string {
	var out []string
	for _, r := range m.Rules {
		if !used[r.Name] {
			out = append(out, r.Name)
		}
	}
	return out
}

func sortedKeys(m map[string]*engine.Formula) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
