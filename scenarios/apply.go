package scenarios

import (
	"fmt"
	"slices"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
	"github.com/shopspring/decimal"
)

// Applied is a scenario's rule files, ready to build, and the years it
// runs.
type Applied struct {
	Files    []rules.NamedFile
	From, To int
}

// Apply lays the overlays of chain, root first, over the base rule files.
// base is not modified. All errors found are returned together, positioned
// in the scenario files.
//
// A portfolio is left out: it needs the projects evaluated on the applied
// rules, which Build does.
func Apply(base []rules.NamedFile, chain []*Scenario) (*Applied, error) {
	return apply(base, chain, nil)
}

func apply(base []rules.NamedFile, chain []*Scenario, portfolio *flows) (*Applied, error) {
	a := &applier{files: cloneFiles(base), flows: portfolio}
	svc := a.service()
	if svc == nil {
		return nil, diag.Errorf(diag.Pos{}, diag.Invalid, "the rules declare no service")
	}
	a.start = svc.Start.Value
	a.first, a.last = svc.Years.From.Value, svc.Years.To.Value
	out := &Applied{From: a.first, To: a.last}
	if svc.Run != nil {
		out.From, out.To = svc.Run.From.Value, svc.Run.To.Value
	}
	for _, s := range chain {
		if y := s.File.Scenario.Years; y != nil {
			out.From, out.To = y.From.Value, y.To.Value
			if out.From > out.To {
				a.errs.Addf(y.From.Pos, diag.Invalid, "scenario %s: years: from %d is after to %d", s.ID, out.From, out.To)
			} else if out.From < a.first || out.To > a.last {
				a.errs.Addf(y.From.Pos, diag.Invalid, "scenario %s: years %d–%d must lie within the years the rules cover, %d–%d", s.ID, out.From, out.To, a.first, a.last)
			}
		}
	}
	_, a.portfolioOwner = Adopted(chain)
	for _, s := range chain {
		a.apply(s, out.From, out.To)
	}
	if err := a.errs.Err(); err != nil {
		return nil, err
	}
	out.Files = a.files
	return out, nil
}

type applier struct {
	flows *flows // the portfolio's yearly amounts, once evaluated
	// portfolioOwner is the last scenario of the chain with a portfolio.
	portfolioOwner *Scenario
	files          []rules.NamedFile
	start          engine.Date
	first, last    int
	errs           diag.List
}

// cloneFiles copies the files deep enough that overlays, which replace
// fields and slices rather than write through them, leave base untouched.
func cloneFiles(base []rules.NamedFile) []rules.NamedFile {
	out := make([]rules.NamedFile, len(base))
	for i, nf := range base {
		f := *nf.File
		f.Members = slices.Clone(f.Members)
		f.Parameters.Entries = slices.Clone(f.Parameters.Entries)
		f.Rules.Entries = slices.Clone(f.Rules.Entries)
		f.Pools.Entries = slices.Clone(f.Pools.Entries)
		out[i] = rules.NamedFile{Path: nf.Path, File: &f}
	}
	return out
}

func (a *applier) service() *rules.Service {
	for _, nf := range a.files {
		if s := nf.File.Service; s != nil && s.Years != nil {
			return s
		}
	}
	return nil
}

func (a *applier) errorf(pos diag.Pos, format string, args ...any) {
	a.errs.Addf(pos, diag.Invalid, format, args...)
}

func (a *applier) apply(s *Scenario, from, to int) {
	f := s.File
	if f.Add != nil {
		for _, m := range f.Add.Members {
			if d := m.Joined; d.Set && (d.Value.Year < from || d.Value.Year > to) {
				a.errorf(d.Pos, "scenario %s: member %s joins on %s, outside the scenario's years %d–%d", s.ID, m.ID.Value, d.Value, from, to)
			}
		}
		// A copy, as for base: a later scenario of the chain may change
		// what this one adds, and must not change the scenario itself.
		a.files = append(a.files, cloneFiles([]rules.NamedFile{{Path: s.Path, File: f.Add}})...)
	}
	for _, e := range f.Members.Entries {
		a.member(s, e)
	}
	for _, e := range f.Parameters.Entries {
		a.parameter(s, e)
	}
	for _, e := range f.Rules.Entries {
		a.rule(s, e)
	}
	for _, c := range f.ETC {
		a.staff(s, c)
	}
	if len(f.Amounts.Entries) > 0 {
		a.amounts(s)
	}
	if f.Portfolio != nil && a.flows != nil && a.lastPortfolio(s) {
		a.portfolio(s, a.flows)
	}
}

func (a *applier) member(s *Scenario, e rules.Entry[MemberChange]) {
	for fi := range a.files {
		f := a.files[fi].File
		for i := range f.Members {
			if f.Members[i].ID.Value != e.Key {
				continue
			}
			c := e.Value
			if c.Remove.Value {
				f.Members = slices.Delete(slices.Clone(f.Members), i, i+1)
				return
			}
			m := &f.Members[i]
			if c.Joined.Set && !c.Left.Set && m.Left.Set && m.Left.Value.Before(c.Joined.Value) {
				// Said here: the build would point at the left: written
				// elsewhere, in the rules or in a parent scenario.
				a.errorf(c.Joined.Pos, "scenario %s: member %s joins on %s, after it leaves on %s (%s); give left: too", s.ID, e.Key, c.Joined.Value, m.Left.Value, m.Left.Pos)
				return
			}
			if c.Joined.Set {
				m.Joined = c.Joined
			}
			if c.Left.Set {
				m.Left = c.Left
			}
			if c.Attributes.Set {
				attrs := slices.Clone(m.Attributes.Entries)
				for _, ne := range c.Attributes.Entries {
					j := slices.IndexFunc(attrs, func(x rules.Entry[rules.Number]) bool { return x.Key == ne.Key })
					if j >= 0 {
						attrs[j] = ne
					} else {
						attrs = append(attrs, ne)
					}
				}
				m.Attributes.Entries = attrs
			}
			return
		}
	}
	a.errorf(e.KeyPos, "scenario %s: %q is not a member of the rules%s", s.ID, e.Key, diag.Suggest(e.Key, a.memberIDs()))
}

func (a *applier) memberIDs() []string {
	var ids []string
	for _, nf := range a.files {
		for _, m := range nf.File.Members {
			ids = append(ids, m.ID.Value)
		}
	}
	return ids
}

// dated is a parameter's values as dates, sorted.
type dated struct {
	from  engine.Date
	entry rules.Entry[rules.Number]
}

func (a *applier) values(p *rules.Parameter) []dated {
	var out []dated
	if p.Value != nil {
		return []dated{{from: a.start, entry: rules.Entry[rules.Number]{Key: a.start.String(), KeyPos: p.Value.Pos, Value: *p.Value}}}
	}
	for _, e := range p.Values.Entries {
		if d, err := engine.ParseDate(e.Key); err == nil {
			out = append(out, dated{from: d, entry: e})
		}
	}
	slices.SortStableFunc(out, func(x, y dated) int { return x.from.Compare(y.from) })
	return out
}

func (a *applier) setValues(p *rules.Parameter, vs []dated) {
	p.Value = nil
	entries := make([]rules.Entry[rules.Number], len(vs))
	for i, v := range vs {
		entries[i] = v.entry
	}
	p.Values = rules.Map[rules.Number]{Node: p.Values.Node, Entries: entries}
	p.Values.Set = true
}

func (a *applier) parameter(s *Scenario, e rules.Entry[ParameterOverride]) {
	p := declared(a.files, parameters, e.Key)
	if p == nil {
		a.errorf(e.KeyPos, "scenario %s: %q is not a parameter of the rules%s (declare new ones under add: parameters:)", s.ID, e.Key, diag.Suggest(e.Key, keys(a.files, parameters)))
		return
	}
	o := e.Value
	var news []dated
	switch {
	case o.Value != nil && o.Values.Set:
		a.errorf(o.Value.Pos, "scenario %s: parameter %s: give value or values, not both", s.ID, e.Key)
		return
	case o.Value != nil:
		news = []dated{{from: a.start, entry: rules.Entry[rules.Number]{Key: a.start.String(), KeyPos: o.Value.Pos, Value: *o.Value}}}
	case len(o.Values.Entries) > 0:
		for _, v := range o.Values.Entries {
			d, err := engine.ParseDate(v.Key)
			if err != nil {
				a.errorf(v.KeyPos, "scenario %s: parameter %s: %v", s.ID, e.Key, err)
				return
			}
			news = append(news, dated{from: d, entry: v})
		}
	default:
		a.errorf(e.KeyPos, "scenario %s: parameter %s: give value: or values: with dates", s.ID, e.Key)
		return
	}
	slices.SortStableFunc(news, func(x, y dated) int { return x.from.Compare(y.from) })
	kept := slices.DeleteFunc(a.values(p), func(v dated) bool { return !v.from.Before(news[0].from) })
	a.setValues(p, append(kept, news...))
	a.note(p, s, o.Source, o.Assumption)
}

// note records on a parameter where a scenario's values come from.
func (a *applier) note(p *rules.Parameter, s *Scenario, source, assumption rules.Text) {
	if source.Set {
		p.Source.Value = strings.TrimSpace(p.Source.Value + fmt.Sprintf(" Scénario %s : %s", s.ID, source.Value))
		p.Source.Set = true
	}
	if assumption.Set {
		p.Assumption.Value = strings.TrimSpace(p.Assumption.Value + fmt.Sprintf(" Scénario %s : %s", s.ID, assumption.Value))
		p.Assumption.Set = true
	}
}

func (a *applier) rule(s *Scenario, e rules.Entry[RuleOverride]) {
	for _, nf := range a.files {
		for i := range nf.File.Rules.Entries {
			re := &nf.File.Rules.Entries[i]
			if re.Key != e.Key {
				continue
			}
			r := &re.Value
			o := e.Value
			if !o.Expr.Set && !o.ByMember.Set {
				a.errorf(o.From.Pos, "scenario %s: rule %s: give the new formula (expr or by_member)", s.ID, e.Key)
				return
			}
			versions := slices.Clone(r.Versions)
			if len(versions) == 0 {
				versions = []rules.Version{{From: rules.Date{Node: rules.Node{Set: true, Pos: re.KeyPos}, Value: a.start}, Expr: r.Expr, ByMember: r.ByMember}}
				r.Expr, r.ByMember = rules.Expr{}, rules.Map[rules.Expr]{}
			}
			versions = slices.DeleteFunc(versions, func(v rules.Version) bool { return !v.From.Value.Before(o.From.Value) })
			r.Versions = append(versions, rules.Version{From: o.From, Description: o.Description, Source: o.Source, URL: o.URL, Expr: o.Expr, ByMember: o.ByMember})
			return
		}
	}
	a.errorf(e.KeyPos, "scenario %s: %q is not a rule of the rules%s (declare new ones under add: rules:)", s.ID, e.Key, diag.Suggest(e.Key, keys(a.files, rulesOf)))
}

// staff applies an ETC change: from its date, every value of the unit
// moves by the change.
func (a *applier) staff(s *Scenario, c StaffChange) {
	switch {
	case c.Change != nil && c.Unit.Set && c.Move == nil:
		a.shift(s, c, c.Unit, c.Change.Value)
	case c.Move != nil && c.FromUnit.Set && c.ToUnit.Set && c.Change == nil:
		if !c.Move.Value.IsPositive() {
			a.errorf(c.Move.Pos, "scenario %s: move must be a positive number of posts, found %s", s.ID, c.Move.Value)
			return
		}
		a.shift(s, c, c.FromUnit, c.Move.Value.Neg())
		a.shift(s, c, c.ToUnit, c.Move.Value)
	default:
		a.errorf(c.From.Pos, "scenario %s: an etc change is either unit and change, or move, from_unit and to_unit", s.ID)
	}
}

func (a *applier) shift(s *Scenario, c StaffChange, unit rules.Text, delta decimal.Decimal) {
	p := declared(a.files, parameters, unit.Value)
	switch {
	case p == nil:
		a.errorf(unit.Pos, "scenario %s: %q is not a parameter of the rules%s", s.ID, unit.Value, diag.Suggest(unit.Value, keys(a.files, parameters)))
		return
	case !strings.EqualFold(p.Unit.Value, "ETC"):
		a.errorf(unit.Pos, "scenario %s: %s is counted in %s, not in ETC", s.ID, unit.Value, p.Unit.Value)
		return
	}
	at := c.From.Value
	vs := a.values(p)
	var out []dated
	// current is the value in force on at, which the change shifts from
	// at on; the values before at are kept as they are.
	current := -1
	for i, v := range vs {
		if !v.from.After(at) {
			current = i
		}
		if v.from.Before(at) {
			out = append(out, v)
		}
	}
	if current < 0 {
		a.errorf(c.From.Pos, "scenario %s: %s has no value on %s to change", s.ID, unit.Value, at)
		return
	}
	shifted := func(v dated) dated {
		n := v.entry.Value
		n.Value = n.Value.Add(delta)
		n.Pos = c.From.Pos
		return dated{from: v.from, entry: rules.Entry[rules.Number]{Key: v.from.String(), KeyPos: c.From.Pos, Value: n}}
	}
	out = append(out, shifted(dated{from: at, entry: vs[current].entry}))
	for _, v := range vs[current+1:] {
		out = append(out, shifted(v))
	}
	for _, v := range out {
		if v.entry.Value.Value.IsNegative() {
			a.errorf(c.From.Pos, "scenario %s: this change leaves %s at %s ETC from %s, below zero", s.ID, unit.Value, v.entry.Value.Value, v.from)
			return
		}
	}
	a.setValues(p, out)
}

// amounts turns each amount into a dated parameter and a pool of its own
// with the key and fees of its target pool.
func (a *applier) amounts(s *Scenario) {
	extra := &rules.File{}
	extra.SetSource(s.Path, s.data)
	for _, e := range s.File.Amounts.Entries {
		am := e.Value
		target := declared(a.files, pools, am.Pool.Value)
		if target == nil {
			a.errorf(am.Pool.Pos, "scenario %s: amount %s: %q is not a pool%s", s.ID, e.Key, am.Pool.Value, diag.Suggest(am.Pool.Value, keys(a.files, pools)))
			continue
		}
		values := []rules.Entry[rules.Number]{{Key: am.From.Value.String(), KeyPos: am.From.Pos, Value: am.Amount}}
		if am.To.Set {
			if am.To.Value.Before(am.From.Value) {
				a.errorf(am.To.Pos, "scenario %s: amount %s ends on %s, before it starts on %s", s.ID, e.Key, am.To.Value, am.From.Value)
				continue
			}
			end := am.To.Value.AddDays(1)
			values = append(values, rules.Entry[rules.Number]{Key: end.String(), KeyPos: am.To.Pos,
				Value: rules.Number{Node: am.To.Node, Value: decimal.Zero}})
		}
		if am.From.Value.After(a.start) {
			values = append([]rules.Entry[rules.Number]{{Key: a.start.String(), KeyPos: am.From.Pos,
				Value: rules.Number{Node: am.From.Node, Value: decimal.Zero}}}, values...)
		}
		param := rules.Parameter{
			Label:       am.Label,
			Description: rules.Text{Node: am.Label.Node, Value: am.Description.Value},
			Unit:        rules.Text{Node: am.Label.Node, Value: "EUR"},
			Source:      am.Source, Assumption: am.Assumption,
			Values: rules.Map[rules.Number]{Node: am.Amount.Node, Entries: values},
		}
		if !param.Description.Set || param.Description.Value == "" {
			param.Description.Value = am.Label.Value
		}
		extra.Parameters.Entries = append(extra.Parameters.Entries, rules.Entry[rules.Parameter]{Key: e.Key, KeyPos: e.KeyPos, Value: param})
		extra.Pools.Entries = append(extra.Pools.Entries, rules.Entry[rules.Pool]{Key: e.Key, KeyPos: e.KeyPos, Value: rules.Pool{
			Label: am.Label, Description: am.Description, Key: target.Key, Fees: target.Fees,
			Amount: rules.Expr{Node: rules.Node{Set: true, Pos: am.Amount.Pos}, Source: e.Key},
		}})
	}
	a.files = append(a.files, rules.NamedFile{Path: s.Path, File: extra})
}

// lastPortfolio reports whether s's portfolio is the one that counts: a
// scenario's portfolio replaces the one of the scenario it extends.
func (a *applier) lastPortfolio(s *Scenario) bool {
	return s == a.portfolioOwner
}

// The sections of a rule file a scenario looks names up in.
func parameters(f *rules.File) *rules.Map[rules.Parameter] { return &f.Parameters }
func rulesOf(f *rules.File) *rules.Map[rules.Rule]         { return &f.Rules }
func pools(f *rules.File) *rules.Map[rules.Pool]           { return &f.Pools }

// declared returns the value declared under key in section of any of the
// files, or nil.
func declared[T any](files []rules.NamedFile, section func(*rules.File) *rules.Map[T], key string) *T {
	for _, nf := range files {
		m := section(nf.File)
		for i := range m.Entries {
			if m.Entries[i].Key == key {
				return &m.Entries[i].Value
			}
		}
	}
	return nil
}

// keys lists the names declared in section across the files, for
// did-you-mean hints.
func keys[T any](files []rules.NamedFile, section func(*rules.File) *rules.Map[T]) []string {
	var names []string
	for _, nf := range files {
		for _, e := range section(nf.File).Entries {
			names = append(names, e.Key)
		}
	}
	return names
}
