package engine

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/shopspring/decimal"
)

var cent = decimal.New(1, -2)

// Allocate shares total, an amount in cents, among parts whose exact values
// are raw, so that the returned parts are in cents and sum exactly to total.
//
// It is the largest remainder method: each part is first rounded toward zero
// to the cent, then the cents still missing go one each to the parts that
// lost the most in that rounding; equal remainders are broken by ids, in
// increasing order, so that the result never depends on the order of the
// members in a file. As with any largest remainder method, a larger total
// can leave a part one cent smaller (the Alabama paradox); the parts are
// always within one cent of their exact values.
//
// The raw parts must sum to total within one cent per part, which holds
// when they come from keys that sum to 1; otherwise Allocate fails rather
// than hide the difference.
func Allocate(total decimal.Decimal, raw []decimal.Decimal, ids []string) ([]decimal.Decimal, error) {
	if len(raw) != len(ids) {
		return nil, fmt.Errorf("allocate: %d parts but %d ids", len(raw), len(ids))
	}
	if !total.Equal(total.Round(2)) {
		return nil, fmt.Errorf("allocate: total %s is not in cents", total)
	}
	if len(raw) == 0 {
		if !total.IsZero() {
			return nil, fmt.Errorf("allocate: no member to share %s among", total)
		}
		return nil, nil
	}
	negative := total.IsNegative()
	if negative {
		total = total.Neg()
	}
	parts := make([]decimal.Decimal, len(raw))
	remainders := make([]decimal.Decimal, len(raw))
	sum := decimal.Zero
	for i, r := range raw {
		if negative {
			r = r.Neg()
		}
		parts[i] = r.RoundFloor(2)
		remainders[i] = r.Sub(parts[i])
		sum = sum.Add(parts[i])
	}
	missing := total.Sub(sum).Div(cent).IntPart()
	if missing < 0 || missing > int64(len(raw)) {
		return nil, fmt.Errorf("allocate: the parts sum to %s, not to the total %s", sum, total)
	}
	order := make([]int, len(raw))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := remainders[b].Cmp(remainders[a]); c != 0 {
			return c
		}
		return cmp.Compare(ids[a], ids[b])
	})
	for _, i := range order[:missing] {
		parts[i] = parts[i].Add(cent)
	}
	if negative {
		for i := range parts {
			parts[i] = parts[i].Neg()
		}
	}
	return parts, nil
}
