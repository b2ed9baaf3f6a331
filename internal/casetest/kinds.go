package casetest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
	"github.com/shopspring/decimal"
)

// A kind is one sort of expected value: the subjects an expectation names
// (exactly those), the measures it may give, how its names are checked
// against the model before anything runs, and how the actual values are
// read from a year of the result.
//
// This table is the one place to extend: a project indicator, once the
// engine computes them, is a kind with subjects {"project"} and its own
// measures, plus the matching fields in Expectation.
type kind struct {
	name     string
	subjects []string
	measures []string
	// resolve checks the names the expectation gives against the model.
	resolve func(m *engine.Model, e *Expectation) *diag.Error
	// read returns the actual value of a measure in year y, once per
	// segment for values that may change within the year.
	read func(m *engine.Model, y *engine.Year, e *Expectation, measure string) ([]reading, error)
}

// reading is an actual value; months says which part of the year it is,
// when the value may change within the year.
type reading struct {
	months string
	value  decimal.Decimal
	// from and n are the first month and the number of months of the
	// segment read, when months is set.
	from, n int
}

func one(v decimal.Decimal) ([]reading, error) { return []reading{{value: v}}, nil }

var kinds = []kind{
	{
		name:     "year",
		measures: []string{"total"},
		resolve:  func(*engine.Model, *Expectation) *diag.Error { return nil },
		read: func(_ *engine.Model, y *engine.Year, _ *Expectation, _ string) ([]reading, error) {
			return one(y.Total)
		},
	},
	{
		name:     "member",
		subjects: []string{"member"},
		measures: []string{"key", "amount", "fees", "billed"},
		resolve:  resolveMember,
		read: func(_ *engine.Model, y *engine.Year, e *Expectation, measure string) ([]reading, error) {
			for _, my := range y.Members {
				if my.ID != e.Member.Value {
					continue
				}
				switch measure {
				case "key":
					return one(my.Share)
				case "amount":
					return one(my.Amount)
				case "fees":
					return one(my.Fees)
				case "billed":
					return one(my.Billed)
				}
			}
			return nil, fmt.Errorf("member %s has no bill in %d", e.Member.Value, y.Year)
		},
	},
	{
		name:     "member's part of a pool",
		subjects: []string{"member", "pool"},
		measures: []string{"key", "amount", "fees"},
		resolve: func(m *engine.Model, e *Expectation) *diag.Error {
			if err := resolveMember(m, e); err != nil {
				return err
			}
			return resolvePool(m, e)
		},
		read: func(_ *engine.Model, y *engine.Year, e *Expectation, measure string) ([]reading, error) {
			for _, py := range y.Pools {
				if py.ID != e.Pool.Value {
					continue
				}
				for _, part := range py.Parts {
					if part.Member != e.Member.Value {
						continue
					}
					switch measure {
					case "key":
						return one(part.Share)
					case "amount":
						return one(part.Amount)
					case "fees":
						return one(part.Fees)
					}
				}
			}
			return nil, fmt.Errorf("member %s has no part of pool %s in %d", e.Member.Value, e.Pool.Value, y.Year)
		},
	},
	{
		name:     "pool",
		subjects: []string{"pool"},
		measures: []string{"amount", "fees"},
		resolve:  resolvePool,
		read: func(_ *engine.Model, y *engine.Year, e *Expectation, measure string) ([]reading, error) {
			for _, py := range y.Pools {
				if py.ID == e.Pool.Value {
					if measure == "fees" {
						return one(py.Fees)
					}
					return one(py.Amount)
				}
			}
			return nil, fmt.Errorf("pool %s has no amount in %d", e.Pool.Value, y.Year)
		},
	},
	{
		name:     "rule",
		subjects: []string{"rule"},
		measures: []string{"value"},
		resolve:  func(m *engine.Model, e *Expectation) *diag.Error { return resolveRule(m, e, false) },
		read:     readSegments,
	},
	{
		name:     "per-member rule",
		subjects: []string{"member", "rule"},
		measures: []string{"value"},
		resolve: func(m *engine.Model, e *Expectation) *diag.Error {
			if err := resolveMember(m, e); err != nil {
				return err
			}
			return resolveRule(m, e, true)
		},
		read: readSegments,
	},
	{
		name:     "parameter",
		subjects: []string{"parameter"},
		measures: []string{"value"},
		resolve: func(m *engine.Model, e *Expectation) *diag.Error {
			for _, p := range m.Params {
				if p.Name == e.Parameter.Value {
					return nil
				}
			}
			names := make([]string, len(m.Params))
			for i, p := range m.Params {
				names[i] = p.Name
			}
			return diag.Errorf(e.Parameter.Pos, diag.NotFound, "%q is not a parameter of the rules%s", e.Parameter.Value, diag.Suggest(e.Parameter.Value, names))
		},
		read: readSegments,
	},
}

// subjects lists the subject keys an expectation gives, in the order of
// Expectation's fields.
func (e *Expectation) subjects() []string {
	var out []string
	for _, s := range []struct {
		key string
		set bool
	}{{"member", e.Member.Set}, {"pool", e.Pool.Set}, {"rule", e.Rule.Set}, {"parameter", e.Parameter.Set}} {
		if s.set {
			out = append(out, s.key)
		}
	}
	return out
}

// measure is an expected value and the key it is written under.
type measure struct {
	key   string
	value *rules.Number
}

func (e *Expectation) measures() []measure {
	var out []measure
	for _, m := range []measure{{"key", e.Key}, {"amount", e.Amount}, {"fees", e.Fees}, {"billed", e.Billed}, {"total", e.Total}, {"value", e.Value}} {
		if m.value != nil {
			out = append(out, m)
		}
	}
	return out
}

// kindOf returns the kind whose subjects are exactly those e gives.
func kindOf(e *Expectation) (*kind, bool) {
	subj := e.subjects()
	for i := range kinds {
		if slices.Equal(kinds[i].subjects, subj) {
			return &kinds[i], true
		}
	}
	return nil, false
}

// kindList describes the accepted combinations, for messages.
func kindList() string {
	var parts []string
	for _, k := range kinds {
		s := "no subject"
		if len(k.subjects) > 0 {
			s = strings.Join(k.subjects, " + ")
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", s, strings.Join(k.measures, ", ")))
	}
	return strings.Join(parts, "; ")
}

// subject words the subject of an expectation for reports: "member ville",
// "pool masse_salariale, member ccas", "total".
func (e *Expectation) subject() string {
	var parts []string
	if e.Pool.Set {
		parts = append(parts, "pool "+e.Pool.Value)
	}
	if e.Rule.Set {
		parts = append(parts, "rule "+e.Rule.Value)
	}
	if e.Parameter.Set {
		parts = append(parts, "parameter "+e.Parameter.Value)
	}
	if e.Member.Set {
		parts = append(parts, "member "+e.Member.Value)
	}
	if len(parts) == 0 {
		return "year"
	}
	return strings.Join(parts, ", ")
}

func resolveMember(m *engine.Model, e *Expectation) *diag.Error {
	ids := make([]string, len(m.Members))
	for i, mem := range m.Members {
		if mem.ID == e.Member.Value {
			return nil
		}
		ids[i] = mem.ID
	}
	return diag.Errorf(e.Member.Pos, diag.NotFound, "%q is not a member%s; the members are: %s", e.Member.Value, diag.Suggest(e.Member.Value, ids), strings.Join(ids, ", "))
}

func resolvePool(m *engine.Model, e *Expectation) *diag.Error {
	ids := make([]string, len(m.Pools))
	for i, p := range m.Pools {
		if p.ID == e.Pool.Value {
			return nil
		}
		ids[i] = p.ID
	}
	return diag.Errorf(e.Pool.Pos, diag.NotFound, "%q is not a pool%s; the pools are: %s", e.Pool.Value, diag.Suggest(e.Pool.Value, ids), strings.Join(ids, ", "))
}

func resolveRule(m *engine.Model, e *Expectation, perMember bool) *diag.Error {
	names := make([]string, len(m.Rules))
	for i, r := range m.Rules {
		names[i] = r.Name
		if r.Name != e.Rule.Value {
			continue
		}
		switch {
		case r.PerMember && !perMember:
			return diag.Errorf(e.Rule.Pos, diag.Invalid, "rule %s is per member: say which member (member: ...)", r.Name)
		case !r.PerMember && perMember:
			return diag.Errorf(e.Member.Pos, diag.Invalid, "rule %s is the same for every member: leave member out", r.Name)
		}
		return nil
	}
	slices.Sort(names)
	return diag.Errorf(e.Rule.Pos, diag.NotFound, "%q is not a rule%s", e.Rule.Value, diag.Suggest(e.Rule.Value, names))
}

// readSegments reads a rule's or a parameter's value in each segment of
// the year: the expected value must hold in every month.
func readSegments(_ *engine.Model, y *engine.Year, e *Expectation, _ string) ([]reading, error) {
	var out []reading
	for _, s := range y.Segments {
		var v decimal.Decimal
		var ok bool
		switch {
		case e.Parameter.Set:
			v, ok = s.Values[e.Parameter.Value]
		case e.Member.Set:
			vals, active := s.MemberValues[e.Member.Value]
			if !active {
				continue // not a member in these months
			}
			v, ok = vals[e.Rule.Value]
		default:
			v, ok = s.Values[e.Rule.Value]
		}
		months := ""
		if len(y.Segments) > 1 {
			months = monthRange(s.FromMonth, s.Months)
		}
		if !ok {
			return nil, fmt.Errorf("%s has no value in %d%s", e.subject(), y.Year, prefixed(" (", months, ")"))
		}
		out = append(out, reading{months: months, value: v, from: s.FromMonth, n: s.Months})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s has no value in %d", e.subject(), y.Year)
	}
	return out, nil
}

func monthRange(from, n int) string {
	if n == 1 {
		return fmt.Sprintf("month %d", from)
	}
	return fmt.Sprintf("months %d–%d", from, from+n-1)
}

func prefixed(before, s, after string) string {
	if s == "" {
		return ""
	}
	return before + s + after
}
