package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/formula"
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
	ev.ctx = ctx
	res := &Result{ID: m.ID, Title: m.Title}
	for y := max(m.FirstYear, m.Start.Year); y <= to; y++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		year, err := ev.safeYear(y)
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
	m   *Model
	ctx context.Context
	vm  formula.VM
	// prev holds the parameters and global rules at the end of last year,
	// read as previous.<name>; nil in the service's first year.
	prev map[string]decimal.Decimal
	// prevOver names the values of prev beyond the limit of digits, which
	// cannot be read (nil when there is none).
	prevOver map[string]bool
	// limits are those of the environment the formulas were compiled in.
	limits formula.Limits
	// evals counts evaluations, to check ctx every cancelEvery of them.
	evals uint
	// activeMonths is how many months of the year being evaluated the
	// service runs: an actual pool amount is spread over them.
	activeMonths int

	// The frame layout: parameter i is Global[i], global rule r is
	// Global[len(Params)+r]; per-member rule r is Local[r] for the member
	// evaluated and Maps[r] for the global formulas.
	nParams int
	rules   [][]preparedVersion // by rule, by version
	pools   []*prepared
	fee     *prepared
	keyRule map[string]int // per-member rule index by name
	// paramIndex and ruleIndex find parameters and rules by name.
	paramIndex, ruleIndex map[string]int
	// buffers reused from month to month
	cur, next monthState
}

// prepared is a formula bound to the frame layout, with what must be
// checked before it runs: the parameters, previous values and member
// attributes it reads.
type prepared struct {
	f      *Formula
	bound  *formula.Bound // nil: evaluate on the VM
	params []int
	prev   []string
	member []string
	// names are the names the formula reads, resolved when it first runs
	// on the VM (namesOK): the VM's environment is built from them alone.
	names   []vmName
	namesOK bool
	// reads says whether the formula reads anything checked: when false
	// the checks are skipped.
	reads bool
}

// vmName is a name a formula reads and where its value is: a parameter
// or global rule (global, Index in Frame.Global), a per-member rule (rule,
// Index in Rules), year, previous or member.
type vmName struct {
	name  string
	kind  vmKind
	index int
}

type vmKind uint8

const (
	vmGlobal vmKind = iota
	vmRule
	vmYear
	vmPrevious
	vmMember
)

type preparedVersion struct {
	expr     *prepared
	byMember []*prepared // by member index; nil entries use expr
}

func newEvaluator(m *Model) *evaluator {
	ev := &evaluator{m: m, nParams: len(m.Params),
		keyRule: map[string]int{}, ctx: context.Background(), limits: formula.DefaultLimits}
	paramIndex := make(map[string]int, len(m.Params))
	for i := range m.Params {
		paramIndex[m.Params[i].Name] = i
	}
	ruleIndex := make(map[string]int, len(m.Rules))
	for i := range m.Rules {
		ruleIndex[m.Rules[i].Name] = i
		if m.Rules[i].PerMember {
			ev.keyRule[m.Rules[i].Name] = i
		}
	}
	resolve := func(perMember bool) func(string) formula.Slot {
		return func(name string) formula.Slot {
			if i, ok := paramIndex[name]; ok {
				return formula.Slot{Kind: formula.SlotGlobal, Index: i}
			}
			i, ok := ruleIndex[name]
			switch {
			case !ok:
				return formula.Slot{}
			case !m.Rules[i].PerMember:
				return formula.Slot{Kind: formula.SlotGlobal, Index: len(m.Params) + i}
			case perMember:
				return formula.Slot{Kind: formula.SlotLocal, Index: i}
			}
			return formula.Slot{Kind: formula.SlotMap, Index: i}
		}
	}
	ev.paramIndex, ev.ruleIndex = paramIndex, ruleIndex
	global, member := resolve(false), resolve(true)
	prepare := func(f *Formula, res func(string) formula.Slot) *prepared {
		if f == nil {
			return nil
		}
		p := &prepared{f: f, bound: f.Program.Env().Bind(f.Program, res)}
		ev.limits = f.Program.Env().Limits()
		for _, ref := range f.Program.Refs() {
			switch ref.Name {
			case formula.Previous:
				p.prev = append(p.prev, ref.Field)
			case formula.Member:
				p.member = append(p.member, ref.Field)
			default:
				if i, ok := paramIndex[ref.Name]; ok {
					p.params = append(p.params, i)
				}
			}
		}
		p.reads = len(p.prev)+len(p.member)+len(p.params) > 0
		return p
	}
	ev.rules = make([][]preparedVersion, len(m.Rules))
	for ri := range m.Rules {
		r := &m.Rules[ri]
		res := global
		if r.PerMember {
			res = member
		}
		ev.rules[ri] = make([]preparedVersion, len(r.Versions))
		for vi := range r.Versions {
			ver := &r.Versions[vi]
			pv := preparedVersion{expr: prepare(ver.Expr, res)}
			if len(ver.ByMember) > 0 {
				pv.byMember = make([]*prepared, len(m.Members))
				for mi := range m.Members {
					pv.byMember[mi] = prepare(ver.ByMember[m.Members[mi].ID], res)
				}
			}
			ev.rules[ri][vi] = pv
		}
	}
	for i := range m.Pools {
		ev.pools = append(ev.pools, prepare(m.Pools[i].Amount, global))
	}
	ev.fee = prepare(m.FeeRate, global)
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

func (s *monthState) clone() *monthState {
	return &monthState{day: s.day, active: s.active, members: slices.Clone(s.members),
		params: slices.Clone(s.params), versions: slices.Clone(s.versions)}
}

// state computes the state of day into s, reusing its slices.
func (ev *evaluator) state(s *monthState, day Date) {
	m := ev.m
	s.day = day
	s.active = !day.Before(m.Start)
	s.members = resize(s.members, len(m.Members))
	s.params = resize(s.params, len(m.Params))
	s.versions = resize(s.versions, len(m.Rules))
	for i := range m.Members {
		s.members[i] = m.Members[i].ActiveOn(day)
	}
	for i := range m.Params {
		vs := m.Params[i].Values
		idx := -1
		for j := range vs {
			if !day.Before(vs[j].From) {
				idx = j
			}
		}
		s.params[i] = idx
	}
	for i := range m.Rules {
		vs := m.Rules[i].Versions
		idx := -1
		for j := range vs {
			if !day.Before(vs[j].From) {
				idx = j
			}
		}
		s.versions[i] = idx
	}
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

func resize[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}

// segmentRun is a segment with the state it was evaluated in.
type segmentRun struct {
	Segment
	state   *monthState
	members []int // indices of the active members
	// local holds the per-member rules of the k-th active member at
	// local[k*len(Rules):], poolAmounts the pools by index.
	local       []decimal.Decimal
	poolAmounts []decimal.Decimal
}

func (ev *evaluator) year(y int) (*Year, error) {
	var segs []*segmentRun
	started := false
	for month := time.January; month <= time.December; month++ {
		ev.state(&ev.next, NewDate(y, month, 1))
		if started && ev.next.equal(&ev.cur) {
			segs[len(segs)-1].Months++
			continue
		}
		started = true
		ev.cur, ev.next = ev.next, ev.cur
		segs = append(segs, &segmentRun{Segment: Segment{FromMonth: int(month), Months: 1}, state: ev.cur.clone()})
	}
	segs = slices.DeleteFunc(segs, func(s *segmentRun) bool { return !s.state.active })
	ev.activeMonths = 0
	for _, s := range segs {
		ev.activeMonths += s.Months
	}
	var errs diag.List
	for _, s := range segs {
		if err := ev.segment(y, s); err != nil {
			if cerr := ev.ctx.Err(); cerr != nil {
				return nil, cerr
			}
			errs.Add(err)
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	previous := ev.prev
	if len(segs) > 0 {
		ev.prev = segs[len(segs)-1].Values
		ev.prevOver = nil
		for name, v := range ev.prev {
			if ev.limits.Check(v) != nil {
				if ev.prevOver == nil {
					ev.prevOver = map[string]bool{}
				}
				ev.prevOver[name] = true
			}
		}
	}
	year, err := ev.combine(y, segs)
	if year != nil {
		year.Previous = previous
	}
	return year, err
}

// safeYear is year with a library panic, or one of quotepart, turned into
// an error: evaluation is guarded in segment, allocation here.
func (ev *evaluator) safeYear(y int) (year *Year, err error) {
	defer func() {
		if r := recover(); r != nil {
			year, err = nil, diag.Errorf(diag.Pos{}, diag.Internal, "year %d: internal error: %v", y, formula.Words(fmt.Sprint(r)))
		}
	}()
	return ev.year(y)
}

// cancelEvery is how many evaluations pass between two checks of the
// context: an evaluation is bounded (in nodes and in digits) and takes
// microseconds, a thousand of them far less than a second.
const cancelEvery = 64

// segment evaluates parameters, rules, pools and the fee rate for s.
func (ev *evaluator) segment(y int, s *segmentRun) (err error) {
	m := ev.m
	if err := ev.ctx.Err(); err != nil {
		return err
	}
	at := s.state.day
	nr := len(m.Rules)
	g := &formula.Frame{
		Global:   make([]decimal.Decimal, ev.nParams+nr),
		Maps:     make([]map[string]decimal.Decimal, nr),
		Year:     decimal.NewFromInt(int64(y)),
		Previous: ev.prev,
	}
	has := make([]bool, ev.nParams+nr)
	s.Values = make(map[string]decimal.Decimal, len(m.Params)+len(m.Rules))
	s.MemberValues = map[string]map[string]decimal.Decimal{}
	s.PoolAmounts = make(map[string]decimal.Decimal, len(m.Pools))
	c := &evalContext{ev: ev, year: y, at: at, global: g, has: has}
	// A panic while evaluating a formula — in the decimal library or in
	// quotepart — is an error at that formula, never a crash.
	defer func() {
		if r := recover(); r != nil && c.cur != nil {
			what := func() string { return "pool or fee rate" }
			if c.rule < len(m.Rules) {
				what = func() string { return "rule " + m.Rules[c.rule].Name }
			}
			err = c.fail(c.cur.f, 0, what, diag.Internal, "internal error: the evaluation failed: %s", formula.Words(fmt.Sprint(r)))
		} else if r != nil {
			err = diag.Errorf(diag.Pos{}, diag.Internal, "year %d: internal error: %s", y, formula.Words(fmt.Sprint(r)))
		}
	}()
	for i, p := range m.Params {
		if j := s.state.params[i]; j >= 0 {
			g.Global[i] = p.Values[j].Value
			has[i] = true
			s.Values[p.Name] = p.Values[j].Value
		}
	}
	for i := range m.Members {
		if s.state.members[i] {
			s.members = append(s.members, i)
		}
	}
	s.local = make([]decimal.Decimal, len(s.members)*nr)
	memberValues := make([]map[string]decimal.Decimal, len(s.members))
	for k, mi := range s.members {
		memberValues[k] = map[string]decimal.Decimal{}
		s.MemberValues[m.Members[mi].ID] = memberValues[k]
	}
	// One frame per member, sharing the global values.
	mf := formula.Frame{Global: g.Global, Year: g.Year, Previous: g.Previous}
	for ri := range m.Rules {
		r := &m.Rules[ri]
		vi := s.state.versions[ri]
		if vi < 0 {
			return diag.Errorf(r.Pos, diag.Runtime, "rule %s has no formula in force on %s: its first version is from %s", r.Name, at, r.Versions[0].From)
		}
		c.rule = ri
		pv := &ev.rules[ri][vi]
		if !r.PerMember {
			v, err := c.eval(pv.expr, g, nil, -1, func() string { return "rule " + r.Name })
			if err != nil {
				return err
			}
			g.Global[ev.nParams+ri] = v
			has[ev.nParams+ri] = true
			s.Values[r.Name] = v
			continue
		}
		perMember := make(map[string]decimal.Decimal, len(s.members))
		ver := &r.Versions[vi]
		for k, mi := range s.members {
			mem := &m.Members[mi]
			f := pv.expr
			if pv.byMember != nil && pv.byMember[mi] != nil {
				f = pv.byMember[mi]
			}
			if f == nil {
				return diag.Errorf(ver.Pos, diag.Runtime, "rule %s gives no value for member %s, a member on %s: add it under by_member or give an expr for the others", r.Name, mem.ID, at)
			}
			mf.Local = s.local[k*nr : (k+1)*nr]
			mf.Member = mem.Attributes
			v, err := c.eval(f, &mf, mem, k, func() string { return fmt.Sprintf("rule %s for member %s", r.Name, mem.ID) })
			if err != nil {
				return err
			}
			mf.Local[ri] = v
			perMember[mem.ID] = v
			memberValues[k][r.Name] = v
		}
		g.Maps[ri] = perMember
	}
	c.rule = nr
	var errs diag.List
	s.poolAmounts = make([]decimal.Decimal, len(m.Pools))
	keysOK := map[string]bool{}
	for pi := range m.Pools {
		p := &m.Pools[pi]
		var v decimal.Decimal
		if a, ok := p.Actuals[y]; ok {
			v = ev.actualRate(a.Amount)
		} else {
			var err error
			v, err = c.eval(ev.pools[pi], g, nil, -1, func() string { return "pool " + p.ID })
			if err != nil {
				errs.Add(err)
				continue
			}
		}
		s.PoolAmounts[p.ID] = v
		s.poolAmounts[pi] = v
		// A key is checked once per segment, however many pools it
		// shares; a key at fault is reported for each of its pools.
		if !keysOK[p.Key] {
			err := ev.checkKey(y, s, p)
			keysOK[p.Key] = err == nil
			errs.Add(err)
		}
	}
	if m.FeeRate != nil {
		rate, err := c.eval(ev.fee, g, nil, -1, func() string { return "the fee rate" })
		errs.Add(err)
		s.FeeRate = rate
	}
	return errs.Err()
}

// actualRate is the yearly rate at which an actual amount for the year
// is spread over the months the service ran: the amount itself in a year
// of twelve months, so that the year's amount is exactly the actual one
// with no division; amount × 12 / months otherwise, to 40 decimals, which
// the months weigh back to the amount within far less than a cent.
func (ev *evaluator) actualRate(amount decimal.Decimal) decimal.Decimal {
	if ev.activeMonths == 12 || ev.activeMonths == 0 {
		return amount
	}
	return amount.Mul(decimal.NewFromInt(12)).DivRound(decimal.NewFromInt(int64(ev.activeMonths)), 2*formula.DivisionScale)
}

// memberKey returns member k's value of the per-member rule named key in
// segment s, the zero value when there is none.
func (ev *evaluator) memberKey(s *segmentRun, k int, key string) decimal.Decimal {
	ri, ok := ev.keyRule[key]
	if !ok {
		return decimal.Decimal{}
	}
	return s.local[k*len(ev.m.Rules)+ri]
}

// checkKey verifies that the key of pool p is non-negative for every member
// and sums to 1 in segment s.
func (ev *evaluator) checkKey(y int, s *segmentRun, p *Pool) error {
	sum := decimal.Zero
	for k, mi := range s.members {
		key := ev.memberKey(s, k, p.Key)
		if key.IsNegative() {
			return diag.Errorf(p.Pos, diag.Runtime, "pool %s, year %d: key %s of member %s is %s, below zero", p.ID, y, p.Key, ev.m.Members[mi].ID, key)
		}
		sum = accumulate(sum, key)
	}
	if sum.Sub(one).Abs().GreaterThan(KeyTolerance) {
		pos := p.Pos
		if rule := ev.rule(p.Key); rule != nil {
			pos = rule.Pos
		}
		return diag.Errorf(pos, diag.Runtime, "key %s of pool %s sums to %s in %d, not to 1 (members: %s)", p.Key, p.ID, sum, y, ev.memberList(s))
	}
	return nil
}

var one = decimal.NewFromInt(1)

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

// fastPath turns the bound closures on; tests turn it off to compare
// with expr's VM.
var fastPath = true

// evalContext evaluates the formulas of one segment and words their errors.
type evalContext struct {
	ev     *evaluator
	year   int
	at     Date
	global *formula.Frame
	has    []bool // whether Global[i] has a value
	rule   int    // the rule being evaluated; len(Rules) for pools and fees
	// cur is the formula being evaluated, for an error recovered from a
	// panic (what names a formula in messages is not kept: a closure kept
	// would be allocated for every evaluation).
	cur *prepared
}

// eval checks that every name p reads has a value in this segment, then
// runs it on the fast path, or on expr's VM when the fast path cannot
// (see formula.Bind). k is the member's index among the segment's active
// members, -1 for a global formula; what names the formula in messages
// ("rule part_ccas") and is only called on error.
func (c *evalContext) eval(p *prepared, f *formula.Frame, mem *Member, k int, what func() string) (decimal.Decimal, error) {
	ev := c.ev
	if ev.evals++; ev.evals%cancelEvery == 0 {
		if err := ev.ctx.Err(); err != nil {
			return decimal.Decimal{}, err
		}
	}
	c.cur = p
	if p.reads && !c.readsOK(p, mem) {
		return c.checkRefs(p.f, mem, what)
	}
	if p.bound != nil && fastPath {
		if v, ok := p.bound.Number(f); ok {
			return v, nil
		}
	}
	v, err := ev.vm.Number(p.f.Program, c.env(p, f, mem))
	if err != nil {
		return decimal.Decimal{}, c.fail(p.f, failedAt(err), what, errorCode(err), "%v", err)
	}
	return v, nil
}

// errorCode classifies an evaluation error: a limit reached, a bug, or a
// mistake in the rules.
func errorCode(err error) diag.Code {
	var le *formula.LimitError
	switch {
	case errors.As(err, &le):
		return diag.Limit
	case errors.Is(err, formula.ErrInternal):
		return diag.Internal
	}
	return diag.Runtime
}

// fail words an error of formula f at rune offset at of its expression:
// the operator or name concerned, or 0 for the whole expression.
func (c *evalContext) fail(f *Formula, at int, what func() string, code diag.Code, format string, args ...any) error {
	pos, line := f.PosAt(at)
	return &diag.Error{Pos: pos, Code: code, Source: line,
		Msg: fmt.Sprintf("%s, year %d: ", what(), c.year) + fmt.Sprintf(format, args...)}
}

// readsOK reports whether every checked name p reads has a value.
func (c *evalContext) readsOK(p *prepared, mem *Member) bool {
	for _, i := range p.params {
		if !c.has[i] {
			return false
		}
	}
	if len(p.prev) > 0 {
		if c.ev.prev == nil {
			return false
		}
		for _, name := range p.prev {
			if _, ok := c.ev.prev[name]; !ok || c.ev.prevOver[name] {
				return false
			}
		}
	}
	if len(p.member) > 0 {
		if mem == nil {
			return false
		}
		for _, name := range p.member {
			if _, ok := mem.Attributes[name]; !ok {
				return false
			}
		}
	}
	return true
}

// checkRefs returns the error for the first name f reads that has no
// value, in the order the names are written, at that name.
func (c *evalContext) checkRefs(f *Formula, mem *Member, what func() string) (decimal.Decimal, error) {
	for _, ref := range f.Program.Refs() {
		switch ref.Name {
		case formula.Previous:
			if c.ev.prev == nil {
				return decimal.Decimal{}, c.fail(f, ref.Offset, what, diag.Runtime, "reads previous.%s, but %d is the service's first year", ref.Field, c.year)
			}
			if _, ok := c.ev.prev[ref.Field]; !ok {
				return decimal.Decimal{}, c.fail(f, ref.Offset, what, diag.Runtime, "reads previous.%s, which had no value last year", ref.Field)
			}
			if c.ev.prevOver[ref.Field] {
				return decimal.Decimal{}, c.fail(f, ref.Offset, what, diag.Limit, "previous.%s has more than %s digits (the limit of a value; docs/limits.md)", ref.Field, formula.Thousands(c.ev.limits.MaxDigits))
			}
		case formula.Member:
			if mem == nil {
				return decimal.Decimal{}, c.fail(f, ref.Offset, what, diag.Runtime, "reads member.%s outside a per-member rule", ref.Field)
			}
			if _, ok := mem.Attributes[ref.Field]; !ok {
				return decimal.Decimal{}, c.fail(f, ref.Offset, what, diag.Runtime, "member %s has no attribute %s", mem.ID, ref.Field)
			}
		default:
			if i, ok := c.ev.paramIndex[ref.Name]; ok && !c.has[i] {
				return decimal.Decimal{}, c.fail(f, ref.Offset, what, diag.Runtime, "parameter %s has no value on %s (its first value is from %s)", ref.Name, c.at, c.ev.m.Params[i].Values[0].From)
			}
		}
	}
	return decimal.Decimal{}, c.fail(f, 0, what, diag.Internal, "internal error: a name has no value") // not reached
}

// env builds the map environment the VM reads for p, with the values
// computed so far in this segment of the names p reads (and of those
// alone: building every name for each evaluation would cost as much as
// there are rules): the parameters in force, year, previous, the global
// rules, the per-member rules (by member in a global formula, the
// member's own value in a per-member one) and the member's attributes.
func (c *evalContext) env(p *prepared, f *formula.Frame, mem *Member) map[string]any {
	m := c.ev.m
	if !p.namesOK {
		p.names, p.namesOK = c.ev.vmNames(p.f), true
	}
	env := make(map[string]any, len(p.names))
	for _, n := range p.names {
		switch n.kind {
		case vmYear:
			env[n.name] = f.Year
		case vmPrevious:
			env[n.name] = c.ev.prev
		case vmMember:
			if mem != nil {
				env[n.name] = mem.Attributes
			}
		case vmGlobal:
			if c.has[n.index] {
				env[n.name] = f.Global[n.index]
			}
		case vmRule:
			ri := n.index
			if ri >= c.rule {
				break // not computed yet: dependency order forbids it
			}
			switch r := &m.Rules[ri]; {
			case !r.PerMember:
				env[n.name] = f.Global[c.ev.nParams+ri]
			case mem != nil:
				env[n.name] = f.Local[ri]
			default:
				env[n.name] = c.global.Maps[ri]
			}
		}
	}
	return env
}

// vmNames resolves the names f reads, each once.
func (ev *evaluator) vmNames(f *Formula) []vmName {
	var names []vmName
	for _, ref := range f.Program.Refs() {
		if slices.ContainsFunc(names, func(n vmName) bool { return n.name == ref.Name }) {
			continue // a formula reads a few names: no map
		}
		n := vmName{name: ref.Name}
		switch ref.Name {
		case formula.Year:
			n.kind = vmYear
		case formula.Previous:
			n.kind = vmPrevious
		case formula.Member:
			n.kind = vmMember
		default:
			if i, ok := ev.paramIndex[ref.Name]; ok {
				n.index = i
			} else if ri, ok := ev.ruleIndex[ref.Name]; ok {
				n.kind, n.index = vmRule, ri
			} else {
				continue
			}
		}
		names = append(names, n)
	}
	return names
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
	seen := make([]bool, len(m.Members)) // a set: slices.Contains made combine quadratic in members
	for _, s := range segs {
		out.Months += s.Months
		out.Segments = append(out.Segments, s.Segment)
		for _, mi := range s.members {
			if !seen[mi] {
				seen[mi] = true
				members = append(members, mi)
			}
		}
	}
	slices.Sort(members)
	ids := make([]string, len(members))
	slot := make([]int, len(m.Members))
	for k, mi := range members {
		ids[k] = m.Members[mi].ID
		slot[mi] = k
	}
	// Pools sharing a key share its weighted shares.
	weighted := map[string][]decimal.Decimal{}
	weightedKey := func(key string) []decimal.Decimal {
		if shares, ok := weighted[key]; ok {
			return shares
		}
		shares := zeros(len(members))
		for _, s := range segs {
			w := weight(s)
			for j, mi := range s.members {
				k := slot[mi]
				shares[k] = accumulate(shares[k], w.Mul(ev.memberKey(s, j, key)))
			}
		}
		for k := range shares {
			shares[k] = perActiveMonth(shares[k])
		}
		weighted[key] = shares
		return shares
	}

	// Members' amounts add whole cents: summed as int64 while they fit,
	// then turned into decimals in cents, as adding the parts gives them.
	amountCents, feeCents := make([]int64, len(members)), make([]int64, len(members))
	centsOK := true
	for _, p := range m.Pools {
		if err := ev.ctx.Err(); err != nil {
			return nil, err
		}
		amount, fees := decimal.Zero, decimal.Zero
		rawParts, rawFees := zeros(len(members)), zeros(len(members))
		for _, s := range segs {
			a := s.PoolAmounts[p.ID].Mul(weight(s))
			fee := decimal.Zero
			if p.Fees {
				fee = a.Mul(s.FeeRate)
			}
			amount, fees = accumulate(amount, a), accumulate(fees, fee)
			for j, mi := range s.members {
				k := slot[mi]
				key := ev.memberKey(s, j, p.Key)
				rawParts[k] = accumulate(rawParts[k], a.Mul(key))
				if p.Fees {
					rawFees[k] = accumulate(rawFees[k], fee.Mul(key))
				} else {
					// decimal.Zero × key, that is 0 × 10^(1 + the key's
					// exponent), without allocating it.
					rawFees[k] = accumulate(rawFees[k], zeroAt(1+key.Exponent()))
				}
			}
		}
		py := PoolYear{ID: p.ID, Label: p.Label, Key: p.Key,
			Amount: perYear(amount).Round(2), Fees: perYear(fees).Round(2)}
		for k := range rawParts {
			rawParts[k], rawFees[k] = perYear(rawParts[k]), perYear(rawFees[k])
		}
		parts, cents, err := allocate(py.Amount, rawParts, ids, centsOK)
		if err != nil {
			return nil, diag.Errorf(p.Pos, diag.Internal, "pool %s, year %d: %v", p.ID, y, err)
		}
		// A pool without fees has fees of exactly zero for everyone:
		// what Allocate would return, zero cents each, without the work.
		feeParts, fcents := centZeros(len(members)), make([]int64, len(members))
		if p.Fees {
			feeParts, fcents, err = allocate(py.Fees, rawFees, ids, centsOK)
			if err != nil {
				return nil, diag.Errorf(p.Pos, diag.Internal, "fees of pool %s, year %d: %v", p.ID, y, err)
			}
		}
		centsOK = centsOK && cents != nil && fcents != nil
		shares := weightedKey(p.Key)
		for k := range members {
			py.Parts = append(py.Parts, Part{Member: ids[k], Share: shares[k], Amount: parts[k], Fees: feeParts[k],
				Exact: rawParts[k], ExactFees: rawFees[k]})
			if centsOK {
				a, ok1 := addInt64(amountCents[k], cents[k])
				a, ok2 := addInt64(a, fcents[k])
				f, ok3 := addInt64(feeCents[k], fcents[k])
				amountCents[k], feeCents[k] = a, f
				centsOK = ok1 && ok2 && ok3
			}
		}
		out.Total = add(accumulate(out.Total, py.Amount), py.Fees)
		out.Pools = append(out.Pools, py)
	}
	memberAmounts, memberFees := zeros(len(members)), zeros(len(members))
	switch {
	case len(m.Pools) == 0:
	case centsOK:
		for k := range members {
			memberAmounts[k], memberFees[k] = decimal.New(amountCents[k], -2), decimal.New(feeCents[k], -2)
		}
	default:
		for _, py := range out.Pools {
			for k, pt := range py.Parts {
				memberAmounts[k] = add(accumulate(memberAmounts[k], pt.Amount), pt.Fees)
				memberFees[k] = accumulate(memberFees[k], pt.Fees)
			}
		}
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

// addInt64 returns a + b and whether it did not overflow.
func addInt64(a, b int64) (int64, bool) {
	c := a + b
	return c, (c > a) == (b > 0) || b == 0
}

// centZeros returns n zeros in cents, as Allocate gives them.
func centZeros(n int) []decimal.Decimal {
	z := make([]decimal.Decimal, n)
	for i := range z {
		z[i] = zeroCents
	}
	return z
}

var zeroCents = decimal.New(0, -2)

func zeros(n int) []decimal.Decimal {
	z := make([]decimal.Decimal, n)
	for i := range z {
		z[i] = decimal.Zero
	}
	return z
}
