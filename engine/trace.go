package engine

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/formula"
	"github.com/shopspring/decimal"
)

// Trace explains how a member's amount for a year was computed: for each
// pool, the amount formula, the member's key and the rounding of its part;
// then every rule involved with its formula, the values it read and the
// value it produced; then every parameter read, with its source. The parts
// of the pools sum to the member's amount (see Total).
type Trace struct {
	Year   int
	Months int
	Member MemberYear
	Pools  []PoolTrace
	// FeeRate is the fee rate formula's evaluation per segment, when the
	// rule set has fees.
	FeeRate []Evaluation
	Rules   []RuleTrace
	Params  []ParamTrace
}

// Total is the sum of the member's parts and fee parts over the pools; it
// equals Member.Amount.
func (t *Trace) Total() decimal.Decimal {
	sum := decimal.Zero
	for _, p := range t.Pools {
		sum = sum.Add(p.Part.Amount).Add(p.Part.Fees)
	}
	return sum
}

// PoolTrace explains the member's part of one pool.
type PoolTrace struct {
	Pool PoolYear // the pool's rounded amount and fees for the year
	// Amount is the pool's formula evaluated in each segment.
	Amount []Evaluation
	// Key is the member's key in each segment.
	Key  []Evaluation
	Fees bool
	Part Part // the member's part: exact, then rounded
	// Actual is the pool's actual amount for the year when the run was on
	// actual figures; the Amount evaluations then hold the monthly rate
	// it was spread at, with no formula.
	Actual *Actual
}

// RuleTrace is a rule's evaluations for the traced member (per-member
// rules) or for the service (global rules).
type RuleTrace struct {
	Rule        *Rule
	Evaluations []Evaluation
}

// Evaluation is one formula evaluated in one segment.
type Evaluation struct {
	FromMonth, Months int
	Member            string // for per-member rules
	Source            string // the formula as written
	Pos               diag.Pos
	Inputs            []Input
	Value             decimal.Decimal
}

// Input is a value a formula read.
type Input struct {
	Name string
	// Kind is "parameter", "rule", "attribute", "previous" or "year".
	Kind  string
	Value decimal.Decimal
	// PerMember holds, when a global formula reads a per-member rule, the
	// value of each member; Value is then their sum.
	PerMember map[string]decimal.Decimal
}

// ParamTrace is a parameter read, with the values in force that year.
type ParamTrace struct {
	Param  *Param
	Values []Dated
}

// Explain traces member's amount in year y of a run of m. The year must
// come from a Result of Run on the same model.
func Explain(m *Model, y *Year, member string) (*Trace, error) {
	t := &Trace{Year: y.Year, Months: y.Months}
	found := false
	var ids []string
	for _, my := range y.Members {
		ids = append(ids, my.ID)
		if my.ID == member {
			t.Member, found = my, true
		}
	}
	if !found {
		return nil, diag.Errorf(diag.Pos{}, diag.NotFound, "%q is not a member in %d; the members that year are: %s", member, y.Year, strings.Join(ids, ", "))
	}
	x := &explainer{m: m, y: y, member: member, want: map[traceKey]bool{}, params: map[string]bool{},
		rules: make(map[string]*Rule, len(m.Rules))}
	for i := range m.Rules {
		x.rules[m.Rules[i].Name] = &m.Rules[i]
	}
	for _, p := range m.Pools {
		pt := PoolTrace{Fees: p.Fees}
		for _, py := range y.Pools {
			if py.ID == p.ID {
				pt.Pool = py
				for _, part := range py.Parts {
					if part.Member == member {
						pt.Part = part
					}
				}
			}
		}
		key := x.rule(p.Key)
		amount := p.Amount
		if a, ok := p.Actuals[y.Year]; ok {
			pt.Actual, amount = &a, nil
		}
		for si := range y.Segments {
			pt.Amount = append(pt.Amount, x.evaluate(si, amount, "", y.Segments[si].PoolAmounts[p.ID]))
			if key != nil && y.Segments[si].MemberValues[member] != nil {
				f := x.formulaFor(key, si, member)
				pt.Key = append(pt.Key, x.evaluate(si, f, member, y.Segments[si].MemberValues[member][p.Key]))
				x.want[traceKey{p.Key, member}] = true
			}
		}
		t.Pools = append(t.Pools, pt)
	}
	if m.FeeRate != nil {
		for si := range y.Segments {
			t.FeeRate = append(t.FeeRate, x.evaluate(si, m.FeeRate, "", y.Segments[si].FeeRate))
		}
	}
	// Rules come in evaluation order; a rule's inputs may ask for rules
	// earlier in that order, so walk it backwards until nothing is added.
	for changed := true; changed; {
		changed = false
		for ri := len(m.Rules) - 1; ri >= 0; ri-- {
			r := &m.Rules[ri]
			for _, id := range x.members(r) {
				k := traceKey{r.Name, id}
				if !x.want[k] || x.done[k] {
					continue
				}
				x.markDone(k)
				changed = true
				for si := range y.Segments {
					if f := x.formulaFor(r, si, id); f != nil {
						x.evaluate(si, f, id, decimal.Zero)
					}
				}
			}
		}
	}
	for ri := range m.Rules {
		r := &m.Rules[ri]
		rt := RuleTrace{Rule: r}
		for _, id := range x.members(r) {
			if !x.want[traceKey{r.Name, id}] {
				continue
			}
			for si, seg := range y.Segments {
				f := x.formulaFor(r, si, id)
				if f == nil {
					continue
				}
				v := seg.Values[r.Name]
				if r.PerMember {
					v = seg.MemberValues[id][r.Name]
				}
				rt.Evaluations = append(rt.Evaluations, x.evaluate(si, f, id, v))
			}
		}
		if len(rt.Evaluations) > 0 {
			t.Rules = append(t.Rules, rt)
		}
	}
	for pi := range m.Params {
		p := &m.Params[pi]
		if !x.params[p.Name] {
			continue
		}
		pt := ParamTrace{Param: p}
		for si := range y.Segments {
			day := NewDate(y.Year, monthOf(y.Segments[si].FromMonth), 1)
			if i := lastFrom(len(p.Values), func(j int) Date { return p.Values[j].From }, day); i >= 0 && !slices.ContainsFunc(pt.Values, func(d Dated) bool { return d.From == p.Values[i].From }) {
				pt.Values = append(pt.Values, p.Values[i])
			}
		}
		t.Params = append(t.Params, pt)
	}
	return t, nil
}

type traceKey struct{ rule, member string }

type explainer struct {
	m      *Model
	y      *Year
	member string
	want   map[traceKey]bool
	done   map[traceKey]bool
	params map[string]bool
	rules  map[string]*Rule // by name
}

func (x *explainer) markDone(k traceKey) {
	if x.done == nil {
		x.done = map[traceKey]bool{}
	}
	x.done[k] = true
}

func (x *explainer) rule(name string) *Rule { return x.rules[name] }

// members lists the ids a rule is traced for: "" for a global rule, the
// members in model order for a per-member rule.
func (x *explainer) members(r *Rule) []string {
	if !r.PerMember {
		return []string{""}
	}
	var ids []string
	for _, my := range x.y.Members {
		ids = append(ids, my.ID)
	}
	return ids
}

// formulaFor returns the formula of rule r in force in segment si for
// member id, or nil when the member was not active then.
func (x *explainer) formulaFor(r *Rule, si int, id string) *Formula {
	seg := &x.y.Segments[si]
	if r.PerMember && seg.MemberValues[id] == nil {
		return nil
	}
	day := NewDate(x.y.Year, monthOf(seg.FromMonth), 1)
	vi := lastFrom(len(r.Versions), func(j int) Date { return r.Versions[j].From }, day)
	if vi < 0 {
		return nil
	}
	v := &r.Versions[vi]
	if f := v.ByMember[id]; r.PerMember && f != nil {
		return f
	}
	return v.Expr
}

// evaluate records what formula f read in segment si, in the context of
// member id ("" for a global formula), and asks for the rules it read to be
// traced too.
func (x *explainer) evaluate(si int, f *Formula, id string, value decimal.Decimal) Evaluation {
	seg := &x.y.Segments[si]
	ev := Evaluation{FromMonth: seg.FromMonth, Months: seg.Months, Member: id, Value: value}
	if f == nil {
		return ev
	}
	ev.Source, ev.Pos = f.Program.Source(), f.Pos
	seen := map[string]bool{}
	for _, ref := range f.Program.Refs() {
		name := ref.Name
		if ref.Field != "" {
			name += "." + ref.Field
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		in := Input{Name: name}
		switch {
		case ref.Name == formula.Year:
			in.Kind, in.Value = "year", decimal.NewFromInt(int64(x.y.Year))
		case ref.Name == formula.Member:
			in.Kind = "attribute"
			for i := range x.m.Members {
				if x.m.Members[i].ID == id {
					in.Value = x.m.Members[i].Attributes[ref.Field]
				}
			}
		case ref.Name == formula.Previous:
			in.Kind, in.Value = "previous", x.y.Previous[ref.Field]
		default:
			r := x.rule(ref.Name)
			switch {
			case r == nil:
				in.Kind, in.Value = "parameter", seg.Values[ref.Name]
				x.params[ref.Name] = true
			case !r.PerMember:
				in.Kind, in.Value = "rule", seg.Values[ref.Name]
				x.want[traceKey{r.Name, ""}] = true
			case id != "":
				in.Kind, in.Value = "rule", seg.MemberValues[id][ref.Name]
				x.want[traceKey{r.Name, id}] = true
			default:
				in.Kind, in.PerMember, in.Value = "rule", map[string]decimal.Decimal{}, decimal.Zero
				for mid, vals := range seg.MemberValues {
					in.PerMember[mid] = vals[ref.Name]
					in.Value = in.Value.Add(vals[ref.Name])
					x.want[traceKey{r.Name, mid}] = true
				}
			}
		}
		ev.Inputs = append(ev.Inputs, in)
	}
	return ev
}

func monthOf(m int) time.Month { return time.Month(m) }

// String renders an evaluation compactly, for debugging and tests.
func (e Evaluation) String() string {
	var in []string
	for _, i := range e.Inputs {
		in = append(in, fmt.Sprintf("%s=%s", i.Name, i.Value))
	}
	return fmt.Sprintf("%s [%s] = %s", e.Source, strings.Join(in, ", "), e.Value)
}
