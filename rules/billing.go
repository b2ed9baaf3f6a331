package rules

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/engine/billing"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/shopspring/decimal"
)

// Carry values of billing.regularisation.carry.
const (
	CarryNextYear = "next_year"
	CarryApart    = "apart"
)

// billingTerms builds the billing: section (declared once in the rule
// set) into billing.Terms: the instalment schedules, the fate of a
// closed year's regularisation, and the members settled by imputation on
// their attribution de compensation.
func (b *builder) billingTerms() {
	b.terms = &billing.Terms{}
	var found *Billing
	var where diag.Pos
	for _, nf := range b.set.Files {
		if f := nf.File.Billing; f != nil {
			pos := firstPos(f)
			if found != nil {
				b.errorf(pos, "billing terms are declared twice: first at %s", where)
				continue
			}
			found, where = f, pos
		}
	}
	if found == nil {
		return
	}
	b.schedules(found.Instalments)
	if r := found.Regularisation; r != nil {
		switch r.Carry.Value {
		case CarryNextYear:
			b.terms.Regularisation.Carry = true
		case CarryApart:
		default:
			b.errorf(r.Carry.Pos, "billing regularisation: carry %s: expected %s or %s%s", quote(r.Carry.Value), CarryNextYear, CarryApart,
				diag.Suggest(r.Carry.Value, []string{CarryNextYear, CarryApart}))
		}
		b.terms.Regularisation.Source, b.terms.Regularisation.Assumption = r.Source.Value, r.Assumption.Value
		b.terms.Regularisation.URL = b.sourceURL(r.URL, "billing regularisation")
		b.terms.Regularisation.Pos = r.Carry.Pos
	}
	for _, e := range found.AttributionCompensation.Entries {
		ac := e.Value
		mem := b.members[e.Key]
		switch {
		case mem == nil:
			b.errorf(e.KeyPos, "billing attribution_compensation: %s is not a member%s", quote(e.Key), diag.Suggest(e.Key, b.memberIDs()))
			continue
		case e.Key == b.m.Manager:
			b.errorf(e.KeyPos, "billing attribution_compensation: %s manages the service and bills itself nothing: it has nothing to impute", e.Key)
			continue
		}
		if _, ok := b.params[ac.Parameter.Value]; !ok {
			var names []string
			for _, p := range b.m.Params {
				names = append(names, p.Name)
			}
			b.errorf(ac.Parameter.Pos, "billing attribution_compensation of %s: %s is not a parameter%s (declare the member's AC, in EUR, under parameters:)",
				e.Key, quote(ac.Parameter.Value), diag.Suggest(ac.Parameter.Value, names))
			continue
		}
		b.terms.Imputations = append(b.terms.Imputations, billing.Imputation{Member: e.Key, Parameter: ac.Parameter.Value,
			Source: ac.Source.Value, Assumption: ac.Assumption.Value, URL: b.sourceURL(ac.URL, "attribution_compensation of "+e.Key), Pos: e.KeyPos})
	}
}

// firstPos is where a billing: section starts, for messages.
func firstPos(f *Billing) diag.Pos {
	switch {
	case len(f.Instalments) > 0:
		return f.Instalments[0].From.Pos
	case f.Regularisation != nil:
		return f.Regularisation.Carry.Pos
	}
	return f.AttributionCompensation.Pos
}

var one = decimal.NewFromInt(1)

// schedules checks and builds the instalment schedules: each takes effect
// on 1 January or on the service's start (it governs whole years), no two
// on the same date, dues in date order with positive fractions summing to
// exactly 1.
func (b *builder) schedules(list []InstalmentSchedule) {
	seen := map[engine.Date]diag.Pos{}
	for _, s := range list {
		from := s.From.Value
		if !s.From.Set {
			continue
		}
		if prev, ok := seen[from]; ok {
			b.errorf(s.From.Pos, "two instalment schedules in force on %s: this one and the one at %s; give each its own date", from, prev)
			continue
		}
		seen[from] = s.From.Pos
		if from != b.m.Start && (from.Month != time.January || from.Day != 1) {
			b.errorf(s.From.Pos, "instalment schedule from %s: a schedule governs whole years, so it takes effect on 1 January (or on the service's start, %s)", from, b.m.Start)
			continue
		}
		sch := billing.Schedule{From: from, Label: s.Label.Value, Source: s.Source.Value, Assumption: s.Assumption.Value,
			URL: b.sourceURL(s.URL, "instalment schedule from "+from.String()), Pos: s.From.Pos}
		sum := decimal.Zero
		ok := true
		for i, d := range s.Due {
			sum = sum.Add(d.Fraction.Value)
			month, day, err := monthDay(d.Date.Value)
			if err != nil {
				b.errorf(d.Date.Pos, "instalment schedule from %s, instalment %d: %v", from, i+1, err)
				ok = false
				continue
			}
			if n := len(sch.Dues); n > 0 {
				if last := sch.Dues[n-1]; month < last.Month || (month == last.Month && day <= last.Day) {
					b.errorf(d.Date.Pos, "instalment schedule from %s: %s comes before or with the instalment before it (%02d-%02d): write the instalments in date order, one a day at most",
						from, d.Date.Value, int(last.Month), last.Day)
					ok = false
				} else if month == last.Month {
					b.errorf(d.Date.Pos, "instalment schedule from %s: two instalments in %s: an instalment covers the months since the one before, so at most one falls in a month", from, time.Month(month))
					ok = false
				}
			}
			if !d.Fraction.Value.IsPositive() {
				b.errorf(d.Fraction.Pos, "instalment schedule from %s, instalment %d: fraction %s: expected a share above 0 (0.25 for a quarter)", from, i+1, d.Fraction.Value)
				ok = false
			}
			sch.Dues = append(sch.Dues, billing.Due{Month: month, Day: day, Fraction: d.Fraction.Value, Label: d.Label.Value, Pos: d.Date.Pos})
		}
		if len(s.Due) == 0 {
			b.errorf(s.From.Pos, "instalment schedule from %s has no instalment: list them under due:", from)
			continue
		}
		if !sum.Equal(one) {
			var parts []string
			for _, d := range s.Due {
				parts = append(parts, d.Fraction.Value.String())
			}
			b.errorf(s.Due[0].Fraction.Pos, "instalment schedule from %s: the fractions sum to %s (%s), not to 1: the instalments must cover the whole bill",
				from, sum, strings.Join(parts, " + "))
			ok = false
		}
		if ok {
			b.terms.Schedules = append(b.terms.Schedules, sch)
		}
	}
	slices.SortFunc(b.terms.Schedules, func(x, y billing.Schedule) int { return x.From.Compare(y.From) })
}

// monthDay reads a day of the year written MM-DD that exists in every
// year: 02-29 does not.
func monthDay(s string) (time.Month, int, error) {
	t, err := time.Parse("01-02", s)
	if err != nil || len(s) != 5 {
		return 0, 0, fmt.Errorf("expected a day of the year written MM-DD, such as 03-31, found %s", quote(s))
	}
	if t.Month() == time.February && t.Day() == 29 {
		return 0, 0, fmt.Errorf("02-29 is not a day of every year: use 02-28 or 03-01")
	}
	return t.Month(), t.Day(), nil
}
