package billing

import (
	"fmt"
	"time"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/formula"
	"github.com/shopspring/decimal"
)

// Instalment is one instalment of a member's bill.
type Instalment struct {
	// Due is the day it falls due.
	Due engine.Date
	// FirstMonth and LastMonth bound the months it covers: those after
	// the previous instalment's month (January for the first) up to its
	// own month (December for the last).
	FirstMonth, LastMonth time.Month
	// Fraction is its share of the member's bill: the schedule's
	// fraction, divided by the sum of the fractions of the member's
	// instalments when it has only some of them.
	Fraction decimal.Decimal
	Amount   decimal.Decimal
	Label    string
}

// Months returns the months of year a member counts in: those whose first
// day the service has started and the member is a member, as the engine
// counts them.
func Months(m *engine.Model, member string, year int) [12]bool {
	var out [12]bool
	for i := range m.Members {
		if m.Members[i].ID != member {
			continue
		}
		for mo := time.January; mo <= time.December; mo++ {
			day := engine.NewDate(year, mo, 1)
			out[mo-1] = !day.Before(m.Start) && m.Members[i].ActiveOn(day)
		}
	}
	return out
}

// Instalments splits a member's bill for year over the instalments of
// schedule s (one instalment on 31 December when s is nil). months are the
// months the member counts in (see Months): an instalment is the member's
// when it covers at least one of them, so that a member joining or leaving
// during the year gets only the instalments of its months. The fractions
// of its instalments are scaled to sum to 1, and the amounts are shared
// with the largest remainder method (engine.Allocate): they sum exactly
// to bill, which must be in cents.
func Instalments(s *Schedule, year int, bill decimal.Decimal, months [12]bool) ([]Instalment, error) {
	dues := []Due{yearEnd}
	if s != nil && len(s.Dues) > 0 {
		dues = s.Dues
	}
	var out []Instalment
	sum := decimal.Zero
	first := time.January
	for k, d := range dues {
		last := d.Month
		if k == len(dues)-1 {
			last = time.December
		}
		covers := false
		for mo := first; mo <= last; mo++ {
			covers = covers || months[mo-1]
		}
		if covers {
			out = append(out, Instalment{Due: engine.NewDate(year, d.Month, d.Day), FirstMonth: first, LastMonth: last,
				Fraction: d.Fraction, Label: d.Label})
			sum = sum.Add(d.Fraction)
		}
		first = d.Month + 1
	}
	if len(out) == 0 {
		if bill.IsZero() {
			return nil, nil
		}
		return nil, fmt.Errorf("a bill of %s for %d, but the member counts in no month of the year", bill.StringFixed(2), year)
	}
	if !sum.IsPositive() {
		return nil, fmt.Errorf("the fractions of the instalments of %d sum to %s", year, sum)
	}
	raw := make([]decimal.Decimal, len(out))
	ids := make([]string, len(out))
	for i := range out {
		if !sum.Equal(decimal.NewFromInt(1)) {
			out[i].Fraction = out[i].Fraction.DivRound(sum, 2*formula.DivisionScale)
		}
		raw[i] = bill.Mul(out[i].Fraction)
		// Equal remainders go to the earlier instalment: ids sort as
		// the instalments do.
		ids[i] = fmt.Sprintf("%03d", i)
	}
	amounts, err := engine.Allocate(bill, raw, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Amount = amounts[i]
	}
	return out, nil
}
