package actuals

import (
	"slices"
	"strings"
	"time"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/engine/billing"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
	"github.com/shopspring/decimal"
)

// Applied is a rule set's files with actual figures laid on them, ready to
// build, and what goes on the built model.
type Applied struct {
	Files []rules.NamedFile
	// Years are the years that have actual figures, in order.
	Years []int
	// Warnings say which pools kept their budget amount in a year with
	// actual figures (none was given).
	Warnings diag.List
	pools    map[string]map[int]engine.Actual
	issued   map[int]map[string][]billing.Issued
	byYear   map[int]*Year
	// names are, by year, the parameters and rules given actual figures.
	names map[int]map[string]bool
}

// Apply lays the actual figures of years on the decoded rule files files
// (a rule set, or a scenario laid on one); files is not modified. Every
// error is returned, positioned in the actuals files.
func Apply(files []rules.NamedFile, years []*Year) (*Applied, error) {
	a := &applier{files: cloneFiles(files), out: &Applied{pools: map[string]map[int]engine.Actual{},
		issued: map[int]map[string][]billing.Issued{}, byYear: map[int]*Year{}, names: map[int]map[string]bool{}}}
	svc := a.service()
	if svc == nil {
		return nil, diag.Errorf(diag.Pos{}, diag.Invalid, "the rules declare no service")
	}
	a.start = svc.Start.Value
	a.first, a.last = max(svc.Years.From.Value, a.start.Year), svc.Years.To.Value
	for _, y := range years {
		a.year(y)
	}
	if err := a.errs.Sort().Err(); err != nil {
		return nil, err
	}
	a.out.Files = a.files
	return a.out, nil
}

// SetPools gives the pools of m, built from Files, their actual amounts.
// m must be a model of its own: the pools are changed in place. A pool
// with no actual amount in a year with actual figures, whose amount reads
// no parameter or rule given an actual figure that year, keeps its budget
// amount: a warning (in Warnings) says so.
func (a *Applied) SetPools(m *engine.Model) {
	for i := range m.Pools {
		p := &m.Pools[i]
		if byYear, ok := a.pools[p.ID]; ok {
			p.Actuals = byYear
		}
		for _, year := range a.Years {
			if _, ok := p.Actuals[year]; ok {
				continue
			}
			reads := false
			if p.Amount != nil {
				for _, ref := range p.Amount.Program.Refs() {
					reads = reads || a.names[year][ref.Name]
				}
			}
			if !reads {
				a.Warnings.Addf(a.byYear[year].File.Actuals.Year.Pos, diag.Invalid, "%d: no actual amount for pool %s: its budget amount stands in for it; give it under pools: (0 if nothing was spent), or the actual value of what its amount reads", year, p.ID)
			}
		}
	}
}

// Issued returns the instalments actually issued for year, by member id
// (nil when the figures list none).
func (a *Applied) Issued(year int) map[string][]billing.Issued { return a.issued[year] }

// Figures returns the actuals file of year, or nil.
func (a *Applied) Figures(year int) *Year { return a.byYear[year] }

type applier struct {
	files       []rules.NamedFile
	start       engine.Date
	first, last int
	errs        diag.List
	out         *Applied
}

func (a *applier) service() *rules.Service {
	for _, nf := range a.files {
		if s := nf.File.Service; s != nil && s.Years != nil {
			return s
		}
	}
	return nil
}

// cloneFiles copies the files deep enough that the overlays, which
// replace entries rather than write through them, leave files untouched.
func cloneFiles(files []rules.NamedFile) []rules.NamedFile {
	out := make([]rules.NamedFile, len(files))
	for i, nf := range files {
		f := *nf.File
		f.Parameters.Entries = slices.Clone(f.Parameters.Entries)
		out[i] = rules.NamedFile{Path: nf.Path, File: &f}
	}
	return out
}

// member is a member as the files declare it, with its days of membership.
type member struct {
	id           string
	joined, left engine.Date
}

func (a *applier) members() []member {
	var out []member
	for _, nf := range a.files {
		for _, m := range nf.File.Members {
			mm := member{id: m.ID.Value, joined: a.start, left: m.Left.Value}
			if m.Joined.Set {
				mm.joined = m.Joined.Value
			}
			out = append(out, mm)
		}
	}
	return out
}

// countsIn reports whether m counts in some month of year, as the engine
// counts months: a first day on which the service runs and m is a member.
func (a *applier) countsIn(m member, year int) bool {
	for mo := time.January; mo <= time.December; mo++ {
		day := engine.NewDate(year, mo, 1)
		if !day.Before(a.start) && !day.Before(m.joined) && (m.left.IsZero() || !m.left.Before(day)) {
			return true
		}
	}
	return false
}

func (a *applier) year(y *Year) {
	f := y.File
	h := f.Actuals
	if y.Year < a.first || y.Year > a.last {
		a.errs = append(a.errs, y.errorf(h.Year.Pos, "actual figures for %d, outside the years of the service, %d–%d", y.Year, a.first, a.last))
		return
	}
	a.out.Years = append(a.out.Years, y.Year)
	a.out.byYear[y.Year] = y
	var ids []string
	for _, nf := range a.files {
		for _, e := range nf.File.Pools.Entries {
			ids = append(ids, e.Key)
		}
	}
	given := map[string]bool{}
	for _, e := range f.Pools.Entries {
		if !slices.Contains(ids, e.Key) {
			a.errs = append(a.errs, y.errorf(e.KeyPos, "%q is not a pool of the rules%s; the pools are: %s", e.Key, diag.Suggest(e.Key, ids), strings.Join(ids, ", ")))
			continue
		}
		given[e.Key] = true
		source, assumption := e.Value.Source.Value, e.Value.Assumption.Value
		if !e.Value.Source.Set && !e.Value.Assumption.Set {
			source, assumption = y.Source, y.Assumption
		}
		if a.out.pools[e.Key] == nil {
			a.out.pools[e.Key] = map[int]engine.Actual{}
		}
		a.out.pools[e.Key][y.Year] = engine.Actual{Amount: e.Value.Amount.Value.Round(2), Pos: e.Value.Amount.Pos, Source: source, Assumption: assumption}
	}
	for _, e := range f.Parameters.Entries {
		a.parameter(y, e)
	}
	for _, e := range f.Rules.Entries {
		a.ruleFigure(y, e)
	}
	a.issued(y)
}

// declared finds a parameter of the files, nil when there is none.
func (a *applier) declared(name string) *rules.Parameter {
	for _, nf := range a.files {
		for i := range nf.File.Parameters.Entries {
			if nf.File.Parameters.Entries[i].Key == name {
				return &nf.File.Parameters.Entries[i].Value
			}
		}
	}
	return nil
}

func (a *applier) parameterNames() []string {
	var out []string
	for _, nf := range a.files {
		for _, e := range nf.File.Parameters.Entries {
			out = append(out, e.Key)
		}
	}
	return out
}

func (a *applier) parameter(y *Year, e rules.Entry[ParameterActual]) {
	p := a.declared(e.Key)
	v := e.Value
	if p == nil {
		if r := a.dataRule(e.Key); r != nil {
			a.dataFigures(y, e, r)
			return
		}
	}
	switch {
	case p == nil:
		a.errs = append(a.errs, y.errorf(e.KeyPos, "%q is not a parameter of the rules%s", e.Key, diag.Suggest(e.Key, a.parameterNames())))
		return
	case v.Value != nil && v.ByMember.Set:
		a.errs = append(a.errs, y.errorf(v.Value.Pos, "parameter %s: give value or by_member, not both", e.Key))
		return
	case v.Value == nil && !v.ByMember.Set:
		a.errs = append(a.errs, y.errorf(e.KeyPos, "parameter %s: give its actual value (value:), or each member's (by_member:)", e.Key))
		return
	case p.ByMember.Set && v.Value != nil:
		a.errs = append(a.errs, y.errorf(v.Value.Pos, "parameter %s is per member: give each member's actual value under by_member:", e.Key))
		return
	case !p.ByMember.Set && v.ByMember.Set:
		a.errs = append(a.errs, y.errorf(v.ByMember.Pos, "parameter %s is not per member: give its actual value under value:", e.Key))
		return
	}
	lo, hi := bounds(p)
	inBounds := func(n rules.Number, what string) bool {
		switch {
		case lo != nil && n.Value.LessThan(*lo):
			a.errs = append(a.errs, y.errorf(n.Pos, "%s: %s %s is below the minimum %s", what, n.Value, p.Unit.Value, lo))
			return false
		case hi != nil && n.Value.GreaterThan(*hi):
			a.errs = append(a.errs, y.errorf(n.Pos, "%s: %s %s is above the maximum %s", what, n.Value, p.Unit.Value, hi))
			return false
		}
		return true
	}
	from := engine.NewDate(y.Year, time.January, 1)
	a.overridden(y.Year, e.Key)
	if v.Value != nil {
		if inBounds(*v.Value, "parameter "+e.Key) {
			a.replace(e.Key, func(q *rules.Parameter) {
				values := overrideYear(dated(q.Value, q.Values, a.start), from, *v.Value, e.KeyPos)
				q.Value, q.Values = nil, rules.Map[rules.Number]{Node: q.Values.Node, Entries: values}
				q.Values.Set = true
			})
		}
		return
	}
	given, ok := a.memberFigures(y, e.Key, v.ByMember, p.Unit.Value, lo, hi)
	if !ok {
		return
	}
	a.replace(e.Key, func(q *rules.Parameter) {
		entries := slices.Clone(q.ByMember.Entries)
		for i := range entries {
			n, has := given[entries[i].Key]
			if !has {
				continue
			}
			mv := entries[i].Value
			values := overrideYear(dated(mv.Value, mv.Values, a.start), from, n, e.KeyPos)
			mv.Value, mv.Values = nil, rules.Map[rules.Number]{Node: mv.Values.Node, Entries: values}
			mv.Values.Set = true
			entries[i].Value = mv
		}
		q.ByMember.Entries = entries
	})
}

// dataRule finds the per-member rule a parameter read from a CSV file
// with a member column became (rules.Rule.Data), nil when there is none.
func (a *applier) dataRule(name string) *rules.Rule {
	for _, nf := range a.files {
		for i := range nf.File.Rules.Entries {
			if e := &nf.File.Rules.Entries[i]; e.Key == name && e.Value.Data() {
				return &e.Value
			}
		}
	}
	return nil
}

// dataFigures gives a per-member parameter read from a CSV file the
// actual figures of year y: a version from 1 January of y with each
// member's figure, and from 1 January of the next year the version the
// budget had in force then.
func (a *applier) dataFigures(y *Year, e rules.Entry[ParameterActual], r *rules.Rule) {
	v := e.Value
	if v.Value != nil || !v.ByMember.Set {
		at := e.KeyPos
		if v.Value != nil {
			at = v.Value.Pos
		}
		a.errs = append(a.errs, y.errorf(at, "parameter %s is per member (read from a CSV file with a member column): give each member's actual value under by_member:", e.Key))
		return
	}
	given, ok := a.memberFigures(y, e.Key, v.ByMember, r.Unit.Value, nil, nil)
	if !ok {
		return
	}
	actual := rules.Version{Description: rules.Text{Value: y.Title}, ByMember: rules.Map[rules.Expr]{Node: v.ByMember.Node}}
	for _, mv := range v.ByMember.Entries {
		if n, has := given[mv.Key]; has {
			actual.ByMember.Entries = append(actual.ByMember.Entries, rules.Entry[rules.Expr]{Key: mv.Key, KeyPos: mv.KeyPos,
				Value: rules.Expr{Node: n.Node, Source: n.Value.String()}})
		}
	}
	a.overrideRule(y, e.Key, e.KeyPos, actual)
	a.overridden(y.Year, e.Key)
}

// ruleFigure gives a global rule the actual value of year y: a cost the
// rules compute from forecasts (staff × average cost) that the accounts
// give directly. A pool whose amount reads it, and a key that divides by
// it, then agree on the actual figure.
func (a *applier) ruleFigure(y *Year, e rules.Entry[RuleActual]) {
	var names []string
	var found *rules.Rule
	for _, nf := range a.files {
		for i := range nf.File.Rules.Entries {
			r := &nf.File.Rules.Entries[i]
			names = append(names, r.Key)
			if r.Key == e.Key {
				found = &r.Value
			}
		}
	}
	switch {
	case found == nil:
		a.errs = append(a.errs, y.errorf(e.KeyPos, "%q is not a rule of the rules%s", e.Key, diag.Suggest(e.Key, names)))
		return
	case found.IsPerMember():
		a.errs = append(a.errs, y.errorf(e.KeyPos, "rule %s is per member: the actual figures give values of global rules (a cost); give per-member figures under parameters:", e.Key))
		return
	}
	n := e.Value.Value
	a.overrideRule(y, e.Key, e.KeyPos, rules.Version{Description: rules.Text{Value: y.Title}, Expr: rules.Expr{Node: n.Node, Source: n.Value.String()}})
	a.overridden(y.Year, e.Key)
}

// overrideRule puts version in force for year y in the rule name: the
// versions before 1 January of y are kept, the version runs the year, and
// from 1 January of the next year the version the budget had in force
// then (and every later one) comes back.
func (a *applier) overrideRule(y *Year, name string, at diag.Pos, version rules.Version) {
	from := engine.NewDate(y.Year, time.January, 1)
	next := engine.NewDate(y.Year+1, time.January, 1)
	version.From = rules.Date{Node: rules.Node{Set: true, Pos: y.File.Actuals.Year.Pos}, Value: from}
	a.replaceRule(name, func(q *rules.Rule) {
		versions := slices.Clone(q.Versions)
		if len(versions) == 0 {
			versions = []rules.Version{{From: rules.Date{Node: rules.Node{Set: true, Pos: at}, Value: a.start}, Expr: q.Expr, ByMember: q.ByMember}}
			q.Expr, q.ByMember = rules.Expr{}, rules.Map[rules.Expr]{}
		}
		var out []rules.Version
		inForce := -1
		for i, ver := range versions {
			if ver.From.Value.Before(from) {
				out = append(out, ver)
			}
			if !ver.From.Value.After(next) {
				inForce = i
			}
		}
		out = append(out, version)
		if inForce >= 0 {
			back := versions[inForce]
			back.From.Value = next
			out = append(out, back)
		}
		for _, ver := range versions {
			if ver.From.Value.After(next) {
				out = append(out, ver)
			}
		}
		q.Versions = out
	})
}

// overridden records that name has an actual figure in year.
func (a *applier) overridden(year int, name string) {
	if a.out.names[year] == nil {
		a.out.names[year] = map[string]bool{}
	}
	a.out.names[year][name] = true
}

// replaceRule gives the rule name, in the file that declares it, a copy
// changed by change.
func (a *applier) replaceRule(name string, change func(*rules.Rule)) {
	for i, nf := range a.files {
		for j := range nf.File.Rules.Entries {
			if nf.File.Rules.Entries[j].Key == name {
				f := *nf.File
				f.Rules.Entries = slices.Clone(f.Rules.Entries)
				q := f.Rules.Entries[j].Value
				change(&q)
				f.Rules.Entries[j].Value = q
				a.files[i].File = &f
				return
			}
		}
	}
}

// memberFigures checks the actual figures of a per-member parameter for
// year y: every member a member that year, each figure within lo and hi,
// none missing. It returns the figures by member id, and false after
// reporting any mistake.
func (a *applier) memberFigures(y *Year, name string, byMember rules.Map[rules.Number], unit string, lo, hi *decimal.Decimal) (map[string]rules.Number, bool) {
	if lo == nil {
		z := decimal.Zero
		lo = &z
	}
	ms := a.members()
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.id)
	}
	ok := true
	given := map[string]rules.Number{}
	for _, mv := range byMember.Entries {
		i := slices.IndexFunc(ms, func(m member) bool { return m.id == mv.Key })
		switch {
		case i < 0:
			a.errs = append(a.errs, y.errorf(mv.KeyPos, "parameter %s: %q is not a member%s", name, mv.Key, diag.Suggest(mv.Key, ids)))
			ok = false
		case !a.countsIn(ms[i], y.Year):
			a.errs = append(a.errs, y.errorf(mv.KeyPos, "parameter %s: %s is not a member in %d", name, mv.Key, y.Year))
			ok = false
		case mv.Value.Value.LessThan(*lo):
			a.errs = append(a.errs, y.errorf(mv.Value.Pos, "parameter %s, member %s: %s %s is below the minimum %s", name, mv.Key, mv.Value.Value, unit, lo))
			ok = false
		case hi != nil && mv.Value.Value.GreaterThan(*hi):
			a.errs = append(a.errs, y.errorf(mv.Value.Pos, "parameter %s, member %s: %s %s is above the maximum %s", name, mv.Key, mv.Value.Value, unit, hi))
			ok = false
		default:
			given[mv.Key] = mv.Value
		}
	}
	var missing []string
	for _, m := range ms {
		if a.countsIn(m, y.Year) && !slices.ContainsFunc(byMember.Entries, func(x rules.Entry[rules.Number]) bool { return x.Key == m.id }) {
			missing = append(missing, m.id)
		}
	}
	if len(missing) > 0 {
		a.errs = append(a.errs, y.errorf(byMember.Pos, "parameter %s: no actual value for %s, a member in %d: give every member's actual figure (0 if it used none), so that no forecast stands in for it",
			name, strings.Join(missing, ", "), y.Year))
		ok = false
	}
	return given, ok
}

// bounds are a parameter's minimum and maximum as the build checks them:
// min, or 0 for a staff count (ETC) and a per-member parameter; max.
func bounds(p *rules.Parameter) (lo, hi *decimal.Decimal) {
	if p.Min != nil {
		lo = &p.Min.Value
	} else if strings.EqualFold(p.Unit.Value, "ETC") || p.ByMember.Set {
		z := decimal.Zero
		lo = &z
	}
	if p.Max != nil {
		hi = &p.Max.Value
	}
	return lo, hi
}

// replace gives the parameter name, in the file that declares it, a copy
// changed by change.
func (a *applier) replace(name string, change func(*rules.Parameter)) {
	for _, nf := range a.files {
		for i := range nf.File.Parameters.Entries {
			if nf.File.Parameters.Entries[i].Key == name {
				q := nf.File.Parameters.Entries[i].Value
				change(&q)
				nf.File.Parameters.Entries[i].Value = q
				return
			}
		}
	}
}

// datedValue is a value in force from a date.
type datedValue struct {
	from  engine.Date
	entry rules.Entry[rules.Number]
}

// dated lists a parameter's values (a single value, or values by date) by
// date.
func dated(value *rules.Number, values rules.Map[rules.Number], start engine.Date) []datedValue {
	if value != nil {
		return []datedValue{{from: start, entry: rules.Entry[rules.Number]{Key: start.String(), KeyPos: value.Pos, Value: *value}}}
	}
	var out []datedValue
	for _, e := range values.Entries {
		if d, err := engine.ParseDate(e.Key); err == nil {
			out = append(out, datedValue{from: d, entry: e})
		}
	}
	slices.SortStableFunc(out, func(x, y datedValue) int { return x.from.Compare(y.from) })
	return out
}

// overrideYear gives values, by date, the value v for the year starting
// on from: the values before are kept, v is in force from 1 January, and
// from 1 January of the next year the value the budget had in force then
// (and every later one) comes back.
func overrideYear(values []datedValue, from engine.Date, v rules.Number, at diag.Pos) []rules.Entry[rules.Number] {
	next := engine.NewDate(from.Year+1, time.January, 1)
	var out []rules.Entry[rules.Number]
	inForce := -1
	for i, d := range values {
		if d.from.Before(from) {
			out = append(out, d.entry)
		}
		if !d.from.After(next) {
			inForce = i
		}
	}
	out = append(out, rules.Entry[rules.Number]{Key: from.String(), KeyPos: at, Value: v})
	if inForce >= 0 {
		back := values[inForce].entry
		back.Key = next.String()
		out = append(out, back)
	}
	for _, d := range values {
		if d.from.After(next) {
			out = append(out, d.entry)
		}
	}
	return out
}

// issued records the instalments issued to members in year y.
func (a *applier) issued(y *Year) {
	ms := a.members()
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.id)
	}
	for _, e := range y.File.Issued.Entries {
		i := slices.IndexFunc(ms, func(m member) bool { return m.id == e.Key })
		switch {
		case i < 0:
			a.errs = append(a.errs, y.errorf(e.KeyPos, "instalments issued to %q, which is not a member%s", e.Key, diag.Suggest(e.Key, ids)))
			continue
		case !a.countsIn(ms[i], y.Year):
			a.errs = append(a.errs, y.errorf(e.KeyPos, "instalments issued to %s, which is not a member in %d", e.Key, y.Year))
			continue
		}
		if a.out.issued[y.Year] == nil {
			a.out.issued[y.Year] = map[string][]billing.Issued{}
		}
		list := []billing.Issued{}
		for _, in := range e.Value {
			list = append(list, billing.Issued{Date: in.Date.Value, Amount: in.Amount.Value.Round(2), Reference: in.Reference.Value})
		}
		a.out.issued[y.Year][e.Key] = list
	}
}
