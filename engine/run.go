package engine

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/quotepart/quotepart/diag"
	"github.com/quotepart/quotepart/formula"
	"github.com/shopspring/decimal"
)

// KeyTolerance is how far from 1 the members' keys of a pool may sum. Keys
// computed by division carry formula.DivisionScale decimals, so a key such
// as 1/3 sums to 0.99999999999999999999; anything further from 1 is a
// mistake in the rules, not rounding.
var KeyTolerance = decimal.New(1, -12)

// Options choose what a run covers.
type Options struct {
	// From and To are the first and last years reported; zero means the
	// model's default.
	From, To int
}

// Run evaluates the model for each year up to opt.To and returns the years
// from opt.From. Years before opt.From are evaluated too, from the service's
// first year, because a rule may read last year's values.
//
// Errors are *diag.Error values, collected in a diag.List, positioned on the
// formula or declaration at fault. Evaluation stops after the first year
// with an error, since later years would read its values.
func Run(ctx context.Context, m *Model, opt Options) (*Result, error) {
	from, to := opt.From, opt.To
	if from == 0 {
		from = m.From
	}
	if to == 0 {
		to = m.To
	}
	if from > to {
		return nil, diag.Errorf(diag.Pos{}, diag.Invalid, "the first year %d is after the last year %d", from, to)
	}
	if from < m.FirstYear || to > m.LastYear {
		return nil, diag.Errorf(diag.Pos{}, diag.Invalid, "years %d–%d are outside the years the rules cover, %d–%d", from, to, m.FirstYear, m.LastYear)
	}
	ev := newEvaluator(m)
	res := &Result{ID: m.ID, Title: m.Title}
	for y := max(m.FirstYear, m.Start.Year); y <= to; y++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		year, err := ev.year(y)
		if err != nil {
			return nil, err
		}
		if y >= from {
			res.Years = append(res.Years, *year)
		}
	}
	return res, nil
}

type evaluator struct {
	m      *Model
	vm     formula.VM
	params map[string]*Param
	// prev holds the parameters and global rules at the end of last year,
	// read as previous.<name>; nil in the service's first year.
	prev map[string]decimal.Decimal
}

func newEvaluator(m *Model) *evaluator {
	ev := &evaluator{m: m, params: make(map[string]*Param, len(m.Params))}
	for i := range m.Params {
		ev.params[m.Params[i].Name] = &m.Params[i]
	}
	return ev
}

// monthState is what decides the values of a month: whether the service is
// in effect, which members are, which value of each parameter and which
// version of each rule. Months with equal states form one segment.
type monthState struct {
	day      Date
	active   bool
	members  []bool
	params   []int // index in Values, -1 before the first
	versions []int // index in Versions, -1 before the first
}

func (s *monthState) equal(t *monthState) bool {
	return s.active == t.active && slices.Equal(s.members, t.members) &&
		slices.Equal(s.params, t.params) && slices.Equal(s.versions, t.versions)
}

func (ev *evaluator) state(day Date) *monthState {
	m := ev.m
	s := &monthState{
		day:      day,
		active:   !day.Before(m.Start),
		members:  make([]bool, len(m.Members)),
		params:   make([]int, len(m.Params)),
		versions: make([]int, len(m.Rules)),
	}
	for i := range m.Members {
		s.members[i] = m.Members[i].ActiveOn(day)
	}
	for i, p := range m.Params {
		s.params[i] = lastFrom(len(p.Values), func(j int) Date { return p.Values[j].From }, day)
	}
	for i, r := range m.Rules {
		s.versions[i] = lastFrom(len(r.Versions), func(j int) Date { return r.Versions[j].From }, day)
	}
	return s
}

// lastFrom returns the index of the last of n dated entries in force on
// day, or -1.
func lastFrom(n int, from func(int) Date, day Date) int {
	idx := -1
	for j := range n {
		if from(j).Before(day) || from(j) == day {
			idx = j
		}
	}
	return idx
}

// segmentRun is a segment with the state it was evaluated in.
type segmentRun struct {
	Segment
	state   *monthState
	members []int // indices of the active members
}

func (ev *evaluator) year(y int) (*Year, error) {
	var segs []*segmentRun
	var cur *monthState
	for month := time.January; month <= time.December; month++ {
		s := ev.state(NewDate(y, month, 1))
		if cur != nil && s.equal(cur) {
			segs[len(segs)-1].Months++
			continue
		}
		cur = s
		segs = append(segs, &segmentRun{Segment: Segment{FromMonth: int(month), Months: 1}, state: s})
	}
	segs = slices.DeleteFunc(segs, func(s *segmentRun) bool { return !s.state.active })
	var errs diag.List
	for _, s := range segs {
		errs.Add(ev.segment(y, s))
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	previous := ev.prev
	if len(segs) > 0 {
		ev.prev = segs[len(segs)-1].Values
	}
	year, err := ev.combine(y, segs)
	if year != nil {
		year.Previous = previous
	}
	return year, err
}

// segment evaluates parameters, rules, pools and the fee rate for s.
func (ev *evaluator) segment(y int, s *segmentRun) error {
	m := ev.m
	at := s.state.day
	global := make(map[string]any, len(m.Params)+len(m.Rules)+2)
	global[formula.Year] = decimal.NewFromInt(int64(y))
	global[formula.Previous] = ev.prev
	s.Values = make(map[string]decimal.Decimal, len(m.Params)+len(m.Rules))
	s.MemberValues = map[string]map[string]decimal.Decimal{}
	s.PoolAmounts = make(map[string]decimal.Decimal, len(m.Pools))
	c := &evalContext{ev: ev, year: y, at: at}
	for i, p := range m.Params {
		if j := s.state.params[i]; j >= 0 {
			global[p.Name] = p.Values[j].Value
			s.Values[p.Name] = p.Values[j].Value
		}
	}
	envs := make([]map[string]any, 0, len(m.Members))
	for i := range m.Members {
		if !s.state.members[i] {
			continue
		}
		s.members = append(s.members, i)
		env := maps.Clone(global)
		env[formula.Member] = m.Members[i].Attributes
		envs = append(envs, env)
		s.MemberValues[m.Members[i].ID] = map[string]decimal.Decimal{}
	}
	for ri, r := range m.Rules {
		vi := s.state.versions[ri]
		if vi < 0 {
			return diag.Errorf(r.Pos, diag.Runtime, "rule %s has no formula in force on %s: its first version is from %s", r.Name, at, r.Versions[0].From)
		}
		ver := &r.Versions[vi]
		if !r.PerMember {
			v, err := c.eval(ver.Expr, global, nil, "rule "+r.Name)
			if err != nil {
				return err
			}
			global[r.Name] = v
			s.Values[r.Name] = v
			for _, env := range envs {
				env[r.Name] = v
			}
			continue
		}
		perMember := make(map[string]decimal.Decimal, len(s.members))
		for k, mi := range s.members {
			mem := &m.Members[mi]
			f := ver.ByMember[mem.ID]
			if f == nil {
				f = ver.Expr
			}
			if f == nil {
				return diag.Errorf(ver.Pos, diag.Runtime, "rule %s gives no value for member %s, a member on %s: add it under by_member or give an expr for the others", r.Name, mem.ID, at)
			}
			v, err := c.eval(f, envs[k], mem, fmt.Sprintf("rule %s for member %s", r.Name, mem.ID))
			if err != nil {
				return err
			}
			envs[k][r.Name] = v
			perMember[mem.ID] = v
			s.MemberValues[mem.ID][r.Name] = v
		}
		global[r.Name] = perMember
	}
	var errs diag.List
	for _, p := range m.Pools {
		v, err := c.eval(p.Amount, global, nil, "pool "+p.ID)
		if err != nil {
			errs.Add(err)
			continue
		}
		s.PoolAmounts[p.ID] = v
		errs.Add(ev.checkKey(y, s, &p))
	}
	if m.FeeRate != nil {
		rate, err := c.eval(m.FeeRate, global, nil, "the fee rate")
		errs.Add(err)
		s.FeeRate = rate
	}
	return errs.Err()
}

// checkKey verifies that the key of pool p is non-negative for every member
// and sums to 1 in segment s.
func (ev *evaluator) checkKey(y int, s *segmentRun, p *Pool) error {
	rule := ev.rule(p.Key)
	sum := decimal.Zero
	for _, mi := range s.members {
		id := ev.m.Members[mi].ID
		k := s.MemberValues[id][p.Key]
		if k.IsNegative() {
			return diag.Errorf(p.Pos, diag.Runtime, "pool %s, year %d: key %s of member %s is %s, below zero", p.ID, y, p.Key, id, k)
		}
		sum = sum.Add(k)
	}
	if sum.Sub(decimal.NewFromInt(1)).Abs().GreaterThan(KeyTolerance) {
		pos := p.Pos
		if rule != nil {
			pos = rule.Pos
		}
		return diag.Errorf(pos, diag.Runtime, "key %s of pool %s sums to %s in %d, not to 1 (members: %s)", p.Key, p.ID, sum, y, ev.memberList(s))
	}
	return nil
}

func (ev *evaluator) memberList(s *segmentRun) string {
	ids := ""
	for i, mi := range s.members {
		if i > 0 {
			ids += ", "
		}
		ids += ev.m.Members[mi].ID
	}
	return ids
}

func (ev *evaluator) rule(name string) *Rule {
	for i := range ev.m.Rules {
		if ev.m.Rules[i].Name == name {
			return &ev.m.Rules[i]
		}
	}
	return nil
}

// evalContext evaluates the formulas of one segment and words their errors.
type evalContext struct {
	ev   *evaluator
	year int
	at   Date
}

// eval checks that every name f reads has a value in this segment, then
// runs it. what names the formula in messages ("rule part_ccas").
func (c *evalContext) eval(f *Formula, env map[string]any, mem *Member, what string) (decimal.Decimal, error) {
	fail := func(format string, args ...any) (decimal.Decimal, error) {
		return decimal.Decimal{}, &diag.Error{Pos: f.Pos, Code: diag.Runtime, Source: f.Line,
			Msg: fmt.Sprintf("%s, year %d: ", what, c.year) + fmt.Sprintf(format, args...)}
	}
	for _, ref := range f.Program.Refs() {
		switch ref.Name {
		case formula.Previous:
			if c.ev.prev == nil {
				return fail("reads previous.%s, but %d is the service's first year", ref.Field, c.year)
			}
			if _, ok := c.ev.prev[ref.Field]; !ok {
				return fail("reads previous.%s, which had no value last year", ref.Field)
			}
		case formula.Member:
			if mem == nil {
				return fail("reads member.%s outside a per-member rule", ref.Field)
			}
			if _, ok := mem.Attributes[ref.Field]; !ok {
				return fail("member %s has no attribute %s", mem.ID, ref.Field)
			}
		default:
			if p := c.ev.params[ref.Name]; p != nil {
				if _, ok := env[ref.Name]; !ok {
					return fail("parameter %s has no value on %s (its first value is from %s)", ref.Name, c.at, p.Values[0].From)
				}
			}
		}
	}
	v, err := c.ev.vm.Number(f.Program, env)
	if err != nil {
		return fail("%v", err)
	}
	return v, nil
}

// combine weights the segments by their months, rounds each pool to the
// cent and allocates it.
func (ev *evaluator) combine(y int, segs []*segmentRun) (*Year, error) {
	m := ev.m
	out := &Year{Year: y, Total: decimal.Zero}
	// A year of one unchanged twelve-month segment is weighted 1/1: no
	// division, so its amounts are exactly what the formulas gave.
	weight := func(s *segmentRun) decimal.Decimal { return decimal.NewFromInt(int64(s.Months)) }
	perYear := func(x decimal.Decimal) decimal.Decimal {
		return x.DivRound(decimal.NewFromInt(12), 2*formula.DivisionScale)
	}
	// A share is averaged over the months the service was in effect, so
	// that the shares of a partial first year still sum to 1.
	perActiveMonth := func(x decimal.Decimal) decimal.Decimal {
		return x.DivRound(decimal.NewFromInt(int64(out.Months)), 2*formula.DivisionScale)
	}
	if len(segs) == 1 && segs[0].Months == 12 {
		weight = func(*segmentRun) decimal.Decimal { return decimal.NewFromInt(1) }
		perYear = func(x decimal.Decimal) decimal.Decimal { return x }
		perActiveMonth = perYear
	}
	var members []int
	for _, s := range segs {
		out.Months += s.Months
		out.Segments = append(out.Segments, s.Segment)
		for _, mi := range s.members {
			if !slices.Contains(members, mi) {
				members = append(members, mi)
			}
		}
	}
	slices.Sort(members)
	ids := make([]string, len(members))
	slot := make(map[int]int, len(members))
	for k, mi := range members {
		ids[k] = m.Members[mi].ID
		slot[mi] = k
	}
	weightedKey := func(key string) []decimal.Decimal {
		shares := zeros(len(members))
		for _, s := range segs {
			for _, mi := range s.members {
				k := slot[mi]
				shares[k] = shares[k].Add(weight(s).Mul(s.MemberValues[ids[k]][key]))
			}
		}
		for k := range shares {
			shares[k] = perActiveMonth(shares[k])
		}
		return shares
	}

	memberAmounts, memberFees := zeros(len(members)), zeros(len(members))
	for _, p := range m.Pools {
		amount, fees := decimal.Zero, decimal.Zero
		rawParts, rawFees := zeros(len(members)), zeros(len(members))
		for _, s := range segs {
			a := s.PoolAmounts[p.ID].Mul(weight(s))
			fee := decimal.Zero
			if p.Fees {
				fee = a.Mul(s.FeeRate)
			}
			amount, fees = amount.Add(a), fees.Add(fee)
			for _, mi := range s.members {
				k := slot[mi]
				key := s.MemberValues[ids[k]][p.Key]
				rawParts[k] = rawParts[k].Add(a.Mul(key))
				rawFees[k] = rawFees[k].Add(fee.Mul(key))
			}
		}
		py := PoolYear{ID: p.ID, Label: p.Label, Key: p.Key,
			Amount: perYear(amount).Round(2), Fees: perYear(fees).Round(2)}
		for k := range rawParts {
			rawParts[k], rawFees[k] = perYear(rawParts[k]), perYear(rawFees[k])
		}
		parts, err := Allocate(py.Amount, rawParts, ids)
		if err != nil {
			return nil, diag.Errorf(p.Pos, diag.Internal, "pool %s, year %d: %v", p.ID, y, err)
		}
		feeParts, err := Allocate(py.Fees, rawFees, ids)
		if err != nil {
			return nil, diag.Errorf(p.Pos, diag.Internal, "fees of pool %s, year %d: %v", p.ID, y, err)
		}
		shares := weightedKey(p.Key)
		for k := range members {
			py.Parts = append(py.Parts, Part{Member: ids[k], Share: shares[k], Amount: parts[k], Fees: feeParts[k],
				Exact: rawParts[k], ExactFees: rawFees[k]})
			memberAmounts[k] = memberAmounts[k].Add(parts[k]).Add(feeParts[k])
			memberFees[k] = memberFees[k].Add(feeParts[k])
		}
		out.Total = out.Total.Add(py.Amount).Add(py.Fees)
		out.Pools = append(out.Pools, py)
	}
	refKey := m.ReferenceKey
	if refKey == "" && len(m.Pools) > 0 {
		refKey = m.Pools[0].Key
	}
	shares := weightedKey(refKey)
	for k, mi := range members {
		mem := &m.Members[mi]
		my := MemberYear{ID: mem.ID, Label: mem.Label, Manager: mem.ID == m.Manager,
			Share: shares[k], Amount: memberAmounts[k], Fees: memberFees[k], Billed: memberAmounts[k]}
		if my.Manager {
			my.Billed = decimal.Zero
		}
		out.Members = append(out.Members, my)
	}
	return out, nil
}

func zeros(n int) []decimal.Decimal {
	z := make([]decimal.Decimal, n)
	for i := range z {
		z[i] = decimal.Zero
	}
	return z
}
