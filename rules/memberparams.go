package rules

import (
	"maps"
	"slices"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/formula"
	"github.com/shopspring/decimal"
)

// memberParameters builds the per-member parameters (by_member): figures
// that differ by member and by date, such as the units of use of a service
// billed per use (CGCT D.5211-16). Each runs as a per-member rule, first
// in evaluation order, with a version at every date one of its members'
// values takes effect that gives each member its value in force as a
// constant: the engine needs nothing new, and an explanation shows each
// member's figure with the line it is written on.
func (b *builder) memberParameters() {
	for _, mp := range b.memberParams {
		if r := b.memberParameter(mp); r != nil {
			b.m.Rules = append(b.m.Rules, *r)
		}
	}
}

// memberValue is one dated value of a member.
type memberValue struct {
	from  engine.Date
	value Number
}

func (b *builder) memberParameter(mp memberParam) *engine.Rule {
	p := mp.p
	r := &engine.Rule{Name: mp.name, Label: p.Label.Value, Unit: p.Unit.Value, PerMember: true, Param: true, Pos: mp.pos,
		Description: p.Description.Value, Source: p.Source.Value, Assumption: p.Assumption.Value,
		URL: b.sourceURL(p.URL, "parameter "+mp.name)}
	lo := decimal.Zero
	if p.Min != nil {
		lo = p.Min.Value
	}
	values := map[string][]memberValue{}
	dates := map[engine.Date]bool{b.m.Start: true}
	ok := true
	for _, e := range p.ByMember.Entries {
		mem := b.members[e.Key]
		if mem == nil {
			b.errorf(e.KeyPos, "parameter %s: %s is not a member%s", mp.name, quote(e.Key), diag.Suggest(e.Key, b.memberIDs()))
			ok = false
			continue
		}
		var vs []memberValue
		switch mv := e.Value; {
		case mv.Value != nil:
			vs = []memberValue{{from: b.m.Start, value: *mv.Value}}
		case len(mv.Values.Entries) == 0:
			b.errorf(e.KeyPos, "parameter %s: member %s has no value: give a number, or values by date", mp.name, e.Key)
			ok = false
			continue
		default:
			for _, v := range mv.Values.Entries {
				d, err := engine.ParseDate(v.Key)
				if err != nil {
					b.errorf(v.KeyPos, "parameter %s, member %s: %v", mp.name, e.Key, err)
					ok = false
					continue
				}
				vs = append(vs, memberValue{from: d, value: v.Value})
			}
		}
		slices.SortStableFunc(vs, func(x, y memberValue) int { return x.from.Compare(y.from) })
		for _, v := range vs {
			dates[v.from] = true
			if v.value.Value.LessThan(lo) {
				b.errorf(v.value.Pos, "parameter %s: member %s: %s %s from %s is below the minimum %s (a per-member figure counts something: it cannot be negative unless min says so)",
					mp.name, e.Key, v.value.Value, p.Unit.Value, v.from, lo)
				ok = false
			}
			if p.Max != nil && v.value.Value.GreaterThan(p.Max.Value) {
				b.errorf(v.value.Pos, "parameter %s: member %s: %s %s from %s is above the maximum %s", mp.name, e.Key, v.value.Value, p.Unit.Value, v.from, p.Max.Value)
				ok = false
			}
		}
		if len(vs) > 0 {
			first := mem.Joined
			if b.m.Start.After(first) {
				first = b.m.Start
			}
			if vs[0].from.After(first) {
				b.errorf(e.KeyPos, "parameter %s has no value for member %s on %s, when it becomes a member: its first value is from %s",
					mp.name, e.Key, first, vs[0].from)
				ok = false
			}
		}
		values[e.Key] = vs
	}
	given := make(map[string]bool, len(p.ByMember.Entries)) // a set: a search per member made this quadratic in members
	for _, e := range p.ByMember.Entries {
		given[e.Key] = true
	}
	for _, mem := range b.m.Members {
		if !given[mem.ID] {
			b.errorf(p.ByMember.Pos, "parameter %s gives no value for member %s: every member needs one (0 if it uses none)", mp.name, mem.ID)
			ok = false
		}
	}
	if !ok {
		return nil
	}
	// One constant formula per value, shared by the versions it is in
	// force in.
	consts := map[*Number]*engine.Formula{}
	constant := func(n *Number) *engine.Formula {
		if f := consts[n]; f != nil {
			return f
		}
		prog, err := b.formulas.Compile(n.Value.String(), formula.Decls{}, formula.KindNumber)
		if err != nil {
			b.errs.Add(diag.Errorf(n.Pos, diag.Invalid, "parameter %s: %v", mp.name, err))
			return nil
		}
		f := &engine.Formula{Program: prog, Pos: n.Pos, Line: b.line(n.Pos)}
		consts[n] = f
		return f
	}
	for _, d := range slices.SortedFunc(maps.Keys(dates), engine.Date.Compare) {
		if d.Before(b.m.Start) {
			continue
		}
		v := engine.Version{From: d, Pos: mp.pos, ByMember: map[string]*engine.Formula{}}
		for id, vs := range values {
			i := -1
			for j := range vs {
				if !vs[j].from.After(d) {
					i = j
				}
			}
			if i >= 0 {
				v.ByMember[id] = constant(&vs[i].value)
			}
		}
		r.Versions = append(r.Versions, v)
	}
	return r
}

// line returns the text of the line pos points into, when the file is
// known.
func (b *builder) line(pos diag.Pos) string {
	for _, nf := range b.set.Files {
		if nf.Path == pos.File && nf.File.source != nil {
			return nf.File.source.line(pos.Line)
		}
	}
	return ""
}
