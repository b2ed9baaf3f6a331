package billing

import (
	"fmt"
	"slices"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/shopspring/decimal"
)

// Issued is an instalment actually issued to a member (a titre de
// recette), as the actual figures of the year list it.
type Issued struct {
	Date      engine.Date
	Amount    decimal.Decimal
	Reference string
}

// Settlement is the regularisation of a closed year: per member, what it
// was billed and what it owed on the actual figures.
type Settlement struct {
	Year    int
	Members []MemberSettlement
	Pools   []PoolSettlement
	// Billed, Due and Difference are the sums of the members' own;
	// Difference is Due − Billed, exactly.
	Billed, Due, Difference decimal.Decimal
}

// MemberSettlement is one member's regularisation.
type MemberSettlement struct {
	ID, Label string
	Manager   bool
	// Forecast and Actual are the member's parts of the costs, fees
	// included, on the budget and on the actual figures (the manager's
	// too, although it bills itself nothing).
	Forecast, Actual decimal.Decimal
	// Billed is what the member was billed for the year: the instalments
	// actually issued when the actual figures list them (Issued set),
	// its forecast bill otherwise; zero for the manager.
	Billed decimal.Decimal
	Issued []Issued
	// Due is what it owed on the actual figures (zero for the manager),
	// and Difference = Due − Billed what is left to bill (negative: to
	// refund).
	Due, Difference decimal.Decimal
}

// PoolSettlement is a pool's amount and fees on the budget and on the
// actual figures.
type PoolSettlement struct {
	ID, Label                                    string
	Budget, BudgetFees, ActualAmount, ActualFees decimal.Decimal
}

// Settle compares the budget and actual runs of one year. issued gives,
// by member id, the instalments actually issued, when the actual figures
// list them; a member without any is taken to have been billed its
// forecast bill. The two years must have the same members: the actual
// figures change amounts, not membership.
func Settle(budget, actual *engine.Year, issued map[string][]Issued) (*Settlement, error) {
	if budget.Year != actual.Year {
		return nil, fmt.Errorf("settle: budget year %d, actual year %d", budget.Year, actual.Year)
	}
	ids := func(y *engine.Year) []string {
		var out []string
		for _, m := range y.Members {
			out = append(out, m.ID)
		}
		return out
	}
	if !slices.Equal(ids(budget), ids(actual)) {
		return nil, fmt.Errorf("settle %d: the members differ between the budget (%s) and the actual figures (%s)",
			budget.Year, strings.Join(ids(budget), ", "), strings.Join(ids(actual), ", "))
	}
	for id := range issued {
		if !slices.Contains(ids(budget), id) {
			return nil, diag.Errorf(diag.Pos{}, diag.Invalid, "instalments issued to %s, which is not a member in %d", id, budget.Year)
		}
	}
	s := &Settlement{Year: budget.Year, Billed: zero, Due: zero, Difference: zero}
	for i, b := range budget.Members {
		a := actual.Members[i]
		ms := MemberSettlement{ID: b.ID, Label: b.Label, Manager: b.Manager, Forecast: b.Amount, Actual: a.Amount,
			Billed: zero, Due: zero}
		if !b.Manager {
			ms.Billed, ms.Due = b.Amount, a.Amount
		}
		if list, ok := issued[b.ID]; ok {
			ms.Issued = list
			ms.Billed = zero
			for _, in := range list {
				ms.Billed = ms.Billed.Add(in.Amount)
			}
		}
		ms.Difference = ms.Due.Sub(ms.Billed)
		s.Billed = s.Billed.Add(ms.Billed)
		s.Due = s.Due.Add(ms.Due)
		s.Difference = s.Difference.Add(ms.Difference)
		s.Members = append(s.Members, ms)
	}
	for _, bp := range budget.Pools {
		ps := PoolSettlement{ID: bp.ID, Label: bp.Label, Budget: bp.Amount, BudgetFees: bp.Fees, ActualAmount: zero, ActualFees: zero}
		for _, ap := range actual.Pools {
			if ap.ID == bp.ID {
				ps.ActualAmount, ps.ActualFees = ap.Amount, ap.Fees
			}
		}
		s.Pools = append(s.Pools, ps)
	}
	return s, nil
}

var zero = decimal.New(0, -2)

// Of returns the member's line, or nil.
func (s *Settlement) Of(member string) *MemberSettlement {
	if s == nil {
		return nil
	}
	for i := range s.Members {
		if s.Members[i].ID == member {
			return &s.Members[i]
		}
	}
	return nil
}

// Carry adds the regularisation of s to the bills of the next year in
// res, when res has that year: each member's difference becomes its
// Regularisation and is added to its Billed. It returns the members whose
// regularisation could not be carried because they are no longer members
// the next year (it must be billed apart), in the order of s.
func Carry(res *engine.Result, s *Settlement) []MemberSettlement {
	var y *engine.Year
	for i := range res.Years {
		if res.Years[i].Year == s.Year+1 {
			y = &res.Years[i]
		}
	}
	if y == nil {
		return nil
	}
	y.Settled = s.Year
	var left []MemberSettlement
	for _, ms := range s.Members {
		if ms.Difference.IsZero() {
			continue
		}
		i := slices.IndexFunc(y.Members, func(m engine.MemberYear) bool { return m.ID == ms.ID })
		if i < 0 {
			left = append(left, ms)
			continue
		}
		y.Members[i].Regularisation = ms.Difference
		y.Members[i].Billed = y.Members[i].Billed.Add(ms.Difference)
	}
	return left
}

// Impute marks, in every year of res, the bills of the members that the
// terms settle by imputation on their attribution de compensation, with
// the AC before and after. The AC of a year is the value its parameter
// has in the year's first segment (the first month the service runs). It
// returns a warning for each year in which a bill turns a positive AC
// negative, positioned on the imputation's declaration.
func Impute(res *engine.Result, t *Terms) diag.List {
	var warns diag.List
	if t == nil {
		return nil
	}
	for yi := range res.Years {
		y := &res.Years[yi]
		if len(y.Segments) == 0 {
			continue
		}
		for mi := range y.Members {
			my := &y.Members[mi]
			im := t.ImputationOf(my.ID)
			if im == nil || my.Manager {
				continue
			}
			before := y.Segments[0].Values[im.Parameter]
			my.Imputation = &engine.Imputation{Parameter: im.Parameter, Before: before, After: before.Sub(my.Billed)}
			// An AC already negative is a sum the commune pays: the
			// imputation adds to it, which the AC can always absorb.
			if my.Imputation.After.IsNegative() && !before.IsNegative() {
				warns.Addf(im.Pos, diag.Invalid, "%d: the bill of %s (%s EUR) exceeds its attribution de compensation (%s EUR, parameter %s) by %s EUR: the AC cannot absorb it, the difference must be invoiced",
					y.Year, my.ID, my.Billed.StringFixed(2), before.StringFixed(2), im.Parameter, my.Imputation.After.Neg().StringFixed(2))
			}
		}
	}
	return warns
}
