package engine

import (
	"math/big"

	"github.com/shopspring/decimal"
)

// Fast paths for the decimal sums of the year loop. shopspring/decimal
// brings two operands to a common exponent by computing a power of ten
// with big.Int.Exp on every Add, Sub and Cmp whose exponents differ: a key
// has twenty decimals, an amount two, so nearly every sum of combine and
// Allocate paid for one (about half the time of a large run, see
// docs/performance.md). These helpers give exactly the value and the
// exponent the library gives, with the powers of ten cached.

var pow10Cache = func() []*big.Int {
	c := make([]*big.Int, 80)
	p := big.NewInt(1)
	for i := range c {
		c[i] = new(big.Int).Set(p)
		p.Mul(p, big.NewInt(10))
	}
	return c
}()

// pow10 returns 10^n for n ≥ 0; the result must not be modified.
func pow10(n int) *big.Int {
	if n < len(pow10Cache) {
		return pow10Cache[n]
	}
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}

// add returns x + y, equal in value and exponent to x.Add(y).
func add(x, y decimal.Decimal) decimal.Decimal {
	ex, ey := x.Exponent(), y.Exponent()
	switch {
	case ex == ey:
		return x.Add(y)
	case ex > ey:
		if x.IsZero() {
			return decimal.NewFromBigInt(new(big.Int), ey).Add(y)
		}
		v := x.Coefficient()
		v.Mul(v, pow10(int(ex-ey)))
		return decimal.NewFromBigInt(v.Add(v, y.Coefficient()), ey)
	default:
		if y.IsZero() {
			return x.Add(decimal.NewFromBigInt(new(big.Int), ex))
		}
		v := y.Coefficient()
		v.Mul(v, pow10(int(ey-ex)))
		return decimal.NewFromBigInt(v.Add(v, x.Coefficient()), ex)
	}
}

// accumulate returns acc + y for a running sum started at decimal.Zero:
// the first term is taken as it is, which is what Zero.Add(y) gives
// whenever y has no positive exponent (and an equal value otherwise).
func accumulate(acc, y decimal.Decimal) decimal.Decimal {
	if acc.Exponent() == 0 && acc.IsZero() && y.Exponent() <= 0 {
		return y
	}
	return add(acc, y)
}
