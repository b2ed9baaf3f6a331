package engine

import (
	"cmp"
	"fmt"
	"math"
	"math/big"
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
	parts, _, err := allocate(total, raw, ids, false)
	return parts, err
}

// allocate is Allocate; with wantCents it also returns the parts as int64
// cents, or nil when one does not fit.
func allocate(total decimal.Decimal, raw []decimal.Decimal, ids []string, wantCents bool) ([]decimal.Decimal, []int64, error) {
	if len(raw) != len(ids) {
		return nil, nil, fmt.Errorf("allocate: %d parts but %d ids", len(raw), len(ids))
	}
	if !total.Equal(total.Round(2)) {
		return nil, nil, fmt.Errorf("allocate: total %s is not in cents", total)
	}
	if len(raw) == 0 {
		if !total.IsZero() {
			return nil, nil, fmt.Errorf("allocate: no member to share %s among", total)
		}
		return nil, nil, nil
	}
	negative := total.IsNegative()
	if negative {
		total = total.Neg()
	}
	// Every part is brought to the smallest exponent among them (and the
	// cent), as exact integers: floor to the cent and remainder are then
	// one Euclidean division each, and remainders compare as integers.
	// This is RoundFloor(2), Sub and Cmp without a power of ten per call.
	e := int32(-2)
	for _, r := range raw {
		e = min(e, r.Exponent())
	}
	parts := make([]decimal.Decimal, len(raw))
	remainders := make([]big.Int, len(raw))
	unit := pow10(int(-2 - e))
	sum := new(big.Int)
	q := new(big.Int)
	var cents []int64
	if wantCents {
		cents = make([]int64, len(raw))
	}
	for i, r := range raw {
		v := r.Coefficient()
		if negative {
			v.Neg(v)
		}
		if r.Exponent() != e {
			v.Mul(v, pow10(int(r.Exponent()-e)))
		}
		if v.Sign() >= 0 {
			q.QuoRem(v, unit, &remainders[i]) // the same as DivMod, cheaper
		} else {
			q.DivMod(v, unit, &remainders[i])
		}
		parts[i] = decimal.NewFromBigInt(q, -2)
		sum.Add(sum, q)
		if cents != nil {
			if q.IsInt64() && q.Int64() < math.MaxInt64 && q.Int64() > math.MinInt64 {
				cents[i] = q.Int64()
			} else {
				cents = nil
			}
		}
	}
	missingCents := total.Shift(2).BigInt()
	missingCents.Sub(missingCents, sum)
	if !missingCents.IsInt64() || missingCents.Int64() < 0 || missingCents.Int64() > int64(len(raw)) {
		return nil, nil, fmt.Errorf("allocate: the parts sum to %s, not to the total %s", decimal.NewFromBigInt(sum, -2), total)
	}
	missing := missingCents.Int64()
	order := make([]int, len(raw))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := remainders[b].Cmp(&remainders[a]); c != 0 {
			return c
		}
		return cmp.Compare(ids[a], ids[b])
	})
	for _, i := range order[:missing] {
		parts[i] = parts[i].Add(cent)
		if cents != nil {
			cents[i]++
		}
	}
	if negative {
		for i := range parts {
			parts[i] = parts[i].Neg()
			if cents != nil {
				cents[i] = -cents[i]
			}
		}
	}
	return parts, cents, nil
}
