package billing

import (
	"slices"
	"time"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/shopspring/decimal"
)

// Terms are the billing terms of a rule set: when the members are billed,
// what happens to the regularisation of a closed year, and which members
// settle by imputation on their attribution de compensation. The zero
// Terms bill each year in one instalment due on 31 December, carry no
// regularisation and impute nothing.
type Terms struct {
	// Schedules are the instalment schedules, sorted by From; each governs
	// the years from its own to the next one's.
	Schedules []Schedule
	// Regularisation says what becomes of the difference between what a
	// member owed on a closed year's actual figures and what it was billed.
	Regularisation Regularisation
	// Imputations are the members that settle by imputation on their
	// attribution de compensation, in the order written.
	Imputations []Imputation
}

// Schedule is an instalment schedule in force from a date: the dates in
// the year at which instalments fall due, and the fraction of the year's
// bill each one carries.
type Schedule struct {
	From engine.Date
	// Label names the schedule ("Quatre acomptes trimestriels");
	// Source, URL and Assumption say where it comes from.
	Label, Source, URL, Assumption string
	// Dues are in date order; their fractions sum to 1.
	Dues []Due
	Pos  diag.Pos
}

// Due is one instalment of a schedule: its day in the year and its
// fraction of the year's bill.
type Due struct {
	Month    time.Month
	Day      int
	Fraction decimal.Decimal
	Label    string
	Pos      diag.Pos
}

// Regularisation is what the terms do with the regularisation of a closed
// year.
type Regularisation struct {
	// Carry adds each member's regularisation to its bill of the next
	// year; without it, the regularisation is computed (settle) but
	// billed apart, outside the yearly bills.
	Carry bool
	// Source, URL and Assumption say where the rule comes from.
	Source, URL, Assumption string
	Pos                     diag.Pos
}

// Imputation declares a member that settles by imputation on its
// attribution de compensation (CGCT L.5211-4-2): Parameter gives its AC
// for each year.
type Imputation struct {
	Member, Parameter string
	// Source says which deliberation decides it.
	Source, URL, Assumption string
	Pos                     diag.Pos
}

// yearEnd is the due date of the one instalment of a year billed without
// a schedule.
var yearEnd = Due{Month: time.December, Day: 31, Fraction: decimal.NewFromInt(1)}

// ScheduleFor returns the schedule that governs year: the last one in
// force on 1 January of the year, or on the service's start in its first
// year; nil when none is (the year is billed in one instalment on 31
// December).
func (t *Terms) ScheduleFor(year int, start engine.Date) *Schedule {
	if t == nil {
		return nil
	}
	day := engine.NewDate(year, time.January, 1)
	if start.Year == year && start.After(day) {
		day = start
	}
	var out *Schedule
	for i := range t.Schedules {
		if !t.Schedules[i].From.After(day) {
			out = &t.Schedules[i]
		}
	}
	return out
}

// ImputationOf returns the imputation declared for member, or nil when it
// pays by invoice.
func (t *Terms) ImputationOf(member string) *Imputation {
	if t == nil {
		return nil
	}
	i := slices.IndexFunc(t.Imputations, func(im Imputation) bool { return im.Member == member })
	if i < 0 {
		return nil
	}
	return &t.Imputations[i]
}
